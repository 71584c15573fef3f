"""Per-actor monthly counts and top-counterpart indexes, for actor profiles on hub actors.

Revision ID: 0005
Revises: 0004

- ``actor_month``: unflagged statements by and about each actor per published month ("" for
  undated), kept by kb.store and kb.edit like the counters of 0003, so a profile's timeline reads
  one row per month instead of counting the actor's statements. Backfilled.
- ``accusation_count``: (accuser_id, n) and (accused_id, n) indexes, so an actor's top
  counterparts come in order from an index instead of sorting all of them (a hub accuses
  thousands). The (accused_id, accuser_id) index of 0004 is replaced by the second.
The SQL is frozen here on purpose; kb.store.recount_actors is the live twin.
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

MONTH = "coalesce(substr(CAST(s.published AS VARCHAR), 1, 7), '')"

BACKFILL = f"""
INSERT INTO actor_month (actor_id, month, n_statements, n_about)
SELECT actor_id, month, sum(said), sum(about) FROM (
    SELECT s.speaker_id AS actor_id, {MONTH} AS month, count(*) AS said, 0 AS about
    FROM statement s WHERE s.speaker_id IS NOT NULL AND s.flagged = false
    GROUP BY s.speaker_id, {MONTH}
    UNION ALL
    SELECT t.actor_id, {MONTH}, 0, count(DISTINCT t.statement_id)
    FROM statementtarget t JOIN statement s ON s.id = t.statement_id
    WHERE s.flagged = false
    GROUP BY t.actor_id, {MONTH}
) AS c GROUP BY actor_id, month"""


def upgrade() -> None:
    op.create_table('actor_month',
                    sa.Column('actor_id', sa.Integer(), nullable=False),
                    sa.Column('month', sa.String(), nullable=False),
                    sa.Column('n_statements', sa.Integer(), nullable=False),
                    sa.Column('n_about', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('actor_id', 'month'))
    op.execute(BACKFILL)
    op.drop_index('ix_accusation_count_accused', table_name='accusation_count')
    op.create_index('ix_accusation_count_accuser_n', 'accusation_count', ['accuser_id', 'n'])
    op.create_index('ix_accusation_count_accused_n', 'accusation_count', ['accused_id', 'n'])


def downgrade() -> None:
    op.drop_index('ix_accusation_count_accused_n', table_name='accusation_count')
    op.drop_index('ix_accusation_count_accuser_n', table_name='accusation_count')
    op.create_index('ix_accusation_count_accused', 'accusation_count', ['accused_id', 'accuser_id'])
    op.drop_table('actor_month')
