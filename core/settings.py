"""A municipality's own settings of the core, with their defaults. Plugin settings live with the
plugin's enablement (core.platform.services.plugin_settings)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.audit import services as audit
from core.errors import raise_if
from core.tenancy import Municipality

MAX_CAPACITY = 10  # young people per mentor; beyond this it is a typing error, not a mentor

TENANT_SETTINGS = {
    # key: (default, label)
    "screening_required": (True, _l("A certificate (børneattest or straffeattest) is required before matching")),
    "screening_valid_months": (24, _l("Months a certificate is valid")),
    "default_capacity": (1, _l("Young people per mentor, unless the mentor says otherwise")),
    "no_contact_days": (21, _l("Days without a logged meeting before a match needs attention")),
}


def tenant_setting(tenant: Municipality, key: str):
    default, _label = TENANT_SETTINGS[key]
    return (tenant.settings or {}).get(key, default)


def capacity_limit(tenant: Municipality | None = None) -> int:
    """The most young people one mentor may have at a time in ``tenant`` (default: the tenant in
    context): the ``mentorkorps_capacity_limit`` hook's answer (the defaults answer
    :data:`MAX_CAPACITY`), at least 1. A volunteer's capacity cannot be set above it, and matching
    counts a mentor's places as ``min(capacity, limit)``, so lowering the limit takes effect at
    once for mentors registered earlier with more. From the relay's cache: no query."""
    from core.hooks.manager import current_hooks, hooks_for

    hooks = hooks_for(tenant) if tenant is not None else current_hooks()
    return max(int(hooks.mentorkorps_capacity_limit()), 1)


def update_tenant_settings(tenant: Municipality, values: dict) -> None:
    errors = {}
    unknown = set(values) - set(TENANT_SETTINGS)
    for key in unknown:
        errors[key] = [_l("Unknown setting.")]
    if "screening_required" in values and not isinstance(values["screening_required"], bool):
        errors["screening_required"] = [_l("Must be yes or no.")]
    months = values.get("screening_valid_months")
    if months is not None and (not isinstance(months, int) or not 1 <= months <= 120):
        errors["screening_valid_months"] = [_l("Must be between 1 and 120 months.")]
    capacity = values.get("default_capacity")
    if capacity is not None:
        limit = min(capacity_limit(tenant), MAX_CAPACITY)
        if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= limit:
            errors["default_capacity"] = [_l("Must be between 1 and %(max)s.", max=limit)]
    no_contact = values.get("no_contact_days")
    if no_contact is not None and (isinstance(no_contact, bool) or not isinstance(no_contact, int)
                                   or not 1 <= no_contact <= 365):
        errors["no_contact_days"] = [_l("Must be between 1 and 365 days.")]
    raise_if(errors)
    tenant.settings = {**(tenant.settings or {}), **values}  # a new dict, so the JSON change is seen
    audit.record("settings.updated", tenant, keys=sorted(values))
