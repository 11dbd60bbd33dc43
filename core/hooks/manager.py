"""Builds the plugin manager once per app and dispatches hooks per tenant.

Per tenant, hooks are called through relays made with ``pm.subset_hook_caller`` that remove every
plugin the tenant has not enabled and every other municipality's package. The relays are cached per
(tenant, enablement version), so enabling a plugin takes effect on the next request.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pluggy
from flask import current_app, g

from core.hooks import PROJECT_NAME, specs

ENTRY_POINT_GROUP = "mentorkorps.plugins"
DEFAULTS_PLUGIN = "defaults"


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin module declares as ``PLUGIN``.

    ``kind`` is ``"municipality"`` for a municipality's package (it only ever runs for the tenant
    whose slug is its name) or ``"plugin"`` for a reusable one. ``settings`` are the defaults a
    tenant's own values override.
    """

    name: str
    title: Any
    description: Any = ""
    kind: str = "plugin"
    settings: dict = field(default_factory=dict)
    translations: Path | None = None


class TenantHooks:
    """Attribute access returns the hook caller for one tenant; ``tenant=`` is filled in."""

    def __init__(self, pm: pluggy.PluginManager, tenant, removed: frozenset):
        self._pm = pm
        self._tenant = tenant
        self._removed = removed
        self._callers: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        if not name.startswith(f"{PROJECT_NAME}_"):
            raise AttributeError(name)
        caller = self._callers.get(name)
        if caller is None:
            with self._lock:
                caller = self._pm.subset_hook_caller(name, remove_plugins=[
                    self._pm.get_plugin(n) for n in self._removed if self._pm.get_plugin(n) is not None
                ])
                self._callers[name] = caller
        tenant = self._tenant

        def call(**kwargs):
            kwargs.setdefault("tenant", tenant)
            return caller(**kwargs)

        return call


class MentorkorpsPluginManager(pluggy.PluginManager):
    """pluggy's manager plus what Mentorkorps knows about each plugin."""

    def __init__(self):
        super().__init__(PROJECT_NAME)
        self.add_hookspecs(specs)
        self.infos: dict[str, PluginInfo] = {}
        self._relays: dict[tuple, TenantHooks] = {}
        self._relay_lock = threading.Lock()

    def register_plugin(self, module, info: PluginInfo | None = None):
        info = info or getattr(module, "PLUGIN")
        self.register(module, name=info.name)
        self.infos[info.name] = info
        self.invalidate()
        return info

    def unregister_plugin(self, name: str):
        self.unregister(name=name)
        self.infos.pop(name, None)
        self.invalidate()

    def invalidate(self):
        with self._relay_lock:
            self._relays.clear()

    def optional_plugins(self) -> dict[str, PluginInfo]:
        return {n: i for n, i in self.infos.items() if n != DEFAULTS_PLUGIN}

    def enableable_for(self, slug: str) -> dict[str, PluginInfo]:
        """Plugins a tenant may enable: reusable ones, and its own municipality package."""
        return {n: i for n, i in self.optional_plugins().items() if i.kind != "municipality" or n == slug}

    def relay(self, tenant, load_enabled) -> TenantHooks:
        """The cached relay of ``tenant``; ``load_enabled(tenant)`` is asked only on a cache miss."""
        key = (tenant.id, tenant.plugins_version)
        relay = self._relays.get(key)
        if relay is None:
            allowed = set(self.enableable_for(tenant.slug)) & set(load_enabled(tenant))
            removed = frozenset(set(self.optional_plugins()) - allowed)
            relay = TenantHooks(self, tenant, removed)
            with self._relay_lock:
                # Drop relays of older versions of this tenant's enablement.
                for old in [k for k in self._relays if k[0] == tenant.id]:
                    del self._relays[old]
                self._relays[key] = relay
        return relay


def build_plugin_manager(extra_plugins=()) -> MentorkorpsPluginManager:
    """The manager for one app: the built-in defaults, installed plugins (entry points), extras."""
    from core import defaults

    pm = MentorkorpsPluginManager()
    pm.register_plugin(defaults)
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        module = ep.load()
        info = module.PLUGIN
        if info.name != ep.name:
            raise RuntimeError(f"plugin entry point {ep.name!r} declares the name {info.name!r}")
        pm.register_plugin(module, info)
    for module in extra_plugins:
        pm.register_plugin(module)
    pm.check_pending()
    return pm


def plugin_manager(app=None) -> MentorkorpsPluginManager:
    return (app or current_app).extensions["mentorkorps_plugins"]


def hooks_for(tenant) -> TenantHooks:
    """The hook relay of ``tenant`` (use :func:`current_hooks` inside a request)."""
    from core.platform.services import enabled_plugin_names

    return plugin_manager().relay(tenant, enabled_plugin_names)


def current_hooks() -> TenantHooks:
    """The hooks of the request's tenant: the only way the core calls a hook."""
    relay = g.get("_hook_relay")
    if relay is None:
        relay = g._hook_relay = hooks_for(g.tenant)
    return relay
