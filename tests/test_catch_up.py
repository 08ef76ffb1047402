"""Answers are stored with one INSERT; first tries, module progress and the
dashboards' tallies are counted afterwards (services/counting.catch_up), by
the pages that show them and by `flask catch-up`. These tests check that
nothing is missed or counted twice, that each viewer's pages count only what
that viewer may see, and that the answer path stays one statement."""
from __future__ import annotations

import random
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from helpers import Auth, answer_token, post, send_answer
from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import (
    Answer,
    MisconceptionTally,
    ModuleProgress,
    OutcomeTally,
    Pupil,
    QuestionTally,
    now_utc,
)
from quizapp.services import counting
from simulation.solver import right_fields, wrong_fields

MODULE = "passwords-4-7"  # band 4-7: pupil_a and pupil_a2 (Year 1)


def _module() -> object:
    return get_content().modules[MODULE]


def _at_the_quiz(app, client, auth, world):
    """Pupil A signed in on the module's first question; returns the module and the page's answer token."""
    auth.pupil(world.one, world.one.pupil_a)
    with app.app_context():
        module = _module()
    return module, answer_token(client, f"/pupil/modules/{MODULE}/quiz/1")


def _answers(app, **where) -> list[Answer]:
    with app.app_context():
        query = select(Answer).order_by(Answer.id)
        for name, value in where.items():
            query = query.where(getattr(Answer, name) == value)
        return db.session.execute(query).scalars().all()


def _snapshot(app, school_id: int) -> dict:
    """Every count catch-up keeps, for one school."""
    with app.app_context():
        return {
            "outcomes": sorted(db.session.execute(
                select(OutcomeTally.pupil_id, OutcomeTally.outcome_id, OutcomeTally.tried, OutcomeTally.right_first_time)
                .where(OutcomeTally.school_id == school_id)).all()),
            "questions": sorted(db.session.execute(
                select(QuestionTally.class_id, QuestionTally.year_group, QuestionTally.question_id, QuestionTally.tried,
                       QuestionTally.right_first_time).where(QuestionTally.school_id == school_id)).all()),
            "wrong": sorted(db.session.execute(
                select(MisconceptionTally.class_id, MisconceptionTally.question_id, MisconceptionTally.key,
                       MisconceptionTally.times).where(MisconceptionTally.school_id == school_id)).all()),
            "first_tries": sorted(db.session.execute(
                select(Answer.id).where(Answer.school_id == school_id, Answer.first_try.is_(True))).scalars()),
            "progress": sorted(db.session.execute(
                select(ModuleProgress.pupil_id, ModuleProgress.module_id, ModuleProgress.completed_at.is_not(None))
                .where(ModuleProgress.school_id == school_id)).all()),
        }


def test_an_answer_is_stored_pending_and_the_teachers_page_counts_it(app, client, auth, world):
    module, token = _at_the_quiz(app, client, auth, world)
    q = next(q for q in module.bank.questions if q.type == "single_choice")
    assert send_answer(client, token, MODULE, q, wrong_fields(q)).json["stored"]
    [stored] = _answers(app)
    assert stored.pending and not stored.first_try
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(QuestionTally)).scalar_one() == 0

    post(client, "/signout", token_from="/pupil/")
    auth.adult(world.one.emails["teacher_a"])
    page = client.get(f"/teacher/classes/{world.one.class_a}/questions")
    assert page.status_code == 200
    [counted] = _answers(app)
    assert not counted.pending and counted.first_try
    with app.app_context():
        tally = db.session.execute(select(QuestionTally).where(QuestionTally.question_id == q.id)).scalar_one()
        assert (tally.class_id, tally.year_group, tally.tried, tally.right_first_time) == (world.one.class_a, 1, 1, 0)
        assert db.session.execute(select(func.sum(MisconceptionTally.times))).scalar_one() >= 1
        outcomes = db.session.execute(select(OutcomeTally).where(OutcomeTally.pupil_id == world.one.pupil_a)).scalars().all()
        assert {t.outcome_id for t in outcomes} == set(q.outcomes)
        assert db.session.execute(select(ModuleProgress.module_id).where(
            ModuleProgress.pupil_id == world.one.pupil_a)).scalar_one() == MODULE
    assert "<td>1</td><td>0%</td>" in page.get_data(as_text=True)  # tried once, never right first time


def test_the_first_answer_stored_is_the_first_try_and_is_counted_once(app, client, auth, world):
    module, token = _at_the_quiz(app, client, auth, world)
    q = module.bank.questions[0]
    send_answer(client, token, MODULE, q, wrong_fields(q))
    client.get("/pupil/")  # counts the wrong first try
    send_answer(client, token, MODULE, q, right_fields(q))
    send_answer(client, token, MODULE, q, right_fields(q))
    client.get("/pupil/")
    client.get("/pupil/")  # nothing left: counting twice would show here
    answers = _answers(app)
    assert [a.first_try for a in answers] == [True, False, False] and not answers[0].correct
    assert not any(a.pending for a in answers)
    with app.app_context():
        tally = db.session.execute(select(QuestionTally).where(QuestionTally.question_id == q.id)).scalar_one()
        assert (tally.tried, tally.right_first_time) == (1, 0)


def test_a_late_answer_finishes_the_module_when_the_pupil_next_looks(app, client, auth, world):
    """An answer queued offline arrives after the pupil moved past the last question."""
    module, token = _at_the_quiz(app, client, auth, world)
    for n in range(1, len(module.lesson.steps) + 1):
        post(client, f"/pupil/modules/{MODULE}/lesson/{n}/next", token_from=f"/pupil/modules/{MODULE}/lesson/{n}")
    *answered, late = module.bank.questions
    for n, question in enumerate(answered, start=1):
        send_answer(client, token, MODULE, question, right_fields(question))
        post(client, f"/pupil/modules/{MODULE}/quiz/{n}/next", token_from=f"/pupil/modules/{MODULE}/quiz/{n}")
    last = len(module.bank.questions)
    post(client, f"/pupil/modules/{MODULE}/quiz/{last}/next", token_from=f"/pupil/modules/{MODULE}/quiz/{last}")
    assert "status--done" not in client.get("/pupil/").get_data(as_text=True)

    assert send_answer(client, token, MODULE, late, right_fields(late)).json["stored"]
    home = client.get("/pupil/").get_data(as_text=True)
    assert "status--done" in home
    assert client.get(f"/pupil/modules/{MODULE}/done").status_code == 200


def _tokens(client, auth, pupils) -> dict[int, str]:
    """Each pupil's answer token (signing in opens class sign-in on a teacher's page, which counts
    the school's answers: so every token is fetched before any answer is sent)."""
    tokens = {}
    for school, pupil_id in pupils:
        auth.pupil(school, pupil_id)
        tokens[pupil_id] = answer_token(client, f"/pupil/modules/{MODULE}/quiz/1")
        post(client, "/signout", token_from="/pupil/")
    return tokens


def test_a_pupils_page_counts_only_their_own_answers(app, client, auth, world):
    with app.app_context():
        module = get_content().modules[MODULE]
    q = module.bank.questions[0]
    tokens = _tokens(client, auth, [(world.one, world.one.pupil_a), (world.one, world.one.pupil_a2)])
    auth.pupil(world.one, world.one.pupil_a)
    for token in tokens.values():
        send_answer(client, token, MODULE, q, right_fields(q))
    client.get("/pupil/")
    pending = {a.pupil_id: a.pending for a in _answers(app)}
    assert pending == {world.one.pupil_a: False, world.one.pupil_a2: True}


def test_staff_pages_count_their_own_school_only_and_parents_their_own_children(app, client, auth, world):
    with app.app_context():
        module = get_content().modules[MODULE]
    q = module.bank.questions[0]
    tokens = _tokens(client, auth, [(school, pupil_id) for school in (world.one, world.two)
                                    for pupil_id in (school.pupil_a, school.pupil_a2)])
    for token in tokens.values():
        send_answer(client, token, MODULE, q, right_fields(q))

    auth.adult(world.one.emails["parent"])  # linked to world.one.pupil_a only
    assert client.get("/parent/").status_code == 200
    pending = {a.pupil_id for a in _answers(app, pending=True)}
    assert pending == {world.one.pupil_a2, world.two.pupil_a, world.two.pupil_a2}
    post(client, "/signout", token_from="/parent/")

    auth.adult(world.one.emails["dsl"])
    assert client.get("/teacher/").status_code == 200
    assert {a.pupil_id for a in _answers(app, pending=True)} == {world.two.pupil_a, world.two.pupil_a2}
    assert _snapshot(app, world.two.school_id)["questions"] == []


def test_catching_up_in_small_batches_counts_the_same_as_a_recount(app, client, auth, world, monkeypatch):
    """Random answers (right, wrong, repeated, several pupils), counted at random moments in
    batches of three, give exactly what a recount of the whole school gives."""
    monkeypatch.setattr(counting, "CATCH_UP_BATCH", 3)
    rng = random.Random(2026)
    with app.app_context():
        module = get_content().modules[MODULE]
    tokens = _tokens(client, auth, [(world.one, world.one.pupil_a), (world.one, world.one.pupil_a2)])
    questions = module.bank.questions[:5]
    for _ in range(40):
        pupil_id = rng.choice(list(tokens))
        q = rng.choice(questions)
        fields = right_fields(q) if rng.random() < 0.5 else wrong_fields(q)
        assert send_answer(client, tokens[pupil_id], MODULE, q, fields).status_code == 200
        if rng.random() < 0.2:
            with app.app_context():
                counting.catch_up(world.one.school_id, [pupil_id] if rng.random() < 0.5 else None)
    with app.app_context():
        counting.catch_up(world.one.school_id)
    counted = _snapshot(app, world.one.school_id)
    assert not _answers(app, pending=True)
    with app.app_context():
        assert counting.rebuild_tallies(get_content(), world.one.school_id) == 40
    assert _snapshot(app, world.one.school_id) == counted
    with app.app_context():
        firsts = db.session.execute(select(Answer.pupil_id, Answer.question_id, func.count()).where(
            Answer.first_try.is_(True)).group_by(Answer.pupil_id, Answer.question_id)).all()
        answered = db.session.execute(select(Answer.pupil_id, Answer.question_id).distinct()).all()
    assert all(n == 1 for *_, n in firsts) and len(firsts) == len(answered)


def test_storing_an_answer_is_one_statement(app, client, auth, world):
    module, token = _at_the_quiz(app, client, auth, world)
    q = module.bank.questions[0]
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client_id = uuid.uuid4().hex
        first = send_answer(client, token, MODULE, q, right_fields(q), client_id=client_id)
        stored = list(statements)
        statements.clear()
        again = send_answer(client, token, MODULE, q, right_fields(q), client_id=client_id)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert first.json["duplicate"] is False and again.json["duplicate"] is True
    assert len(stored) == 1 and stored[0].lstrip().upper().startswith("INSERT INTO ANSWERS"), stored
    assert len(statements) == 2, statements  # the INSERT that stored nothing, then the look-up that says why


def test_answers_from_a_pupil_who_left_or_moved_band_are_refused_and_not_stored(app, client, auth, world):
    module, token = _at_the_quiz(app, client, auth, world)
    q = module.bank.questions[0]
    with app.app_context():
        db.session.get(Pupil, world.one.pupil_a).year_group = 5
        db.session.commit()
    moved = send_answer(client, token, MODULE, q, right_fields(q))
    assert moved.status_code == 404 and moved.json["error"]
    with app.app_context():
        pupil = db.session.get(Pupil, world.one.pupil_a)
        pupil.year_group = 1
        pupil.archived_at = func.now()
        db.session.commit()
    left = send_answer(client, token, MODULE, q, right_fields(q))
    assert left.status_code == 403 and "too old" in left.json["error"]
    assert _answers(app) == []


def test_the_catch_up_and_recount_commands(app, client, auth, world):
    with app.app_context():
        module = get_content().modules[MODULE]
    q = module.bank.questions[0]
    auth.pupil(world.one, world.one.pupil_a)
    send_answer(client, answer_token(client, f"/pupil/modules/{MODULE}/quiz/1"), MODULE, q, right_fields(q))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["catch-up"])
    assert result.exit_code == 0 and "Counted 1 new answer" in result.output
    assert runner.invoke(args=["catch-up"]).output.startswith("Counted 0 ")
    before = _snapshot(app, world.one.school_id)
    result = runner.invoke(args=["recount", "--school", world.one.slug])
    assert result.exit_code == 0 and "recounted 1 answer" in result.output
    assert _snapshot(app, world.one.school_id) == before
    result = runner.invoke(args=["recount", "--school", "no-such-school"])
    assert result.exit_code != 0 and "no school" in result.output


@pytest.mark.parametrize("role", ["teacher_a", "parent"])
def test_counting_happens_before_the_page_reads(app, client, auth, world, role):
    """The progress a teacher or parent sees includes an answer sent a moment before."""
    with app.app_context():
        module = get_content().modules[MODULE]
        pupil = db.session.get(Pupil, world.one.pupil_a)
        db.session.add(ModuleProgress(school_id=world.one.school_id, pupil_id=pupil.id, module_id=MODULE,
                                      content_version=module.version, lesson_step=len(module.lesson.steps),
                                      lesson_done_at=func.now()))
        db.session.commit()
    auth.pupil(world.one, world.one.pupil_a)
    token = answer_token(client, f"/pupil/modules/{MODULE}/quiz/1")
    for question in module.bank.questions:
        send_answer(client, token, MODULE, question, right_fields(question))
    post(client, "/signout", token_from="/pupil/modules/" + MODULE + "/quiz/1")
    auth.adult(world.one.emails[role])
    page = client.get(f"/parent/children/{world.one.pupil_a}" if role == "parent" else f"/teacher/pupils/{world.one.pupil_a}")
    assert page.status_code == 200
    with app.app_context():
        row = db.session.execute(select(ModuleProgress).where(ModuleProgress.pupil_id == world.one.pupil_a)).scalar_one()
        assert row.completed_at is not None
    assert module.topic.title in page.get_data(as_text=True) or module.topic.pupil_title in page.get_data(as_text=True)


@pytest.mark.parametrize("pupils", [None, [1, 2]])
def test_looking_for_pending_answers_reads_only_the_small_index(app, pupils):
    """Every page view of staff, parents and pupils asks this, so it must not scan the answers table."""
    from sqlalchemy import text

    with app.app_context():
        query = select(Answer.id).where(*counting.pending_answers(1, pupils)).limit(1)
        sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
        if db.engine.dialect.name == "sqlite":
            plan = " ".join(str(row[-1]) for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
        else:
            db.session.execute(text("SET LOCAL enable_seqscan = off"))  # an empty table would be scanned anyway
            plan = " ".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))
            db.session.rollback()
    assert "ix_answers_pending" in plan, plan


def test_with_background_counting_a_teachers_page_only_reads_until_answers_are_a_minute_old(app, client, auth, world,
                                                                                           monkeypatch):
    monkeypatch.setitem(app.config, "COUNT_IN_BACKGROUND", True)
    module, token = _at_the_quiz(app, client, auth, world)
    q = module.bank.questions[0]
    assert send_answer(client, token, MODULE, q, right_fields(q)).json["stored"]
    teacher = app.test_client()  # on another device: the pupil's own pages would count their answer
    Auth(teacher, world).adult(world.one.emails["teacher_a"])
    assert teacher.get(f"/teacher/classes/{world.one.class_a}/questions").status_code == 200
    [fresh] = _answers(app)
    assert fresh.pending  # left to the background counter
    with app.app_context():  # the counter stopped: a minute later the page counts for itself
        db.session.execute(update(Answer).values(created_at=now_utc() - timedelta(seconds=61)))
        db.session.commit()
    teacher.get(f"/teacher/classes/{world.one.class_a}/questions")
    [counted] = _answers(app)
    assert not counted.pending and counted.first_try


def test_the_background_counter_counts_every_school(app, client, auth, world):
    module, token = _at_the_quiz(app, client, auth, world)
    q = module.bank.questions[0]
    send_answer(client, token, MODULE, q, right_fields(q))
    with app.app_context():
        counting.catch_up_loop(0.01, rounds=2)
    assert [a.pending for a in _answers(app)] == [False]
