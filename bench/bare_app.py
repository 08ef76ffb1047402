"""The "ceiling" for answer submissions: bare Flask + Flask-SQLAlchemy with one
endpoint that inserts one row and commits, nothing else (no sessions, no
login, no CSRF, no rate limiter, no content).

bench/load.py serves it exactly like the app (gunicorn with gunicorn.conf.py,
the same workers, the same kind of database, the same SQLite settings: WAL,
synchronous=NORMAL, busy timeout, BEGIN IMMEDIATE for writes) and drives it
with the same client code, so that the app's answer throughput can be read
as a fraction of what Flask and SQLAlchemy alone can do on this machine.

    DATABASE_URL=... python bench/bare_app.py init-db     # create its one table
    gunicorn -c gunicorn.conf.py --pythonpath bench "bare_app:create_app()"

    POST /insert  {"client_id": "...", "fields": {...}}  ->  {"stored": true}
    GET  /healthz                            ->  {"status": "ok"}
"""
from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from typing import Any

from flask import Flask, has_request_context, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, DateTime, String, event, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


def now_utc() -> datetime:
    return datetime.now(UTC)


class Row(db.Model):
    __tablename__ = "bare_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=10000", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(conn) -> None:
    reading = has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
    conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_connect)
            event.listen(db.engine, "begin", _sqlite_begin)

    @app.post("/insert")
    def insert():
        data = request.get_json(silent=True) or {}
        row = Row(client_id=str(data.get("client_id", ""))[:64], payload=data.get("fields", {}))
        db.session.add(row)
        db.session.commit()
        return jsonify({"stored": True})

    @app.get("/healthz")
    def healthz():
        db.session.execute(text("SELECT 1"))
        return jsonify({"status": "ok"})

    return app


def init_db() -> None:
    app = create_app()
    with app.app_context():
        db.drop_all()
        db.create_all()


if __name__ == "__main__":
    if sys.argv[1:] != ["init-db"]:
        sys.exit("usage: DATABASE_URL=... python bench/bare_app.py init-db")
    init_db()
