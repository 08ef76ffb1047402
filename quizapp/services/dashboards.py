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
from typing import get_args

from sqlalchemy import Select, and_, case, func, or_, select

from ..content import Content, module_id
from ..content.schema import Strand
from ..extensions import db
from ..models import (
    Assignment,
    MisconceptionTally,
    ModuleProgress,
    OutcomeTally,
    Pupil,
    QuestionTally,
    RevisitTally,
    SchoolClass,
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

    def rows(self, outcomes: list) -> list[tuple[int, str, list[str]]]:
        """(pupil id, display name, their level for each of these outcomes),
        one per pupil: what a page's table shows, read from the cells once."""
        ids = [o.id for o in outcomes]
        rows = []
        for pupil in self.pupils:
            pupil_id = pupil.id
            rows.append((pupil_id, pupil.display_name, [self.cells[(pupil_id, oid)] for oid in ids]))
        return rows


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
    outcome_ids = [o.id for o in outcomes]
    for pupil_id in [p.id for p in pupils]:
        for outcome_id in outcome_ids:
            level = level_for(*tally.get((pupil_id, outcome_id), (0, 0)))
            cells[(pupil_id, outcome_id)] = level
            counts[outcome_id][level] += 1
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
            row = strands.setdefault(strand, CoverageRow(strand_label(strand), 0, 0))
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
# ------------------------------------------------- what to look at first


def set_modules(school_id: int, class_id: int | None = None, year_group: int | None = None) -> set[str]:
    """Modules set for a class (or its whole year group), or for a year group
    (or any of its classes). One query."""
    where = [Assignment.school_id == school_id]
    if class_id is not None:
        mine = Assignment.class_id == class_id
        where.append(or_(mine, Assignment.year_group == year_group) if year_group is not None else mine)
    elif year_group is not None:
        classes = select(SchoolClass.id).where(SchoolClass.school_id == school_id, SchoolClass.year_group == year_group)
        where.append(or_(Assignment.year_group == year_group, Assignment.class_id.in_(classes)))
    return set(db.session.execute(select(Assignment.module_id).where(*where)).scalars())


def modules_in_focus(content: Content, band: str, set_ids: set[str], started_ids: set[str], everything: bool = False) -> list:
    """The band's modules a teacher needs to see: the ones set or started
    (all of them with everything=True), in curriculum order."""
    modules = content.modules_for_band(band)
    return modules if everything else [m for m in modules if m.id in set_ids or m.id in started_ids]


def started_in_grid(content: Content, counts: dict[str, Counter]) -> set[str]:
    """Modules with at least one pupil past "Not started" on one of their outcomes."""
    return {content.outcome_module[oid] for oid, c in counts.items() if sum(c.values()) - c[NOT_STARTED] > 0}


def started_in_stats(stats: list[QuestionStat]) -> set[str]:
    return {s.module_id for s in stats if s.tried}


@dataclass
class TeachNext:
    """One outcome worth teaching again: how many pupils are Emerging on it,
    the wrong answers behind that, and where in the lesson it is taught."""

    outcome: object  # a content Outcome
    module: object  # its content Module
    emerging: int
    misconceptions: list[QuestionStat]
    step_id: str | None  # the lesson step that teaches it (its check question), if any
    faded: StuckRow | None = None  # Secure at the end but not at a "Remember?" revisit (what_stuck)


def teach_next(content: Content, outcomes: list, counts: dict[str, Counter], stats: list[QuestionStat],
               limit: int = 3, faded: list[StuckRow] | None = None) -> list[TeachNext]:
    """The outcomes that faded most since pupils learnt them (`faded`, from
    what_stuck: Secure at the end of the module, not at a "Remember?"
    revisit), then those with the most pupils Emerging, most first (ties in
    curriculum order), each with the misconceptions from question analysis on
    questions about it. Reads nothing: the caller passes the counts, stats and
    revisit rows it already has, so the page's query count does not change.

    Ranking lives here, in one function, so that other signals can be added in one place."""
    shown = {o.id for o in outcomes}
    first: dict[str, StuckRow] = {}
    for row in faded_most(faded or []):
        if row.outcome.id in shown:
            first.setdefault(row.outcome.id, row)
    by_id = {o.id: o for o in outcomes}
    emerging = sorted((o for o in outcomes if counts[o.id][EMERGING] and o.id not in first),
                      key=lambda o: -counts[o.id][EMERGING])
    ranked = ([by_id[oid] for oid in first] + emerging)[:limit]
    out = []
    for outcome in ranked:
        module = content.modules[content.outcome_module[outcome.id]]
        about = [s for s in stats if s.misconception and outcome.id in content.questions[s.question_id].outcomes]
        step = next((st.id for st in module.lesson.steps if st.question is not None and outcome.id in st.question.outcomes), None)
        out.append(TeachNext(outcome, module, counts[outcome.id][EMERGING],
                             sorted(about, key=lambda s: -s.misconception_count)[:2], step, first.get(outcome.id)))
    return out


def emerging_by_class(content: Content, school_id: int, set_by_class: dict[int, set[str]]) -> dict[int, int]:
    """class id -> pupils Emerging on at least one outcome of a module set for
    their class. One query, whatever the number of classes and pupils."""
    outcome_ids = {o.id for ids in set_by_class.values() for m in ids if m in content.modules
                   for o in content.modules[m].outline.outcomes}
    if not outcome_ids:
        return {}
    tried, right = OutcomeTally.tried, OutcomeTally.right_first_time
    rows = db.session.execute(
        select(Pupil.class_id, Pupil.id, OutcomeTally.outcome_id)
        .join(OutcomeTally, OutcomeTally.pupil_id == Pupil.id)
        .where(Pupil.school_id == school_id, Pupil.archived_at.is_(None), Pupil.class_id.in_(list(set_by_class)),
               OutcomeTally.outcome_id.in_(sorted(outcome_ids)), tried > 0, level_sql(right, tried) == EMERGING)
    ).all()
    pupils: dict[int, set[int]] = defaultdict(set)
    for class_id, pupil_id, outcome_id in rows:
        if content.outcome_module[outcome_id] in set_by_class.get(class_id, ()):
            pupils[class_id].add(pupil_id)
    return {class_id: len(ids) for class_id, ids in pupils.items()}


# The UKCIS strands this app does not teach, and why (docs/content-guide.md,
# "UKCIS strands out of scope"; a test keeps the two in step).
OUT_OF_SCOPE = {
    "copyright-and-ownership": (
        "Not taught by this app: it is about whose work something is and how to credit it, a computing and "
        "digital-literacy topic rather than a safeguarding one. Schools teach it in computing lessons."
    ),
}


def uncovered_strands(content: Content) -> list[tuple[str, str]]:
    """(strand label, reason) for every UKCIS strand no module teaches."""
    taught = {o.strand for o in content.outcomes.values()}
    return [(strand_label(s), OUT_OF_SCOPE.get(s, "No topic teaches it yet.")) for s in get_args(Strand) if s not in taught]


def strand_label(strand: str) -> str:
    return strand.replace("-", " ").capitalize()
