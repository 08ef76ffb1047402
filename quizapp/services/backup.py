"""Consistent copies of a live SQLite database (PostgreSQL: use pg_dump).

SQLite's online backup API copies the database page by page while the app
keeps serving; readers and writers are not stopped, and the copy is a
consistent snapshot. `restore` copies a backup back the same way, so every
open connection sees the restored data at its next transaction.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


def sqlite_path(database_uri: str) -> Path:
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            "backup and restore work on a SQLite file. For PostgreSQL use pg_dump and pg_restore (see docs/deploy.md)."
        )
    return Path(url.database)


def backup(database_uri: str, target: Path) -> int:
    """Copy the live database to `target`; returns the number of pages copied."""
    source_path = sqlite_path(database_uri)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
        pages = copy.execute("PRAGMA page_count").fetchone()[0]
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
    if check != "ok":
        target.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {check}")
    return pages


def restore(database_uri: str, source: Path) -> None:
    """Put a backup back in place of the live database."""
    live_path = sqlite_path(database_uri)
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    with sqlite3.connect(source) as backup_db:
        if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{source} is damaged: it failed its integrity check")
        tables = {row[0] for row in backup_db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables or "schools" not in tables:
            raise BackupError(f"{source} is not a backup of this app's database")
        with sqlite3.connect(live_path, timeout=30) as live:
            backup_db.backup(live)
