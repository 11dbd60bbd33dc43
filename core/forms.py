"""Helpers shared by the web views."""
from urllib.parse import urlsplit

from core.errors import ServiceError


def safe_next(target: str | None, fallback: str) -> str:
    """Only a local path is followed after login or a language switch (no open redirect)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def attach_service_error(form, error: ServiceError) -> None:
    """Show a service's refusal next to the fields it concerns (or above the form)."""
    placed = False
    for name, messages in (error.errors or {}).items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [str(m) for m in messages]
            placed = True
        else:
            form.form_errors.extend(str(m) for m in messages)
            placed = True
    if not placed:
        form.form_errors.append(str(error.message))
