"""Teachers set topics for a class or a year group, and see who has finished."""
from __future__ import annotations

from sqlalchemy import select

from helpers import post
from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import Assignment, ModuleProgress


def test_a_teacher_sets_topics_for_their_year_group(app, client, auth, world):
    auth.adult(world.one.emails["teacher_b"])  # Badgers, Year 4
    page = client.get("/teacher/assignments").get_data(as_text=True)
    assert "Year 4: every class" in page and "Hedgehogs" not in page
    r = post(client, "/teacher/assignments", {"target": "y4", "topics": ["passwords", "being-kind"], "due_on": "2030-07-01"},
             token_from="/teacher/assignments")
    assert r.status_code == 302
    with app.app_context():
        rows = db.session.execute(select(Assignment).where(Assignment.year_group == 4)).scalars().all()
        assert sorted(r.module_id for r in rows) == ["being-kind-7-9", "passwords-7-9"]
    auth.signout()
    auth.pupil(world.one, world.one.pupil_b)
    home = client.get("/pupil/").get_data(as_text=True)
    assert "Set by my teacher" in home and "Finish by 1 July" in home


def test_bad_assignment_input_is_explained(client, auth, world):
    auth.adult(world.one.emails["teacher_b"])
    for data, message in [
        ({"target": "", "topics": ["passwords"]}, "Choose a class or a year group."),
        ({"target": f"c{world.one.class_a}", "topics": ["passwords"]}, "Not a valid choice"),  # not their class
        ({"target": "y4", "topics": ["passwords"], "start_on": "2030-07-02", "due_on": "2030-07-01"}, "before the start date"),
        ({"target": "y4"}, "Choose at least one module."),
        ({"target": "y4", "topics": ["no-such-topic"]}, "is not a valid choice"),
    ]:
        r = post(client, "/teacher/assignments", data, token_from="/teacher/assignments", follow_redirects=True)
        assert message.lower() in r.get_data(as_text=True).lower(), data


def test_completion_per_assignment_counts_finished_pupils(app, client, auth, world):
    with app.app_context():
        db.session.add(ModuleProgress(school_id=world.one.school_id, pupil_id=world.one.pupil_a, module_id="passwords-4-7",
                                      content_version="x", completed_at=db.func.now()))
        db.session.commit()
    auth.adult(world.one.emails["teacher_a"])
    page = client.get("/teacher/assignments").get_data(as_text=True)
    assert "1 of 2 (50%)" in page


def test_removing_an_assignment(app, client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    post(client, f"/teacher/assignments/{world.one.assignment}/remove", token_from="/teacher/assignments")
    with app.app_context():
        assert db.session.get(Assignment, world.one.assignment) is None


def test_the_whole_sequence_for_a_class(app, client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    post(client, "/teacher/assignments", {"target": f"c{world.one.class_a}", "whole_sequence": "y"}, token_from="/teacher/assignments")
    with app.app_context():
        rows = db.session.execute(select(Assignment.module_id).where(Assignment.class_id == world.one.class_a)).scalars().all()
        assert len(set(rows)) == len(get_content().topics) and all(r.endswith("-4-7") for r in rows)
