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
from flask import current_app

from core.hooks import PROJECT_NAME, specs
from core.tenancy import TenantContextMissing, current_tenant

ENTRY_POINT_GROUP = "mentorkorps.plugins"
DEFAULTS_PLUGIN = "defaults"


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin module declares as ``PLUGIN``.

    ``kind`` is ``"municipality"`` for a municipality's package (it only ever runs for the tenant
    whose slug is its name) or ``"plugin"`` for a reusable one. ``settings`` are
    :class:`~core.hooks.types.Setting` declarations: their defaults hold until a tenant's coordinator
    changes them on the settings page. ``demo`` is the demo municipality the package supplies, if any
    (:class:`~core.hooks.types.DemoTenant`). ``blueprints`` are the package's web and API blueprints
    (guard their views with ``members(..., plugin=name)``).
    """

    name: str
    title: Any
    description: Any = ""
    kind: str = "plugin"
    settings: tuple = ()
    translations: Path | None = None
    demo: Any = None
    blueprints: tuple = ()
    api_blueprints: tuple = ()

    def __post_init__(self):
        if isinstance(self.settings, dict):  # shorthand {key: default}: whole numbers, yes/no or text
            from core.hooks.types import Setting

            kinds = {bool: "bool", int: "int"}
            object.__setattr__(self, "settings", tuple(
                Setting(key, key, default, kind=kinds.get(type(default), "text"))
                for key, default in self.settings.items()))
        keys = [s.key for s in self.settings]
        if len(keys) != len(set(keys)):
            raise ValueError(f"plugin {self.name!r} declares a setting twice")

    @property
    def defaults(self) -> dict:
        return {s.key: s.default for s in self.settings}

    def setting(self, tenant, key: str):
        """The tenant's value of this plugin's setting ``key`` (its default unless changed), read
        from the relay's cache: no query per call. Changing a setting takes effect on the next
        request (it moves the tenant's ``plugins_version``)."""
        return hooks_for(tenant).settings_of(self.name)[key]


# Where a plugin's implementations run, by kind: the municipality's own package first, reusable
# plugins in the middle, the built-in defaults last. Enforced when a plugin is registered, whatever
# ``tryfirst``/``trylast`` its implementations declare, so no plugin has to remember it.
_ORDER_BY_KIND = {
    "municipality": {"tryfirst": True, "trylast": False},
    "plugin": {"tryfirst": False, "trylast": False},
    "core": {"tryfirst": False, "trylast": True},
}


class _TenantSubset:
    """What is cached per (tenant id, enablement version): which plugins are removed, and the hook
    callers made without them. Holds no ORM object, so it is safe across requests and sessions."""

    def __init__(self, pm: pluggy.PluginManager, removed: frozenset, settings: dict | None = None):
        self._pm = pm
        self.removed = removed
        self.settings = settings or {}  # plugin name -> the tenant's own values (plain JSON)
        self._callers: dict[str, Any] = {}
        self._lock = threading.Lock()

    def caller(self, name: str):
        caller = self._callers.get(name)
        if caller is None:
            with self._lock:
                caller = self._pm.subset_hook_caller(name, remove_plugins=[
                    self._pm.get_plugin(n) for n in self.removed if self._pm.get_plugin(n) is not None
                ])
                self._callers[name] = caller
        return caller


class TenantHooks:
    """Attribute access returns the hook caller for one tenant, with ``tenant=`` filled in."""

    def __init__(self, subset: _TenantSubset, tenant):
        self._subset = subset
        self._tenant = tenant

    @property
    def removed(self) -> frozenset:
        return self._subset.removed

    def settings_of(self, plugin: str) -> dict:
        """A plugin's settings for this tenant: the declared defaults overlaid with its own values."""
        info = self._subset._pm.infos[plugin]
        return {**info.defaults, **self._subset.settings.get(plugin, {})}

    def __getattr__(self, name: str):
        if not name.startswith(f"{PROJECT_NAME}_"):
            raise AttributeError(name)
        caller = self._subset.caller(name)
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
        self._subsets: dict[tuple, _TenantSubset] = {}
        self._relay_lock = threading.Lock()
        self._registering_kind: str | None = None

    def parse_hookimpl_opts(self, plugin, name):
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is not None and self._registering_kind is not None and not (opts.get("wrapper") or opts.get("hookwrapper")):
            opts = {**opts, **_ORDER_BY_KIND[self._registering_kind]}
        return opts

    def register_plugin(self, module, info: PluginInfo | None = None):
        info = info or getattr(module, "PLUGIN")
        if info.kind not in _ORDER_BY_KIND:
            raise ValueError(f"plugin {info.name!r} has an unknown kind {info.kind!r}")
        self._registering_kind = info.kind
        try:
            self.register(module, name=info.name)
        finally:
            self._registering_kind = None
        self.infos[info.name] = info
        self.invalidate()
        return info

    def unregister_plugin(self, name: str):
        self.unregister(name=name)
        self.infos.pop(name, None)
        self.invalidate()

    def invalidate(self):
        with self._relay_lock:
            self._subsets.clear()

    def optional_plugins(self) -> dict[str, PluginInfo]:
        return {n: i for n, i in self.infos.items() if n != DEFAULTS_PLUGIN}

    def enableable_for(self, slug: str) -> dict[str, PluginInfo]:
        """Plugins a tenant may enable: reusable ones, and its own municipality package."""
        return {n: i for n, i in self.optional_plugins().items() if i.kind != "municipality" or n == slug}

    def relay(self, tenant, load_enabled) -> TenantHooks:
        """The relay of ``tenant``: the cached subset for its enablement version, bound to the tenant
        object given now (never one cached from an earlier request). ``load_enabled(tenant)`` is
        asked only on a cache miss; it returns ``{plugin name: the tenant's settings}``."""
        key = (tenant.id, tenant.plugins_version)
        subset = self._subsets.get(key)
        if subset is None:
            enabled = dict(load_enabled(tenant))
            allowed = set(self.enableable_for(tenant.slug)) & set(enabled)
            settings = {name: dict(enabled[name] or {}) for name in allowed}
            subset = _TenantSubset(self, frozenset(set(self.optional_plugins()) - allowed), settings)
            with self._relay_lock:
                # Drop subsets of older versions of this tenant's enablement.
                for old in [k for k in self._subsets if k[0] == tenant.id]:
                    del self._subsets[old]
                self._subsets[key] = subset
        return TenantHooks(subset, tenant)


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
    """The hook relay of ``tenant`` (the core uses :func:`current_hooks`)."""
    from core.platform.models import PluginEnablement

    return plugin_manager().relay(tenant, PluginEnablement.settings_for)


def current_hooks() -> TenantHooks:
    """The hooks of the current tenant (:func:`core.tenancy.current_tenant`): the only way the core
    calls a hook, in a request, a CLI command, a job or a test alike."""
    tenant = current_tenant()
    if tenant is None:
        raise TenantContextMissing("hooks called without a tenant in context")
    return hooks_for(tenant)
