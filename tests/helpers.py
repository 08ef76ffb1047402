"""Helpers shared by the tests: CSRF-aware posting, a two-school world, signing in."""
from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import PARENT, STAFF, Answer, Assignment, Concern, ParentLink, Pupil, School, SchoolClass, User
from quizapp.services.accounts import create_user
from quizapp.services.pupil_signin import random_pin

PASSWORD = "correct horse battery"


_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/signin") -> str:
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = _TOKEN.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


_ANSWER_TOKEN = re.compile(r'name="answer_token" value="([^"]+)"')


def answer_token(client, url: str) -> str:
    """The signed answer token on a pupil's question page."""
    return _ANSWER_TOKEN.search(client.get(url).get_data(as_text=True)).group(1)


def send_answer(client, token, module_id, question, fields, client_id=None, source="quiz"):
    """What the page's JavaScript sends for one answer."""
    payload = {"module": module_id, "question": question.id, "client_id": client_id or uuid.uuid4().hex,
               "token": token, "source": source, "fields": fields}
    return client.post("/pupil/api/answer", data=json.dumps(payload), content_type="application/json",
                       headers={"Accept": "application/json"})


def post(client, path: str, data: dict | None = None, token_from: str = "/signin", **kw):
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, token_from))
    return client.post(path, data=data, **kw)


@dataclass
class SchoolWorld:
    school_id: int
    slug: str
    class_a: int  # Year 1
    class_b: int  # Year 4
    pupil_a: int  # in class A, linked to the parent
    pupil_a2: int  # in class A, not linked
    pupil_b: int  # in class B
    concern: int = 0  # raised by pupil_a
    assignment: int = 0  # passwords-4-7 for class A
    safe_adult: int = 0  # one of the school's safe adults, with a photo (add_safe_adults; none by default)
    emails: dict[str, str] = field(default_factory=dict)
    pins: dict[int, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)  # role -> users.id, as in emails


@dataclass
class World:
    one: SchoolWorld
    two: SchoolWorld
    platform_admin: str


def _build_school(slug: str) -> SchoolWorld:
    school = School(name=f"{slug.title()} Primary", slug=slug)
    db.session.add(school)
    db.session.flush()
    class_a = SchoolClass(school_id=school.id, name="Hedgehogs", year_group=1)
    class_b = SchoolClass(school_id=school.id, name="Badgers", year_group=4)
    db.session.add_all([class_a, class_b])
    db.session.flush()
    emails = {
        "teacher_a": f"teacher.a@{slug}.test",
        "teacher_b": f"teacher.b@{slug}.test",
        "dsl": f"dsl@{slug}.test",
        "admin": f"admin@{slug}.test",
        "parent": f"parent@{slug}.test",
    }
    teacher_a = create_user(emails["teacher_a"], PASSWORD, "Ms A", STAFF, school, teacher=True)
    teacher_b = create_user(emails["teacher_b"], PASSWORD, "Mr B", STAFF, school, teacher=True)
    teacher_a.classes.append(class_a)
    teacher_b.classes.append(class_b)
    create_user(emails["dsl"], PASSWORD, "Mrs D", STAFF, school, dsl=True)
    create_user(emails["admin"], PASSWORD, "Mr Admin", STAFF, school, school_admin=True)
    parent = create_user(emails["parent"], PASSWORD, "Pat Parent", PARENT)
    pupils = []
    for name, cls, year in (("Amara", class_a, 1), ("Ben", class_a, 1), ("Chloe", class_b, 4)):
        pupil = Pupil(school_id=school.id, class_id=cls.id, first_name=name, last_initial="S", year_group=year, pin=random_pin())
        db.session.add(pupil)
        pupils.append(pupil)
    db.session.flush()
    db.session.add(ParentLink(parent_id=parent.id, pupil_id=pupils[0].id))
    concern = Concern(school_id=school.id, pupil_id=pupils[0].id, class_id=class_a.id, pupil_name=pupils[0].display_name,
                      class_name=class_a.name, category="unkind", words="Someone called me names", talk_to="teacher")
    assignment = Assignment(school_id=school.id, module_id="passwords-4-7", class_id=class_a.id)
    db.session.add_all([concern, assignment])
    db.session.commit()
    return SchoolWorld(
        school_id=school.id, slug=slug, class_a=class_a.id, class_b=class_b.id,
        pupil_a=pupils[0].id, pupil_a2=pupils[1].id, pupil_b=pupils[2].id, concern=concern.id, assignment=assignment.id,
        emails=emails, pins={p.id: p.pin for p in pupils},
        user_ids={role: db.session.execute(select(User.id).where(User.email == email)).scalar_one()
                  for role, email in emails.items()},
    )


class Auth:
    """Sign people in through the real pages."""

    def __init__(self, client, world: World):
        self.client = client
        self.world = world

    def adult(self, email: str):
        response = post(self.client, "/signin", {"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def open_class(self, school: SchoolWorld, class_id: int) -> str:
        """A teacher opens class sign-in; returns the class code. Leaves the client signed out."""
        role = {school.class_a: "teacher_a", school.class_b: "teacher_b"}.get(class_id, "admin")
        email = school.emails[role]
        self.adult(email)
        post(self.client, f"/teacher/classes/{class_id}/signin/open", token_from="/teacher/")
        html = self.client.get(f"/teacher/classes/{class_id}").get_data(as_text=True)
        code = re.search(r"Class code: <strong>([A-Z0-9]+)</strong>", html).group(1)
        post(self.client, "/signout", token_from="/teacher/")
        return code

    def pupil(self, school: SchoolWorld, pupil_id: int, class_id: int | None = None):
        class_id = class_id or (school.class_b if pupil_id == school.pupil_b else school.class_a)
        code = self.open_class(school, class_id)
        response = post(self.client, "/tablet", {"code": code}, token_from="/tablet")
        assert response.status_code == 302
        response = post(self.client, f"/tablet/pupil/{pupil_id}", {"pin": school.pins[pupil_id]}, token_from="/tablet")
        assert response.status_code == 302 and response.headers["Location"].endswith("/pupil/"), response.status_code
        return response

    def signout(self):
        return post(self.client, "/signout", token_from="/")


def do_module(app, pupil_id: int, module_id: str, right: bool = True) -> None:
    """A pupil works through a whole module (every lesson step and quiz
    question, all right or all wrong), stored and counted by the services as
    the pupil's pages would."""
    from werkzeug.datastructures import MultiDict

    from quizapp.content import get_content
    from quizapp.questions import get_type
    from quizapp.services import counting, positions
    from simulation.solver import right_fields, wrong_fields

    with app.app_context():
        module = get_content().modules[module_id]
        pupil = db.session.get(Pupil, pupil_id)
        for source, questions in (("lesson", module.lesson_questions()), ("quiz", module.bank.questions)):
            for question in questions:
                qt = get_type(question.type)
                grade = qt.check(question, qt.parse(question, MultiDict(
                    [(k, v) for k, vs in (right_fields if right else wrong_fields)(question).items() for v in vs])))
                db.session.add(Answer(school_id=pupil.school_id, pupil_id=pupil.id, module_id=module.id,
                                      question_id=question.id, content_version=module.version, source=source,
                                      response=grade.record, correct=grade.correct, score=grade.score,
                                      first_try=False, client_id=uuid.uuid4().hex))
        db.session.commit()
        positions.save_lesson_position(pupil, module, len(module.lesson.steps) + 1)
        counting.catch_up(pupil.school_id)


def add_safe_adults(app, world: World) -> None:
    """Give each school of the world one safe adult with a photo (world.<school>.safe_adult)."""
    import io

    from PIL import Image

    from quizapp.models import SafeAdult

    picture = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 90, 160)).save(picture, "WEBP")
    with app.app_context():
        for school in (world.one, world.two):
            adult = SafeAdult(school_id=school.school_id, name="Mrs Lane", role="keeps children safe at our school",
                              photo=picture.getvalue(), photo_version=1)
            db.session.add(adult)
            db.session.flush()
            school.safe_adult = adult.id
        db.session.commit()
        db.session.remove()
