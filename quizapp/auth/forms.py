from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(message="Enter your email address."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password."), Length(max=200)])
    next = HiddenField()


class ClassCodeForm(FlaskForm):
    code = StringField(
        "Class code",
        validators=[DataRequired(message="Type the class code your teacher shows you."), Length(max=20)],
    )


class PinForm(FlaskForm):
    """The picture PIN: `pin` holds the whole sequence when JavaScript collected
    it; without JavaScript each tap posts `pick` and the taps so far."""

    pin = HiddenField()
    so_far = HiddenField()
    pick = HiddenField()
