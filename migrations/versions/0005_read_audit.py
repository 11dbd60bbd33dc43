"""audit of reads, logins and token use

Adds ``audit_event.kind`` (write | read | auth; the rows so far are writes), an index for the
events of one subject ("who looked at this volunteer"), and names subjects by their table
(``volunteer``) rather than their class (``Volunteer``), so reads and writes of one subject share
one name.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 01:00:00

"""
from alembic import op
import sqlalchemy as sa

from core.tenancy import unscoped


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# Class names that record() wrote before 0005, and their tables.
SUBJECT_TABLES = {
    'Volunteer': 'volunteer',
    'Course': 'course',
    'VolunteerGroup': 'volunteer_group',
    'GroupMeeting': 'group_meeting',
    'Municipality': 'municipality',
    'Membership': 'membership',
}

audit_event = sa.table('audit_event', sa.column('subject_type', sa.String))


def _rename_subjects(mapping):
    with unscoped():  # every tenant's rows, on purpose (docs/sql.md)
        for old, new in mapping.items():
            op.execute(audit_event.update().where(audit_event.c.subject_type == old).values(subject_type=new))


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='write', nullable=False))
        batch_op.create_index('ix_audit_event_subject', ['tenant_id', 'subject_type', 'subject_id', 'at'],
                              unique=False)
    _rename_subjects(SUBJECT_TABLES)


def downgrade():
    _rename_subjects({new: old for old, new in SUBJECT_TABLES.items()})
    with unscoped():  # the reads and sign-ins of every tenant: the old schema cannot tell them apart
        op.execute(audit_event.delete().where(sa.column('kind') != 'write'))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_subject')
        batch_op.drop_column('kind')
