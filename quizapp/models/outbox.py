"""Email waiting to be sent, and single-use links sent by email.

`OutboxMessage`: every email the app sends is first a row here, written in
the same transaction as the change that causes it (a concern, a password
reset request), so a message exists exactly when its cause does. The
outbox worker (services/outbox.py) claims rows with a lease, sends them and
marks them sent; a failed send waits and is tried again later, so nothing
is lost while the mail server is down.

`UserToken`: a single-use link for one adult (a password reset now; an
invitation to set a first password later: a new `purpose`, a longer
`expires_at`). Only a hash of the token is stored; using it sets `used_at`
with one conditional UPDATE, so a link works once even if clicked twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, now_utc
from .people import User


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "sent_at", "failed_at", "send_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # concern-alert, concern-reminder, password-reset ...
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # Not tried before this time (back-off after a failure).
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    attempts: Mapped[int] = mapped_column(default=0)
    # A worker's claim: until `claimed_until` no other worker takes the row.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # given up on (logged as an error)
    last_error: Mapped[str] = mapped_column(String(300), default="")


RESET, INVITE = "reset", "invite"


class UserToken(db.Model):
    __tablename__ = "user_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
