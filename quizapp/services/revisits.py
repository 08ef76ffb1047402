""""Remember?" revisits: a few questions from a finished module, weeks later.

Some weeks after a pupil finishes a module (the school's `revisit_first_weeks`,
3 by default, then `revisit_second_weeks`, 8, both counted from finishing),
their topics page shows a small "Remember?" card with three questions from
that module: ones they have never answered where the module has enough,
otherwise (or to make up three) the ones they found hardest. A teacher can
turn revisits off for a class, and set a revisit as work (an assignment with
`revisit`), which shows the card at once.

Revisit answers are ordinary answers: the one-statement INSERT of
services/answers.py with the source "revisit-1" or "revisit-2". catch_up
decides first tries per revisit (the first answer to a question at that
revisit) and counts them into `revisit_tallies`, never into the end-of-module
tallies, so the dashboards compare "Secure at the end" with "Secure at the
revisit" (services/dashboards.what_stuck) at a fixed number of queries.

There is no score, streak, point or badge for a revisit: kind feedback only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from ..content import Module
from ..extensions import db
from ..models import Answer, Assignment, Pupil, School, SchoolClass, base
from .positions import finished_modules

REVISITS = (1, 2)
QUESTIONS_PER_REVISIT = 3
_PREFIX = "revisit-"


def source_for(number: int) -> str:
    """The answers' `source` for a revisit (fits the column's 10 characters)."""
    return f"{_PREFIX}{number}"


def revisit_number(source: str | None) -> int:
    """The revisit an answer's source names, or 0 for the lesson and the quiz."""
    if source and source.startswith(_PREFIX) and source[len(_PREFIX):].isdigit():
        number = int(source[len(_PREFIX):])
        return number if number in REVISITS else 0
    return 0


def is_revisit_source(source) -> bool:
    return isinstance(source, str) and revisit_number(source) > 0


# ------------------------------------------------------------ the questions


def pick_questions(pupil_id: int, module: Module, number: int) -> list:
    """The revisit's questions: ones the pupil never answered (lesson checks
    and quiz), in the module's order, where there are enough; otherwise, or
    to make up the number, the ones they found hardest (first answer wrong,
    then most wrong answers, then not asked at an earlier revisit). Answers
    given at this revisit are left out, so the choice stays the same while
    the pupil works through it."""
    pool = list(module.lesson_questions()) + list(module.bank.questions)
    history: dict[str, list[bool]] = {}
    revisited: set[str] = set()
    for question_id, correct, source in db.session.execute(
        select(Answer.question_id, Answer.correct, Answer.source)
        .where(Answer.pupil_id == pupil_id, Answer.module_id == module.id, Answer.source != source_for(number))
        .order_by(Answer.id)
    ).all():
        history.setdefault(question_id, []).append(bool(correct))
        if is_revisit_source(source):
            revisited.add(question_id)
    unseen = [q for q in pool if q.id not in history]
    if len(unseen) >= QUESTIONS_PER_REVISIT:
        return unseen[:QUESTIONS_PER_REVISIT]
    order = {q.id: i for i, q in enumerate(pool)}
    seen = [q for q in pool if q.id in history]
    # First answer wrong first, then most wrong answers, then ones not asked at an earlier revisit
    # (so a pupil who got everything right meets other questions next time), then the module's order.
    hardest = sorted(seen, key=lambda q: (history[q.id][0], -history[q.id].count(False), q.id in revisited, order[q.id]))
    return (unseen + hardest)[:QUESTIONS_PER_REVISIT]


# ------------------------------------------------------------- the card


@dataclass(frozen=True)
class Due:
    module_id: str
    number: int  # 1 or 2
    set_by_teacher: bool
    position: int = 1  # where to carry on: after the questions already answered at this revisit


def _now():
    return base.now_utc()  # read through the module, so a test can move the clock


def _answered(pupil_id: int) -> dict[tuple[str, int], int]:
    """(module, revisit) -> how many questions the pupil answered at it. One query."""
    rows = db.session.execute(
        select(Answer.module_id, Answer.source, func.count(func.distinct(Answer.question_id)))
        .where(Answer.pupil_id == pupil_id, Answer.source.in_([source_for(n) for n in REVISITS]))
        .group_by(Answer.module_id, Answer.source)
    ).all()
    return {(module_id, revisit_number(source)): n for module_id, source, n in rows}


def _set_revisits(pupil: Pupil, today) -> set[str]:
    """Modules whose revisit the pupil's teacher set as work (started, not past due)."""
    return set(db.session.execute(
        select(Assignment.module_id).where(
            Assignment.school_id == pupil.school_id, Assignment.revisit.is_(True),
            (Assignment.class_id == pupil.class_id) | (Assignment.year_group == pupil.year_group),
            Assignment.start_on.is_(None) | (Assignment.start_on <= today))
    ).scalars())


def due_for(pupil: Pupil, modules: dict[str, Module]) -> list[Due]:
    """The revisits waiting for a pupil among these modules (their band's),
    the longest waiting first. A few small queries, whatever the pupil did."""
    school = db.session.get(School, pupil.school_id)
    class_on = db.session.execute(
        select(SchoolClass.revisits_on).where(SchoolClass.id == pupil.class_id)).scalar_one_or_none()
    now = _now()
    set_as_work = _set_revisits(pupil, now.date())
    answered = _answered(pupil.id)
    done = {key for key, n in answered.items() if n >= QUESTIONS_PER_REVISIT}
    weeks = {1: school.revisit_first_weeks, 2: school.revisit_second_weeks}
    waiting = []
    for row in finished_modules([pupil.id])[pupil.id]:
        if row.module_id not in modules:
            continue
        if row.module_id in set_as_work:
            number = next((n for n in REVISITS if (row.module_id, n) not in done), None)
            if number is not None:
                waiting.append((row.completed_at, Due(row.module_id, number, True,
                                                      answered.get((row.module_id, number), 0) + 1)))
            continue
        if class_on is False:
            continue
        reached = [n for n in REVISITS if now >= base.as_utc(row.completed_at) + timedelta(weeks=weeks[n])]
        if reached and (row.module_id, reached[-1]) not in done:
            waiting.append((row.completed_at, Due(row.module_id, reached[-1], False,
                                                  answered.get((row.module_id, reached[-1]), 0) + 1)))
    waiting.sort(key=lambda pair: (not pair[1].set_by_teacher, pair[0]))
    return [due for _, due in waiting]


def set_schedule(school: School, first_weeks: int, second_weeks: int) -> None:
    """The school's revisit weeks (the second after the first)."""
    if not 1 <= first_weeks < second_weeks <= 52:
        raise ValueError("The second revisit must come after the first, within a year.")
    school.revisit_first_weeks, school.revisit_second_weeks = first_weeks, second_weeks
    db.session.commit()


def set_class_revisits(school_class: SchoolClass, on: bool) -> None:
    school_class.revisits_on = on
    db.session.commit()
