"""Staff managed in the app and the school's safe grown-ups, in a real Chromium:
a school admin invites a DSL by email and the DSL starts from the emailed
link; a pupil meets the school's own safe adults, with their photos, on the
"I'm worried" page and in a getting-help lesson."""
from __future__ import annotations

import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from browser_support import check_axe, sign_in_pupil
from helpers import PASSWORD, Auth, post
from quizapp.content import get_content
from quizapp.services import outbox

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1024, "height": 768}}


def _sign_in(page, email):
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _raise_concern(app, world):
    client = app.test_client()
    Auth(client, world).pupil(world.one, world.one.pupil_b)
    response = post(client, "/pupil/worried", {"category": "stranger", "words": "a man in a game keeps messaging",
                                               "talk_to": "teacher"}, token_from="/pupil/worried")
    assert response.status_code == 302


def test_a_school_admin_invites_a_dsl_who_sets_a_password_from_the_email_and_lands_on_the_queue(
        browser, live_server, app, world, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    _raise_concern(app, world)
    context = browser.new_context(base_url=live_server, **DESKTOP)
    page = context.new_page()
    _sign_in(page, world.one.emails["admin"])
    page.get_by_role("link", name="Staff accounts").click()
    expect(page.get_by_role("heading", name="Staff accounts", exact=True)).to_be_visible()
    page.get_by_label("Name").fill("Ms Rivers")
    page.get_by_label("Email").fill("rivers@oak.test")
    page.get_by_role("checkbox", name="Designated safeguarding lead").check()
    page.get_by_role("button", name="Add and send the invitation").click()
    expect(page.get_by_text("An invitation is on its way to rivers@oak.test")).to_be_visible()
    expect(page.get_by_role("cell", name="invited by email")).to_be_visible()
    check_axe(page)
    context.close()

    with app.app_context():
        outbox.send_due()
    [message] = smtp.inbox.to("rivers@oak.test")
    link = re.search(r"http://\S+/invite/\S+", message.get_content()).group(0)

    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740}, has_touch=True,
                                  is_mobile=True)
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    check_axe(page)
    page.get_by_label("New password", exact=True).fill("willow harbour toast")
    page.get_by_label("New password again").fill("willow harbour toast")
    page.get_by_role("button", name="Set my password").tap()
    expect(page.get_by_role("heading", name="Concerns raised by pupils")).to_be_visible()
    expect(page.locator(".concern-banner")).to_contain_text("new concern")
    expect(page.get_by_role("cell", name="a man in a game keeps messaging")).to_be_visible()
    check_axe(page)
    page.goto(link)
    expect(page.get_by_role("heading", name="This link does not work any more")).to_be_visible()
    context.close()


def _photo(path, colour):
    image = Image.new("RGB", (900, 1200), colour)
    ImageDraw.Draw(image).ellipse((250, 300, 650, 700), fill=(250, 220, 190))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    image.save(path, "JPEG", exif=exif)
    return path


def _photo_loaded(locator) -> bool:
    """Whether the picture arrived and decoded (waiting for it first: the page may show before its photos)."""
    locator.evaluate("img => img.complete || new Promise(done => { img.onload = img.onerror = done; })")
    return locator.evaluate("img => img.complete && img.naturalWidth > 0")


def test_a_pupil_meets_the_schools_safe_adults_with_photos_on_the_worried_page_and_in_a_lesson(
        browser, live_server, tablet, app, world, tmp_path):
    context = browser.new_context(base_url=live_server, **DESKTOP)
    page = context.new_page()
    _sign_in(page, world.one.emails["admin"])
    page.get_by_role("link", name="Our safe grown-ups").click()
    for name, role, colour in (("Mrs Patel", "keeps children safe at our school", (40, 110, 170)),
                               ("Mr Jones", "our head teacher", (170, 80, 40))):
        page.get_by_label("Name, as pupils know them").fill(name)
        page.get_by_label("What they do").fill(role)
        page.get_by_label("Photo (optional)").set_input_files(str(_photo(tmp_path / f"{name}.jpg", colour)))
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_text(f"Added {name}.")).to_be_visible()
    # A file that is not a photo: a clear message, and what was typed stays.
    page.get_by_label("Name, as pupils know them").fill("Miss Reed")
    page.get_by_label("What they do").fill("our learning mentor")
    (tmp_path / "notes.jpg").write_text("not a picture at all")
    page.get_by_label("Photo (optional)").set_input_files(str(tmp_path / "notes.jpg"))
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("That file is not a JPEG, PNG or WebP photo.")).to_be_visible()
    expect(page.get_by_label("Name, as pupils know them")).to_have_value("Miss Reed")
    expect(page.get_by_label("What they do")).to_have_value("our learning mentor")
    check_axe(page)
    context.close()

    pupil = tablet
    sign_in_pupil(pupil, app, world, world.one.pupil_b, world.one.class_b)
    pupil.get_by_role("link", name="I'm worried").tap()
    for name in ("Mrs Patel", "Mr Jones"):
        choice = pupil.locator("label.talk-choice").filter(has_text=name)
        expect(choice).to_be_visible()
        assert _photo_loaded(choice.locator("img"))
    expect(pupil.get_by_text("My teacher")).to_be_visible()
    expect(pupil.get_by_text("A grown-up at home")).to_be_visible()
    check_axe(pupil)
    pupil.locator("label.talk-choice").filter(has_text="Mrs Patel").tap()

    with app.app_context():
        module = get_content().modules["getting-help-7-9"]
        number = next(n for n, s in enumerate(module.lesson.steps, 1) if s.kind == "safe_adults")
    pupil.goto(f"/pupil/modules/getting-help-7-9/lesson/{number}")
    expect(pupil.get_by_role("heading", name="Safe grown-ups at our school")).to_be_visible()
    adults = pupil.get_by_role("list", name="Safe grown-ups at our school")
    for name in ("Mrs Patel", "Mr Jones"):
        expect(adults.get_by_text(name)).to_be_visible()
        photo = adults.get_by_role("img", name=f"Photo of {name}")
        expect(photo).to_be_visible()
        assert _photo_loaded(photo)
    expect(pupil.get_by_text("Mrs Hughes")).to_have_count(0)
    check_axe(pupil)
