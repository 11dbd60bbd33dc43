"""Input fields shared by every form. They parse what people type (Danish habits included:
``14.03.2026``, ``18.30``, ``2,5``) and report a malformed value in the catalogue's own words. Empty
is ``None``. Every range and rule is the service's to check, so the same refusal reaches the web
and the API."""
from __future__ import annotations

import re
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TimeField
from wtforms.validators import ValidationError

from core.errors import UNREADABLE_DATE, UNREADABLE_TIME
from core.inputs import parse_id

# Besides the ISO value an HTML date or time input sends, the Danish ways of writing one are
# accepted (a browser without a picker shows a plain text box).
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")
TIME_FORMATS = ("%H:%M", "%H.%M", "%H")
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")


def _parse(valuelist, formats, message):
    text = (valuelist[0] if valuelist else "").strip()
    if not text:
        return None
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(message)


class LocalDateField(DateField):
    """A date (an HTML date input)."""

    def process_formdata(self, valuelist):
        self.data = None
        parsed = _parse(valuelist, DATE_FORMATS, UNREADABLE_DATE)
        self.data = parsed.date() if parsed else None

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.isoformat() if isinstance(self.data, date) else ""


class LocalTimeField(TimeField):
    """A time of day (an HTML time input)."""

    def process_formdata(self, valuelist):
        self.data = None
        parsed = _parse(valuelist, TIME_FORMATS, UNREADABLE_TIME)
        self.data = parsed.time() if parsed else None

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%H:%M") if isinstance(self.data, time) else ""


class WholeNumberField(IntegerField):
    """A whole number."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        # ASCII digits only: int() also reads other scripts' digits and str.isdigit() passes '²',
        # which int() refuses. Nine digits at most keep any number inside the database's columns.
        if not WHOLE_NUMBER.fullmatch(text):
            raise ValueError(_l("This is not a whole number. Write it in digits, for example 2."))
        self.data = int(text)


class HoursField(StringField):
    """Hours as typed (``3``, ``2,5`` or ``2.5``); ``data`` is the text with a decimal point, which
    the service turns into a number and checks."""

    missing = False

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        # A form without the field at all is not an empty field: the stored value (a Decimal) stays
        # in ``data``, and the form is refused in post_validate.
        self.missing = not valuelist
        text = valuelist[0] if valuelist else ""
        self.data = str(text).strip().replace(",", ".") or None

    def post_validate(self, form, validation_stopped):
        if self.missing and not self.errors:
            raise ValidationError(_l("Missing data for required field."))


class CommaListField(StringField):
    """A list of short texts typed as one line, separated by commas."""

    def process_formdata(self, valuelist):
        text = valuelist[0] if valuelist else ""
        self.data = [part.strip() for part in text.split(",") if part.strip()]

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(self.data or [])


def form_ids(values) -> list[int | None]:
    """The ids a form sent under one name (checkboxes), ``None`` for each value that is not one."""
    return [parse_id(value) for value in values]


def optional_id(value):
    """Coerce a select's value to an id: empty is ``None``; anything else that is not an id (not
    ASCII digits, or beyond the database's ids: core.inputs.parse_id) is -1, which no row has, so
    the service answers 'not found' in its own words."""
    if value is None or value == "" or value == "None":
        return None
    number = parse_id(value)
    return -1 if number is None else number


class ActionForm(FlaskForm):
    """A button that changes something (withdraw, remove, invite the group): only the CSRF token."""
