"""Single-use links for adults (models/outbox.UserToken).

`issue` makes a random token, stores only its SHA-256 and returns the token
for the email; an earlier unused token of the same purpose stops working.
`peek` finds a live token's account (to show the form); `consume` uses it
up with a conditional UPDATE, so two clicks cannot both use it.

An invitation to set a first password reuses all of this with
purpose=INVITE and a 72-hour lifetime.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from ..extensions import db
from ..models import User, UserToken, now_utc


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def issue(user: User, purpose: str, lifetime: timedelta, token: str | None = None) -> str:
    """Store a new token for `user` in the caller's transaction; returns the token itself."""
    token = token or new_token()
    now = now_utc()
    db.session.execute(update(UserToken).where(UserToken.user_id == user.id, UserToken.purpose == purpose,
                                               UserToken.used_at.is_(None)).values(used_at=now))
    db.session.add(UserToken(user_id=user.id, purpose=purpose, token_hash=token_hash(token), expires_at=now + lifetime))
    return token


def _live(purpose: str, token: str):
    return (UserToken.token_hash == token_hash(token), UserToken.purpose == purpose, UserToken.used_at.is_(None),
            UserToken.expires_at > now_utc())


def peek(purpose: str, token: str) -> User | None:
    row = db.session.execute(select(UserToken).where(*_live(purpose, token))).scalar_one_or_none()
    if row is None or not row.user.active:
        return None
    return row.user


def consume(purpose: str, token: str) -> User | None:
    """Use the token up (in the caller's transaction); its account, or None if it was not live."""
    user = peek(purpose, token)
    if user is None:
        return None
    used = db.session.execute(update(UserToken).where(*_live(purpose, token)).values(used_at=now_utc()))
    return user if used.rowcount == 1 else None
