"""Middelfart Jobcenter's voluntary social mentor corps. Its rules arrive with the programme plugins."""
from core.hooks import PluginInfo
from core.hooks.types import DemoTenant
from core.i18n import plugin_domain

domain = plugin_domain(__file__, "middelfart")
_l = domain.lazy_gettext



def _load_demo(tenant, today):
    from municipalities.middelfart.demo import load

    load(tenant, today)


DEMO = DemoTenant("middelfart", "Middelfart Kommune", ("middelfart",), _load_demo)

PLUGIN = PluginInfo(name="middelfart", kind="municipality", title=_l("Middelfart mentor corps"), settings={}, demo=DEMO)
