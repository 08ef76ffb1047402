"""Test fixtures.

The database is the one named by DATABASE_URL (PostgreSQL in CI's second
run) or a SQLite file in a temporary folder. The schema is built once per
run through the real migrations; every test starts from empty tables.

`world` builds two schools with the same shape, so that every access test
also checks that nothing of the other school leaks.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from helpers import PASSWORD, Auth, World, _build_school
from quizapp import create_app, rate_limits
from quizapp.extensions import db
from quizapp.models import PLATFORM_ADMIN
from quizapp.services.accounts import create_user
from smtp_support import smtp  # noqa: F401 (the SMTP server fixture, for every test)


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

        from quizapp.paths import MIGRATIONS_DIR

        upgrade(directory=MIGRATIONS_DIR)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return _database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def base_config(database_url) -> dict:
    return test_config(database_url)


@pytest.fixture(scope="session")
def make_app(base_config):
    """Build another app on the same database, with some settings changed."""

    made = []

    def make(**changes):
        app = create_app({**base_config, **changes})
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def app(make_app):
    app = make_app()
    _reset_schema(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # close pooled connections (PostgreSQL warns otherwise)


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
        rate_limits.reset(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        one = _build_school("oak")
        two = _build_school("elm")
        create_user("platform@deploy.test", PASSWORD, "Platform", PLATFORM_ADMIN)
        db.session.commit()
        db.session.remove()
    return World(one=one, two=two, platform_admin="platform@deploy.test")


@pytest.fixture
def auth(client, world) -> Auth:
    return Auth(client, world)


@pytest.fixture
def year6(app, world):
    """A Year 6 class and pupil in school one, for the 9-11 band: (class id, pupil id)."""
    from quizapp.models import Pupil, SchoolClass

    with app.app_context():
        c = SchoolClass(school_id=world.one.school_id, name="Otters", year_group=6)
        db.session.add(c)
        db.session.flush()
        p = Pupil(school_id=world.one.school_id, class_id=c.id, first_name="Zoë", last_initial="K", year_group=6, pin="cat-dog-sun")
        db.session.add(p)
        db.session.commit()
        world.one.pins[p.id] = p.pin
        return c.id, p.id
