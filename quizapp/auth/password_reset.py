"""Forgotten password: ask for a link by email, then choose a new password."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Length

from ..rate_limits import rate_limit
from ..services import password_reset as service
from ..services import sessions
from . import bp
from .forms import ChangePasswordForm
from .views import landing_url


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(message="Enter your email address."), Length(max=254)])


class ResetPasswordForm(ChangePasswordForm):
    current = None  # the link stands in for the old password


def _no_pupils():
    if current_user.is_authenticated and current_user.is_pupil:
        abort(403)  # pupils have picture PINs, reset by their teacher


@bp.route("/password/forgot", methods=["GET", "POST"])
@rate_limit("20 per hour")
def forgot_password():
    _no_pupils()
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        service.request_reset(form.email.data)
        return render_template("auth/forgot_password.html", form=form, sent_to=form.email.data)
    return render_template("auth/forgot_password.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@rate_limit("20 per hour")
def reset_password(token: str):
    _no_pupils()
    if service.account_for(token) is None:
        return render_template("errors/error.html", code=400, title="This link does not work any more",
                               message="Password links work once, for an hour. Ask for a new one from the sign-in page."), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = service.reset_with_token(token, form.new.data)
        if user is not None:
            if current_user.is_authenticated:
                sessions.end(current_user.get_id())
            sessions.start(user)
            flash("Your new password is set. Any other device you were signed in on is now signed out.", "success")
            return redirect(landing_url(user))
    return render_template("auth/reset_password.html", form=form), 400 if form.errors else 200
