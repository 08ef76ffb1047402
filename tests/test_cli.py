"""The command line: init-db, seed-demo, create-school, create-user, content check."""
from __future__ import annotations

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import ParentLink, Pupil, School, SchoolClass, User


def test_init_db_upgrades_an_existing_database(app):
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_seed_demo_builds_a_whole_school_and_prints_sign_ins(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "demo-password-1" in result.output and "robins@demo.example.org" in result.output
    assert "dsl@demo.example.org" in result.output and "parent1@demo.example.org" in result.output
    assert "deputy@demo.example.org" in result.output
    with app.app_context():
        years = db.session.execute(select(SchoolClass.year_group).order_by(SchoolClass.year_group)).scalars().all()
        assert years == [0, 1, 2, 3, 4, 5, 6]
        assert db.session.execute(select(func.count(Pupil.id))).scalar_one() == 56
        assert db.session.execute(select(func.count(ParentLink.id))).scalar_one() == 3
        teachers = db.session.execute(select(User).where(User.is_teacher)).scalars().all()
        assert len(teachers) == 7 and all(len(t.classes) == 1 for t in teachers)
        assert [u.name for u in db.session.execute(select(User).where(User.is_deputy_dsl)).scalars()] == ["Ms Clarke"]
        from quizapp.models import SafeAdult

        adults = db.session.execute(select(SafeAdult).order_by(SafeAdult.position)).scalars().all()
        assert [a.name for a in adults] == ["Mrs Hughes", "Ms Clarke"] and all(a.photo[8:12] == b"WEBP" for a in adults)
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "not added" in again.output


def test_create_school_and_user(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["create-school", "Blean Primary", "blean"]).exit_code == 0
    duplicate = runner.invoke(args=["create-school", "Blean Again", "blean"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    ok = runner.invoke(args=["create-user", "Head@Blean.test", "--name", "Head", "--school", "blean", "--dsl",
                             "--school-admin", "--password", "three random words"])
    assert ok.exit_code == 0, ok.output
    weak = runner.invoke(args=["create-user", "x@blean.test", "--name", "X", "--school", "blean", "--teacher", "--password", "short"])
    assert weak.exit_code != 0 and "at least 10 characters" in weak.output
    no_role = runner.invoke(args=["create-user", "y@blean.test", "--name", "Y", "--school", "blean", "--password", "three random words"])
    assert no_role.exit_code != 0 and "at least one role" in no_role.output
    parent = runner.invoke(args=["create-user", "p@home.test", "--name", "P", "--kind", "parent", "--password", "three random words"])
    assert parent.exit_code == 0
    with app.app_context():
        head = db.session.execute(select(User).where(User.email == "head@blean.test")).scalar_one()
        assert head.is_dsl and head.is_school_admin and head.school.slug == "blean"
        assert db.session.execute(select(func.count(School.id))).scalar_one() == 1


def test_content_check_command(app):
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "modules" in result.output and "questions" in result.output and "outcomes" in result.output
