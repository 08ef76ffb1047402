"""Password reset by email, for every adult.

Asking for a link answers the same whether or not the email has an
account, and does exactly the same work either way: it writes one outbox
row for the address. The outbox worker writes the email when it sends it
(`compose`): only then is the account looked up and a token made, so the
link itself is never stored, only its hash (and nothing is sent to an
address with no active account). Each address may ask three times an hour;
more requests get the same answer and send nothing. The link works once,
for an hour; using it ends every session of that account.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import RESET, User
from . import outbox, throttle, tokens
from .accounts import normalise_email, reset_password
from .links import external_url

LIFETIME = timedelta(hours=1)
PER_EMAIL_RULE = "3 per hour"
SCOPE = "password-reset"
SUBJECT = "Reset your Stay Safe Online password"
KIND = "password-reset"


def request_reset(email: str) -> None:
    email = normalise_email(email)
    allowed = not throttle.blocked(PER_EMAIL_RULE, SCOPE, email)
    throttle.record(PER_EMAIL_RULE, SCOPE, email)
    if allowed:
        outbox.enqueue(email, SUBJECT, "", KIND)  # written when sent: see compose
        db.session.commit()


def compose(email: str) -> tuple[str, str] | None:
    """At send time: a new link for the account (in the caller's transaction), or None."""
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None or not user.active:
        return None
    token = tokens.issue(user, RESET, LIFETIME)
    return SUBJECT, (
        f"Hello {user.name},\n\n"
        "Someone (we hope you) asked to reset your Stay Safe Online password. "
        "Open this link within an hour to choose a new one:\n\n"
        f"{external_url('auth.reset_password', token=token)}\n\n"
        "The link works once. Choosing a new password signs you out on every other device.\n"
        "If you did not ask, you can ignore this email: your password stays as it is.\n")


def account_for(token: str) -> User | None:
    return tokens.peek(RESET, token)


def reset_with_token(token: str, new_password: str) -> User | None:
    """Set the new password if the link is still good (then it is used up and
    every session of the account ends); None if it is not."""
    user = tokens.consume(RESET, token)
    if user is None:
        db.session.rollback()
        return None
    user.invite_pending = False  # an invited colleague who used "Forgotten your password?" instead
    reset_password(user, new_password)  # commits, with the token used up
    return user
