"""wrong guesses are counted in the database

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 12:40:00

Kept in each server process's memory (without REDIS_URL), every limit was
multiplied by the number of gunicorn workers, and unknown emails were counted
differently from accounts. See services/throttle.py.
"""
from alembic import op
import sqlalchemy as sa

import quizapp.models.base


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'throttle_counts',
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('window', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('locked_until', quizapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('expires_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('scope', 'key', 'window', name=op.f('pk_throttle_counts')),
    )
    op.create_index(op.f('ix_throttle_counts_expires_at'), 'throttle_counts', ['expires_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_throttle_counts_expires_at'), table_name='throttle_counts')
    op.drop_table('throttle_counts')
