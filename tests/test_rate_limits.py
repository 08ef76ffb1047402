"""quizapp/rate_limits.py: a view's own limit, counted per view and per
address in a store every server process shares, and nothing on requests to
views without one."""
from __future__ import annotations

import inspect

import pytest

from quizapp.rate_limits import rate_limit


def _limited_app(make_app, **config):
    app = make_app(WTF_CSRF_ENABLED=False, **config)

    @app.route("/limited-test", methods=["GET", "POST"])
    @rate_limit("3 per minute")
    def limited():
        return "ok"

    @app.post("/other-test")
    @rate_limit("3 per minute")
    def other():
        return "ok"

    return app


def _post(app, path="/limited-test", address="10.0.0.1"):
    return app.test_client().post(path, environ_base={"REMOTE_ADDR": address})


def test_a_limit_counts_its_methods_at_its_view_from_one_address(app, make_app):
    limited = _limited_app(make_app)
    client = limited.test_client()
    assert [client.get("/limited-test").status_code for _ in range(5)] == [200] * 5  # GETs are not counted
    assert [_post(limited).status_code for _ in range(3)] == [200] * 3
    refused = _post(limited)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "Too many tries" in refused.get_data(as_text=True)
    assert _post(limited, "/other-test").status_code == 200  # another view has its own count
    assert _post(limited, address="10.0.0.2").status_code == 200  # another school has its own count


def test_server_processes_share_the_count_in_the_database(app, make_app):
    """Two apps on one database are two gunicorn workers: a limit of 3 is 3 in all."""
    one, two = (_limited_app(make_app, RATELIMIT_STORAGE_URI="quizapp-db://") for _ in range(2))
    assert [_post(worker).status_code for worker in (one, two, one, two)] == [200, 200, 200, 429]


def test_server_processes_share_the_count_in_redis(app, make_app):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/13"
    try:
        redis.Redis.from_url(url, socket_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379 (CI starts one)")
    one, two = (_limited_app(make_app, RATELIMIT_STORAGE_URI=url) for _ in range(2))
    assert [_post(worker).status_code for worker in (two, one, two, one)] == [200, 200, 200, 429]
    redis.Redis.from_url(url).flushdb()


def test_no_library_hook_runs_on_every_request(app):
    """A request to a view without a limit pays nothing for the limits: every
    before/after/teardown hook is the app's own, CSRF's or Flask-Login's
    (Flask-Limiter added a check and two more hooks to every request)."""
    hooks = [hook for table in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
             for hook in table.get(None, [])]
    owners = {inspect.unwrap(getattr(hook, "func", hook)).__module__.split(".")[0] for hook in hooks}
    assert owners <= {"quizapp", "flask_wtf", "flask_login"}, owners


def test_the_apps_limits_still_hold(app, client):
    from helpers import post

    statuses = [post(client, "/parent/register", {"email": "not an email"}, token_from="/parent/register").status_code
                for _ in range(31)]
    assert 429 not in statuses[:30] and statuses[30] == 429
