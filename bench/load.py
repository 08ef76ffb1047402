"""Load harness: classes of pupils on tablets against the real app under
gunicorn, then its answer throughput against a bare Flask + SQLAlchemy
"ceiling" app served the same way.

    .venv/bin/python bench/load.py [--seconds 20] [--db sqlite|postgres] [--classes 2] [--pupils 30]
                                   [--workers W] [--threads T] [--think-min S --think-max S]
                                   [--double-rate 0.1] [--ceiling-seconds S] [--concurrency C] [--rounds 4]
                                   [--pg-url URL [--pg-url-in-place]] [--redis-url URL] [--teachers-together] [--seed N] [--keep-logs DIR]

What it does, all on 127.0.0.1:

1. A throw-away database: a temporary SQLite file, or a new PostgreSQL
   database `quizapp_load_<pid>` next to --pg-url's (dropped at the end;
   --pg-url-in-place empties --pg-url's own schema instead). Redis db 15 is
   flushed and holds the rate limits (REDIS_URL).
2. `flask --app quizapp init-db`, then simulation/seed_classes.py: K classes of 30
   pupils with known picture PINs, each class in its own school, class
   sign-in opened by its teacher.
3. The app under gunicorn with gunicorn.conf.py (WEB_CONCURRENCY=W workers,
   its gthread threads), QUIZAPP_ENV=production, a generated SECRET_KEY,
   TRUSTED_PROXIES=1. The harness speaks plain HTTP and keeps the app's
   Secure cookies anyway (see simulation/webclient.py); each school's tablets
   send the school's own X-Forwarded-For address.
4. Classroom phase (--seconds): every pupil signs in during the first 25% of
   the run (class code, name, picture PIN), opens a quiz page for the answer
   token, and answers a question every think-time seconds: --think-min to
   --think-max, by default 5-20 s for runs of 120 s or more (a real class)
   and 0.2-1.0 s for shorter runs, so that a 20-second run still sends
   plenty of answers. 30% of questions are answered wrong first; a share of
   answers (--double-rate) is sent twice with the same client id, half at
   the same moment from two connections, half one after the other. Each
   class's teacher signs in at a random moment of the first 25%, like the
   pupils, and reloads the class's progress and question pages every
   think-min to think-max seconds. (Until December 2026 all the teachers
   signed in within the same few milliseconds and then reloaded in step:
   20 password hashes at once, about 4 s of CPU on a 2-core machine, which
   made the first views of every teacher wait, whatever the views cost;
   --teachers-together still does that.)
   New answers are counted into progress and
   the tallies by `flask catch-up --every 10` beside the app, with
   COUNT_IN_BACKGROUND=1 (docs/deploy.md), so teachers' pages only read;
   --count-on-view makes each view count the school's new answers first
   instead (services/counting.catch_up). "dashboard p95=" is those views.
5. Ceiling phase (--ceiling-seconds in all, per server): C threads
   (--concurrency, default 2 per gunicorn thread) send answers back to back,
   to the app (as the signed-in pupils) and to bench/bare_app.py under
   gunicorn with the same settings and database kind, from the same client
   code. The two are measured in turn, --rounds times each (A B, B A, ...,
   each after a 1 s warm-up), while the other server idles, so that drift in
   the machine's speed falls on both alike.
6. Every acknowledged answer (HTTP 200, stored=true) is looked up in the
   database: each must be there exactly once (likewise the bare app's rows).
   Then `flask --app quizapp catch-up` counts the answers the ceiling phase
   left (its rate is printed), and first tries, progress rows and question
   tallies are checked against the answers; a problem there counts as an error.

The last line reads: ceiling_ratio=<app answers/s / bare inserts/s> errors=<n> lost=<n>
where errors counts every response that is neither 2xx nor an expected
redirect (and transport failures, and double submits not flagged as such),
and lost counts acknowledged answers not stored exactly once. The exit
status is 1 when errors or lost is not 0. It also prints the CPU time the
servers' processes spent per request (from /proc) for both apps: their
ratio is what ceiling_ratio would be if CPU were the only limit.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root: quizapp, simulation

from simulation import checks, servers  # noqa: E402
from simulation.pupils import AnswerBook, Hammered, SimPupil, Stats, WatchingTeacher, hammer, percentile, specs_from_seed  # noqa: E402
from simulation.seed_classes import TEACHER_PASSWORD  # noqa: E402
from simulation.webclient import TRANSPORT_ERRORS, Browser  # noqa: E402

DEFAULT_THREADS = 2  # gunicorn.conf.py's default (GUNICORN_THREADS)


def _default_pg_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else servers.DEFAULT_PG_URL


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Classes of pupils against the real app, and the bare-app ceiling.")
    parser.add_argument("--seconds", type=float, default=20, help="length of the classroom phase (default 20)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--classes", type=int, default=2, help="classes of --pupils pupils, one school each (default 2)")
    parser.add_argument("--pupils", type=int, default=30, help="pupils per class (default 30)")
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count() * 2 + 1,
                        help="gunicorn workers for both servers (default: gunicorn.conf.py's, CPUs x 2 + 1)")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                        help="gthread threads per worker for both servers (default: gunicorn.conf.py's, 2)")
    parser.add_argument("--think-min", type=float, help="seconds between a pupil's answers, at least (default 0.2; 5 when --seconds >= 120)")
    parser.add_argument("--think-max", type=float, help="seconds between a pupil's answers, at most (default 1.0; 20 when --seconds >= 120)")
    parser.add_argument("--double-rate", type=float, default=0.1, help="share of answers sent twice (default 0.1)")
    parser.add_argument("--ceiling-seconds", type=float, help="length of each ceiling measurement (default seconds/2, 5-30)")
    parser.add_argument("--concurrency", type=int, help="client threads in the ceiling phase (default 2 x workers x threads)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="ceiling measurements per server, alternating app and bare (default 4)")
    parser.add_argument("--pg-url", default=_default_pg_url(),
                        help="where PostgreSQL is: DATABASE_URL if it is PostgreSQL, else the local 'test' database "
                             "(that database itself is left alone unless --pg-url-in-place)")
    parser.add_argument("--pg-url-in-place", action="store_true", help="use --pg-url's database itself (its schema is dropped)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15", help="rate-limit store, flushed first ('' for none)")
    parser.add_argument("--count-on-view", action="store_true",
                        help="no background counter: each teacher's page counts new answers first (the old way)")
    parser.add_argument("--teachers-together", action="store_true",
                        help="every teacher signs in at the same moment and reloads every think-max seconds, in step")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep-logs", type=Path, help="copy the gunicorn logs into this folder")
    args = parser.parse_args(argv)
    if args.think_min is None or args.think_max is None:
        default = (5.0, 20.0) if args.seconds >= 120 else (0.2, 1.0)
        args.think_min = default[0] if args.think_min is None else args.think_min
        args.think_max = max(args.think_min, default[1] if args.think_max is None else args.think_max)
    if args.ceiling_seconds is None:
        args.ceiling_seconds = max(5.0, min(30.0, args.seconds / 2))
    if args.concurrency is None:
        args.concurrency = 2 * args.workers * args.threads
    for url in (args.pg_url, args.redis_url):
        if url and not servers.is_loopback_url(url):
            parser.error(f"only 127.0.0.1 may be used: {url}")
    if not 1 <= args.rounds <= 100:
        parser.error("--rounds must be between 1 and 100")
    for name in ("seconds", "ceiling_seconds"):
        if not 1 <= getattr(args, name) <= 3600:
            parser.error(f"--{name.replace('_', '-')} must be between 1 and 3600")
    return args


@contextmanager
def database(args: argparse.Namespace, folder: Path, name: str):
    if args.db == "sqlite":
        yield f"sqlite:///{folder / f'{name}.sqlite'}"
    elif args.pg_url_in_place:
        servers.reset_postgres_schema(args.pg_url)
        yield args.pg_url
    else:
        with servers.postgres_database(args.pg_url, f"quizapp_{name}_{os.getpid()}") as url:
            yield url


def flush_redis(url: str) -> str | None:
    if not url:
        return None
    try:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=3)
        client.flushdb()
        client.close()
        return url
    except Exception as exc:  # noqa: BLE001 - a missing Redis is reported, not fatal
        print(f"note: Redis at {url} unavailable ({exc}); rate limits stay in each worker's memory")
        return None


# ------------------------------------------------------------------ phases


def classroom(args, server: servers.Server, specs, classes: list[dict], book: AnswerBook, stats: Stats) -> list[SimPupil]:
    rng = random.Random(args.seed)
    stop = threading.Event()
    start = time.monotonic() + 0.5
    # Each teacher arrives at a random moment of the first quarter, like their
    # pupils, and reloads after think-min..think-max seconds.
    teachers = [WatchingTeacher(school_class, server.port, stats, TEACHER_PASSWORD) for school_class in classes]
    watching = [threading.Thread(target=teacher.watch, daemon=True,
                                 kwargs={"stop": stop, "start_at": start + rng.uniform(0, 0.25 * args.seconds),
                                         "think": (args.think_min, args.think_max), "rng": random.Random(rng.random())})
                for teacher in teachers]
    if args.teachers_together:  # the harness before December 2026: all at once, then in step
        watching = [threading.Thread(target=teacher.watch, args=(stop, args.think_max), daemon=True) for teacher in teachers]
    for thread in watching:
        thread.start()
    pupils = [SimPupil(spec, server.port, book, stats, random.Random(rng.random())) for spec in specs]
    deadline = start + args.seconds
    threads = []
    for pupil in pupils:
        at = start + rng.uniform(0, 0.25 * args.seconds)
        thread = threading.Thread(target=pupil.lesson, args=(at, deadline, (args.think_min, args.think_max), args.double_rate),
                                  daemon=True)
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join(max(1.0, deadline + 60 - time.monotonic()))
    stop.set()
    for thread in watching:
        thread.join(30)
    return pupils


def print_by_phase(stats: Stats, seconds: float) -> None:
    """Dashboard and page p95 while pupils are still signing in (the first 25%
    of the lesson) and after: where a slow tail comes from."""
    start = min((min(ends) for ends in stats.ended.values() if ends), default=0.0)
    rush_end = start + 0.25 * seconds + 1
    for kind in ("dashboard", "page"):
        pairs = list(zip(stats.ended.get(kind, []), stats.latencies.get(kind, []), strict=True))
        rush = [latency for ended, latency in pairs if ended <= rush_end]
        after = [latency for ended, latency in pairs if ended > rush_end]
        print(f"  {kind} p95 while pupils sign in: {percentile(rush, 0.95) * 1000:.0f}ms (n={len(rush)}); "
              f"after: {percentile(after, 0.95) * 1000:.0f}ms (n={len(after)})")


def keep_timeline(stats: Stats, folder: Path) -> None:
    """timeline.csv in --keep-logs: seconds since the first response, kind, latency in ms."""
    start = min((min(ends) for ends in stats.ended.values() if ends), default=0.0)
    rows = sorted((ended - start, kind, latency * 1000) for kind in stats.ended
                  for ended, latency in zip(stats.ended[kind], stats.latencies[kind], strict=True))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "timeline.csv").write_text("t,kind,ms\n" + "".join(f"{t:.3f},{kind},{ms:.1f}\n" for t, kind, ms in rows))


def app_submitters(pupils: list[SimPupil], book: AnswerBook, threads: int, stats: Stats, rng: random.Random) -> list:
    """One callable per client thread; each thread answers as its own share of the signed-in pupils
    (pupils the lesson left without an answer token, in a very short run, get one first)."""
    ready = [p for p in pupils if p.get_ready()]
    shares = [ready[n::threads] for n in range(min(threads, len(ready)))]

    def make(share: list[SimPupil]):
        turn = iter(range(10**9))

        def submit() -> bool:
            pupil = share[next(turn) % len(share)]
            pupil.stats = stats
            _, questions = rng.choice(book.modules(pupil.spec.year_group))
            response = pupil.answer(rng.choice(questions))
            return response is not None and response.status == 200 and response.json().get("stored") is True
        return submit

    return [make(share) for share in shares]


def bare_submitters(port: int, book: AnswerBook, threads: int, stats: Stats, rng: random.Random) -> tuple[list, list, list]:
    """The same JSON bodies, posted by the same client code, to the bare app's one endpoint."""
    browsers, acknowledged = [], []
    lock = threading.Lock()

    def make(browser: Browser):
        def submit() -> bool:
            module_id, questions = rng.choice(book.modules(rng.randrange(7)))
            question = rng.choice(questions)
            payload = {"module": module_id, "question": question.question_id, "source": "quiz",
                       "client_id": uuid.uuid4().hex, "token": "x" * 120, "fields": question.right}
            try:
                response = browser.post_json("/insert", payload)
            except TRANSPORT_ERRORS as exc:
                stats.failed("bare", "POST /insert", exc)
                return False
            if stats.record("bare", response, {200}) and response.json().get("stored") is True:
                with lock:
                    acknowledged.append(payload["client_id"])
                return True
            return False
        return submit

    for _ in range(threads):
        browsers.append(Browser("127.0.0.1", port, 30, {"X-Forwarded-For": "10.0.0.1"}))
    return [make(b) for b in browsers], browsers, acknowledged


# ------------------------------------------------------------------ runs


@dataclass
class AppRun:
    lesson: Stats
    ceiling: Stats
    hammered: Hammered
    clients: int
    acknowledged: set
    stored: Counter
    lost: list
    first_try_problems: list
    counting_problems: list
    integrity: str
    restarts: int


@dataclass
class BareRun:
    stats: Stats
    hammered: Hammered
    acknowledged: list
    lost: list
    restarts: int


def run_both(args, folder: Path, book: AnswerBook, secret: str, redis_url: str | None) -> tuple[AppRun, BareRun]:
    with database(args, folder, "load") as url, database(args, folder, "bare") as bare_url:
        env = servers.app_env(url, secret, redis_url, COUNT_IN_BACKGROUND="0" if args.count_on_view else "1")
        servers.init_app_db(env)
        seeded = folder / "classes.json"
        servers.run_checked([servers.PYTHON, str(servers.ROOT / "simulation" / "seed_classes.py"), "--classes", str(args.classes),
                             "--pupils", str(args.pupils), "--seed", str(args.seed), "--out", str(seeded)], env)
        classes = json.loads(seeded.read_text())
        specs = specs_from_seed(classes)
        bare_env = servers.app_env(bare_url, secret)
        servers.init_bare_db(bare_env)
        lesson, ceiling, bare_stats = Stats(), Stats(), Stats()
        with servers.running("app", servers.APP_SPEC, env, args.workers, folder, threads=args.threads) as server:
            with background_counter(env, folder, not args.count_on_view):  # the classroom phase only: the ceiling measures inserts
                pupils = classroom(args, server, specs, classes, book, lesson)
            print(f"classroom: {lesson.signed_in}/{len(specs)} pupils signed in; "
                  f"{lesson.answers_ok} answers acknowledged in {args.seconds:g}s "
                  f"= {lesson.answers_ok / args.seconds:.1f} answers/s; {lesson.doubles} double submits")
            for kind in ("answer", "page", "signin", "dashboard"):
                print("  " + lesson.summary(kind))
            dashboards = lesson.latencies.get("dashboard", [])
            print_by_phase(lesson, args.seconds)
            if args.keep_logs:
                keep_timeline(lesson, args.keep_logs)
            print(f"dashboard p95={percentile(dashboards, 0.95) * 1000:.0f}ms over {len(dashboards)} teacher page views "
                  f"({'each counting new answers first' if args.count_on_view else 'counted in the background: catch-up --every 10'})")
            submitters = app_submitters(pupils, book, args.concurrency, ceiling, random.Random(args.seed + 1))
            if not submitters:
                raise SystemExit("no pupil signed in: nothing to measure (see the errors above)")
            with servers.running("bare", servers.BARE_SPEC, bare_env, args.workers, folder, threads=args.threads) as bare:
                bare_submit, browsers, bare_acknowledged = bare_submitters(bare.port, book, len(submitters), bare_stats,
                                                                           random.Random(args.seed + 2))
                ours, theirs = ceilings(args, (submitters, server), (bare_submit, bare))
                for browser in browsers:
                    browser.close()
                bare_restarts = worker_restarts(bare, args.workers)
            _keep_log(args, bare)
            print(f"ceiling, app: {ours.rate:.1f} answers/s with {len(submitters)} clients; {ceiling.summary('answer')}; "
                  f"CPU per answer: server {ours.per_request_ms(ours.server_cpu):.2f}ms, "
                  f"client {ours.per_request_ms(ours.client_cpu):.2f}ms")
            print(f"ceiling, bare: {theirs.rate:.1f} inserts/s with {len(submitters)} clients; {bare_stats.summary('bare')}; "
                  f"CPU per insert: server {theirs.per_request_ms(theirs.server_cpu):.2f}ms, "
                  f"client {theirs.per_request_ms(theirs.client_cpu):.2f}ms")
            for pupil in pupils:
                pupil.close()
            restarts = worker_restarts(server, args.workers)
        _keep_log(args, server)
        stored = checks.stored_answers(url)
        acknowledged = set(lesson.acknowledged) | set(ceiling.acknowledged)
        catch_up(env)
        app = AppRun(lesson, ceiling, ours, len(submitters), acknowledged, stored,
                     checks.not_stored_once(acknowledged, stored), checks.first_try_problems(url),
                     checks.counting_problems(url), checks.sqlite_integrity(url) if args.db == "sqlite" else "n/a",
                     restarts)
        bare_run = BareRun(bare_stats, theirs, bare_acknowledged,
                           checks.not_stored_once(bare_acknowledged, checks.stored_bare_rows(bare_url)), bare_restarts)
        return app, bare_run


@contextmanager
def background_counter(env: dict, folder: Path, wanted: bool):
    """`flask catch-up --every 10` beside the app, as docs/deploy.md runs it with COUNT_IN_BACKGROUND=1."""
    if not wanted:
        yield None
        return
    with open(folder / "catch-up.log", "w") as log:
        process = subprocess.Popen([servers.PYTHON, "-m", "flask", "--app", "quizapp", "catch-up", "--every", "10"],
                                   cwd=servers.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_for_line(folder / "catch-up.log", "Counting new answers every", process)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_line(path: Path, text: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Until the background counter says it has started (loading the content
    takes it a few seconds of CPU; in a school it has been running all day)."""
    deadline = time.monotonic() + timeout
    while text not in path.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the background counter did not start:\n{path.read_text(errors='replace')[-2000:]}")
        time.sleep(0.1)


def catch_up(env: dict) -> None:
    """The answers the ceiling phase left uncounted, counted by the command a cron job would run."""
    started = time.monotonic()
    said = servers.run_checked([servers.PYTHON, "-m", "flask", "--app", "quizapp", "catch-up"], env, timeout=600).strip()
    print(f"catch-up afterwards: {said} ({time.monotonic() - started:.1f}s including the command's start-up)")


def ceilings(args, app: tuple[list, servers.Server], bare: tuple[list, servers.Server]) -> tuple[Hammered, Hammered]:
    """--rounds alternating measurements, app and bare in turn (A B, B A, A B, ...), each
    --ceiling-seconds / rounds long; both servers run throughout and the idle one waits.
    Alternating spreads any drift in the machine's speed over both."""
    seconds = args.ceiling_seconds / args.rounds
    results: dict[str, list[Hammered]] = {"app": [], "bare": []}
    for round_number in range(args.rounds):
        order = ("app", "bare") if round_number % 2 == 0 else ("bare", "app")
        for name in order:
            submitters, server = app if name == "app" else bare
            measured = hammer(submitters, seconds, server_cpu=server.cpu_seconds)
            results[name].append(measured)
        mine, theirs = results["app"][-1], results["bare"][-1]
        print(f"  round {round_number + 1}/{args.rounds} ({' then '.join(order)}): app {mine.rate:.1f}/s, "
              f"bare {theirs.rate:.1f}/s, ratio {mine.rate / theirs.rate if theirs.rate else 0:.2f}")
    return sum(results["app"][1:], results["app"][0]), sum(results["bare"][1:], results["bare"][0])


def worker_restarts(server: servers.Server, workers: int) -> int:
    return max(0, server.worker_boots() - workers)


def report(app: AppRun, bare: BareRun) -> int:
    errors = (app.lesson.errors + app.ceiling.errors + bare.stats.errors + app.lesson.double_problems
              + [f"first try: {p}" for p in app.first_try_problems] + app.counting_problems)
    print(f"app: {len(app.acknowledged)} distinct answers acknowledged, {sum(app.stored.values())} rows stored, "
          f"{len(app.lost)} not stored exactly once; first-try problems: {len(app.first_try_problems)}; "
          f"counting problems: {len(app.counting_problems)}; "
          f"sqlite integrity: {app.integrity}; worker restarts: app {app.restarts}, bare {bare.restarts}")
    print(f"bare: {len(bare.acknowledged)} acknowledged, {len(bare.lost)} not stored exactly once")
    statuses = {**{f"app {k}": v for k, v in (app.lesson.statuses + app.ceiling.statuses).items()},
                **{f"bare {k}": v for k, v in bare.stats.statuses.items()}}
    print("statuses: " + ", ".join(f"{k}={v}" for k, v in sorted(statuses.items(), key=str)))
    for line in errors[:15]:
        print("  error: " + line)
    if len(errors) > 15:
        print(f"  ... and {len(errors) - 15} more errors")
    ours, theirs = app.hammered, bare.hammered
    if ours.total and theirs.total:
        cpu_ratio = theirs.per_request_ms(theirs.server_cpu) / ours.per_request_ms(ours.server_cpu)
        print(f"server CPU per request, bare / app: {cpu_ratio:.2f} (the throughput ratio if CPU were the only limit)")
    ratio = ours.rate / theirs.rate if theirs.rate else 0.0
    lost = len(app.lost) + len(bare.lost)
    print(f"ceiling_ratio={ratio:.2f} errors={len(errors)} lost={lost}")
    return 1 if errors or lost else 0


def run(args: argparse.Namespace, folder: Path) -> int:
    book = AnswerBook()
    redis_url = flush_redis(args.redis_url)
    secret = secrets.token_urlsafe(48)
    print(f"load: db={args.db} classes={args.classes}x{args.pupils} workers={args.workers}x{args.threads} threads "
          f"seconds={args.seconds:g} think={args.think_min:g}-{args.think_max:g}s double_rate={args.double_rate:g} "
          f"ceiling={args.ceiling_seconds:g}s x {args.concurrency} clients")
    app, bare = run_both(args, folder, book, secret, redis_url)
    return report(app, bare)


def _keep_log(args, server: servers.Server) -> None:
    if args.keep_logs:
        args.keep_logs.mkdir(parents=True, exist_ok=True)
        (args.keep_logs / server.log_path.name).write_text(server.log_text())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with servers.temp_folder("quizapp-load-") as folder:
        return run(args, folder)


if __name__ == "__main__":
    sys.exit(main())
