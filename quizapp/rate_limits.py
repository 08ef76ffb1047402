"""Per-view rate limits: `@rate_limit("20 per hour")` on a view counts the
requests made to that view from one address (POSTs, unless `methods` says
otherwise) and answers 429 "Too many tries" (errors.py) once the limit is
used up in the current window.

The arithmetic is the `limits` library's (a fixed window per view and client
address); the counts live in the store RATELIMIT_STORAGE_URI names: Redis
when REDIS_URL is set, otherwise the app's own database
(rate_limit_store.py, "quizapp-db://"), never one process's memory, so a
limit is the same with any number of gunicorn workers. Tests use "memory://".

A request to a view without a limit costs nothing here: no hook runs on every
request. (The first build used Flask-Limiter, whose before-request check runs
on every request even when an app has only per-view limits, about 80 µs a
time; 4.0 removed the `auto_check` setting that turned it off, so avoiding
it took a private name. The seven limits below are all the app had.)

Wrong guesses that must be counted whoever makes them (PINs, class codes,
link codes, passwords) are counted by services/throttle.py instead; the
"Limits and why" table in docs/architecture.md lists every limit.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from flask import Flask, abort, current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from . import rate_limit_store  # noqa: F401 (registers the quizapp-db:// store with `limits`)

EXTENSION = "quizapp.rate_limits"


def init_app(app: Flask) -> None:
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions[EXTENSION] = FixedWindowRateLimiter(storage)


def rate_limit(rule: str, methods: Iterable[str] = ("POST",)) -> Callable:
    """A view decorator: at most `rule` (e.g. "20 per hour") requests with one
    of `methods` from one address to this view."""
    item = parse(rule)
    methods = frozenset(methods)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def limited(*args, **kwargs):
            if request.method in methods:
                limiter: FixedWindowRateLimiter = current_app.extensions[EXTENSION]
                if not limiter.hit(item, request.endpoint or "", request.remote_addr or ""):
                    abort(429)
            return view(*args, **kwargs)

        limited.rate_limit = rule
        return limited

    return decorate


def reset(app: Flask) -> None:
    """Forget every count (tests: as if another server process answered)."""
    app.extensions[EXTENSION].storage.reset()
