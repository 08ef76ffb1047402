"""Email in a real Chromium: a forgotten password reset from the emailed
link, landing a DSL on the concerns queue under the red banner."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_support import check_axe
from quizapp.services import outbox

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}


def test_a_dsl_resets_a_forgotten_password_from_the_email_and_lands_on_the_queue(browser, live_server, app, world, smtp,
                                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    context = browser.new_context(base_url=live_server, **PHONE)
    page = context.new_page()
    page.goto("/signin")
    page.get_by_role("link", name="Forgotten your password?").tap()
    expect(page.get_by_role("heading", name="Forgotten your password?")).to_be_visible()
    check_axe(page)
    page.get_by_label("Email").fill(world.one.emails["dsl"])
    page.get_by_role("button", name="Email me a link").tap()
    expect(page.get_by_text("If there is an account for")).to_be_visible()
    check_axe(page)

    with app.app_context():
        outbox.send_due()
    [(_, message)] = smtp.inbox.received
    link = re.search(r"http://\S+/password/reset/\S+", message.get_content()).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    check_axe(page)
    page.get_by_label("New password", exact=True).fill("river lantern biscuit")
    page.get_by_label("New password again").fill("river lantern biscuit")
    page.get_by_role("button", name="Set my new password").tap()
    expect(page.get_by_role("heading", name="Concerns raised by pupils")).to_be_visible()
    expect(page.locator(".concern-banner")).to_contain_text("1 new concern")
    expect(page.get_by_role("cell", name="Someone called me names")).to_be_visible()
    check_axe(page)
    page.get_by_role("link", name="Email alerts").tap()
    expect(page.get_by_role("heading", name="Email alerts about concerns")).to_be_visible()
    check_axe(page)
    page.goto(link)
    expect(page.get_by_role("heading", name="This link does not work any more")).to_be_visible()
    context.close()
