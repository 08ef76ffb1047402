"""parent link codes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import quizapp.models.base


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # Written by hand in the shape `flask db migrate` gives; checked by
    # tests/test_database.py::test_migrations_match_the_models.
    op.create_table('parent_link_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_parent_link_codes_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_parent_link_codes_pupil_id_pupils'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_parent_link_codes_school_id_schools')),
    sa.ForeignKeyConstraint(['used_by_id'], ['users.id'], name=op.f('fk_parent_link_codes_used_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parent_link_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_parent_link_codes_code_hash'))
    )
    with op.batch_alter_table('parent_link_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parent_link_codes_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parent_link_codes_school_id'), ['school_id'], unique=False)


def downgrade():
    with op.batch_alter_table('parent_link_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parent_link_codes_school_id'))
        batch_op.drop_index(batch_op.f('ix_parent_link_codes_pupil_id'))

    op.drop_table('parent_link_codes')
