"""meetings by day: an index on (tenant_id, held_on), for the reports that count a period's meetings

The reports count the meetings whose ``held_on`` lies in a period (the activity report's meetings
per month). The indexes that start with the tenant have ``match_id`` second or nothing, so such a
count read every meeting the tenant ever logged, whatever the period. With this index it reads the
period's range, in day order (bench/reports.py, SQLite, a tenant with 200,000 meetings over ten
years: one year's meetings per month 142 ms before, 58 ms after, on a busy machine).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 07:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_tenant_held', ['tenant_id', 'held_on'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_tenant_held')
