"""Tenancy by mechanism.

Every tenant-owned model mixes in :class:`TenantScoped`. An ORM event filters every SELECT,
UPDATE and DELETE that touches such a model to the current tenant, and a flush event stamps new
rows with it. With no tenant context the query raises :class:`TenantContextMissing` instead of
returning every municipality's rows; cross-tenant work opens :func:`unscoped` explicitly.

Below the ORM (docs/sql.md has the rules for writing SQL):

- A Core or text statement on a tenant table is refused (:class:`RawSQLRefused`) unless it runs
  inside :func:`unscoped`: inside a tenant's work every ``text()`` is refused, and outside one
  any Core, text or driver-level statement naming a tenant table. The check runs once per compiled
  statement (the verdict is kept on SQLAlchemy's cached compiled form), so its cost per statement
  is a few attribute reads.
- ``session.get()`` does not hand out another tenant's row from the identity map
  (:class:`core.extensions.TenantSession`), and a flush refuses to change a row's ``tenant_id``.
- On PostgreSQL every statement runs with ``app.tenant_id`` and ``app.unscoped`` set for its
  transaction (``set_config(..., true)``), and row-level security policies on every tenant table
  (:func:`rls_enable_statements`, migration 0003) let a transaction see and write only its tenant's
  rows: the second wall, should anything get past the first.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, TextClause, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, with_loader_criteria
from sqlalchemy.sql import visitors
from sqlalchemy.sql.ddl import BaseDDLElement
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.sql.selectable import Select, TableClause
from sqlalchemy.sql.util import find_tables

from core.extensions import db

# The tenant of the running work. Set only by :func:`tenant_context`; read by :func:`current_tenant`.
_tenant: ContextVar["Municipality | None"] = ContextVar("mentorkorps_tenant", default=None)
_tenant_id: ContextVar[int | None] = ContextVar("mentorkorps_tenant_id", default=None)
_unscoped: ContextVar[bool] = ContextVar("mentorkorps_unscoped", default=False)
# True while the session flushes: the unit of work's own Core statements are let through.
_in_unit_of_work: ContextVar[bool] = ContextVar("mentorkorps_in_unit_of_work", default=False)


class TenancyViolation(RuntimeError):
    """Tenant data was about to be read or written outside the tenancy rules."""


class TenantContextMissing(TenancyViolation):
    """A tenant-scoped table was queried or written with no tenant in context."""


class RawSQLRefused(TenancyViolation):
    """A Core, text or driver-level statement on a tenant table outside :func:`unscoped`."""


class TenantChangeRefused(TenancyViolation):
    """A flush would move an existing row to another tenant."""


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

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _forget_tenant_tables()

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True, nullable=False)


_tenant_associations: set[Table] = set()


def tenant_association(table: Table) -> Table:
    """Declare an association table (a relationship's ``secondary``) as tenant data. It must have a
    non-null ``tenant_id`` (:func:`tenant_id_column`); its other foreign keys are composite
    ``(tenant_id, x_id)``, so an association row always joins two rows of its own tenant. The ORM
    fills ``tenant_id`` from both ends of the relationship; the column default is the tenant in
    context. Association tables are let through inside ORM statements, where they only ever appear
    joined to filtered entities (relationship loads); in Core or text statements they are refused
    like every tenant table."""
    assert "tenant_id" in table.c and not table.c.tenant_id.nullable, table.name
    _tenant_associations.add(table)
    _forget_tenant_tables()
    return table


def _stamp_default():
    tenant_id = _tenant_id.get()
    if tenant_id is None:
        raise TenantContextMissing("tenant data inserted without a tenant in context")
    return tenant_id


def tenant_id_column() -> Column:
    """The ``tenant_id`` column of a plain :class:`~sqlalchemy.Table` that holds tenant data."""
    return Column("tenant_id", ForeignKey("municipality.id", ondelete="CASCADE"), nullable=False, index=True,
                  default=_stamp_default)


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
    # The id from the identity key: reading an expired ``tenant.id`` would load the row and, with
    # it, autoflush the previous tenant's pending rows outside any tenant context.
    identity = inspect(tenant).identity
    tokens = (_tenant.set(tenant), _tenant_id.set(identity[0] if identity else tenant.id), _unscoped.set(False))
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


_tables_cache: dict = {}


def _forget_tenant_tables() -> None:
    _tables_cache.clear()


def _tenant_tables() -> frozenset:
    """Every tenant table: those of the :class:`TenantScoped` models and the association tables.
    Computed once and cached; a new model (``__init_subclass__`` runs after it is mapped) or
    association table clears the cache."""
    tables = _tables_cache.get("tables")
    if tables is None:
        found, pending = set(_tenant_associations), list(TenantScoped.__subclasses__())
        while pending:
            cls = pending.pop()
            pending.extend(cls.__subclasses__())
            if getattr(cls, "__table__", None) is not None:
                found.add(cls.__table__)
        tables = _tables_cache["tables"] = frozenset(found)
    return tables


def _tenant_table_names() -> re.Pattern:
    """A pattern that finds any tenant table's name as a whole word (optionally quoted) in SQL."""
    pattern = _tables_cache.get("names")
    if pattern is None:
        names = sorted({re.escape(t.name) for t in _tenant_tables()}, key=len, reverse=True)
        pattern = _tables_cache["names"] = re.compile(r"(?<![\w$])[\"`\[]?(?:%s)(?![\w$])" % "|".join(names or ["(?!)"]),
                                                      re.IGNORECASE)
    return pattern


_TOUCH_VERDICTS_MAX = 2000


def _touches_tenant_data(orm_execute_state) -> bool:
    """Whether the statement reads or changes a tenant table anywhere: its entities, joins (eager
    ones too), ``select_from``, subqueries and ``any()``/``has()`` criteria.

    Worked out once per statement shape: the verdict is kept under the statement's SQLAlchemy cache
    key (its structure without the bound values, the key of SQLAlchemy's own compiled cache), since
    building the ORM's FROM list of a statement with joins costs about a millisecond. A statement
    SQLAlchemy cannot cache is worked out every time."""
    if any(issubclass(m.class_, TenantScoped) for m in orm_execute_state.all_mappers):
        return True
    statement = orm_execute_state.statement
    cache_key = statement._generate_cache_key()
    if cache_key is None:
        return _reaches_tenant_tables(statement, orm_execute_state.all_mappers)
    verdicts = _tables_cache.setdefault("touch_verdicts", {})
    verdict = verdicts.get(cache_key.key)
    if verdict is None:
        verdict = _reaches_tenant_tables(statement, orm_execute_state.all_mappers)
        if len(verdicts) >= _TOUCH_VERDICTS_MAX:
            verdicts.clear()
        verdicts[cache_key.key] = verdict
    return verdict


def _reaches_tenant_tables(statement, mappers) -> bool:
    found = set(find_tables(statement, include_joins=True, include_aliases=True, include_crud=True))
    if hasattr(statement, "get_final_froms") and _may_join_through_the_orm(statement, mappers):
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
    if orm_execute_state.is_update:
        _refuse_tenant_id_in_update(orm_execute_state)
    tenant_id = _tenant_id.get()
    if tenant_id is None:
        if _touches_tenant_data(orm_execute_state):
            raise TenantContextMissing("query on tenant data without a tenant in context")
        criteria = _no_tenant_criteria()
    else:
        criteria = _tenant_criteria(tenant_id)
    statement = orm_execute_state.statement
    scoped = statement.__dict__.get(_SCOPED_FORMS)
    if scoped is None:
        orm_execute_state.statement = statement.options(criteria)
        return
    # A statement built once (:func:`built_once`): its filtered form per tenant is made once too, so
    # SQLAlchemy's cache key, memoized on that object, is not worked out again on every execution.
    key = (tenant_id, id(criteria))
    filtered = scoped.get(key)
    if filtered is None:
        if len(scoped) >= 1000:
            scoped.clear()
        filtered = scoped[key] = statement.options(criteria)
    orm_execute_state.statement = filtered


_SCOPED_FORMS = "_mentorkorps_scoped_forms"


def built_once(statement):
    """Mark a statement that is built once and executed many times (kept in a module or a cache,
    its values bound at execution): the tenant filter then keeps its filtered form per tenant, and
    SQLAlchemy works out the statement's cache key once instead of on every execution (half a
    millisecond for a large UNION). Only for statements that are never changed after this call."""
    statement.__dict__[_SCOPED_FORMS] = {}
    return statement


def _no_tenant_criteria():
    """Belt and braces: should a tenant table still be reached with no tenant in context, it
    matches no tenant's rows. Not passed on to the objects' later lazy loads, which run in whatever
    scope they run in. Made once (an option is immutable; building one costs ~30 µs)."""
    criteria = _tables_cache.get("no_tenant_criteria")
    if criteria is None:
        criteria = _tables_cache["no_tenant_criteria"] = with_loader_criteria(
            TenantScoped, lambda cls: cls.tenant_id.is_(None), include_aliases=True, propagate_to_loaders=False)
    return criteria


def _tenant_criteria(tenant_id: int):
    """The filter added to every ORM statement in ``tenant_id``'s context: every statement, not
    only those whose top-level entity is tenant data, so that the criteria reach joins,
    ``select_from``, subqueries and eager loads of tenant-scoped classes too. Made once per tenant
    (the tenant id is the lambda's closure, sent as a bound parameter)."""
    by_tenant = _tables_cache.setdefault("tenant_criteria", {})
    criteria = by_tenant.get(tenant_id)
    if criteria is None:
        if len(by_tenant) >= 10_000:
            by_tenant.clear()
        criteria = by_tenant[tenant_id] = _make_tenant_criteria(tenant_id)
    return criteria


def _make_tenant_criteria(tenant_id: int):
    return with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)


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
    # The rows are checked: the Core INSERT the ORM emits for them may pass the guard below.
    orm_execute_state.update_execution_options(**{_CHECKED: True})


def _refuse_tenant_id_in_update(orm_execute_state):
    """``update(Model).values(tenant_id=...)`` would move rows to another tenant."""
    statement = orm_execute_state.statement
    keys = {getattr(k, "key", k) for k in (getattr(statement, "_values", None) or {})}
    for values in getattr(statement, "_multi_values", ()) or ():
        for row in values:
            keys.update(getattr(k, "key", k) for k in (row if isinstance(row, dict) else {}))
    params = orm_execute_state.parameters
    for row in params if isinstance(params, (list, tuple)) else [params or {}]:
        keys.update(row)
    if "tenant_id" in keys and any(issubclass(m.class_, TenantScoped) for m in orm_execute_state.all_mappers):
        raise TenantChangeRefused("an UPDATE may not set tenant_id")


@event.listens_for(Session, "transient_to_pending")
def _stamp_on_add(session, obj):
    """A new row belongs to the tenant in context when it is added, not when it is flushed: a
    session that switches tenants before flushing must not hand it to the next tenant."""
    if isinstance(obj, TenantScoped) and obj.tenant_id is None:
        tenant_id = _tenant_id.get()
        if tenant_id is not None:
            obj.tenant_id = tenant_id


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session, flush_context, instances):
    tenant_id = _tenant_id.get()
    unscoped_ = _unscoped.get()
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None:
            if tenant_id is None:
                raise TenantContextMissing(f"new {type(obj).__name__} without a tenant in context")
            obj.tenant_id = tenant_id
        elif unscoped_:
            continue
        elif tenant_id is None:
            raise TenantContextMissing(f"new {type(obj).__name__} for a tenant of its own choosing, with no tenant in "
                                       "context (use tenant_context(), or unscoped() for cross-tenant work)")
        elif obj.tenant_id != tenant_id:
            raise TenantContextMissing(f"new {type(obj).__name__} for another tenant")
    for obj in session.dirty:
        if isinstance(obj, TenantScoped):
            history = inspect(obj).attrs.tenant_id.history
            if history.deleted and history.deleted[0] is not None and history.added != history.deleted:
                raise TenantChangeRefused(f"{type(obj).__name__} {obj.id} may not move to another tenant")


@contextmanager
def unit_of_work():
    """Marks a flush (:class:`core.extensions.TenantSession`): the unit of work's own INSERT,
    UPDATE and DELETE statements are let through the guard below; the objects they write were
    checked by the flush events above and, on PostgreSQL, by row-level security."""
    token = _in_unit_of_work.set(True)
    try:
        yield
    finally:
        _in_unit_of_work.reset(token)


def visible_in_tenant_context(obj):
    """What ``session.get()`` may return: ``obj`` unless it is tenant data of another tenant (then
    ``None``, as if the row did not exist); with no tenant in context, tenant data raises."""
    if obj is None or not isinstance(obj, TenantScoped) or _unscoped.get():
        return obj
    tenant_id = _tenant_id.get()
    if tenant_id is None:
        raise TenantContextMissing(f"{type(obj).__name__} looked up without a tenant in context")
    owner = inspect(obj).dict.get("tenant_id")
    if owner is None:  # expired or deferred: the refresh goes through the tenant filter
        owner = obj.tenant_id
    return obj if owner == tenant_id else None


# ---- below the ORM: Core, text and driver-level SQL ------------------------------------------------

_CHECKED = "mentorkorps_tenancy_checked"
# Driver-level statements that never read or write rows: transaction control, SQLite's PRAGMAs
# (also those SQLAlchemy's reflection sends, which name tables), session settings.
_HARMLESS_DRIVER_SQL = re.compile(r"\s*(?:PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET|SHOW|RESET|END)\b",
                                  re.IGNORECASE)
_DDL, _TEXT, _CORE, _ORM = "ddl", "text", "core", "orm"


def _classify(compiled) -> tuple[str, tuple[str, ...]]:
    """What a compiled statement is, and which tenant tables it reaches unfiltered. Kept on the
    compiled object, which SQLAlchemy caches and reuses for every execution of the same statement
    shape (whatever the tenant: the tenant is a bound parameter)."""
    statement = compiled.statement
    if isinstance(statement, BaseDDLElement):
        return _DDL, ()
    if isinstance(statement, TextClause):
        return _TEXT, tuple(sorted({m.group(0).strip('"`[').lower() for m in _tenant_table_names().finditer(compiled.string)}))
    if getattr(statement, "_propagate_attrs", {}).get("compile_state_plugin") != "orm":
        # A Core statement: whatever tenant table its SQL names is reached unfiltered.
        return _CORE, tuple(sorted({m.group(0).strip('"`[').lower() for m in _tenant_table_names().finditer(compiled.string)}))
    # An ORM statement: its entities are filtered (do_orm_execute); a tenant Table used directly
    # beside them (``select(A.id, B.__table__.c.x)``) or in a nested Core SELECT
    # (``A.id.in_(select(B.__table__.c.id))``) is not.
    tenant, in_core_select, direct, covered = _tenant_tables(), set(), set(), set()
    for element in visitors.iterate(statement):
        if isinstance(element, Select) and element._propagate_attrs.get("compile_state_plugin") != "orm":
            found = set(find_tables(element, include_joins=True, include_aliases=True))
            for from_ in element.get_final_froms():
                found.update(find_tables(from_, include_joins=True, include_aliases=True))
            in_core_select.update(t for t in found if t in tenant and t not in _tenant_associations)
            continue
        if isinstance(element, TableClause):
            table, as_table = element, True
        elif isinstance(element, ColumnClause):
            table, as_table = element.table, False
        else:
            continue
        if table is None or table not in tenant:
            continue
        if "parententity" in getattr(element, "_annotations", ()) or "parententity" in getattr(table, "_annotations", ()):
            covered.add(table)
        elif as_table and table not in _tenant_associations:
            direct.add(table)
    return _ORM, tuple(sorted({t.name for t in in_core_select | (direct - covered)}))


@event.listens_for(Engine, "before_cursor_execute")
def _below_the_orm(conn, cursor, statement, parameters, context, executemany):
    unscoped_ = _unscoped.get()
    tenant_id = _tenant_id.get()
    if not unscoped_ and not _in_unit_of_work.get():
        _refuse_unscoped_sql(statement, context, tenant_id)
    if conn.dialect.name == "postgresql":
        _apply_row_security_settings(conn, tenant_id, unscoped_)


def _refuse_unscoped_sql(statement, context, tenant_id):
    compiled = getattr(context, "compiled", None)
    if compiled is None:  # exec_driver_sql(): plain SQL text
        if not _HARMLESS_DRIVER_SQL.match(statement) and _tenant_table_names().search(statement):
            raise RawSQLRefused(f"driver-level SQL on a tenant table outside unscoped(): {statement[:80]!r}")
        return
    if context.execution_options.get(_CHECKED):
        return
    verdict = getattr(compiled, "_mentorkorps_tenancy", None)
    if verdict is None:
        verdict = _classify(compiled)
        compiled._mentorkorps_tenancy = verdict
    kind, tables = verdict
    if kind == _TEXT and (tables or tenant_id is not None):
        raise RawSQLRefused("text() SQL inside a tenant's work, or on a tenant table, outside unscoped()"
                            + (f": {', '.join(tables)}" if tables else ""))
    if tables and kind in (_CORE, _ORM):
        raise RawSQLRefused(f"{'Core' if kind == _CORE else 'a direct Table in an ORM'} statement on tenant "
                            f"table(s) {', '.join(tables)} outside unscoped(): query the models instead")


# ---- PostgreSQL: row-level security, the second wall -------------------------------------------------

_RLS_STATE = "mentorkorps_rls"
_RLS_DEFAULT = (None, False)  # what a new transaction starts with: no tenant, not unscoped
_SET_CONFIG = "SELECT set_config('app.tenant_id', %s, true), set_config('app.unscoped', %s, true)"


def _apply_row_security_settings(conn, tenant_id, unscoped_):
    """Make the transaction's ``app.tenant_id``/``app.unscoped`` those of the running work before a
    statement runs; they are local to the transaction (``set_config(..., true)``) and sent only when
    they differ from what the transaction already has: once per transaction that works for a
    tenant, and again when the work enters or leaves a tenant or ``unscoped()`` mid-transaction."""
    state = (tenant_id, unscoped_)
    info = conn.info
    if info.get(_RLS_STATE, _RLS_DEFAULT) == state:
        return
    conn.connection.driver_connection.execute(
        _SET_CONFIG, ("" if tenant_id is None else str(tenant_id), "on" if unscoped_ else "off"))
    info[_RLS_STATE] = state


@event.listens_for(Engine, "begin")
def _new_transaction(conn):
    conn.info[_RLS_STATE] = _RLS_DEFAULT  # local settings ended with the last transaction


@event.listens_for(Engine, "rollback_savepoint")
def _rolled_back_to_savepoint(conn, name, context):
    conn.info[_RLS_STATE] = ("unknown",)  # a savepoint's rollback undoes settings made inside it


# The settings are read in scalar subqueries, so PostgreSQL evaluates them once per statement (an
# initPlan) rather than once per row (migration 0009).
RLS_POLICY = ("(tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::integer) "
              "OR (SELECT current_setting('app.unscoped', true)) = 'on')")


def rls_enable_statements(table: str) -> list[str]:
    """The PostgreSQL statements that put ``table`` (with a ``tenant_id``) under row-level security,
    forced for its owner too (the application's role owns its tables). For migrations: every new
    tenant table gets them in the migration that creates it."""
    return [f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
            f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
            f'CREATE POLICY tenant_isolation ON "{table}" USING {RLS_POLICY} WITH CHECK {RLS_POLICY}']


def rls_disable_statements(table: str) -> list[str]:
    return [f'DROP POLICY IF EXISTS tenant_isolation ON "{table}"',
            f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
            f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY']
