"""Dashboards: what they show, who may see them, and a cost that does not grow per pupil."""
from __future__ import annotations

import random

import pytest
from sqlalchemy import event, insert

from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import Answer, ModuleProgress, Pupil, SchoolClass
from quizapp.services import dashboards
from quizapp.services.counting import rebuild_tallies


def test_levels_follow_the_published_rule():
    assert dashboards.level_for(0, 0) == "not_started"
    assert dashboards.level_for(0, 2) == "emerging"
    assert dashboards.level_for(1, 1) == "developing"  # one right is not yet secure
    assert dashboards.level_for(1, 2) == "developing"
    assert dashboards.level_for(4, 5) == "secure"
    assert dashboards.level_for(3, 5) == "developing"


def test_the_mastery_rule_gives_the_same_level_in_python_and_in_sql(app):
    """level_for (Python) and level_sql (the database's CASE) are one rule."""
    from sqlalchemy import literal, select

    pairs = [(right, tried) for tried in range(1, 13) for right in range(tried + 1)]
    with app.app_context():
        for right, tried in pairs:
            in_sql = db.session.execute(select(dashboards.level_sql(literal(right), literal(tried)))).scalar_one()
            assert in_sql == dashboards.level_for(right, tried), (right, tried)


def _seed(app, school_id: int, year_group: int, classes: int, per_class: int, answers_each: int = 20) -> list[int]:
    """Pupils with first-try answers to real questions of their band; returns class ids."""
    rng = random.Random(7)
    with app.app_context():
        content = get_content()
        band = "7-9" if year_group in (3, 4) else "4-7"
        questions = [(m.id, q) for m in content.modules_for_band(band) for q in m.bank.questions]
        class_ids = []
        for c in range(classes):
            school_class = SchoolClass(school_id=school_id, name=f"Y{year_group}-{c}-{rng.random():.6f}", year_group=year_group)
            db.session.add(school_class)
            db.session.flush()
            class_ids.append(school_class.id)
            pupils = [dict(school_id=school_id, class_id=school_class.id, first_name=f"P{c}x{i}", last_initial="Q",
                           year_group=year_group, pin="cat-cat-cat") for i in range(per_class)]
            db.session.execute(insert(Pupil), pupils)
        db.session.flush()
        pupil_ids = [p.id for p in db.session.query(Pupil).filter(Pupil.class_id.in_(class_ids))]
        rows = []
        for pid in pupil_ids:
            for module_id, q in rng.sample(questions, answers_each):
                right = rng.random() < 0.6
                rows.append(dict(school_id=school_id, pupil_id=pid, module_id=module_id, question_id=q.id,
                                 content_version="v", source="quiz", response=_response(q, right), correct=right,
                                 score=1.0 if right else 0.0, first_try=True, client_id=f"{pid}-{q.id}"))
            for module_id, q in rng.sample(questions, 3):  # a "Remember?" revisit (services/revisits.py)
                rows.append(dict(school_id=school_id, pupil_id=pid, module_id=module_id, question_id=q.id,
                                 content_version="v", source="revisit-1", response=_response(q, True), correct=True,
                                 score=1.0, first_try=True, client_id=f"{pid}-{q.id}-r1"))
        db.session.execute(insert(Answer), rows)
        db.session.execute(insert(ModuleProgress), [dict(school_id=school_id, pupil_id=pid, module_id=questions[0][0],
                                                        content_version="v") for pid in pupil_ids])
        db.session.commit()
        rebuild_tallies(content, school_id)
        return class_ids


def _response(q, right):
    if q.type == "single_choice":
        return {"choice": next(o.id for o in q.options if o.correct == right)}
    return {}


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._tick)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._tick)

    def _tick(self, *args):
        self.count += 1


def _queries(app, client, url):
    with app.app_context():
        engine = db.engine
    with QueryCounter(engine) as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


def test_dashboards_cost_the_same_for_30_and_300_pupils(app, client, auth, world):
    small = _seed(app, world.one.school_id, 3, classes=1, per_class=30)
    big = _seed(app, world.one.school_id, 4, classes=10, per_class=30)
    auth.adult(world.one.emails["admin"])
    pairs = [
        ("/teacher/years/3/questions", "/teacher/years/4/questions"),
        ("/teacher/years/3/progress", "/teacher/years/4/progress"),
        ("/teacher/coverage?year=3", "/teacher/coverage?year=4"),
    ]
    for small_url, big_url in pairs:
        assert _queries(app, client, small_url) == _queries(app, client, big_url), (small_url, big_url)
    # The grid for one class of 300 costs what one class of 30 does.
    with app.app_context():
        huge = SchoolClass(school_id=world.one.school_id, name="Everyone", year_group=4)
        db.session.add(huge)
        db.session.flush()
        db.session.query(Pupil).filter(Pupil.class_id.in_(big)).update({Pupil.class_id: huge.id}, synchronize_session=False)
        db.session.commit()
        huge_id = huge.id
    for page in ("progress", "questions"):
        assert _queries(app, client, f"/teacher/classes/{small[0]}/{page}") == _queries(app, client, f"/teacher/classes/{huge_id}/{page}")


def test_grid_and_question_analysis_show_real_answers(app, client, auth, world):
    with app.app_context():
        module = get_content().modules["passwords-4-7"]
        q = next(q for q in module.bank.questions if q.type == "single_choice")
        wrong = next(o for o in q.options if not o.correct)
        for pupil_id, right in ((world.one.pupil_a, False), (world.one.pupil_a2, True)):
            db.session.add(Answer(school_id=world.one.school_id, pupil_id=pupil_id, module_id=module.id, question_id=q.id,
                                  content_version=module.version, source="quiz",
                                  response={"choice": wrong.id if not right else next(o.id for o in q.options if o.correct)},
                                  correct=right, score=float(right), first_try=True, client_id=f"c{pupil_id}"))
        db.session.commit()
        rebuild_tallies(get_content(), world.one.school_id)
    auth.adult(world.one.emails["teacher_a"])
    analysis = client.get(f"/teacher/classes/{world.one.class_a}/questions").get_data(as_text=True)
    assert q.prompt.replace("'", "&#39;") in analysis and "50%" in analysis and wrong.text.replace("'", "&#39;") in analysis
    grid = client.get(f"/teacher/classes/{world.one.class_a}/progress").get_data(as_text=True)
    assert "Amara S." in grid and "Emerging" in grid and "Developing" in grid and "<svg" in grid
    csv_text = client.get(f"/teacher/classes/{world.one.class_a}/progress?format=csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("Pupil,\"I can ") and "Amara S." in csv_text  # plain headings, not ids
    page = client.get(f"/teacher/pupils/{world.one.pupil_a}").get_data(as_text=True)
    assert wrong.feedback.replace("'", "&#39;") in page  # the feedback the pupil saw


@pytest.mark.parametrize("url", ["/teacher/classes/{b}/progress", "/teacher/classes/{b}/questions", "/teacher/pupils/{pb}",
                                 "/teacher/years/4/questions", "/teacher/coverage?year=4", "/teacher/classes/{b}/cards.pdf"])
def test_a_teacher_never_sees_another_class_or_school(client, auth, world, url):
    auth.adult(world.one.emails["teacher_a"])  # Year 1 class only
    assert client.get(url.format(b=world.one.class_b, pb=world.one.pupil_b)).status_code == 404
    auth.signout()
    auth.adult(world.two.emails["admin"])
    other = client.get(url.format(b=world.one.class_b, pb=world.one.pupil_b))
    assert other.status_code == 404 or "/years/" in url or "/coverage" in url  # year pages show their own school only
    auth.signout()
    auth.adult(world.one.emails["admin"])
    with client.get(url.format(b=world.one.class_b, pb=world.one.pupil_b)) as response:
        assert response.status_code == 200


def test_tallies_follow_answers_and_the_year_summary_counts_levels(app, client, auth, world):
    small = _seed(app, world.one.school_id, 4, classes=2, per_class=5)
    with app.app_context():
        content = get_content()
        grid = dashboards.outcome_grid(content, "7-9", world.one.school_id, class_id=small[0])
        outcomes, counts, pupils = dashboards.level_counts(content, "7-9", world.one.school_id, year_group=4)
        # The database's counting agrees with the per-pupil grid, class by class.
        total = {o.id: sum(1 for p in grid.pupils if grid.cells[(p.id, o.id)] == "secure") for o in grid.outcomes}
        other = dashboards.outcome_grid(content, "7-9", world.one.school_id, class_id=small[1])
        for o in outcomes:
            total[o.id] += sum(1 for p in other.pupils if other.cells[(p.id, o.id)] == "secure")
            assert counts[o.id]["secure"] == total[o.id]
        assert pupils == 11  # ten seeded and Chloe in Badgers
        # Rebuilding from the answers gives the same tallies as keeping them up to date.
        before = sorted(db.session.execute(select_tallies()).all())
        rebuild_tallies(content, world.one.school_id)
        assert sorted(db.session.execute(select_tallies()).all()) == before


def select_tallies():
    from sqlalchemy import select

    from quizapp.models import OutcomeTally

    return select(OutcomeTally.pupil_id, OutcomeTally.outcome_id, OutcomeTally.tried, OutcomeTally.right_first_time)
