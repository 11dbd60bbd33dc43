from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(message=_l("Enter your e-mail address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password."))])
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(message=_l("Enter your current password."))])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(message=_l("Enter a new password.")), Length(min=10, message=_l("The password must be at least %(n)s characters.", n=10))])
    repeat_password = PasswordField(_l("Repeat the new password"), validators=[DataRequired(message=_l("Repeat the new password."))])
