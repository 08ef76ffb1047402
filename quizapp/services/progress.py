"""Recording answers and where each pupil is in each module."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..content import Module
from ..extensions import db
from ..models import Answer, MisconceptionTally, ModuleProgress, OutcomeTally, Pupil, QuestionTally, now_utc

MAX_CLIENT_ID = 64


@dataclass
class Recorded:
    answer: Answer
    duplicate: bool  # the same client id was stored before (a double tap or a retry)


def get_progress(pupil: Pupil, module: Module) -> ModuleProgress | None:
    return db.session.execute(
        select(ModuleProgress).where(ModuleProgress.pupil_id == pupil.id, ModuleProgress.module_id == module.id)
    ).scalar_one_or_none()


def ensure_progress(pupil: Pupil, module: Module) -> ModuleProgress:
    progress = get_progress(pupil, module)
    if progress is None:
        progress = ModuleProgress(school_id=pupil.school_id, pupil_id=pupil.id, module_id=module.id, content_version=module.version)
        db.session.add(progress)
        db.session.flush()
    return progress


def statuses(pupil: Pupil) -> dict[str, str]:
    """module id -> "in_progress" or "done" (modules not started are absent). One query."""
    rows = db.session.execute(
        select(ModuleProgress.module_id, ModuleProgress.completed_at).where(ModuleProgress.pupil_id == pupil.id)
    ).all()
    return {module_id: ("done" if done else "in_progress") for module_id, done in rows}


def _lock_pupil(pupil: Pupil) -> None:
    """Serialise one pupil's answers, so "first try" is decided once even when
    two answers arrive at the same moment. (On SQLite a POST already holds the
    write lock from BEGIN IMMEDIATE.)"""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(select(Pupil.id).where(Pupil.id == pupil.id).with_for_update())


def record_answer(pupil: Pupil, module: Module, question, source: str, response: dict, correct: bool,
                  score: float, client_id: str) -> Recorded:
    _lock_pupil(pupil)
    existing = _by_client_id(pupil, client_id)
    if existing is not None:
        return Recorded(existing, duplicate=True)
    answered_before = db.session.execute(
        select(Answer.id).where(Answer.pupil_id == pupil.id, Answer.question_id == question.id).limit(1)
    ).first()
    answer = Answer(
        school_id=pupil.school_id, pupil_id=pupil.id, module_id=module.id, question_id=question.id,
        content_version=module.version, source=source, response=response, correct=correct, score=score,
        first_try=answered_before is None, client_id=client_id,
    )
    ensure_progress(pupil, module)
    db.session.add(answer)
    if answer.first_try:
        _count_first_try(pupil, question, response, correct)
    try:
        db.session.commit()
    except IntegrityError:
        # Another server stored the same client id a moment ago.
        db.session.rollback()
        existing = _by_client_id(pupil, client_id)
        if existing is None:
            raise
        return Recorded(existing, duplicate=True)
    return Recorded(answer, duplicate=False)


def _count_first_try(pupil: Pupil, question, response: dict, correct: bool) -> None:
    """Add a first try to the running tallies the dashboards read: the pupil's
    outcomes, and the class's question and wrong-answer counts.

    The pupil's own rows are safe to read-then-write (_lock_pupil). Class rows
    are shared by classmates answering at the same moment, so they are bumped
    with one atomic UPDATE, and created with an INSERT that tolerates a race."""
    for outcome_id in question.outcomes:
        tally = db.session.get(OutcomeTally, (pupil.id, outcome_id))
        if tally is None:
            tally = OutcomeTally(pupil_id=pupil.id, outcome_id=outcome_id, school_id=pupil.school_id, tried=0, right_first_time=0)
            db.session.add(tally)
        tally.tried += 1
        tally.right_first_time += int(correct)
    where = {"school_id": pupil.school_id, "class_id": pupil.class_id, "year_group": pupil.year_group, "question_id": question.id}
    _bump(QuestionTally, where, {"tried": 1, "right_first_time": int(correct)})
    if not correct:
        from .dashboards import wrong_keys

        for key in wrong_keys(question, response):
            _bump(MisconceptionTally, {**where, "key": key[:200]}, {"times": 1})


def _bump(model, key: dict, add: dict) -> None:
    """counter += n on one row, creating it when missing (atomic on both databases)."""
    match = [getattr(model, k) == v for k, v in key.items() if k != "school_id"]
    values = {name: getattr(model, name) + n for name, n in add.items()}
    if db.session.execute(update(model).where(*match).values(**values)).rowcount:
        return
    try:
        with db.session.begin_nested():
            db.session.execute(insert(model).values(**key, **add))
    except IntegrityError:  # a classmate's answer created it a moment ago
        db.session.execute(update(model).where(*match).values(**values))


def rebuild_tallies(content, school_id: int) -> int:
    """Recount a school's tallies from its first-try answers (after bulk loads,
    or if content moved a question to another outcome). Class and year group
    are taken as the pupils are now."""
    from .dashboards import wrong_keys

    for model in (OutcomeTally, QuestionTally, MisconceptionTally):
        db.session.execute(delete(model).where(model.school_id == school_id))
    rows = db.session.execute(
        select(Answer.pupil_id, Answer.question_id, Answer.correct, Answer.response, Pupil.class_id, Pupil.year_group)
        .join(Pupil, Pupil.id == Answer.pupil_id)
        .where(Answer.school_id == school_id, Answer.first_try.is_(True))
    ).all()
    outcomes: dict[tuple, list[int]] = {}
    questions: dict[tuple, list[int]] = {}
    wrong: dict[tuple, int] = {}
    for pupil_id, question_id, correct, response, class_id, year_group in rows:
        question = content.questions.get(question_id)
        if question is None:
            continue
        for outcome_id in question.outcomes:
            cell = outcomes.setdefault((pupil_id, outcome_id), [0, 0])
            cell[0] += 1
            cell[1] += int(correct)
        cell = questions.setdefault((class_id, year_group, question_id), [0, 0])
        cell[0] += 1
        cell[1] += int(correct)
        if not correct:
            for key in wrong_keys(question, response):
                wrong[(class_id, year_group, question_id, key[:200])] = wrong.get((class_id, year_group, question_id, key[:200]), 0) + 1
    if outcomes:
        db.session.execute(insert(OutcomeTally), [
            {"pupil_id": p, "outcome_id": o, "school_id": school_id, "tried": t, "right_first_time": r}
            for (p, o), (t, r) in outcomes.items()])
    if questions:
        db.session.execute(insert(QuestionTally), [
            {"school_id": school_id, "class_id": c, "year_group": y, "question_id": q, "tried": t, "right_first_time": r}
            for (c, y, q), (t, r) in questions.items()])
    if wrong:
        db.session.execute(insert(MisconceptionTally), [
            {"school_id": school_id, "class_id": c, "year_group": y, "question_id": q, "key": k, "times": n}
            for (c, y, q, k), n in wrong.items()])
    db.session.commit()
    return len(outcomes) + len(questions) + len(wrong)


def _by_client_id(pupil: Pupil, client_id: str) -> Answer | None:
    return db.session.execute(
        select(Answer).where(Answer.pupil_id == pupil.id, Answer.client_id == client_id)
    ).scalar_one_or_none()


def answered_questions(pupil: Pupil, module: Module) -> set[str]:
    return set(
        db.session.execute(
            select(Answer.question_id).where(Answer.pupil_id == pupil.id, Answer.module_id == module.id).distinct()
        ).scalars()
    )


def save_lesson_position(pupil: Pupil, module: Module, step: int) -> ModuleProgress:
    progress = ensure_progress(pupil, module)
    last = len(module.lesson.steps)
    progress.lesson_step = max(1, min(step, last))
    if step > last and progress.lesson_done_at is None:
        progress.lesson_done_at = now_utc()
    _complete_if_done(pupil, module, progress)
    db.session.commit()
    return progress


def save_quiz_position(pupil: Pupil, module: Module, position: int) -> ModuleProgress:
    progress = ensure_progress(pupil, module)
    progress.quiz_position = max(1, min(position, len(module.bank.questions)))
    _complete_if_done(pupil, module, progress)
    db.session.commit()
    return progress


def _complete_if_done(pupil: Pupil, module: Module, progress: ModuleProgress) -> None:
    """A module is done when the lesson is finished and every quiz question has an answer."""
    if progress.completed_at is not None or progress.lesson_done_at is None:
        return
    needed = {q.id for q in module.bank.questions}
    if needed <= answered_questions(pupil, module):
        progress.completed_at = now_utc()


def mark_progress(pupil: Pupil, module: Module) -> ModuleProgress:
    """Re-check completion (after an answer)."""
    progress = ensure_progress(pupil, module)
    _complete_if_done(pupil, module, progress)
    db.session.commit()
    return progress
