"""Claims: the same claim across documents, speakers and time (issue 13).

Revision ID: 0007
Revises: 0011

- ``claim``: a canonical wording, its vector (float16, all-MiniLM-L6-v2), first and last seen,
  and counters recounted by kb.claims whenever a statement joins or an analyst edits it.
- ``claim_key``: exact and MinHash band keys of its wordings (near duplicates collapse cheaply).
- ``claim_statement``: each statement's claim and stance (asserts, denies, questions, reports).
Existing KBs start with no claims: ``kb claims recluster`` links their statements.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0011'
branch_labels = None
depends_on = None


def _counter(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False, server_default='0')


def upgrade() -> None:
    op.create_table('claim',
                    sa.Column('id', sa.Integer(), primary_key=True),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('vector', sa.LargeBinary(), nullable=True),
                    sa.Column('first_seen', sa.Date(), nullable=True),
                    sa.Column('last_seen', sa.Date(), nullable=True),
                    sa.Column('first_statement_id', sa.Integer(), nullable=True),
                    *[_counter(c) for c in ('n_statements', 'n_speakers', 'n_documents', 'n_sources',
                                            'n_asserts', 'n_denies', 'n_questions', 'n_reports')],
                    sa.Column('origin', sa.String(), nullable=False))
    op.create_index('ix_claim_spread', 'claim', ['n_speakers', 'n_statements'])
    op.create_index('ix_claim_last_seen', 'claim', ['last_seen'])
    op.create_table('claim_key',
                    sa.Column('key', sa.String(), primary_key=True),
                    sa.Column('claim_id', sa.Integer(), sa.ForeignKey('claim.id'), nullable=False))
    op.create_index('ix_claim_key_claim_id', 'claim_key', ['claim_id'])
    op.create_table('claim_statement',
                    sa.Column('statement_id', sa.Integer(), sa.ForeignKey('statement.id', ondelete='CASCADE'),
                              primary_key=True),
                    sa.Column('claim_id', sa.Integer(), sa.ForeignKey('claim.id'), nullable=False),
                    sa.Column('stance', sa.String(), nullable=False),
                    sa.Column('similarity', sa.Float(), nullable=False),
                    sa.Column('method', sa.String(), nullable=False))
    op.create_index('ix_claim_statement_claim_id', 'claim_statement', ['claim_id'])


def downgrade() -> None:
    op.drop_table('claim_statement')
    op.drop_table('claim_key')
    op.drop_table('claim')
