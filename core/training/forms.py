"""Forms of the course pages, and the input fields the group-meeting pages share with them.

The fields parse what people type (Danish habits included: ``14.03.2026``, ``18.30``, ``2,5``) and
report a wrong value in the catalogue's own words; every range and rule is the service's to check,
so the same refusal reaches the web and the API.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%H"]


class LocalDateField(DateField):
    """A date (``<input type="date">`` sends ISO; typed Danish forms are accepted too)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(label, validators, format=DATE_FORMATS, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Not a valid date.")) from None


class LocalTimeField(TimeField):
    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"type": "time"})
        super().__init__(label, validators, format=TIME_FORMATS, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Not a valid time.")) from None


class WholeNumberField(IntegerField):
    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0] is not None:
            valuelist = [str(valuelist[0]).strip()]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a whole number.")) from None


class HoursField(StringField):
    """Hours as typed (``3``, ``2,5`` or ``2.5``); ``data`` is the text with a decimal point, which
    the service turns into a number and checks."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = (self.data or "").strip().replace(",", ".") or None


def optional_id(value):
    """Coerce a select's value to an id: empty is ``None``; anything else not a number is -1,
    which no row has, so the service answers 'not found' in its own words."""
    if value is None or value == "" or value == "None":
        return None
    if isinstance(value, int):
        return value
    return int(value) if str(value).isdigit() else -1


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


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token (withdraw, remove, attendance)."""
