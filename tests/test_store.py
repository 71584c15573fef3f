"""The store on both backends: schema migrations, store_document, actors and aliases, full-text search."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sample_kb import DOCUMENTS, TRICKY, build_sample_kb, resolved_document
from sqlmodel import SQLModel, select
from typer.testing import CliRunner

from kb.cli import app
from kb.db import (
    autogenerate_includes,
    current_revision,
    dispose_engine,
    fts_match,
    fts_search,
    get_engine,
    head_revision,
    search_terms,
    session_scope,
    upgrade,
    write_with_retry,
)
from kb.models import Actor, Affiliation, Alias, Document, Mention, Statement, StatementTarget
from kb.resolve import normalise
from kb.store import get_or_create_actor, resolve_actors, store_document


def _count(session, model) -> int:
    return session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


# --- schema ---------------------------------------------------------------------------------

def test_a_new_kb_is_created_at_the_newest_revision(db_url):
    # the head moves with every migration; what matters is that a new KB is created at it
    assert current_revision(get_engine(db_url)) == head_revision()


def test_migrated_schema_matches_the_models(db_url):
    """Every table, column and index in kb.models exists after the migrations, and nothing else
    (a model change without a migration fails here)."""
    with get_engine(db_url).connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": autogenerate_includes})
        diffs = compare_metadata(context, SQLModel.metadata)
    assert diffs == []


def test_indexes_cover_what_queries_filter_by(db_url):
    inspector = sa.inspect(get_engine(db_url))

    def indexed(table: str) -> set[tuple[str, ...]]:
        return {tuple(ix["column_names"]) for ix in inspector.get_indexes(table)}

    assert {("speaker_id", "published"), ("claim_type", "published"), ("kind",), ("published",),
            ("document_id",), ("cue_lemma",)} <= indexed("statement")
    assert {("actor_id", "role", "statement_id"), ("statement_id",)} <= indexed("statementtarget")
    assert {("source_id", "id"), ("id",)} <= indexed("statement")  # ("id",): the flagged ones
    assert {("n_statements",), ("n_accused",)} <= indexed("actor")
    assert {("document_id",), ("actor_id",)} <= indexed("mention")
    assert {("published",), ("source_id",)} <= indexed("document")
    unique = {tuple(ix["column_names"]) for t in ("document", "actor", "alias", "source")
              for ix in inspector.get_indexes(t) if ix["unique"]}
    assert {("content_hash",), ("name",), ("form",)} <= unique


def test_a_kb_made_before_migrations_upgrades_in_place(db_url):
    """A KB with the first release's tables and no alembic_version is stamped and upgraded,
    its rows kept, its statements searchable and counted."""
    engine = sa.create_engine(db_url)
    from alembic import command

    from kb.db import _alembic_config

    with engine.begin() as conn:  # the legacy schema: revision 0001, then forget alembic
        command.upgrade(_alembic_config(conn), "0001")
        conn.execute(sa.text("DROP TABLE alembic_version"))
        conn.execute(sa.text("INSERT INTO document (content_hash, text, n_chars, ingested_at, extractor_version) "
                             "VALUES ('h1', 'Farhan said peace.', 18, '2020-01-01', 'old')"))
        conn.execute(sa.text("INSERT INTO statement (document_id, content_text, kind, claim_type, sentence_start,"
                             " sentence_end, confidence, extractor_version, flagged) "
                             "VALUES (1, 'peace negotiations failed', 'indirect', 'assertion', 0, 18, 1.0, 'old', false)"))
    engine.dispose()

    shown = CliRunner().invoke(app, ["db", "current", "--url", db_url]).output
    assert shown == f"made before migrations (head is {head_revision()}: run `kb db upgrade`)\n"
    assert current_revision(get_engine(db_url)) == head_revision()
    with session_scope(db_url) as s:
        doc = s.exec(select(Document)).one()
        assert (doc.content_hash, doc.n_statements) == ("h1", 1)
        assert s.execute(fts_match(s, "negotiation")).scalars().all() == [1]


def test_kb_db_upgrade_and_current(db_url):
    runner = CliRunner()
    result = runner.invoke(app, ["db", "upgrade", "--url", db_url])
    assert result.exit_code == 0, result.output
    assert head_revision() in result.output
    result = runner.invoke(app, ["db", "current", "--url", db_url])
    assert result.exit_code == 0, result.output
    assert f"{head_revision()} (head)" in result.output
    head = head_revision()
    assert upgrade(get_engine(db_url)) == (head, head)  # a no-op the second time


# --- store_document -------------------------------------------------------------------------

def test_store_writes_every_row_once_and_is_idempotent(db_url):
    build_sample_kb(db_url)
    build_sample_kb(db_url)  # same texts again: nothing new
    with session_scope(db_url) as s:
        assert _count(s, Document) == len(DOCUMENTS)
        assert _count(s, Statement) == sum(len(d["statements"]) for d in DOCUMENTS)
        assert _count(s, Mention) == sum(len(d["mentions"]) for d in DOCUMENTS)
        assert _count(s, Affiliation) == 3
        assert _count(s, StatementTarget) == 6
        for doc in s.exec(select(Document)):
            n = s.execute(sa.select(sa.func.count()).where(Statement.document_id == doc.id)).scalar_one()
            assert doc.n_statements == n
        names = s.exec(select(Actor.name)).all()
        assert len(names) == len(set(names))
        assert "Syrian Coalition" in names and "Iran" in names


def test_store_outcome_and_offsets(db_url):
    raw, resolved = resolved_document(DOCUMENTS[0])
    outcome = write_with_retry(lambda s: store_document(s, raw, resolved), db_url)
    assert (outcome.status, outcome.statements, outcome.actors) == ("new", 3, 5)
    again = write_with_retry(lambda s: store_document(s, raw, resolved), db_url)
    assert (again.status, again.document_id) == ("unchanged", outcome.document_id)
    with session_scope(db_url) as s:
        doc = s.get(Document, outcome.document_id)
        assert doc.source_id is not None and str(doc.published) == "2017-09-27"
        for st in s.exec(select(Statement).order_by(Statement.id)):
            assert doc.text[st.content_start:st.content_end] == st.content_text
            assert doc.text[st.speaker_start:st.speaker_end] == st.speaker_text
            assert st.published == doc.published


def test_aliases_resolve_names_and_new_forms_are_added(db_url):
    build_sample_kb(db_url)
    with session_scope(db_url) as s:
        forms = dict(s.execute(sa.select(Alias.form, Actor.name).join(Actor)).all())
    assert forms["coalition"] == "Syrian Coalition"  # from ResolvedActor.aliases
    assert forms["moscow"] == "Russia"
    assert forms["syrian coalition"] == "Syrian Coalition"  # every actor's own name


def test_an_alias_points_a_new_name_at_an_existing_actor(db_url):
    with session_scope(db_url, write=True) as s:
        assad, created = get_or_create_actor(s, "Bashar al-Assad", "person")
        assert created
        s.add(Alias(form=normalise("Assad"), surface="Assad", actor_id=assad.id, origin="analyst"))
    with session_scope(db_url, write=True) as s:
        ids, created = resolve_actors(s, {"Assad": "unknown", "the Assad": "unknown", "Iran": "country"})
        assert ids["Assad"] == ids["the Assad"] == assad.id and created == 1
        assert s.get(Actor, ids["Iran"]).kind == "country"


def test_names_with_one_form_become_one_actor_and_unknown_kinds_are_filled(db_url):
    with session_scope(db_url, write=True) as s:
        ids, created = resolve_actors(s, {"Syrian Coalition": "unknown", "the Syrian Coalition": "unknown"})
        assert ids["Syrian Coalition"] == ids["the Syrian Coalition"] and created == 1
    with session_scope(db_url, write=True) as s:
        ids2, created = resolve_actors(s, {"Syrian Coalition": "organization"})
        assert ids2 == {"Syrian Coalition": ids["Syrian Coalition"]} and created == 0
        assert s.get(Actor, ids2["Syrian Coalition"]).kind == "organization"
    with session_scope(db_url, write=True) as s:  # a known kind is never overwritten
        resolve_actors(s, {"Syrian Coalition": "person"})
        assert s.get(Actor, ids["Syrian Coalition"]).kind == "organization"


def test_a_failed_document_leaves_nothing_behind(db_url):
    raw, resolved = resolved_document(DOCUMENTS[0])
    resolved.statements[-1].attribution.kind = None  # NOT NULL: the statement insert fails
    try:
        write_with_retry(lambda s: store_document(s, raw, resolved), db_url)
    except sa.exc.IntegrityError:
        pass
    else:
        raise AssertionError("the broken statement was stored")
    with session_scope(db_url) as s:
        assert [_count(s, m) for m in (Document, Statement, Mention, Actor, Alias)] == [0, 0, 0, 0, 0]


# --- full-text search -----------------------------------------------------------------------

def _search(url: str, text: str) -> set[str]:
    with session_scope(url) as s:
        ids = fts_match(s, text)
        return set(s.execute(sa.select(Statement.content_text).where(Statement.id.in_(ids))).scalars())


def test_fts_matches_words_stems_phrases_and_speakers(db_url):
    build_sample_kb(db_url)
    assert _search(db_url, "hospitals") == {"never targeted hospitals"}
    assert _search(db_url, "HOSPITAL target") == {"never targeted hospitals"}  # stemmed, any case
    assert _search(db_url, "war crimes") == {"Russia bears full responsibility for the war crimes",
                                             "the war crimes continued"}
    assert _search(db_url, '"crimes continued"') == {"the war crimes continued"}
    assert _search(db_url, '"continued crimes"') == set()  # a phrase keeps its order
    assert _search(db_url, "Zakharova lies") == {"the Syrian Coalition spreads lies"}  # speaker text
    assert _search(db_url, "hospitals lies") == set()  # every term must match


def test_fts_ranks_content_matches(db_url):
    build_sample_kb(db_url)
    with session_scope(db_url) as s:
        rows = s.execute(fts_search(s, "crimes")).all()
    assert len(rows) == 3 and all(score > 0 for _, score in rows)


HOSTILE = [TRICKY, '"', '""', "'", "%", "_", "\\", "*", "-", "NOT", "a OR b", "NEAR(war crimes)",
           "war*", "^war", "content_text:war", "'); DROP TABLE statement; --", "1=1 OR 'a'='a'",
           "!war & | <->", "war\x00crimes", "   ", "", "😀", "crimes -war", '"unbalanced phrase']


def test_fts_treats_any_text_as_plain_text(db_url):
    build_sample_kb(db_url)
    for text in HOSTILE:
        _search(db_url, text)  # never raises
    assert _search(db_url, "NEAR(war crimes)") == _search(db_url, "near war crimes") == set()
    assert _search(db_url, "war*") == _search(db_url, "war")
    assert _search(db_url, "_regime_") == _search(db_url, "regime") == {TRICKY, "the regime's 50% claim_rate is false"}
    assert _search(db_url, "'); DROP TABLE statement; --") == {TRICKY}
    assert _search(db_url, "%") == _search(db_url, "") == set()
    with session_scope(db_url) as s:
        assert _count(s, Statement) == 8


def test_search_terms():
    assert search_terms('war "crimes against humanity" 100% _ %') == ["war", "crimes against humanity", "100%"]
    assert search_terms('"unbalanced') == ['"unbalanced']
    assert search_terms("a\x00b") == ["a", "b"]


def test_fts_follows_updates_and_deletes(db_url):
    build_sample_kb(db_url)
    with session_scope(db_url, write=True) as s:
        st = s.exec(select(Statement).where(Statement.content_text == "the war crimes continued")).one()
        st.content_text = "the shelling of schools continued"
    assert _search(db_url, "crimes continued") == set()
    assert _search(db_url, "schools") == {"the shelling of schools continued"}
    with session_scope(db_url, write=True) as s:
        s.execute(sa.delete(Statement).where(Statement.id == st.id))
    assert _search(db_url, "schools") == set()


def test_postgres_search_uses_the_gin_index(pg_url):
    build_sample_kb(pg_url)
    with session_scope(pg_url) as s:
        s.execute(sa.text("SET LOCAL enable_seqscan = off"))
        query = fts_match(s, "war crimes").compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        plan = "\n".join(s.execute(sa.text(f"EXPLAIN {query}")).scalars())
    assert "ix_statement_search_vector" in plan, plan


def test_dispose_engine_forgets_the_engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    first = get_engine(url)
    dispose_engine(url)
    assert get_engine(url) is not first
    dispose_engine(url)
