"""mail outbox, single-use tokens, deputy DSLs, concern alert settings

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 12:40:00

Every email is written to `outbox` with the change that causes it and sent
by the outbox worker. `user_tokens` holds hashes of single-use links
(password resets; invitations later). Users gain the deputy DSL role;
schools their time zone and the school-day hours and delay of the second
concern alert; concerns when a DSL first opened them and when the second
alert went.
"""
from alembic import op
import sqlalchemy as sa

from quizapp.models.base import UTCDateTime


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('to_addr', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('send_after', UTCDateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claim_token', sa.String(length=32), nullable=True),
        sa.Column('claimed_until', UTCDateTime(), nullable=True),
        sa.Column('sent_at', UTCDateTime(), nullable=True),
        sa.Column('failed_at', UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    )
    op.create_index('ix_outbox_due', 'outbox', ['sent_at', 'failed_at', 'send_after'], unique=False)
    op.create_table(
        'user_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('used_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_tokens_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_user_tokens_token_hash')),
    )
    op.create_index(op.f('ix_user_tokens_user_id'), 'user_tokens', ['user_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_deputy_dsl', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=40), server_default='Europe/London', nullable=False))
        batch_op.add_column(sa.Column('remind_after_minutes', sa.Integer(), server_default='30', nullable=False))
        batch_op.add_column(sa.Column('day_start_minute', sa.Integer(), server_default='480', nullable=False))
        batch_op.add_column(sa.Column('day_end_minute', sa.Integer(), server_default='1020', nullable=False))
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_opened_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', UTCDateTime(), nullable=True))
    # Concerns raised before alerts existed are not alerted again.
    op.execute(sa.text("UPDATE concerns SET reminded_at = created_at"))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), not a batch copy of the table: a copy
    # of `schools` or `users` cannot be swapped in while other tables refer to it.
    for table, column in (('concerns', 'reminded_at'), ('concerns', 'first_opened_at'), ('schools', 'day_end_minute'),
                          ('schools', 'day_start_minute'), ('schools', 'remind_after_minutes'), ('schools', 'timezone'),
                          ('users', 'is_deputy_dsl')):
        op.drop_column(table, column)
    op.drop_index(op.f('ix_user_tokens_user_id'), table_name='user_tokens')
    op.drop_table('user_tokens')
    op.drop_index('ix_outbox_due', table_name='outbox')
    op.drop_table('outbox')
