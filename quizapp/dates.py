"""Dates and times as a school reads them: in the school's own time zone
(`schools.timezone`, Europe/London by default; the TIME_ZONE setting for
pages with no school, such as the platform admin's), with the day of the
month written without a leading zero on every platform ("%-d" is glibc's,
not Windows')."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import Flask, current_app, g, has_request_context
from flask_login import current_user

DEFAULT_TIME_ZONE = "Europe/London"
UTC = ZoneInfo("UTC")


def is_time_zone(name: str) -> bool:
    return name in available_timezones()


def zone(name: str | None) -> ZoneInfo:
    """The named zone; an unknown or empty name falls back to the app's TIME_ZONE, then Europe/London."""
    for candidate in (name, current_app.config.get("TIME_ZONE"), DEFAULT_TIME_ZONE):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo(DEFAULT_TIME_ZONE)


def school_zone(school) -> ZoneInfo:
    return zone(getattr(school, "timezone", None))


def current_zone() -> ZoneInfo:
    """The signed-in person's school's zone (staff and pupils), else the app's TIME_ZONE. Once per request."""
    if not has_request_context():
        return zone(None)
    if "school_zone" not in g:
        school = None
        if current_user and current_user.is_authenticated:  # staff have a school; pupils a class at one
            school = getattr(current_user, "school", None) or getattr(getattr(current_user, "school_class", None), "school", None)
        g.school_zone = school_zone(school)
    return g.school_zone


def local(moment: datetime, in_zone: ZoneInfo | None = None) -> datetime:
    """An aware moment in the school's time zone (a naive one is taken as UTC,
    which is how the database stores them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(in_zone or current_zone())


def format_date(value: date | datetime | None, pattern: str = "%-d %B %Y", in_zone: ZoneInfo | None = None) -> str:
    """The Jinja filter `date`: `{{ row.completed_at|date("%-d %B") }}`.

    A datetime is shown in the school's time zone; a plain date as it is.
    `%-d` is the day without a leading zero; any other strftime code works."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value, in_zone)
    return value.strftime(pattern.replace("%-d", str(value.day)))


def csv_time(value: datetime | None, in_zone: ZoneInfo | None = None) -> str:
    """A time for a spreadsheet cell: "2026-06-15 10:30" in the school's zone (no "UTC", no offset to work out)."""
    return format_date(value, "%Y-%m-%d %H:%M", in_zone) if value else ""


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
