"""Read-aloud, small screens, settings and the "I'm worried" button, in a real Chromium."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from browser_support import check_axe, sign_in_pupil
from quizapp.extensions import db
from quizapp.models import Concern

pytestmark = pytest.mark.browser

# A stand-in voice: it "reads" by reporting each word boundary, like a real device.
FAKE_VOICE = """
(() => {
  class FakeUtterance { constructor(text) { this.text = text; } }
  window.SpeechSynthesisUtterance = FakeUtterance;
  const spoken = [];
  window.__spoken = spoken;
  Object.defineProperty(window, "speechSynthesis", { value: {
    getVoices: () => [{ lang: "en-GB", name: "Test voice" }],
    cancel: () => {},
    addEventListener: () => {},
    speak: (u) => {
      spoken.push(u.text);
      const words = [...u.text.matchAll(/\\S+/g)];
      words.forEach((w, i) => setTimeout(() => u.onboundary && u.onboundary({ name: "word", charIndex: w.index }), 150 * i));
      setTimeout(() => u.onend && u.onend({}), 150 * words.length + 600);
    },
  }});
})();
"""


def test_read_aloud_reads_the_step_and_lights_up_each_word(tablet, app, world):
    page = tablet
    page.add_init_script(FAKE_VOICE)
    sign_in_pupil(page, app, world, world.one.pupil_a, world.one.class_a)
    page.goto("/pupil/modules/passwords-4-7/lesson/1")
    text = page.locator("#step-text").inner_text()
    page.locator('button.say[data-say-target="step-text"]').tap()
    expect(page.locator("#step-text .say-word")).to_have_count(1)
    assert page.evaluate("window.__spoken[0]") == text.strip()
    page.wait_for_timeout(400)
    lit = page.locator("#step-text .say-word").inner_text()
    assert lit in text.split()
    # When it has finished, the words are plain text again.
    expect(page.locator("#step-text span")).to_have_count(0, timeout=10000)
    assert page.locator("#step-text").inner_text() == text
    # Every option and piece of feedback has its own read-aloud button.
    page.goto("/pupil/modules/passwords-4-7/quiz/1")
    options = page.locator(".question-form input[name=choice]").count()
    assert page.locator(".question-form .say").count() >= options + 2


def test_a_device_without_a_voice_says_so_kindly(tablet, app, world):
    page = tablet
    page.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    sign_in_pupil(page, app, world, world.one.pupil_a, world.one.class_a)
    page.locator(".title-row .say").first.tap()
    expect(page.locator(".no-voice").filter(has_text="cannot read aloud")).to_be_visible()


@pytest.mark.parametrize("size", [(360, 640), (640, 360), (1024, 768)], ids=["phone", "phone-landscape", "tablet-landscape"])
def test_pages_fit_small_screens_without_sideways_scrolling(browser, live_server, app, world, size):
    context = browser.new_context(base_url=live_server, viewport={"width": size[0], "height": size[1]}, has_touch=True, is_mobile=True)
    page = context.new_page()
    sign_in_pupil(page, app, world, world.one.pupil_b, world.one.class_b)
    for url in ["/pupil/", "/pupil/modules/passwords-7-9/lesson/1", "/pupil/modules/passwords-7-9/quiz/1",
                "/pupil/modules/friends-and-privacy-7-9/quiz/1", "/pupil/worried", "/pupil/settings"]:
        page.goto(url)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{url} scrolls sideways by {overflow}px at {size}"
        small = page.evaluate("""() => [...document.querySelectorAll('button, a.button, .name-button, label.big-choice')]
            .filter(e => e.offsetParent !== null)
            .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
            .map(e => e.outerHTML.slice(0, 120))""")
        assert not small, f"{url} has tap targets under 44px at {size}: {small}"
    context.close()


def test_display_settings_change_the_pages(tablet, app, world):
    page = tablet
    sign_in_pupil(page, app, world, world.one.pupil_a, world.one.class_a)
    page.get_by_role("link", name="My settings").tap()
    page.wait_for_url("**/pupil/settings")
    check_axe(page)
    page.get_by_label("Large").check()
    page.get_by_label("Easier-to-read letters").check()
    page.get_by_label(re.compile("Strong colours")).check()
    page.get_by_role("button", name="Save").tap()
    page.wait_for_url("**/pupil/")
    body_class = page.locator("body").get_attribute("class")
    assert "text-large" in body_class and "font-dyslexia" in body_class and "high-contrast" in body_class
    assert "OpenDyslexic" in page.evaluate("() => getComputedStyle(document.body).fontFamily")
    check_axe(page)


def test_im_worried_from_any_pupil_page(tablet, app, world):
    page = tablet
    sign_in_pupil(page, app, world, world.one.pupil_a2, world.one.class_a)
    page.goto("/pupil/modules/passwords-4-7/quiz/1")
    page.get_by_role("link", name="I'm worried").tap()
    page.wait_for_url("**/pupil/worried")
    check_axe(page)
    page.get_by_role("button", name="Tell a grown-up").tap()  # nothing chosen yet: it still gets through
    page.wait_for_url("**/pupil/worried/thanks")
    page.get_by_role("link", name="I'm worried").tap()
    page.wait_for_url("**/pupil/worried")
    page.locator("label.worry-choice").filter(has_text="Someone I don't know messaged me").tap()
    page.get_by_label("You can write a few words if you like").fill("A person in a game keeps messaging me")
    page.get_by_label("My teacher", exact=True).check()
    page.get_by_role("button", name="Tell a grown-up").tap()
    page.wait_for_url("**/pupil/worried/thanks")
    expect(page.get_by_text("0800 1111")).to_be_visible()
    expect(page.get_by_text("999")).to_be_visible()
    check_axe(page)
    with app.app_context():
        first, concern = db.session.execute(select(Concern).where(Concern.pupil_id == world.one.pupil_a2).order_by(Concern.id)).scalars()
        assert (first.category, first.talk_to) == ("not_said", "not_said")
        assert concern.category == "stranger" and concern.talk_to == "teacher" and concern.status == "new"
