"""Tenancy by mechanism.

Every tenant-owned model mixes in :class:`TenantScoped`. An ORM event filters every SELECT,
UPDATE and DELETE that touches such a model to the current tenant, and a flush event stamps new
rows with it. With no tenant context the query raises :class:`TenantContextMissing` instead of
returning every municipality's rows; cross-tenant work opens :func:`unscoped` explicitly.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

from sqlalchemy import JSON, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, with_loader_criteria
from sqlalchemy.sql.util import find_tables

from core.extensions import db

# The tenant of the running work. Set only by :func:`tenant_context`; read by :func:`current_tenant`.
_tenant: ContextVar["Municipality | None"] = ContextVar("mentorkorps_tenant", default=None)
_tenant_id: ContextVar[int | None] = ContextVar("mentorkorps_tenant_id", default=None)
_unscoped: ContextVar[bool] = ContextVar("mentorkorps_unscoped", default=False)


class TenantContextMissing(RuntimeError):
    """A tenant-scoped table was queried or written with no tenant in context."""


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Municipality(db.Model):
    """A tenant. Its slug is the first segment of every web and API URL."""

    __tablename__ = "municipality"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # Bumped on every plugin (en/dis)ablement; the hook relay cache is keyed on it, so a change
    # takes effect on the next request in every worker without a restart.
    plugins_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def setting(self, key, default=None):
        return (self.settings or {}).get(key, default)

    def __repr__(self):
        return f"<Municipality {self.slug}>"


class TenantScoped:
    """Mixin for every table that holds a municipality's data."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True, nullable=False)


def current_tenant() -> Municipality | None:
    """The tenant whose work is running (request, CLI command, job or test), or ``None``."""
    return _tenant.get()


def current_tenant_id() -> int | None:
    return _tenant_id.get()


@contextmanager
def tenant_context(tenant: Municipality):
    """The one way in: run the block as ``tenant``. Queries are filtered to it, new rows belong to
    it, services read it through :func:`current_tenant` and hooks are dispatched for it. Requests,
    the CLI, the demo loader, background jobs and tests all enter a tenant this way."""
    if not isinstance(tenant, Municipality):
        raise TypeError(f"tenant_context() takes a Municipality, not {type(tenant).__name__}")
    tokens = (_tenant.set(tenant), _tenant_id.set(tenant.id), _unscoped.set(False))
    try:
        yield tenant
    finally:
        _unscoped.reset(tokens[2])
        _tenant_id.reset(tokens[1])
        _tenant.reset(tokens[0])


@contextmanager
def unscoped():
    """Cross-tenant work (platform admin, CLI, tests): the filter is lifted, explicitly."""
    token = _unscoped.set(True)
    try:
        yield
    finally:
        _unscoped.reset(token)


def _tenant_tables() -> set:
    tables, pending = set(), list(TenantScoped.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if getattr(cls, "__table__", None) is not None:
            tables.add(cls.__table__)
    return tables


def _touches_tenant_data(orm_execute_state) -> bool:
    """Whether the statement reads or changes a tenant table anywhere: its entities, joins (eager
    ones too), ``select_from``, subqueries and ``any()``/``has()`` criteria."""
    if any(issubclass(m.class_, TenantScoped) for m in orm_execute_state.all_mappers):
        return True
    statement = orm_execute_state.statement
    found = set(find_tables(statement, include_joins=True, include_aliases=True, include_crud=True))
    if hasattr(statement, "get_final_froms") and _may_join_through_the_orm(statement, orm_execute_state.all_mappers):
        # The FROM list as the ORM builds it, with relationship joins and joined eager loads (slower).
        for from_ in statement.get_final_froms():
            found.update(find_tables(from_, include_joins=True, include_aliases=True))
    return not _tenant_tables().isdisjoint(found)


def _may_join_through_the_orm(statement, mappers) -> bool:
    if getattr(statement, "_setup_joins", None) or getattr(statement, "_with_options", None):
        return True
    return any(rel.lazy == "joined" for mapper in mappers for rel in mapper.relationships)


@event.listens_for(Session, "do_orm_execute")
def _scope_to_tenant(orm_execute_state):
    if orm_execute_state.is_insert:
        _stamp_bulk_insert(orm_execute_state)
        return
    if not (orm_execute_state.is_select or orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    if _unscoped.get():
        return
    tenant_id = _tenant_id.get()
    if tenant_id is None:
        if _touches_tenant_data(orm_execute_state):
            raise TenantContextMissing("query on tenant data without a tenant in context")
        # Belt and braces: should a tenant table still be reached, it matches no tenant's rows. Not
        # passed on to the objects' later lazy loads, which run in whatever scope they run in.
        criteria = with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id.is_(None), include_aliases=True,
                                        propagate_to_loaders=False)
    else:
        # Every statement, not only those whose top-level entity is tenant data: the criteria reach
        # joins, select_from, subqueries and eager loads of tenant-scoped classes too.
        criteria = with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)
    orm_execute_state.statement = orm_execute_state.statement.options(criteria)


def _stamp_bulk_insert(orm_execute_state):
    """ORM bulk INSERT (``session.execute(insert(Model), rows)``) skips the flush: stamp its rows
    with the tenant here, and refuse rows of another tenant as the flush does."""
    if _unscoped.get() or not any(issubclass(m.class_, TenantScoped) for m in orm_execute_state.all_mappers):
        return
    tenant_id = _tenant_id.get()
    if tenant_id is None:
        raise TenantContextMissing("insert of tenant data without a tenant in context")
    params = orm_execute_state.parameters
    rows = params if isinstance(params, (list, tuple)) else [params] if params else []
    stamped = []
    for row in rows:
        if row.get("tenant_id") not in (None, tenant_id):
            raise TenantContextMissing("insert of rows for another tenant")
        stamped.append({**row, "tenant_id": tenant_id})
    if not stamped:
        raise TenantContextMissing("tenant data inserted without row parameters cannot be stamped")
    orm_execute_state.parameters = stamped if isinstance(params, (list, tuple)) else stamped[0]


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session, flush_context, instances):
    tenant_id = _tenant_id.get()
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None:
            if tenant_id is None:
                raise TenantContextMissing(f"new {type(obj).__name__} without a tenant in context")
            obj.tenant_id = tenant_id
        elif tenant_id is not None and obj.tenant_id != tenant_id and not _unscoped.get():
            raise TenantContextMissing(f"new {type(obj).__name__} for another tenant")
