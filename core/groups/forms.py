"""Forms of the group-meeting and volunteer-group pages. Codes (kind, group) are checked by the
services, so a wrong one is refused in the same words on the web and in the API."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.errors import MISSING_DATE, TOO_LONG
from core.fields import HoursField, LocalDateField, LocalTimeField, WholeNumberField, optional_id


class MeetingForm(FlaskForm):
    kind = SelectField(_l("Kind of meeting"), validate_choice=False,
                       validators=[DataRequired(message=_l("No kind of meeting is chosen. Choose one from the list."))])
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("The title is missing. Write the meeting's title.")),
                                                 Length(max=120, message=TOO_LONG)])
    on = LocalDateField(_l("Date"), validators=[InputRequired(message=MISSING_DATE)])
    starts_at = LocalTimeField(_l("Starts at"), validators=[Optional()])
    hours = HoursField(_l("Hours"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional()])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    group_id = SelectField(_l("Standing group"), coerce=optional_id, validate_choice=False, validators=[Optional()])


class VolunteerChoiceForm(FlaskForm):
    """Several volunteers ticked in a list (invitations, a group's members)."""

    volunteer_ids = SelectMultipleField(_l("Volunteers"), coerce=optional_id, validate_choice=False)


class GroupForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("The name is missing. Write the group's name.")),
                                               Length(max=120, message=TOO_LONG)])
    kind = SelectField(_l("Kind of group"), validate_choice=False,
                       validators=[DataRequired(message=_l("No kind of group is chosen. Choose one from the list."))])


class PlanMeetingsForm(FlaskForm):
    """The next meetings of one of the municipality's rhythms, planned in one go. The rules (how many,
    the first date, the meeting's own fields) are the service's (``services.plan_meetings``)."""

    count = WholeNumberField(_l("Number of meetings"), validators=[
        InputRequired(message=_l("The number of meetings is missing. Enter how many to plan, for example 6."))])
    first_on = LocalDateField(_l("The first meeting"), validators=[InputRequired(message=MISSING_DATE)])
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("The title is missing. Write the meeting's title.")),
                                                 Length(max=120, message=TOO_LONG)])
    starts_at = LocalTimeField(_l("Starts at"), validators=[Optional()])
    hours = HoursField(_l("Hours"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional()])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    group_id = SelectField(_l("Standing group"), coerce=optional_id, validate_choice=False, validators=[Optional()])
    invite = SelectField(_l("Invite"), validate_choice=False, validators=[Optional()])
