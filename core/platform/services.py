"""Tenants and their plugins. Every change goes through these functions (and is audited)."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from core.audit import services as audit
from core.errors import ServiceError, raise_if
from core.extensions import db
from core.hooks.manager import plugin_manager
from core.platform.models import PluginEnablement
from core.tenancy import Municipality, tenant_context

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
RESERVED_SLUGS = {"api", "admin", "static", "assets", "lang", "login", "logout"}


def get_tenant_by_slug(slug: str) -> Municipality | None:
    return db.session.scalar(select(Municipality).where(Municipality.slug == slug))


def create_tenant(slug: str, name: str, plugins=()) -> Municipality:
    if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS:
        raise ServiceError(_l("The short name must be 2-40 lower-case letters, digits or dashes."), field="slug")
    if not name.strip():
        raise ServiceError(_l("The name is required."), field="name")
    if get_tenant_by_slug(slug):
        raise ServiceError(_l("A municipality with this short name already exists."), field="slug")
    tenant = Municipality(slug=slug, name=name.strip(), settings={})
    db.session.add(tenant)
    db.session.flush()
    for plugin in plugins:
        set_plugin_enabled(tenant, plugin, True)
    return tenant


def enabled_plugin_names(tenant: Municipality) -> frozenset[str]:
    return PluginEnablement.names_for(tenant)


def _bump_plugins_version(tenant: Municipality) -> None:
    """One UPDATE that adds 1 in the database: two concurrent changes cannot lose one. Every worker's
    relay cache is keyed by this version, so the change takes effect on the tenant's next request."""
    db.session.execute(update(Municipality).where(Municipality.id == tenant.id)
                       .values(plugins_version=Municipality.plugins_version + 1))
    db.session.refresh(tenant, ["plugins_version"])


def set_plugin_enabled(tenant: Municipality, plugin: str, enabled: bool) -> None:
    """Switch a plugin on or off for a tenant; takes effect on the tenant's next request."""
    pm = plugin_manager()
    if plugin not in pm.optional_plugins():
        raise ServiceError(_l("Unknown plugin: %(name)s", name=plugin), field="plugin")
    if plugin not in pm.enableable_for(tenant.slug):
        raise ServiceError(_l("A municipality's plugin can only be enabled for that municipality."), field="plugin")
    with tenant_context(tenant):
        row = db.session.scalar(select(PluginEnablement).where(PluginEnablement.plugin == plugin))
        if enabled and row is None:
            db.session.add(PluginEnablement(plugin=plugin, settings={}))
        elif not enabled and row is not None:
            db.session.delete(row)
        else:
            return
        _bump_plugins_version(tenant)
        audit.record("plugin.enabled" if enabled else "plugin.disabled", tenant, plugin=plugin)
        db.session.flush()


def plugin_settings(tenant: Municipality, plugin: str) -> dict:
    """A plugin's declared defaults overlaid with the tenant's own values (read from the database,
    not the relay's cache: for the settings page and tests)."""
    info = plugin_manager().infos[plugin]
    with tenant_context(tenant):
        row = db.session.scalar(select(PluginEnablement).where(PluginEnablement.plugin == plugin))
    return {**info.defaults, **((row.settings or {}) if row else {})}


def update_plugin_settings(tenant: Municipality, plugin: str, values: dict) -> dict:
    """Set the tenant's own values of an enabled plugin's settings. Every value is checked against
    its declaration first (all errors at once, keyed by setting); nothing is saved unless all hold.
    A value equal to the default is stored too, so a later change of the default does not move it.
    Audited with the keys changed; takes effect on the tenant's next request. Returns the settings."""
    pm = plugin_manager()
    info = pm.infos.get(plugin)
    if info is None or plugin not in pm.enableable_for(tenant.slug):
        raise ServiceError(_l("Unknown plugin: %(name)s", name=plugin), field="plugin")
    declared = {s.key: s for s in info.settings}
    errors, cleaned = {}, {}
    for key, value in values.items():
        setting = declared.get(key)
        if setting is None:
            errors[key] = [_l("Unknown setting.")]
            continue
        try:
            cleaned[key] = setting.clean(value)
        except ValueError as exc:
            errors[key] = [exc.args[0]]
    raise_if(errors)
    with tenant_context(tenant):
        row = db.session.scalar(select(PluginEnablement).where(PluginEnablement.plugin == plugin))
        if row is None:
            raise ServiceError(_l("The plugin is not enabled for the municipality."), field="plugin")
        before = {**info.defaults, **(row.settings or {})}
        changed = sorted(k for k, v in cleaned.items() if before.get(k) != v)
        if not changed:
            return before
        row.settings = {**(row.settings or {}), **{k: cleaned[k] for k in changed}}  # a new dict: the change is seen
        _bump_plugins_version(tenant)
        audit.record("plugin.settings_updated", tenant, plugin=plugin, keys=changed,
                     values={k: cleaned[k] for k in changed})
        db.session.flush()
        return {**info.defaults, **row.settings}
