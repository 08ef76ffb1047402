"""Real servers for the load harness and the concurrency tests: throw-away
databases, gunicorn started with the project's gunicorn.conf.py, and clean
stops.

Every server binds to 127.0.0.1 on a free port, runs in its own process
group (so its workers are stopped with it), and logs to a file.
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
APP_SPEC = "quizapp:create_app()"
BARE_SPEC = "bare_app:create_app()"


def is_loopback_url(url: str) -> bool:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_url: str, secret_key: str | None = None, redis_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a production-like server (see quizapp/config.py).

    TRUSTED_PROXIES=1: the app sits behind one proxy in production; the
    harness sends each school's own address in X-Forwarded-For, so the
    per-address rate limits count schools, as they would for real.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUIZAPP_", "GUNICORN_", "WEB_CONCURRENCY", "REDIS_URL"))}
    env.update(
        QUIZAPP_ENV="production",
        SECRET_KEY=secret_key or secrets.token_urlsafe(48),
        DATABASE_URL=database_url,
        TRUSTED_PROXIES="1",
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def run_checked(args: list[str], env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def init_app_db(env: dict[str, str]) -> None:
    """The app's own migrations: `flask --app quizapp init-db`."""
    run_checked([PYTHON, "-m", "flask", "--app", "quizapp", "init-db"], env)


def init_bare_db(env: dict[str, str]) -> None:
    run_checked([PYTHON, str(BENCH / "bare_app.py"), "init-db"], env)


# ------------------------------------------------------------- databases


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'load.sqlite'}"


def _pg_admin_dsn(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)


def pg_url_for(base_url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


@contextmanager
def postgres_database(base_url: str, name: str):
    """A brand-new PostgreSQL database next to base_url's, dropped afterwards."""
    import psycopg

    if not name.replace("_", "").isalnum() or not is_loopback_url(base_url):
        raise ValueError(f"refusing to create database {name!r} at {base_url}")
    with psycopg.connect(_pg_admin_dsn(base_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_url_for(base_url, name)
    finally:
        with psycopg.connect(_pg_admin_dsn(base_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reset_postgres_schema(url: str) -> None:
    """Empty an existing PostgreSQL database (drop and re-create schema public)."""
    import psycopg
    from sqlalchemy.engine import make_url

    if not is_loopback_url(url):
        raise ValueError(f"refusing to empty a database that is not on 127.0.0.1: {url}")
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


@contextmanager
def temp_folder(prefix: str):
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield Path(folder)


# --------------------------------------------------------------- gunicorn


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log_path: Path
    _log: object = field(repr=False, default=None)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def worker_boots(self) -> int:
        return self.log_text().count("Booting worker")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers, living or exited (Linux /proc)."""
        return group_cpu_seconds(self.process.pid)


def group_cpu_seconds(pgid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        # fields[0] is the state; then ppid, pgrp, ...; utime, stime, cutime, cstime are fields 11-14
        if int(fields[2]) == pgid:
            own = int(fields[11]) + int(fields[12])
            reaped = int(fields[13]) + int(fields[14]) if int(entry) == pgid else 0  # exited workers
            total += own + reaped
    return total / ticks


def start_gunicorn(name: str, spec: str, env: dict[str, str], workers: int, log_dir: Path, threads: int | None = None,
                   ready_path: str = "/healthz", ready_seconds: float = 90) -> Server:
    """gunicorn -c gunicorn.conf.py SPEC, on a free loopback port; returns once ready_path answers 200."""
    server = launch_gunicorn(name, spec, env, workers, log_dir, threads)
    try:
        wait_ready(server, ready_path, ready_seconds)
    except BaseException:
        stop(server)
        raise
    return server


def launch_gunicorn(name: str, spec: str, env: dict[str, str], workers: int, log_dir: Path,
                    threads: int | None = None) -> Server:
    """Start gunicorn without waiting for it (see wait_ready)."""
    port = free_port()
    env = dict(env, BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers))
    if threads is not None:
        env["GUNICORN_THREADS"] = str(threads)
    log_path = log_dir / f"{name}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
    args = [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--chdir", str(ROOT),
            "--pythonpath", str(BENCH), spec]
    try:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    except BaseException:
        log.close()
        raise
    return Server(name, port, process, log_path, log)


def wait_ready(server: Server, path: str = "/healthz", seconds: float = 90) -> None:
    import http.client

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}:\n{server.log_text()[-4000:]}")
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        try:
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} was not ready within {seconds:.0f} s:\n{server.log_text()[-4000:]}")


def stop(server: Server, grace: float = 15) -> None:
    """TERM the gunicorn master (graceful), then KILL its process group if it lingers."""
    process = server.process
    try:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        try:
            os.killpg(process.pid, signal.SIGKILL)  # any worker left behind by the master
        except ProcessLookupError:
            pass
    finally:
        if server._log is not None:
            server._log.close()
            server._log = None


@contextmanager
def running(name: str, spec: str, env: dict[str, str], workers: int, log_dir: Path, **kw):
    server = start_gunicorn(name, spec, env, workers, log_dir, **kw)
    try:
        yield server
    finally:
        stop(server)
