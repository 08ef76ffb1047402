from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from ..services.passwords import password_problem


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(message="Enter your email address."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password."), Length(max=200)])
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Your password now", validators=[DataRequired(message="Enter your password now."),
                                                             Length(max=200)])
    new = PasswordField("New password", description="At least 10 characters. Three random words work well.",
                        validators=[DataRequired(message="Choose a new password."), Length(max=200)])
    again = PasswordField("New password again", validators=[DataRequired(message="Type the new password again."),
                                                            Length(max=200)])

    def validate_new(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def validate_again(self, field):
        if field.data != self.new.data:
            raise ValidationError("The two new passwords are not the same.")


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
