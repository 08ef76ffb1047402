"""Storing pupils' answers: one INSERT each, nothing else.

An answer is stored with one statement (record_answer) that also checks the
pupil is still at the school and in the module's age band. Whether it was a
first try, module progress and the dashboards' tallies are counted later, in
batches (services/counting.py), so a class answering at once only ever waits
for one small insert each.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, cast, false, or_, select, true

from ..content import Module
from ..database import insert_on_conflict
from ..extensions import db
from ..models import YEAR_GROUPS, Answer, Pupil, band_for_year_group, now_utc

MAX_CLIENT_ID = 64


@dataclass
class Recorded:
    answer_id: int
    duplicate: bool  # the same client id was stored before (a double tap or a retry)


@dataclass(frozen=True)
class Answerer:
    """The few facts about a pupil that answering needs."""

    id: int
    school_id: int
    year_group: int


def answerer(token) -> Answerer | None:
    """The pupil an answer token names, if they are still at that school."""
    row = db.session.connection().execute(_statements()["answerer"], _whose(token)).first()
    return Answerer(*row) if row is not None else None


_STATEMENTS: dict[str, dict] = {}
_STORED_COLUMNS = ("school_id", "pupil_id", "module_id", "question_id", "content_version", "source", "response", "correct",
                   "score", "client_id", "created_at", "first_try", "pending")


def _statements() -> dict:
    """The answer path's statements, built once per kind of database (every
    answer runs them, and building them afresh cost more than running them)."""
    dialect = db.engine.dialect.name
    if dialect not in _STATEMENTS:
        pupils, answers = Pupil.__table__, Answer.__table__
        # The token's pupil: their id and their answer key (or, for a token
        # made before answer keys, a row older than the token), still at the school.
        this_pupil = or_(pupils.c.answer_key == bindparam("key"),
                         pupils.c.created_at < bindparam("created_before", type_=pupils.c.created_at.type))
        still_here = (pupils.c.id == bindparam("pid"), this_pupil, pupils.c.school_id == bindparam("sid"),
                      pupils.c.archived_at.is_(None))
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
            insert_on_conflict(answers)
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


def _whose(token) -> dict:
    return {"pid": token.pupil_id, "sid": token.school_id, "key": token.key, "created_before": token.created_before}


def record_answer(token, module: Module, question, source: str, response: dict, correct: bool,
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
        **_whose(token), "youngest": youngest, "oldest": oldest,
        "module_id": module.id, "question_id": question.id, "content_version": module.version, "source": source,
        "response": response, "correct": correct, "score": score, "client_id": client_id, "created_at": now_utc(),
    }).scalar()
    if answer_id is None:  # a double tap or a retry, or not this pupil's to answer
        answer_id = connection.execute(_statements()["stored"], {"pid": token.pupil_id, "cid": client_id}).scalar()
        db.session.commit()
        return Recorded(answer_id, duplicate=True) if answer_id is not None else None
    db.session.commit()
    return Recorded(answer_id, duplicate=False)


def recent_answers(pupil: Pupil, limit: int = 200) -> list[Answer]:
    """A pupil's latest stored answers, newest first."""
    return list(db.session.execute(
        select(Answer).where(Answer.pupil_id == pupil.id).order_by(Answer.created_at.desc()).limit(limit)
    ).scalars())
