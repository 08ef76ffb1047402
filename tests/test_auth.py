"""Adults signing in and out."""
from __future__ import annotations

from sqlalchemy import select

from helpers import PASSWORD, post
from quizapp.extensions import db
from quizapp.models import AuthSession, User

GENERIC = "That email and password do not match an account"


def test_sign_in_goes_to_the_role_home(client, world):
    cases = [
        (world.one.emails["teacher_a"], "/teacher/"),
        (world.one.emails["dsl"], "/safeguarding/"),  # a new concern waits (see test_concern_alerts)
        (world.one.emails["parent"], "/parent/"),
        (world.platform_admin, "/admin/"),
    ]
    for email, home in cases:
        response = post(client, "/signin", {"email": email.upper(), "password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"] == home
        post(client, "/signout", token_from=home)


def test_unknown_email_and_wrong_password_look_the_same(client, world):
    wrong = post(client, "/signin", {"email": world.one.emails["teacher_a"], "password": "not the password"})
    unknown = post(client, "/signin", {"email": "nobody@nowhere.test", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 401
    assert GENERIC in wrong.get_data(as_text=True) and GENERIC in unknown.get_data(as_text=True)


def test_repeated_failures_lock_the_account_whatever_the_ip(app, client, world):
    email = world.one.emails["teacher_a"]
    for i in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"]):
        r = post(client, "/signin", {"email": email, "password": "wrong"}, environ_base={"REMOTE_ADDR": f"10.0.0.{i}"})
        assert r.status_code == 401
    locked = post(client, "/signin", {"email": email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert locked.status_code == 429
    assert "Too many unsuccessful tries" in locked.get_data(as_text=True)
    # A colleague at the same school (same IP) is not affected.
    ok = post(client, "/signin", {"email": world.one.emails["teacher_b"], "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert ok.status_code == 302


def test_unknown_emails_are_throttled_too(app, client, world):
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"]):
        assert post(client, "/signin", {"email": "ghost@nowhere.test", "password": "x"}).status_code == 401
    assert post(client, "/signin", {"email": "ghost@nowhere.test", "password": "x"}).status_code == 429


def test_sign_in_starts_a_new_session_and_sign_out_ends_it(app, client, world):
    client.get("/signin")
    client.set_cookie("quizapp_session", "planted-by-an-attacker")
    post(client, "/signin", {"email": world.one.emails["teacher_a"], "password": PASSWORD})
    stolen = client.get_cookie("quizapp_session").value
    assert stolen != "planted-by-an-attacker"
    assert client.get("/teacher/").status_code == 200
    response = post(client, "/signout", token_from="/teacher/")
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies"'
    assert client.get("/teacher/").status_code == 302
    with app.app_context():
        sessions = db.session.execute(select(AuthSession)).scalars().all()
        assert len(sessions) == 1 and sessions[0].ended_at is not None
    # The cookie from before sign-out no longer works anywhere.
    other = app.test_client()
    other.set_cookie("quizapp_session", stolen)
    assert other.get("/teacher/").status_code == 302


def test_no_remember_me_cookie(client, world):
    response = post(client, "/signin", {"email": world.one.emails["teacher_a"], "password": PASSWORD})
    assert "remember_token" not in response.headers.get("Set-Cookie", "")
    assert client.get_cookie("remember_token") is None


def test_password_is_rehashed_when_the_cost_changes(app, client, world):
    with app.app_context():
        before = db.session.execute(select(User.password_hash).where(User.email == world.one.emails["dsl"])).scalar_one()
    app.config["ARGON2_TIME_COST"] = 2
    try:
        post(client, "/signin", {"email": world.one.emails["dsl"], "password": PASSWORD})
    finally:
        app.config["ARGON2_TIME_COST"] = 1
    with app.app_context():
        after = db.session.execute(select(User.password_hash).where(User.email == world.one.emails["dsl"])).scalar_one()
    assert before != after and after.startswith("$argon2id$") and "t=2" in after


def test_next_stays_on_the_site(client, world):
    for target, expected in [("/teacher/classes/1", "/teacher/classes/1"), ("https://evil.test/x", "/teacher/"),
                             ("//evil.test", "/teacher/"), ("/\\evil.test", "/teacher/")]:
        r = post(client, "/signin", {"email": world.one.emails["teacher_a"], "password": PASSWORD, "next": target})
        assert r.headers["Location"] == expected, target
        post(client, "/signout", token_from="/teacher/")


def test_idle_adults_are_signed_out(app, client, world, monkeypatch):
    import time as real_time

    post(client, "/signin", {"email": world.one.emails["teacher_a"], "password": PASSWORD})
    later = real_time.time() + app.config["ADULT_IDLE_MINUTES"] * 60 + 5
    monkeypatch.setattr("quizapp.services.sessions.time.time", lambda: later)
    response = client.get("/teacher/")
    assert response.status_code == 302 and response.headers["Location"] == "/signin"


def test_sign_in_form_errors_are_friendly(client):
    response = post(client, "/signin", {"email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter your email address." in page and "Enter your password." in page


def test_next_with_control_characters_falls_back_home(client, world):
    r = post(client, "/signin", {"email": world.one.emails["teacher_a"], "password": PASSWORD, "next": "/\r\nSet-Cookie: x=1"})
    assert r.status_code == 302 and r.headers["Location"] == "/teacher/"
