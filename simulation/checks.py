"""After a run: were acknowledged answers stored, each exactly once? Is the
SQLite file sound? Was "first try" decided once per pupil and question, and
do progress and the tallies agree with the answers (after catch-up)?

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


def counting_problems(url: str) -> list[str]:
    """After catch-up: answers still pending, answers whose module has no
    progress row, and question tallies that differ from the first tries in
    the answers table (per class, year group and question)."""
    with connection(url) as conn:
        problems = [f"{n} answers still pending" for (n,) in conn.execute(
            text("SELECT COUNT(*) FROM answers WHERE pending")).all() if n]
        problems += [f"no progress row for pupil {p} in {m}" for p, m in conn.execute(text(
            "SELECT DISTINCT a.pupil_id, a.module_id FROM answers a LEFT JOIN module_progress mp "
            "ON mp.pupil_id = a.pupil_id AND mp.module_id = a.module_id WHERE mp.id IS NULL")).all()]
        counted = {(c, y, q): (int(t), int(r)) for c, y, q, t, r in conn.execute(text(
            "SELECT p.class_id, p.year_group, a.question_id, COUNT(*), SUM(CASE WHEN a.correct THEN 1 ELSE 0 END) "
            "FROM answers a JOIN pupils p ON p.id = a.pupil_id WHERE a.first_try "
            "GROUP BY p.class_id, p.year_group, a.question_id")).all()}
        tallied = {(c, y, q): (int(t), int(r)) for c, y, q, t, r in conn.execute(text(
            "SELECT class_id, year_group, question_id, tried, right_first_time FROM question_tallies")).all()}
    problems += [f"question tally {key}: {tallied.get(key)} but the answers say {counted.get(key)}"
                 for key in sorted(set(counted) | set(tallied)) if counted.get(key) != tallied.get(key)]
    return problems


def sqlite_integrity(url: str) -> str:
    with connection(url) as conn:
        return ", ".join(row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check").all())
