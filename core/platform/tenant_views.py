"""The coordinator's page for the municipality's own settings."""
from flask import Blueprint, render_template
from flask_babel import gettext as _

from core.access import members

bp = Blueprint("tenant_settings", __name__, url_prefix="/<tenant>/settings", template_folder="templates")


@bp.route("/", methods=["GET", "POST"])
@members("coordinator")
def edit():
    return render_template("_stub.html", title=_("Settings"))
