"""Deny by default: every endpoint declares an access policy, and a route without one is refused."""
from flask import Blueprint
from flask.views import MethodView

from core.access import Policy, members, policy_of, public
from tests.conftest import api_token, login


def test_every_endpoint_in_the_url_map_has_an_access_policy(app):
    missing, checked = [], 0
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods):
            checked += 1
            policy = policy_of(app, rule.endpoint, method)
            if policy is None:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
            elif policy.kind not in ("public", "member", "platform_admin"):
                missing.append(f"{method} {rule.rule}: unknown policy kind {policy.kind!r}")
    assert not missing, "routes without an access policy:\n" + "\n".join(missing)
    assert checked > 20


def test_every_tenant_page_requires_membership_or_is_explicitly_public(app):
    """A rule under ``<tenant>`` is never platform-admin only: the tenant check would be skipped."""
    for rule in app.url_map.iter_rules():
        if "tenant" in rule.arguments:
            for method in rule.methods:
                assert policy_of(app, rule.endpoint, method).kind in ("member", "public"), (method, rule.rule)


def _add_routes_without_policy(app):
    bp = Blueprint("nopolicy", __name__)

    @bp.route("/no-policy", methods=["GET", "POST"])
    def plain():
        return "secret of a route without a policy"

    @bp.route("/<tenant>/no-policy", methods=["GET", "POST"])
    def under_tenant():
        return "secret of a tenant route without a policy"

    class HalfDeclared(MethodView):
        """GET declares a policy, POST forgot to."""

        @public
        def get(self):
            return "public part"

        def post(self):
            return "secret of an undeclared method"

    bp.add_url_rule("/half-declared", view_func=HalfDeclared.as_view("half"))
    bp.add_url_rule("/api/v1/<tenant>/no-policy", view_func=HalfDeclared.as_view("api_half"))
    app.register_blueprint(bp)


def test_a_route_added_without_a_policy_is_refused(app, client, tenant, user_factory):
    _add_routes_without_policy(app)
    assert policy_of(app, "nopolicy.plain", "GET") is None
    assert policy_of(app, "nopolicy.under_tenant", "POST") is None
    assert policy_of(app, "nopolicy.half", "POST") is None
    assert policy_of(app, "nopolicy.half", "GET") == Policy("public")

    # Anonymous, and signed in as a member of the tenant: refused either way, and never run.
    responses = [client.get("/no-policy"), client.post("/no-policy"), client.get(f"/{tenant.slug}/no-policy"),
                 client.post("/half-declared")]
    member = user_factory(tenant, "coordinator")
    login(client, member, tenant)
    responses += [client.get("/no-policy"), client.get(f"/{tenant.slug}/no-policy"),
                  client.post(f"/{tenant.slug}/no-policy")]
    for response in responses:
        assert response.status_code == 403, response.request.path
        assert "secret" not in response.get_data(as_text=True)
    assert client.get("/half-declared").get_data(as_text=True) == "public part"

    headers = api_token(client, member)
    response = client.post(f"/api/v1/{tenant.slug}/no-policy", headers=headers, json={})
    assert response.status_code == 403
    assert set(response.get_json()) == {"code", "message", "errors"}


def test_the_walk_itself_would_catch_a_route_without_policy(app):
    """The url_map walk above is not vacuous: it finds the undeclared routes of a test blueprint."""
    _add_routes_without_policy(app)
    missing = {(rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods
               if policy_of(app, rule.endpoint, method) is None}
    assert ("nopolicy.plain", "GET") in missing
    assert ("nopolicy.under_tenant", "POST") in missing
    assert ("nopolicy.half", "POST") in missing
    assert ("nopolicy.half", "GET") not in missing


def test_role_policies_refuse_other_roles_of_the_same_tenant(app, client, tenant, user_factory):
    bp = Blueprint("roles", __name__)

    @bp.route("/<tenant>/coordinators-only")
    @members("coordinator")
    def coordinators_only():
        return "for coordinators"

    app.register_blueprint(bp)
    login(client, user_factory(tenant, "mentor"), tenant)
    assert client.get(f"/{tenant.slug}/coordinators-only").status_code == 403
    other = app.test_client()
    login(other, user_factory(tenant, "coordinator"), tenant)
    assert other.get(f"/{tenant.slug}/coordinators-only").get_data(as_text=True) == "for coordinators"


def test_a_members_page_sends_an_anonymous_visitor_to_the_login_page(client, tenant):
    response = client.get(f"/{tenant.slug}/")
    assert response.status_code == 302
    assert response.location.startswith(f"/{tenant.slug}/login")
