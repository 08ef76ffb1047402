from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import Optional

from ..formtools import choices
from ..models.concern import CATEGORIES, TALK_TO


class SettingsForm(FlaskForm):
    text_size = RadioField("Text size", choices=choices([("normal", "Normal"), ("large", "Large")]), default="normal")
    dyslexia_font = BooleanField("Easier-to-read letters")
    high_contrast = BooleanField("Strong colours (high contrast)")
    read_to_me = BooleanField("Read to me: each screen reads itself aloud")
    sounds = BooleanField("Sounds after an answer")


class WorriedForm(FlaskForm):
    """What is worrying the pupil: a picture choice, optional words, and who to
    talk to. Everything is optional: any press of "Tell a grown-up" is a concern."""

    category = RadioField("What happened?", choices=choices(CATEGORIES.items()), validators=[Optional()])
    words = TextAreaField("You can write a few words if you like")
    talk_to = RadioField("Who would you like to talk to?", choices=choices(TALK_TO.items()), validators=[Optional()])
    request_token = HiddenField()
