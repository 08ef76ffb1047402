"""The outbox: written with its cause, sent through a real SMTP server on
loopback, kept while the server is down or refusing, sent once by two workers."""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from quizapp.extensions import db
from quizapp.models import OutboxMessage, now_utc
from quizapp.services import mail, outbox


def _queue(n: int = 1, to: str = "dsl@oak.test") -> list[int]:
    rows = [outbox.enqueue(to, f"Subject {i}", f"Body {i}", "test") for i in range(n)]
    db.session.commit()
    return [r.id for r in rows]


def _rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def _make_due() -> None:
    db.session.execute(update(OutboxMessage).values(send_after=now_utc() - timedelta(seconds=1)))
    db.session.commit()


def test_smtp_url_forms():
    plain = mail.parse_smtp_url("smtp://user%40school.org:p%3Ass@mail.example:587")
    assert (plain.tls, plain.host, plain.port, plain.user, plain.password) == (False, "mail.example", 587, "user@school.org", "p:ss")
    tls = mail.parse_smtp_url("smtps://u:p@mail.example")
    assert (tls.tls, tls.port) == (True, 465)
    assert mail.parse_smtp_url("smtp://relay").port == 587
    with pytest.raises(mail.MailConfigError):
        mail.parse_smtp_url("http://mail.example")


def test_a_password_is_never_sent_without_starttls(app, ctx, smtp):
    """The loopback server offers no STARTTLS: with a user name, nothing is sent."""
    message = mail.build("a@b.test", "c@d.test", "Hi", "Body")
    with pytest.raises(mail.MailConfigError):
        mail.send(f"smtp://user:secret@127.0.0.1:{smtp.port}", message)
    assert smtp.inbox.received == []


def test_sends_through_smtp_and_marks_sent(app, ctx, smtp):
    _queue(2)
    assert outbox.send_due() == (2, 0)
    assert smtp.inbox.recipients == ["dsl@oak.test", "dsl@oak.test"]
    first = smtp.inbox.received[0][1]
    assert first["Subject"] == "Subject 0" and first["From"] == "Stay Safe Online <alerts@staysafe.test>"
    assert first.get_content().strip() == "Body 0"
    assert all(r.sent_at is not None and r.attempts == 1 and r.claim_token is None for r in _rows())
    assert outbox.send_due() == (0, 0)  # nothing sent twice
    assert len(smtp.inbox.received) == 2


def test_waits_while_the_server_is_down_and_goes_when_it_returns(app, ctx, smtp):
    smtp.stop()
    _queue()
    assert outbox.send_due() == (0, 1)
    row = _rows()[0]
    assert row.sent_at is None and row.failed_at is None and row.attempts == 1 and row.last_error
    assert row.send_after > now_utc() + timedelta(seconds=30)  # backed off
    assert outbox.send_due() == (0, 0)  # not yet due again
    smtp.start()
    _make_due()
    assert outbox.send_due() == (1, 0)
    assert len(smtp.inbox.received) == 1 and _rows()[0].attempts == 2


def test_a_server_that_refuses_and_then_recovers(app, ctx, smtp):
    smtp.inbox.refuse = 2
    _queue()
    for _ in range(2):
        assert outbox.send_due() == (0, 1)
        assert "451" in _rows()[0].last_error
        _make_due()
    assert outbox.send_due() == (1, 0)
    assert len(smtp.inbox.received) == 1
    row = _rows()[0]
    assert row.attempts == 3 and row.sent_at is not None and row.last_error == ""


def test_backoff_grows_to_an_hour():
    assert [outbox.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert outbox.backoff(30) == timedelta(hours=1)


def test_gives_up_after_three_days_and_says_so(app, ctx, smtp, caplog):
    smtp.stop()
    _queue()
    db.session.execute(update(OutboxMessage).values(created_at=now_utc() - timedelta(days=4)))
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="quizapp.outbox"):
        outbox.send_due()
    assert _rows()[0].failed_at is not None
    assert any(r.levelno == logging.ERROR for r in caplog.records)


def test_without_smtp_url_messages_go_to_the_log(app, ctx, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "SMTP_URL", "")
    _queue()
    with caplog.at_level(logging.INFO, logger="quizapp.mail"):
        assert outbox.send_due() == (1, 0)
    assert "Subject: Subject 0" in caplog.text and "Body 0" in caplog.text


def test_a_claimed_message_is_not_claimed_again_until_its_lease_ends(app, ctx):
    _queue(3)
    token_a, ids_a = outbox.claim()
    token_b, ids_b = outbox.claim()
    assert len(ids_a) == 3 and ids_b == []
    later = now_utc() + outbox.LEASE + timedelta(seconds=1)
    token_c, ids_c = outbox.claim(now=later)  # worker A died: the lease ran out
    assert ids_c == ids_a
    # A's late "sent" mark no longer counts: the claim is C's now.
    outbox._finish(ids_a[0], token_a, sent_at=now_utc())
    assert _rows()[0].sent_at is None


def test_two_workers_send_each_message_once(app, smtp):
    with app.app_context():
        _queue(30)
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            with app.app_context():
                start.wait()
                outbox.send_due(limit=3)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    subjects = sorted(m["Subject"] for _, m in smtp.inbox.received)
    assert subjects == sorted(f"Subject {i}" for i in range(30))  # every one, once
    with app.app_context():
        assert all(r.sent_at is not None for r in _rows())


def test_outbox_send_command(app, smtp):
    with app.app_context():
        _queue(2)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 2 email(s)" in result.output
    assert len(smtp.inbox.received) == 2


def test_outbox_worker_command_runs_until_told(app, smtp):
    with app.app_context():
        _queue(1)
    result = app.test_cli_runner().invoke(args=["outbox", "worker", "--interval", "0", "--runs", "2"])
    assert result.exit_code == 0, result.output
    assert len(smtp.inbox.received) == 1


def test_production_mail_needs_base_url(monkeypatch, base_config):
    """Links in emails come from BASE_URL, never from a request's Host header."""
    from quizapp import create_app
    from quizapp.config import ConfigError

    monkeypatch.setenv("QUIZAPP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    config = {k: v for k, v in base_config.items() if k != "SECRET_KEY"}
    with pytest.raises(ConfigError, match="BASE_URL"):
        create_app({**config, "SMTP_URL": "smtp://relay:25"})
    app = create_app({**config, "SMTP_URL": "smtp://relay:25", "BASE_URL": "https://staysafe.example.org"})
    with app.app_context():
        db.engine.dispose()


def test_in_development_a_requests_emails_go_to_the_log_at_once(app, client, world, monkeypatch, caplog):
    from helpers import post

    monkeypatch.setitem(app.config, "SMTP_URL", "")
    monkeypatch.setitem(app.config, "TESTING", False)
    with caplog.at_level(logging.INFO, logger="quizapp.mail"):
        post(client, "/password/forgot", {"email": world.one.emails["teacher_a"]}, token_from="/password/forgot")
    assert "Subject: Reset your Stay Safe Online password" in caplog.text and "/password/reset/" in caplog.text
    with app.app_context():
        assert all(r.sent_at is not None for r in _rows())


def test_retention_deletes_old_sent_mail_and_ended_links(app, world):
    from quizapp.models import User, UserToken
    from quizapp.services import tokens

    with app.app_context():
        old, recent, waiting = _queue(3)
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == old).values(sent_at=now_utc() - timedelta(days=31)))
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == recent).values(sent_at=now_utc() - timedelta(days=2)))
        user = db.session.execute(select(User).where(User.email == world.one.emails["dsl"])).scalar_one()
        tokens.issue(user, "reset", timedelta(days=-31))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["retention"])
    assert result.exit_code == 0 and "Deleted 2 sent email(s) and ended password link(s)" in result.output, result.output
    with app.app_context():
        assert [r.id for r in _rows()] == [recent, waiting]
        assert db.session.execute(select(UserToken)).first() is None
