"""Many pupils at once against real multi-worker gunicorn servers.

Each test starts its own servers (gunicorn with gunicorn.conf.py, production
settings, a shared generated SECRET_KEY) on its own database: a temporary
SQLite file, or a fresh PostgreSQL database created next to DATABASE_URL's
(the suite's own database is never touched, since its fixtures empty tables
between tests). Pupils sign in through the real pages from many threads and
answer at the same moment, sending some answers twice with the same client id
(at once, from two connections) and racing two different first tries.

Meanwhile each class's teacher keeps reloading the class's dashboards, and
every view counts the school's new answers (catch-up) while answers arrive.

Every acknowledged answer must be stored exactly once, no response may be a
5xx (or any other unexpected status), a double submit is flagged as a
duplicate exactly once, and an SQLite file passes PRAGMA integrity_check.
After `flask catch-up`, each pupil has one first try per question, nothing is
left pending, and progress and the question tallies agree with the answers.

The simulated pupils, servers and checks live in simulation/ and are shared
with bench/load.py.
"""
from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from pathlib import Path

import pytest

from simulation import checks, servers
from simulation.pupils import AnswerBook, SimPupil, Stats, WatchingTeacher, specs_from_seed
from simulation.seed_classes import TEACHER_PASSWORD

pytestmark = pytest.mark.slow

CLASSES = 2
PUPILS_PER_CLASS = 12
QUESTIONS_EACH = 6
DEADLINE_SECONDS = 40  # for the pupils' part of a test; servers and seeding come on top


@pytest.fixture(scope="module")
def book() -> AnswerBook:
    return AnswerBook()


@pytest.fixture
def postgres_url():
    """A database of its own on the PostgreSQL server named by DATABASE_URL, dropped afterwards."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    with servers.postgres_database(base, f"quizapp_concurrency_{os.getpid()}") as url:
        yield url


def _prepare(url: str, folder: Path) -> tuple[dict, list, list[dict]]:
    env = servers.app_env(url)
    servers.init_app_db(env)
    out = folder / "classes.json"
    servers.run_checked([servers.PYTHON, str(servers.ROOT / "simulation" / "seed_classes.py"), "--classes", str(CLASSES),
                         "--pupils", str(PUPILS_PER_CLASS), "--out", str(out)], env)
    classes = json.loads(out.read_text())
    return env, specs_from_seed(classes), classes


def _busy_pupil(pupil: SimPupil, book: AnswerBook, go: threading.Event, answer_port: int | None = None) -> None:
    """Sign in, then answer a module's questions: every other one sent twice at once,
    one sent twice in a row, and one question answered twice at the same moment.

    With answer_port, the pupil signs in on one server and then carries on through
    the other; the second copy of each twin request goes back to the first server."""
    if not go.wait(30) or not pupil.sign_in():
        return
    twin_port = None
    if answer_port is not None:
        twin_port = pupil.browser.port
        pupil.browser = _switch_server(pupil, answer_port)
    module_id, questions = book.modules(pupil.spec.year_group)[pupil.spec.pupil_id % 3]
    if not pupil.open_quiz(module_id):
        return
    deadline = time.monotonic() + DEADLINE_SECONDS
    for n, question in enumerate(questions[:QUESTIONS_EACH]):
        if time.monotonic() > deadline:
            pupil.stats.errors.append(f"pupil {pupil.spec.pupil_id} ran out of time")
            return
        if n == 0:
            pupil.race_first_tries(question, twin_port)
        elif n % 2:
            pupil.double_submit(question, right=True, concurrent=True, other_port=twin_port)
        elif n == 2:
            pupil.double_submit(question, right=False, concurrent=False)
        else:
            pupil.answer(question, right=True)


def _switch_server(pupil: SimPupil, port: int):
    """The same tablet (same cookies) now talks to the other server: it is still signed in there."""
    other = pupil.browser.sibling(port)
    pupil.stats.record("switch", other.get("/pupil/"), {200})
    pupil.browser.close()
    return other


def _crowd(specs, book: AnswerBook, ports: list[int], stats: Stats, classes: list[dict]) -> list[SimPupil]:
    """Every pupil in their own thread, all let go at once; with two servers, each pupil
    signs in on one and answers through the other (their twin requests go back to the first).
    Each class's teacher watches the dashboards meanwhile (on the last server)."""
    go, stop = threading.Event(), threading.Event()
    teachers = [WatchingTeacher(school_class, ports[-1], stats, TEACHER_PASSWORD, timeout=20) for school_class in classes]
    watching = [threading.Thread(target=teacher.watch, args=(stop,), daemon=True) for teacher in teachers]
    for thread in watching:
        thread.start()
    pupils, threads = [], []
    for n, spec in enumerate(specs):
        home = ports[n % len(ports)]
        other = ports[(n + 1) % len(ports)] if len(ports) > 1 else None
        pupil = SimPupil(spec, home, book, stats, random.Random(n), timeout=20)
        pupils.append(pupil)
        threads.append(threading.Thread(target=_busy_pupil, args=(pupil, book, go, other), daemon=True))
    for thread in threads:
        thread.start()
    go.set()
    for thread in threads:
        thread.join(DEADLINE_SECONDS + 30)
    stop.set()
    for thread in watching:
        thread.join(30)
    for pupil in pupils:
        pupil.close()
    assert not any(t.is_alive() for t in threads), "some pupils were still busy at the deadline"
    assert all(teacher.views >= 2 for teacher in teachers), [teacher.views for teacher in teachers]
    return pupils


def _assert_all_stored_once(url: str, specs, stats: Stats) -> None:
    assert stats.errors == [], stats.errors[:10]
    assert stats.five_hundreds() == 0, stats.statuses
    assert stats.signed_in == len(specs)
    assert stats.double_problems == []
    assert stats.doubles >= len(specs) * (QUESTIONS_EACH // 2)
    stored = checks.stored_answers(url)
    assert checks.not_stored_once(stats.acknowledged, stored) == []
    assert sum(stored.values()) == len(stats.acknowledged), "rows that were never acknowledged"
    # Each race (2 answers), each double (1 row) and each plain answer was acknowledged.
    assert len(stats.acknowledged) == len(specs) * (QUESTIONS_EACH + 1)


def _assert_counted(url: str, env: dict) -> None:
    """What the teachers' catch-ups left, the catch-up command finishes; then every count agrees with the answers."""
    said = servers.run_checked([servers.PYTHON, "-m", "flask", "--app", "quizapp", "catch-up"], env)
    left = int(re.search(r"Counted (\d+) new answer", said).group(1))
    assert left < sum(checks.stored_answers(url).values()), "the teachers' page views counted answers during the run"
    assert checks.first_try_problems(url) == []
    assert checks.counting_problems(url) == []


def _run_on(env: dict, specs, classes, book: AnswerBook, folder: Path, servers_count: int, workers: int) -> Stats:
    """Start the servers (all at once), let the crowd loose, always stop them."""
    started = []
    try:
        for n in range(servers_count):
            started.append(servers.launch_gunicorn(f"app{n}", servers.APP_SPEC, env, workers, folder))
        for server in started:
            servers.wait_ready(server, seconds=60)
        stats = Stats()
        _crowd(specs, book, [server.port for server in started], stats, classes)
        return stats
    finally:
        for server in started:
            servers.stop(server)


def test_many_pupils_at_once_on_sqlite(tmp_path, book):
    url = servers.sqlite_url(tmp_path)
    env, specs, classes = _prepare(url, tmp_path)
    stats = _run_on(env, specs, classes, book, tmp_path, servers_count=1, workers=3)
    _assert_all_stored_once(url, specs, stats)
    _assert_counted(url, env)
    assert checks.sqlite_integrity(url) == "ok"


def test_many_pupils_at_once_on_postgresql(tmp_path, book, postgres_url):
    env, specs, classes = _prepare(postgres_url, tmp_path)
    stats = _run_on(env, specs, classes, book, tmp_path, servers_count=1, workers=3)
    _assert_all_stored_once(postgres_url, specs, stats)
    _assert_counted(postgres_url, env)


def test_two_servers_on_one_postgresql_database(tmp_path, book, postgres_url):
    """Sessions are cookies plus database rows and the secret key is shared, so a pupil
    signed in on one server carries on through the other, and a double submit that
    reaches both servers at once is still stored once."""
    env, specs, classes = _prepare(postgres_url, tmp_path)
    stats = _run_on(env, specs, classes, book, tmp_path, servers_count=2, workers=2)
    _assert_all_stored_once(postgres_url, specs, stats)
    _assert_counted(postgres_url, env)
    assert len(stats.latencies["switch"]) == len(specs), "every pupil went on through the other server"


# ------------------------------------------------------ limits with many workers

SCHOOL_ADDRESS = "203.0.113.7"  # the address the harness's proxy header gives the school


def _device(port: int):
    from simulation.webclient import Browser

    return Browser("127.0.0.1", port, timeout=30, extra_headers={"X-Forwarded-For": SCHOOL_ADDRESS})


def _wrong_codes(port: int, tries: int) -> list[int]:
    """Wrong class codes, each from a fresh device (no cookies): only the address counts."""
    statuses = []
    for _ in range(tries):
        tablet = _device(port)
        statuses.append(tablet.post_form("/tablet", {"code": "ZZZZZZ", "csrf_token": tablet.csrf_from("/tablet")}).status)
        tablet.close()
    return statuses


def _sign_in_answers(port: int, email: str, tries: int) -> list[int]:
    browser = _device(port)
    statuses = [browser.post_form("/signin", {"email": email, "password": "not-the-password",
                                              "csrf_token": browser.csrf_from("/signin")}).status for _ in range(tries)]
    browser.close()
    return statuses


@pytest.mark.parametrize("workers", [1, 3])
def test_limits_are_the_same_with_one_worker_or_several(tmp_path, workers):
    """Wrong guesses are counted in the database, so the class-code limit and the
    sign-in answers for known and unknown emails do not depend on how many
    workers share the requests (in memory, 3 workers let 58 wrong codes through
    a limit of 20, and an unknown email answered 401 nine times)."""
    _check_limits(servers.sqlite_url(tmp_path), tmp_path, workers)


def test_limits_hold_with_several_workers_on_postgresql(tmp_path, postgres_url):
    _check_limits(postgres_url, tmp_path, workers=3)


def _check_limits(url: str, tmp_path: Path, workers: int) -> None:
    from limits import parse

    from quizapp.services.pupil_signin import CODE_ADDRESS_RULES

    env = servers.app_env(url)
    servers.init_app_db(env)
    out = tmp_path / "classes.json"
    servers.run_checked([servers.PYTHON, str(servers.ROOT / "simulation" / "seed_classes.py"), "--classes", "1", "--pupils", "2", "--out", str(out)],
                        env)
    teacher = json.loads(out.read_text())[0]["teacher"]
    budget = parse(CODE_ADDRESS_RULES[0][0]).amount
    with servers.running("limits", servers.APP_SPEC, env, workers, tmp_path) as server:
        assert _wrong_codes(server.port, budget + 3) == [400] * budget + [429] * 3
        known = _sign_in_answers(server.port, teacher, 8)
        unknown = _sign_in_answers(server.port, "nobody@load0.example", 8)
        if workers > 1:
            assert server.worker_boots() >= workers
    assert known == unknown == [401] * 5 + [429] * 3


def test_the_master_compiles_every_template_before_forking(tmp_path):
    """gunicorn.conf.py's when_ready (with preload) compiles the templates once,
    so no worker compiles them on its first requests (and a recycled one
    starts with them compiled): the line is in the log once, before any
    worker boots."""
    templates = sum(1 for _ in (servers.ROOT / "templates").rglob("*.html"))
    env = servers.app_env(servers.sqlite_url(tmp_path))
    servers.init_app_db(env)
    with servers.running("app", servers.APP_SPEC, env, 2, tmp_path) as server:
        log = server.log_text()
    line = f"Compiled {templates} templates before forking the workers"
    assert log.count(line) == 1 and log.index(line) < log.index("Booting worker")


def test_compile_templates_compiles_every_template(app):
    from quizapp import compile_templates

    assert compile_templates(app) == sum(1 for _ in (servers.ROOT / "templates").rglob("*.html"))
    assert len(app.jinja_env.cache) >= compile_templates(app)
