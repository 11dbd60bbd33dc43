"""#MentorIshøj. Its rules arrive with the programme plugins."""
from core.hooks import PluginInfo
from core.hooks.types import DemoTenant
from core.i18n import plugin_domain

domain = plugin_domain(__file__, "ishoej")
_l = domain.lazy_gettext



def _load_demo(tenant, today):
    from municipalities.ishoej.demo import load

    load(tenant, today)


DEMO = DemoTenant("ishoej", "Ishøj Kommune", ("ishoej",), _load_demo)

PLUGIN = PluginInfo(name="ishoej", kind="municipality", title=_l("#MentorIshøj"), settings={}, demo=DEMO)
