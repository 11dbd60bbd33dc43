"""Code lists that come from gatherer hooks (recruitment channels, end reasons, outcomes)."""
from __future__ import annotations

from core.hooks import current_hooks


def codes(hook_name: str) -> dict:
    """``{key: label}`` in the order the hooks gave them; the first label for a key wins, so a
    municipality's (tryfirst) label replaces the default's."""
    result: dict = {}
    for batch in getattr(current_hooks(), hook_name)():
        for code in batch or []:
            result.setdefault(code.key, code.label)
    return result


def recruitment_channels() -> dict:
    return codes("mentorkorps_recruitment_channels")
