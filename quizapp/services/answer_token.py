"""A signed token on every question page that says whose answers it takes.

Answers must never be lost: a pupil may leave a quiz open for two hours
(past the idle sign-out and a page's CSRF token) or lose the network and
send answers later. The answer endpoint therefore accepts an answer when the
page's token is valid, even if the session has ended. The token is bound to
one pupil and signed with the app's secret, so it also does the job of a
CSRF token for that endpoint.

"One pupil" means the pupil's random answer key as well as their id: the
answer INSERT checks both, so a token can never name another child who was
given the same id (pupil ids are never reused either, migration 0009).
Tokens made before the answer key existed (no "k") are still honoured, for
their 12 hours, for a pupil whose row is older than the token, so that
answers queued on a tablet before the upgrade are not lost.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "quizapp.answer-token"
MAX_AGE_SECONDS = 12 * 3600  # a school day and then some


NO_KEY = ""  # what an old token's missing key is checked as: no pupil has it
NOT_OLD = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class TokenData:
    pupil_id: int
    school_id: int
    key: str = NO_KEY
    # Only for a token without a key: its pupil's row must be older than this.
    created_before: datetime = NOT_OLD


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make(pupil_id: int, school_id: int, key: str) -> str:
    return _serializer().dumps({"p": pupil_id, "s": school_id, "k": key})


def read(token: str | None) -> TokenData | None:
    if not isinstance(token, str) or not token or len(token) > 500:
        return None
    try:
        data, issued = _serializer().loads(token, max_age=MAX_AGE_SECONDS, return_timestamp=True)
    except BadSignature:  # includes SignatureExpired
        return None
    try:
        pupil_id, school_id = int(data["p"]), int(data["s"])
        if "k" not in data:  # made before answer keys: the pupil must be older than the token
            return TokenData(pupil_id, school_id, created_before=issued + timedelta(seconds=1))
        if not isinstance(data["k"], str) or not data["k"]:
            return None
        return TokenData(pupil_id, school_id, data["k"])
    except (KeyError, TypeError, ValueError):
        return None
