"""The one enforcement point for access: deny by default.

Every view (web and API) declares a policy with one of the decorators below; :func:`enforce` runs
before every request, resolves the tenant from the URL, authenticates (session for pages, bearer
token for the API), checks membership and role, enters the tenant scope and checks the CSRF token
of a form. A route with no declared policy is refused (and a test walks ``app.url_map`` for them).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from core.extensions import csrf
from core.tenancy import current_tenant, tenant_context

POLICY_ATTR = "_access_policy"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Policy:
    kind: str  # "public" | "member" | "platform_admin"
    roles: frozenset = frozenset()
    plugin: str | None = None  # the route belongs to this plugin: 404 where it is not enabled


def _declare(policy: Policy):
    def decorator(view):
        setattr(view, POLICY_ATTR, policy)
        return view

    return decorator


def public(view):
    """Anyone may call it (login page, token endpoint, static files)."""
    return _declare(Policy("public"))(view)


def members(*roles: str, plugin: str | None = None):
    """Members of the URL's tenant with one of ``roles`` (any role when none is given)."""
    return _declare(Policy("member", frozenset(roles), plugin))


def platform_admin(view):
    return _declare(Policy("platform_admin"))(view)


def declare_public_endpoints(app, *endpoints: str) -> None:
    """Endpoints made by other libraries (static files, the OpenAPI document) are public."""
    app.config.setdefault("PUBLIC_ENDPOINTS", set()).update(endpoints)


def policy_of(app, endpoint: str, method: str) -> Policy | None:
    if endpoint in app.config.get("PUBLIC_ENDPOINTS", ()):
        return Policy("public")
    view = app.view_functions.get(endpoint)
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    if view_class is not None:  # a MethodView: the method's policy, else the class's
        handler = getattr(view_class, method.lower(), None)
        if method in ("HEAD", "OPTIONS") and handler is None:
            handler = getattr(view_class, "get", None)
        policy = getattr(handler, POLICY_ATTR, None) or getattr(view_class, POLICY_ATTR, None)
        if policy is None and method == "OPTIONS" and handler is None:
            # Flask's automatic OPTIONS answer: the policy every method of the view shares, if one.
            policies = {getattr(getattr(view_class, m.lower(), None), POLICY_ATTR, None)
                        for m in (getattr(view_class, "methods", None) or ())}
            policy = policies.pop() if len(policies) == 1 else None
        return policy
    return getattr(view, POLICY_ATTR, None)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def enforce():
    """``before_request``: the single place where access is decided."""
    if request.endpoint is None:  # no route matched: Flask answers 404/405 itself
        return None
    policy = policy_of(current_app, request.endpoint, request.method)
    if policy is None:
        current_app.logger.error("route %s has no access policy: refused", request.endpoint)
        abort(403)

    api = is_api_request()
    slug = g.get("tenant_slug")
    # Who is asking: the session (pages) or the bearer token (API). With a tenant in the URL the
    # same query finds the tenant and the user's membership there (core.accounts.services).
    try:
        authenticated = current_user.is_authenticated if slug is not None or policy.kind != "public" else False
    finally:
        g.pop("tenant_slug", None)
    if api and policy.kind != "public" and not authenticated:
        abort(401)  # before the tenant lookup: an anonymous caller learns nothing about tenants

    if slug is not None:
        tenant, membership = _tenant_and_membership(slug, authenticated)
        if tenant is None:
            abort(404)
        if authenticated and membership is None:
            # Exactly as for a tenant that does not exist: refused before the tenant context is
            # entered, so the error page cannot show the tenant's name or links.
            abort(404)
        _enter_tenant_for_request(tenant)
        g.membership = membership

    if policy.kind == "member":
        if slug is None:
            abort(404)
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", tenant=slug, next=request.full_path.rstrip("?")))
        if policy.plugin and policy.plugin not in _enabled_plugins(current_tenant()):
            abort(404)
        if policy.roles and g.membership.role not in policy.roles:
            abort(403)
    elif policy.kind == "platform_admin":
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.platform_login", next=request.path))
        if not current_user.is_platform_admin:
            abort(404)

    if not api and request.method not in SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    return None


def _tenant_and_membership(slug: str, authenticated: bool):
    """The URL's tenant and the signed-in user's membership there: as found by the user's own
    query (no query of its own), else looked up (an anonymous visitor: the tenant only)."""
    from core.accounts.services import membership_of, tenant_lookup
    from core.platform.services import get_tenant_by_slug

    found = tenant_lookup(slug) if authenticated else None
    if found is not None:
        return found
    tenant = get_tenant_by_slug(slug)
    if tenant is None or not authenticated:
        return tenant, None
    return tenant, membership_of(current_user, tenant)


def _enabled_plugins(tenant):
    """From the relay's cache (no query): every optional plugin the relay does not remove."""
    from core.hooks.manager import hooks_for, plugin_manager

    return set(plugin_manager().optional_plugins()) - hooks_for(tenant).removed


def _enter_tenant_for_request(tenant) -> None:
    """Enter :func:`tenant_context` for the rest of the request; :func:`leave_tenant_scope` exits."""
    context = tenant_context(tenant)
    context.__enter__()
    g._tenant_context = context


def leave_tenant_scope(exc=None):
    """``teardown_request``: leave the tenant context entered by :func:`enforce`."""
    context = g.pop("_tenant_context", None)
    if context is not None:
        context.__exit__(None, None, None)


def current_role() -> str | None:
    membership = g.get("membership")
    return membership.role if membership else None
