"""The plugin's pages, for the coordinator of a tenant that has the plugin (404 elsewhere):

- ``/<tenant>/network/`` — the significant adults: nominations by stage, young people not yet
  asked, the latest closed nominations;
- ``/<tenant>/network/referrals/<id>`` — one young person's significant adult (the same panel as
  on the referral page; a refused step is shown here, next to its fields);
- POSTs for each step: record the nomination (or that the young person named no one), asked, the
  answer, the certificate, an introduction session, approve and match, not approved.

Thin: load, call a service, redirect back to the referral page, or show the refusal.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from core.access import members
from core.extensions import db
from core.audit.reads import LIST, reads
from core.fields import ActionForm
from core.forms import submit
from core.referrals import services as referrals
from plugins.network_recruitment import domain, forms, panels, services

bp = Blueprint("network_recruitment", __name__, url_prefix="/<tenant>/network", template_folder="templates")

PLUGIN_NAME = "network_recruitment"
_ = domain.gettext


def _citizen_of(args):
    return referrals.citizen_id_of(args.get("referral_id"))


def _back(referral):
    return redirect(url_for("referrals.show", referral_id=referral.id, _anchor="network"))


def _referral_page(referral, submitted: dict | None = None, code: int = 200):
    if code >= 400:
        # A refused step may have changed objects of the session before it was refused (the
        # approval moves the volunteer along before the match is proposed): the page shows what is
        # stored, and the request is rolled back anyway.
        db.session.rollback()
    return render_template("network_recruitment/referral.html", referral=referral, citizen=referral.citizen,
                           panel=panels.referral_panel(referral, submitted), **panels.page_context()), code


@bp.route("/")
@members("coordinator", plugin=PLUGIN_NAME)
@reads("citizen", action=LIST)
def index():
    return render_template("network_recruitment/index.html", overview=services.overview(),
                           today=services.today(), **panels.page_context())


@bp.route("/referrals/<int:referral_id>")
@members("coordinator", plugin=PLUGIN_NAME)
@reads("citizen", _citizen_of)
def referral(referral_id: int):
    return _referral_page(referrals.get_referral(referral_id))


@bp.route("/referrals/<int:referral_id>/nominate", methods=["POST"])
@members("coordinator", plugin=PLUGIN_NAME)
def nominate(referral_id: int):
    referral = referrals.get_referral(referral_id)
    form = forms.NominationForm()
    outcome = submit(form, lambda: services.record_nomination(referral, form.data_for_service()))
    if outcome.ok:
        flash(_("The significant adult is recorded."), "success")
        return _back(referral)
    return _referral_page(referral, {"nominate": form}, outcome.status)


@bp.route("/referrals/<int:referral_id>/none-named", methods=["POST"])
@members("coordinator", plugin=PLUGIN_NAME)
def none_named(referral_id: int):
    referral = referrals.get_referral(referral_id)
    outcome = submit(ActionForm(), lambda: services.record_none_named(referral))
    if outcome.ok:
        flash(_("Recorded: the young person named no one. The corps finds a mentor."), "success")
        return _back(referral)
    if outcome.error is not None:
        flash(str(outcome.error.message), "error")
    return _referral_page(referral, code=outcome.status)


def _step_action(step: str, nomination, form):
    if step == "asked":
        return lambda: services.record_asked(nomination, form.asked_on.data)
    if step == "answer":
        return lambda: services.record_answer(
            nomination, form.answer.data, form.answered_on.data,
            {k: v for k, v in (("birth_date", form.birth_date.data), ("postcode", form.postcode.data)) if v},
            form.note.data)
    if step == "screening":
        return lambda: services.add_screening(nomination, form.obtained_on.data)
    if step == "introduction":
        return lambda: services.record_introduction(nomination, form.held_on.data)
    if step == "approve":
        return lambda: services.approve_and_match(nomination, form.approved_on.data)
    return lambda: services.refuse(nomination, form.closed_on.data, form.note.data)


MESSAGES = {
    "asked": domain.lazy_gettext("Recorded that the adult was asked."),
    "answer": domain.lazy_gettext("The adult's answer is recorded."),
    "screening": domain.lazy_gettext("The certificate is registered."),
    "introduction": domain.lazy_gettext("The introduction session is recorded."),
    "approve": domain.lazy_gettext("Approved: the adult is now the young person's mentor."),
    "refuse": domain.lazy_gettext("Recorded as not approved. The young person is back on the matching board."),
}


@bp.route("/nominations/<int:nomination_id>/<step>", methods=["POST"])
@members("coordinator", plugin=PLUGIN_NAME)
def step(nomination_id: int, step: str):
    if step not in forms.STEP_FORMS:
        abort(404)
    nomination = services.get_nomination(nomination_id)
    form = forms.STEP_FORMS[step]()
    outcome = submit(form, _step_action(step, nomination, form))
    if outcome.ok:
        message = MESSAGES[step]
        if step == "answer" and nomination.answer == "no":
            message = domain.lazy_gettext("The adult said no. The young person is back on the matching board.")
        flash(str(message), "success")
        return _back(nomination.referral)
    return _referral_page(nomination.referral, {step: form}, outcome.status)
