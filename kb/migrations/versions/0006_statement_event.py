"""The PLOVER verbal event family of each statement (kb.extract.events).

Revision ID: 0006
Revises: 0007

- ``statement.event``: DEMAND, DISAPPROVE, REJECT, THREATEN, AGREE, SUPPORT, CONCEDE, CONSULT, or
  NULL where none applies (and for statements stored before this revision: re-ingest to fill it).
  Indexed with ``published`` for ``kb statements --event DEMAND`` newest first.
- Target roles gain rejected, threatened, praised and supported: ``statementtarget.role`` is a
  plain string column, so no schema change is needed for them.

A plain ``ALTER TABLE ... ADD/DROP COLUMN`` on both backends: Alembic's batch mode rebuilds the
SQLite table to drop a column, which loses the full-text triggers of 0002.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('statement', sa.Column('event', sa.String(), nullable=True))
    op.create_index('ix_statement_event_published', 'statement', ['event', 'published'])


def downgrade() -> None:
    op.drop_index('ix_statement_event_published', table_name='statement')
    op.execute('ALTER TABLE statement DROP COLUMN event')  # SQLite >= 3.35 and PostgreSQL
