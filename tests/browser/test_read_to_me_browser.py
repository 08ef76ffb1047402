"""Issue 12 done-when: a Reception pupil who cannot read, on a touch tablet,
with "Read to me" on; and "I'm worried" with nothing chosen reaches the DSL."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_support import check_axe, sign_in_pupil, wait_until
from helpers import PASSWORD
from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import Pupil

pytestmark = pytest.mark.browser

# A recording stand-in for the browser's voice: every utterance is kept, in order.
FAKE_VOICE = """
window.__spoken = [];
(function () {
  var fake = {
    speaking: false,
    getVoices: function () { return [{ lang: "en-GB", localService: true, name: "Test voice" }]; },
    speak: function (u) { window.__spoken.push(u.text); setTimeout(function () { if (u.onend) { u.onend({}); } }, 5); },
    cancel: function () {},
    addEventListener: function () {}
  };
  Object.defineProperty(window, "speechSynthesis", { value: fake, configurable: true });
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
"""


def spoken_when_done(page, since=0):
    wait_until(page, "() => window.StaySafeRead && !window.StaySafeRead.busy()")
    page.wait_for_timeout(50)
    wait_until(page, "() => !window.StaySafeRead.busy()")
    return page.evaluate("window.__spoken")[since:]


def visible_texts(page, selector):
    return page.evaluate("""(sel) => Array.from(document.querySelectorAll(sel))
        .filter(el => el.getClientRects().length > 0).map(el => el.textContent.trim())""", selector)


def assert_in_order(spoken, texts):
    at = -1
    for text in texts:
        found = [i for i, said in enumerate(spoken) if i > at and text.strip() in said]
        assert found, f"{text!r} not read after position {at}: {spoken}"
        at = found[0]


def order_by_arrows(page, question):
    """Put the steps in order with the big arrow buttons only."""
    for target, step in enumerate(question.steps):
        ids = page.evaluate("() => Array.from(document.querySelectorAll('.order-step')).map(s => s.dataset.step)")
        for _ in range(ids.index(step.id) - target):
            page.locator(f'.order-step[data-step="{step.id}"] .order-step__up').tap()


def tap_options(page, question):
    """Tap the option cards (their pictures or words) and the tiles, as tap_answer in test_player_browser."""
    from test_player_browser import tap_answer

    if question.type == "order_steps":
        order_by_arrows(page, question)
        page.locator(".question-form").get_by_role("button", name="Check my answer").tap()
        return
    tap_answer(page, question)


def read_screen(page, question):
    spoken = spoken_when_done(page)
    assert spoken, "nothing was read"
    if question is None:
        return
    parts = [question.prompt] + visible_texts(page, ".question-form [data-read-item] .say-text, "
                                                    ".question-form .qt-option__text, .question-form .place-item__text, "
                                                    ".question-form .order-step__text")
    assert_in_order(spoken, parts)  # the prompt, then each option in on-screen order


def read_feedback(page, before):
    expect(page.locator(".question-form .feedback")).to_have_class(re.compile("feedback--good"), timeout=10000)
    spoken = spoken_when_done(page, before)
    lines = visible_texts(page, ".question-form .feedback-summary, .question-form .feedback-line")
    assert_in_order(spoken, [line for line in lines if line])
    expect(page.locator(".question-form .feedback-mark")).to_be_visible()


def test_a_reception_pupil_does_a_whole_module_by_taps_with_read_to_me(tablet, app, world):
    page = tablet
    with app.app_context():
        pupil = db.session.get(Pupil, world.one.pupil_a)
        pupil.year_group = 0  # Reception
        db.session.commit()
        module = get_content().modules["passwords-4-7"]
    page.add_init_script(FAKE_VOICE)
    sign_in_pupil(page, app, world, world.one.pupil_a, world.one.class_a)
    spoken_when_done(page)
    page.locator(f'a[href="/pupil/modules/{module.id}"]').tap()
    page.wait_for_url(f"**/pupil/modules/{module.id}")
    page.get_by_role("link", name=re.compile("Start the lesson")).tap()
    for n, step in enumerate(module.lesson.steps, start=1):
        page.wait_for_url(f"**/lesson/{n}")
        read_screen(page, step.question)
        if step.question is not None:
            before = len(page.evaluate("window.__spoken"))
            tap_options(page, step.question)
            read_feedback(page, before)
        page.locator(".player-nav .next-button").tap()
    for n, question in enumerate(module.bank.questions, start=1):
        page.wait_for_url(f"**/quiz/{n}")
        read_screen(page, question)
        before = len(page.evaluate("window.__spoken"))
        tap_options(page, question)
        read_feedback(page, before)
        check_axe(page)
        page.locator(".player-nav .next-button").tap()
    page.wait_for_url(f"**/modules/{module.id}/done")
    expect(page.locator(".celebrate__bolt")).to_be_visible()
    expect(page.get_by_role("button", name="Print my certificate")).to_be_visible()
    assert_in_order(spoken_when_done(page), ["Well done"])
    check_axe(page)


def test_next_without_an_answer_asks_skip_this_one(tablet, app, world):
    page = tablet
    page.add_init_script(FAKE_VOICE)
    sign_in_pupil(page, app, world, world.one.pupil_a, world.one.class_a)
    page.goto("/pupil/modules/passwords-4-7/quiz/1")
    spoken_when_done(page)
    before = len(page.evaluate("window.__spoken"))
    page.locator(".player-nav .next-button").tap()
    expect(page.get_by_text("Skip this one?")).to_be_visible()
    assert_in_order(spoken_when_done(page, before), ["Skip this one?"])
    assert page.url.endswith("/quiz/1")
    check_axe(page)
    page.get_by_role("button", name="Yes, skip it").tap()
    page.wait_for_url("**/quiz/2")


def test_im_worried_with_nothing_chosen_reaches_the_dsl_queue(tablet, browser, live_server, app, world):
    page = tablet
    page.add_init_script(FAKE_VOICE)
    sign_in_pupil(page, app, world, world.one.pupil_a, world.one.class_a)
    page.get_by_role("link", name="I'm worried").tap()
    page.wait_for_url("**/pupil/worried")
    check_axe(page)
    assert page.locator(".worry-choice-wrap .say").count() == 6
    page.get_by_role("button", name="Tell a grown-up").tap()
    page.wait_for_url("**/pupil/worried/thanks")
    expect(page.get_by_text("0800 1111")).to_be_visible()
    assert_in_order(spoken_when_done(page), ["Thank you for telling us"])
    context = browser.new_context(base_url=live_server, viewport={"width": 1024, "height": 768})
    dsl = context.new_page()
    dsl.goto("/signin")
    dsl.get_by_label("Email").fill(world.one.emails["dsl"])
    dsl.get_by_label("Password").fill(PASSWORD)
    dsl.get_by_role("button", name="Sign in").click()
    dsl.goto("/safeguarding/")
    row = dsl.get_by_role("row").filter(has_text="Amara S.").filter(has_text="Not said")
    expect(row.first).to_be_visible()
    context.close()


def test_no_voice_shows_a_picture_message(tablet, app, world):
    page = tablet
    page.add_init_script("Object.defineProperty(window, 'speechSynthesis', { value: undefined, configurable: true });")
    sign_in_pupil(page, app, world, world.one.pupil_a, world.one.class_a)
    expect(page.locator(".no-voice-banner img")).to_be_visible()
    check_axe(page)
