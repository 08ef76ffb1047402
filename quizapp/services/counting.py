"""Counting stored answers into module progress and the dashboards' tallies.

New answers are pending. catch_up counts them, in id order and in batches,
one catch-up per school at a time, before anyone reads what they add up to:
a teacher's pages catch up their school, a parent's their children, a
pupil's their own answers (access.count_answers_first), and the `catch-up`
command everything. rebuild_tallies recounts a school from scratch.
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update

from ..content import get_content
from ..database import insert_on_conflict, reads_first, write_transaction
from ..extensions import db
from ..models import (
    Answer,
    MisconceptionTally,
    ModuleProgress,
    OutcomeTally,
    Pupil,
    QuestionTally,
    RevisitTally,
    now_utc,
)
from ..questions import misconception_keys
from .positions import complete_if_done
from .revisits import revisit_number
from .scope import children_of

CATCH_UP_BATCH = 2000
STALE_AFTER = timedelta(seconds=60)  # with COUNT_IN_BACKGROUND: a staff page counts itself past this
log = logging.getLogger(__name__)
_LOCK_NAMESPACE = 7_406_001  # pg_advisory_xact_lock(namespace, school id): one catch-up per school at a time


def catch_up(school_id: int, pupil_ids: list[int] | None = None, content=None) -> int:
    """Count a school's pending answers (or only some pupils') into module
    progress and the dashboards' tallies. Returns how many were counted.

    This is also where "first try" is decided: an answer is a first try when
    no answer to that question by that pupil was counted before it (at a
    "Remember?" revisit: at that revisit). Answers are counted in order, one
    catch-up per school at a time, so each pupil has exactly one first try per
    question (and per revisit), whatever order answers arrived in.

    Cheap when there is nothing to do (one indexed read). Otherwise it ends
    the request's read transaction and works in write transactions of its
    own, a batch at a time, so call it before reading anything that counts:
    the readers' before-request hooks do (see catch_up_for)."""
    if pupil_ids is not None and not pupil_ids:
        return 0
    where = pending_answers(school_id, pupil_ids)
    if db.session.execute(select(Answer.id).where(*where).limit(1)).first() is None:
        return 0
    counted = 0
    while True:
        with write_transaction():
            _lock_school(school_id)
            rows = db.session.execute(
                select(Answer.id, Answer.pupil_id, Answer.module_id, Answer.question_id, Answer.correct,
                       Answer.response, Answer.source, Answer.created_at, Pupil.class_id, Pupil.year_group)
                .join(Pupil, Pupil.id == Answer.pupil_id)
                .where(*where).order_by(Answer.id).limit(CATCH_UP_BATCH)
            ).all()
            if rows:
                firsts = _first_tries(rows)
                _count(school_id, rows, firsts, content or get_content())
                for first, ids in ((True, [r.id for r in rows if r.id in firsts]),
                                   (False, [r.id for r in rows if r.id not in firsts])):
                    if ids:
                        db.session.execute(update(Answer).where(Answer.id.in_(ids)).values(pending=False, first_try=first))
        counted += len(rows)
        if len(rows) < CATCH_UP_BATCH:
            return counted


def pending_answers(school_id: int, pupil_ids: list[int] | None = None) -> list:
    """The conditions for a school's (or some pupils') pending answers, written
    so that the database answers them from the small ix_answers_pending index."""
    where = [Answer.pending, Answer.school_id == school_id]
    if pupil_ids is not None:
        where.append(Answer.pupil_id.in_(pupil_ids))
    return where


def _lock_school(school_id: int) -> None:
    """One catch-up per school at a time. (SQLite: the write transaction already is.)"""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(_LOCK_NAMESPACE, school_id)))


def catch_up_for(principal) -> int:
    """Catch up what this signed-in person is about to see: a pupil's own
    answers, a member of staff's school, a parent's children."""
    if principal is None or not principal.is_authenticated:
        return 0
    if principal.is_pupil:
        return catch_up(principal.school_id, [principal.id])
    if principal.is_staff and principal.school_id is not None:
        if current_app.config.get("COUNT_IN_BACKGROUND") and not _stale(principal.school_id):
            return 0  # the background counter (`catch-up --every`) keeps the figures under a minute old
        return catch_up(principal.school_id)
    if principal.is_parent:
        by_school: dict[int, list[int]] = {}
        for child in children_of(principal):
            by_school.setdefault(child.school_id, []).append(child.id)
        return sum(catch_up(school, ids) for school, ids in sorted(by_school.items()))
    return 0


def _stale(school_id: int) -> bool:
    """Whether the school's oldest pending answer is more than STALE_AFTER old: the background
    counter is behind or stopped, so the page counts rather than show old figures. One indexed read."""
    oldest = db.session.execute(
        select(Answer.created_at).where(*pending_answers(school_id)).order_by(Answer.id).limit(1)
    ).scalar()
    return oldest is not None and oldest <= now_utc() - STALE_AFTER


def catch_up_loop(every: float, rounds: int | None = None) -> None:
    """The background counter: catch_up_everything every `every` seconds (rounds: for tests), surviving errors."""
    done = 0
    while rounds is None or done < rounds:
        started = time.monotonic()
        try:
            with reads_first():  # SQLite: the write lock only while counting, not while looking for answers
                catch_up_everything()
        except Exception:  # a busy database or a dropped connection: log it, try again next round
            db.session.rollback()
            log.exception("background catch-up failed")
        finally:
            db.session.remove()
        done += 1
        if rounds is None or done < rounds:
            time.sleep(max(0.0, every - (time.monotonic() - started)))


def catch_up_everything() -> int:
    """Every school's pending answers (the `catch-up` command, e.g. from cron)."""
    schools = db.session.execute(select(Answer.school_id).where(Answer.pending).distinct()).scalars().all()
    return sum(catch_up(school_id) for school_id in sorted(schools))


def _first_tries(rows) -> set[int]:
    """The ids, among these pending answers (in id order), of first tries:
    one per pupil and question in the module, and one at each revisit."""
    counted = {(pupil, question, revisit_number(source)) for pupil, question, source in db.session.execute(
        select(Answer.pupil_id, Answer.question_id, Answer.source).where(
            Answer.pupil_id.in_({r.pupil_id for r in rows}), Answer.question_id.in_({r.question_id for r in rows}),
            Answer.pending.is_(False), Answer.first_try.is_(True))
    )}
    firsts = set()
    for row in rows:
        key = (row.pupil_id, row.question_id, revisit_number(row.source))
        if key not in counted:
            counted.add(key)
            firsts.add(row.id)
    return firsts


def _count(school_id: int, rows, firsts: set[int], content) -> None:
    """Add a batch of answers to progress and the tallies. Rows are added to
    in key order, so two catch-ups never wait for each other in a circle."""
    outcomes: dict[tuple, list[int]] = {}
    revisits: dict[tuple, list[int]] = {}
    questions: dict[tuple, list[int]] = {}
    wrong: dict[tuple, int] = {}
    started: dict[tuple, object] = {}
    for row in rows:
        module = content.modules.get(row.module_id)
        revisit = revisit_number(row.source)
        if revisit:  # weeks after the module: its own tally, beside the end-of-module one
            question = content.questions.get(row.question_id)
            for outcome_id in (question.outcomes if question is not None and row.id in firsts else ()):
                cell = revisits.setdefault((row.pupil_id, outcome_id, revisit), [0, 0])
                cell[0] += 1
                cell[1] += int(row.correct)
            continue
        if module is not None:
            key = (row.pupil_id, row.module_id)
            started[key] = min(started.get(key, row.created_at), row.created_at)
        question = content.questions.get(row.question_id)
        if question is None or row.id not in firsts:
            continue
        for outcome_id in question.outcomes:
            cell = outcomes.setdefault((row.pupil_id, outcome_id), [0, 0])
            cell[0] += 1
            cell[1] += int(row.correct)
        cell = questions.setdefault((row.class_id, row.year_group, row.question_id), [0, 0])
        cell[0] += 1
        cell[1] += int(row.correct)
        if not row.correct:
            for wrong_key in misconception_keys(question, row.response):
                key = (row.class_id, row.year_group, row.question_id, wrong_key[:200])
                wrong[key] = wrong.get(key, 0) + 1
    _add(OutcomeTally, ["pupil_id", "outcome_id"], ["tried", "right_first_time"],
         [{"pupil_id": p, "outcome_id": o, "school_id": school_id, "tried": t, "right_first_time": r}
          for (p, o), (t, r) in sorted(outcomes.items())])
    _add(RevisitTally, ["pupil_id", "outcome_id", "revisit"], ["tried", "right_first_time"],
         [{"pupil_id": p, "outcome_id": o, "revisit": n, "school_id": school_id, "tried": t, "right_first_time": r}
          for (p, o, n), (t, r) in sorted(revisits.items())])
    _add(QuestionTally, ["class_id", "year_group", "question_id"], ["tried", "right_first_time"],
         [{"school_id": school_id, "class_id": c, "year_group": y, "question_id": q, "tried": t, "right_first_time": r}
          for (c, y, q), (t, r) in sorted(questions.items())])
    _add(MisconceptionTally, ["class_id", "year_group", "question_id", "key"], ["times"],
         [{"school_id": school_id, "class_id": c, "year_group": y, "question_id": q, "key": k, "times": n}
          for (c, y, q, k), n in sorted(wrong.items())])
    _started(school_id, started, content)


def _add(model, key: list[str], counts: list[str], rows: list[dict]) -> None:
    """counter += n on each row, creating the rows that are missing (one statement per batch)."""
    if not rows:
        return
    statement = insert_on_conflict(model)
    statement = statement.on_conflict_do_update(
        index_elements=key, set_={name: getattr(model, name) + getattr(statement.excluded, name) for name in counts})
    db.session.execute(statement, rows)


def _started(school_id: int, started: dict[tuple, object], content) -> None:
    """Module progress for the modules these answers belong to: started, and
    done when the lesson is finished and every quiz question has an answer."""
    if not started:
        return
    pairs = sorted(started)
    db.session.execute(
        insert_on_conflict(ModuleProgress).on_conflict_do_nothing(index_elements=["pupil_id", "module_id"]),
        [{"school_id": school_id, "pupil_id": p, "module_id": m, "content_version": content.modules[m].version,
          "started_at": started[(p, m)], "lesson_step": 1, "quiz_position": 1} for p, m in pairs])
    pupil_ids = sorted({p for p, _ in pairs})
    waiting = db.session.execute(
        select(ModuleProgress).where(ModuleProgress.pupil_id.in_(pupil_ids), ModuleProgress.completed_at.is_(None),
                                     ModuleProgress.lesson_done_at.is_not(None))
    ).scalars().all()
    for row in waiting:
        if (row.pupil_id, row.module_id) in started:
            complete_if_done(row.pupil_id, content.modules[row.module_id], row)


def rebuild_tallies(content, school_id: int) -> int:
    """Recount a school's first tries, tallies and module progress from its
    answers (after bulk loads, or if content moved a question to another
    outcome): every answer is counted again, in order, by catch_up. Class
    and year group are taken as the pupils are now. Returns answers counted."""
    with write_transaction():
        _lock_school(school_id)
        for model in (OutcomeTally, RevisitTally, QuestionTally, MisconceptionTally):
            db.session.execute(delete(model).where(model.school_id == school_id))
        pupils = select(Pupil.id).where(Pupil.school_id == school_id)  # answers are indexed by pupil, not school
        db.session.execute(update(Answer).where(Answer.pupil_id.in_(pupils)).values(pending=True, first_try=False))
    return catch_up(school_id, content=content)
