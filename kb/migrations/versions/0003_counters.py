"""Counters and indexes that make whole-KB queries independent of the KB's size.

Revision ID: 0003
Revises: 0002

- actor: per-actor counters over unflagged statements (made, accusations made, accused,
  addressed, mentioned in statements) and over mentions (mentions, documents);
- kb_counter: KB-wide counters, (name, "") totals and ("kind" | "claim_type" | "day", value)
  breakdowns of unflagged statements, plus a version bumped by every write (the dashboard's
  cache key);
- statement.source_id copied from its document, indexed with id (the outlet filter, no join);
- a partial index of flagged statements; statementtarget (actor_id, role, statement_id).
Everything is backfilled, so a KB upgrades in place. The SQL is frozen here on purpose (a later
schema must not change what this revision does); kb.store.recompute_counters is the live twin.
No batch mode: rebuilding ``statement`` in SQLite would drop the FTS triggers of 0002.
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

ACTOR_COUNTERS = ("n_statements", "n_accusations_made", "n_accused", "n_addressed",
                  "n_mentioned_in_statements", "n_mentions", "n_documents")

BACKFILL = [
    """UPDATE statement SET source_id = document.source_id FROM document
       WHERE document.id = statement.document_id AND document.source_id IS NOT NULL""",
    """UPDATE actor SET n_statements = c.n FROM (
        SELECT speaker_id AS key, count(*) AS n FROM statement
        WHERE speaker_id IS NOT NULL AND flagged = false GROUP BY speaker_id) AS c
       WHERE actor.id = c.key""",
    """UPDATE actor SET n_accusations_made = c.n FROM (
        SELECT s.speaker_id AS key, count(DISTINCT s.id) AS n FROM statement s
        JOIN statementtarget t ON t.statement_id = s.id AND t.role = 'accused'
        WHERE s.speaker_id IS NOT NULL AND s.flagged = false GROUP BY s.speaker_id) AS c
       WHERE actor.id = c.key""",
    """UPDATE actor SET n_accused = c.accused, n_addressed = c.addressed,
                        n_mentioned_in_statements = c.mentioned FROM (
        SELECT t.actor_id AS key,
               sum(CASE WHEN t.role = 'accused' THEN 1 ELSE 0 END) AS accused,
               sum(CASE WHEN t.role = 'addressed' THEN 1 ELSE 0 END) AS addressed,
               sum(CASE WHEN t.role = 'mentioned' THEN 1 ELSE 0 END) AS mentioned
        FROM statementtarget t JOIN statement s ON s.id = t.statement_id
        WHERE s.flagged = false GROUP BY t.actor_id) AS c
       WHERE actor.id = c.key""",
    """UPDATE actor SET n_mentions = c.n, n_documents = c.docs FROM (
        SELECT actor_id AS key, count(*) AS n, count(DISTINCT document_id) AS docs
        FROM mention GROUP BY actor_id) AS c
       WHERE actor.id = c.key""",
    """INSERT INTO kb_counter (name, value, n)
       SELECT 'version', '', 1
       UNION ALL SELECT 'documents', '', count(*) FROM document
       UNION ALL SELECT 'statements', '', count(*) FROM statement
       UNION ALL SELECT 'flagged', '', count(*) FROM statement WHERE flagged = true
       UNION ALL SELECT 'actors', '', count(*) FROM actor
       UNION ALL SELECT 'aliases', '', count(*) FROM alias
       UNION ALL SELECT 'sources', '', count(*) FROM source
       UNION ALL SELECT 'mentions', '', count(*) FROM mention
       UNION ALL SELECT 'targets', '', count(*) FROM statementtarget
       UNION ALL SELECT 'affiliations', '', count(*) FROM affiliation""",
    """INSERT INTO kb_counter (name, value, n)
       SELECT 'kind', kind, count(*) FROM statement WHERE flagged = false GROUP BY kind""",
    """INSERT INTO kb_counter (name, value, n)
       SELECT 'claim_type', claim_type, count(*) FROM statement WHERE flagged = false GROUP BY claim_type""",
    """INSERT INTO kb_counter (name, value, n)
       SELECT 'day', coalesce(CAST(published AS VARCHAR), ''), count(*) FROM statement
       WHERE flagged = false GROUP BY published""",
]


def upgrade() -> None:
    for name in ACTOR_COUNTERS:
        op.add_column('actor', sa.Column(name, sa.Integer(), nullable=False, server_default='0'))
    op.create_index('ix_actor_n_statements', 'actor', ['n_statements'])
    op.create_index('ix_actor_n_accused', 'actor', ['n_accused'])
    op.create_table('kb_counter',
                    sa.Column('name', sa.String(), nullable=False),
                    sa.Column('value', sa.String(), nullable=False),
                    sa.Column('n', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('name', 'value'))
    op.add_column('statement', sa.Column('source_id', sa.Integer(), nullable=True))
    for sql in BACKFILL:
        op.execute(sql)
    op.create_index('ix_statement_source_id', 'statement', ['source_id', 'id'])
    op.create_index('ix_statement_flagged', 'statement', ['id'],
                    sqlite_where=sa.text('flagged = 1'), postgresql_where=sa.text('flagged'))
    op.drop_index('ix_statementtarget_actor_role', table_name='statementtarget')
    op.create_index('ix_statementtarget_actor_role_statement', 'statementtarget',
                    ['actor_id', 'role', 'statement_id'])


def downgrade() -> None:
    op.drop_index('ix_statementtarget_actor_role_statement', table_name='statementtarget')
    op.create_index('ix_statementtarget_actor_role', 'statementtarget', ['actor_id', 'role'])
    op.drop_index('ix_statement_flagged', table_name='statement')
    op.drop_index('ix_statement_source_id', table_name='statement')
    op.drop_column('statement', 'source_id')  # SQLite >= 3.35 drops a plain column in place
    op.drop_table('kb_counter')
    op.drop_index('ix_actor_n_accused', table_name='actor')
    op.drop_index('ix_actor_n_statements', table_name='actor')
    for name in reversed(ACTOR_COUNTERS):
        op.drop_column('actor', name)
