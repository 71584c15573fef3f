"""The PLOVER verbal event family of each statement (kb.extract.events).

Revision ID: 0006
Revises: 0007

- ``statement.event``: DEMAND, DISAPPROVE, REJECT, THREATEN, AGREE, SUPPORT, CONCEDE, CONSULT, or
  NULL where none applies (and for statements stored before this revision: re-ingest to fill it).
  Indexed with ``published`` for ``kb statements --event DEMAND`` newest first.
- Target roles gain rejected, threatened, praised and supported: ``statementtarget.role`` is a
  plain string column, so no schema change is needed for them.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('statement') as batch:
        batch.add_column(sa.Column('event', sa.String(), nullable=True))
    op.create_index('ix_statement_event_published', 'statement', ['event', 'published'])


def downgrade() -> None:
    op.drop_index('ix_statement_event_published', table_name='statement')
    with op.batch_alter_table('statement') as batch:
        batch.drop_column('event')
