"""Export and erase one pupil's data; retention erases pupils who left long ago."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from helpers import post
from quizapp.extensions import db
from quizapp.models import Answer, Concern, ModuleProgress, Pupil, now_utc


def _give_pupil_a_history(app, client, auth, world):
    auth.pupil(world.one, world.one.pupil_a)
    post(client, "/pupil/worried", {"category": "photo", "talk_to": "teacher"}, token_from="/pupil/worried")
    auth.signout()
    with app.app_context():
        db.session.add(ModuleProgress(school_id=world.one.school_id, pupil_id=world.one.pupil_a, module_id="passwords-4-7",
                                      content_version="v", completed_at=now_utc()))
        db.session.add(Answer(school_id=world.one.school_id, pupil_id=world.one.pupil_a, module_id="passwords-4-7",
                              question_id="passwords-4-7-q01", content_version="v", source="quiz", response={"choice": "a"},
                              correct=True, score=1, first_try=True, client_id="history1"))
        db.session.commit()
        from quizapp.content import get_content
        from quizapp.services.counting import rebuild_tallies

        rebuild_tallies(get_content(), world.one.school_id)


def test_a_school_admin_exports_everything_held_about_a_pupil(app, client, auth, world):
    _give_pupil_a_history(app, client, auth, world)
    auth.adult(world.one.emails["admin"])
    response = client.get(f"/teacher/pupils/{world.one.pupil_a}/export.json")
    data = json.loads(response.data)
    assert data["pupil"]["first_name"] == "Amara" and data["pupil"]["class"] == "Hedgehogs"
    assert data["answers"][0]["question"] == "passwords-4-7-q01" and data["modules"][0]["completed_at"]
    assert data["linked_parent_accounts"] == 1 and data["sign_ins"] and data["outcomes"]
    assert {"lesson_step", "quiz_position"} <= set(data["modules"][0]) and "score" in data["answers"][0]
    assert "2 concern(s)" in data["safeguarding_records"]  # the world's one and the new one; details stay with the DSL
    assert "photo" not in json.dumps(data)


def test_erasing_a_pupil_leaves_no_row_that_names_them(app, client, auth, world):
    _give_pupil_a_history(app, client, auth, world)
    auth.adult(world.one.emails["admin"])
    url = f"/teacher/pupils/{world.one.pupil_a}/erase"
    wrong = post(client, url, {"confirm": "Ben"}, token_from=url)
    assert "to confirm" in wrong.get_data(as_text=True)
    done = post(client, url, {"confirm": "amara"}, token_from=url)
    assert done.status_code == 302
    pid = world.one.pupil_a
    with app.app_context():
        assert db.session.get(Pupil, pid) is None
        # Every column that refers to pupils, in every table, no longer holds this pupil's id.
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if any(fk.column.table.name == "pupils" for fk in column.foreign_keys):
                    count = db.session.execute(select(table).where(column == pid)).first()
                    assert count is None, f"{table.name}.{column.name} still refers to the erased pupil"
        kept = db.session.execute(select(Concern).where(Concern.pupil_erased.is_(True))).scalars().all()
        assert len(kept) == 2 and all(c.pupil_id is None for c in kept)
    auth.signout()
    auth.adult(world.one.emails["dsl"])
    assert "account erased" in client.get("/safeguarding/").get_data(as_text=True)


def test_only_school_admins_export_or_erase(client, auth, world):
    for email in (world.one.emails["teacher_a"], world.one.emails["dsl"]):
        auth.adult(email)
        assert client.get(f"/teacher/pupils/{world.one.pupil_a}/export.json").status_code == 403
        assert post(client, f"/teacher/pupils/{world.one.pupil_a}/erase", {"confirm": "Amara"}, token_from="/teacher/").status_code == 403
        auth.signout()
    auth.adult(world.two.emails["admin"])
    assert client.get(f"/teacher/pupils/{world.one.pupil_a}/export.json").status_code == 404


def test_retention_erases_pupils_who_left_long_ago_with_a_frozen_clock(app, world, monkeypatch):
    with app.app_context():
        left_long_ago = db.session.get(Pupil, world.one.pupil_a2)
        left_recently = db.session.get(Pupil, world.one.pupil_b)
        left_long_ago.archived_at = now_utc() - timedelta(days=400)
        left_recently.archived_at = now_utc() - timedelta(days=100)
        db.session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "--dry-run"])
    assert "Would erase 1" in dry.output
    with app.app_context():
        assert db.session.get(Pupil, world.one.pupil_a2) is not None
    frozen = now_utc() + timedelta(days=300)  # a school year later the second pupil is due too
    monkeypatch.setattr("quizapp.services.data_protection.now_utc", lambda: frozen)
    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0 and "Erased 2" in result.output
    with app.app_context():
        assert db.session.get(Pupil, world.one.pupil_a2) is None and db.session.get(Pupil, world.one.pupil_b) is None
        assert db.session.get(Pupil, world.one.pupil_a) is not None  # still at school


def test_school_admin_sets_the_retention_period(app, client, auth, world):
    auth.adult(world.one.emails["admin"])
    bad = post(client, "/teacher/school", {"retention_months": "0", "timezone": "Europe/London"}, token_from="/teacher/school")
    assert bad.status_code == 400 and "between 1 and 120" in bad.get_data(as_text=True)
    post(client, "/teacher/school", {"retention_months": "24", "timezone": "Europe/London"}, token_from="/teacher/school")
    with app.app_context():
        from quizapp.models import School

        assert db.session.get(School, world.one.school_id).retention_months == 24


def test_retention_deletes_sign_in_session_records_older_than_30_days(app, client, auth, world, monkeypatch):
    from quizapp.models import AuthSession

    auth.pupil(world.one, world.one.pupil_a)  # a teacher's and a pupil's sessions, started now
    with app.app_context():
        started = db.session.execute(select(func.count(AuthSession.id))).scalar_one()
    assert started >= 2
    runner = app.test_cli_runner()
    assert "Deleted 0 sign-in session" in runner.invoke(args=["retention"]).output
    later = now_utc() + timedelta(days=31)
    monkeypatch.setattr("quizapp.services.data_protection.now_utc", lambda: later)
    assert f"Would delete {started} sign-in session" in runner.invoke(args=["retention", "--dry-run"]).output
    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0 and f"Deleted {started} sign-in session" in result.output
    with app.app_context():
        assert db.session.execute(select(func.count(AuthSession.id))).scalar_one() == 0
        assert db.session.get(Pupil, world.one.pupil_a) is not None  # only the records of signing in go
