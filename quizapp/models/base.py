"""Shared column helpers."""
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

# The largest id the databases hold (PostgreSQL's integer): ids from URLs and
# forms beyond it name nothing, and must not reach a query.
MAX_ID = 2**31 - 1


# Tables whose ids go into a token, a link or a URL. Without AUTOINCREMENT,
# SQLite gives the next row the id of the highest row deleted, so a link or a
# pupil's answer token made for an erased row would name a new one.
# (PostgreSQL's serial ids are never reused anyway.) Migration 0009.
NEVER_REUSED = {"sqlite_autoincrement": True}


def now_utc() -> datetime:
    """The current time, timezone-aware. Used as a column default (called per row)."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value, dialect):
        return as_utc(value)
