"""read to me, sounds, and one concern per "I'm worried" page

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 13:30:00

pupils.read_to_me (NULL = the year group's default), pupils.sounds and
pupils.no_voice_at;
concerns.request_token (unique) so a double-tapped "Tell a grown-up" records
one concern. SQLite keeps AUTOINCREMENT when a batch recreates the tables (ids never reused).
"""
from alembic import op
import sqlalchemy as sa

import quizapp.models.base


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pupils', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('read_to_me', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('sounds', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('no_voice_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('concerns', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('request_token', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_concerns_request_token'), ['request_token'])


def downgrade():
    with op.batch_alter_table('concerns', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_concerns_request_token'), type_='unique')
        batch_op.drop_column('request_token')
    with op.batch_alter_table('pupils', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('no_voice_at')
        batch_op.drop_column('sounds')
        batch_op.drop_column('read_to_me')
