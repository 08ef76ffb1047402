"""The governors' report: one page per school and term for the online-safety
governor and for inspection. Counts only: no pupil's or adult's name, and no
concern's words.

Terms follow the English school year: autumn (1 September to 31 December),
spring (1 January to 31 March) and summer (1 April to 31 August); Easter
moves, so the spring/summer line is the end of March. Dates are read in the
school's own time zone.

- Coverage: of the pupils in each year group, the share who finished their
  band's module of a topic during the term; and of a UKCIS strand, the share
  of finished modules out of the modules with an outcome in that strand.
- Secure: the share of each year group Secure (dashboards' one mastery rule)
  on every "I can" outcome of their band's module of a topic, as it stands.
- Set topics: pupils with topics set during the term (a start or due date
  in it, or set in it) and how many finished all of them.
- Concerns raised during the term, by category and status.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, or_, select

from ..content import Content
from ..content.loader import module_id
from ..dates import school_zone
from ..extensions import db
from ..models import Assignment, Concern, ModuleProgress, OutcomeTally, Pupil, School, band_for_year_group, year_group_label
from ..models.concern import CATEGORIES, STATUSES
from .dashboards import SECURE, level_for

TERMS = ("autumn", "spring", "summer")
_TERM = re.compile(r"(\d{4})-(autumn|spring|summer)")


@dataclass(frozen=True)
class Term:
    year: int
    season: str

    @property
    def key(self) -> str:
        return f"{self.year}-{self.season}"

    @property
    def label(self) -> str:
        return f"{self.season.capitalize()} term {self.year}"

    @property
    def first_day(self) -> date:
        return {"autumn": date(self.year, 9, 1), "spring": date(self.year, 1, 1), "summer": date(self.year, 4, 1)}[self.season]

    @property
    def last_day(self) -> date:
        return {"autumn": date(self.year, 12, 31), "spring": date(self.year, 3, 31), "summer": date(self.year, 8, 31)}[self.season]


def term_of(day: date) -> Term:
    season = "spring" if day.month <= 3 else "summer" if day.month <= 8 else "autumn"
    return Term(day.year, season)


def parse_term(key: str | None, today: date) -> Term | None:
    """A term from "2026-autumn"; no key means this term; a malformed one None (the view answers 404)."""
    if not key:
        return term_of(today)
    match = _TERM.fullmatch(key)
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        return None
    return Term(int(match.group(1)), match.group(2))


def recent_terms(today: date, count: int = 6) -> list[Term]:
    """This term and the ones before it, newest first."""
    terms, day = [], today
    for _ in range(count):
        term = term_of(day)
        terms.append(term)
        day = date.fromordinal(term.first_day.toordinal() - 1)
    return terms


@dataclass
class Report:
    school_name: str
    term: Term
    year_groups: list[int]  # those with pupils, Reception first
    pupils: dict[int, int]  # year group -> pupils on roll
    topics: list[str]  # topic titles, in curriculum order
    finished: dict[tuple[str, int], int] = field(default_factory=dict)  # (topic, year) -> % finished this term
    secure: dict[tuple[str, int], int] = field(default_factory=dict)  # (topic, year) -> % Secure now
    strands: list[str] = field(default_factory=list)
    strand_finished: dict[tuple[str, int], int] = field(default_factory=dict)
    set_topics: dict[int, tuple[int, int]] = field(default_factory=dict)  # year -> (pupils with set topics, finished them all)
    concerns: dict[tuple[str, str], int] = field(default_factory=dict)  # (category label, status label) -> count
    categories: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=lambda: list(STATUSES.values()))

    def year_label(self, year: int) -> str:
        return year_group_label(year)

    @property
    def concern_total(self) -> int:
        return sum(self.concerns.values())


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def governors_report(content: Content, school: School, term: Term) -> Report:
    zone = school_zone(school)
    start = datetime.combine(term.first_day, time(0), zone)
    end = datetime.combine(date.fromordinal(term.last_day.toordinal() + 1), time(0), zone)
    pupils = list(db.session.execute(
        select(Pupil.id, Pupil.year_group, Pupil.class_id).where(Pupil.school_id == school.id, Pupil.archived_at.is_(None))
    ).all())
    per_year = Counter(year for _, year, _ in pupils)
    years = sorted(per_year)
    report = Report(school.name, term, years, dict(per_year), [t.title for t in content.topics])
    _coverage(report, content, school.id, start, end)
    _secure(report, content, school.id, pupils)
    _set_topics(report, school.id, pupils, term, start, end)
    _concerns(report, school.id, start, end)
    return report


def _coverage(report: Report, content: Content, school_id: int, start: datetime, end: datetime) -> None:
    done = Counter({(year, mod): n for year, mod, n in db.session.execute(
        select(Pupil.year_group, ModuleProgress.module_id, func.count(ModuleProgress.id))
        .join(Pupil, Pupil.id == ModuleProgress.pupil_id)
        .where(Pupil.school_id == school_id, Pupil.archived_at.is_(None),
               ModuleProgress.completed_at >= start, ModuleProgress.completed_at < end)
        .group_by(Pupil.year_group, ModuleProgress.module_id)
    ).all()})
    strand_done: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for topic in content.topics:
        for year in report.year_groups:
            mod = module_id(topic.id, band_for_year_group(year))
            report.finished[(topic.title, year)] = _percent(done[(year, mod)], report.pupils[year])
            module = content.modules.get(mod)
            for strand in sorted({o.strand for o in module.outline.outcomes}) if module else []:
                label = strand.replace("-", " ").capitalize()
                strand_done[(label, year)][0] += done[(year, mod)]
                strand_done[(label, year)][1] += report.pupils[year]
    report.strands = sorted({label for label, _ in strand_done})
    report.strand_finished = {key: _percent(*counts) for key, counts in strand_done.items()}


def _secure(report: Report, content: Content, school_id: int, pupils) -> None:
    year_of = {pupil_id: year for pupil_id, year, _ in pupils}
    levels: dict[int, dict[str, str]] = defaultdict(dict)
    for pupil_id, outcome_id, tried, right in db.session.execute(
        select(OutcomeTally.pupil_id, OutcomeTally.outcome_id, OutcomeTally.tried, OutcomeTally.right_first_time)
        .join(Pupil, Pupil.id == OutcomeTally.pupil_id)
        .where(Pupil.school_id == school_id, Pupil.archived_at.is_(None), OutcomeTally.tried > 0)
    ).all():
        levels[pupil_id][outcome_id] = level_for(right, tried)
    for topic in content.topics:
        for year in report.year_groups:
            module = content.modules.get(module_id(topic.id, band_for_year_group(year)))
            outcomes = [o.id for o in module.outline.outcomes] if module else []
            secure = sum(1 for pupil_id, pupil_year in year_of.items() if pupil_year == year and outcomes
                         and all(levels[pupil_id].get(o) == SECURE for o in outcomes))
            report.secure[(topic.title, year)] = _percent(secure, report.pupils[year])


def _set_topics(report: Report, school_id: int, pupils, term: Term, start: datetime, end: datetime) -> None:
    rows = list(db.session.execute(select(Assignment).where(
        Assignment.school_id == school_id,
        or_(Assignment.start_on.between(term.first_day, term.last_day), Assignment.due_on.between(term.first_day, term.last_day),
            (Assignment.created_at >= start) & (Assignment.created_at < end)),
    )).scalars())
    finished = {(pupil_id, mod) for pupil_id, mod in db.session.execute(
        select(ModuleProgress.pupil_id, ModuleProgress.module_id)
        .where(ModuleProgress.school_id == school_id, ModuleProgress.completed_at.is_not(None),
               ModuleProgress.module_id.in_({r.module_id for r in rows}))
    ).all()} if rows else set()
    counts: dict[int, list[int]] = {year: [0, 0] for year in report.year_groups}
    for pupil_id, year, class_id in pupils:
        mine = {r.module_id for r in rows if (r.class_id == class_id if r.class_id is not None else r.year_group == year)}
        if mine:
            counts[year][0] += 1
            counts[year][1] += all((pupil_id, mod) in finished for mod in mine)
    report.set_topics = {year: (with_set, done) for year, (with_set, done) in counts.items()}


def _concerns(report: Report, school_id: int, start: datetime, end: datetime) -> None:
    rows = db.session.execute(
        select(Concern.category, Concern.status, func.count(Concern.id))
        .where(Concern.school_id == school_id, Concern.created_at >= start, Concern.created_at < end)
        .group_by(Concern.category, Concern.status)
    ).all()
    report.categories = [label for key, label in CATEGORIES.items()]
    for category, status, n in rows:
        label = CATEGORIES.get(category, category)
        if label not in report.categories:
            report.categories.append(label)
        report.concerns[(label, STATUSES.get(status, status))] = n
