"""The migrations build the schema from empty, take it back to nothing and build it again, on the
configured database (SQLite, or the PostgreSQL server of ``DATABASE_URL``); and the models match
them (autogenerate finds nothing to add).

It runs on a database of its own — a temporary SQLite file, or a scratch PostgreSQL database made
and dropped by the test — so the shared test schema is left alone.
"""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, make_url, text

from core.extensions import db
from tests.conftest import make_app


@pytest.fixture
def scratch_database_url(database_url, tmp_path):
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    assert url.get_backend_name() == "postgresql", f"no scratch database for {url.get_backend_name()}"
    name = f"mk_migrations_{uuid.uuid4().hex[:10]}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        server.dispose()


def _tables():
    return set(inspect(db.engine).get_table_names())


def _model_differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(context, db.metadata)


def _head():
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_migrations_upgrade_from_empty_downgrade_to_base_and_upgrade_again(scratch_database_url):
    app = make_app(scratch_database_url)
    models = set(db.metadata.tables)
    with app.app_context():
        try:
            assert _tables() == set()

            upgrade()
            assert _tables() == models | {"alembic_version"}
            head = _head()
            assert head is not None
            assert _model_differences() == []

            downgrade(revision="base")
            assert _tables() == {"alembic_version"}
            assert _head() is None

            upgrade()
            assert _tables() == models | {"alembic_version"}
            assert _head() == head
            assert _model_differences() == []
        finally:
            db.session.remove()
            db.engine.dispose()


def test_every_migration_steps_down_and_up_one_at_a_time(scratch_database_url):
    """Each revision's downgrade undoes exactly its upgrade: walk down one step at a time, then up."""
    from alembic.script import ScriptDirectory

    app = make_app(scratch_database_url)
    with app.app_context():
        try:
            config = app.extensions["migrate"].migrate.get_config()
            revisions = [r.revision for r in ScriptDirectory.from_config(config).walk_revisions()]  # head first
            assert revisions, "no migrations"
            upgrade()
            tables_at = {}
            for revision in revisions:
                assert _head() == revision
                tables_at[revision] = _tables()
                downgrade(revision="-1")
            assert _tables() <= {"alembic_version"}
            for revision in reversed(revisions):
                upgrade(revision="+1")
                assert _head() == revision
                assert _tables() == tables_at[revision], f"upgrade to {revision} differs from the first time"
        finally:
            db.session.remove()
            db.engine.dispose()
