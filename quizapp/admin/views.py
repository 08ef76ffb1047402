"""The platform admin: schools on this deployment."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from ..services.accounts import AccountError, create_school_with_admin, schools_with_pupils
from ..services.passwords import password_problem
from . import bp


class NewSchoolForm(FlaskForm):
    name = StringField("School name", validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        "Short name",
        description="Letters, digits and hyphens, e.g. blean-primary.",
        validators=[DataRequired(), Length(max=60), Regexp(r"^[a-zA-Z0-9-]+$", message="Use letters, digits and hyphens only.")],
    )
    admin_name = StringField("School admin's name", validators=[DataRequired(), Length(max=80)])
    admin_email = EmailField("School admin's email", validators=[DataRequired(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address."), Length(max=254)])
    admin_password = PasswordField("School admin's first password", validators=[DataRequired(), Length(max=200)])

    def validate_admin_password(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


@bp.route("/", methods=["GET", "POST"])
def home():
    form = NewSchoolForm()
    if form.validate_on_submit():
        try:
            school = create_school_with_admin(form.name.data, form.slug.data, form.admin_email.data,
                                              form.admin_password.data, form.admin_name.data)
        except AccountError as exc:
            flash(f"The school was not created: {exc}.", "error")
        else:
            flash(f"Created {school.name}. Its school admin can now sign in.", "success")
            return redirect(url_for("admin.home"))
    schools = schools_with_pupils()
    return render_template("admin/home.html", form=form, schools=schools)
