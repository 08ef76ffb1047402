"""Accessibility checks for the browser tests (axe-core from npm)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"


def require(path: Path, what: str) -> None:
    """In CI a missing browser tool fails the run; elsewhere the test is skipped, loudly."""
    if path.exists():
        return
    message = f"{what} not found at {path}"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must run the browser tests (.ci/run installs it)")
    pytest.skip(f"!!! BROWSER TESTS SKIPPED: {message}. Install it (apt-get install chromium; npm install) to run them. !!!")


def check_axe(page) -> None:
    """No serious or critical accessibility violations on this page (axe-core)."""
    require(AXE, "axe-core (npm install)")
    # Let entrance animations finish: half-faded text would be judged on its faded colour.
    wait_until(page, "() => document.getAnimations().every(a => a.playState !== 'running')")
    # evaluate() is not subject to the page's CSP (an injected <script> would be).
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, json.dumps([{"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"][:3]]} for v in bad], indent=1)


def wait_until(page, predicate: str, timeout_ms: int = 10000) -> None:
    """Poll a JavaScript predicate. (page.wait_for_function evaluates strings
    with eval(), which the app's Content-Security-Policy rightly forbids.)"""
    waited = 0
    while not page.evaluate(predicate):
        if waited >= timeout_ms:
            raise AssertionError(f"still false after {timeout_ms} ms: {predicate}")
        page.wait_for_timeout(100)
        waited += 100


def sign_in_pupil(page, app, world, pupil_id, class_id):
    from helpers import Auth
    from quizapp.extensions import db
    from quizapp.models import Pupil

    code = Auth(app.test_client(), world).open_class(world.one, class_id)
    with app.app_context():
        pupil = db.session.get(Pupil, pupil_id)
        name, pin = pupil.display_name, pupil.pin
    page.goto("/tablet")
    page.get_by_role("textbox", name="Class code").fill(code)
    page.get_by_role("button", name="Go").tap()
    page.get_by_role("link", name=name).tap()
    page.wait_for_url("**/tablet/pupil/*")
    for picture in pin.split("-"):
        page.get_by_role("button", name=picture, exact=True).tap()
    page.wait_for_url("**/pupil/")
