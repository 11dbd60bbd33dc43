"""#MentorIshøj. Its rules arrive with the programme plugins."""
from core.hooks import PluginInfo
from core.i18n import plugin_domain

domain = plugin_domain(__file__, "ishoej")
_l = domain.lazy_gettext

PLUGIN = PluginInfo(name="ishoej", kind="municipality", title=_l("#MentorIshøj"), settings={})
