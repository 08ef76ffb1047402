"""Read-side reports over pupils' answers, for teachers, DSLs and governors.

Every report runs a fixed number of queries, however many pupils it covers:
the pupils in scope are a subquery, and the per-pupil work is aggregation in
the database (GROUP BY) or one pass over the rows in Python. Mastery is
worked out from first tries only, so practising a question again does not
change what a teacher sees about what the class knew.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, func, select

from ..content import Content, module_id
from ..extensions import db
from ..models import (
    MisconceptionTally,
    ModuleProgress,
    OutcomeTally,
    Pupil,
    QuestionTally,
    RevisitTally,
    band_for_year_group,
)
from ..questions import get_type

# Levels, in order. The rule is shown to teachers on the grid page.
NOT_STARTED, EMERGING, DEVELOPING, SECURE = "not_started", "emerging", "developing", "secure"
LEVELS = (NOT_STARTED, EMERGING, DEVELOPING, SECURE)
LEVEL_LABELS = {NOT_STARTED: "Not started", EMERGING: "Emerging", DEVELOPING: "Developing", SECURE: "Secure"}
LEVEL_RULE = (
    "Worked out from each pupil's first try at every question about that outcome: "
    "Secure = at least 80% right first time over two or more questions; "
    "Developing = 50% or more right first time (or one question right); "
    "Emerging = under 50% right first time; Not started = no questions answered yet."
)


def _mastery_rule(right, tried) -> tuple:
    """LEVEL_RULE, written once: (condition, level) pairs, first match wins,
    else EMERGING. It is plain arithmetic and comparison, so `right` and
    `tried` may be numbers (level_for) or SQL columns (level_sql)."""
    return (
        ((right * 5 >= tried * 4) & (tried >= 2), SECURE),  # at least 80%, over two or more
        (right * 2 >= tried, DEVELOPING),  # at least 50%
    )


def level_for(right: int, tried: int) -> str:
    if tried == 0:
        return NOT_STARTED
    return next((level for matches, level in _mastery_rule(right, tried) if matches), EMERGING)


def level_sql(right, tried):
    """The same rule as a SQL CASE, for rows where tried > 0."""
    return case(*_mastery_rule(right, tried), else_=EMERGING)


def pupils_query(school_id: int, class_id: int | None = None, year_group: int | None = None) -> Select:
    """The pupils a report covers: a class, a year group or the whole school (never another school's)."""
    query = select(Pupil.id).where(Pupil.school_id == school_id, Pupil.archived_at.is_(None))
    if class_id is not None:
        query = query.where(Pupil.class_id == class_id)
    if year_group is not None:
        query = query.where(Pupil.year_group == year_group)
    return query


# ------------------------------------------------------------- the grid


@dataclass
class Grid:
    pupils: list[Pupil]
    outcomes: list  # content Outcome objects, in curriculum order
    cells: dict[tuple[int, str], str]  # (pupil id, outcome id) -> level
    counts: dict[str, Counter] = field(default_factory=dict)  # outcome id -> Counter of levels


def outcome_grid(content: Content, band: str, school_id: int, class_id: int | None = None,
                 year_group: int | None = None) -> Grid:
    """Pupils x "I can" outcomes of one band, for a class. Two queries, reading
    the pupils' outcome tallies (one small row per pupil and outcome)."""
    scope = pupils_query(school_id, class_id=class_id, year_group=year_group)
    pupils = list(db.session.execute(select(Pupil).where(Pupil.id.in_(scope)).order_by(Pupil.first_name, Pupil.last_initial)).scalars())
    outcomes = [o for m in content.modules_for_band(band) for o in m.outline.outcomes]
    wanted = [o.id for o in outcomes]
    tally = {
        (pupil_id, outcome_id): (right, tried)
        for pupil_id, outcome_id, tried, right in db.session.execute(
            select(OutcomeTally.pupil_id, OutcomeTally.outcome_id, OutcomeTally.tried, OutcomeTally.right_first_time)
            .where(OutcomeTally.pupil_id.in_(scope), OutcomeTally.outcome_id.in_(wanted))
        ).all()
    }
    cells = {}
    counts: dict[str, Counter] = {o.id: Counter() for o in outcomes}
    for pupil in pupils:
        for outcome in outcomes:
            level = level_for(*tally.get((pupil.id, outcome.id), (0, 0)))
            cells[(pupil.id, outcome.id)] = level
            counts[outcome.id][level] += 1
    return Grid(pupils, outcomes, cells, counts)


def level_counts(content: Content, band: str, school_id: int, class_id: int | None = None,
                 year_group: int | None = None) -> tuple[list, dict[str, Counter], int]:
    """How many pupils are at each level of each outcome, counted in the
    database: the rows returned do not grow with pupils. Two queries."""
    scope = pupils_query(school_id, class_id=class_id, year_group=year_group)
    pupils = db.session.execute(select(func.count()).select_from(scope.subquery())).scalar_one()
    outcomes = [o for m in content.modules_for_band(band) for o in m.outline.outcomes]
    tried, right = OutcomeTally.tried, OutcomeTally.right_first_time
    level = level_sql(right, tried)
    counts: dict[str, Counter] = {o.id: Counter() for o in outcomes}
    for outcome_id, lvl, n in db.session.execute(
        select(OutcomeTally.outcome_id, level, func.count())
        .where(OutcomeTally.pupil_id.in_(scope), OutcomeTally.outcome_id.in_([o.id for o in outcomes]), tried > 0)
        .group_by(OutcomeTally.outcome_id, level)
    ).all():
        counts[outcome_id][lvl] += n
    for outcome in outcomes:
        counts[outcome.id][NOT_STARTED] = pupils - sum(counts[outcome.id].values())
    return outcomes, counts, pupils


# ---------------------------------------------------- question analysis


@dataclass
class QuestionStat:
    module_id: str
    question_id: str
    prompt: str
    tried: int
    right: int
    misconception: str | None  # the most chosen wrong answer, in words
    misconception_count: int

    @property
    def percent_right(self) -> int:
        return round(100 * self.right / self.tried) if self.tried else 0


def question_analysis(content: Content, band: str, school_id: int, class_id: int | None = None,
                      year_group: int | None = None) -> list[QuestionStat]:
    """% right first time per question, and the most common wrong answer, for a
    class or a year group (as pupils were when they answered). Two queries."""
    where = [QuestionTally.school_id == school_id]
    if class_id is not None:
        where.append(QuestionTally.class_id == class_id)
    if year_group is not None:
        where.append(QuestionTally.year_group == year_group)
    totals = {
        qid: (int(tried or 0), int(right or 0))
        for qid, tried, right in db.session.execute(
            select(QuestionTally.question_id, func.sum(QuestionTally.tried), func.sum(QuestionTally.right_first_time))
            .where(*where).group_by(QuestionTally.question_id)
        ).all()
    }
    # The tallies are counted per class (services/counting.catch_up), so these queries read
    # one row per class and question (or wrong answer), not one per pupil.
    wrong_where = [MisconceptionTally.school_id == school_id]
    if class_id is not None:
        wrong_where.append(MisconceptionTally.class_id == class_id)
    if year_group is not None:
        wrong_where.append(MisconceptionTally.year_group == year_group)
    wrong: dict[str, Counter] = defaultdict(Counter)
    for qid, key, times in db.session.execute(
        select(MisconceptionTally.question_id, MisconceptionTally.key, func.sum(MisconceptionTally.times))
        .where(*wrong_where).group_by(MisconceptionTally.question_id, MisconceptionTally.key)
    ).all():
        wrong[qid][key] += int(times)
    stats = []
    for module in content.modules_for_band(band):
        for question in list(module.lesson_questions()) + list(module.bank.questions):
            tried, right = totals.get(question.id, (0, 0))
            common = wrong[question.id].most_common(1)
            stats.append(QuestionStat(
                module.id, question.id, question.prompt, tried, right,
                _describe_wrong(question, common[0][0]) if common else None, common[0][1] if common else 0,
            ))
    return stats


def _describe_wrong(question, key: str) -> str:
    """A misconception key, in words a teacher can read out in class."""
    return get_type(question.type).describe_misconception(question, key)


# ------------------------------------------------------------ coverage


@dataclass
class CoverageRow:
    label: str
    pupils: int
    done: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.pupils) if self.pupils else 0


def coverage(content: Content, school_id: int, year_group: int | None = None) -> tuple[list[CoverageRow], list[CoverageRow]]:
    """How far pupils have got through the curriculum, by topic and by UKCIS strand.

    A pupil "covers" a topic when they finished their band's module of it, and
    a strand when they finished a module with an outcome in that strand.
    Two queries: pupils per year group, and finished modules per year group.
    """
    scope = pupils_query(school_id, year_group=year_group)
    per_year = dict(db.session.execute(
        select(Pupil.year_group, func.count(Pupil.id)).where(Pupil.id.in_(scope)).group_by(Pupil.year_group)
    ).all())
    finished = db.session.execute(
        select(Pupil.year_group, ModuleProgress.module_id, func.count(ModuleProgress.id))
        .join(Pupil, and_(Pupil.id == ModuleProgress.pupil_id))
        .where(Pupil.id.in_(scope), ModuleProgress.completed_at.is_not(None))
        .group_by(Pupil.year_group, ModuleProgress.module_id)
    ).all()
    done_by = {(year, module_id): n for year, module_id, n in finished}
    total_pupils = sum(per_year.values())
    topics = []
    for topic in content.topics:
        done = sum(done_by.get((year, module_id(topic.id, band_for_year_group(year))), 0) for year in per_year)
        topics.append(CoverageRow(topic.title, total_pupils, done))
    strands: dict[str, CoverageRow] = {}
    for module in content.modules.values():
        years = [y for y in per_year if band_for_year_group(y) == module.band]
        for strand in sorted({o.strand for o in module.outline.outcomes}):
            row = strands.setdefault(strand, CoverageRow(strand.replace("-", " ").capitalize(), 0, 0))
            row.pupils += sum(per_year[y] for y in years)
            row.done += sum(done_by.get((y, module.id), 0) for y in years)
    return topics, sorted(strands.values(), key=lambda r: r.label)


# ------------------------------------------------------- what stuck


REVISIT_RULE = (
    "At a \"Remember?\" revisit (weeks after the module) a pupil answers three questions, so one or two per "
    "outcome: Secure at the revisit = every one of them right first time; Developing = half or more; "
    "Emerging = under half. Counted over the pupils who did that revisit."
)


def _revisit_rule(right, tried) -> tuple:
    """REVISIT_RULE, written once for Python and SQL, like _mastery_rule."""
    return (
        ((right >= tried) & (tried >= 1), SECURE),
        (right * 2 >= tried, DEVELOPING),
    )


def revisit_level(right: int, tried: int) -> str:
    if tried == 0:
        return NOT_STARTED
    return next((level for matches, level in _revisit_rule(right, tried) if matches), EMERGING)


def _secure_sql(rule, right, tried):
    """1 where the first tries make Secure by this rule, else 0 (also for no row)."""
    return case((rule(right, tried)[0][0], 1), else_=0)


@dataclass
class StuckRow:
    """One outcome at one "Remember?" revisit, over the pupils who did it."""

    outcome: object  # the content Outcome
    revisit: int
    pupils: int  # pupils who answered at this revisit
    secure_at_end: int  # of them, Secure at the end of the module
    secure_then: int  # of them, Secure at the revisit

    @property
    def faded(self) -> int:
        """Pupils Secure at the end, less pupils Secure at the revisit (never below 0)."""
        return max(0, self.secure_at_end - self.secure_then)


def what_stuck(content: Content, band: str, school_id: int, class_id: int | None = None,
               year_group: int | None = None) -> list[StuckRow]:
    """For each outcome and revisit: of the pupils who did the revisit, how
    many were Secure at the end of the module (LEVEL_RULE) and how many at
    the revisit (REVISIT_RULE).
    One query, read from the tallies (services/counting.catch_up counts them)."""
    scope = pupils_query(school_id, class_id=class_id, year_group=year_group)
    outcomes = {o.id: o for m in content.modules_for_band(band) for o in m.outline.outcomes}
    end = and_(OutcomeTally.pupil_id == RevisitTally.pupil_id, OutcomeTally.outcome_id == RevisitTally.outcome_id)
    rows = db.session.execute(
        select(RevisitTally.outcome_id, RevisitTally.revisit, func.count(),
               func.sum(_secure_sql(_mastery_rule, OutcomeTally.right_first_time, OutcomeTally.tried)),
               func.sum(_secure_sql(_revisit_rule, RevisitTally.right_first_time, RevisitTally.tried)))
        .select_from(RevisitTally).outerjoin(OutcomeTally, end)
        .where(RevisitTally.pupil_id.in_(scope), RevisitTally.outcome_id.in_(list(outcomes)), RevisitTally.tried > 0)
        .group_by(RevisitTally.outcome_id, RevisitTally.revisit)
    ).all()
    order = {outcome_id: i for i, outcome_id in enumerate(outcomes)}
    return sorted((StuckRow(outcomes[o], n, pupils, int(end_secure or 0), int(then or 0))
                   for o, n, pupils, end_secure, then in rows), key=lambda r: (order[r.outcome.id], r.revisit))


def faded_most(rows: list[StuckRow], limit: int | None = None) -> list[StuckRow]:
    """The outcomes that faded most (largest share of the revisit's pupils who
    were Secure at the end and are not now) first; those that held are left out.
    For "What to teach next"."""
    faded = sorted((r for r in rows if r.faded > 0), key=lambda r: (-r.faded / r.pupils, -r.faded, r.revisit))
    return faded[:limit] if limit is not None else faded


def pupil_stuck(pupil_id: int, outcome_ids: list[str]) -> dict[str, dict]:
    """One pupil's levels per outcome: {"end": level, 1: level, 2: level}
    (revisits they did only). Two queries."""
    levels: dict[str, dict] = {}
    for outcome_id, tried, right in db.session.execute(
        select(OutcomeTally.outcome_id, OutcomeTally.tried, OutcomeTally.right_first_time)
        .where(OutcomeTally.pupil_id == pupil_id, OutcomeTally.outcome_id.in_(outcome_ids))
    ).all():
        levels.setdefault(outcome_id, {})["end"] = level_for(right, tried)
    for outcome_id, revisit, tried, right in db.session.execute(
        select(RevisitTally.outcome_id, RevisitTally.revisit, RevisitTally.tried, RevisitTally.right_first_time)
        .where(RevisitTally.pupil_id == pupil_id, RevisitTally.outcome_id.in_(outcome_ids))
    ).all():
        levels.setdefault(outcome_id, {"end": NOT_STARTED})[revisit] = revisit_level(right, tried)
    return {o: cells for o, cells in levels.items() if any(k != "end" for k in cells)}


def remembered(pupil_ids: list[int], modules: list) -> dict[tuple[int, str], bool]:
    """(pupil, module) -> whether they remembered it at their latest revisit
    (half or more right first time), for modules they revisited. One query.
    Parents see "Remembered weeks later"; never a score."""
    outcome_module = {o.id: m.id for m in modules for o in m.outline.outcomes}
    latest: dict[tuple[int, str], tuple[int, int, int]] = {}
    if pupil_ids:
        for pupil_id, outcome_id, revisit, tried, right in db.session.execute(
            select(RevisitTally.pupil_id, RevisitTally.outcome_id, RevisitTally.revisit, RevisitTally.tried,
                   RevisitTally.right_first_time)
            .where(RevisitTally.pupil_id.in_(pupil_ids), RevisitTally.outcome_id.in_(list(outcome_module)))
        ).all():
            key = (pupil_id, outcome_module[outcome_id])
            number, t, r = latest.get(key, (0, 0, 0))
            if revisit > number:
                number, t, r = revisit, 0, 0
            if revisit == number:
                latest[key] = (number, t + tried, r + right)
    return {key: right * 2 >= tried for key, (_, tried, right) in latest.items() if tried}
