"""REST API (flask-smorest) for referrals: CONTRACT.md section 4a.

Thin handlers: load (schema) → access (policy decorator; a caseworker's other referrals are 404
through ``services.visible_referral``) → service → dump with the caller's role's schema
(core.referrals.schemas). Every GET declares its read for the audit; the subject is the young
person (``citizen``).
"""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from core.access import current_role, members
from core.api_base import Blueprint, document_errors
from core.audit.reads import LIST, reads
from core.errors import ServiceError
from core.referrals import schemas, services

blp = Blueprint("referrals_api", __name__, url_prefix="/api/v1/<tenant>/referrals",
                description="Referrals of young people: consent, intake, withdrawal of consent")

CITIZEN_KEYS = set(services.CITIZEN_FIELDS)
CONSENT_KEYS = {"consent_given_on": "given_on", "consent_text_version": "text_version"}


def _citizen_of(args) -> int | None:
    return services.citizen_id_of(args.get("referral_id"))


def _as_request_fields(error: ServiceError) -> ServiceError:
    """The services name the young person's and the consent's fields flat (as the web form does);
    the API's body nests them under ``citizen`` and ``consent``."""
    errors = {}
    for key, messages in (error.errors or {}).items():
        if key in CITIZEN_KEYS:
            errors.setdefault("citizen", {})[key] = messages
        elif key in CONSENT_KEYS:
            errors.setdefault("consent", {})[CONSENT_KEYS[key]] = messages
        else:
            errors[key] = messages
    error.errors = errors
    return error


def _dump(referral, outcome=None):
    return services.referral_data(referral, outcome, current_role())


@blp.route("")
class Referrals(MethodView):
    @members("coordinator", "caseworker")
    @reads("citizen", action=LIST, criteria=("status", "page", "page_size"))
    @blp.arguments(schemas.ReferralListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, schemas.ReferralSchema(many=True))
    @blp.paginate()
    @document_errors(blp, 403)
    def get(self, pagination_parameters, status=None):
        """List referrals, newest first, as the caller's role may see them: a coordinator all of the
        tenant's, a caseworker only their own. Filter by `status`.

        Paginated: `page` and `page_size`; the `X-Pagination` header has the totals."""
        mine = current_user.id if current_role() == "caseworker" else None
        page = services.list_referrals(status=status, referrer_user_id=mine, page=pagination_parameters.page,
                                       per_page=pagination_parameters.page_size)
        pagination_parameters.item_count = page.total
        return [_dump(referral, outcome) for referral, outcome in page.items]

    @members("coordinator", "caseworker")
    @blp.arguments(schemas.ReferralCreateSchema)
    @blp.response(201, schemas.ReferralSchema)
    @document_errors(blp, 403, 409)
    def post(self, data):
        """Refer a young person, with their consent (required: without it, 422). The young person is
        found by their CPR number within the municipality, or registered. The answer has the
        findings of the target-group rules as they stand. A coordinator may name an outside
        referrer (`referrer_name`, `referrer_organisation`)."""
        consent = data.pop("consent")
        data["consent_given_on"] = consent["given_on"]
        data["consent_text_version"] = consent["text_version"]
        try:
            referral = services.create_referral(data, current_user, current_role())
        except ServiceError as error:
            raise _as_request_fields(error) from None
        return _dump(referral)


@blp.route("/<int:referral_id>")
class ReferralResource(MethodView):
    @members("coordinator", "caseworker")
    @reads("citizen", _citizen_of)
    @blp.response(200, schemas.ReferralSchema)
    @document_errors(blp, 403)
    def get(self, referral_id):
        """A referral as the caller's role may see it (a caseworker: only their own; another's is 404)."""
        referral = services.visible_referral(referral_id, current_user, current_role())
        return _dump(referral, services.outcome_of(referral))


@blp.route("/<int:referral_id>/intake")
class Intake(MethodView):
    @members("coordinator")
    @blp.arguments(schemas.IntakeInSchema)
    @blp.response(200, schemas.ReferralSchema)
    @document_errors(blp, 403, 409)
    def post(self, data, referral_id):
        """Record the intake: the answers to the intake questions, the decision (`accept` or
        `reject`) and its reason (required to reject). Accepting while a blocking finding stands is
        409 with the blocking findings in `errors` (`{rule: [message]}`); a referral no longer
        waiting for intake is 409 too."""
        referral = services.get_referral(referral_id)
        services.decide_intake(referral, data.get("answers") or {}, data["decision"], data.get("reason"))
        return _dump(referral, services.outcome_of(referral))


@blp.route("/<int:referral_id>/withdraw-consent")
class WithdrawConsent(MethodView):
    @members("coordinator", "caseworker")
    @blp.arguments(schemas.WithdrawConsentInSchema, required=False)
    @blp.response(200, schemas.ReferralSchema)
    @document_errors(blp, 403, 409)
    def post(self, data, referral_id):
        """The young person withdraws their consent (coordinator, or the referring caseworker): the
        referral stops (`withdrawn`), its open matches are cancelled, and from the next request on
        the mentor sees nothing of the young person. Withdrawing twice is 409."""
        referral = services.visible_referral(referral_id, current_user, current_role())
        services.withdraw_consent(referral)
        return _dump(referral, services.outcome_of(referral))
