"""answers are counted into progress and tallies after they are stored

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 02:30:00

Existing answers were counted when they arrived, so the new column is false
for them; new answers are inserted as pending. The first-tries index served
dashboards that now read the tallies, and nothing reads answers by school
and module any more: both are dropped (two indexes less to write per answer).
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.drop_index('ix_answers_first_tries')
        batch_op.drop_index('ix_answers_school_module')
    op.create_index('ix_answers_pending', 'answers', ['school_id', 'pupil_id'], unique=False,
                    sqlite_where=sa.text('pending = 1'), postgresql_where=sa.text('pending'))


def downgrade():
    op.drop_index('ix_answers_pending', table_name='answers', sqlite_where=sa.text('pending = 1'),
                  postgresql_where=sa.text('pending'))
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index('ix_answers_first_tries', ['pupil_id', 'first_try', 'question_id', 'correct'], unique=False)
        batch_op.create_index('ix_answers_school_module', ['school_id', 'module_id'], unique=False)
        batch_op.drop_column('pending')
