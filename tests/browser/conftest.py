"""Real-browser tests: Playwright driving Debian's Chromium against a live server.

The server is the test app, served by werkzeug in a thread on 127.0.0.1.
Browser tests run in CI (CI=true): there a missing Chromium is a failure.
Elsewhere they are skipped, loudly, when Chromium is not installed.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from browser_support import require

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
TABLET = {"viewport": {"width": 768, "height": 1024}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2,
          "locale": "en-GB"}


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, _ClosingOnDrop(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


class _ClosingOnDrop:
    """Werkzeug's development server skips a response's close() when the
    browser drops the connection mid-response (a page left before its
    favicon arrived), leaving a static file open: a ResourceWarning, which
    the suite treats as an error. Closing the response when its iterator is
    finished with, whatever happened, keeps that a server artefact, not a
    failing test."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        response = self.app(environ, start_response)

        def chunks():
            try:
                yield from response
            finally:
                if hasattr(response, "close"):
                    response.close()

        return chunks()


@pytest.fixture(scope="session")
def browser():
    require(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def tablet(browser, live_server):
    context = browser.new_context(base_url=live_server, **TABLET)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.requests = requests
    yield page
    context.close()
    foreign = [url for url in requests if not url.startswith(live_server) and not url.startswith("data:")]
    assert not foreign, f"requests to other origins: {foreign}"
