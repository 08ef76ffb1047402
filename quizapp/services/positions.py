"""Where each pupil is in each module: the lesson step, the quiz question,
and whether the module is done (the lesson finished and every quiz question
answered)."""
from __future__ import annotations

from sqlalchemy import select

from ..content import Module
from ..extensions import db
from ..models import Answer, ModuleProgress, Pupil, now_utc
from ..questions import get_type


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


def answered_questions(pupil_id: int, module: Module) -> set[str]:
    return set(
        db.session.execute(
            select(Answer.question_id).where(Answer.pupil_id == pupil_id, Answer.module_id == module.id).distinct()
        ).scalars()
    )


def has_answered(pupil_id: int, question_id: str, source: str | None = None) -> bool:
    """Whether the pupil already has an answer to this question (only at this
    `source`, e.g. one revisit, when given). One indexed lookup."""
    where = [Answer.pupil_id == pupil_id, Answer.question_id == question_id]
    if source is not None:
        where.append(Answer.source == source)
    return db.session.execute(select(Answer.id).where(*where).limit(1)).first() is not None


def first_unanswered(pupil_id: int, module: Module) -> int | None:
    """The number (from 1) of the first quiz question with no answer yet, or None."""
    answered = answered_questions(pupil_id, module)
    return next((n for n, q in enumerate(module.bank.questions, start=1) if q.id not in answered), None)


def save_lesson_position(pupil: Pupil, module: Module, step: int) -> ModuleProgress:
    progress = ensure_progress(pupil, module)
    last = len(module.lesson.steps)
    progress.lesson_step = max(1, min(step, last))
    if step > last and progress.lesson_done_at is None:
        progress.lesson_done_at = now_utc()
    complete_if_done(pupil.id, module, progress)
    db.session.commit()
    return progress


def save_quiz_position(pupil: Pupil, module: Module, position: int) -> ModuleProgress:
    progress = ensure_progress(pupil, module)
    progress.quiz_position = max(1, min(position, len(module.bank.questions)))
    complete_if_done(pupil.id, module, progress)
    db.session.commit()
    return progress


def complete_if_done(pupil_id: int, module: Module, progress: ModuleProgress) -> None:
    """A module is done when the lesson is finished and every quiz question has an answer."""
    if progress.completed_at is not None or progress.lesson_done_at is None:
        return
    needed = {q.id for q in module.bank.questions}
    if needed <= answered_questions(pupil_id, module):
        progress.completed_at = now_utc()


def progress_by_module(pupil: Pupil) -> dict[str, ModuleProgress]:
    """module id -> the pupil's progress row, for every module they started."""
    rows = db.session.execute(select(ModuleProgress).where(ModuleProgress.pupil_id == pupil.id)).scalars()
    return {row.module_id: row for row in rows}


def finished_modules(pupil_ids: list[int]) -> dict[int, list[ModuleProgress]]:
    """Finished modules per pupil, oldest first. One query for them all."""
    out: dict[int, list[ModuleProgress]] = {pid: [] for pid in pupil_ids}
    if pupil_ids:
        rows = db.session.execute(
            select(ModuleProgress).where(ModuleProgress.pupil_id.in_(pupil_ids), ModuleProgress.completed_at.is_not(None))
            .order_by(ModuleProgress.completed_at)
        ).scalars()
        for row in rows:
            out[row.pupil_id].append(row)
    return out


def finished(pupil_id: int, module_id: str) -> ModuleProgress | None:
    """The pupil's progress row for a module, if they finished it."""
    return db.session.execute(
        select(ModuleProgress).where(ModuleProgress.pupil_id == pupil_id, ModuleProgress.module_id == module_id,
                                     ModuleProgress.completed_at.is_not(None))
    ).scalar_one_or_none()


def for_parent(pupil: Pupil, modules: list[Module]) -> tuple[list[tuple[Module, ModuleProgress, list]], list[Module]]:
    """A child's topics of their own band as a parent sees them: the finished
    ones first (latest first, each with the pretend app's button words the
    child pressed), then the rest in curriculum order. One query."""
    done = {row.module_id: row for row in finished_modules([pupil.id])[pupil.id]}
    finished_ = sorted(((m, done[m.id], app_buttons(m)) for m in modules if m.id in done), key=lambda t: t[1].completed_at,
                       reverse=True)
    return finished_, [m for m in modules if m.id not in done]


def app_buttons(module: Module) -> list[tuple[str, str]]:
    """(control, the safe button) in the pretend app, in the words the pupil saw, for a module."""
    words: list[tuple[str, str]] = []
    for question in list(module.lesson_questions()) + list(module.bank.questions):
        words += [w for w in get_type(question.type).app_buttons(question) if w not in words]
    return words
