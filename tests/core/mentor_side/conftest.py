import types
from datetime import date, timedelta

import pytest

from core.tenancy import tenant_context


@pytest.fixture
def in_tenant(app, tenant):
    """Run service calls as inside a request of ``tenant`` (the tenant context)."""
    with tenant_context(tenant):
        yield tenant


@pytest.fixture
def days_ago():
    return lambda n: date.today() - timedelta(days=n)


def plugin_module(name, kind="plugin", **hooks):
    """A plugin module made of hook implementations, for tests."""
    from core.hooks import PluginInfo, hookimpl

    module = types.ModuleType(f"test_plugin_{name}")
    module.PLUGIN = PluginInfo(name=name, title=name, kind=kind)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(tryfirst=kind == "municipality")(function))
    return module
