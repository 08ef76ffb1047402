"""Issue 15: a teacher's home, class and progress pages lead to the next step;
parents see finished topics first; coverage explains what it leaves out."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from helpers import do_module, post
from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import Assignment
from quizapp.services import dashboards


def _card(page: str, class_id: int) -> str:
    assert f'data-class-card="{class_id}"' in page, "no card for the class"
    return page.split(f'data-class-card="{class_id}"', 1)[1].split("data-class-card=", 1)[0].split("</section>", 1)[0]


def test_the_home_page_has_a_card_per_class_with_its_set_topics(app, client, auth, world):
    auth.adult(world.one.emails["teacher_a"])  # Hedgehogs: passwords set, 2 pupils
    card = _card(client.get("/teacher/").get_data(as_text=True), world.one.class_a)
    assert "Safe passwords" in card and "finished 0 of 2 pupils" in card and "0 pupils Emerging on set topics" in card
    assert "Open class sign-in for Hedgehogs" in card and "What to teach next in Hedgehogs" in card
    do_module(app, world.one.pupil_a, "passwords-4-7", right=True)
    do_module(app, world.one.pupil_a2, "passwords-4-7", right=False)
    card = _card(client.get("/teacher/").get_data(as_text=True), world.one.class_a)
    assert "finished 2 of 2 pupils" in card and "1 pupil Emerging on set topics" in card
    auth.open_class(world.one, world.one.class_a)
    auth.adult(world.one.emails["teacher_a"])
    card = _card(client.get("/teacher/").get_data(as_text=True), world.one.class_a)
    assert "Class sign-in open" in card and "Open class sign-in" not in card


def test_a_topic_set_for_a_year_group_shows_on_its_classes_cards_only(app, client, auth, world):
    with app.app_context():
        db.session.add(Assignment(school_id=world.one.school_id, module_id="being-kind-7-9", year_group=4))
        db.session.commit()
    auth.adult(world.one.emails["admin"])
    page = client.get("/teacher/").get_data(as_text=True)
    assert "Being kind" in _card(page, world.one.class_b) and "Being kind" not in _card(page, world.one.class_a)


def test_the_class_page_sets_a_topic_and_lists_the_class_assignments(app, client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    url = f"/teacher/classes/{world.one.class_a}"
    page = client.get(url).get_data(as_text=True)
    assert "Set a topic for this class" in page and "Safe passwords" in page and "0 of 2 pupils" in page
    assert "/teacher/lessons/passwords-4-7" in page and f"/teacher/classes/{world.one.class_a}/questions" in page
    r = post(client, f"{url}/assignments", {"topic": "being-kind", "due_on": "2030-07-01"}, token_from=url, follow_redirects=True)
    assert "Set Being kind online for Hedgehogs." in r.get_data(as_text=True)
    with app.app_context():
        row = db.session.execute(select(Assignment).where(Assignment.module_id == "being-kind-4-7")).scalar_one()
        assert row.class_id == world.one.class_a and row.year_group is None and str(row.due_on) == "2030-07-01"
    r = post(client, f"{url}/assignments", {"topic": ""}, token_from=url, follow_redirects=True)
    assert "Choose a topic." in r.get_data(as_text=True)
    r = post(client, f"{url}/assignments", {"topic": "no-such-topic"}, token_from=url, follow_redirects=True)
    assert "Not a valid choice" in r.get_data(as_text=True)


def test_progress_shows_set_or_started_topics_grouped_with_what_to_teach_next(app, client, auth, world):
    do_module(app, world.one.pupil_a, "passwords-4-7", right=True)
    do_module(app, world.one.pupil_a2, "passwords-4-7", right=False)
    do_module(app, world.one.pupil_a2, "is-it-true-4-7", right=False)  # started, though not set
    auth.adult(world.one.emails["teacher_a"])
    page = client.get(f"/teacher/classes/{world.one.class_a}/progress").get_data(as_text=True)
    with app.app_context():
        content = get_content()
    title = {m: content.modules[f"{m}-4-7"].topic.title for m in ("passwords", "is-it-true", "being-kind")}
    assert f"<h2>{title['passwords']}" in page and f"<h2>{title['is-it-true']}" in page and f"<h2>{title['being-kind']}" not in page
    assert "What to teach next" in page and "Revisit the lesson" in page
    panel = page[page.index('id="teach-next"'):page.index("</ol>")]
    assert "1 pupil Emerging" in panel and "What they got wrong" in panel
    assert re.search(r'/teacher/lessons/(passwords|is-it-true)-4-7#[a-z0-9-]+"', panel)
    for o in content.modules["passwords-4-7"].outline.outcomes:
        assert o.text.replace("'", "&#39;") in page  # full labels, in the table head
    everything = client.get(f"/teacher/classes/{world.one.class_a}/progress?all=1").get_data(as_text=True)
    assert f"<h2>{title['being-kind']}" in everything
    questions = client.get(f"/teacher/classes/{world.one.class_a}/questions").get_data(as_text=True)
    assert f"<h2>{title['passwords']}" in questions and f"<h2>{title['being-kind']}" not in questions
    assert title['being-kind'] in client.get(f"/teacher/classes/{world.one.class_a}/questions?all=1").get_data(as_text=True)
    year = client.get("/teacher/years/1/progress").get_data(as_text=True)
    assert title['passwords'] in year and content.modules["being-kind-4-7"].outline.outcomes[0].text.replace("'", "&#39;") not in year


def test_topics_with_no_answers_say_so_not_zero_percent(app, client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    page = client.get(f"/teacher/classes/{world.one.class_a}/questions").get_data(as_text=True)
    assert "No answers yet" in page and not re.search(r">\s*0%", page)
    page = client.get(f"/teacher/classes/{world.one.class_a}/progress").get_data(as_text=True)
    assert "No pupil is Emerging on these topics yet" in page


def test_teach_next_ranks_outcomes_by_pupils_emerging(ctx):
    content = get_content()
    outcomes = content.modules["passwords-4-7"].outline.outcomes
    counts = {o.id: Counter() for o in outcomes}
    counts[outcomes[0].id][dashboards.EMERGING] = 1
    counts[outcomes[2].id][dashboards.EMERGING] = 5
    ranked = dashboards.teach_next(content, outcomes, counts, [])
    assert [t.outcome.id for t in ranked] == [outcomes[2].id, outcomes[0].id]
    assert all(t.module.id == "passwords-4-7" and t.step_id for t in ranked)


def test_the_lesson_page_shows_every_step(app, client, auth, world):
    auth.adult(world.one.emails["teacher_b"])
    with app.app_context():
        module = get_content().modules["passwords-4-7"]
    page = client.get("/teacher/lessons/passwords-4-7").get_data(as_text=True)
    assert all(f'id="{step.id}"' in page for step in module.lesson.steps)


def test_coverage_has_plain_headings_and_explains_uncovered_strands(client, auth, world):
    auth.adult(world.one.emails["admin"])
    page = client.get("/teacher/coverage").get_data(as_text=True)
    assert "Strands not covered" in page and "Copyright and ownership" in page and "computing lessons" in page
    for by, first in (("topic", "Topic"), ("strand", "Strand")):
        head = client.get(f"/teacher/coverage?format=csv&by={by}").get_data(as_text=True).splitlines()[0]
        assert head == f"{first},Pupils,Pupils who finished,Finished (%)"
    head = client.get(f"/teacher/classes/{world.one.class_a}/questions?format=csv").get_data(as_text=True).splitlines()[0]
    assert head.startswith("Topic,Question,Pupils who tried it")


def test_every_strand_left_out_is_explained_in_the_content_guide(ctx):
    guide = (Path(__file__).parents[1] / "docs" / "content-guide.md").read_text(encoding="utf-8")
    section = guide.split("### UKCIS strands out of scope", 1)[1].split("\n## ", 1)[0]
    uncovered = dashboards.uncovered_strands(get_content())
    assert uncovered, "the app leaves out copyright and ownership"
    for label, reason in uncovered:
        assert f"**{label}**" in section
        assert reason != "No topic teaches it yet."


def test_a_parent_sees_finished_topics_first_one_line_for_the_rest_and_the_apps_words(app, client, auth, world):
    do_module(app, world.one.pupil_a, "upsetting-content-4-7")
    auth.adult(world.one.emails["parent"])
    page = client.get(f"/parent/children/{world.one.pupil_a}").get_data(as_text=True)
    with app.app_context():
        content = get_content()
    first_h2 = re.search(r"<h2>(.*?)</h2>", page).group(1)
    assert first_h2 == content.modules["upsetting-content-4-7"].topic.title
    assert "Still to come" in page and f"<strong>{content.modules['passwords-4-7'].topic.title}</strong>: not finished yet" in page
    assert 'Report' in page or 'Tell now' in page
    assert '<span class="app-button">Tell now</span>' in page
    assert "9-11" not in page and "ages 7-9" not in page


def test_the_home_page_costs_the_same_for_two_classes_as_for_twelve(app, client, auth, world):
    from quizapp.models import SchoolClass
    from test_dashboards import _queries

    auth.adult(world.one.emails["admin"])
    do_module(app, world.one.pupil_a, "passwords-4-7", right=False)
    few = _queries(app, client, "/teacher/")
    with app.app_context():
        for n in range(10):
            school_class = SchoolClass(school_id=world.one.school_id, name=f"Class {n}", year_group=1 + n % 6)
            db.session.add(school_class)
            db.session.flush()
            db.session.add(Assignment(school_id=world.one.school_id, module_id="passwords-4-7", class_id=school_class.id))
        db.session.commit()
    auth.open_class(world.one, world.one.class_b)
    auth.adult(world.one.emails["admin"])
    assert _queries(app, client, "/teacher/") == few
