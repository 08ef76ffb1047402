""""Remember?" revisits: revisit tallies, the school's schedule, a class's switch, revisits set as work

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 13:20:00

Revisit answers are ordinary answers (source "revisit-1" or "revisit-2");
catch_up counts their first tries into `revisit_tallies`, per pupil, outcome
and revisit. Schools choose the weeks after finishing (3 and 8), classes
can turn revisits off, and an assignment can be a revisit.
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'revisit_tallies',
        sa.Column('pupil_id', sa.Integer(), nullable=False),
        sa.Column('outcome_id', sa.String(length=80), nullable=False),
        sa.Column('revisit', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('tried', sa.Integer(), nullable=False),
        sa.Column('right_first_time', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_revisit_tallies_pupil_id_pupils'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_revisit_tallies_school_id_schools')),
        sa.PrimaryKeyConstraint('pupil_id', 'outcome_id', 'revisit', name=op.f('pk_revisit_tallies')),
    )
    with op.batch_alter_table('revisit_tallies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisit_tallies_school_id'), ['school_id'], unique=False)
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revisit_first_weeks', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('revisit_second_weeks', sa.Integer(), server_default='8', nullable=False))
    with op.batch_alter_table('classes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revisits_on', sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revisit', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('revisit')
    with op.batch_alter_table('classes', schema=None) as batch_op:
        batch_op.drop_column('revisits_on')
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('revisit_second_weeks')
        batch_op.drop_column('revisit_first_weeks')
    with op.batch_alter_table('revisit_tallies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisit_tallies_school_id'))
    op.drop_table('revisit_tallies')
