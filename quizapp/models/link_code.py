"""Single-use codes that let a parent or carer link their account to a child.

The school prints one code per pupil on a letter home (services/render/letters.py).
A parent signs up, types the code, and is linked to that child
(services/parent_links.py). Only a keyed SHA-256 of the code is stored, so a
copy of the database cannot be used to link to anyone.

A code stops working when it is used (once), revoked (by staff, or because a
newer letter was issued for the same pupil) or past `expires_at`.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import NEVER_REUSED, UTCDateTime, now_utc
from .people import Pupil


class ParentLinkCode(db.Model):
    __tablename__ = "parent_link_codes"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex HMAC-SHA-256 of the normalised code
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pupil: Mapped[Pupil] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<ParentLinkCode {self.id}>"
