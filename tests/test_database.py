"""Database set-up: SQLite pragmas, busy -> 503, migrations that match the models."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from helpers import post
from quizapp.extensions import db


def _sqlite_only(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite-specific")
        return db.engine.url.database


def test_sqlite_runs_in_wal_with_foreign_keys(app):
    _sqlite_only(app)
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_foreign_keys_are_enforced(app):
    from sqlalchemy.exc import IntegrityError

    from quizapp.models import SchoolClass

    with app.app_context():
        db.session.add(SchoolClass(school_id=424242, name="Nowhere", year_group=1))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_busy_database_answers_503_with_retry_after(world, make_app):
    busy_app = make_app(SQLITE_BUSY_TIMEOUT_MS=100)
    path = _sqlite_only(busy_app)
    client = busy_app.test_client()
    token_page = client.get("/signin")  # before the lock: reads are fine
    assert token_page.status_code == 200
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        response = post(client, "/signin", {"email": world.one.emails["teacher_a"], "password": "wrong password"})
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert "a little busy" in response.get_data(as_text=True)


def test_migrations_match_the_models(app):
    """A model change without a migration fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
            diff = compare_metadata(context, db.metadata)
    assert diff == []
