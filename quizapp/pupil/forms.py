from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..formtools import choices
from ..models.concern import CATEGORIES, TALK_TO


class SettingsForm(FlaskForm):
    text_size = RadioField("Text size", choices=choices([("normal", "Normal"), ("large", "Large")]), default="normal")
    dyslexia_font = BooleanField("Easier-to-read letters")
    high_contrast = BooleanField("Strong colours (high contrast)")


class WorriedForm(FlaskForm):
    """What is worrying the pupil: a picture choice, optional words, and who to talk to."""

    category = RadioField("What happened?", choices=choices(CATEGORIES.items()),
                          validators=[DataRequired(message="Tap the picture that fits best.")])
    words = TextAreaField("You can write a few words if you like", validators=[Length(max=500, message="Please use fewer words.")])
    talk_to = RadioField("Who would you like to talk to?", choices=choices(TALK_TO.items()),
                         validators=[DataRequired(message="Choose who you would like to talk to.")])
