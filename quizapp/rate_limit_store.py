"""A store for the per-view rate limits (rate_limits.py) in the app's own
database: a `limits` storage, registered for the "quizapp-db://" scheme.

Without REDIS_URL the app used to keep these counts in each server process's
memory, so every limit was multiplied by the number of gunicorn workers (and
servers). RATELIMIT_STORAGE_URI "quizapp-db://" keeps them in the
throttle_counts table instead (scope "limiter"), like every other count of
wrong guesses (services/throttle.py): one upsert per counted request. Tests
use "memory://".
"""
from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from limits.storage import Storage
from sqlalchemy import case, delete, literal, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .models import ThrottleCount, UTCDateTime, now_utc

SCOPE = "limiter"


def _where(key: str):
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return ThrottleCount.scope == SCOPE, ThrottleCount.key == digest, ThrottleCount.window == 0


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["quizapp-db"]

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """The count after adding `amount`; a count whose time is up starts again."""
        now = now_utc()
        until = literal(now + timedelta(seconds=expiry), UTCDateTime())
        over = ThrottleCount.expires_at <= literal(now, UTCDateTime())
        insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        statement = insert(ThrottleCount).values(scope=SCOPE, key=digest, window=0, hits=amount,
                                                 expires_at=now + timedelta(seconds=expiry))
        statement = statement.on_conflict_do_update(
            index_elements=["scope", "key", "window"],
            set_={"hits": case((over, amount), else_=ThrottleCount.hits + amount),
                  "expires_at": case((over, until), else_=ThrottleCount.expires_at)},
        ).returning(ThrottleCount.hits)
        hits = db.session.execute(statement).scalar_one()
        db.session.commit()  # the decorated view has not started: nothing of its own is committed
        return hits

    def get(self, key: str) -> int:
        row = db.session.execute(select(ThrottleCount.hits, ThrottleCount.expires_at).where(*_where(key))).first()
        return row.hits if row is not None and row.expires_at > now_utc() else 0

    def get_expiry(self, key: str) -> float:
        until = db.session.execute(select(ThrottleCount.expires_at).where(*_where(key))).scalar()
        return until.timestamp() if until is not None else time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        removed = db.session.execute(delete(ThrottleCount).where(ThrottleCount.scope == SCOPE)).rowcount
        db.session.commit()
        return removed

    def clear(self, key: str) -> None:
        db.session.execute(delete(ThrottleCount).where(*_where(key)))
        db.session.commit()
