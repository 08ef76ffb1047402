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


def test_answers_from_before_counting_moved_out_of_the_insert_are_not_counted_again(tmp_path, base_config):
    """Migration 0008: answers stored before it were counted as they arrived, so they are not pending."""
    from flask_migrate import downgrade, upgrade

    from quizapp import create_app
    from quizapp.paths import MIGRATIONS_DIR

    app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}"})
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR, revision="0007")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO schools (id, name, slug, created_at, retention_months) "
                              "VALUES (1, 'Old Primary', 'old', '2026-01-01', 12)"))
            conn.execute(text("INSERT INTO classes (id, school_id, name, year_group, created_at) "
                              "VALUES (1, 1, 'Owls', 1, '2026-01-01')"))
            conn.execute(text("INSERT INTO pupils (id, school_id, class_id, first_name, last_initial, year_group, pin, "
                              "pin_failures, text_size, dyslexia_font, high_contrast, created_at) "
                              "VALUES (1, 1, 1, 'Ana', 'B', 1, 'cat-cat-cat', 0, 'normal', 0, 0, '2026-01-01')"))
            conn.execute(text("INSERT INTO answers (school_id, pupil_id, module_id, question_id, content_version, source, "
                              "response, correct, score, first_try, client_id, created_at) VALUES "
                              "(1, 1, 'passwords-4-7', 'passwords-4-7-q01', 'v', 'quiz', '{}', 1, 1.0, 1, 'old1', '2026-01-02')"))
        upgrade(directory=MIGRATIONS_DIR)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT pending, first_try FROM answers")).all() == [(0, 1)]
        downgrade(directory=MIGRATIONS_DIR, revision="0007")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM answers")).scalar_one() == 1
        db.engine.dispose()
