"""Telling the school's DSL team, by email, that a pupil has raised a concern.

The emails carry no secrets: no pupil's name, words or category, only the
time (in the school's time zone) and a link to sign in. A new concern's
alert goes to every active DSL and deputy DSL of the school, written to the
outbox in the same transaction as the concern (`concern_raised`). If no one
of the DSL team has opened it after the school's delay, counted in school
hours (`school_minutes_between`), `remind_due` alerts again, once, to the
DSL team and the school admins.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import NEW, STAFF, Concern, School, User, now_utc
from . import outbox
from .links import external_url

DEFAULT_TIMEZONE = "Europe/London"
SCHOOL_DAYS = range(0, 5)  # Monday to Friday
SUBJECT = "A pupil has raised a concern"
REMINDER_SUBJECT = "Reminder: a pupil's concern is waiting"


def school_zone(school: School) -> ZoneInfo:
    try:
        return ZoneInfo(school.timezone or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def save_settings(school: School, *, remind_after_minutes: int, day_start: time, day_end: time, timezone: str) -> None:
    """The DSL team's settings for the second alert: the delay, counted in these school hours, in this zone."""
    school.remind_after_minutes = remind_after_minutes
    school.day_start_minute = day_start.hour * 60 + day_start.minute
    school.day_end_minute = day_end.hour * 60 + day_end.minute
    school.timezone = timezone.strip()
    db.session.commit()


def recipients(school_id: int, admins_too: bool = False) -> list[str]:
    roles = [User.is_dsl.is_(True), User.is_deputy_dsl.is_(True)]
    if admins_too:
        roles.append(User.is_school_admin.is_(True))
    return list(db.session.execute(
        select(User.email).where(User.kind == STAFF, User.school_id == school_id, User.active.is_(True), or_(*roles))
        .order_by(User.email)
    ).scalars())


def _body(concern: Concern, school: School, again: bool) -> str:
    at = concern.created_at.astimezone(school_zone(school)).strftime("%H:%M")
    first = f"A pupil has raised a concern in Stay Safe Online at {at}. Sign in to read it."
    if again:
        first = (f"A pupil raised a concern in Stay Safe Online at {at}, and no one of the safeguarding team "
                 "has opened it yet. Sign in to read it.")
    return (f"{first}\n\n{external_url('safeguarding.queue')}\n\n"
            f"This email is sent to the designated safeguarding leads of {school.name}"
            f"{' and its school admins' if again else ''}. It says nothing about the pupil on purpose.\n")


def concern_raised(concern: Concern) -> int:
    """Queue the first alert in the caller's transaction; returns how many emails."""
    school = db.session.get(School, concern.school_id)
    body = _body(concern, school, again=False)
    to = recipients(concern.school_id)
    for address in to:
        outbox.enqueue(address, SUBJECT, body, "concern-alert")
    return len(to)


def school_minutes_between(start: datetime, end: datetime, school: School) -> int:
    """Minutes of school day (Mon-Fri, day_start..day_end in the school's zone) between two moments."""
    zone = school_zone(school)
    start, end = start.astimezone(zone), end.astimezone(zone)
    total = timedelta()
    day = start.date()
    while day <= end.date() and (day - start.date()).days <= 366:
        if day.weekday() in SCHOOL_DAYS:
            opens = datetime.combine(day, time(school.day_start_minute // 60, school.day_start_minute % 60), zone)
            closes = datetime.combine(day, time(min(school.day_end_minute, 1439) // 60, min(school.day_end_minute, 1439) % 60), zone)
            overlap = min(end, closes) - max(start, opens)
            if overlap > timedelta():
                total += overlap
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)


def remind_due(now: datetime | None = None) -> int:
    """Alert again about every new concern that no DSL has opened within the
    school's delay. Each concern is claimed with a conditional UPDATE in the
    same transaction as its emails, so two workers alert once."""
    now = now or now_utc()
    waiting = db.session.execute(
        select(Concern, School).join(School, School.id == Concern.school_id)
        .where(Concern.first_opened_at.is_(None), Concern.reminded_at.is_(None), Concern.status == NEW)
        .order_by(Concern.id)
    ).all()
    due = [(c.id, c.school_id) for c, school in waiting if school_minutes_between(c.created_at, now, school) >= school.remind_after_minutes]
    db.session.commit()
    sent = 0
    for concern_id, school_id in due:
        won = db.session.execute(update(Concern).where(Concern.id == concern_id, Concern.reminded_at.is_(None),
                                                       Concern.first_opened_at.is_(None)).values(reminded_at=now))
        if won.rowcount == 1:
            concern, school = db.session.get(Concern, concern_id), db.session.get(School, school_id)
            body = _body(concern, school, again=True)
            for address in recipients(school_id, admins_too=True):
                outbox.enqueue(address, REMINDER_SUBJECT, body, "concern-reminder")
            sent += 1
        db.session.commit()
    return sent
