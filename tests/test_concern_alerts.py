"""A pupil's concern reaches the DSL team by email, with no secrets in it;
a second alert when nobody has opened it within the school's hours; the DSL
lands on the queue and sees a red banner."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from helpers import PASSWORD, post
from quizapp.extensions import db
from quizapp.models import CLOSED, STAFF, Concern, OutboxMessage, School
from quizapp.services import alerts, concerns
from quizapp.services.accounts import create_user

LONDON = ZoneInfo("Europe/London")
WORDS = "A boy called Jake in a game keeps asking for my address\nand he said not to tell"


def _add_deputy_and_second_dsl(world) -> list[str]:
    """School one's DSL team: the DSL, a deputy, and a second DSL who is also a teacher; plus a DSL who left."""
    school = db.session.get(School, world.one.school_id)
    create_user("deputy@oak.test", PASSWORD, "Ms Deputy", STAFF, school, deputy_dsl=True)
    create_user("dsl2@oak.test", PASSWORD, "Mr Second", STAFF, school, dsl=True, teacher=True)
    create_user("leaver@oak.test", PASSWORD, "Mr Left", STAFF, school, dsl=True).active = False
    db.session.commit()
    return sorted([world.one.emails["dsl"], "deputy@oak.test", "dsl2@oak.test"])


def _raise_through_the_page(client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    r = post(client, "/pupil/worried", {"category": "stranger", "words": WORDS, "talk_to": "teacher"}, token_from="/pupil/worried")
    assert r.status_code == 302


def test_a_concern_emails_every_dsl_and_deputy_once_and_nothing_secret(app, client, auth, world, smtp):
    with app.app_context():
        team = _add_deputy_and_second_dsl(world)
    _raise_through_the_page(client, auth, world)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert smtp.inbox.recipients == team  # one each; not the teachers, admin, leaver or the other school
    with app.app_context():
        concern = db.session.execute(select(Concern).order_by(Concern.id.desc())).scalars().first()
        at = concern.created_at.astimezone(LONDON).strftime("%H:%M")
    for _, message in smtp.inbox.received:
        text = message.as_string()
        body = message.get_content()
        assert f"A pupil has raised a concern in Stay Safe Online at {at}. Sign in to read it." in body
        assert "https://staysafe.test/safeguarding/" in body
        for secret in ("Amara", "Hedgehogs", "Jake", "my address", "messaged", "don't know", "stranger"):
            assert secret.lower() not in text.lower(), secret
    # Sent once: another run sends nothing more.
    app.test_cli_runner().invoke(args=["outbox", "send"])
    assert len(smtp.inbox.received) == len(team)


def test_the_alert_is_written_in_the_concern_transaction(app, ctx, world, monkeypatch):
    from quizapp.models import Pupil

    pupil = db.session.get(Pupil, world.one.pupil_a)
    concern = concerns.raise_concern(pupil, "upset", "", "teacher")
    rows = db.session.execute(select(OutboxMessage)).scalars().all()
    assert [r.to_addr for r in rows] == [world.one.emails["dsl"]] and rows[0].kind == "concern-alert"

    def broken(_concern):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(alerts, "concern_raised", broken)
    before = db.session.execute(select(func.count(Concern.id))).scalar_one()
    with pytest.raises(RuntimeError):
        concerns.raise_concern(pupil, "upset", "", "teacher")
    db.session.rollback()
    assert db.session.execute(select(func.count(Concern.id))).scalar_one() == before  # no concern without its alert
    assert concern.id


def test_the_time_is_in_the_schools_time_zone(app, ctx, world):
    school = db.session.get(School, world.one.school_id)
    concern = db.session.get(Concern, world.one.concern)
    concern.created_at = datetime(2026, 7, 1, 13, 5, tzinfo=UTC)  # 14:05 in London (summer time)
    assert "at 14:05." in alerts._body(concern, school, again=False)
    school.timezone = "Europe/Paris"
    assert "at 15:05." in alerts._body(concern, school, again=False)


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in London in the week of Monday 7 December 2026."""
    return datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize("start,end,minutes", [
    (_at(7, 9), _at(7, 9, 30), 30),  # Monday morning
    (_at(7, 7), _at(7, 8, 20), 20),  # before school counts from 08:00
    (_at(11, 16, 50), _at(14, 8, 25), 35),  # Friday 16:50 to Monday 08:25: 10 + 25
    (_at(12, 10), _at(13, 20), 0),  # the weekend
    (_at(7, 18), _at(8, 7), 0),  # overnight
])
def test_school_minutes(app, ctx, world, start, end, minutes):
    school = db.session.get(School, world.one.school_id)
    assert alerts.school_minutes_between(start, end, school) == minutes


def test_the_school_sets_its_hours(app, ctx, world):
    school = db.session.get(School, world.one.school_id)
    school.day_start_minute, school.day_end_minute = 9 * 60, 15 * 60
    assert alerts.school_minutes_between(_at(7, 8), _at(7, 16), school) == 6 * 60


def _only_new_concern(world, created: datetime) -> int:
    """School one's concern, raised at `created`; school two's is already dealt with."""
    db.session.execute(update(Concern).where(Concern.id == world.two.concern).values(status=CLOSED))
    db.session.execute(update(Concern).where(Concern.id == world.one.concern).values(created_at=created))
    db.session.commit()
    return world.one.concern


def test_a_second_alert_goes_to_the_dsl_team_and_admins_after_the_delay_in_school_hours(app, ctx, world):
    team = _add_deputy_and_second_dsl(world)
    _only_new_concern(world, _at(11, 16, 50))
    assert alerts.remind_due(now=_at(14, 8, 15)) == 0  # 25 school minutes
    assert alerts.remind_due(now=_at(14, 8, 25)) == 1  # 35
    rows = db.session.execute(select(OutboxMessage).where(OutboxMessage.kind == "concern-reminder")).scalars().all()
    assert sorted(r.to_addr for r in rows) == sorted(team + [world.one.emails["admin"]])
    assert all("no one of the safeguarding team has opened it" in r.body and "Amara" not in r.body for r in rows)
    assert alerts.remind_due(now=_at(14, 12)) == 0  # once only


def test_no_second_alert_once_a_dsl_has_opened_it(app, client, auth, world):
    with app.app_context():
        _only_new_concern(world, _at(7, 9))
    auth.adult(world.one.emails["dsl"])
    assert client.get(f"/safeguarding/concerns/{world.one.concern}").status_code == 200
    with app.app_context():
        assert alerts.remind_due(now=_at(7, 12)) == 0


def test_the_school_sets_the_delay(app, ctx, world):
    _only_new_concern(world, _at(7, 9))
    db.session.get(School, world.one.school_id).remind_after_minutes = 90
    db.session.commit()
    assert alerts.remind_due(now=_at(7, 10)) == 0
    assert alerts.remind_due(now=_at(7, 10, 31)) == 1


def test_concerns_remind_command(app, world):
    with app.app_context():
        _only_new_concern(world, datetime.now(UTC) - timedelta(days=8))  # a whole school week ago
    result = app.test_cli_runner().invoke(args=["concerns", "remind"])
    assert result.exit_code == 0 and "for 1 concern" in result.output, result.output


def test_the_dsl_signs_in_straight_to_the_queue_when_something_is_new(client, auth, world):
    r = auth.adult(world.one.emails["dsl"])
    assert r.headers["Location"] == "/safeguarding/"
    auth.signout()
    assert auth.adult(world.one.emails["teacher_a"]).headers["Location"] == "/teacher/"


def test_the_dsl_lands_on_the_class_list_when_nothing_is_new(app, client, auth, world):
    with app.app_context():
        db.session.execute(update(Concern).values(status=CLOSED))
        db.session.commit()
    assert auth.adult(world.one.emails["dsl"]).headers["Location"] == "/teacher/"


def test_a_red_banner_with_the_count_on_every_staff_page_for_the_dsl_team(app, client, auth, world):
    with app.app_context():
        _add_deputy_and_second_dsl(world)
    for email in (world.one.emails["dsl"], "deputy@oak.test"):
        auth.adult(email)
        for page in ("/teacher/", "/teacher/assignments", "/safeguarding/"):
            html = client.get(page).get_data(as_text=True)
            assert re.search(r'class="concern-banner".*<strong>1 new concern</strong>', html, re.S), (email, page)
        auth.signout()
    auth.adult(world.one.emails["teacher_a"])
    assert "concern-banner" not in client.get("/teacher/").get_data(as_text=True)
    auth.signout()
    auth.adult(world.one.emails["admin"])
    assert "concern-banner" not in client.get("/teacher/").get_data(as_text=True)


def test_the_queue_shows_the_first_line_of_the_childs_words(app, client, auth, world):
    with app.app_context():
        db.session.get(Concern, world.one.concern).words = WORDS
        db.session.commit()
    auth.adult(world.one.emails["dsl"])
    html = client.get("/safeguarding/").get_data(as_text=True)
    assert "A boy called Jake in a game keeps asking for my address" in html
    assert "he said not to tell" not in html


def test_a_deputy_dsl_reads_and_answers_concerns(app, client, auth, world):
    with app.app_context():
        _add_deputy_and_second_dsl(world)
    auth.adult("deputy@oak.test")
    assert client.get(f"/safeguarding/concerns/{world.one.concern}").status_code == 200
    assert client.get(f"/safeguarding/concerns/{world.two.concern}").status_code == 404


def test_the_dsl_sets_the_alert_delay_and_school_hours(app, client, auth, world):
    auth.adult(world.one.emails["dsl"])
    bad = post(client, "/safeguarding/alerts", {"remind_after_minutes": "45", "day_start": "16:00", "day_end": "08:00",
                                                "timezone": "Mars/Olympus"}, token_from="/safeguarding/alerts")
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "must end after it starts" in html and "not a time zone we know" in html
    ok = post(client, "/safeguarding/alerts", {"remind_after_minutes": "45", "day_start": "08:30", "day_end": "15:30",
                                               "timezone": "Europe/London"}, token_from="/safeguarding/alerts")
    assert ok.status_code == 302
    with app.app_context():
        school = db.session.get(School, world.one.school_id)
        assert (school.remind_after_minutes, school.day_start_minute, school.day_end_minute) == (45, 510, 930)
        other = db.session.get(School, world.two.school_id)
        assert other.remind_after_minutes == 30
