"""The tenant's front page per role, the platform's landing page and the language switch."""
from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from core.access import current_role, members, public
from core.audit.reads import no_personal_data
from core.accounts import services as accounts
from core.extensions import db
from core.forms import safe_next
from core.tenancy import Municipality, current_tenant

bp = Blueprint("web", __name__)


@bp.route("/")
@public
def index():
    tenants = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    return render_template("index.html", tenants=tenants)


@bp.route("/<tenant>/")
@members()
@no_personal_data("links only")
def front():
    role = current_role()
    return render_template(f"front_{role}.html", role=role, tenant=current_tenant())


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
