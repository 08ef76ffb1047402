"""A new member of staff sets their first password from the emailed invitation."""
from __future__ import annotations

from flask import flash, redirect, render_template
from flask_login import current_user

from ..rate_limits import rate_limit
from ..services import sessions
from ..services import staff as service
from . import bp
from .password_reset import ResetPasswordForm, _no_pupils
from .views import landing_url


@bp.route("/invite/<token>", methods=["GET", "POST"])
@rate_limit("20 per hour")
def accept_invite(token: str):
    _no_pupils()
    user = service.invited_account(token)
    if user is None:
        return render_template("errors/error.html", code=400, title="This link does not work any more",
                               message="Invitation links work once, for 72 hours. Ask your school admin to send a new "
                                       "one, or use \"Forgotten your password?\" on the sign-in page if you have set "
                                       "your password already."), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = service.accept_invite(token, form.new.data)
        if user is not None:
            if current_user.is_authenticated:
                sessions.end(current_user.get_id())
            sessions.start(user)
            flash("Welcome to Stay Safe Online. Your password is set.", "success")
            return redirect(landing_url(user))
    return render_template("auth/accept_invite.html", form=form, user=user), 400 if form.errors else 200
