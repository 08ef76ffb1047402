"""Parents sign up with the code from their child's letter, and link more children.

Registration needs a valid code: a parent account is only useful linked to a
child, and this keeps the deployment free of empty sign-ups."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from ..access import home_endpoint
from ..rate_limits import rate_limit
from ..services import parent_links, sessions
from ..services.passwords import password_problem
from . import bp, public

CODE_FIELD = StringField("The code on the letter from school", description="For example K7QM-4TXA. Capitals and spaces do not matter.",
                         validators=[DataRequired(message="Type the code from the letter."), Length(max=40)])


class RegisterForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(message="Enter your name."), Length(max=80)])
    email = EmailField("Email", validators=[DataRequired(message="Enter your email address."), Length(max=254),
                                            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address.")])
    password = PasswordField("Choose a password", description="At least 10 characters. Three random words work well.",
                             validators=[DataRequired(message="Choose a password."), Length(max=200)])
    code = CODE_FIELD

    def validate_password(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class LinkForm(FlaskForm):
    code = CODE_FIELD


@bp.route("/register", methods=["GET", "POST"])
@public
@rate_limit("30 per hour")
def register():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = RegisterForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        try:
            user, child = parent_links.sign_up(form.email.data, form.password.data, form.name.data, form.code.data,
                                               ip=request.remote_addr or "unknown")
        except parent_links.CodeRefused as exc:
            form.code.errors.append(str(exc))
        except parent_links.LinkError as exc:
            flash(str(exc), "error")
        else:
            sessions.start(user)
            flash(f"Welcome! Your account is linked to {child.first_name}.", "success")
            return redirect(url_for("parent.home"))
    status = 400 if form.errors or request.method == "POST" else 200
    return render_template("parent/register.html", form=form), status


@bp.route("/link", methods=["GET", "POST"])
def link():
    form = LinkForm()
    if form.validate_on_submit():
        try:
            child = parent_links.redeem(current_user, form.code.data, ip=request.remote_addr)
        except parent_links.LinkError as exc:
            form.code.errors.append(str(exc))
        else:
            flash(f"Your account is now linked to {child.first_name}.", "success")
            return redirect(url_for("parent.home"))
    return render_template("parent/link.html", form=form), 400 if form.errors else 200
