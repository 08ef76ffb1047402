"""Recording answers and where each pupil is in each module."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..content import Module
from ..extensions import db
from ..models import Answer, ModuleProgress, Pupil, now_utc

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


def record_answer(pupil: Pupil, module: Module, question_id: str, source: str, response: dict, correct: bool,
                  score: float, client_id: str) -> Recorded:
    _lock_pupil(pupil)
    existing = _by_client_id(pupil, client_id)
    if existing is not None:
        return Recorded(existing, duplicate=True)
    answered_before = db.session.execute(
        select(Answer.id).where(Answer.pupil_id == pupil.id, Answer.question_id == question_id).limit(1)
    ).first()
    answer = Answer(
        school_id=pupil.school_id, pupil_id=pupil.id, module_id=module.id, question_id=question_id,
        content_version=module.version, source=source, response=response, correct=correct, score=score,
        first_try=answered_before is None, client_id=client_id,
    )
    ensure_progress(pupil, module)
    db.session.add(answer)
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
