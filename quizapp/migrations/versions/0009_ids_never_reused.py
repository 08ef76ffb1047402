"""ids are never given out again; pupils get an answer key

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 12:30:00

Without AUTOINCREMENT, SQLite gives a new row the id of the highest row that
was deleted, so an erased pupil's answer token (or any link naming an id)
would name a new pupil. Each table whose id goes into a token, a link or a
URL is rebuilt on SQLite with AUTOINCREMENT (foreign keys are off during
migrations, see env.py, so nothing cascades). PostgreSQL's serial ids never
come back, so there is nothing to do there but the new column.

pupils.answer_key is a random value per pupil that new answer tokens carry
and the answer INSERT checks.
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

TABLES = ('schools', 'classes', 'users', 'pupils', 'parent_links', 'parent_link_codes', 'class_signins',
          'assignments', 'concerns')


def upgrade():
    op.add_column('pupils', sa.Column('answer_key', sa.String(length=24), nullable=True))
    bind = op.get_bind()
    pupils = sa.table('pupils', sa.column('id', sa.Integer), sa.column('answer_key', sa.String))
    for (pupil_id,) in bind.execute(sa.select(pupils.c.id)).all():
        bind.execute(pupils.update().where(pupils.c.id == pupil_id).values(answer_key=secrets.token_urlsafe(12)))
    if bind.dialect.name != 'sqlite':
        op.alter_column('pupils', 'answer_key', existing_type=sa.String(length=24), nullable=False)
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate='always', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            if table == 'pupils':
                batch_op.alter_column('answer_key', existing_type=sa.String(length=24), nullable=False)


def downgrade():
    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.drop_column('answer_key')
