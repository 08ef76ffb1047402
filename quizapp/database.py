"""Database engine set-up: SQLite pragmas and write transactions; busy -> 503.

SQLite: WAL (readers never block the writer), foreign keys on, a busy
timeout, and write transactions that take the write lock up front
(BEGIN IMMEDIATE) so that two server processes updating the same rows wait
for each other instead of failing half-way or losing an update. Requests
that can change data (POST and friends) and CLI commands begin IMMEDIATE;
page views (GET/HEAD) begin a plain deferred read transaction.

If the database stays busy beyond the timeout, the request answers 503 with
Retry-After rather than a 500, so a browser or the quiz player retries.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError

from .errors import render_error
from .extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def _sqlite_pragmas(busy_timeout_ms: int):
    def connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event decide how each transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return connect


_WRITING: ContextVar[bool] = ContextVar("quizapp_write_transaction", default=False)
_READING: ContextVar[bool] = ContextVar("quizapp_reads_first", default=False)


@contextmanager
def reads_first() -> Iterator[None]:
    """Outside a request, begin plain (deferred) transactions, as page views do, so a
    long-running worker that mostly reads (the background counter) takes SQLite's write
    lock only inside write_transaction, never while it looks for work."""
    marker = _READING.set(True)
    try:
        yield
    finally:
        _READING.reset(marker)


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run a block in a write transaction of its own and commit it, even in a
    page view (GET). The request's open transaction is committed first: on
    SQLite a read transaction cannot safely become a write one (another
    writer may have committed since it began), so the block begins afresh
    with BEGIN IMMEDIATE. Objects loaded earlier are reloaded when next used."""
    db.session.commit()
    marker = _WRITING.set(True)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _WRITING.reset(marker)


def _sqlite_begin(conn) -> None:
    reading = _READING.get() or (has_request_context() and request.method in READ_METHODS)
    if reading and not _WRITING.get():
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas(app.config.get("SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS)))
            event.listen(engine, "begin", _sqlite_begin)

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        message = str(error.orig).lower() if error.orig else ""
        if "locked" in message or "busy" in message or "could not serialize" in message:
            db.session.rollback()

            response = app.make_response(render_error(503))
            response.headers["Retry-After"] = "2"
            return response
        raise error


def insert_on_conflict(table):
    """INSERT with ON CONFLICT support (do nothing / do update) on the
    database in use: SQLite and PostgreSQL spell the same statement with
    their own dialect's insert()."""
    if db.engine.dialect.name == "postgresql":
        return postgresql_insert(table)
    return sqlite_insert(table)
