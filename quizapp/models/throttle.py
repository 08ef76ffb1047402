"""Counts of wrong guesses (class codes, picture PINs, link codes, sign-in
attempts for emails with no account), kept in the database so that a limit
holds whatever the number of server processes and servers.

A row counts one key (a hash: an address, a tablet, an email) in one scope
and one fixed window of time (`window`: seconds since 1970 // the window's
length), or, with window 0, a failure count and a lock, the same shape as an
account's own failed_logins / locked_until.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime


class ThrottleCount(db.Model):
    __tablename__ = "throttle_counts"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the key: no address or email kept
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hits: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # deleted by `flask retention` after this
