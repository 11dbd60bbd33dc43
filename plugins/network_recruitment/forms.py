"""The forms of the nomination's steps. Field names are the services' keys, so a refusal lands next
to its field; the forms only parse what is typed (every rule is the service's). The date fields of
the steps have names of their own, so several forms can stand on one page with unique ids."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, StringField, TelField, TextAreaField

from core.fields import LocalDateField
from plugins.network_recruitment import domain

_l = domain.lazy_gettext


class NominationForm(FlaskForm):
    adult_name = StringField(_l("The adult's name"))
    relation = StringField(_l("Who the adult is to the young person"),
                           description=_l("E.g. aunt, football coach, neighbour. Not a parent."))
    phone = TelField(_l("The adult's phone"))
    email = EmailField(_l("The adult's e-mail"))
    consent_to_contact_on = LocalDateField(_l("The young person consented to contacting the adult on"))

    def data_for_service(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("adult_name", "relation", "phone", "email", "consent_to_contact_on")}


class AskedForm(FlaskForm):
    asked_on = LocalDateField(_l("The adult was asked on"))


class AnswerForm(FlaskForm):
    answer = RadioField(_l("The adult's answer"), choices=[("yes", _l("Yes, will be the young person's mentor")),
                                                          ("no", _l("No"))], validate_choice=False)
    answered_on = LocalDateField(_l("Answered on"))
    birth_date = LocalDateField(_l("The adult's birth date (if yes)"))
    postcode = StringField(_l("The adult's postcode (if yes)"))
    note = TextAreaField(_l("Note"))


class ScreeningForm(FlaskForm):
    obtained_on = LocalDateField(_l("Child-protection certificate (børneattest) obtained on"))


class IntroductionForm(FlaskForm):
    held_on = LocalDateField(_l("Introduction session held on"))


class ApproveForm(FlaskForm):
    approved_on = LocalDateField(_l("Approved and matched on"))


class RefuseForm(FlaskForm):
    closed_on = LocalDateField(_l("Not approved on"))
    note = TextAreaField(_l("Why not (for the corps' own record)"))


STEP_FORMS = {"asked": AskedForm, "answer": AnswerForm, "screening": ScreeningForm, "introduction": IntroductionForm,
              "approve": ApproveForm, "refuse": RefuseForm}


def blank(name: str):
    """A step's form with nothing submitted (for showing it), its dates set to today."""
    from core import clock

    form = STEP_FORMS[name](formdata=None) if name != "nominate" else NominationForm(formdata=None)
    for field in form:
        if isinstance(field, LocalDateField) and field.name != "birth_date":
            field.data = clock.today()
    return form
