"""Tenants and their plugins. Every change goes through these functions (and is audited)."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from core.audit import services as audit
from core.errors import ServiceError
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
        # One UPDATE that adds 1 in the database: two concurrent changes cannot lose one.
        db.session.execute(update(Municipality).where(Municipality.id == tenant.id)
                           .values(plugins_version=Municipality.plugins_version + 1))
        db.session.refresh(tenant, ["plugins_version"])
        audit.record("plugin.enabled" if enabled else "plugin.disabled", tenant, plugin=plugin)
        db.session.flush()


def plugin_settings(tenant: Municipality, plugin: str) -> dict:
    """A plugin's declared defaults overlaid with the tenant's own values."""
    info = plugin_manager().infos[plugin]
    with tenant_context(tenant):
        row = db.session.scalar(select(PluginEnablement).where(PluginEnablement.plugin == plugin))
    return {**info.settings, **((row.settings or {}) if row else {})}
