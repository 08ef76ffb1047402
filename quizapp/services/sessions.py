"""Server-side signed-in sessions (one `AuthSession` row per device)."""
from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update

from ..extensions import db
from ..models import AuthSession, ClassSignIn, Principal, Pupil, User, now_utc

SEEN_KEY = "seen"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(principal: User | Pupil, class_signin: ClassSignIn | None = None) -> None:
    """Sign someone in on this device with a brand-new session.

    The old cookie session is cleared first (no fixation), except the
    tablet's class sign-in marker, which outlives each pupil.
    """
    tablet = session.get("tablet")
    session.clear()
    if tablet is not None and isinstance(principal, Pupil):
        session["tablet"] = tablet
    token = secrets.token_urlsafe(32)
    row = AuthSession(token_hash=token_hash(token), class_signin=class_signin)
    if isinstance(principal, Pupil):
        row.pupil_id = principal.id
    else:
        row.user_id = principal.id
    db.session.add(row)
    db.session.commit()
    principal.auth_token = token
    # Pupils never get a remember-me cookie; adults don't either (shared devices).
    login_user(principal, remember=False)
    session[SEEN_KEY] = int(time.time())


def end(token: str | None) -> None:
    """End this device's session on the server and in the cookie."""
    if token:
        db.session.execute(
            update(AuthSession).where(AuthSession.token_hash == token_hash(token), AuthSession.ended_at.is_(None)).values(ended_at=now_utc())
        )
        db.session.commit()
    logout_user()


def load(token: str) -> Principal | None:
    """Flask-Login's user loader: the principal of a live session, or None."""
    row = db.session.execute(select(AuthSession).where(AuthSession.token_hash == token_hash(token))).scalar_one_or_none()
    if row is None or row.ended_at is not None:
        return None
    now = now_utc()
    if now - row.created_at > timedelta(hours=current_app.config["SESSION_MAX_HOURS"]):
        return None
    if row.pupil_id is not None:
        principal = row.pupil
        if principal is None or principal.archived_at is not None:
            return None
        if row.class_signin is None or not row.class_signin.is_open(now):
            return None  # the teacher closed class sign-in: pupils are signed out
    else:
        principal = row.user
        if principal is None or not principal.active:
            return None
    principal.auth_token = token
    return principal


def cookie_token() -> str | None:
    """This device's session token as the signed cookie holds it, without
    loading the session (Flask-Login keeps it under "_user_id")."""
    token = session.get("_user_id")
    return token if isinstance(token, str) and token else None


def idle_limit_seconds(principal: Principal) -> int:
    minutes = current_app.config["PUPIL_IDLE_MINUTES" if principal.is_pupil else "ADULT_IDLE_MINUTES"]
    return minutes * 60


def touch_or_expire(principal: Principal | None) -> bool:
    """Record activity; return False if the session has been idle too long.

    The last-seen time lives in the signed cookie, so a page view writes
    nothing to the database. With no principal (the answer endpoints, which
    do not load the session) the pupils' limit applies: only pupil pages
    send answers.
    """
    now = int(time.time())
    seen = session.get(SEEN_KEY, 0)
    limit = idle_limit_seconds(principal) if principal is not None else current_app.config["PUPIL_IDLE_MINUTES"] * 60
    if now - seen > limit:
        return False
    if now - seen >= 30:
        session[SEEN_KEY] = now
    return True
