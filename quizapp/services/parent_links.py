"""Linking parents and carers to their children with single-use codes.

Staff issue one code per pupil and print it on a letter home
(services/render/letters.py). A parent signs up and types the code; that
links their account to the child, and the code is spent. Staff can see every
link of their school and remove any of them.

Codes are 8 characters of Crockford's base 32 (no I, L, O or U), printed as
"K7QM-4TXA": 32 ** 8 = 2 ** 40 possible codes. Typing is forgiving: case,
spaces and hyphens do not matter, and O, I and L are read as 0, 1 and 1.
The database holds only an HMAC-SHA-256 of the code keyed with the app's
SECRET_KEY: with 40 bits a plain hash could be reversed by trying every code,
so a stolen database alone gives away nothing. (Changing SECRET_KEY therefore
cancels letters not yet used.) Wrong codes are counted per account and per
IP address, and blocked after a few tries.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import select, update

from ..extensions import db
from ..models import PARENT, ParentLink, Pupil, School, User, now_utc
from ..models.link_code import ParentLinkCode
from . import accounts, throttle

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: 5 bits a character
CODE_LENGTH = 8
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = set(" \t\r\n-\u2010\u2011\u2012\u2013\u2014\u2212")  # spaces and every kind of dash
DAYS_VALID = 30
MAX_DAYS_VALID = 366

# Wrong codes allowed per parent account, and per IP address: more for an
# address, because a parents' evening on the school's wifi shares one.
ACCOUNT_RULE, ACCOUNT_SCOPE = "10 per 15 minutes", "parent-link-account"
IP_RULE, IP_SCOPE = "30 per 15 minutes", "parent-link-ip"

NOT_PARENT = "Only a parent or carer account can be linked to a child."
TOO_MANY = "Too many wrong codes. Please wait 15 minutes and try again, or ask the school office for help."
UNKNOWN = "That code did not work. Please check it against the letter from school and try again."
USED = "That code has already been used. Each code works only once: please ask the school office for a new letter."
REVOKED = ("That code has been cancelled or replaced by the school. If you have a newer letter, please use the code"
           " on it; otherwise please ask the school office.")
EXPIRED = "That code has expired. Please ask the school office for a new letter."


class LinkError(ValueError):
    """A code could not be issued or used; the message can be shown as it is."""


# --- codes -----------------------------------------------------------------

def normalise_code(code: str | None) -> str:
    """What the parent typed, as stored: upper case, no spaces or hyphens, O/I/L read as 0/1/1."""
    text = unicodedata.normalize("NFKC", (code or "")[:64])  # full-width letters from some phone keyboards
    return "".join(ch for ch in text if ch not in _SEPARATORS).upper().translate(_LOOK_ALIKES)


def format_code(code: str) -> str:
    """For reading aloud and typing: "K7QM4TXA" -> "K7QM-4TXA"."""
    return f"{code[:4]}-{code[4:]}"


def code_hash(code: str) -> str:
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"parent-link-code", hashlib.sha256).digest()
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def find_code(code: str | None) -> ParentLinkCode | None:
    """The code's row whatever its state, or None for something that is not one of our codes."""
    normalised = normalise_code(code)
    if len(normalised) != CODE_LENGTH or not set(normalised) <= set(CODE_ALPHABET):
        return None
    return db.session.execute(select(ParentLinkCode).where(ParentLinkCode.code_hash == code_hash(normalised))).scalar_one_or_none()


def last_day(link_code: ParentLinkCode) -> date:
    """The last date the code works on, as printed on the letter."""
    return (link_code.expires_at - timedelta(days=1)).date()


def _expiry(now: datetime, days_valid: int) -> datetime:
    # Midnight UTC after the last day: never earlier than midnight in the UK
    # (an hour later in summer), so a code always works all of its printed last day.
    return datetime.combine(now.date() + timedelta(days=days_valid + 1), time.min, tzinfo=UTC)


def _fresh_codes(count: int) -> list[tuple[str, str]]:
    """`count` new (code, hash) pairs, unlike each other and every code ever issued."""
    chosen: dict[str, str] = {}
    while len(chosen) < count:
        candidates = {}
        for _ in range(count - len(chosen)):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            candidates[code_hash(code)] = code
        taken = set(db.session.execute(select(ParentLinkCode.code_hash).where(ParentLinkCode.code_hash.in_(candidates))).scalars())
        chosen.update((digest, code) for digest, code in candidates.items() if digest not in taken)
    return [(code, digest) for digest, code in chosen.items()]


# --- staff: issuing and revoking ---------------------------------------------

def issue_codes(school: School, pupils: Iterable[Pupil], issued_by: User | None,
                days_valid: int = DAYS_VALID) -> list[tuple[Pupil, str]]:
    """One new code per pupil, for their letters. Earlier unused codes of those pupils stop working.

    Returns (pupil, "K7QM-4TXA") in the order given, once each. The plain
    codes are not kept anywhere: print them now. `issued_by` is a member of
    the school's staff, or None for the command line.
    """
    if issued_by is not None and not (issued_by.is_staff and issued_by.school_id == school.id):
        raise LinkError("Only staff of this school can issue codes for its pupils.")
    if not 1 <= days_valid <= MAX_DAYS_VALID:
        raise LinkError(f"A code can be valid for 1 to {MAX_DAYS_VALID} days.")
    unique = list({pupil.id: pupil for pupil in pupils}.values())
    if any(pupil.school_id != school.id for pupil in unique):
        raise LinkError("Some of these pupils are not in this school.")
    if any(pupil.archived_at is not None for pupil in unique):
        raise LinkError("Some of these pupils have left: codes can only be issued for current pupils.")
    if not unique:
        return []
    now = now_utc()
    _revoke_unused([pupil.id for pupil in unique], now)
    issued = []
    for pupil, (code, digest) in zip(unique, _fresh_codes(len(unique)), strict=True):
        db.session.add(ParentLinkCode(school_id=school.id, pupil_id=pupil.id, code_hash=digest, created_at=now,
                                      expires_at=_expiry(now, days_valid), created_by_id=issued_by.id if issued_by else None))
        issued.append((pupil, format_code(code)))
    db.session.commit()
    return issued


def _revoke_unused(pupil_ids: list[int], now: datetime) -> None:
    db.session.execute(
        update(ParentLinkCode)
        .where(ParentLinkCode.pupil_id.in_(pupil_ids), ParentLinkCode.used_at.is_(None), ParentLinkCode.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def open_codes(school_id: int) -> list[ParentLinkCode]:
    """The school's codes that could still be used: letters sent and not yet answered."""
    return list(db.session.execute(
        select(ParentLinkCode).join(Pupil, ParentLinkCode.pupil_id == Pupil.id)
        .where(ParentLinkCode.school_id == school_id, ParentLinkCode.used_at.is_(None),
               ParentLinkCode.revoked_at.is_(None), ParentLinkCode.expires_at > now_utc())
        .order_by(Pupil.first_name, Pupil.last_initial, Pupil.id, ParentLinkCode.id)
    ).scalars())


def revoke_code(school_id: int, code_id: int) -> bool:
    """Stop one code working. False (answer 404) when it is not one of that school's codes."""
    link_code = db.session.get(ParentLinkCode, code_id)
    if link_code is None or link_code.school_id != school_id:
        return False
    if link_code.used_at is None and link_code.revoked_at is None:
        link_code.revoked_at = now_utc()
        db.session.commit()
    return True


def links_for_school(school_id: int, class_ids=None) -> list[tuple[ParentLink, User, Pupil]]:
    """Every parent linked to a pupil of this school (or of these classes:
    ids or a subquery of them), by pupil name."""
    query = (
        select(ParentLink, User, Pupil)
        .join(Pupil, ParentLink.pupil_id == Pupil.id)
        .join(User, ParentLink.parent_id == User.id)
        .where(Pupil.school_id == school_id)
        .order_by(Pupil.first_name, Pupil.last_initial, Pupil.id, User.name, User.id)
    )
    if class_ids is not None:
        query = query.where(Pupil.class_id.in_(class_ids))
    rows = db.session.execute(query).all()
    return [(link, parent, pupil) for link, parent, pupil in rows]


def revoke_link(school_id: int, link_id: int) -> bool:
    """Remove a parent's link to a pupil. False (answer 404) when the pupil is not in that school."""
    link = db.session.execute(
        select(ParentLink).join(Pupil, ParentLink.pupil_id == Pupil.id)
        .where(ParentLink.id == link_id, Pupil.school_id == school_id)
    ).scalar_one_or_none()
    if link is None:
        return False
    db.session.delete(link)
    db.session.commit()
    return True


# --- parents: redeeming ------------------------------------------------------

class CodeRefused(LinkError):
    """Sign-up stopped at the code itself (wrong, or too many wrong tries): say so beside the code."""


def sign_up(email: str, password: str, name: str, code: str, ip: str) -> tuple[User, Pupil]:
    """A new parent account, linked to the child whose letter carries `code`.

    Nothing is created unless the code works: CodeRefused for a wrong code (or
    too many), LinkError with a message to show for anything else."""
    link_code = find_code(code)
    if throttle.blocked(IP_RULE, IP_SCOPE, ip):
        raise CodeRefused(TOO_MANY)
    if link_code is None or not link_code.is_usable(now_utc()):
        throttle.record(IP_RULE, IP_SCOPE, ip)  # guessing is counted here too
        raise CodeRefused(UNKNOWN)
    try:
        user = accounts.create_user(email, password, name, PARENT)
        db.session.flush()
        return user, redeem(user, code, ip=ip)
    except (accounts.AccountError, LinkError) as exc:
        db.session.rollback()
        message = str(exc)
        if "already exists" in message:
            message = "There is already an account for that email. Sign in, then choose 'Link another child'."
        raise LinkError(message) from None


def redeem(parent: User, code: str, ip: str | None = None) -> Pupil:
    """Link `parent` to the pupil whose letter carries `code`; raise LinkError with a message to show.

    `ip` defaults to the request's address. Typing a used code again is fine
    for the parent who used it, as long as their link is still there.
    """
    if not getattr(parent, "is_parent", False):
        raise LinkError(NOT_PARENT)
    keys = _throttle_keys(parent, ip)
    if any(throttle.blocked(rule, scope, key) for rule, scope, key in keys):
        raise LinkError(TOO_MANY)
    try:
        return _use(find_code(code), parent)
    except LinkError:
        for rule, scope, key in keys:
            throttle.record(rule, scope, key)
        raise


def _throttle_keys(parent: User, ip: str | None) -> list[tuple[str, str, str]]:
    if ip is None and has_request_context():
        ip = request.remote_addr
    keys = [(ACCOUNT_RULE, ACCOUNT_SCOPE, str(parent.id))]
    return keys + [(IP_RULE, IP_SCOPE, ip)] if ip else keys


def _use(link_code: ParentLinkCode | None, parent: User, retry: bool = True) -> Pupil:
    if link_code is None or link_code.pupil.archived_at is not None or link_code.pupil.school_id != link_code.school_id:
        raise LinkError(UNKNOWN)
    if link_code.used_at is not None:
        if link_code.used_by_id == parent.id and _link(parent.id, link_code.pupil_id) is not None:
            return link_code.pupil  # the same parent again (a double tap, a retry): nothing to do
        raise LinkError(USED)
    if link_code.revoked_at is not None:
        raise LinkError(REVOKED)
    now = now_utc()
    if now >= link_code.expires_at:
        raise LinkError(EXPIRED)
    if not _claim(link_code, parent, now):
        # Someone changed the code since we read it. Start again from what the
        # database now holds, to tell this parent what happened (or, after
        # their own double tap, that all is well).
        db.session.rollback()
        if retry:
            return _use(link_code, parent, retry=False)
        raise LinkError(USED)
    if _link(parent.id, link_code.pupil_id) is None:
        db.session.add(ParentLink(parent_id=parent.id, pupil_id=link_code.pupil_id))
    db.session.commit()
    return link_code.pupil


def _claim(link_code: ParentLinkCode, parent: User, now: datetime) -> bool:
    """Mark the code used by `parent`, unless someone else got there first.

    The WHERE makes it one atomic step: of two parents typing the same code
    at the same moment, the database lets exactly one UPDATE change the row
    (PostgreSQL re-checks the condition once the first commits; SQLite lets
    one writer in at a time).
    """
    result = db.session.execute(
        update(ParentLinkCode)
        .where(ParentLinkCode.id == link_code.id, ParentLinkCode.used_at.is_(None), ParentLinkCode.revoked_at.is_(None))
        .values(used_at=now, used_by_id=parent.id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _link(parent_id: int, pupil_id: int) -> ParentLink | None:
    return db.session.execute(
        select(ParentLink).where(ParentLink.parent_id == parent_id, ParentLink.pupil_id == pupil_id)
    ).scalar_one_or_none()
