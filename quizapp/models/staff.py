"""What a school admin keeps about the school's adults besides their accounts.

`StaffAudit`: every change a school admin makes to a staff account (added,
invited, roles changed, turned off or on): who did it, to whom, what, when.
Shown on the Staff page; never deleted with the account's changes.

`SafeAdult`: the school's "safe grown-ups" that pupils are shown on the
"I'm worried" page and in the getting-help lessons: a name, what they do,
and an optional photo, already checked, stripped of metadata, resized and
re-encoded (services/safe_adults.py), kept here so it is served only to
signed-in people of the same school.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .base import NEVER_REUSED, UTCDateTime, now_utc
from .people import User


class StaffAudit(db.Model):
    __tablename__ = "staff_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Names as they were, so the record reads the same if an account changes.
    actor_name: Mapped[str] = mapped_column(String(80))
    staff_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)


class SafeAdult(db.Model):
    __tablename__ = "safe_adults"
    __table_args__ = (NEVER_REUSED,)  # the id is in photo URLs

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(120))  # what they do: "keeps children safe at our school"
    position: Mapped[int] = mapped_column(default=0)
    photo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))  # WebP, at most 400x400
    photo_version: Mapped[int] = mapped_column(default=0)  # in the URL, so a new photo is not cached as the old
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    creator: Mapped[User | None] = relationship()

    @property
    def has_photo(self) -> bool:
        return self.photo_version > 0
