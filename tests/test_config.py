"""Configuration from the environment, and production refusing weak secrets."""
from __future__ import annotations

from datetime import UTC

import pytest

from quizapp import create_app
from quizapp.config import DEV_SECRET_KEY, ConfigError


def test_production_refuses_a_missing_or_development_key(monkeypatch, base_config):
    monkeypatch.setenv("QUIZAPP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = {k: v for k, v in base_config.items() if k != "SECRET_KEY"}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(config)
    with pytest.raises(ConfigError):
        create_app({**config, "SECRET_KEY": DEV_SECRET_KEY})
    with pytest.raises(ConfigError):
        create_app({**config, "SECRET_KEY": "short"})


def test_production_starts_with_a_real_key(monkeypatch, base_config):
    monkeypatch.setenv("QUIZAPP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    config = {k: v for k, v in base_config.items() if k != "SECRET_KEY"}
    app = create_app(config)
    assert app.config["PRODUCTION"] and app.config["SESSION_COOKIE_SECURE"]


def test_database_url_defaults_to_sqlite_in_the_instance_folder(monkeypatch, base_config):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = {k: v for k, v in base_config.items() if k != "SQLALCHEMY_DATABASE_URI"}
    app = create_app(config)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("quizapp.sqlite")
    assert app.instance_path in app.config["SQLALCHEMY_DATABASE_URI"]


def test_database_url_from_the_environment(monkeypatch, base_config):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://someone@db.example:5432/quiz")
    config = {k: v for k, v in base_config.items() if k != "SQLALCHEMY_DATABASE_URI"}
    app = create_app(config)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db.example:5432/quiz"


def test_the_date_filter_shows_the_schools_time_zone_without_a_leading_zero(make_app):
    """Templates format dates with `|date(...)`: a summer evening in UTC is the
    next day in London, and `%-d` works on every platform."""
    from datetime import date, datetime

    from flask import render_template_string

    app = make_app()
    with app.test_request_context():
        late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
        assert render_template_string("{{ t|date('%-d %B %Y at %H:%M') }}", t=late) == "1 July 2026 at 00:30"
        assert render_template_string("{{ d|date('%-d %b') }}", d=date(2026, 3, 5)) == "5 Mar"
        assert render_template_string("{{ n|date }}", n=None) == ""
