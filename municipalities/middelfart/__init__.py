"""Middelfart Jobcenter's voluntary social mentor corps. Its rules arrive with the programme plugins."""
from core.hooks import PluginInfo
from core.i18n import plugin_domain

domain = plugin_domain(__file__, "middelfart")
_l = domain.lazy_gettext

PLUGIN = PluginInfo(name="middelfart", kind="municipality", title=_l("Middelfart mentor corps"), settings={})
