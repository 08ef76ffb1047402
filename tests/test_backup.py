"""flask backup / restore on a live SQLite database."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import School


def _sqlite(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("backup/restore is for SQLite; PostgreSQL uses pg_dump")


def test_backup_then_restore_brings_the_data_back(app, world, tmp_path):
    _sqlite(app)
    runner = app.test_cli_runner()
    target = tmp_path / "backups" / "school.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0 and "integrity check ok" in result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM schools").fetchone()[0] == 2
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output
    with app.app_context():
        db.session.add(School(name="Added after the backup", slug="later"))
        db.session.commit()
    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        db.session.remove()
        assert db.session.execute(select(func.count(School.id))).scalar_one() == 2


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    _sqlite(app)
    junk = tmp_path / "junk.sqlite"
    with sqlite3.connect(junk) as con:
        con.execute("CREATE TABLE x (a)")
    result = app.test_cli_runner().invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0 and "not a backup" in result.output


def test_postgres_is_pointed_to_pg_dump():
    from quizapp.services.backup import BackupError, sqlite_path

    with pytest.raises(BackupError, match="pg_dump"):
        sqlite_path("postgresql+psycopg://postgres@127.0.0.1/test")


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}
