"""Accusations counted per (accuser, accused) pair, for actor profiles.

Revision ID: 0004
Revises: 0003

``accusation_count`` holds, per pair of actors, the unflagged statements in which the first
accuses the second (kept by kb.store and kb.edit like the counters of 0003), so a profile's
"accused whom / accused by whom" reads a few rows instead of the actor's statements. Backfilled.
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accusation_count',
                    sa.Column('accuser_id', sa.Integer(), nullable=False),
                    sa.Column('accused_id', sa.Integer(), nullable=False),
                    sa.Column('n', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('accuser_id', 'accused_id'))
    op.create_index('ix_accusation_count_accused', 'accusation_count', ['accused_id', 'accuser_id'])
    op.execute("""INSERT INTO accusation_count (accuser_id, accused_id, n)
                  SELECT s.speaker_id, t.actor_id, count(*) FROM statementtarget t
                  JOIN statement s ON s.id = t.statement_id
                  WHERE t.role = 'accused' AND s.speaker_id IS NOT NULL AND s.flagged = false
                  GROUP BY s.speaker_id, t.actor_id""")


def downgrade() -> None:
    op.drop_index('ix_accusation_count_accused', table_name='accusation_count')
    op.drop_table('accusation_count')
