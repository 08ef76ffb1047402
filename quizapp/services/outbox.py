"""The outbox: emails written with the change that causes them, sent later.

`enqueue` adds a row to the caller's transaction (it does not commit), so
an alert exists exactly when its concern does. `send_due` is run by
`flask --app quizapp outbox send` (once, e.g. from cron) and in a loop by
`outbox worker`:

1. Claim a few due rows with a lease (`claim_token`, `claimed_until`) and
   commit the claim. PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED, so
   workers never wait for each other. SQLite: a conditional UPDATE that
   only succeeds for a row nobody else holds (writes are serialised anyway).
2. Send each one outside any transaction.
3. Mark it sent, only if the claim is still ours; or, when sending failed,
   release it with a back-off (1, 2, 4 ... minutes, at most an hour) so it is
   tried again. After MAX_AGE it is marked failed and logged as an error.

Two workers therefore never send the same row: only the lease holder sends
it. (A worker killed between sending and marking leaves the row to be sent
again after the lease: at least once, never lost.)
"""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app, g
from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import OutboxMessage, now_utc
from . import mail

log = logging.getLogger("quizapp.outbox")
LEASE = timedelta(minutes=5)  # longer than a send can take (mail.TIMEOUT_SECONDS per step)
BATCH = 20
MAX_BACKOFF = timedelta(hours=1)
MAX_AGE = timedelta(days=3)
# Kinds whose content is written when sent: kind -> "module:function(to_addr)".
LATE_KINDS = {"password-reset": ".password_reset:compose", "staff-invite": ".staff:compose_invite"}


def enqueue(to: str, subject: str, body: str, kind: str) -> OutboxMessage:
    """Add an email to the current transaction; the caller commits."""
    message = OutboxMessage(kind=kind, to_addr=to, subject=subject, body=body, last_error="")
    db.session.add(message)
    if g:
        g.outbox_written = True
    return message


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _due(now: datetime):
    return (OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None), OutboxMessage.send_after <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))


def claim(limit: int = BATCH, now: datetime | None = None) -> tuple[str, list[int]]:
    """Claim up to `limit` due messages for this worker; commits the claim."""
    now = now or now_utc()
    token = secrets.token_hex(16)
    values = {"claim_token": token, "claimed_until": now + LEASE}
    query = select(OutboxMessage.id).where(*_due(now)).order_by(OutboxMessage.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(db.session.execute(query.with_for_update(skip_locked=True)).scalars())
        if ids:
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**values))
    else:
        ids = []
        for candidate in db.session.execute(query).scalars().all():
            won = db.session.execute(update(OutboxMessage).where(OutboxMessage.id == candidate, *_due(now)).values(**values))
            if won.rowcount == 1:
                ids.append(candidate)
    db.session.commit()
    return token, ids


def _finish(message_id: int, token: str, **values) -> None:
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
                       .values(claim_token=None, claimed_until=None, **values))
    db.session.commit()


def _compose(row: OutboxMessage) -> tuple[str, str] | None:
    """The subject and body to send. Most messages are stored whole. A
    message carrying a single-use link is written at send time, so the link
    is never stored (only its hash) and asking for it does the same work
    whether or not the address has an account: None means nothing to send."""
    if row.kind in LATE_KINDS:
        from importlib import import_module

        module_name, function = LATE_KINDS[row.kind].split(":")
        return getattr(import_module(module_name, __package__), function)(row.to_addr)
    return row.subject, row.body


def send_claimed(token: str, ids: list[int]) -> tuple[int, int]:
    """Send the claimed messages; returns (sent, failed)."""
    config = current_app.config
    sent = failed = 0
    for message_id in ids:
        row = db.session.get(OutboxMessage, message_id)
        attempts, created = row.attempts + 1, row.created_at
        content = _compose(row)
        if content is None:
            _finish(message_id, token, attempts=attempts, sent_at=now_utc(), last_error="nothing to send: no active account")
            continue
        message = mail.build(config["MAIL_FROM"], row.to_addr, content[0], content[1],
                             message_id=f"<outbox-{row.id}.{created:%Y%m%d%H%M%S}@staysafe.invalid>")
        db.session.commit()  # (with any new link); no transaction stays open while we talk to the mail server
        try:
            mail.send(config["SMTP_URL"], message)
        except Exception as exc:  # noqa: BLE001 - any failure: keep the message and try again later
            failed += 1
            now = now_utc()
            gave_up = now - created > MAX_AGE
            log.log(logging.ERROR if gave_up else logging.WARNING, "outbox %s: send failed (try %s): %s",
                    message_id, attempts, exc)
            _finish(message_id, token, attempts=attempts, last_error=str(exc)[:300], send_after=now + backoff(attempts),
                    failed_at=now if gave_up else None)
        else:
            sent += 1
            _finish(message_id, token, attempts=attempts, sent_at=now_utc(), last_error="")
    return sent, failed


def send_due(limit: int = BATCH) -> tuple[int, int]:
    """Send every message that is due, batch by batch; returns (sent, failed)."""
    sent = failed = 0
    while True:
        token, ids = claim(limit)
        if not ids:
            return sent, failed
        s, f = send_claimed(token, ids)
        sent, failed = sent + s, failed + f
        if f:  # the server is struggling: leave the rest for the next run
            return sent, failed


SENT_KEPT_DAYS = 30


def prune(dry_run: bool = False) -> int:
    """Delete emails sent (or given up on) more than SENT_KEPT_DAYS ago, and
    single-use links that ended that long ago (`flask retention`)."""
    from sqlalchemy import delete, func

    from ..models import UserToken

    cutoff = now_utc() - timedelta(days=SENT_KEPT_DAYS)
    old_mail = (or_(OutboxMessage.sent_at < cutoff, OutboxMessage.failed_at < cutoff),)
    old_tokens = (UserToken.expires_at < cutoff,)
    if dry_run:
        count = db.session.execute(select(func.count(OutboxMessage.id)).where(*old_mail)).scalar_one()
        return count + db.session.execute(select(func.count(UserToken.id)).where(*old_tokens)).scalar_one()
    count = db.session.execute(delete(OutboxMessage).where(*old_mail)).rowcount
    count += db.session.execute(delete(UserToken).where(*old_tokens)).rowcount
    db.session.commit()
    return count


def waiting() -> int:
    from sqlalchemy import func

    return db.session.execute(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))).scalar_one()


def init_app(app: Flask) -> None:
    """Development (`make run`, no SMTP_URL, no worker): write a request's
    emails to the log as soon as the request is done, so they show in the
    terminal. With SMTP_URL set, the outbox worker or cron sends them."""

    @app.after_request
    def _log_emails_now(response):
        cfg = current_app.config
        if g.get("outbox_written") and not cfg["SMTP_URL"] and not cfg.get("TESTING") and not cfg.get("PRODUCTION"):
            try:
                send_due()
            except Exception:  # noqa: BLE001 - the worker will try again; the page must not fail
                log.exception("could not write the outbox to the log")
        return response
