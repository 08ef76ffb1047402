"""Friendly error pages in the app's own style."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

MESSAGES = {
    400: ("Something went wrong with that request", "Please go back and try again."),
    403: ("This page is not for you", "You are signed in, but this part of the app is for someone else."),
    404: ("We could not find that page", "It may have moved, or it may belong to someone else."),
    405: ("That did not work", "Please go back and use the buttons on the page."),
    413: ("That file is too big", "Please choose a smaller file (2 MB at most)."),
    429: ("Too many tries", "Please wait a few minutes and then try again."),
    500: ("Sorry, something went wrong on our side", "Please try again. If it keeps happening, tell your school's admin."),
    503: ("We are a little busy", "Please wait a moment and try again."),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if request.accept_mimetypes.best == "application/json":
        return {"error": title, "detail": detail or message}, code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(400, "This page was open for a long time, so it needed refreshing. Please go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        response = render_error(error.code)
        if error.code == 429:
            return response[0], 429, {"Retry-After": "60"}
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)

        db.session.rollback()  # the error page must not trip over a failed transaction
        return render_error(500)

    @app.before_request
    def _refuse_nul_characters():
        """A NUL character is never real input, and PostgreSQL refuses it in text."""
        values = list(request.args.values())
        if request.form:
            values += [v for _, v in request.form.items(multi=True)]
        if any("\x00" in value for value in values):
            return render_error(400, "Some of the text sent could not be read. Please type it again.")
        return None
