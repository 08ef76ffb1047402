"""Concerns that pupils raise with the "I'm worried" button, and the DSL's
formal record of what was done about each one.

Notes and audit entries are append-only: nothing in the app edits or deletes
them. A concern outlives the pupil's learning data: if a pupil's account is
erased, the concern keeps the name as it was (pupil_name) and is marked, and
stays under the DSL's control.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import NEVER_REUSED, UTCDateTime, now_utc

CATEGORIES = {
    "unkind": "Someone was unkind to me",
    "stranger": "Someone I don't know messaged me",
    "meet": "Someone asked to meet me",
    "photo": "Someone asked me for a photo",
    "upset": "I saw something that upset me",
    "other": "Something else",
}
TALK_TO = {"teacher": "My teacher", "other_adult": "Another adult at school", "home": "A grown-up at home"}
SAFE_ADULT = "safe_adult"  # one of the school's safe adults: `talk_to_name` says who
# A pupil may press "Tell a grown-up" without choosing a picture or a person:
# the concern still reaches the DSL, marked "not said".
NOT_SAID = "not_said"
NOT_SAID_LABEL = "Not said"
NEW, IN_PROGRESS, CLOSED = "new", "in_progress", "closed"
STATUSES = {NEW: "New", IN_PROGRESS: "In progress", CLOSED: "Closed"}


class Concern(db.Model):
    __tablename__ = "concerns"
    __table_args__ = (
        CheckConstraint(f"status IN ('{NEW}', '{IN_PROGRESS}', '{CLOSED}')", name="status_known"),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupils.id", ondelete="SET NULL"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"), index=True)
    pupil_name: Mapped[str] = mapped_column(String(60))  # as it was when raised; kept for the record
    class_name: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(20))
    words: Mapped[str] = mapped_column(Text, default="")
    talk_to: Mapped[str] = mapped_column(String(20))
    talk_to_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default=NEW)
    # One per "I'm worried" page shown: a double tap sends the same token and
    # records one concern (services/concerns.raise_concern).
    request_token: Mapped[str | None] = mapped_column(String(36), unique=True)
    shared_with_teacher: Mapped[bool] = mapped_column(default=False)
    action_taken: Mapped[str] = mapped_column(Text, default="")
    close_reason: Mapped[str] = mapped_column(Text, default="")
    pupil_erased: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first time someone of the DSL team opened it, and when the second
    # alert went (to the DSL team and school admins) because nobody had.
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    notes: Mapped[list[ConcernNote]] = relationship(order_by="ConcernNote.created_at", back_populates="concern")

    @property
    def first_line(self) -> str:
        """The first line of the child's words, for the queue (up to 100 characters)."""
        line = (self.words or "").strip().splitlines()[0] if (self.words or "").strip() else ""
        return line if len(line) <= 100 else line[:99].rstrip() + "…"

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, NOT_SAID_LABEL if self.category == NOT_SAID else self.category)

    @property
    def talk_to_label(self) -> str:
        if self.talk_to == SAFE_ADULT:
            return self.talk_to_name
        return TALK_TO.get(self.talk_to, NOT_SAID_LABEL if self.talk_to == NOT_SAID else self.talk_to)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


class ConcernNote(db.Model):
    __tablename__ = "concern_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    concern: Mapped[Concern] = relationship(back_populates="notes")


class ConcernAudit(db.Model):
    """Who viewed or changed a concern, and when."""

    __tablename__ = "concern_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
