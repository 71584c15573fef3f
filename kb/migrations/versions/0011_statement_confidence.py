"""Statement confidence from the trained attribution model: an index for the filter.

Revision ID: 0011
Revises: 0005

``statement.confidence`` (a float since 0001) now holds the attribution model's calibrated
probability that the statement is right (kb.extract.model); ``kb statements --min-confidence``
and the dashboard filter on it, so it gets an index. Statements stored by the rules alone keep
the rules' precision estimate there. Works the same on SQLite and PostgreSQL.
"""
from alembic import op

revision = '0011'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_statement_confidence', 'statement', ['confidence'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_statement_confidence', table_name='statement')
