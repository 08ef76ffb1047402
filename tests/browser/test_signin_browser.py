"""Signing in on a touch tablet, in a real Chromium."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_support import check_axe
from helpers import PASSWORD

pytestmark = pytest.mark.browser


def _teacher_signs_in(page, email):
    page.goto("/")
    page.get_by_role("link", name=re.compile("I am a grown-up")).tap()
    page.wait_for_url("**/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").tap()
    page.wait_for_url("**/teacher/")


def test_teacher_signs_in_with_a_password_and_hands_the_tablet_to_the_class(tablet, world):
    page = tablet
    _teacher_signs_in(page, world.one.emails["teacher_a"])
    expect(page.get_by_role("heading", name="My classes")).to_be_visible()
    check_axe(page)
    page.get_by_role("link", name="Hedgehogs", exact=True).tap()
    page.wait_for_url("**/teacher/classes/*")
    page.get_by_role("button", name="Open class sign-in").tap()
    page.wait_for_selector(".class-code strong")
    code = page.locator(".class-code strong").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{6}", code)
    check_axe(page)
    page.get_by_role("button", name="Use this device for the class").tap()
    page.wait_for_url("**/tablet/class")
    expect(page.get_by_role("link", name="Amara S.")).to_be_visible()


def test_pupil_signs_in_with_the_class_code_and_picture_pin(tablet, world, app):
    from helpers import Auth

    code = Auth(app.test_client(), world).open_class(world.one, world.one.class_a)
    page = tablet
    page.goto("/")
    page.get_by_role("link", name=re.compile("I am a pupil")).tap()
    page.wait_for_url("**/tablet")
    check_axe(page)
    page.get_by_role("textbox", name="Class code").fill(code.lower())
    page.get_by_role("button", name="Go").tap()
    page.wait_for_url("**/tablet/class")
    check_axe(page)
    name = page.get_by_role("link", name="Amara S.")
    box = name.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a finger-sized target
    name.tap()
    page.wait_for_url("**/tablet/pupil/*")
    check_axe(page)
    for picture in world.one.pins[world.one.pupil_a].split("-"):
        button = page.get_by_role("button", name=picture, exact=True)
        assert button.bounding_box()["height"] >= 44
        button.tap()
    page.wait_for_url("**/pupil/")
    expect(page.get_by_text("Hello, Amara!")).to_be_visible()
    check_axe(page)
    # "Not me" goes back to the class list on the same tablet.
    page.get_by_role("link", name="Not me?").tap()
    page.wait_for_url("**/pupil/not-me")
    expect(page.get_by_role("heading", name=re.compile("Are you Amara"))).to_be_visible()
    check_axe(page)
    page.get_by_role("button", name=re.compile("No, I am not Amara")).tap()
    page.wait_for_url("**/tablet/class")
    expect(page.get_by_role("link", name="Ben S.")).to_be_visible()


def test_wrong_pictures_are_explained_kindly(tablet, world, app):
    from helpers import Auth

    code = Auth(app.test_client(), world).open_class(world.one, world.one.class_a)
    page = tablet
    page.goto("/tablet")
    page.get_by_role("textbox", name="Class code").fill(code)
    page.get_by_role("button", name="Go").tap()
    page.get_by_role("link", name="Ben S.").tap()
    right = world.one.pins[world.one.pupil_a2].split("-")
    wrong = ["cat", "cat", "cat"] if right != ["cat", "cat", "cat"] else ["dog", "dog", "dog"]
    for picture in wrong:
        page.get_by_role("button", name=picture, exact=True).tap()
    page.wait_for_load_state()
    expect(page.get_by_role("alert").filter(has_text="Those pictures were not right")).to_be_visible()
