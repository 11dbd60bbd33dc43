"""Network-based recruitment: the young person names the most significant adult in their life
(other than the parents), and that person is recruited as their mentor; the corps is the fallback.

Its rules arrive with the programme plugins; today it registers, can be enabled per tenant and
carries its own translation domain.
"""
from core.hooks import PluginInfo, hookimpl
from core.hooks.types import Code
from core.hooks.types import DemoTenant
from core.i18n import plugin_domain

domain = plugin_domain(__file__, "network_recruitment")
_l = domain.lazy_gettext



@hookimpl
def mentorkorps_recruitment_channels(tenant):
    return [Code("nominated_by_young_person", _l("Nominated by the young person"))]



def _load_demo(tenant, today):
    from plugins.network_recruitment.demo import load

    load(tenant, today)


DEMO = DemoTenant("eksempel", "Eksempel Kommune", ("network_recruitment",), _load_demo)

PLUGIN = PluginInfo(
    name="network_recruitment",
    title=_l("Network-based recruitment"),
    description=_l("Recruit the most significant adult in the young person's life as their mentor."),
    settings={}, demo=DEMO)
