""""Remember?" revisits (services/revisits.py): weeks after a pupil finishes a
module, three questions come back; the answers are stored and counted like any
other, and the dashboards show what stuck. The clock is moved, never waited for."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from helpers import answer_token, post, send_answer
from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import Answer, RevisitTally, School, base
from quizapp.services import dashboards, revisits
from quizapp.services.counting import rebuild_tallies
from simulation.solver import right_fields, wrong_fields

MODULE = "passwords-4-7"  # band 4-7: pupil_a (Year 1, class A)
CARD = "Remember?"


def _module(app):
    with app.app_context():
        return get_content().modules[MODULE]


def finish_module(app, client, module, lesson_checks: bool = False, wrong_first: tuple[str, ...] = ()):
    """The signed-in pupil goes through the lesson (answering its checks or
    not) and answers every quiz question right (some wrong first)."""
    token = answer_token(client, f"/pupil/modules/{module.id}/quiz/1")
    for n, step in enumerate(module.lesson.steps, start=1):
        if lesson_checks and step.question is not None:
            send_answer(client, token, module.id, step.question, right_fields(step.question), source="lesson")
        post(client, f"/pupil/modules/{module.id}/lesson/{n}/next", token_from=f"/pupil/modules/{module.id}/lesson/{n}")
    for n, question in enumerate(module.bank.questions, start=1):
        if question.id in wrong_first:
            send_answer(client, token, module.id, question, wrong_fields(question))
        assert send_answer(client, token, module.id, question, right_fields(question)).json["correct"]
        last = post(client, f"/pupil/modules/{module.id}/quiz/{n}/next", token_from=f"/pupil/modules/{module.id}/quiz/{n}")
    assert last.headers["Location"].endswith(f"/pupil/modules/{module.id}/done")


@pytest.fixture
def clock(monkeypatch):
    """Moves the app's clock (models.base.now_utc, which services/revisits reads) by days."""
    real = base.now_utc

    def move(days: float):
        monkeypatch.setattr(base, "now_utc", lambda: real() + timedelta(days=days))
    return move


_REMEMBER_LINK = re.compile(r'href="(/pupil/remember/[^"]+)"')


def test_a_pupil_remembers_three_weeks_later_and_the_class_sees_what_stuck(app, client, auth, world, clock):
    module = _module(app)
    auth.pupil(world.one, world.one.pupil_a)
    finish_module(app, client, module)  # the lesson's three checks are never answered: unseen
    for days in (0, 7, 20):
        clock(days)
        assert CARD not in client.get("/pupil/").get_data(as_text=True), days
    clock(21.1)
    home = client.get("/pupil/").get_data(as_text=True)
    assert CARD in home and "score" not in home.lower() and "points" not in home.lower()
    first = _REMEMBER_LINK.search(home).group(1)
    assert first == f"/pupil/remember/{MODULE}/1/1"
    unseen = [q.id for q in module.lesson_questions()]
    shown = []
    for position in (1, 2, 3):
        url = f"/pupil/remember/{MODULE}/1/{position}"
        page = client.get(url).get_data(as_text=True)
        question_id = re.search(r'data-question="([^"]+)"', page).group(1)
        assert 'data-source="revisit-1"' in page and 'class="say"' in page  # read aloud like everything else
        shown.append(question_id)
        question = get_content_question(app, question_id)
        token = answer_token(client, url)
        cid = f"revisit{position}abcdef"
        reply = send_answer(client, token, MODULE, question, right_fields(question), client_id=cid, source="revisit-1")
        assert reply.status_code == 200 and reply.json["correct"] and "score" not in reply.json["summary"].lower()
        assert send_answer(client, token, MODULE, question, right_fields(question), client_id=cid,
                           source="revisit-1").json["duplicate"]  # a double tap is one answer
        if position < 3:  # left halfway, the card carries on where the pupil was
            assert f"/pupil/remember/{MODULE}/1/{position + 1}" in client.get("/pupil/").get_data(as_text=True)
    assert shown == unseen  # three questions the pupil had not seen before
    with app.app_context():  # all right at the first revisit: the second asks other questions
        assert not {q.id for q in revisits.pick_questions(world.one.pupil_a, module, 2)} & set(shown)
    done = post(client, f"/pupil/remember/{MODULE}/1/3/next", token_from=f"/pupil/remember/{MODULE}/1/3")
    assert done.headers["Location"].endswith("/pupil/")
    assert CARD not in client.get("/pupil/").get_data(as_text=True)  # done: nothing until the next revisit
    with app.app_context():
        stored = db.session.execute(select(Answer).where(Answer.source == "revisit-1")).scalars().all()
        assert len(stored) == 3 and all(a.first_try and not a.pending for a in stored)
    auth.signout()
    auth.adult(world.one.emails["teacher_a"])
    page = client.get(f"/teacher/classes/{world.one.class_a}/progress").get_data(as_text=True)
    assert "What stuck" in page
    with app.app_context():
        rows = dashboards.what_stuck(get_content(), "4-7", world.one.school_id, class_id=world.one.class_a)
        pupil_levels = dashboards.pupil_stuck(world.one.pupil_a, module.outcome_ids)
    revisited = {o for q in unseen for o in get_content_question(app, q).outcomes}
    assert {r.outcome.id for r in rows} == revisited
    for row in rows:
        assert (row.revisit, row.pupils, row.secure_at_end, row.secure_then) == (1, 1, 1, 1), row
        assert str(escape(row.outcome.text)) in page
        assert pupil_levels[row.outcome.id] == {"end": "secure", 1: "secure"}
    csv_text = client.get(f"/teacher/classes/{world.one.class_a}/progress?format=csv&table=stuck").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("outcome,revisit") and len(csv_text.splitlines()) == len(rows) + 1
    pupil_page = client.get(f"/teacher/pupils/{world.one.pupil_a}").get_data(as_text=True)
    assert "Revisit 1" in pupil_page and "What stuck" in pupil_page
    # The tallies are recounted from the answers to the same numbers.
    with app.app_context():
        before = sorted(db.session.execute(select(RevisitTally.pupil_id, RevisitTally.outcome_id, RevisitTally.revisit,
                                                  RevisitTally.tried, RevisitTally.right_first_time)).all())
        rebuild_tallies(get_content(), world.one.school_id)
        assert sorted(db.session.execute(select(RevisitTally.pupil_id, RevisitTally.outcome_id, RevisitTally.revisit,
                                                RevisitTally.tried, RevisitTally.right_first_time)).all()) == before


def get_content_question(app, question_id):
    with app.app_context():
        return get_content().questions[question_id]


def test_the_second_revisit_comes_at_eight_weeks_and_the_school_can_change_both(app, client, auth, world, clock):
    module = _module(app)
    auth.pupil(world.one, world.one.pupil_a)
    finish_module(app, client, module)
    clock(7 * 8 + 0.1)  # the first revisit was missed: the second one shows
    assert f"/pupil/remember/{MODULE}/2/1" in client.get("/pupil/").get_data(as_text=True)
    with app.app_context():
        school = db.session.get(School, world.one.school_id)
        revisits.set_schedule(school, 10, 20)
    assert CARD not in client.get("/pupil/").get_data(as_text=True)
    clock(7 * 10 + 0.1)
    assert f"/pupil/remember/{MODULE}/1/1" in client.get("/pupil/").get_data(as_text=True)


def test_revisit_questions_are_unseen_ones_else_the_hardest(app, client, auth, world):
    module = _module(app)
    auth.pupil(world.one, world.one.pupil_a)
    hard = (module.bank.questions[4].id, module.bank.questions[1].id)
    finish_module(app, client, module, lesson_checks=True, wrong_first=hard)  # every question seen
    with app.app_context():
        picked = [q.id for q in revisits.pick_questions(world.one.pupil_a, module, 1)]
    # Nothing unseen: the ones found hardest (wrong first), then in the module's order.
    assert picked[:2] == [module.bank.questions[1].id, module.bank.questions[4].id] and len(picked) == 3
    # An unseen question (say, added to the bank later) comes before any hardest one.
    auth.signout()
    auth.pupil(world.one, world.one.pupil_a2)
    token = answer_token(client, f"/pupil/modules/{MODULE}/quiz/1")
    for question in module.bank.questions[:-2]:
        send_answer(client, token, MODULE, question, wrong_fields(question))
    with app.app_context():
        picked = [q.id for q in revisits.pick_questions(world.one.pupil_a2, module, 1)]
    assert picked == [q.id for q in module.lesson_questions()]  # three unseen
    with app.app_context():
        for question in module.lesson_questions()[:2]:
            db.session.add(Answer(school_id=world.one.school_id, pupil_id=world.one.pupil_a2, module_id=MODULE,
                                  question_id=question.id, content_version=module.version, source="lesson",
                                  response={}, correct=True, score=1.0, first_try=False, client_id=f"l{question.id}"[:60]))
        db.session.commit()
        picked = [q.id for q in revisits.pick_questions(world.one.pupil_a2, module, 1)]
    unseen_now = [module.lesson_questions()[2].id] + [q.id for q in module.bank.questions[-2:]]
    assert picked == unseen_now  # still three unseen: the last lesson check and the two quiz questions not answered


def test_a_teacher_can_turn_revisits_off_for_a_class_and_set_one_as_work(app, client, auth, world, clock):
    module = _module(app)
    auth.pupil(world.one, world.one.pupil_a)
    finish_module(app, client, module)
    auth.signout()
    auth.adult(world.one.emails["teacher_a"])
    page = client.get(f"/teacher/classes/{world.one.class_a}").get_data(as_text=True)
    assert "Remember?" in page
    post(client, f"/teacher/classes/{world.one.class_a}/revisits", {"on": "0"}, token_from="/teacher/")
    auth.signout()
    auth.pupil(world.one, world.one.pupil_a)
    clock(22)
    assert CARD not in client.get("/pupil/").get_data(as_text=True)  # off for the class
    auth.signout()
    clock(0)
    auth.adult(world.one.emails["teacher_a"])
    response = post(client, "/teacher/assignments",
                    {"target": f"c{world.one.class_a}", "topics": "passwords", "revisit": "y"}, token_from="/teacher/assignments")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert "Remember?" in client.get("/teacher/assignments").get_data(as_text=True)
    auth.signout()
    auth.pupil(world.one, world.one.pupil_a)
    home = client.get("/pupil/").get_data(as_text=True)
    assert f"/pupil/remember/{MODULE}/1/1" in home  # set as work: shows now, even with revisits off


def test_a_revisit_set_as_work_counts_who_did_it_among_those_who_finished(app, client, auth, world):
    """The assignments page shows, for a "Remember?" set as work, how many of
    the pupils who finished the topic have done the revisit (it used to count
    the topic's finishers, which said nothing about the revisit)."""
    module = _module(app)
    auth.pupil(world.one, world.one.pupil_a)
    finish_module(app, client, module)
    auth.signout()
    auth.adult(world.one.emails["teacher_a"])
    post(client, "/teacher/assignments", {"target": f"c{world.one.class_a}", "topics": "passwords", "revisit": "y",
                                          "due_on": "2031-01-31"}, token_from="/teacher/assignments")
    assert "0 of the 1 who finished the topic have done it" in client.get("/teacher/assignments").get_data(as_text=True)
    home = client.get("/teacher/").get_data(as_text=True)  # the class card: the topic as set (no date), not the revisit
    assert home.count("data-finished") == 1 and "finished 1 of 2 pupils" in home and "31 Jan" not in home
    auth.signout()
    auth.pupil(world.one, world.one.pupil_a)
    for position in (1, 2, 3):
        url = f"/pupil/remember/{MODULE}/1/{position}"
        question = get_content_question(app, re.search(r'data-question="([^"]+)"', client.get(url).get_data(as_text=True)).group(1))
        assert send_answer(client, answer_token(client, url), MODULE, question, right_fields(question),
                           source="revisit-1").json["stored"]
        if position < 3:
            assert "0 of the 1" in _assignments_page_of(app, world)
    assert "1 of the 1 who finished the topic have done it" in _assignments_page_of(app, world)


def _assignments_page_of(app, world) -> str:
    """The class teacher's assignments page, from another device."""
    from helpers import Auth

    teacher = app.test_client()
    Auth(teacher, world).adult(world.one.emails["teacher_a"])
    return teacher.get("/teacher/assignments").get_data(as_text=True)


def test_parents_see_remembered_weeks_later(app, client, auth, world, clock):
    module = _module(app)
    auth.pupil(world.one, world.one.pupil_a)
    finish_module(app, client, module)
    clock(22)
    for position in (1, 2, 3):
        url = f"/pupil/remember/{MODULE}/1/{position}"
        page = client.get(url).get_data(as_text=True)
        question = get_content_question(app, re.search(r'data-question="([^"]+)"', page).group(1))
        send_answer(client, answer_token(client, url), MODULE, question, right_fields(question), source="revisit-1")
    auth.signout()
    auth.adult(world.one.emails["parent"])
    page = client.get(f"/parent/children/{world.one.pupil_a}").get_data(as_text=True)
    assert "Remembered weeks later" in page


def test_revisit_pages_are_for_finished_modules_of_the_pupils_own_band(app, client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    assert client.get(f"/pupil/remember/{MODULE}/1/1").status_code == 404  # not finished
    assert client.get("/pupil/remember/passwords-7-9/1/1").status_code == 404  # another band
    module = _module(app)
    finish_module(app, client, module)
    assert client.get(f"/pupil/remember/{MODULE}/1/1").status_code == 200
    assert client.get(f"/pupil/remember/{MODULE}/3/1").status_code == 404
    assert client.get(f"/pupil/remember/{MODULE}/1/4").status_code == 404


def test_a_revisit_answer_is_refused_for_a_module_the_pupil_has_not_finished(app, client, auth, world):
    """The answer API takes a "revisit" only where the revisit pages would be
    shown: a finished module. Before, a page's token could store one for any
    module of the band, and it was counted into the pupil's revisit tallies."""
    auth.pupil(world.one, world.one.pupil_a)
    module = _module(app)
    token = answer_token(client, f"/pupil/modules/{MODULE}/quiz/1")
    question = module.bank.questions[0]
    refused = send_answer(client, token, MODULE, question, right_fields(question), source="revisit-1")
    assert refused.status_code == 409 and refused.json["error"]
    with app.app_context():
        assert db.session.execute(select(Answer.id)).first() is None  # nothing stored
    finish_module(app, client, module)
    assert send_answer(client, token, MODULE, question, right_fields(question), source="revisit-1").json["stored"]


def test_first_try_counts_at_each_revisit_and_what_faded_comes_first(app, client, auth, world, clock):
    module = _module(app)
    auth.pupil(world.one, world.one.pupil_a)
    finish_module(app, client, module, lesson_checks=True)  # all Secure at the end; every question seen
    clock(22)
    with app.app_context():
        picked = revisits.pick_questions(world.one.pupil_a, module, 1)  # the hardest: all were right, so in order
    token = answer_token(client, f"/pupil/modules/{MODULE}/quiz/1")
    for question in picked:  # wrong, then right: the first try at the revisit is the one that counts
        send_answer(client, token, MODULE, question, wrong_fields(question), source="revisit-1")
        send_answer(client, token, MODULE, question, right_fields(question), source="revisit-1")
    client.get("/pupil/")  # the pupil's home counts their new answers
    with app.app_context():
        firsts = db.session.execute(select(Answer).where(Answer.source == "revisit-1", Answer.first_try.is_(True))
                                    ).scalars().all()
        assert len(firsts) == 3 and not any(a.correct for a in firsts)  # one per question at this revisit
        tallies = db.session.execute(select(RevisitTally)).scalars().all()
        assert tallies and all(t.right_first_time == 0 and t.revisit == 1 for t in tallies)
        rows = dashboards.what_stuck(get_content(), "4-7", world.one.school_id, year_group=1)
        faded = dashboards.faded_most(rows)
        assert faded and all(r.secure_at_end == 1 and r.secure_then == 0 for r in faded)
        assert {r.outcome.id for r in faded} == {o for q in picked for o in q.outcomes}
        second = revisits.pick_questions(world.one.pupil_a, module, 2)
        assert [q.id for q in second] == [q.id for q in picked]  # missed at the first revisit: asked again
    auth.signout()
    auth.adult(world.one.emails["teacher_a"])
    year = client.get("/teacher/years/1/progress").get_data(as_text=True)
    assert "Faded most" in year
    progress = client.get(f"/teacher/classes/{world.one.class_a}/progress").get_data(as_text=True)
    teach_next = progress.split('id="teach-next"')[1].split("</div>")[0]
    assert "Faded since it was learnt" in teach_next  # first in "What to teach next"
    assert client.get("/teacher/years/1/progress?format=csv&table=stuck").get_data(as_text=True).count("\n") == len(rows) + 1


def test_a_revisit_answer_without_javascript(app, client, auth, world, clock):
    module = _module(app)
    auth.pupil(world.one, world.one.pupil_a)
    finish_module(app, client, module)
    url = f"/pupil/remember/{MODULE}/1/1"
    page = client.get(url).get_data(as_text=True)
    question = get_content_question(app, re.search(r'data-question="([^"]+)"', page).group(1))
    fields = {k: v[0] for k, v in right_fields(question).items()}
    reply = post(client, "/pupil/api/answer", {"module": MODULE, "question": question.id, "client_id": "nojs12345678",
                                               "answer_token": answer_token(client, url), "source": "revisit-1", **fields},
                 token_from=url)
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and f"/pupil/remember/{MODULE}/1/1/next" in html
    with app.app_context():
        assert db.session.execute(select(Answer.source)).scalars().all().count("revisit-1") == 1


def test_revisit_tallies_are_exported_and_erased_with_the_pupil(app, client, auth, world, clock):
    from quizapp.models import Pupil
    from quizapp.services import data_protection

    test_a_revisit_answer_without_javascript(app, client, auth, world, clock)
    client.get("/pupil/")  # counted
    with app.app_context():
        pupil = db.session.get(Pupil, world.one.pupil_a)
        assert data_protection.export_pupil(pupil)["remember_revisits"]
        data_protection.erase_pupil(pupil)
        assert db.session.execute(select(RevisitTally)).first() is None
