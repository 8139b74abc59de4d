"""The JSON fixtures of real-shaped Meta payloads, by channel and name."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fixture(channel: str, name: str) -> dict:
    return json.loads((ROOT / channel / "fixtures" / f"{name}.json").read_text())


def fixture_bytes(channel: str, name: str) -> bytes:
    return (ROOT / channel / "fixtures" / f"{name}.json").read_bytes()
