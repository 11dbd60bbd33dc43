"""Read declarations: every view and API endpoint that shows personal data says so, like its access
policy, and the request cycle records the read (see :func:`core.audit.services.flush`).

    @bp.route("/<int:volunteer_id>")
    @members("coordinator")
    @reads("volunteer", "volunteer_id")
    def show(volunteer_id): ...

    @bp.route("/")
    @members("coordinator")
    @reads("volunteer", action=LIST, criteria=("status", "channel", "page"), search=("q",))
    def index(): ...

The subject is a type (the table name: ``volunteer``, later ``citizen``) and an id taken from a URL
argument by name, or computed by a callable from the URL arguments (``id=lambda args: ...``). A
list records the criteria it was filtered by: the declared filter names with their values when
they are codes, and for a free-text search only *that* a search was made, never the text (a
search term is personal data: a name, an e-mail address). Content is never recorded.

Pages that show no personal data declare :func:`no_personal_data`; a user's pages about
themselves declare :func:`own_data` (not audited: the audit is about who looked at someone else).
``tests/core/test_read_audit.py`` walks ``app.url_map`` and fails for a tenant page or API endpoint
open to members with no declaration.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

READ_ATTR = "_read_declaration"

VIEW, LIST, EXPORT = "view", "list", "export"
ACTIONS = (VIEW, LIST, EXPORT)
_CODE = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")


@dataclass(frozen=True)
class ReadDeclaration:
    kind: str  # "read" | "none" (no personal data) | "own" (the caller's own data)
    subject_type: str | None = None
    id: str | Callable | None = None  # URL argument name, or a callable(view_args) -> id
    action: str = VIEW
    criteria: tuple = ()  # query arguments whose (code) values are recorded
    search: tuple = ()  # free-text query arguments: only their presence is recorded
    reason: str = ""

    @property
    def audited(self) -> bool:
        return self.kind == "read"

    def subject_id(self, view_args: dict) -> int | None:
        if self.id is None:
            return None
        value = self.id(view_args) if callable(self.id) else view_args.get(self.id)
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    def details(self, args) -> dict:
        """The non-personal description of what was asked for: codes of the declared criteria,
        and whether a free-text search was made (never its text)."""
        details = {}
        criteria = {}
        for name in self.criteria:
            value = args.get(name)
            if value in (None, ""):
                continue
            # A value that is not a code (free text typed into a filter) is recorded as present only.
            criteria[name] = value if _CODE.match(value) else True
        if criteria:
            details["criteria"] = criteria
        if any((args.get(name) or "").strip() for name in self.search):
            details["search"] = True
        return details


def _declare(declaration: ReadDeclaration):
    def decorator(view):
        setattr(view, READ_ATTR, declaration)
        return view

    return decorator


def reads(subject_type: str, id: str | Callable | None = None, *, action: str | None = None,
          criteria: tuple = (), search: tuple = ()):
    """The endpoint shows personal data of ``subject_type``: of the one whose id is the URL
    argument ``id`` (or ``id(view_args)``), or a list (``action=LIST``) filtered by ``criteria``
    and free-text ``search`` arguments. Recorded once per successful request."""
    action = action or (VIEW if id is not None else LIST)
    if action not in ACTIONS:
        raise ValueError(f"unknown read action {action!r}")
    if not subject_type or not re.match(r"^[a-z_]{1,40}$", subject_type):
        raise ValueError(f"the subject type is a table name, not {subject_type!r}")
    return _declare(ReadDeclaration("read", subject_type, id, action, tuple(criteria), tuple(search)))


def no_personal_data(reason: str = ""):
    """The endpoint shows no personal data (a front page of links, course titles)."""
    return _declare(ReadDeclaration("none", reason=reason))


def own_data(view):
    """The endpoint shows the signed-in user's own data only: not a read of someone else."""
    return _declare(ReadDeclaration("own"))(view)


def declaration_of(app, endpoint: str, method: str) -> ReadDeclaration | None:
    """The read declaration of ``endpoint`` for ``method`` (a MethodView's method, else its class)."""
    view = app.view_functions.get(endpoint)
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        handler = getattr(view_class, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(view_class, "get", None)
        return getattr(handler, READ_ATTR, None) or getattr(view_class, READ_ATTR, None)
    return getattr(view, READ_ATTR, None)
