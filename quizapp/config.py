"""Configuration, read from environment variables.

QUIZAPP_ENV      "production" turns on the production checks (default "development")
SECRET_KEY       required in production; at least 32 characters, not the development key
DATABASE_URL     SQLAlchemy URL; default an embedded SQLite file in the instance folder
                 (PostgreSQL: postgresql+psycopg://user@host:5432/dbname)
REDIS_URL        if set, the per-view rate limits are kept in Redis (otherwise in the
                 database); wrong guesses are always counted in the database
PUPIL_IDLE_MINUTES  idle pupils are signed out after this long (default 20)
SMTP_URL         outgoing mail server: smtp://user:pass@host:587 (STARTTLS) or
                 smtps://user:pass@host:465 (TLS); unset: emails are written to the log
MAIL_FROM        the From address of the app's emails (default no-reply@localhost)
BASE_URL         the app's public address, for links in emails (required in production
                 when SMTP_URL is set), e.g. https://staysafe.example.org
TRUSTED_PROXIES  how many reverse proxies sit in front of the app (default 0); with
                 1 or more, the client's address comes from X-Forwarded-For, so
                 per-address rate limits count each school, not the proxy
TIME_ZONE        the time zone for pages with no school (default Europe/London); each school sets its own
COUNT_IN_BACKGROUND  "1": staff pages leave counting new answers to the background counter
                 (`flask --app quizapp catch-up --every 10`, docs/deploy.md) unless the oldest
                 uncounted answer is over a minute old (default "0": each staff page counts first)
"""
from __future__ import annotations

import ipaddress
import os

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production


class ConfigError(RuntimeError):
    pass


def from_env(instance_path: str) -> dict:
    env = os.environ
    production = env.get("QUIZAPP_ENV", "development") == "production"
    database_url = env.get("DATABASE_URL") or f"sqlite:///{os.path.join(instance_path, 'quizapp.sqlite')}"
    redis_url = env.get("REDIS_URL")
    return {
        "PRODUCTION": production,
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_NAME": "quizapp_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Every limit holds across processes and servers: in Redis, or else in
        # the database (quizapp/rate_limit_store.py), never in one process's memory.
        "RATELIMIT_STORAGE_URI": redis_url or "quizapp-db://",
        "RATELIMIT_HEADERS_ENABLED": False,
        "COUNT_IN_BACKGROUND": env.get("COUNT_IN_BACKGROUND", "0") == "1",
        "SMTP_URL": env.get("SMTP_URL", ""),
        "MAIL_FROM": env.get("MAIL_FROM", "Stay Safe Online <no-reply@localhost>"),
        "BASE_URL": env.get("BASE_URL", ""),
        "PUPIL_IDLE_MINUTES": int(env.get("PUPIL_IDLE_MINUTES", "20")),
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        "TIME_ZONE": env.get("TIME_ZONE", "Europe/London"),
        "ADULT_IDLE_MINUTES": int(env.get("ADULT_IDLE_MINUTES", "60")),
        "SESSION_MAX_HOURS": 12,
        "CLASS_SIGNIN_HOURS": 8,
        "LOGIN_FAILURES_BEFORE_LOCK": 5,
        "LOGIN_LOCK_MINUTES": 15,
        "PIN_FAILURES_BEFORE_LOCK": 5,
        # Each lock in a row lasts longer; wrong again after the last one, the
        # PIN is locked until the teacher resets it (services/pupil_signin.py).
        "PIN_LOCK_MINUTES_EACH_TIME": (5, 60),
        # argon2id cost; tests lower it. Changing it rehashes at the next sign-in.
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 65536,
        "ARGON2_PARALLELISM": 4,
    }


def check_production(config) -> None:
    """Refuse to start a production server with a guessable secret key."""
    if not config.get("PRODUCTION"):
        return
    if config.get("SMTP_URL") and not config.get("BASE_URL"):
        raise ConfigError(
            "BASE_URL must be set when SMTP_URL is: links in emails are built from it (never from a request's "
            "Host header), for example BASE_URL=https://staysafe.example.org"
        )
    key = config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < 32:
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production, "
            "for example: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )


def is_loopback(host: str) -> bool:
    """Whether a bind address (host, host:port, [v6]:port or unix:path)
    only takes connections from this machine."""
    host = (host or "").strip()
    if host.startswith("unix:"):
        return True
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name, "", "0.0.0.0", fd://...: assume it faces the network


def check_bind(config, hosts: list[str]) -> None:
    """Refuse to listen beyond this machine unless this is production with a
    real secret key: outside production cookies and answer tokens are signed
    with a key anyone can read in the source. Loopback (`make run`) is fine."""
    public = [host for host in hosts if not is_loopback(host)]
    if not public:
        return
    if not config.get("PRODUCTION"):
        raise ConfigError(
            f"Refusing to listen on {', '.join(public)}: outside production the app signs cookies and answer "
            "tokens with a development key. Listen on 127.0.0.1, or set QUIZAPP_ENV=production and a SECRET_KEY."
        )
    if (config.get("SECRET_KEY") or DEV_SECRET_KEY) == DEV_SECRET_KEY:
        raise ConfigError(f"Refusing to listen on {', '.join(public)} with the development SECRET_KEY.")


def check_flask_run(config) -> None:
    """`flask run --host ...`: the same check for the development server.
    The app is built inside the run command, so its --host is known here."""
    import click

    context = click.get_current_context(silent=True)
    if context is not None and context.info_name == "run" and context.params.get("host"):
        check_bind(config, [context.params["host"]])
