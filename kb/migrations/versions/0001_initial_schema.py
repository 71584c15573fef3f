"""initial schema

Revision ID: 0001
Revises: -

The tables as the first kb release created them (SQLModel create_all). KBs made before
migrations existed have exactly this schema: kb.db stamps them at 0001 and upgrades from there.
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('external_id', sa.String(), nullable=True),
    sa.Column('description', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_name'), ['name'], unique=True)

    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('url', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_name'), ['name'], unique=True)

    op.create_table('alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form', sa.String(), nullable=False),
    sa.Column('surface', sa.String(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alias_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alias_form'), ['form'], unique=True)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(), nullable=False),
    sa.Column('title', sa.String(), nullable=True),
    sa.Column('url', sa.String(), nullable=True),
    sa.Column('path', sa.String(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('n_chars', sa.Integer(), nullable=False),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('extractor_version', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_content_hash'), ['content_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_document_ingested_at'), ['ingested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_source_id'), ['source_id'], unique=False)

    op.create_table('mention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('label', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mention_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mention_document_id'), ['document_id'], unique=False)

    op.create_table('statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=True),
    sa.Column('speaker_text', sa.String(), nullable=True),
    sa.Column('speaker_start', sa.Integer(), nullable=True),
    sa.Column('speaker_end', sa.Integer(), nullable=True),
    sa.Column('cue_text', sa.String(), nullable=True),
    sa.Column('cue_lemma', sa.String(), nullable=True),
    sa.Column('cue_start', sa.Integer(), nullable=True),
    sa.Column('cue_end', sa.Integer(), nullable=True),
    sa.Column('content_text', sa.Text(), nullable=True),
    sa.Column('content_start', sa.Integer(), nullable=True),
    sa.Column('content_end', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('claim_type', sa.String(), nullable=False),
    sa.Column('sentence_start', sa.Integer(), nullable=False),
    sa.Column('sentence_end', sa.Integer(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('extractor_version', sa.String(), nullable=False),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.ForeignKeyConstraint(['speaker_id'], ['actor.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_claim_type'), ['claim_type'], unique=False)
        batch_op.create_index('ix_statement_claim_type_published', ['claim_type', 'published'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_cue_lemma'), ['cue_lemma'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_speaker_id'), ['speaker_id'], unique=False)
        batch_op.create_index('ix_statement_speaker_published', ['speaker_id', 'published'], unique=False)

    op.create_table('affiliation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=True),
    sa.Column('statement_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id', 'organization_id', 'relation')
    )
    with op.batch_alter_table('affiliation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_affiliation_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_affiliation_person_id'), ['person_id'], unique=False)

    op.create_table('statementtarget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('text', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('statement_id', 'actor_id', 'role')
    )
    with op.batch_alter_table('statementtarget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statementtarget_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statementtarget_role'), ['role'], unique=False)
        batch_op.create_index(batch_op.f('ix_statementtarget_statement_id'), ['statement_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('statementtarget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statementtarget_statement_id'))
        batch_op.drop_index(batch_op.f('ix_statementtarget_role'))
        batch_op.drop_index(batch_op.f('ix_statementtarget_actor_id'))

    op.drop_table('statementtarget')
    with op.batch_alter_table('affiliation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_affiliation_person_id'))
        batch_op.drop_index(batch_op.f('ix_affiliation_organization_id'))

    op.drop_table('affiliation')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_index('ix_statement_speaker_published')
        batch_op.drop_index(batch_op.f('ix_statement_speaker_id'))
        batch_op.drop_index(batch_op.f('ix_statement_published'))
        batch_op.drop_index(batch_op.f('ix_statement_kind'))
        batch_op.drop_index(batch_op.f('ix_statement_document_id'))
        batch_op.drop_index(batch_op.f('ix_statement_cue_lemma'))
        batch_op.drop_index('ix_statement_claim_type_published')
        batch_op.drop_index(batch_op.f('ix_statement_claim_type'))

    op.drop_table('statement')
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mention_document_id'))
        batch_op.drop_index(batch_op.f('ix_mention_actor_id'))

    op.drop_table('mention')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_source_id'))
        batch_op.drop_index(batch_op.f('ix_document_published'))
        batch_op.drop_index(batch_op.f('ix_document_ingested_at'))
        batch_op.drop_index(batch_op.f('ix_document_content_hash'))

    op.drop_table('document')
    with op.batch_alter_table('alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alias_form'))
        batch_op.drop_index(batch_op.f('ix_alias_actor_id'))

    op.drop_table('alias')
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_name'))

    op.drop_table('source')
    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_name'))
        batch_op.drop_index(batch_op.f('ix_actor_kind'))

    op.drop_table('actor')
