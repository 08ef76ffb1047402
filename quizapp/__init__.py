"""quizapp: online-safety lessons and scenario quizzes for primary schools."""
from __future__ import annotations

import os

from flask import Flask
from werkzeug.routing import IntegerConverter

from . import config as config_module
from .models.base import MAX_ID
from .paths import asset_dir

class SmallInt(IntegerConverter):
    """<int:...> in URLs, up to the largest id the databases hold: a bigger
    number is simply not found (404), never an overflow in the database."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")


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
    os.makedirs(app.instance_path, exist_ok=True)

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.url_map.converters["int"] = SmallInt
    _init_extensions(app)
    _register_blueprints(app)

    from . import cli

    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import content, database, errors, security, sessions_hooks
    from .extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    _limit_only_decorated_views(app, limiter)
    login_manager.init_app(app)
    database.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    sessions_hooks.init_app(app)
    content.init_app(app)
    from .services import outbox

    outbox.init_app(app)


def _limit_only_decorated_views(app: Flask, limiter) -> None:
    """The app's rate limits are all on views (@limiter.limit) or taken by
    services/throttle.py; there are no default or application-wide limits.
    Decorated views check their limits themselves, so Flask-Limiter's
    before-request check would only ever find nothing to do, on every
    request: take it out. (Adding default_limits would need it back, and
    tests/test_security.py checks that there are none.)"""
    check = limiter._check_request_limit
    app.before_request_funcs[None] = [hook for hook in app.before_request_funcs.get(None, []) if hook != check]


def _register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .health import bp as health_bp
    from .auth.views import bp as auth_bp
    from .parent.views import bp as parent_bp
    from .pupil.api import bp as pupil_api_bp
    from .pupil.views import bp as pupil_bp
    from .safeguarding.views import bp as safeguarding_bp
    from .parent import register  # noqa: F401  (its routes live on the parent blueprint)
    from .safeguarding import alert_settings  # noqa: F401  (its routes live on the safeguarding blueprint)
    from .auth import password_reset  # noqa: F401  (its routes live on the auth blueprint)
    from .teacher import letters, reports, roster  # noqa: F401  (their routes live on the teacher blueprint)
    from .teacher.views import bp as teacher_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(pupil_bp, url_prefix="/pupil")
    app.register_blueprint(pupil_api_bp, url_prefix="/pupil/api")
    app.register_blueprint(teacher_bp, url_prefix="/teacher")
    app.register_blueprint(parent_bp, url_prefix="/parent")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(safeguarding_bp, url_prefix="/safeguarding")
