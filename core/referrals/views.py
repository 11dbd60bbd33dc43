"""Referral pages. Caseworker: refer a young person, my referrals (only their own, with status,
decision and outcome). Coordinator: the intake queue (oldest first), a referral's page (the young
person, the CPR number masked with an audited "show", every finding with its reason, the intake
questions and decision, the withdrawal of consent, who looked at the young person), and
registering a referral from an outside referrer. A mentor has nothing here.

Thin: load, check access, call a service, render. A refused change re-renders its page with the
messages next to the fields and an error status; the request is then rolled back.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.access import current_role, members
from core.audit import services as audit
from core.audit.reads import LIST, no_personal_data, reads
from core.audit.views import ACTION_LABELS
from core.forms import submit
from core.fields import ActionForm
from core.i18n import translated
from core.pagination import page_number
from core.referrals import services
from core.referrals.forms import ANSWER_CHOICES, ANSWER_PREFIX, IntakeForm, ReferralForm, answers_from

bp = Blueprint("referrals", __name__, url_prefix="/<tenant>/referrals", template_folder="templates")

READS_SHOWN = 50


def _labels():
    from core.codes import codes

    return {
        "status_labels": translated(services.STATUS_LABELS),
        "decision_labels": translated(services.DECISION_LABELS),
        "gender_labels": translated(services.GENDER_LABELS),
        "source_labels": translated(services.sources()),
        "situation_labels": translated(services.situations()),
        "outcome_labels": translated(codes("mentorkorps_outcome_codes")),
        "today": services.today(),
    }


def _citizen_of(args):
    return services.citizen_id_of(args.get("referral_id"))


# ---- refer a young person ----------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@members("coordinator", "caseworker")
@no_personal_data("an empty form")
def create():
    role = current_role()
    form = ReferralForm(sources=services.sources(), situations=services.situations())
    consent = services.consent_text()
    if request.method == "GET":
        form.consent_given_on.data = services.today()
    outcome = submit(form, lambda: services.create_referral(
        form.data_for_service(consent_version=consent.key, outside_referrer=role == "coordinator"),
        current_user, role))
    if outcome.ok:
        referral = outcome.result
        flash(_("The referral of %(name)s is received.", name=referral.citizen.name), "success")
        if role == "coordinator":
            return redirect(url_for("referrals.show", referral_id=referral.id))
        return redirect(url_for("referrals.mine"))
    return render_template("referrals/form.html", form=form, consent=consent, role=role), outcome.status


# ---- the caseworker's referrals ----------------------------------------------------------------

@bp.route("/mine")
@members("caseworker")
@reads("citizen", action=LIST, criteria=("page",))
def mine():
    page = services.list_referrals(referrer_user_id=current_user.id, page=page_number(request.args),
                                   per_page=current_app.config["PAGE_SIZE"])
    return render_template("referrals/mine.html", page=page, **_labels())


# ---- the coordinator's pages -------------------------------------------------------------------

@bp.route("/")
@members("coordinator")
@reads("citizen", action=LIST, criteria=("page",))
def intake_queue():
    """Received referrals waiting for intake, oldest first."""
    page = services.list_referrals(status="received", oldest_first=True, page=page_number(request.args),
                                   per_page=current_app.config["PAGE_SIZE"])
    return render_template("referrals/queue.html", page=page, **_labels())


def _referral_page(referral, *, intake_form=None, answers=None, answer_errors=None, cpr=None, refusal=None,
                   code=200):
    questions = services.intake_questions()
    if intake_form is None:
        intake_form = IntakeForm(formdata=None)
    answers = answers if answers is not None else (referral.intake_answers or {})
    findings = services.intake_findings(referral, answers) if referral.status == "received" else referral.findings
    return render_template(
        "referrals/show.html", referral=referral, citizen=referral.citizen, findings=findings or [],
        questions=questions, answers=answers, answer_errors=answer_errors or {}, intake_form=intake_form,
        answer_prefix=ANSWER_PREFIX, answer_choices=ANSWER_CHOICES, cpr_masked=services.masked_cpr(referral.citizen),
        cpr=cpr, refusal=refusal, outcome=services.outcome_of(referral),
        reads=audit.reads_of("citizen", referral.citizen_id, limit=READS_SHOWN), reads_shown=READS_SHOWN,
        action_labels={**translated(ACTION_LABELS), "revealed": _("Saw the CPR number")}, **_labels()), code


@bp.route("/<int:referral_id>")
@members("coordinator")
@reads("citizen", _citizen_of)
def show(referral_id: int):
    return _referral_page(services.get_referral_for_page(referral_id))


@bp.route("/<int:referral_id>/cpr", methods=["POST"])
@members("coordinator")
def reveal_cpr(referral_id: int):
    """Show the CPR number in clear on the referral's page; recorded as ``cpr.revealed``."""
    referral = services.get_referral(referral_id)
    outcome = submit(ActionForm(), lambda: services.reveal_cpr(referral.citizen))
    return _referral_page(referral, cpr=outcome.result if outcome.ok else None)


@bp.route("/<int:referral_id>/intake", methods=["POST"])
@members("coordinator")
def intake(referral_id: int):
    referral = services.get_referral(referral_id)
    form = IntakeForm()
    questions = services.intake_questions()
    answers = answers_from(request.form, questions)
    outcome = submit(form, lambda: services.decide_intake(referral, answers, form.decision.data, form.reason.data))
    if outcome.ok:
        flash(_("The referral is accepted.") if referral.status == "accepted" else _("The referral is rejected."),
              "success")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    keys = {q.key for q in questions}
    answer_errors = {k: v for k, v in (outcome.error.errors if outcome.error else {}).items() if k in keys}
    refusal = None
    if outcome.error is not None and outcome.error.status == 409:
        answer_errors, refusal = {}, outcome.error.message  # the blocking findings are listed with it
    return _referral_page(referral, intake_form=form, answers=answers, answer_errors=answer_errors, refusal=refusal,
                          code=outcome.status)


@bp.route("/<int:referral_id>/withdraw-consent", methods=["GET", "POST"])
@members("coordinator", "caseworker")
@reads("citizen", _citizen_of)
def withdraw(referral_id: int):
    """Withdraw the young person's consent (the coordinator, or the referring caseworker): a page
    that asks for confirmation, and its button."""
    role = current_role()
    referral = services.visible_referral(referral_id, current_user, role)
    back = url_for("referrals.show", referral_id=referral.id) if role == "coordinator" else url_for("referrals.mine")
    outcome = submit(ActionForm(), lambda: services.withdraw_consent(referral))
    if outcome.ok:
        flash(_("The consent is withdrawn; the referral has stopped."), "success")
        return redirect(back)
    return render_template("referrals/withdraw.html", referral=referral, back=back, error=outcome.error,
                           **_labels()), outcome.status
