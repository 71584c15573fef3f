"""Full-text search over statements, per-document statement count, target index.

Revision ID: 0002
Revises: 0001

Full-text search uses each backend's own engine:
- SQLite: an external-content FTS5 table ``statement_fts`` over statement.content_text,
  speaker_text and cue_text, kept in step by insert/update/delete triggers. NOTE: a later
  migration that rebuilds ``statement`` in SQLite batch mode drops these triggers; recreate them.
- PostgreSQL: a stored generated tsvector column ``statement.search_vector`` with a GIN index.
kb.db.fts_match() queries whichever one the connection has.
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

FTS_COLUMNS = "content_text, speaker_text, cue_text"

SQLITE_UP = [
    f"""CREATE VIRTUAL TABLE statement_fts USING fts5(
        {FTS_COLUMNS}, content='statement', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER statement_fts_insert AFTER INSERT ON statement BEGIN
        INSERT INTO statement_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.content_text, new.speaker_text, new.cue_text);
    END""",
    f"""CREATE TRIGGER statement_fts_delete AFTER DELETE ON statement BEGIN
        INSERT INTO statement_fts(statement_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.content_text, old.speaker_text, old.cue_text);
    END""",
    f"""CREATE TRIGGER statement_fts_update AFTER UPDATE OF {FTS_COLUMNS} ON statement BEGIN
        INSERT INTO statement_fts(statement_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.content_text, old.speaker_text, old.cue_text);
        INSERT INTO statement_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.content_text, new.speaker_text, new.cue_text);
    END""",
    "INSERT INTO statement_fts(statement_fts) VALUES ('rebuild')",  # index rows stored before
]
SQLITE_DOWN = [
    "DROP TRIGGER statement_fts_update",
    "DROP TRIGGER statement_fts_delete",
    "DROP TRIGGER statement_fts_insert",
    "DROP TABLE statement_fts",
]

# The speaker and the cue count, but less than what was said.
POSTGRES_UP = [
    """ALTER TABLE statement ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(content_text, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(speaker_text, '')), 'B') ||
        setweight(to_tsvector('english'::regconfig, coalesce(cue_text, '')), 'C')) STORED""",
    "CREATE INDEX ix_statement_search_vector ON statement USING gin (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX ix_statement_search_vector",
    "ALTER TABLE statement DROP COLUMN search_vector",
]


def upgrade() -> None:
    op.add_column('document', sa.Column('n_statements', sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE document SET n_statements = "
               "(SELECT count(*) FROM statement WHERE statement.document_id = document.id)")
    op.create_index('ix_statementtarget_actor_role', 'statementtarget', ['actor_id', 'role'])
    for sql in SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP:
        op.execute(sql)


def downgrade() -> None:
    for sql in SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN:
        op.execute(sql)
    op.drop_index('ix_statementtarget_actor_role', table_name='statementtarget')
    with op.batch_alter_table('document') as batch_op:
        batch_op.drop_column('n_statements')
