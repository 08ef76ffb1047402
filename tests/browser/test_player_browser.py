"""A pupil on a touch tablet does whole modules in a real Chromium: every
question type, the pretend app, double taps and a dropped network."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from browser_support import check_axe, sign_in_pupil, wait_until
from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import Answer, ModuleProgress
from simulation.solver import right_fields, safe_path

pytestmark = pytest.mark.browser


def tap_answer(page, question):
    """Give the right answer the way a pupil would: tapping labels, choosing numbers, tapping chat replies."""
    form = page.locator(".question-form")
    if question.type == "chat_scenario":
        for choice in safe_path(question):
            button = form.locator(f'button[name="choice"][value="{choice}"]')
            expect(button).to_be_visible(timeout=10000)
            button.tap()
        return
    for name, values in right_fields(question).items():
        for value in values:
            control = form.locator(f'[name="{name}"][value="{value}"]')
            if name == "tile":  # with JavaScript the tiles send hidden inputs in tap order
                control = form.locator(f'input[data-word][value="{value}"]')
            if control.count() == 0:  # a select: the value is one of its options
                form.locator(f'select[name="{name}"]').select_option(value)
                continue
            control_id = control.first.get_attribute("id")
            label = form.locator(f'label[for="{control_id}"]') if control_id else None
            target = label if label is not None and label.count() and label.first.is_visible() else control.first
            if control.first.get_attribute("type") in ("checkbox", "radio") and control.first.is_checked():
                continue
            target.first.tap()
    form.get_by_role("button", name="Check my answer").tap()


def expect_good_feedback(page):
    feedback = page.locator(".question-form .feedback")
    expect(feedback).to_have_class(re.compile("feedback--good"), timeout=10000)



# One module of the first eight topics and one of the six added later, in each band.
MODULES = ["passwords-4-7", "friends-and-privacy-7-9", "age-limits-9-11",
           "upsetting-content-4-7", "tricks-and-money-7-9", "pictures-of-me-9-11",
           "is-it-true-4-7", "live-and-on-camera-7-9", "finding-a-balance-9-11"]


@pytest.mark.parametrize("module_id", MODULES)
def test_a_whole_module_in_each_band(tablet, app, world, year6, module_id):
    page = tablet
    band = "-".join(module_id.split("-")[-2:])
    pupil_id, class_id = {"4-7": (world.one.pupil_a, world.one.class_a), "7-9": (world.one.pupil_b, world.one.class_b),
                          "9-11": (year6[1], year6[0])}[band]
    sign_in_pupil(page, app, world, pupil_id, class_id)
    with app.app_context():
        module = get_content().modules[module_id]
    check_axe(page)
    page.locator(f'a[href="/pupil/modules/{module.id}"]').tap()
    page.wait_for_url(f"**/pupil/modules/{module.id}")
    check_axe(page)
    page.get_by_role("link", name=re.compile("Start the lesson")).tap()
    for n, step in enumerate(module.lesson.steps, start=1):
        page.wait_for_url(f"**/lesson/{n}")
        if step.question is not None:
            tap_answer(page, step.question)
            expect_good_feedback(page)
        check_axe(page)
        page.locator(".player-nav .next-button").tap()
    for n, question in enumerate(module.bank.questions, start=1):
        page.wait_for_url(f"**/quiz/{n}")
        tap_answer(page, question)
        expect_good_feedback(page)
        check_axe(page)
        page.locator(".player-nav .next-button").tap()
    page.wait_for_url(f"**/modules/{module.id}/done")
    expect(page.get_by_role("heading", name=re.compile("Well done"))).to_be_visible()
    expect(page.locator("img.certificate")).to_have_js_property("complete", True)
    assert page.locator("img.certificate").evaluate("img => img.naturalWidth") > 1000
    check_axe(page)
    with app.app_context():
        assert db.session.execute(select(ModuleProgress.completed_at).where(ModuleProgress.pupil_id == pupil_id)).scalar_one()
        answers = db.session.execute(select(func.count(Answer.id)).where(Answer.pupil_id == pupil_id)).scalar_one()
        assert answers == len(module.bank.questions) + len(module.lesson_questions())


def test_every_question_type_and_the_pretend_app_by_touch(tablet, app, world):
    """One real question of each type (band 7-9), answered by tapping, checked by the server."""
    page = tablet
    sign_in_pupil(page, app, world, world.one.pupil_b, world.one.class_b)
    with app.app_context():
        content = get_content()
        found = {}
        for module in content.modules_for_band("7-9"):
            for n, q in enumerate(module.bank.questions, start=1):
                found.setdefault(q.type, (module.id, n, q))
    assert len(found) == 10, sorted(found)
    for kind, (module_id, n, question) in sorted(found.items()):
        page.goto(f"/pupil/modules/{module_id}/quiz/{n}")
        if kind == "app_action":
            expect(page.locator(".question-form").get_by_text("Chatterbox").first).to_be_visible()
        tap_answer(page, question)
        expect_good_feedback(page)
        check_axe(page)


def open_a_single_choice(page, app, module_id: str):
    """Go to the module's first single-choice quiz question: (its number, the question)."""
    with app.app_context():
        module = get_content().modules[module_id]
    n, question = next((n, q) for n, q in enumerate(module.bank.questions, start=1) if q.type == "single_choice")
    page.goto(f"/pupil/modules/{module_id}/quiz/{n}")
    return n, question


def test_a_double_tap_stores_one_answer(tablet, app, world):
    page = tablet
    sign_in_pupil(page, app, world, world.one.pupil_a, world.one.class_a)
    n, question = open_a_single_choice(page, app, "passwords-4-7")
    choice = right_fields(question)["choice"][0]
    form = page.locator(".question-form")
    form.locator(f'label[for="{form.locator(f"[name=choice][value={choice}]").get_attribute("id")}"]').tap()
    button = form.get_by_role("button", name="Check my answer")
    button.dispatch_event("click")
    button.dispatch_event("click")
    expect_good_feedback(page)
    page.wait_for_timeout(500)
    with app.app_context():
        assert db.session.execute(select(func.count(Answer.id))).scalar_one() == 1


def test_answers_wait_while_offline_and_are_sent_once_when_back(tablet, app, world):
    page = tablet
    sign_in_pupil(page, app, world, world.one.pupil_a, world.one.class_a)
    n, question = open_a_single_choice(page, app, "being-kind-4-7")
    page.context.set_offline(True)
    tap_answer(page, question)
    expect(page.locator(".question-form .feedback")).to_contain_text("saved on this tablet")
    expect(page.locator(".pending-note")).to_be_visible()
    assert page.evaluate("window.QuizappPlayer.queueLength()") == 1
    with app.app_context():
        assert db.session.execute(select(func.count(Answer.id))).scalar_one() == 0
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(page, "() => window.QuizappPlayer.queueLength() === 0")
    expect_good_feedback(page)
    # A reload (which flushes the queue again) must not store it twice.
    page.reload()
    page.wait_for_timeout(500)
    with app.app_context():
        assert db.session.execute(select(func.count(Answer.id))).scalar_one() == 1


def test_next_asks_nothing_for_a_question_answered_on_an_earlier_visit(tablet, app, world):
    """"Skip this one?" is for a question with no answer: not for one stored on
    an earlier visit to the page, nor for one waiting in the tablet's queue
    while the server cannot take it (the page used to know only of answers
    given since it was opened)."""
    page = tablet
    sign_in_pupil(page, app, world, world.one.pupil_a, world.one.class_a)
    n, question = open_a_single_choice(page, app, "passwords-4-7")
    tap_answer(page, question)
    expect_good_feedback(page)
    page.reload()  # a later visit: the page itself holds no answer
    page.locator(".player-nav .next-button").tap()
    page.wait_for_url(f"**/quiz/{n + 1}")

    page.route("**/pupil/api/answer", lambda route: route.fulfill(status=503, body="{}", content_type="application/json"))
    m, waiting = open_a_single_choice(page, app, "being-kind-4-7")
    tap_answer(page, waiting)
    expect(page.locator(".question-form .feedback")).to_contain_text("saved on this tablet")
    page.reload()  # still queued: the server is down
    assert page.evaluate("window.QuizappPlayer.queueLength()") == 1
    page.locator(".player-nav .next-button").tap()
    page.wait_for_url(f"**/quiz/{m + 1}")
    page.unroute("**/pupil/api/answer")
    page.reload()
    wait_until(page, "() => window.QuizappPlayer.queueLength() === 0")
    with app.app_context():
        assert db.session.execute(select(func.count(Answer.id)).where(Answer.question_id == waiting.id)).scalar_one() == 1
