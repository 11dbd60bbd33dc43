"""Forms of the meeting pages. Field names are the service's keys, so a refusal of
core.meetings.services lands next to the field it concerns; every rule is the service's."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField

from core.fields import LocalDateField, WholeNumberField


class MeetingForm(FlaskForm):
    held_on = LocalDateField(_l("Date of the meeting"))
    minutes = WholeNumberField(_l("Length in minutes"))
    place = SelectField(_l("Kind of place"), choices=[], validate_choice=False)
    note = TextAreaField(_l("Short note (optional)"), render_kw={"maxlength": 1000, "rows": 3})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from core.meetings.services import PLACE_LABELS

        self.place.choices = [("", _l("Choose"))] + list(PLACE_LABELS.items())

    def data_for_service(self) -> dict:
        return {"held_on": self.held_on.data, "minutes": self.minutes.data, "place": self.place.data or None,
                "note": self.note.data}


class FollowUpForm(FlaskForm):
    followup_id = HiddenField()
    status = SelectField(_l("Status"), choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from core.meetings.models import FOLLOWUP_LABELS

        self.status.choices = [("", _l("Choose"))] + list(FOLLOWUP_LABELS.items())
