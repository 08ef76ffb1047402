"""Password reset by email: one hour, once, the same answer for every
address, throttled, and every other device signed out."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from helpers import PASSWORD, post
from quizapp.extensions import db
from quizapp.models import OutboxMessage, User, UserToken, now_utc
from quizapp.services import outbox

NEW_PASSWORD = "purple otter lantern"
LINK = re.compile(r"https://staysafe.test(/password/reset/[A-Za-z0-9_-]+)")


def _ask(client, email: str):
    return post(client, "/password/forgot", {"email": email}, token_from="/password/forgot")


def _links(app, smtp) -> list[str]:
    """Send what waits in the outbox; every reset link received so far."""
    with app.app_context():
        outbox.send_due()
    return [LINK.search(m.get_content()).group(1) for _, m in smtp.inbox.received]


def test_the_sign_in_page_links_to_it(client):
    html = client.get("/signin").get_data(as_text=True)
    assert 'href="/password/forgot">Forgotten your password?</a>' in html


def test_the_same_answer_whether_or_not_there_is_an_account(app, client, world, smtp):
    known = _ask(client, world.one.emails["teacher_a"])
    unknown = _ask(client, "nobody@oak.test")
    assert known.status_code == unknown.status_code == 200
    page = lambda r, email: r.get_data(as_text=True).replace(email, "EMAIL")  # noqa: E731
    assert page(known, world.one.emails["teacher_a"]) == page(unknown, "nobody@oak.test")
    with app.app_context():  # the same work: one outbox row each, written when sent
        rows = db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        assert [(r.to_addr, r.body) for r in rows] == [(world.one.emails["teacher_a"], ""), ("nobody@oak.test", "")]
    assert len(_links(app, smtp)) == 1
    assert smtp.inbox.recipients == [world.one.emails["teacher_a"]]


def test_the_emailed_link_sets_a_new_password_once_and_signs_out_other_devices(app, client, world, smtp):
    email = world.one.emails["dsl"]
    other_device = app.test_client()
    post(other_device, "/signin", {"email": email, "password": PASSWORD})
    assert other_device.get("/teacher/").status_code == 200

    _ask(client, email.upper())  # any case
    with app.app_context():
        outbox.send_due()
    [(to, message)] = smtp.inbox.received
    assert to == [email] and message["Subject"] == "Reset your Stay Safe Online password"
    path = LINK.search(message.get_content()).group(1)

    assert client.get(path).status_code == 200
    mismatch = post(client, path, {"new": NEW_PASSWORD, "again": "something else"}, token_from=path)
    assert mismatch.status_code == 400  # the link still works after a typo
    done = post(client, path, {"new": NEW_PASSWORD, "again": NEW_PASSWORD}, token_from=path)
    assert done.status_code == 302 and done.headers["Location"] == "/safeguarding/"  # signed in, to the new concern
    assert client.get("/teacher/").status_code == 200
    assert other_device.get("/teacher/").status_code == 302  # signed out there

    assert client.get(path).status_code == 400  # used up
    fresh = app.test_client()
    assert post(fresh, "/signin", {"email": email, "password": NEW_PASSWORD}).status_code == 302
    assert post(app.test_client(), "/signin", {"email": email, "password": PASSWORD}).status_code == 401


def test_only_a_hash_of_the_token_is_stored(app, client, world, smtp):
    _ask(client, world.one.emails["parent"])
    token = _links(app, smtp)[0].rsplit("/", 1)[1]
    with app.app_context():
        row = db.session.execute(select(UserToken)).scalar_one()
        assert row.token_hash != token and token not in row.token_hash and len(row.token_hash) == 64
        assert timedelta(minutes=59) < row.expires_at - row.created_at <= timedelta(hours=1)
        stored = db.session.execute(select(OutboxMessage.subject, OutboxMessage.body)).all()
        assert token not in repr(stored)  # the link itself is stored nowhere


def test_the_link_expires_after_an_hour(app, client, world, smtp):
    _ask(client, world.one.emails["teacher_b"])
    path = _links(app, smtp)[0]
    with app.app_context():
        db.session.execute(update(UserToken).values(expires_at=now_utc() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get(path).status_code == 400
    assert post(client, path, {"new": NEW_PASSWORD, "again": NEW_PASSWORD}, token_from="/signin").status_code == 400


def test_a_newer_link_replaces_the_older_one(app, client, world, smtp):
    for _ in range(2):
        _ask(client, world.one.emails["admin"])
    older, newer = _links(app, smtp)
    assert client.get(older).status_code == 400
    assert client.get(newer).status_code == 200


def test_every_kind_of_adult_can_reset(app, client, world, smtp):
    for email in (world.one.emails["parent"], world.platform_admin, world.one.emails["admin"]):
        _ask(client, email)
    assert len(_links(app, smtp)) == 3


def test_a_turned_off_account_gets_no_email_and_its_link_stops(app, client, world, smtp):
    email = world.one.emails["teacher_a"]
    _ask(client, email)
    path = _links(app, smtp)[0]
    with app.app_context():
        db.session.execute(update(User).where(User.email == email).values(active=False))
        db.session.commit()
    assert client.get(path).status_code == 400
    assert _ask(client, email).status_code == 200
    assert len(_links(app, smtp)) == 1


def test_requests_are_throttled_per_address_with_the_same_answer(app, client, world, smtp):
    email = world.one.emails["teacher_a"]
    answers = {_ask(client, email).status_code for _ in range(5)}
    assert answers == {200}
    assert len(_links(app, smtp)) == 3  # three an hour


def test_requests_are_throttled_per_address_of_the_device(client, world):
    codes = [_ask(client, f"someone{i}@oak.test").status_code for i in range(21)]
    assert codes[:20] == [200] * 20 and codes[20] == 429


def test_a_made_up_link_does_not_work(client, world):
    assert client.get("/password/reset/" + "x" * 43).status_code == 400


def test_pupils_do_not_use_it(client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    assert client.get("/password/forgot").status_code == 403


def test_set_password_stays_for_the_operator(app, world):
    result = app.test_cli_runner().invoke(args=["set-password", world.one.emails["parent"], "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
