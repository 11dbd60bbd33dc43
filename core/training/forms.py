"""Forms of the course pages (their input fields are core.fields')."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.fields import HoursField, LocalDateField, LocalTimeField, WholeNumberField, optional_id

class CourseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("The title is required.")),
                                                 Length(max=120, message=_l("At most %(n)s characters.", n=120))])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional()])
    max_participants = WholeNumberField(_l("Maximum number of participants"), validators=[Optional()])


class SessionForm(FlaskForm):
    on = LocalDateField(_l("Date"), validators=[InputRequired(message=_l("Enter the date."))])
    starts_at = LocalTimeField(_l("Starts at"), validators=[Optional()])
    hours = HoursField(_l("Hours"), validators=[InputRequired(message=_l("Enter the length in hours, e.g. 3 or 2.5."))])
    place = StringField(_l("Place"), validators=[Optional()])


class EnrollForm(FlaskForm):
    volunteer_id = SelectField(_l("Volunteer"), coerce=optional_id, validate_choice=False,
                               validators=[DataRequired(message=_l("Choose a volunteer."))])
