"""A school admin manages the school's staff: adds them, sets their roles,
invites them by email, turns accounts off and on. Every change is written
to `StaffAudit` (who, what, when) in the same transaction.

Invitations are single-use links valid for 72 hours (services/tokens.py,
purpose INVITE). Like password resets, the email is written when the
outbox sends it (`compose_invite`, an `outbox.LATE_KINDS` entry), so only
the link's hash is ever stored. The school must always keep an active
designated safeguarding lead and an active school admin: the last one can
lose neither the role nor the account.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from .. import oplog
from ..extensions import db
from ..models import INVITE, STAFF, AuthSession, StaffAudit, User, now_utc
from . import outbox, tokens
from .accounts import AccountError, create_user, normalise_email, reset_password
from .links import external_url
from .names import BadName, clean_name

INVITE_LIFETIME = timedelta(hours=72)
INVITE_KIND = "staff-invite"
ROLES = {"teacher": "Teacher", "dsl": "Designated safeguarding lead", "deputy_dsl": "Deputy DSL",
         "school_admin": "School admin"}
_ATTRS = {"teacher": "is_teacher", "dsl": "is_dsl", "deputy_dsl": "is_deputy_dsl", "school_admin": "is_school_admin"}


def roles_of(user: User) -> set[str]:
    return {role for role, attr in _ATTRS.items() if getattr(user, attr)}


def _audit(admin: User, staff: User, action: str) -> None:
    db.session.add(StaffAudit(school_id=admin.school_id, actor_id=admin.id, staff_id=staff.id, actor_name=admin.name,
                              staff_name=staff.name, action=action[:200]))


def audit_log(school_id: int, limit: int = 200) -> list[StaffAudit]:
    """The school's staff changes, newest first."""
    return list(db.session.execute(select(StaffAudit).where(StaffAudit.school_id == school_id)
                                   .order_by(StaffAudit.at.desc(), StaffAudit.id.desc()).limit(limit)).scalars())


def _role_text(roles: set[str]) -> str:
    return ", ".join(label for role, label in ROLES.items() if role in roles) or "none"


def _others_with(staff: User, attr: str) -> int:
    return db.session.execute(select(func.count(User.id)).where(
        User.kind == STAFF, User.school_id == staff.school_id, User.id != staff.id, User.active.is_(True),
        getattr(User, attr).is_(True))).scalar_one()


def _check_not_last(staff: User, losing: set[str]) -> None:
    """Refuse to leave the school without an active DSL or school admin."""
    if "dsl" in losing and staff.is_dsl and staff.active and not _others_with(staff, "is_dsl"):
        raise AccountError(f"{staff.name} is the school's only designated safeguarding lead: "
                           "make someone else the DSL first.")
    if "school_admin" in losing and staff.is_school_admin and staff.active and not _others_with(staff, "is_school_admin"):
        raise AccountError(f"{staff.name} is the school's only school admin: make someone else a school admin first.")


def add_staff(admin: User, name: str, email: str, roles: set[str]) -> User:
    """A new member of staff, invited by email to set their own password."""
    try:
        name = clean_name(name, "name")
    except BadName as error:
        raise AccountError(str(error)) from None
    if not name:
        raise AccountError("Enter their name.")
    roles = roles & set(ROLES)
    if not roles:
        raise AccountError("Choose at least one role.")
    email = normalise_email(email)
    if db.session.execute(select(User.id).where(User.email == email)).first():
        raise AccountError(f"There is already an account for {email}.")
    # Nobody knows this password: the account works once they set their own.
    staff = create_user(email, secrets.token_urlsafe(32), name, STAFF, admin.school, teacher="teacher" in roles,
                        dsl="dsl" in roles, school_admin="school_admin" in roles, deputy_dsl="deputy_dsl" in roles)
    staff.invite_pending = True
    db.session.flush()
    _audit(admin, staff, f"added as {_role_text(roles)}")
    _invite(admin, staff)
    db.session.commit()
    oplog.record("staff_added", admin, admin.school_id, staff=staff.id)
    return staff


def _invite(admin: User, staff: User) -> None:
    outbox.enqueue(staff.email, "", "", INVITE_KIND)  # written when sent: compose_invite
    _audit(admin, staff, "invited by email")


def resend_invite(admin: User, staff: User) -> None:
    if not staff.invite_pending:
        raise AccountError(f"{staff.name} has already set a password.")
    if not staff.active:
        raise AccountError(f"{staff.name}'s account is off: turn it on first.")
    _invite(admin, staff)
    db.session.commit()


def set_roles(admin: User, staff: User, roles: set[str]) -> bool:
    """Change a colleague's roles (several at once). False if nothing changed."""
    roles = roles & set(ROLES)
    if not roles:
        raise AccountError("Choose at least one role.")
    before = roles_of(staff)
    if roles == before:
        return False
    _check_not_last(staff, before - roles)
    for role, attr in _ATTRS.items():
        setattr(staff, attr, role in roles)
    _audit(admin, staff, f"roles changed from {_role_text(before)} to {_role_text(roles)}")
    db.session.commit()
    return True


def set_active(admin: User, staff: User, active: bool) -> None:
    """Turn a colleague's account off (a leaver: signed out everywhere at
    once) or on again. Not your own, nor the last DSL's or school admin's."""
    if staff.active == active:
        return
    if not active:
        if staff.id == admin.id:
            raise AccountError("You cannot turn off your own account. Ask another school admin.")
        _check_not_last(staff, {"dsl", "school_admin"})
        db.session.execute(update(AuthSession).where(AuthSession.user_id == staff.id, AuthSession.ended_at.is_(None))
                           .values(ended_at=now_utc()))
    staff.active = active
    _audit(admin, staff, "account turned on" if active else "account turned off")
    db.session.commit()
    oplog.record("staff_account_on" if active else "staff_account_off", admin, staff.school_id, staff=staff.id)


# -------------------------------------------------------------- invitations


def compose_invite(email: str) -> tuple[str, str] | None:
    """At send time (outbox.LATE_KINDS): a new 72-hour link, or None if the
    account is gone, off, or has set its password already."""
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None or not user.active or not user.invite_pending or user.school is None:
        return None
    token = tokens.issue(user, INVITE, INVITE_LIFETIME)
    return f"Your Stay Safe Online account at {user.school.name}", (
        f"Hello {user.name},\n\n"
        f"You have been given an account on Stay Safe Online at {user.school.name}. "
        "Open this link within 72 hours to choose your password:\n\n"
        f"{external_url('auth.accept_invite', token=token)}\n\n"
        "The link works once. If it has run out, ask your school admin to send a new one.\n"
        f"Your email address for signing in is {user.email}.\n")


def invited_account(token: str) -> User | None:
    user = tokens.peek(INVITE, token)
    return user if user is not None and user.invite_pending else None


def accept_invite(token: str, password: str) -> User | None:
    """Set the first password from the link (used up); None if the link is not good."""
    user = tokens.consume(INVITE, token)
    if user is None or not user.invite_pending:
        db.session.rollback()
        return None
    user.invite_pending = False
    db.session.add(StaffAudit(school_id=user.school_id, actor_id=user.id, staff_id=user.id, actor_name=user.name,
                              staff_name=user.name, action="set their password from the invitation"))
    reset_password(user, password)  # commits, with the token used up
    return user
