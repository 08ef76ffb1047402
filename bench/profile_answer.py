"""Where does an answer's time go? The answer endpoint and the bare app's insert,
in-process (no gunicorn, no network), one request at a time:

    .venv/bin/python bench/profile_answer.py [--db sqlite|postgres] [--answers 300] [--cprofile]

For each phase of POST /pupil/api/answer (loading the signed-in session, if
anything does: the answer endpoints should not; reading the token and the
content; grading; recording the answer, which is one INSERT that also checks
the pupil; and the rest: Flask, hooks, JSON) it prints the time and SQL statements per answer, then the write
transactions per answer and how long each request held them (on SQLite,
BEGIN IMMEDIATE is the database-wide write lock, so lock time per answer
bounds the answers per second of all workers together: 1000 / ms).
The bare app (bench/bare_app.py) gets the same measurements.

With --cprofile it also prints cProfile's top functions (PROFILE_SORT,
default tottime; PROFILE_FILTER, a regular expression for the file names).
PROFILE_REDIS_URL=redis://127.0.0.1:6379/15 keeps the rate limits in Redis,
as in production.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import uuid
import zlib
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root: quizapp, simulation

from simulation import servers  # noqa: E402
from simulation.pupils import AnswerBook  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TOKEN = re.compile(r'name="answer_token" value="([^"]+)"')


class Meter:
    """Exclusive time and SQL statements per phase; write-transaction time."""

    def __init__(self) -> None:
        self.stack = ["other"]
        self.seconds = defaultdict(float)
        self.queries = defaultdict(int)
        self.writes = 0
        self.write_seconds = 0.0
        self._began = None
        self._mark = time.perf_counter()
        self.sqlite = False

    def _switch(self, label: str | None) -> None:
        now = time.perf_counter()
        self.seconds[self.stack[-1]] += now - self._mark
        self._mark = now
        if label is None:
            self.stack.pop()
        else:
            self.stack.append(label)

    def wrap(self, module, name: str, label: str) -> None:
        original = getattr(module, name)

        def timed(*args, **kwargs):
            self._switch(label)
            try:
                return original(*args, **kwargs)
            finally:
                self._switch(None)

        setattr(module, name, timed)

    def close(self) -> None:
        self._switch("other")
        self.stack.pop()

    def listen(self, engine) -> None:
        from sqlalchemy import event

        self.sqlite = engine.dialect.name == "sqlite"

        @event.listens_for(engine, "before_cursor_execute")
        def _query(conn, cursor, statement, *args):
            self.queries[self.stack[-1]] += 1

        @event.listens_for(engine, "after_cursor_execute")
        def _began(conn, cursor, statement, *args):
            # SQLite: the write lock is held from BEGIN IMMEDIATE; PostgreSQL: from the first write or row lock.
            writes = ("BEGIN IMMEDIATE",) if self.sqlite else ("INSERT", "UPDATE", "DELETE")
            if self._began is None and (statement.startswith(writes) or "FOR UPDATE" in statement):
                self._began = time.perf_counter()

        def _end(conn):
            if self._began is not None:
                self.writes += 1
                self.write_seconds += time.perf_counter() - self._began
                self._began = None

        event.listen(engine, "commit", _end)
        event.listen(engine, "rollback", _end)

    def clear(self) -> None:
        sqlite = self.sqlite
        self.__init__()
        self.sqlite = sqlite


def report(title: str, meter: Meter, n: int, total: float) -> None:
    print(f"{title}: {total / n * 1000:.2f} ms per request, {sum(meter.queries.values()) / n:.1f} SQL statements")
    for label in sorted(meter.seconds, key=lambda k: -meter.seconds[k]):
        print(f"  {label:<26} {meter.seconds[label] / n * 1000:6.2f} ms  {meter.queries[label] / n:4.1f} statements")
    held = meter.write_seconds / n * 1000
    print(f"  write transactions per request: {meter.writes / n:.1f}; held {held:.2f} ms per request"
          + (f" -> at most {1000 / held:.0f} requests/s through the SQLite write lock" if held and meter.sqlite else ""))


@contextmanager
def environment(env: dict[str, str]):
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def profile_app(env: dict[str, str], classes: list[dict], book: AnswerBook, n: int) -> None:
    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.pupil import api
    from quizapp.services import answers, sessions

    with environment(env):
        app = create_app()
    app.config["PREFERRED_URL_SCHEME"] = "http"  # the test client would otherwise speak https
    app.config["SESSION_COOKIE_SECURE"] = False
    school_class = classes[0]
    module_id, questions = book.modules(school_class["year_group"])[0]
    tablets = [_sign_in(app, school_class, pupil, module_id) for pupil in school_class["pupils"]]
    # Every pupil answers every question, a third of them wrong first: mostly first tries,
    # as in a lesson (a first try also updates the dashboards' running tallies).
    plan = [(tablet, q, right) for q in questions for tablet in tablets
            for right in ([False, True] if zlib.crc32(f"{tablet[0]}{q.question_id}".encode()) % 3 == 0 else [True])]

    def one(k: int) -> None:
        (token, client), q, right = plan[k % len(plan)]
        payload = {"module": module_id, "question": q.question_id, "source": "quiz", "client_id": uuid.uuid4().hex,
                   "token": token, "fields": q.right if right else q.wrong}
        response = client.post("/pupil/api/answer", data=json.dumps(payload), content_type="application/json")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]

    meter = Meter()
    meter.wrap(sessions, "load", "session (before_request)")
    meter.wrap(api, "_resolve", "token + content")
    meter.wrap(api, "_grade", "grade")
    meter.wrap(answers, "record_answer", "record_answer")
    with app.app_context():
        meter.listen(db.engine)
    _measure("app POST /pupil/api/answer", meter, one, n)
    with app.app_context():
        db.engine.dispose()


def profile_bare(env: dict[str, str], book: AnswerBook, n: int) -> None:
    import bare_app

    with environment(env):
        app = bare_app.create_app()
    client = app.test_client()
    module_id, questions = book.modules(3)[0]

    def one(k: int) -> None:
        q = questions[k % len(questions)]
        payload = {"module": module_id, "question": q.question_id, "client_id": uuid.uuid4().hex, "fields": q.right}
        assert client.post("/insert", data=json.dumps(payload), content_type="application/json").status_code == 200

    meter = Meter()
    with app.app_context():
        meter.listen(bare_app.db.engine)
    _measure("bare POST /insert", meter, one, n)
    with app.app_context():
        bare_app.db.engine.dispose()


CPROFILE = False  # --cprofile: also print the functions that take the most time
PROFILE_SORT = os.environ.get("PROFILE_SORT", "tottime")
PROFILE_FILTER = os.environ.get("PROFILE_FILTER", "")


def _measure(title: str, meter: Meter, one, n: int) -> None:
    for k in range(20):
        one(k)
    meter.clear()
    profiler = None
    if CPROFILE:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    for k in range(20, 20 + n):
        one(k)
    total = time.perf_counter() - start
    meter.close()
    report(title, meter, n, total)
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats(PROFILE_SORT).print_stats(PROFILE_FILTER, 40)


def _sign_in(app, school_class: dict, pupil: dict, module_id: str):
    """One pupil's tablet signs in; returns (their answer token, the tablet's test client)."""
    client = app.test_client()
    client.post("/tablet", data={"csrf_token": _csrf(client, "/tablet"), "code": school_class["code"]})
    signed_in = client.post(f"/tablet/pupil/{pupil['id']}",
                            data={"csrf_token": _csrf(client, f"/tablet/pupil/{pupil['id']}"), "pin": pupil["pin"]})
    assert signed_in.status_code == 302 and signed_in.location.endswith("/pupil/"), signed_in.status_code
    page = client.get(f"/pupil/modules/{module_id}/quiz/1").get_data(as_text=True)
    return TOKEN.search(page).group(1), client


def _csrf(client, path: str) -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--answers", type=int, default=200,
                        help="answers to time (30 pupils x a module's questions, wrong first now and then)")
    parser.add_argument("--pg-url", default=servers.DEFAULT_PG_URL)
    parser.add_argument("--cprofile", action="store_true", help="also print where the time goes, function by function")
    args = parser.parse_args(argv)
    global CPROFILE
    CPROFILE = args.cprofile
    book = AnswerBook()
    with servers.temp_folder("quizapp-profile-") as folder:
        for name, run in (("app", "app"), ("bare", "bare")):
            with _database(args, folder, name) as url:
                env = servers.app_env(url, redis_url=os.environ.get("PROFILE_REDIS_URL") or None)
                if run == "app":
                    servers.init_app_db(env)
                    out = folder / "classes.json"
                    servers.run_checked([servers.PYTHON, str(servers.BENCH / "seed_classes.py"), "--classes", "1",
                                         "--pupils", "30", "--out", str(out)], env)
                    profile_app(env, json.loads(out.read_text()), book, args.answers)
                else:
                    servers.init_bare_db(env)
                    profile_bare(env, book, args.answers)


@contextmanager
def _database(args, folder: Path, name: str):
    if args.db == "sqlite":
        yield f"sqlite:///{folder / f'{name}.sqlite'}"
    else:
        with servers.postgres_database(args.pg_url, f"quizapp_profile_{name}_{os.getpid()}") as url:
            yield url


if __name__ == "__main__":
    main()
