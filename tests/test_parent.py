"""A parent sees the topics their own child finished, and how to talk about them."""
from __future__ import annotations

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
    auth.adult(world.one.emails["parent"])
    home = client.get("/parent/").get_data(as_text=True)
    assert "Amara S." in home and "1 of 8 topics finished" in home and "Ben" not in home
    page = client.get(f"/parent/children/{world.one.pupil_a}").get_data(as_text=True)
    assert "Finished on" in page and module.outline.outcomes[0].parent_text.replace("'", "&#39;") in page
    assert module.lesson.talk_prompts[0].replace("'", "&#39;") in page
    assert "secret-answer-id" not in page and "passwords-4-7-q01" not in page  # no per-question answers
    png = client.get(f"/parent/children/{world.one.pupil_a}/certificates/passwords-4-7.png")
    assert png.status_code == 200 and png.data[:4] == b"\x89PNG"
    assert client.get(f"/parent/children/{world.one.pupil_a2}/certificates/being-kind-4-7.png").status_code == 404
    assert client.get(f"/parent/children/{world.one.pupil_a}/certificates/being-kind-4-7.png").status_code == 404
    assert client.get(f"/parent/children/{world.two.pupil_a}").status_code == 404
