"""The DSL team sets when a new concern that nobody has opened is emailed
again (to the DSL team and the school admins): a delay counted in the
school's hours, Monday to Friday, in the school's time zone."""
from __future__ import annotations

from datetime import time
from zoneinfo import available_timezones

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TimeField
from wtforms.validators import DataRequired, NumberRange, ValidationError

from ..services import alerts
from . import bp


class AlertSettingsForm(FlaskForm):
    remind_after_minutes = IntegerField(
        "Email again after this many minutes of the school day if no one has opened a new concern",
        validators=[NumberRange(min=5, max=600, message="Choose between 5 and 600 minutes.")])
    day_start = TimeField("The school day starts at", validators=[DataRequired(message="Give a time, like 08:00.")])
    day_end = TimeField("The school day ends at", validators=[DataRequired(message="Give a time, like 17:00.")])
    timezone = StringField("Time zone", description="Times in the emails are in this time zone, for example Europe/London.",
                           validators=[DataRequired(message="Give a time zone, for example Europe/London.")])

    def validate_day_end(self, field):
        if self.day_start.data and field.data and field.data <= self.day_start.data:
            raise ValidationError("The school day must end after it starts.")

    def validate_timezone(self, field):
        if (field.data or "").strip() not in available_timezones():
            raise ValidationError("That is not a time zone we know. Try Europe/London.")


def _time(minute: int) -> time:
    return time(minute // 60, minute % 60)


@bp.route("/alerts", methods=["GET", "POST"])
def alert_settings():
    school = current_user.school
    form = AlertSettingsForm(remind_after_minutes=school.remind_after_minutes, day_start=_time(school.day_start_minute),
                             day_end=_time(school.day_end_minute), timezone=school.timezone)
    if form.validate_on_submit():
        alerts.save_settings(school, remind_after_minutes=form.remind_after_minutes.data, day_start=form.day_start.data,
                             day_end=form.day_end.data, timezone=form.timezone.data)
        flash("Saved.", "success")
        return redirect(url_for("safeguarding.alert_settings"))
    return render_template("safeguarding/alerts.html", form=form, school=school), 400 if form.errors else 200
