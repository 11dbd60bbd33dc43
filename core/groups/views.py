"""Coordinator pages for group meetings and standing volunteer groups."""
from flask import Blueprint, render_template
from flask_babel import gettext as _

from core.access import members

bp = Blueprint("groups", __name__, url_prefix="/<tenant>/group-meetings", template_folder="templates")


@bp.route("/")
@members("coordinator")
def index():
    return render_template("_stub.html", title=_("Group meetings"))
