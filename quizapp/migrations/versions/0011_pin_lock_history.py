"""the teacher sees whose picture PIN was being guessed

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 12:50:00

pupils.pin_locks counts the locks since the teacher last reset the PIN and
pin_last_locked_at says when the last one was; pin_failures now counts wrong
tries in a row (until a right one), and each lock in a row lasts longer.
"""
from alembic import op
import sqlalchemy as sa

import quizapp.models.base


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pin_locks', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('pin_last_locked_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.drop_column('pin_last_locked_at')
        batch_op.drop_column('pin_locks')
