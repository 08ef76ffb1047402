"""Test fixtures.

The database is the one named by DATABASE_URL (PostgreSQL in CI's second
run) or a SQLite file in a temporary folder. The schema is built once per
run through the real migrations; every test starts from empty tables.

`world` builds two schools with the same shape, so that every access test
also checks that nothing of the other school leaks.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import text

from quizapp import create_app
from quizapp.extensions import db, limiter
from quizapp.models import PARENT, PLATFORM_ADMIN, STAFF, ParentLink, Pupil, School, SchoolClass
from quizapp.services.accounts import create_user
from quizapp.services.pupil_signin import random_pin

PASSWORD = "correct horse battery"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def test_config(url: str, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-1234",
        "SQLALCHEMY_DATABASE_URI": url,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        "ARGON2_PARALLELISM": 1,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
    }
    config.update(extra)
    return config


def _reset_schema(app) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        from flask_migrate import upgrade

        from quizapp import MIGRATIONS_DIR

        upgrade(directory=MIGRATIONS_DIR)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return _database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def base_config(database_url, tmp_path_factory) -> dict:
    extra = {}
    if os.environ.get("QUIZAPP_TEST_CONTENT") == "fixture":  # TEMPORARY while content is written
        import content_factory

        extra = content_factory.build(tmp_path_factory.mktemp("content"))
    return test_config(database_url, **extra)


@pytest.fixture(scope="session")
def make_app(base_config):
    """Build another app on the same database, with some settings changed."""

    def make(**changes):
        return create_app({**base_config, **changes})

    return make


@pytest.fixture(scope="session")
def app(make_app):
    app = make_app()
    _reset_schema(app)
    return app


@pytest.fixture(autouse=True)
def _clean(request):
    """Empty every table and the rate-limit store after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


# ------------------------------------------------------------------ helpers

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/signin") -> str:
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = _TOKEN.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


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
    emails: dict[str, str] = field(default_factory=dict)
    pins: dict[int, str] = field(default_factory=dict)


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
    db.session.commit()
    return SchoolWorld(
        school_id=school.id, slug=slug, class_a=class_a.id, class_b=class_b.id,
        pupil_a=pupils[0].id, pupil_a2=pupils[1].id, pupil_b=pupils[2].id,
        emails=emails, pins={p.id: p.pin for p in pupils},
    )


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        one = _build_school("oak")
        two = _build_school("elm")
        create_user("platform@deploy.test", PASSWORD, "Platform", PLATFORM_ADMIN)
        db.session.commit()
        db.session.remove()
    return World(one=one, two=two, platform_admin="platform@deploy.test")


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
        email = school.emails["teacher_a" if class_id == school.class_a else "teacher_b"]
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


@pytest.fixture
def auth(client, world) -> Auth:
    return Auth(client, world)
