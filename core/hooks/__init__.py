"""The plugin system. Plugins import :data:`hookimpl`; the core calls hooks through :func:`current_hooks`."""
import pluggy

PROJECT_NAME = "mentorkorps"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

from core.hooks.manager import PluginInfo, current_hooks, hooks_for, plugin_manager  # noqa: E402

__all__ = ["hookimpl", "hookspec", "PluginInfo", "current_hooks", "hooks_for", "plugin_manager"]
