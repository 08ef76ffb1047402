"""school retention setting

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 23:30:00

"""
from alembic import op
import sqlalchemy as sa

import quizapp.models.base


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_months', sa.Integer(), server_default='12', nullable=False))


def downgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('retention_months')
