"""Input fields shared by every form. They parse what people type (Danish habits included:
``14.03.2026``, ``18.30``, ``2,5``) and report a malformed value in the catalogue's own words. Empty
is ``None``. Every range and rule is the service's to check, so the same refusal reaches the web
and the API."""
from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TimeField

# Besides the ISO value an HTML date or time input sends, the Danish ways of writing one are
# accepted (a browser without a picker shows a plain text box).
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")
TIME_FORMATS = ("%H:%M", "%H.%M", "%H")


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
        parsed = _parse(valuelist, DATE_FORMATS, _l("Not a valid date."))
        self.data = parsed.date() if parsed else None

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.isoformat() if isinstance(self.data, date) else ""


class LocalTimeField(TimeField):
    """A time of day (an HTML time input)."""

    def process_formdata(self, valuelist):
        self.data = None
        parsed = _parse(valuelist, TIME_FORMATS, _l("Not a valid time."))
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
        try:
            self.data = int(text)
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


class CommaListField(StringField):
    """A list of short texts typed as one line, separated by commas."""

    def process_formdata(self, valuelist):
        text = valuelist[0] if valuelist else ""
        self.data = [part.strip() for part in text.split(",") if part.strip()]

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(self.data or [])


def optional_id(value):
    """Coerce a select's value to an id: empty is ``None``; anything else not a number is -1,
    which no row has, so the service answers 'not found' in its own words."""
    if value is None or value == "" or value == "None":
        return None
    if isinstance(value, int):
        return value
    return int(value) if str(value).isdigit() else -1


class ActionForm(FlaskForm):
    """A button that changes something (withdraw, remove, invite the group): only the CSRF token."""
