"""Recording answers and where each pupil is in each module.

An answer is stored with one INSERT (record_answer). Module progress and the
dashboards' running tallies are counted from stored answers afterwards, in
batches (catch_up), before anyone reads them: a teacher's pages catch up
their school, a parent's their children, a pupil's their own answers.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, cast, delete, false, func, select, true, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..content import Module, get_content
from ..database import write_transaction
from ..extensions import db
from ..questions import misconception_keys
from ..models import (
    YEAR_GROUPS,
    Answer,
    MisconceptionTally,
    ModuleProgress,
    OutcomeTally,
    Pupil,
    QuestionTally,
    band_for_year_group,
    now_utc,
)

MAX_CLIENT_ID = 64


@dataclass
class Recorded:
    answer_id: int
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


@dataclass(frozen=True)
class Answerer:
    """The few facts about a pupil that answering needs."""

    id: int
    school_id: int
    year_group: int


def answerer(pupil_id: int, school_id: int) -> Answerer | None:
    """The pupil an answer token names, if they are still at that school."""
    row = db.session.connection().execute(_statements()["answerer"], {"pid": pupil_id, "sid": school_id}).first()
    return Answerer(*row) if row is not None else None


def _insert(model):
    """INSERT with ON CONFLICT support on the database in use."""
    if db.engine.dialect.name == "postgresql":
        return postgresql_insert(model)
    return sqlite_insert(model)


_STATEMENTS: dict[str, dict] = {}
_STORED_COLUMNS = ("school_id", "pupil_id", "module_id", "question_id", "content_version", "source", "response", "correct",
                   "score", "client_id", "created_at", "first_try", "pending")


def _statements() -> dict:
    """The answer path's statements, built once per kind of database (every
    answer runs them, and building them afresh cost more than running them)."""
    dialect = db.engine.dialect.name
    if dialect not in _STATEMENTS:
        pupils, answers = Pupil.__table__, Answer.__table__
        still_here = (pupils.c.id == bindparam("pid"), pupils.c.school_id == bindparam("sid"), pupils.c.archived_at.is_(None))
        who = select(pupils.c.id, pupils.c.school_id, pupils.c.year_group).where(*still_here)

        def value(name: str):
            column_type = answers.c[name].type
            if name == "response" and dialect == "postgresql":
                return cast(bindparam(name, type_=column_type), column_type)  # a SELECT list would send it as text
            return bindparam(name, type_=column_type)

        values = select(
            pupils.c.school_id, pupils.c.id, *(value(name) for name in _STORED_COLUMNS[2:-2]), false(), true()
        ).where(*still_here, pupils.c.year_group.between(bindparam("youngest"), bindparam("oldest")))
        store = (
            _insert(answers)
            .from_select(list(_STORED_COLUMNS), values)
            .on_conflict_do_nothing(index_elements=["pupil_id", "client_id"])
            .returning(answers.c.id)
        )
        stored = select(answers.c.id).where(answers.c.pupil_id == bindparam("pid"), answers.c.client_id == bindparam("cid"))
        _STATEMENTS[dialect] = {"answerer": who, "store": store, "stored": stored}
    return _STATEMENTS[dialect]


def _band_years(band: str) -> tuple[int, int]:
    years = [year for year in YEAR_GROUPS if band_for_year_group(year) == band]
    return min(years), max(years)


def record_answer(pupil_id: int, school_id: int, module: Module, question, source: str, response: dict, correct: bool,
                  score: float, client_id: str) -> Recorded | None:
    """Store one answer, exactly once per client id, with one statement: an
    INSERT that only happens if the pupil is still at the school and in the
    module's age band. None if they are not (the caller says why).

    Nothing else is written here. Whether it was the pupil's first try,
    their module progress and the dashboards' tallies are worked out later,
    in batches (catch_up), so a class answering at once only ever waits for
    one small insert each."""
    youngest, oldest = _band_years(module.band)
    connection = db.session.connection()
    answer_id = connection.execute(_statements()["store"], {
        "pid": pupil_id, "sid": school_id, "youngest": youngest, "oldest": oldest,
        "module_id": module.id, "question_id": question.id, "content_version": module.version, "source": source,
        "response": response, "correct": correct, "score": score, "client_id": client_id, "created_at": now_utc(),
    }).scalar()
    if answer_id is None:  # a double tap or a retry, or not this pupil's to answer
        answer_id = connection.execute(_statements()["stored"], {"pid": pupil_id, "cid": client_id}).scalar()
        db.session.commit()
        return Recorded(answer_id, duplicate=True) if answer_id is not None else None
    db.session.commit()
    return Recorded(answer_id, duplicate=False)


# ------------------------------------------------------------ catching up

CATCH_UP_BATCH = 2000
_LOCK_NAMESPACE = 7_406_001  # pg_advisory_xact_lock(namespace, school id): one catch-up per school at a time


def catch_up(school_id: int, pupil_ids: list[int] | None = None, content=None) -> int:
    """Count a school's pending answers (or only some pupils') into module
    progress and the dashboards' tallies. Returns how many were counted.

    This is also where "first try" is decided: an answer is a first try when
    no answer to that question by that pupil was counted before it. Answers
    are counted in order, one catch-up per school at a time, so each pupil has
    exactly one first try per question, whatever order answers arrived in.

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
                       Answer.response, Answer.created_at, Pupil.class_id, Pupil.year_group)
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
        return catch_up(principal.school_id)
    if principal.is_parent:
        from .scope import children_of

        by_school: dict[int, list[int]] = {}
        for child in children_of(principal):
            by_school.setdefault(child.school_id, []).append(child.id)
        return sum(catch_up(school, ids) for school, ids in sorted(by_school.items()))
    return 0


def catch_up_everything() -> int:
    """Every school's pending answers (the `catch-up` command, e.g. from cron)."""
    schools = db.session.execute(select(Answer.school_id).where(Answer.pending).distinct()).scalars().all()
    return sum(catch_up(school_id) for school_id in sorted(schools))


def _first_tries(rows) -> set[int]:
    """The ids, among these pending answers (in id order), of first tries."""
    counted = {(pupil, question) for pupil, question in db.session.execute(
        select(Answer.pupil_id, Answer.question_id).where(
            Answer.pupil_id.in_({r.pupil_id for r in rows}), Answer.question_id.in_({r.question_id for r in rows}),
            Answer.pending.is_(False), Answer.first_try.is_(True))
    )}
    firsts = set()
    for row in rows:
        if (row.pupil_id, row.question_id) not in counted:
            counted.add((row.pupil_id, row.question_id))
            firsts.add(row.id)
    return firsts


def _count(school_id: int, rows, firsts: set[int], content) -> None:
    """Add a batch of answers to progress and the tallies. Rows are added to
    in key order, so two catch-ups never wait for each other in a circle."""
    outcomes: dict[tuple, list[int]] = {}
    questions: dict[tuple, list[int]] = {}
    wrong: dict[tuple, int] = {}
    started: dict[tuple, object] = {}
    for row in rows:
        module = content.modules.get(row.module_id)
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
    statement = _insert(model)
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
        _insert(ModuleProgress).on_conflict_do_nothing(index_elements=["pupil_id", "module_id"]),
        [{"school_id": school_id, "pupil_id": p, "module_id": m, "content_version": content.modules[m].version,
          "started_at": started[(p, m)], "lesson_step": 1, "quiz_position": 1} for p, m in pairs])
    pupil_ids = sorted({p for p, _ in pairs})
    waiting = db.session.execute(
        select(ModuleProgress).where(ModuleProgress.pupil_id.in_(pupil_ids), ModuleProgress.completed_at.is_(None),
                                     ModuleProgress.lesson_done_at.is_not(None))
    ).scalars().all()
    for row in waiting:
        if (row.pupil_id, row.module_id) in started:
            _complete_if_done(row.pupil_id, content.modules[row.module_id], row)


def rebuild_tallies(content, school_id: int) -> int:
    """Recount a school's first tries, tallies and module progress from its
    answers (after bulk loads, or if content moved a question to another
    outcome): every answer is counted again, in order, by catch_up. Class
    and year group are taken as the pupils are now. Returns answers counted."""
    with write_transaction():
        _lock_school(school_id)
        for model in (OutcomeTally, QuestionTally, MisconceptionTally):
            db.session.execute(delete(model).where(model.school_id == school_id))
        pupils = select(Pupil.id).where(Pupil.school_id == school_id)  # answers are indexed by pupil, not school
        db.session.execute(update(Answer).where(Answer.pupil_id.in_(pupils)).values(pending=True, first_try=False))
    return catch_up(school_id, content=content)


def answered_questions(pupil_id: int, module: Module) -> set[str]:
    return set(
        db.session.execute(
            select(Answer.question_id).where(Answer.pupil_id == pupil_id, Answer.module_id == module.id).distinct()
        ).scalars()
    )


def save_lesson_position(pupil: Pupil, module: Module, step: int) -> ModuleProgress:
    progress = ensure_progress(pupil, module)
    last = len(module.lesson.steps)
    progress.lesson_step = max(1, min(step, last))
    if step > last and progress.lesson_done_at is None:
        progress.lesson_done_at = now_utc()
    _complete_if_done(pupil.id, module, progress)
    db.session.commit()
    return progress


def save_quiz_position(pupil: Pupil, module: Module, position: int) -> ModuleProgress:
    progress = ensure_progress(pupil, module)
    progress.quiz_position = max(1, min(position, len(module.bank.questions)))
    _complete_if_done(pupil.id, module, progress)
    db.session.commit()
    return progress


def _complete_if_done(pupil_id: int, module: Module, progress: ModuleProgress) -> None:
    """A module is done when the lesson is finished and every quiz question has an answer."""
    if progress.completed_at is not None or progress.lesson_done_at is None:
        return
    needed = {q.id for q in module.bank.questions}
    if needed <= answered_questions(pupil_id, module):
        progress.completed_at = now_utc()
