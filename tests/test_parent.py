"""A parent sees the topics their own child finished, and how to talk about them."""
from __future__ import annotations

from helpers import post
from quizapp.content import get_content
from quizapp.extensions import db
from quizapp.models import Answer, ModuleProgress, now_utc


def _finish(app, pupil_id, school_id, module_id):
    with app.app_context():
        db.session.add(ModuleProgress(school_id=school_id, pupil_id=pupil_id, module_id=module_id, content_version="v",
                                      completed_at=now_utc()))
        db.session.add(Answer(school_id=school_id, pupil_id=pupil_id, module_id=module_id, question_id="passwords-4-7-q01",
                              content_version="v", source="quiz", response={"choice": "secret-answer-id"}, correct=False,
                              score=0, first_try=True, client_id=f"x{pupil_id}"))
        db.session.commit()


def test_parent_sees_finished_topics_outcomes_and_talk_prompts(app, client, auth, world):
    _finish(app, world.one.pupil_a, world.one.school_id, "passwords-4-7")
    _finish(app, world.one.pupil_a2, world.one.school_id, "being-kind-4-7")  # a classmate: not this parent's child
    with app.app_context():
        module = get_content().modules["passwords-4-7"]
        topics = len(get_content().topics)
    auth.adult(world.one.emails["parent"])
    home = client.get("/parent/").get_data(as_text=True)
    assert "Amara S." in home and f"1 of {topics} topics finished" in home and "Ben" not in home
    page = client.get(f"/parent/children/{world.one.pupil_a}").get_data(as_text=True)
    assert "Finished on" in page and module.outline.outcomes[0].parent_text.replace("'", "&#39;") in page
    assert module.lesson.talk_prompts[0].replace("'", "&#39;") in page
    assert "secret-answer-id" not in page and "passwords-4-7-q01" not in page  # no per-question answers
    png = client.get(f"/parent/children/{world.one.pupil_a}/certificates/passwords-4-7.png")
    assert png.status_code == 200 and png.data[:4] == b"\x89PNG"
    assert client.get(f"/parent/children/{world.one.pupil_a2}/certificates/being-kind-4-7.png").status_code == 404
    assert client.get(f"/parent/children/{world.one.pupil_a}/certificates/being-kind-4-7.png").status_code == 404
    assert client.get(f"/parent/children/{world.two.pupil_a}").status_code == 404


def _letter_codes(app, client, auth, world):
    """A teacher prints letters; returns the plain codes per pupil (as the PDF would show them)."""
    import re as _re

    from quizapp.services import parent_links

    captured = {}
    real_issue = parent_links.issue_codes

    def spy(*args, **kwargs):
        entries = real_issue(*args, **kwargs)
        captured.update({pupil.id: code for pupil, code in entries})
        return entries

    import quizapp.teacher.letters as letters_module

    letters_module.parent_links.issue_codes = spy
    try:
        auth.adult(world.one.emails["teacher_a"])
        pdf = post(client, f"/teacher/classes/{world.one.class_a}/letters", token_from=f"/teacher/classes/{world.one.class_a}/letters")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        auth.signout()
    finally:
        letters_module.parent_links.issue_codes = real_issue
    assert all(_re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", c) for c in captured.values())
    return captured


def test_a_parent_signs_up_with_the_letter_code_and_links_a_second_child(app, client, auth, world):
    codes = _letter_codes(app, client, auth, world)
    bad = post(client, "/parent/register", {"name": "Kim", "email": "kim@home.test", "password": "three random words",
                                            "code": "ZZZZ-ZZZZ"}, token_from="/parent/register")
    assert bad.status_code == 400 and "did not work" in bad.get_data(as_text=True)
    ok = post(client, "/parent/register", {"name": "Kim", "email": "kim@home.test", "password": "three random words",
                                           "code": codes[world.one.pupil_a2].lower().replace("-", " ")}, token_from="/parent/register")
    assert ok.status_code == 302 and ok.headers["Location"] == "/parent/"
    assert "Ben S." in client.get("/parent/").get_data(as_text=True)
    post(client, "/parent/link", {"code": codes[world.one.pupil_a]}, token_from="/parent/link")
    home = client.get("/parent/").get_data(as_text=True)
    assert "Ben S." in home and "Amara S." in home
    auth.signout()
    # The code is single use: nobody else can use it now.
    auth.adult(world.one.emails["parent"])
    again = post(client, "/parent/link", {"code": codes[world.one.pupil_a2]}, token_from="/parent/link")
    assert "already been used" in again.get_data(as_text=True)


def test_staff_see_and_remove_links(app, client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    page = client.get("/teacher/parent-links").get_data(as_text=True)
    assert "Pat Parent" in page and "Amara S." in page
    import re as _re

    link_id = _re.search(r"/teacher/parent-links/(\d+)/revoke", page).group(1)
    post(client, f"/teacher/parent-links/{link_id}/revoke", token_from="/teacher/parent-links")
    auth.signout()
    auth.adult(world.one.emails["parent"])
    assert client.get(f"/parent/children/{world.one.pupil_a}").status_code == 404
