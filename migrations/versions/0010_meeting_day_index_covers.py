"""meetings by day: the (tenant_id, held_on) index also holds match_id and minutes

SQLite's planner takes ix_meeting_tenant_held (0008) for every ``WHERE tenant_id = ?`` on meetings,
with or without ANALYZE, over the other indexes that start with the tenant. A statement that reads
more of each meeting than the index holds then visits the table in day order, not in the order the
rows lie: counting a tenant's 200,000 meetings with the sum of their minutes went from 55 ms (0007)
to 165 ms (0008). With ``match_id`` and ``minutes`` in the index, such scans (the import's
comparison with the tenant's meetings, the export, a tenant's meeting count and minutes) read the
index alone; a scan that needs other columns is sent through ix_meeting_tenant_id, in table order.
The reports' counts per day read the same range as before.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 08:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_tenant_held')
        batch_op.create_index('ix_meeting_tenant_held', ['tenant_id', 'held_on', 'match_id', 'minutes'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_tenant_held')
        batch_op.create_index('ix_meeting_tenant_held', ['tenant_id', 'held_on'], unique=False)
