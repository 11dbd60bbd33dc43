"""The tenant's front page per role, the platform's landing page and the language switch."""
from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from core.access import current_role, members, public
from core.audit.reads import LIST, reads
from core.accounts import services as accounts
from core.extensions import db
from core.forms import safe_next
from core.settings import tenant_setting
from core.tenancy import Municipality, current_tenant

bp = Blueprint("web", __name__)


@bp.route("/")
@public
def index():
    tenants = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    return render_template("index.html", tenants=tenants)


@bp.route("/<tenant>/")
@members()
@reads("citizen", action=LIST)
def front():
    """What needs doing now: the coordinator's tasks, the caseworker's referrals, the mentor's young
    people and proposals (core.front)."""
    from core import front as tasks
    from core.i18n import translated

    role = current_role()
    context = {"first_name": tasks.first_name}
    if role == "coordinator":
        context["tasks"] = tasks.coordinator_tasks()
        context["no_contact_days"] = tenant_setting(current_tenant(), "no_contact_days")
    elif role == "caseworker":
        from core.referrals.services import STATUS_LABELS

        context["counts"], context["referrals"] = tasks.caseworker_referrals(current_user)
        context["status_labels"] = translated(STATUS_LABELS)
    elif role == "mentor":
        from core.meetings import services as meetings
        from core.meetings.views import own_active_matches
        from core.volunteers.services import volunteer_for_user

        volunteer = volunteer_for_user(current_user)
        matches = own_active_matches(current_user) if volunteer is not None else []
        stats = meetings.match_stats(m.id for m in matches)
        context["people"] = [(m, m.referral.citizen.first_name, stats[m.id]) for m in matches]
        context["proposals"] = tasks.mentor_proposals(volunteer.id) if volunteer is not None else []
    return render_template(f"front_{role}.html", role=role, tenant=current_tenant(), **context)


@bp.route("/lang", methods=["POST"])
@public
def set_language():
    """Remember the chosen language: in the session, and on the account when signed in."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        session.permanent = True
        if current_user.is_authenticated:
            accounts.set_locale(current_user, lang)
    return redirect(safe_next(request.form.get("next"), url_for("web.index")))
