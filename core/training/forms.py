"""Forms of the course pages (their input fields are core.fields')."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.errors import MISSING_DATE, TOO_LONG
from core.fields import HoursField, LocalDateField, LocalTimeField, WholeNumberField, optional_id

class CourseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("The title is missing. Write the course's title.")),
                                                 Length(max=120, message=TOO_LONG)])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional()])
    max_participants = WholeNumberField(_l("Maximum number of participants"), validators=[Optional()])


class SessionForm(FlaskForm):
    on = LocalDateField(_l("Date"), validators=[InputRequired(message=MISSING_DATE)])
    starts_at = LocalTimeField(_l("Starts at"), validators=[Optional()])
    hours = HoursField(_l("Hours"), validators=[
        InputRequired(message=_l("The length is missing. Enter it in hours, for example 3 or 2.5."))])
    place = StringField(_l("Place"), validators=[Optional()])


class EnrollForm(FlaskForm):
    volunteer_id = SelectField(_l("Volunteer"), coerce=optional_id, validate_choice=False,
                               validators=[DataRequired(message=_l("No volunteer is chosen. Choose one from the list."))])
