"""Coordinator pages for volunteers: list, page, create/edit, status, screening, waiting list,
recruitment overview. Thin: load, check access, call a service, render."""
from flask import Blueprint, render_template
from flask_babel import gettext as _

from core.access import members

bp = Blueprint("volunteers", __name__, url_prefix="/<tenant>/volunteers", template_folder="templates")
mentor_bp = Blueprint("mentor", __name__, url_prefix="/<tenant>/me", template_folder="templates")


@bp.route("/")
@members("coordinator")
def index():
    return render_template("_stub.html", title=_("Volunteers"))


@bp.route("/recruitment")
@members("coordinator")
def recruitment():
    return render_template("_stub.html", title=_("Recruitment"))


@mentor_bp.route("/")
@members("mentor")
def profile():
    return render_template("_stub.html", title=_("My profile"))
