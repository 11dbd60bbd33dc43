"""Helpers for the core's tests: URLs built from ``app.url_map``, test plugins and probe routes."""
from __future__ import annotations

import inspect
import re
import types
import uuid
from datetime import date

from flask import Blueprint, jsonify
from flask.views import MethodView
from werkzeug.routing import AnyConverter, FloatConverter, IntegerConverter, UUIDConverter

from core.access import members
from core.tenancy import current_tenant
from core.hooks import PluginInfo, hookimpl, specs

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


# ---- url_map --------------------------------------------------------------------------------

def dummy_value(name, converter, slug):
    """A value every converter accepts: the tenant's slug for ``tenant`` (and ``slug``), 1 for ints."""
    if name in ("tenant", "slug"):
        return slug
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, FloatConverter):
        return 1.0
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=1)
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return "x"


def build_path(rule, slug) -> str:
    values = {name: dummy_value(name, conv, slug) for name, conv in rule._converters.items()}
    built = rule.build(values, append_unknown=False)
    assert built is not None, f"cannot build {rule.rule} from {values}"
    return built[1]


def tenant_rules(app, *, api: bool):
    """Every rule of the app with a ``<tenant>`` argument, web or API."""
    return [r for r in app.url_map.iter_rules()
            if "tenant" in r.arguments and r.rule.startswith("/api/") == api]


def request_methods(rule):
    return sorted(rule.methods)


CSRF_VALUE_RE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")')


def normalised_body(response, *slugs) -> str:
    """The body with what legitimately differs between two URLs (the slug, the CSRF token) masked."""
    body = response.get_data(as_text=True)
    body = CSRF_VALUE_RE.sub(r"\1<csrf>\2", body)
    for slug in slugs:
        body = body.replace(slug, "<slug>")
    return body


# ---- test plugins ---------------------------------------------------------------------------

def make_plugin(name, kind="plugin", settings=None, **impls):
    """A plugin module named ``name`` with the given hook implementations.

    Each value of ``impls`` is a function, or ``(function, {"tryfirst": True, ...})``; the keyword is
    the hook's name. ``module.calls`` is a list the implementations may record into.
    """
    module = types.ModuleType(f"test_plugin_{name}")
    module.PLUGIN = PluginInfo(name=name, title=f"Test plugin {name}", kind=kind, settings=settings or {})
    module.calls = []
    for hook_name, impl in impls.items():
        options = {}
        if isinstance(impl, tuple):
            impl, options = impl
        setattr(module, hook_name, hookimpl(**options)(impl))
    return module


def hookspec_names():
    return sorted(name for name, obj in vars(specs).items()
                  if name.startswith("mentorkorps_") and inspect.isfunction(obj))


def hookspec_argnames(name):
    return list(inspect.signature(getattr(specs, name)).parameters)


def dummy_hook_kwargs(name):
    """Arguments (other than ``tenant``) that every default implementation accepts."""
    special = {"slot": "front_page", "context": {}, "on": date(2026, 1, 1), "role": "coordinator"}
    return {arg: special.get(arg, []) for arg in hookspec_argnames(name) if arg != "tenant"}


def recording_plugin(name, kind="plugin"):
    """A plugin implementing every hookspec; each implementation records ``(hook, tenant slug)``
    and returns ``None`` (defers to the defaults, adds nothing to a gathered list)."""
    module = make_plugin(name, kind)

    def recorder(hook_name):
        def impl(tenant):
            module.calls.append((hook_name, tenant.slug))

        return impl

    for hook_name in hookspec_names():
        setattr(module, hook_name, hookimpl(tryfirst=kind == "municipality")(recorder(hook_name)))
    return module


# ---- probe routes ---------------------------------------------------------------------------

def add_probe_routes(app):
    """A web page and an API resource under a tenant, declared like real ones.

    The isolation and API tests walk ``app.url_map``; these make sure the API branch is exercised
    even before a domain package registers its first tenant API resource.
    """
    web = Blueprint("probe", __name__)

    @web.route("/<tenant>/probe", methods=["GET", "POST"])
    @members()
    def page():
        return f"probe page of {current_tenant().slug}"

    class Resource(MethodView):
        @members()
        def get(self):
            return jsonify({"tenant": current_tenant().slug})

        @members("coordinator")
        def post(self):
            return jsonify({"tenant": current_tenant().slug}), 201

        @members("coordinator")
        def delete(self):
            return "", 204

    api = Blueprint("probe_api", __name__, url_prefix="/api/v1/<tenant>")
    api.add_url_rule("/probe", view_func=Resource.as_view("resource"))
    app.register_blueprint(web)
    app.register_blueprint(api)
    return app
