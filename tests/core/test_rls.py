"""PostgreSQL row-level security, the second wall below the ORM (skipped on SQLite).

Raw SQL sent straight through the DBAPI cursor, past every SQLAlchemy event and so past the ORM's
tenant filter and the guard against Core and text statements, sees only the rows of the tenant
whose transaction it runs in, and nothing when no tenant is set. The application's role owns the
tables (as ``mk`` does here), so the policies must be forced for the owner too.
"""
import pytest
from sqlalchemy import func, select, text

from core.tenancy import Municipality, _tenant_tables, tenant_context, unscoped
from core.volunteers.models import Volunteer
from tests.core.test_tenancy_sealed import two_tenants  # noqa: F401  (the fixture)


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")


def _raw(db, sql, params=None):
    """SQL on the DBAPI connection of the session's transaction: no SQLAlchemy event sees it."""
    cursor = db.session.connection().connection.driver_connection.cursor()
    cursor.execute(sql, params)
    return cursor.fetchall() if cursor.description else cursor.rowcount


def _names(db):
    return sorted(name for (name,) in _raw(db, "SELECT name FROM volunteer"))


def test_raw_sql_in_a_tenants_transaction_sees_only_that_tenants_rows(db, two_tenants):
    a, b, _, _ = two_tenants
    with tenant_context(a):
        db.session.scalar(select(func.count()).select_from(Volunteer))  # the transaction begins in A
        assert _names(db) == ["Middelfart Frivillig"]
        for table in ("screening", "course", "course_session", "course_enrollment", "session_attendance",
                      "volunteer_group", "volunteer_group_member", "group_meeting", "group_meeting_participant",
                      "volunteer_status_change", "membership", "plugin_enablement"):
            tenants = {t for (t,) in _raw(db, f"SELECT DISTINCT tenant_id FROM {table}")}
            assert tenants <= {a.id}, table
        # Nor can it write into B, or move a row there.
        with pytest.raises(Exception, match="row-level security"):
            _raw(db, "INSERT INTO volunteer (tenant_id, name, capacity, status, status_since, recruited_on, languages, "
                     "interests, created_at) VALUES (%s, 'Smuggled', 1, 'applicant', now(), now(), '[]', '[]', now())",
                 (b.id,))
    db.session.rollback()
    with tenant_context(a):
        db.session.scalar(select(func.count()).select_from(Volunteer))
        with pytest.raises(Exception, match="row-level security"):
            _raw(db, "UPDATE volunteer SET tenant_id = %s", (b.id,))
        db.session.rollback()
        db.session.scalar(select(func.count()).select_from(Volunteer))
        assert _raw(db, "DELETE FROM volunteer WHERE tenant_id = %s", (b.id,)) == 0
    db.session.rollback()
    with tenant_context(b):
        db.session.scalar(select(func.count()).select_from(Volunteer))
        assert _names(db) == ["Ishoej Frivillig"]
    db.session.rollback()


def test_raw_sql_with_no_tenant_set_sees_nothing(db, two_tenants):
    db.session.scalar(select(Municipality.id).limit(1))  # a transaction with no tenant
    assert _names(db) == []
    assert _raw(db, "SELECT count(*) FROM volunteer_group_member") == [(0,)]
    db.session.rollback()
    # A fresh connection that never ran a statement of ours has no tenant either.
    with db.engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        cursor.execute("SELECT count(*) FROM volunteer")
        assert cursor.fetchall() == [(0,)]


def test_the_setting_follows_the_work_within_one_transaction(db, two_tenants):
    """Entering another tenant, or unscoped(), mid-transaction moves the setting with the next
    statement; leaving it moves it back."""
    a, b, _, _ = two_tenants
    with tenant_context(a):
        db.session.scalar(select(func.count()).select_from(Volunteer))
        assert _names(db) == ["Middelfart Frivillig"]
        with tenant_context(b):
            db.session.scalar(select(func.count()).select_from(Volunteer))
            assert _names(db) == ["Ishoej Frivillig"]
        with unscoped():
            db.session.execute(text("SELECT 1"))
            assert _names(db) == ["Ishoej Frivillig", "Middelfart Frivillig"]
        db.session.scalar(select(func.count()).select_from(Volunteer))
        assert _names(db) == ["Middelfart Frivillig"]
    db.session.scalar(select(Municipality.id).limit(1))
    assert _names(db) == []
    db.session.rollback()


def test_a_rolled_back_savepoint_does_not_leave_the_wrong_tenant_set(db, two_tenants):
    a, b, _, _ = two_tenants
    with tenant_context(a):
        db.session.scalar(select(func.count()).select_from(Volunteer))
        savepoint = db.session.begin_nested()
        with tenant_context(b):
            db.session.scalar(select(func.count()).select_from(Volunteer))
        savepoint.rollback()  # PostgreSQL undoes the set_config made inside the savepoint
        with tenant_context(b):
            db.session.scalar(select(func.count()).select_from(Volunteer))
            assert _names(db) == ["Ishoej Frivillig"]
    db.session.rollback()


def test_every_tenant_table_is_under_forced_row_level_security(db):
    tenant_tables = sorted(t.name for t in _tenant_tables() if t.name in db.metadata.tables)
    rows = db.session.execute(text(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
        "  (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r'")).all()
    state = {name: (enabled, forced, policies) for name, enabled, forced, policies in rows}
    missing = [t for t in tenant_tables if state.get(t) != (True, True, 1)]
    assert not missing, f"tenant tables without forced row-level security and its policy: {missing}"
    # Platform tables stay readable before a tenant is known (sign-in, tenant lookup).
    assert state["municipality"][:2] == (False, False)
    assert state["user_account"][:2] == (False, False)
    owner, bypass = db.session.execute(text(
        "SELECT r.rolsuper, r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user")).one()
    assert (owner, bypass) == (False, False), "the application's role must not bypass row-level security"


def test_the_policy_reads_the_tenant_setting_once_per_statement(db, two_tenants):
    """Migration 0009: the settings sit in scalar subqueries, which PostgreSQL runs once per
    statement (an InitPlan), instead of calling current_setting() again for every row it reads."""
    a, _, _, _ = two_tenants
    policies = dict(_raw(db, "SELECT tablename, qual FROM pg_policies WHERE policyname = 'tenant_isolation'"))
    # Every table of the database with a tenant_id has the policy (read from the database: test
    # modules may map tenant models of their own that no migration created).
    with_tenant = {name for (name,) in _raw(db, "SELECT table_name FROM information_schema.columns "
                                                "WHERE column_name = 'tenant_id' AND table_schema = current_schema()")}
    assert with_tenant and with_tenant <= set(policies), with_tenant - set(policies)
    for table, qual in policies.items():
        assert "SELECT (NULLIF(current_setting('app.tenant_id'" in qual, (table, qual)
    with tenant_context(a):
        db.session.scalar(select(func.count()).select_from(Volunteer))
        plan = "\n".join(line for (line,) in _raw(db, "EXPLAIN SELECT count(*) FROM volunteer"))
    db.session.rollback()
    assert "InitPlan" in plan, plan
