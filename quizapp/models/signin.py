"""Signed-in sessions and class sign-in on shared tablets."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import NEVER_REUSED, UTCDateTime, now_utc
from .people import Pupil, User
from .school import SchoolClass


class AuthSession(db.Model):
    """One signed-in session on one device. The cookie holds a random token;
    this row holds only its hash, so a database copy cannot be used to sign in.
    Signing out sets `ended_at`, which stops that cookie working anywhere."""

    __tablename__ = "auth_sessions"
    __table_args__ = (CheckConstraint("(user_id IS NULL) != (pupil_id IS NULL)", name="one_principal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    class_signin_id: Mapped[int | None] = mapped_column(ForeignKey("class_signins.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship()
    pupil: Mapped[Pupil | None] = relationship()
    class_signin: Mapped[ClassSignIn | None] = relationship()


class ClassSignIn(db.Model):
    """A teacher opened picture sign-in for one class (for a lesson, a day).

    While it is open, tablets that were handed over by the teacher, or that
    entered its short code, show the class list. Closing it (or its expiry)
    signs every pupil of that sign-in out at their next tap.
    """

    __tablename__ = "class_signins"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(12), index=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school_class: Mapped[SchoolClass] = relationship()

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.expires_at
