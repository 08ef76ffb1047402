"""Class sign-in on shared tablets, and pupils' picture PINs.

A teacher opens sign-in for a class. A tablet joins it either because the
teacher hands their signed-in tablet over, or by typing the short class code.
Pupils then tap their name and their picture PIN. Wrong PINs lock only that
pupil's picture sign-in for a few minutes; the teacher can reset the PIN.
"""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from .. import oplog
from ..extensions import db
from ..models import PIN_LENGTH, ClassSignIn, Pupil, SchoolClass, User, now_utc

# The pictures on the PIN grid, in grid order (static/pins/<name>.svg).
PIN_PICTURES = ("cat", "dog", "sun", "star", "apple", "fish", "tree", "car", "ball")
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"  # no look-alikes such as 0/O, 1/I/L, 2/Z, 5/S, 8/B
CODE_LENGTH = 6


def random_pin() -> str:
    return "-".join(secrets.choice(PIN_PICTURES) for _ in range(PIN_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def open_signin(teacher: User, school_class: SchoolClass) -> ClassSignIn:
    """Open (or keep open) picture sign-in for a class."""
    now = now_utc()
    current = current_signin(school_class)
    if current is not None:
        return current
    signin = ClassSignIn(
        school_id=school_class.school_id,
        class_id=school_class.id,
        code=_unused_code(now),
        opened_by_id=teacher.id,
        opened_at=now,
        expires_at=now + timedelta(hours=current_app.config["CLASS_SIGNIN_HOURS"]),
    )
    db.session.add(signin)
    db.session.commit()
    return signin


def _unused_code(now) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if find_open_by_code(code) is None:
            return code


def current_signin(school_class: SchoolClass) -> ClassSignIn | None:
    now = now_utc()
    rows = db.session.execute(
        select(ClassSignIn).where(ClassSignIn.class_id == school_class.id, ClassSignIn.closed_at.is_(None), ClassSignIn.expires_at > now)
    ).scalars()
    return next(iter(rows), None)


def close_signin(signin: ClassSignIn) -> None:
    signin.closed_at = now_utc()
    db.session.commit()


def find_open_by_code(code: str) -> ClassSignIn | None:
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    now = now_utc()
    return db.session.execute(
        select(ClassSignIn).where(ClassSignIn.code == code, ClassSignIn.closed_at.is_(None), ClassSignIn.expires_at > now)
    ).scalar_one_or_none()


def get_open(signin_id: int | None) -> ClassSignIn | None:
    if signin_id is None:
        return None
    signin = db.session.get(ClassSignIn, signin_id)
    if signin is None or not signin.is_open(now_utc()):
        return None
    return signin


def class_list(signin: ClassSignIn) -> list[Pupil]:
    return list(
        db.session.execute(
            select(Pupil)
            .where(Pupil.class_id == signin.class_id, Pupil.school_id == signin.school_id, Pupil.archived_at.is_(None))
            .order_by(Pupil.first_name, Pupil.last_initial)
        ).scalars()
    )


def pupil_in_signin(signin: ClassSignIn, pupil_id: int) -> Pupil | None:
    pupil = db.session.get(Pupil, pupil_id)
    if pupil is None or pupil.class_id != signin.class_id or pupil.school_id != signin.school_id or pupil.archived_at is not None:
        return None
    return pupil


@dataclass
class PinResult:
    ok: bool
    locked: bool = False
    tries_left: int = 0


def is_locked(pupil: Pupil) -> bool:
    return pupil.pin_locked_until is not None and pupil.pin_locked_until > now_utc()


def check_pin(pupil: Pupil, pictures: list[str]) -> PinResult:
    limit = current_app.config["PIN_FAILURES_BEFORE_LOCK"]
    if is_locked(pupil):
        return PinResult(ok=False, locked=True)
    attempt = "-".join(pictures)
    if len(pictures) == PIN_LENGTH and hmac.compare_digest(attempt.encode(), pupil.pin.encode()):
        if pupil.pin_failures:
            pupil.pin_failures = 0
            db.session.commit()
        return PinResult(ok=True)
    # Count the failure with one atomic UPDATE (several tablets, several servers).
    db.session.execute(update(Pupil).where(Pupil.id == pupil.id).values(pin_failures=Pupil.pin_failures + 1))
    failures = db.session.execute(select(Pupil.pin_failures).where(Pupil.id == pupil.id)).scalar_one()
    if failures >= limit:
        until = now_utc() + timedelta(minutes=current_app.config["PIN_LOCK_MINUTES"])
        db.session.execute(update(Pupil).where(Pupil.id == pupil.id).values(pin_failures=0, pin_locked_until=until))
        db.session.commit()
        return PinResult(ok=False, locked=True)
    db.session.commit()
    return PinResult(ok=False, tries_left=limit - failures)


def reset_pin(pupil: Pupil, by=None) -> str:
    """Give a pupil a new picture PIN and unlock their picture sign-in."""
    pupil.pin = random_pin()
    pupil.pin_failures = 0
    pupil.pin_locked_until = None
    db.session.commit()
    oplog.record("pin_reset", by, pupil.school_id, pupil=pupil.id)
    return pupil.pin
