"""tenancy sealed: tenant_id on every tenant table, composite foreign keys, row-level security

- ``volunteer_group_member`` gets a non-null ``tenant_id`` (filled from its group).
- Every reference between tenant tables becomes a composite ``(tenant_id, x_id)`` foreign key to
  ``(tenant_id, id)`` of the referenced table (which gets a unique constraint on that pair), so
  the database itself refuses a row that points into another tenant.
  ``group_meeting.group_id`` was ``ON DELETE SET NULL``; on a composite key that would null
  ``tenant_id`` too, so the database now refuses (NO ACTION) and the ORM nulls ``group_id`` when
  a group is deleted (``VolunteerGroup.meetings``; docs/sql.md).
- PostgreSQL: row-level security, forced for the owner too, on every tenant table; a transaction
  sees and writes only the rows of ``app.tenant_id``, or every row when ``app.unscoped`` is on
  (core/tenancy.py sets both per transaction). The policy text is frozen here; later migrations
  that add tenant tables use ``core.tenancy.rls_enable_statements``.

On SQLite the tables are rebuilt in batch mode, with foreign keys off for the migration
(migrations/env.py), so that dropping a rebuilt table does not cascade.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# Referenced tenant tables: they get UNIQUE (tenant_id, id).
PARENTS = ["volunteer", "course", "course_session", "volunteer_group", "group_meeting"]

# (table, column, referenced table, ondelete before -> after)
REFERENCES = [
    ("volunteer_status_change", "volunteer_id", "volunteer", "CASCADE", "CASCADE"),
    ("screening", "volunteer_id", "volunteer", "CASCADE", "CASCADE"),
    ("course_session", "course_id", "course", "CASCADE", "CASCADE"),
    ("course_enrollment", "course_id", "course", "CASCADE", "CASCADE"),
    ("course_enrollment", "volunteer_id", "volunteer", "CASCADE", "CASCADE"),
    ("session_attendance", "session_id", "course_session", "CASCADE", "CASCADE"),
    ("session_attendance", "volunteer_id", "volunteer", "CASCADE", "CASCADE"),
    ("group_meeting", "group_id", "volunteer_group", "SET NULL", None),
    ("group_meeting_participant", "meeting_id", "group_meeting", "CASCADE", "CASCADE"),
    ("group_meeting_participant", "volunteer_id", "volunteer", "CASCADE", "CASCADE"),
    ("volunteer_group_member", "group_id", "volunteer_group", "CASCADE", "CASCADE"),
    ("volunteer_group_member", "volunteer_id", "volunteer", "CASCADE", "CASCADE"),
]

# Every tenant table at this revision.
TENANT_TABLES = [
    "membership", "audit_event", "plugin_enablement",
    "volunteer", "volunteer_status_change", "screening",
    "course", "course_session", "course_enrollment", "session_attendance",
    "volunteer_group", "volunteer_group_member", "group_meeting", "group_meeting_participant",
]

POLICY = ("(tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::integer "
          "OR current_setting('app.unscoped', true) = 'on')")


def _postgresql():
    return op.get_bind().dialect.name == "postgresql"


def _by_table(references):
    tables = {}
    for table, column, referenced, before, after in references:
        tables.setdefault(table, []).append((column, referenced, before, after))
    return tables


def upgrade():
    with op.batch_alter_table('volunteer_group_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tenant_id', sa.Integer(), nullable=True))
    op.execute("UPDATE volunteer_group_member SET tenant_id = (SELECT volunteer_group.tenant_id FROM volunteer_group "
               "WHERE volunteer_group.id = volunteer_group_member.group_id)")
    with op.batch_alter_table('volunteer_group_member', schema=None) as batch_op:
        batch_op.alter_column('tenant_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_volunteer_group_member_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_volunteer_group_member_tenant_id_municipality'), 'municipality',
                                    ['tenant_id'], ['id'], ondelete='CASCADE')

    for table in PARENTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_tenant_id_id'), ['tenant_id', 'id'])

    for table, references in _by_table(REFERENCES).items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, referenced, _before, after in references:
                batch_op.drop_constraint(f'fk_{table}_{column}_{referenced}', type_='foreignkey')
                batch_op.create_foreign_key(batch_op.f(f'fk_{table}_tenant_id_{referenced}'), referenced,
                                            ['tenant_id', column], ['tenant_id', 'id'], ondelete=after)

    if _postgresql():
        for table in TENANT_TABLES:
            op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
            op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
            op.execute(f'CREATE POLICY tenant_isolation ON "{table}" USING {POLICY} WITH CHECK {POLICY}')


def downgrade():
    if _postgresql():
        for table in TENANT_TABLES:
            op.execute(f'DROP POLICY IF EXISTS tenant_isolation ON "{table}"')
            op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
            op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')

    for table, references in reversed(list(_by_table(REFERENCES).items())):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, referenced, before, _after in references:
                batch_op.drop_constraint(f'fk_{table}_tenant_id_{referenced}', type_='foreignkey')
                batch_op.create_foreign_key(batch_op.f(f'fk_{table}_{column}_{referenced}'), referenced,
                                            [column], ['id'], ondelete=before)

    for table in reversed(PARENTS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_tenant_id_id'), type_='unique')

    with op.batch_alter_table('volunteer_group_member', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_volunteer_group_member_tenant_id_municipality'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_volunteer_group_member_tenant_id'))
        batch_op.drop_column('tenant_id')
