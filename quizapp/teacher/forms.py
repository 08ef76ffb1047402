import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..services.names import BadName, clean_name


def _clean(field) -> str:
    """The field's name as it would be stored (services/names.py), or the form's error."""
    try:
        return clean_name(field.data, field.label.text.lower())
    except BadName as error:
        raise ValidationError(str(error)) from None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AssignmentForm(FlaskForm):
    target = SelectField("Who is it for?", validators=[DataRequired(message="Choose a class or a year group.")])
    topics = MultiCheckboxField("Which topics?", description="Each topic is set at the right level for the pupils' age.")
    whole_sequence = BooleanField("The whole sequence: all eight topics, in order")
    revisit = BooleanField('A "Remember?" revisit: three questions for pupils who finished these topics a while ago')
    start_on = DateField("Start (optional)", validators=[Optional()])
    due_on = DateField("Finish by (optional)", validators=[Optional()])


_NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’-])*$")


class PupilForm(FlaskForm):
    """Only what a school needs: first name, last initial, year group, class."""

    first_name = StringField("First name", validators=[DataRequired(message="Enter the pupil's first name."), Length(max=40)])
    last_name = StringField("Last name or initial", description="Only the first letter is kept.",
                            validators=[DataRequired(message="Enter the pupil's last name or initial."), Length(max=60)])
    year_group = SelectField("Year group", validators=[DataRequired()])
    class_id = SelectField("Class", validators=[DataRequired()])

    def validate_first_name(self, field):
        if not _NAME.match(_clean(field)):
            raise ValidationError("Use letters only (spaces, hyphens and apostrophes are fine).")

    def validate_last_name(self, field):
        if not _clean(field)[:1].isalpha():
            raise ValidationError("The last name should start with a letter.")

    def clean_first_name(self) -> str:
        name = clean_name(self.first_name.data)
        titled = name.title() if name.isupper() else name
        return titled if len(titled) <= 40 else name  # some letters grow when re-cased (İ)

    def clean_initial(self) -> str:
        letter = clean_name(self.last_name.data)[0]
        upper = letter.upper()
        return upper if len(upper) == 1 else letter  # 'ß'.upper() is 'SS'



class ClassForm(FlaskForm):
    name = StringField("Class name", validators=[DataRequired(message="Give the class a name."), Length(max=60)])
    year_group = SelectField("Year group", validators=[DataRequired()])

    def validate_name(self, field):
        if not _clean(field):
            raise ValidationError("Give the class a name.")

    def clean_name(self) -> str:
        return clean_name(self.name.data)


class ClassTopicForm(FlaskForm):
    """Set one topic for one class, from the class page."""

    topic = SelectField("Topic", validators=[DataRequired(message="Choose a topic.")])
    due_on = DateField("Finish by (optional)", validators=[Optional()])
