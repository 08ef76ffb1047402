"""After a run: were acknowledged answers stored, each exactly once? Is the
SQLite file sound? Was "first try" decided once per pupil and question?

These read the database directly (not through the app), after the servers
have stopped or while they idle.
"""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

from sqlalchemy import create_engine, text


@contextmanager
def connection(url: str):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def stored_answers(url: str) -> Counter:
    """(pupil id, client id) -> how many answer rows hold it."""
    with connection(url) as conn:
        rows = conn.execute(text("SELECT pupil_id, client_id, COUNT(*) FROM answers GROUP BY pupil_id, client_id")).all()
    return Counter({(pupil_id, client_id): n for pupil_id, client_id, n in rows})


def stored_bare_rows(url: str) -> Counter:
    """client id -> how many rows of bench/bare_app.py's table hold it."""
    with connection(url) as conn:
        rows = conn.execute(text("SELECT client_id, COUNT(*) FROM bare_rows GROUP BY client_id")).all()
    return Counter({client_id: n for client_id, n in rows})


def not_stored_once(acknowledged, stored: Counter) -> list:
    """The acknowledged keys that are missing, or stored more than once."""
    return [key for key in acknowledged if stored.get(key, 0) != 1]


def first_try_problems(url: str) -> list[tuple[int, str, int]]:
    """(pupil, question, first tries) wherever a pupil's answers to a question do not have exactly one first try."""
    with connection(url) as conn:
        rows = conn.execute(text(
            "SELECT pupil_id, question_id, SUM(CASE WHEN first_try THEN 1 ELSE 0 END) FROM answers "
            "GROUP BY pupil_id, question_id")).all()
    return [(p, q, int(n)) for p, q, n in rows if int(n) != 1]


def sqlite_integrity(url: str) -> str:
    with connection(url) as conn:
        return ", ".join(row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check").all())
