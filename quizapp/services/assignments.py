"""Modules set by teachers, as a pupil sees them."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from ..content import Content
from ..extensions import db
from ..models import Assignment, ModuleProgress, Pupil, RevisitTally, year_group_label
from .revisits import QUESTIONS_PER_REVISIT


@dataclass(frozen=True)
class Assigned:
    module_id: str
    due_on: date | None


def for_pupil(pupil: Pupil, today: date) -> list[Assigned]:
    """The modules set for the pupil's class or year group that have started,
    soonest due first; a module set twice shows once, with its earliest due date."""
    rows = db.session.execute(
        select(Assignment.module_id, Assignment.due_on)
        .where(
            Assignment.school_id == pupil.school_id, Assignment.revisit.is_(False),  # revisits: services/revisits.py
            or_(Assignment.class_id == pupil.class_id, Assignment.year_group == pupil.year_group),
            or_(Assignment.start_on.is_(None), Assignment.start_on <= today),
        )
    ).all()
    earliest: dict[str, date | None] = {}
    for module_id, due_on in rows:
        if module_id not in earliest or (due_on is not None and (earliest[module_id] is None or due_on < earliest[module_id])):
            earliest[module_id] = due_on
    return sorted((Assigned(m, d) for m, d in earliest.items()), key=lambda a: (a.due_on is None, a.due_on or today, a.module_id))


# ------------------------------------------------------------ teacher side


class AssignmentError(ValueError):
    pass


@dataclass(frozen=True)
class Target:
    """Who an assignment is for: a whole year group, or one class."""

    year_group: int | None = None
    class_id: int | None = None


def targets_for(user, classes) -> list[tuple[str, Target, int]]:
    """(label, target, year group) choices a member of staff may assign to:
    each class they can see, and the year groups of those classes."""
    choices: list[tuple[str, Target, int]] = []
    for year in sorted({c.year_group for c in classes}):
        choices.append((f"{year_group_label(year)}: every class", Target(year_group=year), year))
    for c in classes:
        choices.append((f"{c.name} ({year_group_label(c.year_group)})", Target(class_id=c.id), c.year_group))
    return choices


def assign(user, target: Target, year_group: int, module_ids: list[str], start_on: date | None, due_on: date | None,
           revisit: bool = False) -> list[Assignment]:
    """Set modules (or, with `revisit`, "Remember?" revisits of them) for a
    target; a module already set the same way for the same target is updated, not doubled."""
    if not module_ids:
        raise AssignmentError("Choose at least one module.")
    if start_on and due_on and due_on < start_on:
        raise AssignmentError("The finish date is before the start date.")
    made = []
    for module_id in module_ids:
        existing = db.session.execute(
            select(Assignment).where(
                Assignment.school_id == user.school_id,
                Assignment.module_id == module_id,
                Assignment.revisit.is_(revisit),
                Assignment.year_group.is_(target.year_group) if target.year_group is None else Assignment.year_group == target.year_group,
                Assignment.class_id.is_(target.class_id) if target.class_id is None else Assignment.class_id == target.class_id,
            )
        ).scalar_one_or_none()
        row = existing or Assignment(school_id=user.school_id, module_id=module_id, year_group=target.year_group,
                                     class_id=target.class_id, created_by_id=user.id, revisit=revisit)
        row.start_on, row.due_on = start_on, due_on
        db.session.add(row)
        made.append(row)
    db.session.commit()
    return made


def visible_to(user, classes) -> list[Assignment]:
    """Assignments for the classes a member of staff can see, or their year groups."""
    class_ids = [c.id for c in classes]
    years = list({c.year_group for c in classes})
    if not class_ids:
        return []
    return list(
        db.session.execute(
            select(Assignment)
            .where(Assignment.school_id == user.school_id,
                   or_(Assignment.class_id.in_(class_ids), Assignment.year_group.in_(years)))
            .order_by(Assignment.due_on.is_(None), Assignment.due_on, Assignment.created_at)
        ).scalars()
    )


@dataclass(frozen=True)
class Completion:
    pupils: int
    done: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.pupils) if self.pupils else 0


def completion(school_id: int, rows: list[Assignment], content: Content) -> dict[int, Completion]:
    """Per assignment, pupils finished / pupils set; for a revisit set as work,
    pupils who did a "Remember?" of the topic / pupils who finished the topic
    (only they are asked). Three queries however many there are."""
    sizes = db.session.execute(
        select(Pupil.class_id, Pupil.year_group, func.count(Pupil.id))
        .where(Pupil.school_id == school_id, Pupil.archived_at.is_(None))
        .group_by(Pupil.class_id, Pupil.year_group)
    ).all()
    module_ids = list({r.module_id for r in rows})
    finished = db.session.execute(
        select(ModuleProgress.module_id, Pupil.class_id, Pupil.year_group, func.count(ModuleProgress.id))
        .join(Pupil, Pupil.id == ModuleProgress.pupil_id)
        .where(ModuleProgress.school_id == school_id, ModuleProgress.completed_at.is_not(None),
               ModuleProgress.module_id.in_(module_ids), Pupil.archived_at.is_(None))
        .group_by(ModuleProgress.module_id, Pupil.class_id, Pupil.year_group)
    ).all() if module_ids else []
    remembered = _remembered(school_id, {r.module_id for r in rows if r.revisit}, content)
    out: dict[int, Completion] = {}
    for row in rows:
        def matches(class_id, year_group, row=row):
            return class_id == row.class_id if row.class_id is not None else year_group == row.year_group

        pupils = sum(n for class_id, year, n in sizes if matches(class_id, year))
        done = sum(n for module_id, class_id, year, n in finished if module_id == row.module_id and matches(class_id, year))
        if row.revisit:
            pupils, done = done, sum(1 for module_id, class_id, year in remembered
                                     if module_id == row.module_id and matches(class_id, year))
        out[row.id] = Completion(pupils, done)
    return out


def _remembered(school_id: int, module_ids: set[str], content: Content) -> list[tuple[str, int, int]]:
    """(module, class, year group), once for each pupil who answered a whole
    revisit of one of these modules, from the revisit tallies."""
    module_of = {o.id: m for m in module_ids if (mod := content.modules.get(m)) for o in mod.outline.outcomes}
    if not module_of:
        return set()
    questions: Counter = Counter()
    where: dict[int, tuple[int, int]] = {}
    for pupil_id, class_id, year_group, outcome_id, revisit, tried in db.session.execute(
        select(Pupil.id, Pupil.class_id, Pupil.year_group, RevisitTally.outcome_id, RevisitTally.revisit, RevisitTally.tried)
        .join(Pupil, Pupil.id == RevisitTally.pupil_id)
        .where(RevisitTally.school_id == school_id, RevisitTally.outcome_id.in_(module_of), Pupil.archived_at.is_(None))
    ):
        questions[(pupil_id, module_of[outcome_id], revisit)] += tried
        where[pupil_id] = (class_id, year_group)
    done = {(pupil_id, module_id) for (pupil_id, module_id, _), n in questions.items() if n >= QUESTIONS_PER_REVISIT}
    return [(module_id, *where[pupil_id]) for pupil_id, module_id in done]


def remove(assignment: Assignment) -> None:
    """Take an assignment away; pupils keep anything they have already done."""
    db.session.delete(assignment)
    db.session.commit()


# ------------------------------------------------------------ class cards


@dataclass(frozen=True)
class ClassTopic:
    """One module set for a class (itself or its year group), and how many of its pupils finished it."""

    module_id: str
    start_on: date | None
    due_on: date | None
    done: int
    pupils: int
    assignment_id: int
    for_class: bool  # set for this class, not its whole year group


def for_classes(school_id: int, classes, sizes: dict[int, int]) -> dict[int, list[ClassTopic]]:
    """class id -> the modules set for it, soonest due first, with pupils
    finished out of pupils in the class. Two queries however many classes."""
    class_ids = [c.id for c in classes]
    if not class_ids:
        return {}
    years = list({c.year_group for c in classes})
    rows = list(db.session.execute(
        select(Assignment).where(Assignment.school_id == school_id, Assignment.revisit.is_(False),  # a revisit is not a topic to finish
                                 or_(Assignment.class_id.in_(class_ids), Assignment.year_group.in_(years)))
    ).scalars())
    module_ids = list({r.module_id for r in rows})
    finished = {
        (class_id, module_id): n
        for module_id, class_id, n in db.session.execute(
            select(ModuleProgress.module_id, Pupil.class_id, func.count(ModuleProgress.id))
            .join(Pupil, Pupil.id == ModuleProgress.pupil_id)
            .where(ModuleProgress.school_id == school_id, ModuleProgress.completed_at.is_not(None),
                   ModuleProgress.module_id.in_(module_ids), Pupil.class_id.in_(class_ids), Pupil.archived_at.is_(None))
            .group_by(ModuleProgress.module_id, Pupil.class_id)
        ).all()
    } if module_ids else {}
    out: dict[int, list[ClassTopic]] = {}
    for c in classes:
        mine: dict[str, ClassTopic] = {}
        for r in rows:
            if r.class_id == c.id or (r.class_id is None and r.year_group == c.year_group):
                topic = ClassTopic(r.module_id, r.start_on, r.due_on, finished.get((c.id, r.module_id), 0),
                                   sizes.get(c.id, 0), r.id, r.class_id is not None)
                if r.module_id not in mine or topic.for_class:  # a class's own setting wins over its year group's
                    mine[r.module_id] = topic
        out[c.id] = sorted(mine.values(), key=lambda t: (t.due_on is None, t.due_on or date.max, t.module_id))
    return out
