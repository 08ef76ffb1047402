"""staff audit, the school's safe adults, who a pupil wants to talk to

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 13:20:00

`staff_audit` records every change a school admin makes to staff accounts.
`safe_adults` holds the school's safe grown-ups (name, what they do, an
optional processed photo). Users gain `invite_pending`. Concerns gain `talk_to_name`: which safe adult
the pupil chose.
"""
from alembic import op
import sqlalchemy as sa

from quizapp.models.base import UTCDateTime


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'staff_audit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.String(length=80), nullable=False),
        sa.Column('staff_name', sa.String(length=80), nullable=False),
        sa.Column('action', sa.String(length=200), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_staff_audit_school_id_schools')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_staff_audit_actor_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['staff_id'], ['users.id'], name=op.f('fk_staff_audit_staff_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_audit')),
    )
    op.create_index(op.f('ix_staff_audit_school_id'), 'staff_audit', ['school_id'], unique=False)
    op.create_index(op.f('ix_staff_audit_at'), 'staff_audit', ['at'], unique=False)
    op.create_table(
        'safe_adults',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('role', sa.String(length=120), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('photo', sa.LargeBinary(), nullable=True),
        sa.Column('photo_version', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_safe_adults_school_id_schools')),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_safe_adults_created_by_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_safe_adults')),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_safe_adults_school_id'), 'safe_adults', ['school_id'], unique=False)
    with op.batch_alter_table('concerns') as batch:
        batch.add_column(sa.Column('talk_to_name', sa.String(length=80), server_default='', nullable=False))
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('invite_pending', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_column('invite_pending')
    with op.batch_alter_table('concerns') as batch:
        batch.drop_column('talk_to_name')
    op.drop_index(op.f('ix_safe_adults_school_id'), table_name='safe_adults')
    op.drop_table('safe_adults')
    op.drop_index(op.f('ix_staff_audit_at'), table_name='staff_audit')
    op.drop_index(op.f('ix_staff_audit_school_id'), table_name='staff_audit')
    op.drop_table('staff_audit')
