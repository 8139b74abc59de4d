"""A real ASGI server (uvicorn, in a thread) and a real Chromium (Playwright).

The server shares the test database: tests using it need `transactional_db`
so that what they create is committed and visible to the server's threads.
"""

import asyncio
import os
import socket
import threading

import pytest
import uvicorn
from playwright.sync_api import expect

from tests.waiting import wait_until

CHROMIUM = "/usr/bin/chromium"
# Playwright's assertions retry until they hold; their default of 5 s is short
# for a page and a server sharing two loaded cores. A safety net only.
ASSERTION_TIMEOUT_MS = 20_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


class _ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # not the main thread
        pass


@pytest.fixture(autouse=True)
def _allow_sync_db_beside_playwright(monkeypatch):
    """Playwright's sync API keeps an event loop running in the test thread, which
    trips Django's async-safety check on the test's own (synchronous) DB calls."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")


@pytest.fixture(scope="session", autouse=True)
def _patient_assertions():
    expect.set_options(timeout=ASSERTION_TIMEOUT_MS)


@pytest.fixture
def live_server_url(transactional_db):
    from relais.asgi import application

    # Bound here and handed to uvicorn: a port merely found free could be
    # taken by another process before the server binds it.
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    config = uvicorn.Config(
        application, lifespan="off", log_level="warning", ws="websockets-sansio"
    )
    server = _ThreadedServer(config)
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[listening])), daemon=True
    )
    thread.start()
    wait_until(lambda: server.started or not thread.is_alive(), "the test server to start")
    if not server.started:
        raise RuntimeError("the test server did not start")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    listening.close()


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module: Playwright's sync API runs an event loop in
    this thread while it lives, which the asyncio tests of other modules (run
    later by the same worker) cannot share."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(locale: str = "fr-FR"):
        context = browser.new_context(locale=locale)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
