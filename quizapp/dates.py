"""Dates and times as a school reads them: in the school's time zone (the
TIME_ZONE setting, Europe/London by default), with the day of the month
written without a leading zero on every platform ("%-d" is glibc's, not
Windows')."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

DEFAULT_TIME_ZONE = "Europe/London"


def local(moment: datetime) -> datetime:
    """An aware moment in the school's time zone (a naive one is taken as UTC,
    which is how the database stores them)."""
    zone = ZoneInfo(current_app.config.get("TIME_ZONE") or DEFAULT_TIME_ZONE)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(zone)


def format_date(value: date | datetime | None, pattern: str = "%-d %B %Y") -> str:
    """The Jinja filter `date`: `{{ row.completed_at|date("%-d %B") }}`.

    A datetime is shown in the school's time zone; a plain date as it is.
    `%-d` is the day without a leading zero; any other strftime code works."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime(pattern.replace("%-d", str(value.day)))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
