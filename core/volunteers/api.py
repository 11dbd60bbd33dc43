"""REST API (flask-smorest) for volunteers: profile, status lifecycle, screening, eligibility.

Thin handlers: load (schema) → access (policy decorator) → service → dump. Domain refusals are the
services' ``ServiceError`` and reach the caller as CONTRACT.md section 4 errors through the app's
error handler; the request's single commit happens after a successful response.
"""
from __future__ import annotations

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.access import members
from core.api_base import Blueprint, document_errors, errors_as
from core.audit.reads import LIST, own_data, reads
from core.errors import NotFound
from core.volunteers import schemas, services

blp = Blueprint("volunteers_api", __name__, url_prefix="/api/v1/<tenant>/volunteers", description="Volunteers: profile, status, screening, eligibility")


def _dump_screening(screening):
    return {"id": screening.id, "kind": screening.kind, "obtained_on": screening.obtained_on,
            "valid_until": services.screening_valid_until(screening), "note": screening.note}


@blp.route("")
class Volunteers(MethodView):
    @members("coordinator")
    @reads("volunteer", action=LIST, criteria=("status", "channel", "page", "page_size"), search=("q",))
    @blp.arguments(schemas.VolunteerListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, schemas.VolunteerSummarySchema(many=True))
    @blp.paginate()
    @document_errors(blp, 403)
    def get(self, pagination_parameters, q=None, status=None, channel=None):
        """List volunteers, by name; filter by a part of the name or e-mail, status and channel.

        Paginated: `page` and `page_size`; the `X-Pagination` header has the totals."""
        page = services.list_volunteers(search=q, status=status, channel=channel, page=pagination_parameters.page,
                                        per_page=pagination_parameters.page_size)
        pagination_parameters.item_count = page.total
        return page.items

    @members("coordinator")
    @blp.arguments(schemas.VolunteerCreateSchema)
    @blp.response(201, schemas.VolunteerSchema)
    @document_errors(blp, 403)
    def post(self, data):
        """Register a person's first contact: a new volunteer with status `applicant`."""
        return services.create_volunteer(data)


@blp.route("/me")
class Me(MethodView):
    @members("mentor")
    @own_data
    @blp.response(200, schemas.VolunteerSchema)
    @document_errors(blp, 403)
    def get(self):
        """The signed-in mentor's own volunteer record (404 when none is linked to the account)."""
        volunteer = services.volunteer_for_user(current_user)
        if volunteer is None:
            raise NotFound(_l("The volunteer was not found."))
        return volunteer


@blp.route("/<int:volunteer_id>")
class VolunteerResource(MethodView):
    @members("coordinator")
    @reads("volunteer", "volunteer_id")
    @blp.response(200, schemas.VolunteerSchema)
    @document_errors(blp, 403)
    def get(self, volunteer_id):
        """A volunteer's record."""
        return services.get_volunteer(volunteer_id)

    @members("coordinator")
    @blp.arguments(schemas.VolunteerPatchSchema)
    @blp.response(200, schemas.VolunteerSchema)
    @document_errors(blp, 403)
    def patch(self, data, volunteer_id):
        """Change profile fields; only the fields sent are changed (`null` clears a field)."""
        return services.update_volunteer(services.get_volunteer(volunteer_id), data)


@blp.route("/<int:volunteer_id>/status")
class Status(MethodView):
    @members("coordinator")
    @blp.arguments(schemas.StatusChangeInSchema)
    @blp.response(201, schemas.StatusChangeSchema)
    @document_errors(blp, 403, 409)
    def post(self, data, volunteer_id):
        """Move the volunteer along the lifecycle (applicant → info_meeting → in_training → approved →
        active ⇄ paused → left), dated `on`. A transition the lifecycle does not allow is 409."""
        volunteer = services.get_volunteer(volunteer_id)
        with errors_as(status="to_status"):
            return services.change_status(volunteer, data["to_status"], on=data.get("on"), note=data.get("note"))


@blp.route("/<int:volunteer_id>/status-history")
class StatusHistory(MethodView):
    @members("coordinator")
    @reads("volunteer", "volunteer_id")
    @blp.response(200, schemas.StatusChangeSchema(many=True))
    @document_errors(blp, 403)
    def get(self, volunteer_id):
        """Every dated status change, oldest first."""
        return services.get_volunteer(volunteer_id).status_changes


@blp.route("/<int:volunteer_id>/screenings")
class Screenings(MethodView):
    @members("coordinator")
    @reads("volunteer", "volunteer_id")
    @blp.response(200, schemas.ScreeningSchema(many=True))
    @document_errors(blp, 403)
    def get(self, volunteer_id):
        """Certificates obtained (børneattest, straffeattest), newest first, with how long each is valid."""
        return [_dump_screening(s) for s in services.get_volunteer(volunteer_id).screenings]

    @members("coordinator")
    @blp.arguments(schemas.ScreeningInSchema)
    @blp.response(201, schemas.ScreeningSchema)
    @document_errors(blp, 403)
    def post(self, data, volunteer_id):
        """Register a certificate and the day it was obtained."""
        volunteer = services.get_volunteer(volunteer_id)
        return _dump_screening(services.add_screening(volunteer, data["kind"], data["obtained_on"], data.get("note")))


@blp.route("/<int:volunteer_id>/eligibility")
class Eligibility(MethodView):
    @members("coordinator")
    @reads("volunteer", "volunteer_id")
    @blp.response(200, schemas.EligibilitySchema)
    @document_errors(blp, 403)
    def get(self, volunteer_id):
        """Whether the volunteer can be matched today under the tenant's rules, with every reason
        why not (messages in the language of Accept-Language)."""
        result = services.eligibility(services.get_volunteer(volunteer_id))
        return {"eligible": result.eligible,
                "findings": [{"code": f.code, "message": str(f.message), "blocking": f.blocking} for f in result.findings]}
