"""A signed token on every question page that says whose answers it takes.

Answers must never be lost: a pupil may leave a quiz open for two hours
(past the idle sign-out and a page's CSRF token) or lose the network and
send answers later. The answer endpoint therefore accepts an answer when the
page's token is valid, even if the session has ended. The token is bound to
one pupil and signed with the app's secret, so it also does the job of a
CSRF token for that endpoint.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "quizapp.answer-token"
MAX_AGE_SECONDS = 12 * 3600  # a school day and then some


@dataclass(frozen=True)
class TokenData:
    pupil_id: int
    school_id: int


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make(pupil_id: int, school_id: int) -> str:
    return _serializer().dumps({"p": pupil_id, "s": school_id})


def read(token: str | None) -> TokenData | None:
    if not isinstance(token, str) or not token or len(token) > 500:
        return None
    try:
        data = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:  # includes SignatureExpired
        return None
    try:
        return TokenData(int(data["p"]), int(data["s"]))
    except (KeyError, TypeError, ValueError):
        return None
