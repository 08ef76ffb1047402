"""Adults' accounts: creating them and signing them in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from ..extensions import db
from ..models import PARENT, PLATFORM_ADMIN, STAFF, AuthSession, Pupil, School, User, now_utc
from . import throttle
from .names import BadName, clean_name, same_name_taken
from .passwords import burn_time, hash_password, verify_password
from .sessions import token_hash


class AccountError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def create_user(
    email: str,
    password: str,
    name: str,
    kind: str,
    school: School | None = None,
    teacher: bool = False,
    dsl: bool = False,
    school_admin: bool = False,
    deputy_dsl: bool = False,
) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError(f"'{email}' is not an email address")
    if kind not in (STAFF, PARENT, PLATFORM_ADMIN):
        raise AccountError(f"unknown kind of account '{kind}'")
    if (kind == STAFF) != (school is not None):
        raise AccountError("staff belong to a school; parents and platform admins do not")
    if kind == STAFF and not (teacher or dsl or school_admin or deputy_dsl):
        raise AccountError("staff need at least one role: teacher, DSL, deputy DSL or school admin")
    if db.session.execute(select(User.id).where(User.email == email)).first():
        raise AccountError(f"an account for {email} already exists")
    user = User(
        email=email,
        password_hash=hash_password(password),
        name=name.strip(),
        kind=kind,
        school=school,
        is_teacher=teacher,
        is_dsl=dsl,
        is_school_admin=school_admin,
        is_deputy_dsl=deputy_dsl,
    )
    db.session.add(user)
    return user


@dataclass
class SignInResult:
    user: User | None = None
    locked: bool = False


UNKNOWN_EMAIL_SCOPE = "signin-unknown-email"




def authenticate(email: str, password: str) -> SignInResult:
    """Check an email and password.

    An unknown email and a wrong password look the same to the caller (and
    take as long). Repeated failures lock the account for a while; failures
    for an email with no account are counted the same way, so a locked
    message does not reveal whether an account exists.
    """
    email = normalise_email(email)
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None or not user.active:
        # Counted in the database exactly as an account's failures are (a
        # count, and a lock at the limit), so the answers are the same.
        if throttle.locked(UNKNOWN_EMAIL_SCOPE, email):
            return SignInResult(locked=True)
        burn_time(password)
        cfg = current_app.config
        throttle.failure(UNKNOWN_EMAIL_SCOPE, email, cfg["LOGIN_FAILURES_BEFORE_LOCK"], cfg["LOGIN_LOCK_MINUTES"])
        return SignInResult()
    now = now_utc()
    if user.locked_until is not None and user.locked_until > now:
        return SignInResult(locked=True)
    ok, new_hash = verify_password(user.password_hash, password)
    if not ok:
        _count_failure(user)
        return SignInResult()
    user.failed_logins = 0
    user.locked_until = None
    if new_hash:
        user.password_hash = new_hash
    db.session.commit()
    return SignInResult(user=user)


def _count_failure(user: User) -> None:
    cfg = current_app.config
    # One atomic UPDATE, so failures from several servers all count.
    db.session.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
    failures = db.session.execute(select(User.failed_logins).where(User.id == user.id)).scalar_one()
    if failures >= cfg["LOGIN_FAILURES_BEFORE_LOCK"]:
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=0, locked_until=now_utc() + timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"]))
        )
    db.session.commit()


def create_school(name: str, slug: str) -> School:
    try:
        name = clean_name(name, "school name")
    except BadName as error:
        raise AccountError(str(error)) from None
    slug = slug.strip().lower()
    if not name or not slug:
        raise AccountError("a school needs a name and a short name")
    if same_name_taken(name, db.session.execute(select(School.name)).scalars()):
        raise AccountError(f"a school called '{name}' already exists")
    if not all(ch.isalnum() or ch == "-" for ch in slug):
        raise AccountError("the short name may use only letters, digits and hyphens")
    if db.session.execute(select(func.count()).select_from(School).where(School.slug == slug)).scalar_one():
        raise AccountError(f"a school with the short name '{slug}' already exists")
    school = School(name=name, slug=slug)
    db.session.add(school)
    return school


def create_school_with_admin(name: str, slug: str, admin_email: str, admin_password: str, admin_name: str) -> School:
    """A new school and its first school admin, together or not at all
    (AccountError says why not)."""
    try:
        school = create_school(name, slug)
        db.session.flush()
        create_user(admin_email, admin_password, admin_name, STAFF, school, school_admin=True)
        db.session.commit()
    except AccountError:
        db.session.rollback()
        raise
    return school


def schools_with_pupils() -> list[tuple[School, int]]:
    """Every school of the deployment, by name, with how many pupils it has."""
    return [(school, pupils) for school, pupils in db.session.execute(
        select(School, func.count(Pupil.id)).outerjoin(Pupil, Pupil.school_id == School.id).group_by(School.id).order_by(School.name)
    ).all()]


def school_staff(school_id: int) -> list[User]:
    """Every staff account of a school, in name order (active or not)."""
    return list(db.session.execute(
        select(User).where(User.kind == STAFF, User.school_id == school_id).order_by(User.active.desc(), User.name)
    ).scalars())


def set_staff_active(admin: User, staff: User, active: bool) -> None:
    """A school admin turns a colleague's account off or on: services/staff.set_active."""
    from .staff import set_active

    set_active(admin, staff, active)


def change_password(user: User, current: str, new: str, keep_token: str | None) -> bool:
    """An adult changes their own password. False (and nothing changed) if
    `current` is wrong; a wrong try counts towards the account's lock like a
    wrong sign-in. On success every other session of theirs ends, so a
    device left signed in elsewhere is signed out."""
    ok, _ = verify_password(user.password_hash, current)
    if not ok:
        _count_failure(user)
        return False
    reset_password(user, new, keep_token)
    return True


def reset_password(user: User, new: str, keep_token: str | None = None) -> None:
    """Set a new password, unlock the account and end every session but the one kept."""
    user.password_hash = hash_password(new)
    user.failed_logins = 0
    user.locked_until = None
    others = [AuthSession.user_id == user.id, AuthSession.ended_at.is_(None)]
    if keep_token:
        others.append(AuthSession.token_hash != token_hash(keep_token))
    db.session.execute(update(AuthSession).where(*others).values(ended_at=now_utc()))
    db.session.commit()
