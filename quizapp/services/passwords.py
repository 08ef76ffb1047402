"""argon2id password hashing with rehash-on-sign-in when the cost changes."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

MIN_PASSWORD_LENGTH = 10


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """Check a password. Returns (ok, new_hash) where new_hash is set when
    the stored hash used older cost parameters and should be replaced."""
    hasher = _hasher()
    try:
        hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    if hasher.check_needs_rehash(stored_hash):
        return True, hasher.hash(password)
    return True, None


def burn_time(password: str) -> None:
    """Spend as long as a real check, so an unknown email answers no faster."""
    _hasher().hash(password)


def password_problem(password: str) -> str | None:
    """A friendly reason a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters. Three random words work well."
    if len(password) > 200:
        return "That password is too long (200 characters at most)."
    if password.lower() in {"password123", "qwertyuiop", "1234567890", "letmein123", "password1234"}:
        return "That password is too easy to guess. Try three random words."
    return None
