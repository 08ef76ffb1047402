"""Operations an operator may need to account for write one structured log
line each (quizapp/oplog.py): who, what, which school; never a pupil's name
or words."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from helpers import post
from quizapp.extensions import db
from quizapp.models import Pupil, now_utc


@pytest.fixture
def ops(caplog):
    caplog.set_level(logging.INFO, logger="quizapp.ops")

    def lines(event: str) -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.name == "quizapp.ops" and r.ops["event"] == event]

    return lines


def _no_pupil_words(record: logging.LogRecord) -> None:
    text = record.getMessage()
    for words in ("Amara", "Someone called me names"):
        assert words not in text


def test_erasing_a_pupil_says_who_which_school_and_which_pupil(client, auth, world, ops):
    auth.adult(world.one.emails["admin"])
    url = f"/teacher/pupils/{world.one.pupil_a}/erase"
    assert post(client, url, {"confirm": "Amara"}, token_from=url).status_code == 302
    [line] = ops("pupil_erased")
    assert line.ops["by"] == f"staff:{world.one.user_ids['admin']}"
    assert line.ops["school"] == world.one.school_id and line.ops["pupil"] == world.one.pupil_a
    assert line.getMessage().startswith("ops event=pupil_erased by=staff:")
    _no_pupil_words(line)


def test_turning_a_staff_account_off_and_on_is_logged(client, auth, world, ops):
    auth.adult(world.one.emails["admin"])
    target = world.one.user_ids["teacher_b"]
    for on in (False, True):
        post(client, f"/teacher/staff/{target}/active", {"active": "1" if on else "0"}, token_from="/teacher/staff")
    [off], [back_on] = ops("staff_account_off"), ops("staff_account_on")
    assert off.ops["staff"] == back_on.ops["staff"] == target
    assert off.ops["school"] == world.one.school_id and off.ops["by"] == f"staff:{world.one.user_ids['admin']}"


def test_resetting_a_pin_is_logged_without_the_pin(client, auth, world, ops):
    auth.adult(world.one.emails["teacher_a"])
    post(client, f"/teacher/pupils/{world.one.pupil_a}/reset-pin", {}, token_from=f"/teacher/classes/{world.one.class_a}")
    [line] = ops("pin_reset")
    assert line.ops == {"event": "pin_reset", "by": f"staff:{world.one.user_ids['teacher_a']}",
                        "school": world.one.school_id, "pupil": world.one.pupil_a}
    _no_pupil_words(line)


def test_a_retention_run_logs_each_erasure_and_a_summary(app, world, ops):
    with app.app_context():
        db.session.get(Pupil, world.one.pupil_a).archived_at = now_utc() - timedelta(days=4000)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    [erased] = ops("pupil_erased")
    assert erased.ops["by"] == "retention" and erased.ops["pupil"] == world.one.pupil_a
    [run] = ops("retention_run")
    assert run.ops["pupils_erased"] == 1 and run.ops["dry_run"] is False and run.ops["school"] == "all"
    _no_pupil_words(erased)


def test_a_backup_is_logged(app, world, tmp_path, ops):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("backup/restore is for SQLite; PostgreSQL uses pg_dump")
    target = tmp_path / "school.sqlite"
    assert app.test_cli_runner().invoke(args=["backup", str(target)]).exit_code == 0
    [line] = ops("backup")
    assert line.ops["path"] == str(target) and line.ops["pages"] > 0 and line.ops["by"] == "cli"
