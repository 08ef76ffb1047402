"""Counting wrong guesses in the database, so that every limit holds across
server processes and servers (in memory, each gunicorn worker had its own
count: three workers let 58 wrong class codes through a limit of 20).

Used where there is no row of its own to count on: class codes and picture
PINs per address and per tablet, parent link codes, and sign-in attempts for
an email address that has no account. The "Limits and why" table in
docs/architecture.md lists every limit.

Two kinds of count:
  - a rule such as "20 per 10 minutes": wrong guesses in fixed windows of
    time (blocked / record / clear);
  - a lock (failure / locked), the same shape as an account's failed_logins
    and locked_until, so that an email with no account answers exactly as
    one with an account does.
Each is one atomic statement, correct with many writers on both databases.
"""
from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from limits import parse
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import ThrottleCount, now_utc

LOCK_ROW = 0  # the window number of a lock's row
LOCK_ROWS_KEPT = timedelta(days=30)  # a lock row with no failure for this long is deleted


def _digest(key: str) -> str:
    return hashlib.sha256((key or "").encode("utf-8", "surrogatepass")).hexdigest()


def _window(rule) -> tuple[int, int]:
    """The current window's number, and its length in seconds."""
    seconds = rule.get_expiry()
    return int(time.time()) // seconds, seconds


def _where(scope: str, key: str, window: int):
    return (ThrottleCount.scope == scope, ThrottleCount.key == _digest(key), ThrottleCount.window == window)


def _add_one(scope: str, key: str, window: int, expires_at, extra: dict | None = None) -> int:
    """hits + 1 for the row (made if need be), in one statement; the new count."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(ThrottleCount).values(scope=scope, key=_digest(key), window=window, hits=1, expires_at=expires_at)
    statement = statement.on_conflict_do_update(
        index_elements=["scope", "key", "window"],
        set_={"hits": ThrottleCount.hits + 1, "expires_at": expires_at, **(extra or {})},
    ).returning(ThrottleCount.hits)
    return db.session.execute(statement).scalar_one()


def blocked(rule: str, scope: str, key: str) -> bool:
    """True when `key` has used up `rule` (e.g. "5 per 15 minutes") in this window."""
    item = parse(rule)
    window, _ = _window(item)
    hits = db.session.execute(select(ThrottleCount.hits).where(*_where(scope, key, window))).scalar()
    return (hits or 0) >= item.amount


def record(rule: str, scope: str, key: str) -> None:
    item = parse(rule)
    window, seconds = _window(item)
    _add_one(scope, key, window, now_utc() + timedelta(seconds=seconds))
    db.session.commit()


def clear(rule: str, scope: str, key: str) -> None:
    window, _ = _window(parse(rule))
    db.session.execute(delete(ThrottleCount).where(*_where(scope, key, window)))
    db.session.commit()


def locked(scope: str, key: str) -> bool:
    until = db.session.execute(select(ThrottleCount.locked_until).where(*_where(scope, key, LOCK_ROW))).scalar()
    return until is not None and until > now_utc()


def failure(scope: str, key: str, limit: int, lock_minutes: int) -> None:
    """Count one failure; the `limit`th locks for `lock_minutes` and starts the count again."""
    now = now_utc()
    failures = _add_one(scope, key, LOCK_ROW, now + LOCK_ROWS_KEPT)
    if failures >= limit:
        db.session.execute(update(ThrottleCount).where(*_where(scope, key, LOCK_ROW))
                           .values(hits=0, locked_until=now + timedelta(minutes=lock_minutes)))
    db.session.commit()


def prune(now=None, dry_run: bool = False) -> int:
    """Delete counts whose window (or lock row's keeping time) is over; returns how many."""
    old = ThrottleCount.expires_at < (now or now_utc())
    if dry_run:
        return len(db.session.execute(select(ThrottleCount.scope).where(old)).all())
    pruned = db.session.execute(delete(ThrottleCount).where(old)).rowcount
    db.session.commit()
    return pruned
