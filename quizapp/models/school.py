"""Schools and their classes.

One deployment hosts many schools (a local authority may run hundreds), so
every row that belongs to a school carries `school_id`, and every query for
people or progress is filtered by it (see quizapp/services/scope.py).

Year groups are numbered as in English primary schools: 0 is Reception,
1-6 are Years 1-6. A class has a main year group; mixed-age classes are
allowed because each pupil carries their own year group too.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import NEVER_REUSED, UTCDateTime, now_utc

YEAR_GROUPS: dict[int, str] = {0: "Reception", 1: "Year 1", 2: "Year 2", 3: "Year 3", 4: "Year 4", 5: "Year 5", 6: "Year 6"}


def year_group_label(year_group: int) -> str:
    return YEAR_GROUPS.get(year_group, f"Year {year_group}")


def band_for_year_group(year_group: int) -> str:
    """The curriculum's age band for a year group."""
    if year_group <= 2:
        return "4-7"
    if year_group <= 4:
        return "7-9"
    return "9-11"


class School(db.Model):
    __tablename__ = "schools"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # A short, unique, URL-safe name: used in the CLI and on printed material.
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    # How long the learning data of pupils who have left (been archived) is
    # kept before `flask retention` erases it.
    retention_months: Mapped[int] = mapped_column(default=12, server_default="12")
    # Concern alerts: the school's time zone (times in emails), and when to
    # alert again if no DSL has opened a new concern: after this many minutes
    # of the school day (Monday to Friday, from day_start to day_end, minutes
    # after midnight in the school's time zone).
    timezone: Mapped[str] = mapped_column(String(40), default="Europe/London", server_default="Europe/London")
    remind_after_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    day_start_minute: Mapped[int] = mapped_column(default=8 * 60, server_default=str(8 * 60))
    day_end_minute: Mapped[int] = mapped_column(default=17 * 60, server_default=str(17 * 60))
    # "Remember?" revisits: weeks after a pupil finishes a module (services/revisits.py).
    revisit_first_weeks: Mapped[int] = mapped_column(default=3, server_default="3")
    revisit_second_weeks: Mapped[int] = mapped_column(default=8, server_default="8")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    classes: Mapped[list[SchoolClass]] = relationship(back_populates="school", order_by="SchoolClass.year_group")

    def __repr__(self) -> str:
        return f"<School {self.slug}>"


class SchoolClass(db.Model):
    """A class of pupils (named "SchoolClass" because `class` is a keyword)."""

    __tablename__ = "classes"
    __table_args__ = (
        UniqueConstraint("school_id", "name"),
        # Lets pupils refer to (class, school) together, so a pupil can never
        # sit in another school's class.
        UniqueConstraint("id", "school_id"),
        CheckConstraint("year_group BETWEEN 0 AND 6", name="year_group_range"),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    year_group: Mapped[int]
    # The teacher can turn "Remember?" revisits off for the class (set ones still show).
    revisits_on: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    school: Mapped[School] = relationship(back_populates="classes")

    @property
    def year_group_label(self) -> str:
        return year_group_label(self.year_group)

    def __repr__(self) -> str:
        return f"<SchoolClass {self.name}>"
