"""Every date and time a school reads is in the school's own time zone (Europe/London by default, set by the
school admin), on pages and in CSV downloads: 09:00 UTC is 10:00 in a London summer (BST) and 09:00 in winter (GMT)."""
from __future__ import annotations

from datetime import UTC, datetime

from helpers import post
from quizapp.dates import csv_time, format_date, school_zone
from quizapp.extensions import db
from quizapp.models import Concern, School

SUMMER = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # BST: UTC+1
WINTER = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)  # GMT: UTC+0


def set_zone(app, world, name: str) -> None:
    with app.app_context():
        db.session.get(School, world.one.school_id).timezone = name
        db.session.commit()


def date_concern(app, world, moment: datetime) -> None:
    with app.app_context():
        db.session.get(Concern, world.one.concern).created_at = moment
        db.session.commit()


def test_the_filter_shows_bst_in_summer_and_gmt_in_winter(app):
    with app.app_context():
        london = school_zone(School(timezone="Europe/London"))
        assert format_date(SUMMER, "%-d %B %Y %H:%M", london) == "1 July 2026 10:00"
        assert format_date(WINTER, "%-d %B %Y %H:%M", london) == "15 January 2026 09:00"
        assert csv_time(SUMMER, london) == "2026-07-01 10:00" and csv_time(WINTER, london) == "2026-01-15 09:00"
        assert school_zone(School(timezone="Not/AZone")).key == "Europe/London"  # an unknown zone never breaks a page


def test_pages_show_the_schools_own_zone(app, client, auth, world):
    date_concern(app, world, SUMMER)
    auth.adult(world.one.emails["dsl"])
    page = client.get(f"/safeguarding/concerns/{world.one.concern}").get_data(as_text=True)
    assert "1 July 2026 at 10:00" in page and "UTC" not in page
    date_concern(app, world, WINTER)
    assert "15 January 2026 at 09:00" in client.get(f"/safeguarding/concerns/{world.one.concern}").get_data(as_text=True)
    set_zone(app, world, "Asia/Tokyo")
    assert "15 January 2026 at 18:00" in client.get(f"/safeguarding/concerns/{world.one.concern}").get_data(as_text=True)


def test_csv_downloads_are_in_the_schools_zone(app, client, auth, world):
    auth.adult(world.one.emails["dsl"])
    date_concern(app, world, SUMMER)
    csv = client.get("/safeguarding/export.csv").get_data(as_text=True)
    assert "2026-07-01 10:00" in csv and "+00:00" not in csv and "UTC" not in csv
    date_concern(app, world, WINTER)
    assert "2026-01-15 09:00" in client.get("/safeguarding/export.csv").get_data(as_text=True)
    set_zone(app, world, "America/New_York")
    assert "2026-01-15 04:00" in client.get("/safeguarding/export.csv").get_data(as_text=True)


def test_the_school_admin_sets_the_time_zone(app, client, auth, world):
    auth.adult(world.one.emails["admin"])
    page = client.get("/teacher/school").get_data(as_text=True)
    assert 'value="Europe/London"' in page
    bad = post(client, "/teacher/school", {"retention_months": "12", "timezone": "Mars/Olympus"}, token_from="/teacher/school")
    assert bad.status_code == 400 and "not a time zone we know" in bad.get_data(as_text=True)
    post(client, "/teacher/school", {"retention_months": "12", "timezone": "Europe/Dublin"}, token_from="/teacher/school")
    with app.app_context():
        assert db.session.get(School, world.one.school_id).timezone == "Europe/Dublin"
        assert db.session.get(School, world.two.school_id).timezone == "Europe/London"
