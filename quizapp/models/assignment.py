"""Modules a teacher has set for a year group or a class."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import NEVER_REUSED, UTCDateTime, now_utc


class Assignment(db.Model):
    """One module set for either a whole year group or one class of a school.

    Assigning a topic or a band's whole sequence makes one row per module,
    so pupils' homes and teachers' completion tables stay simple queries.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("(year_group IS NULL) != (class_id IS NULL)", name="one_target"),
        CheckConstraint("due_on IS NULL OR start_on IS NULL OR due_on >= start_on", name="due_after_start"),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    module_id: Mapped[str] = mapped_column(String(80))
    year_group: Mapped[int | None]
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    # A "Remember?" revisit of a module the pupils finished, set as work (services/revisits.py).
    revisit: Mapped[bool] = mapped_column(default=False, server_default=false())
    start_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
