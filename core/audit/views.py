"""Who looked at a volunteer: the read audit of one record, for the tenant's coordinators.

Reached from the volunteer's page. The young person's path adds the same page for its records by
registering a route here with its own subject type (``citizen``).
"""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from core.access import members
from core.audit import services
from core.audit.reads import EXPORT, LIST, VIEW, reads

bp = Blueprint("audit", __name__, url_prefix="/<tenant>", template_folder="templates")

SHOWN = 200
ACTION_LABELS = {
    VIEW: _l("Looked at the record"),
    LIST: _l("Saw the record in a list"),
    EXPORT: _l("Exported the record"),
}


@bp.route("/volunteers/<int:volunteer_id>/reads")
@members("coordinator")
@reads("volunteer", "volunteer_id")
def volunteer_reads(volunteer_id: int):
    from core.volunteers.services import get_volunteer

    volunteer = get_volunteer(volunteer_id)  # 404 for an unknown id, or another tenant's
    return render_template("audit/reads.html", subject_name=volunteer.name,
                           back_url=("volunteers.show", {"volunteer_id": volunteer.id}),
                           events=services.reads_of("volunteer", volunteer.id, limit=SHOWN), shown=SHOWN,
                           action_labels=ACTION_LABELS)
