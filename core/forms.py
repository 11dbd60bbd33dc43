"""Helpers shared by the web views."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from core.errors import ServiceError


def safe_next(target: str | None, fallback: str) -> str:
    """Only a local path is followed after login or a language switch (no open redirect). A
    control character (CR/LF would split the ``Location`` header; Python's URL parser drops tabs
    and newlines) or a backslash (which browsers read as ``/``, so ``/\\host`` is another site) is
    never part of one."""
    if not target or any(ord(c) < 32 or c in "\\\x7f" for c in target):
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


@dataclass(frozen=True)
class Outcome:
    """What :func:`submit` made of a request: ``ok`` when the action ran, with its ``result``;
    ``error``, the service's refusal; ``status``, the one to render the form again with."""

    form: Any
    ok: bool = False
    result: Any = None
    error: ServiceError | None = None

    @property
    def status(self) -> int:
        """The refusal's status (422, 409 …), else 422 while the form has errors, else 200."""
        if self.error is not None:
            return self.error.status
        return 422 if self.form.errors else 200


def submit(form, action: Callable[[], Any]) -> Outcome:
    """On a POST whose form is valid, call ``action()``. A :class:`ServiceError` it raises is
    shown on the form (the request is then rolled back, as its status is an error)."""
    if not form.validate_on_submit():
        return Outcome(form)
    try:
        result = action()
    except ServiceError as refused:
        attach_service_error(form, refused)
        return Outcome(form, error=refused)
    return Outcome(form, ok=True, result=result)
