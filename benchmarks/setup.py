"""Start Django for a benchmark on a fresh database of its own."""

from __future__ import annotations

import os
import tempfile


def start_django(database_url: str | None = None) -> str:
    """Configure Django on a fresh data directory (a fresh SQLite file unless
    `database_url` is given), migrate, and return the data directory.

    Must run before anything imports Django models: settings are read once."""
    data_dir = tempfile.mkdtemp(prefix="relais-bench-")
    os.environ["RELAIS_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "relais.settings"
    os.environ.setdefault("SECRET_KEY", "benchmark-secret-key-not-for-production")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)  # the in-memory channel layer: one process
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return data_dir


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the (sorted) values lie (nearest rank)."""
    if not sorted_values:
        return 0.0
    rank = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]
