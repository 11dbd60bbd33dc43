"""Forms of the referral pages. Field names are the services' keys, so a service's refusal lands
next to the field it concerns; every rule about the values is the service's (web and API refuse the
same things with the same messages)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TelField, TextAreaField

from core.fields import CommaListField, LocalDateField
from core.referrals.models import GENDERS


def _code_field(label, **kwargs) -> SelectField:
    return SelectField(label, choices=[], validate_choice=False, **kwargs)


class ReferralForm(FlaskForm):
    """Refer a young person: the young person, the referral, the consent (and, for a coordinator,
    an outside referrer)."""

    name = StringField(_l("Name"))
    cpr = StringField(_l("CPR number (optional)"), render_kw={"autocomplete": "off", "inputmode": "numeric"})
    birth_date = LocalDateField(_l("Birth date"))
    gender = _code_field(_l("Gender"))
    postcode = StringField(_l("Postcode"))
    phone = TelField(_l("Phone"))
    email = EmailField(_l("E-mail"))
    share_contact_with_mentor = BooleanField(_l("The young person agrees that the mentor sees the phone number and e-mail"))
    languages = CommaListField(_l("Languages"))
    interests = CommaListField(_l("Interests"))
    education_wishes = TextAreaField(_l("Wishes for education or work"))
    needs = TextAreaField(_l("Needs"))
    mentor_gender_wish = _code_field(_l("Wish about the mentor's gender"))
    mentor_wishes = TextAreaField(_l("Other wishes about the mentor"))
    source = _code_field(_l("Referred by"))
    situation = _code_field(_l("The young person's situation"))
    referred_on = LocalDateField(_l("Referral date"))
    reason = TextAreaField(_l("Reason for the referral"))
    referrer_name = StringField(_l("Outside referrer's name"))
    referrer_organisation = StringField(_l("Outside referrer's organisation"))
    consent = BooleanField(_l("The young person has given consent to the text above"))
    consent_given_on = LocalDateField(_l("Date of consent"))

    CITIZEN = ("name", "cpr", "birth_date", "gender", "postcode", "phone", "email", "share_contact_with_mentor",
               "languages", "interests", "education_wishes", "needs", "mentor_gender_wish", "mentor_wishes")

    def __init__(self, *args, sources: dict, situations: dict, **kwargs):
        super().__init__(*args, **kwargs)
        from core.referrals.services import GENDER_LABELS

        not_stated = [("", _l("Not stated"))]
        self.gender.choices = not_stated + [(code, GENDER_LABELS[code]) for code in GENDERS]
        self.mentor_gender_wish.choices = [("", _l("No wish"))] + [(code, GENDER_LABELS[code]) for code in GENDERS]
        self.source.choices = [("", _l("Choose"))] + list(sources.items())
        self.situation.choices = [("", _l("Choose"))] + list(situations.items())

    def data_for_service(self, *, consent_version: str, outside_referrer: bool) -> dict:
        citizen = {name: getattr(self, name).data for name in self.CITIZEN}
        data = {"citizen": citizen, "source": self.source.data, "situation": self.situation.data,
                "referred_on": self.referred_on.data, "reason": self.reason.data,
                # No box ticked, no consent: the service refuses the referral next to the date.
                "consent_given_on": self.consent_given_on.data if self.consent.data else None,
                "consent_text_version": consent_version}
        if outside_referrer:
            data["referrer_name"] = self.referrer_name.data
            data["referrer_organisation"] = self.referrer_organisation.data
        return data


class IntakeForm(FlaskForm):
    """The decision; the intake questions' answers are radio buttons named ``answer-<key>``, read
    by the view (the questions come from the tenant's plugins)."""

    decision = RadioField(_l("Decision"), choices=[("accept", _l("Accept")), ("reject", _l("Reject"))],
                          validate_choice=False)
    reason = TextAreaField(_l("Reason (required to reject)"))


ANSWER_PREFIX = "answer-"
ANSWER_CHOICES = (("yes", _l("Yes")), ("no", _l("No")))


def answers_from(formdata, questions) -> dict:
    """``{key: True|False}`` for each question answered yes or no (anything else is unanswered)."""
    answers = {}
    for question in questions:
        value = formdata.get(ANSWER_PREFIX + question.key)
        if value in ("yes", "no"):
            answers[question.key] = value == "yes"
    return answers
