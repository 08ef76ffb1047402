"""A pupil on a touch tablet does a "Remember?" revisit weeks after finishing
a module: the card on My topics, three questions by touch, kind feedback, no
score (services/revisits.py)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert, select
from test_player_browser import expect_good_feedback, tap_answer

from browser_support import check_axe, sign_in_pupil
from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import Answer, ModuleProgress, RevisitTally, now_utc
from quizapp.services.counting import rebuild_tallies

pytestmark = pytest.mark.browser


def _finished_weeks_ago(app, world, module_id: str, weeks: int) -> object:
    """Pupil A answered the whole quiz and finished the module `weeks` ago (the lesson checks never answered)."""
    with app.app_context():
        module = get_content().modules[module_id]
        then = now_utc() - timedelta(weeks=weeks)
        db.session.execute(insert(Answer), [dict(
            school_id=world.one.school_id, pupil_id=world.one.pupil_a, module_id=module.id, question_id=q.id,
            content_version=module.version, source="quiz", response={}, correct=True, score=1.0, first_try=False,
            client_id=f"seed-{q.id}"[:64], created_at=then) for q in module.bank.questions])
        db.session.add(ModuleProgress(school_id=world.one.school_id, pupil_id=world.one.pupil_a, module_id=module.id,
                                      content_version=module.version, started_at=then, lesson_done_at=then,
                                      completed_at=then))
        db.session.commit()
        rebuild_tallies(get_content(), world.one.school_id)
        return module


def test_a_revisit_on_a_touch_tablet(tablet, app, world):
    page = tablet
    module = _finished_weeks_ago(app, world, "passwords-4-7", weeks=3)
    sign_in_pupil(page, app, world, world.one.pupil_a, world.one.class_a)
    card = page.locator(".remember-card")
    expect(card).to_be_visible()
    expect(card.locator("button.say")).to_have_count(1)  # read aloud like everything else
    check_axe(page)
    card.get_by_role("link", name="Let's remember").tap()
    for position in (1, 2, 3):
        page.wait_for_url(f"**/pupil/remember/{module.id}/1/{position}")
        question_id = page.locator(".question-form").get_attribute("data-question")
        with app.app_context():
            question = get_content().questions[question_id]
        tap_answer(page, question)
        expect_good_feedback(page)
        check_axe(page)
        body = page.locator("main").inner_text().lower()
        assert "score" not in body and "points" not in body and "streak" not in body
        page.locator(".player-nav .next-button").tap()
    page.wait_for_url("**/pupil/")
    expect(page.get_by_text(re.compile("Thank you for remembering"))).to_be_visible()
    expect(page.locator(".remember-card")).to_have_count(0)
    with app.app_context():
        stored = db.session.execute(select(Answer.question_id).where(Answer.source == "revisit-1")).scalars().all()
        assert sorted(stored) == sorted(q.id for q in module.lesson_questions())
        assert db.session.execute(select(RevisitTally)).scalars().all()  # counted when the pupil's home was shown


def test_the_remember_card_and_page_fit_a_phone(browser, live_server, app, world):
    _finished_weeks_ago(app, world, "passwords-4-7", weeks=9)  # the second revisit
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 640}, has_touch=True, is_mobile=True)
    page = context.new_page()
    sign_in_pupil(page, app, world, world.one.pupil_a, world.one.class_a)
    for url in ["/pupil/", "/pupil/remember/passwords-4-7/2/1"]:
        page.goto(url)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{url} scrolls sideways by {overflow}px"
        small = page.evaluate("""() => [...document.querySelectorAll('.remember-card a.button, .player-nav button')]
            .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; }).length""")
        assert small == 0, url
    expect(page.locator(".question-form")).to_have_attribute("data-source", "revisit-2")
    context.close()
