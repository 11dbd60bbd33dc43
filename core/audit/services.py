"""The audit: who used whose personal data, when, and how; codes only, never content.

Three kinds of event (:mod:`core.audit.models`):

- ``write``: :func:`record`, called by the service that changes something, inside the request's
  transaction, so the change and its record are committed (or rolled back) together.
- ``read``: declared by views and API endpoints (:mod:`core.audit.reads`), never called from a
  view. :func:`collect` records the read of a successful GET.
- ``auth``: sign-in, failed sign-in, sign-out, API token issued and used; one line in the accounts
  services (:func:`signed_in`, :func:`sign_in_failed`, :func:`signed_out`, :func:`token_issued`,
  :func:`token_used`).

Reads and auth events are *buffered* during the request, collected by :func:`collect` and
written by :func:`write` (the request cycle calls them around the request's own commit or
rollback) in one short transaction of their own with one INSERT. Why:

- A read audit is a write on a GET. On SQLite a GET's transaction begins with a plain ``BEGIN``
  (readers never wait); turning that read transaction into a write fails at once with
  ``SQLITE_BUSY`` when another worker has written since it began. The audit transaction begins
  ``BEGIN IMMEDIATE`` (``g.write_transaction``), so it queues on the write lock (busy timeout) like
  every other write, and holds it for one INSERT only.
- A refused sign-in answers 4xx and its transaction is rolled back; its audit must still be kept.

What is written, by the response's status: reads and successful auth events only for a success
(< 400: the page or the data went out; a 403/404 showed nothing); failed sign-ins for any 4xx;
nothing for a 5xx (the request failed and showed nothing; its transaction was rolled back). If the
audit cannot be written the request fails (500) rather than hand out data without a trace.

API token use is recorded at most once per token, tenant and ``AUDIT_TOKEN_USE_MINUTES`` (15),
not per request: every API read of personal data is already a read event of its own (naming the
user and the token), so a per-request token event would double the writes of the API and add
nothing; the throttled event answers "was this token in use, and where". The check costs nothing
per request (a per-process note of plain ids and times) and one indexed query per token and
interval.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from flask import current_app, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import insert, select

from core.audit.models import AUTH, READ, WRITE, AuditEvent
from core.extensions import db
from core.tenancy import current_tenant, current_tenant_id, unscoped, utcnow

log = logging.getLogger(__name__)

TOKEN_SUBJECT = "api_token"
_PENDING = "_audit_pending"
_TOKEN = "_audit_token"
_TOKENS_SEEN = "mentorkorps_audit_tokens_seen"


def subject_type_of(subject) -> str:
    """A subject's type in the audit: its table name (``volunteer``), for reads and writes alike."""
    return getattr(subject, "__tablename__", None) or type(subject).__name__.lower()


def record(action: str, subject=None, *, user=None, **details) -> AuditEvent:
    """Add a write's audit event to the current transaction. ``details`` must hold codes, never content."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        kind=WRITE,
        action=action,
        user_id=getattr(user, "id", None),
        subject_type=subject_type_of(subject) if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        details=details,
    )
    db.session.add(event)
    return event


# ---- buffered events (reads, sign-ins, tokens) ------------------------------------------------

@dataclass
class Pending:
    kind: str
    action: str
    user_id: int | None = None
    subject_type: str | None = None
    subject_id: int | None = None
    details: dict = field(default_factory=dict)
    tenant_id: int | None = None  # None: the request's tenant
    on_failure: bool = False  # kept for a 4xx answer too (a refused sign-in)

    def row(self, tenant_id: int) -> dict:
        return {"tenant_id": tenant_id, "kind": self.kind, "action": self.action, "user_id": self.user_id,
                "at": utcnow(), "subject_type": self.subject_type, "subject_id": self.subject_id,
                "details": self.details}


def note(event: Pending) -> None:
    """Buffer ``event`` for the end of the request; outside a request (CLI, jobs) add it to the
    session now, in the tenant's context."""
    if has_request_context():
        g.setdefault(_PENDING, []).append(event)
        return
    tenant_id = event.tenant_id or current_tenant_id()
    if tenant_id is None:
        return
    with unscoped():  # the row names its tenant explicitly (an event may belong to another tenant)
        db.session.execute(insert(AuditEvent), [event.row(tenant_id)])


def _user_id(user) -> int | None:
    return getattr(user, "id", None)


def _tenant_ids_of(user) -> list[int]:
    """The municipalities where ``user`` is a member (a token or password works in all of them)."""
    from core.accounts.models import Membership

    with unscoped():  # explicitly across tenants: the credential belongs to the user, not to one tenant
        return list(db.session.scalars(select(Membership.tenant_id).where(Membership.user_id == user.id)
                                       .order_by(Membership.tenant_id)))


def signed_in(user) -> None:
    """A user signed in (to the URL's municipality; the platform's own sign-in has none)."""
    note(Pending(AUTH, "login.succeeded", _user_id(user), details={"method": "password"}))


def signed_out(user=None) -> None:
    """The user (by default the signed-in one) signed out."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    note(Pending(AUTH, "logout", _user_id(user)))


def sign_in_failed(user=None) -> None:
    """A sign-in (web form, or the API's token endpoint) was refused. ``user`` is the
    account the e-mail address belongs to, if any. No e-mail address is ever recorded: for an
    unknown address nothing identifies the attempt (a hash of an address is still personal data and
    easily reversed by guessing). With a municipality in the URL the event goes to it, naming the
    user only if a member there; with none (the token endpoint) it goes to each municipality where
    the user is a member, and nowhere for an unknown address."""
    api = has_request_context() and request.path.startswith("/api/")
    action = "token.refused" if api else "login.failed"
    tenant = current_tenant()
    if tenant is not None:
        from core.accounts.models import Membership

        member = user is not None and db.session.scalar(
            select(Membership.id).where(Membership.user_id == user.id)) is not None  # scoped to the tenant
        note(Pending(AUTH, action, _user_id(user) if member else None, on_failure=True))
    elif user is not None:
        for tenant_id in _tenant_ids_of(user):
            note(Pending(AUTH, action, user.id, tenant_id=tenant_id, on_failure=True))


def token_issued(user, token_row) -> None:
    """An API token was issued: recorded in every municipality the token gives access to."""
    if token_row.id is None:
        db.session.flush()
    for tenant_id in _tenant_ids_of(user):
        note(Pending(AUTH, "token.created", user.id, TOKEN_SUBJECT, token_row.id, tenant_id=tenant_id))


def token_used(token_row) -> None:
    """A request authenticated with this token; written at the end of the request at most once per
    token, tenant and interval (see the module's docstring)."""
    if has_request_context():
        g.setdefault(_TOKEN, (token_row.id, token_row.user_id))


# ---- at the end of the request: collect before the request's commit, write after it -----------

def _read_event(status: int) -> Pending | None:
    """The read the endpoint declares, if this request showed it: a successful GET by a signed-in
    member inside the tenant."""
    from core.audit.reads import declaration_of

    if request.method != "GET" or status >= 400 or request.endpoint is None:
        return None
    declaration = declaration_of(current_app, request.endpoint, request.method)
    if declaration is None or not declaration.audited:
        return None
    if current_tenant_id() is None or not current_user.is_authenticated:
        return None  # refused before the view ran (a redirect to the sign-in page)
    details = declaration.details(request.args)
    if request.path.startswith("/api/"):
        details["via"] = "api"
        token = g.get(_TOKEN)
        if token:
            details["token"] = token[0]
    return Pending(READ, f"{declaration.subject_type}.{declaration.action}", current_user.id,
                   declaration.subject_type, declaration.subject_id(request.view_args or {}), details)


def _token_event(status: int) -> Pending | None:
    token = g.get(_TOKEN)
    tenant_id = current_tenant_id()
    if token is None or tenant_id is None or status >= 500:
        return None
    token_id, user_id = token
    interval = float(current_app.config.get("AUDIT_TOKEN_USE_MINUTES", 15)) * 60
    seen = current_app.extensions.setdefault(_TOKENS_SEEN, {})
    key, now = (tenant_id, token_id), time.monotonic()
    if key in seen and now - seen[key] < interval:
        return None
    if len(seen) > 10_000:  # forget what is past the interval anyway
        for old in [k for k, at in seen.items() if now - at >= interval]:
            del seen[old]
    seen[key] = now
    return Pending(AUTH, "token.used", user_id, TOKEN_SUBJECT, token_id, on_failure=True,
                   details={"interval_minutes": interval / 60})


def _recently_recorded(connection, tenant_id: int, row: dict) -> bool:
    """Another worker may have recorded this token's use within the interval (one indexed query
    per token and interval, only when this worker has not seen it)."""
    since = utcnow() - timedelta(minutes=row["details"]["interval_minutes"])
    return connection.scalar(
        select(AuditEvent.id).where(AuditEvent.tenant_id == tenant_id, AuditEvent.subject_type == TOKEN_SUBJECT,
                                    AuditEvent.subject_id == row["subject_id"], AuditEvent.action == row["action"],
                                    AuditEvent.at >= since).limit(1)) is not None


def collect(response) -> list[dict]:
    """The rows to write for this request, by its answer (see the module's docstring). Called by
    the request cycle before the request's own commit or rollback, while what it names is loaded."""
    status = response.status_code
    pending = [e for e in g.pop(_PENDING, []) if status < 400 or (e.on_failure and status < 500)]
    for extra in (_read_event(status), _token_event(status)):
        if extra is not None:
            pending.append(extra)
    rows, request_tenant_id = [], current_tenant_id()
    for event in pending:
        tenant_id = event.tenant_id or request_tenant_id
        if tenant_id is not None:  # else no municipality to record it in (the platform's sign-in)
            rows.append(event.row(tenant_id))
    return rows


def write(rows: list[dict]) -> None:
    """Write the request's audit rows in one short transaction of their own, with one INSERT, right
    after the request's transaction ended. On SQLite it begins IMMEDIATE (``g.write_transaction``),
    so it waits for the write lock instead of failing. If it cannot be written the request fails.

    The transaction is the engine's, not the ORM session's: the request's session has committed
    (or rolled back) and holds nothing; a Core connection with one prepared INSERT costs less than
    a new session transaction (about half, per audited page)."""
    if not rows:
        return
    g.write_transaction = True
    try:
        # Rows name their tenant explicitly: the tenant of the request that produced them, or for a
        # credential's events each tenant it opens. Nothing is read across tenants here.
        with unscoped(), db.engine.begin() as connection:
            rows = [row for row in rows
                    if not (row["action"] == "token.used" and _recently_recorded(connection, row["tenant_id"], row))]
            if rows:
                # Every row has every column, so the rows of different events share one statement.
                connection.execute(_INSERT, rows)
    except Exception:
        log.exception("the audit of %s %s could not be written", request.method, request.endpoint)
        raise
    finally:
        g.pop("write_transaction", None)


_INSERT = AuditEvent.__table__.insert()


# ---- what the audit shows ----------------------------------------------------------------------

def reads_of(subject_type: str, subject_id: int, *, limit: int = 200) -> list[tuple]:
    """Who read this subject, newest first: ``(event, user)`` pairs (``user`` is ``None`` for a
    deleted account), at most ``limit``. One query, on the subject index."""
    return list(db.session.execute(_reads_statement(), {"subject_type": subject_type, "subject_id": subject_id,
                                                        "limit": limit}))


@cache
def _reads_statement():
    """Built once, its values bound (:func:`core.tenancy.built_once`): two pages show it on every view."""
    from sqlalchemy import bindparam

    from core.accounts.models import User
    from core.tenancy import built_once

    return built_once(
        select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.kind == READ, AuditEvent.subject_type == bindparam("subject_type"),
               AuditEvent.subject_id == bindparam("subject_id"))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(bindparam("limit")))
