"""Forms of the volunteer pages.

Field names are the services' keys, so a service's refusal (``core.forms.attach_service_error``)
lands next to the field it concerns. The forms check only what a browser can get wrong in the
type of a value (a malformed date, a number that is no number); every rule about the values is
the service's, so the web and the API refuse the same things with the same messages. Choices are
not checked here either (``validate_choice=False``): an unknown code posted directly reaches the
service, which refuses it with its "Unknown code" message next to the field.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from core.errors import MISSING_DATE
from core.fields import CommaListField, LocalDateField, WholeNumberField, optional_id
from core.volunteers.models import EDUCATIONS, EMPLOYMENT_SECTORS, GENDERS, SCREENING_KINDS

def code_field(label, **kwargs) -> SelectField:
    return SelectField(label, choices=[], validate_choice=False, **kwargs)


def not_stated():
    return [("", _l("Not stated"))]


class SectionForm(FlaskForm):
    """A form among several on one page: its fields are prefixed so their ids differ. The CSRF token
    is checked once for every unsafe request by the enforcement point (``core.access.enforce``), so
    the template renders the plain ``csrf_token`` input instead of a prefixed per-form one."""

    class Meta:
        csrf = False


def mark_required(form, names) -> None:
    """Mark the fields ``names`` (the tenant's required profile fields) required: the page shows a
    ``*`` by their labels and the inputs get ``required`` (read out by screen readers; the forms
    are ``novalidate``, so the service's message next to the field is what the user sees)."""
    for name in names:
        if name in form:
            form[name].flags.required = True


class MentorProfileForm(FlaskForm):
    """What a mentor may change on their own profile (``services.SELF_SERVICE_FIELDS``)."""

    phone = TelField(_l("Phone"))
    postcode = StringField(_l("Postcode"))
    background = StringField(_l("Background"))
    languages = CommaListField(_l("Languages"))
    interests = CommaListField(_l("Interests"))
    work_background = TextAreaField(_l("Work background"))
    competences = TextAreaField(_l("Competences"))
    wishes = TextAreaField(_l("Wishes"))
    reservations = TextAreaField(_l("Reservations"))

    def __init__(self, *args, required=(), **kwargs):
        super().__init__(*args, **kwargs)
        mark_required(self, required)


class VolunteerForm(MentorProfileForm):
    """The coordinator's form: the whole profile (``services.PROFILE_FIELDS`` but the external id)."""

    name = StringField(_l("Name"), validators=[
        InputRequired(message=_l("The name is missing. Write the volunteer's full name."))])
    email = EmailField(_l("E-mail"))
    gender = code_field(_l("Gender"))
    birth_date = LocalDateField(_l("Birth date"))
    employment_sector = code_field(_l("Employment"))
    education = code_field(_l("Education"))
    recruitment_channel = code_field(_l("Recruitment channel"))
    capacity = WholeNumberField(_l("Young people at a time"))
    recruited_on = LocalDateField(_l("First contact"))

    def __init__(self, *args, channels: dict, **kwargs):
        super().__init__(*args, **kwargs)
        from core.volunteers.services import EDUCATION_LABELS, GENDER_LABELS, SECTOR_LABELS

        self.gender.choices = not_stated() + [(code, GENDER_LABELS[code]) for code in GENDERS]
        self.employment_sector.choices = not_stated() + [(code, SECTOR_LABELS[code]) for code in EMPLOYMENT_SECTORS]
        self.education.choices = not_stated() + [(code, EDUCATION_LABELS[code]) for code in EDUCATIONS]
        self.recruitment_channel.choices = not_stated() + list(channels.items())


class StatusForm(SectionForm):
    """A status change. Nothing is chosen beforehand (no status, no date), so a stray click changes
    nothing; ``confirmed`` is sent by the confirmation step of a change that ends something."""

    status = code_field(_l("New status"), validators=[DataRequired(message=_l("Choose the new status."))])
    on = LocalDateField(_l("Date"), validators=[InputRequired(message=MISSING_DATE)])
    note = StringField(_l("Note (optional)"))
    confirmed = HiddenField()

    def __init__(self, *args, transitions=(), **kwargs):
        super().__init__(*args, prefix="status", **kwargs)
        from core.volunteers.services import STATUS_LABELS

        self.status.choices = [("", _l("Choose a status"))] + [(code, STATUS_LABELS[code]) for code in transitions]


class OfferedChoiceForm(SectionForm):
    """One of the choices the page offered (an upcoming info meeting, a course open for
    enrolment), by id; anything else, or nothing, is refused with ``refusal``."""

    chosen = SelectField(coerce=optional_id, validate_choice=False)
    refusal = ""

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.chosen.choices = [("", _l("Choose"))] + list(choices)

    def validate_chosen(self, field):
        if field.data not in {value for value, _label in field.choices if value != ""}:
            raise ValidationError(self.refusal)


class InfoMeetingForm(OfferedChoiceForm):
    chosen = SelectField(_l("Info meeting"), coerce=optional_id, validate_choice=False)
    refusal = _l("Choose one of the upcoming info meetings.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="info", **kwargs)


class CourseChoiceForm(OfferedChoiceForm):
    chosen = SelectField(_l("Course"), coerce=optional_id, validate_choice=False)
    refusal = _l("Choose one of the courses open for enrollment.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="course", **kwargs)


class ScreeningForm(SectionForm):
    kind = code_field(_l("Certificate"))
    obtained_on = LocalDateField(_l("Obtained on"), validators=[InputRequired(message=MISSING_DATE)])
    note = StringField(_l("Note (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="screening", **kwargs)
        from core.volunteers.services import SCREENING_LABELS

        self.kind.choices = [(code, SCREENING_LABELS[code]) for code in SCREENING_KINDS]


class MentorAccountForm(SectionForm):
    email = EmailField(_l("E-mail for the login"), validators=[InputRequired(
        message=_l("The e-mail address is missing. Enter the address the mentor will sign in with."))])
    password = PasswordField(_l("Initial password"), validators=[InputRequired(
        message=_l("The password is missing. Choose a first password for the mentor."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="account", **kwargs)


class RecruitmentFilterForm(FlaskForm):
    """The period and the optional recruitment round (a course) of the recruitment overview (GET)."""

    class Meta:
        csrf = False

    start = LocalDateField(_l("From"), validators=[InputRequired(message=MISSING_DATE)])
    end = LocalDateField(_l("To"), validators=[InputRequired(message=MISSING_DATE)])
    course = code_field(_l("Recruitment round (course)"))

    def validate_end(self, field):
        if isinstance(self.start.data, date) and isinstance(field.data, date) and field.data < self.start.data:
            raise ValidationError(_l("The period ends before it starts. Choose an end on or after the start."))
