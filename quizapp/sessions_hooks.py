"""Flask-Login wiring: load the signed-in principal, sign out idle sessions."""
from __future__ import annotations

from flask import Flask, flash, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

from .extensions import login_manager
from .services import sessions

# Answers are never lost to the idle timeout: these endpoints store the
# answer (authenticated by the page's answer token) and then sign out.
ANSWER_ENDPOINTS = {"pupil_api.answer", "pupil_api.chat"}
ANSWER_PATHS = {"/pupil/api/answer", "/pupil/api/chat"}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except for the page's JavaScript
    sending an answer (or asking for the next part of a chat): the signed
    answer token says whose answer it is, so the tablet's session cookie is
    neither opened nor sent back. A class answering at once then costs one
    small INSERT each and nothing more."""

    def open_session(self, app, request):
        if request.path in ANSWER_PATHS and request.is_json:
            return self.null_session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    login_manager.session_protection = None  # our own server-side sessions do this job
    login_manager.login_view = "auth.signin"
    login_manager.login_message = None

    @login_manager.user_loader
    def _load(token: str):
        return sessions.load(token)

    @app.before_request
    def _idle_timeout():
        if request.endpoint in ANSWER_ENDPOINTS:
            # Authenticated by the answer token: the session is not loaded,
            # only its idle clock (in the cookie) is read and wound on.
            if sessions.cookie_token() is not None and not sessions.touch_or_expire(None):
                g.idle_expired = True  # the answer is stored first, then the pupil is signed out
            return None
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        if sessions.touch_or_expire(current_user):
            return None
        was_pupil = current_user.is_pupil
        sessions.end(current_user.get_id())
        tablet = session.get("tablet")
        session.clear()
        if was_pupil:
            if tablet is not None:
                session["tablet"] = tablet
            flash("You were signed out because nobody tapped for a while. Tap your name to start again.", "info")
            return redirect(url_for("auth.class_list"))
        flash("You were signed out after a period of inactivity. Please sign in again.", "info")
        return redirect(url_for("auth.signin"))
