"""quizapp: online-safety lessons and scenario quizzes for primary schools."""
from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import (
    admin,
    auth,
    cli,
    content,
    database,
    dates,
    errors,
    health,
    oplog,
    parent,
    pupil,
    rate_limits,
    safeguarding,
    school_admin,
    security,
    sessions_hooks,
    teacher,
)
from . import config as config_module
from .extensions import csrf, db, login_manager, migrate
from .json_request import QuizappRequest
from .models.base import MAX_ID
from .paths import MIGRATIONS_DIR, asset_dir
from .services import outbox


class SmallInt(IntegerConverter):
    """<int:...> in URLs, up to the largest id the databases hold: a bigger
    number is simply not found (404), never an overflow in the database."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(asset_dir("templates")),
        static_folder=str(asset_dir("static")),
    )
    app.config.from_mapping(config_module.from_env(app.instance_path))
    if test_config:
        app.config.update(test_config)
    config_module.check_production(app.config)
    config_module.check_flask_run(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    if app.config.get("TRUSTED_PROXIES"):
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.url_map.converters["int"] = SmallInt
    app.request_class = QuizappRequest
    _init_extensions(app)
    _register_blueprints(app)

    cli.init_app(app)
    return app


def compile_templates(app: Flask) -> int:
    """Compile every HTML template into the app's Jinja cache now (gunicorn's
    master does this before forking its workers: gunicorn.conf.py); the
    number compiled."""
    names = [name for name in app.jinja_env.list_templates() if name.endswith((".html", ".svg", ".txt"))]
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    rate_limits.init_app(app)
    login_manager.init_app(app)
    database.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    sessions_hooks.init_app(app)
    content.init_app(app)
    dates.init_app(app)
    oplog.init_app(app)
    outbox.init_app(app)


def _register_blueprints(app: Flask) -> None:
    app.register_blueprint(auth.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(pupil.bp, url_prefix="/pupil")
    app.register_blueprint(pupil.api_bp, url_prefix="/pupil/api")
    app.register_blueprint(teacher.bp, url_prefix="/teacher")
    app.register_blueprint(school_admin.bp, url_prefix="/teacher")
    app.register_blueprint(parent.bp, url_prefix="/parent")
    app.register_blueprint(admin.bp, url_prefix="/admin")
    app.register_blueprint(safeguarding.bp, url_prefix="/safeguarding")
