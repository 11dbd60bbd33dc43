"""Coordinator pages for courses, sessions, enrolment and attendance."""
from flask import Blueprint, render_template
from flask_babel import gettext as _

from core.access import members

bp = Blueprint("training", __name__, url_prefix="/<tenant>/courses", template_folder="templates")


@bp.route("/")
@members("coordinator")
def index():
    return render_template("_stub.html", title=_("Courses"))
