from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AssignmentForm(FlaskForm):
    target = SelectField("Who is it for?", validators=[DataRequired(message="Choose a class or a year group.")])
    topics = MultiCheckboxField("Which topics?", description="Each topic is set at the right level for the pupils' age.")
    start_on = DateField("Start (optional)", validators=[Optional()])
    due_on = DateField("Finish by (optional)", validators=[Optional()])
