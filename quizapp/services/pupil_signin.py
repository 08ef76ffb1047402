"""Class sign-in on shared tablets, and pupils' picture PINs.

A teacher opens sign-in for a class. A tablet joins it either because the
teacher hands their signed-in tablet over, or by typing the short class code.
Pupils then tap their name and their picture PIN. Wrong PINs lock only that
pupil's picture sign-in for a few minutes; the teacher can reset the PIN.

Guessing is limited in three ways (docs/architecture.md, "Limits and why"):
  - per pupil: every fifth wrong PIN in a row locks their picture sign-in,
    for longer each time, and the third lock stays until the teacher resets
    the PIN; the class page shows the teacher whose PIN was being guessed;
  - per tablet (its device cookie) and per network address, across pupils
    and across class codes, counted in the database (services/throttle.py);
  - class codes: 23^6 (about 148 million) codes, wrong codes counted per
    tablet and per address, sized so that one class's typos leave room for
    every other class at the same school.
"""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, g, request
from sqlalchemy import select, update

from .. import oplog
from ..extensions import db
from ..models import PIN_LENGTH, ClassSignIn, Pupil, SchoolClass, User, now_utc
from . import throttle

# The pictures on the PIN grid, in grid order (static/pins/<name>.svg).
PIN_PICTURES = ("cat", "dog", "sun", "star", "apple", "fish", "tree", "car", "ball")
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"  # no look-alikes such as 0/O, 1/I/L, 2/Z, 5/S, 8/B
CODE_LENGTH = 6

# Wrong class codes. A tablet that mistypes five times waits ten minutes (the
# teacher can hand it over instead). A school shares one address: 30 tablets
# can make at most 150 wrong codes in a window, so 200 leaves room for
# another class signing in at the same time; the day's cap keeps a script at
# one address to 400 guesses a day among 148 million codes.
CODE_DEVICE_RULES = (("5 per 10 minutes", "class-code-device"),)
CODE_ADDRESS_RULES = (("200 per 10 minutes", "class-code-ip"), ("400 per day", "class-code-ip-day"))
# Wrong picture PINs, across pupils: a tablet that several children share
# mistypes a few times; a school's many tablets more. (Each pupil's own lock
# is counted on their row: PIN_FAILURES_BEFORE_LOCK in config.py.)
PIN_DEVICE_RULES = (("10 per 10 minutes", "pin-device"),)
PIN_ADDRESS_RULES = (("100 per 10 minutes", "pin-ip"), ("400 per day", "pin-ip-day"))

DEVICE_COOKIE = "quizapp_device"
DEVICE_COOKIE_DAYS = 365


def device_id() -> str:
    """This tablet's random id, from its device cookie (made if it has none:
    remember_device puts it on the response)."""
    value = request.cookies.get(DEVICE_COOKIE, "")
    if len(value) == 22 and all(ch.isalnum() or ch in "-_" for ch in value):
        return value
    if "new_device" not in g:
        g.new_device = secrets.token_urlsafe(16)
    return g.new_device


def remember_device(response):
    """after_request: give a tablet that had no device cookie the one it was counted under."""
    if "new_device" in g:
        response.set_cookie(DEVICE_COOKIE, g.new_device, max_age=DEVICE_COOKIE_DAYS * 86400, httponly=True,
                            samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def _keys(device_rules, address_rules, address: str) -> list[tuple[str, str, str]]:
    device = device_id()
    return [(rule, scope, device) for rule, scope in device_rules] + [(rule, scope, address) for rule, scope in address_rules]


def guessing_blocked(kind: str, address: str) -> bool:
    """Whether this tablet or this address has used up its wrong "code" or "pin" tries."""
    return any(throttle.blocked(rule, scope, key) for rule, scope, key in _guess_keys(kind, address))


def count_wrong_guess(kind: str, address: str) -> None:
    for rule, scope, key in _guess_keys(kind, address):
        throttle.record(rule, scope, key)


def _guess_keys(kind: str, address: str):
    if kind == "code":
        return _keys(CODE_DEVICE_RULES, CODE_ADDRESS_RULES, address)
    return _keys(PIN_DEVICE_RULES, PIN_ADDRESS_RULES, address)


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


def current_signins(classes) -> dict[int, ClassSignIn | None]:
    """class id -> its open class sign-in, or None, for many classes in one query."""
    ids = [c.id for c in classes]
    found: dict[int, ClassSignIn | None] = dict.fromkeys(ids)
    if ids:
        for row in db.session.execute(
            select(ClassSignIn).where(ClassSignIn.class_id.in_(ids), ClassSignIn.closed_at.is_(None), ClassSignIn.expires_at > now_utc())
        ).scalars():
            found[row.class_id] = found[row.class_id] or row
    return found


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
    throttled: bool = False  # this tablet or address has had too many wrong PINs


def _locks_before_reset() -> int:
    return len(current_app.config["PIN_LOCK_MINUTES_EACH_TIME"]) + 1


def needs_reset(pupil: Pupil) -> bool:
    """Locked until the teacher resets the PIN: wrong again after every timed lock."""
    cfg = current_app.config
    return pupil.pin_failures >= cfg["PIN_FAILURES_BEFORE_LOCK"] * _locks_before_reset()


def is_locked(pupil: Pupil) -> bool:
    return needs_reset(pupil) or (pupil.pin_locked_until is not None and pupil.pin_locked_until > now_utc())


def check_pin(pupil: Pupil, pictures: list[str], address: str) -> PinResult:
    cfg = current_app.config
    limit = cfg["PIN_FAILURES_BEFORE_LOCK"]
    if is_locked(pupil):
        return PinResult(ok=False, locked=True)
    if guessing_blocked("pin", address):
        return PinResult(ok=False, throttled=True)
    attempt = "-".join(pictures)
    if len(pictures) == PIN_LENGTH and hmac.compare_digest(attempt.encode(), pupil.pin.encode()):
        if pupil.pin_failures:
            pupil.pin_failures = 0  # wrong tries in a row; pin_locks stays for the teacher to see
            db.session.commit()
        return PinResult(ok=True)
    count_wrong_guess("pin", address)
    # Count the failure with one atomic UPDATE (several tablets, several servers).
    db.session.execute(update(Pupil).where(Pupil.id == pupil.id).values(pin_failures=Pupil.pin_failures + 1))
    failures = db.session.execute(select(Pupil.pin_failures).where(Pupil.id == pupil.id)).scalar_one()
    if failures % limit == 0:
        _lock(pupil, failures // limit)
        db.session.commit()
        return PinResult(ok=False, locked=True)
    db.session.commit()
    return PinResult(ok=False, tries_left=limit - failures % limit)


def _lock(pupil: Pupil, nth: int) -> None:
    """The nth lock in a row: longer each time; after the last timed one the
    PIN stays locked until the teacher resets it (needs_reset)."""
    steps = current_app.config["PIN_LOCK_MINUTES_EACH_TIME"]
    now = now_utc()
    until = now + timedelta(minutes=steps[nth - 1]) if nth <= len(steps) else None
    db.session.execute(update(Pupil).where(Pupil.id == pupil.id).values(
        pin_locked_until=until, pin_locks=Pupil.pin_locks + 1, pin_last_locked_at=now))


def reset_pin(pupil: Pupil, by=None) -> str:
    """Give a pupil a new picture PIN and unlock their picture sign-in."""
    pupil.pin = random_pin()
    pupil.pin_failures = 0
    pupil.pin_locked_until = None
    pupil.pin_locks = 0
    pupil.pin_last_locked_at = None
    db.session.commit()
    oplog.record("pin_reset", by, pupil.school_id, pupil=pupil.id)
    return pupil.pin
