"""kb bench-generate: a synthetic KB that the real query API reads like an ingested one."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kb.benchgen import generate
from kb.db import get_engine
from kb.models import Statement


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "kb.sqlite"
    summary = generate(f"sqlite:///{path}", documents=300, statements=3000, actors=200, seed=7)
    return path, summary


def rows(path, sql, *args):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, args).fetchall()


def test_writes_the_requested_sizes(generated):
    path, s = generated
    assert (s.documents, s.statements, s.actors) == (300, 3000, 200)
    assert rows(path, "select count(*) from statement") == [(3000,)]
    assert rows(path, "select count(*) from document") == [(300,)]
    assert rows(path, "select count(*) from actor") == [(200,)]
    assert rows(path, "select count(*) from statementtarget")[0][0] == s.targets > 0
    assert rows(path, "select count(*) from mention")[0][0] == s.mentions > 0
    assert s.aliases >= 200 and s.affiliations > 0
    # values stored as SQLAlchemy stores them (the bulk tables bypass its per-row parameter building)
    (ingested, published, flagged), = rows(path, "select ingested_at, s.published, flagged from statement s "
                                                 "join document d on d.id = s.document_id limit 1")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", ingested) and flagged == 0
    assert date.fromisoformat(published)
    # each document's count agrees with its statements
    assert rows(path, """select count(*) from document d where n_statements !=
                         (select count(*) from statement s where s.document_id = d.id)""") == [(0,)]


def test_every_offset_points_at_its_text(generated):
    path, _ = generated
    docs = dict(rows(path, "select id, text from document"))
    for (doc, speaker, s0, s1, cue, c0, c1, content, t0, t1, z0, z1) in rows(path, """
            select document_id, speaker_text, speaker_start, speaker_end, cue_text, cue_start, cue_end,
                   content_text, content_start, content_end, sentence_start, sentence_end
            from statement"""):
        text = docs[doc]
        assert text[s0:s1] == speaker and text[c0:c1] == cue and text[t0:t1] == content
        assert z0 <= min(s0, c0, t0) and max(s1, c1, t1) <= z1
    for doc, start, end, surface in rows(path, "select document_id, start, end, text from mention"):
        assert docs[doc][start:end] == surface


def test_distributions_look_like_news(generated):
    path, _ = generated
    per_speaker = sorted((n for _, n in rows(
        path, "select speaker_id, count(*) from statement where speaker_id is not null group by 1")),
        reverse=True)
    assert per_speaker[0] > 10 * per_speaker[len(per_speaker) // 2]  # Zipf: a few say most
    unresolved = rows(path, "select count(*) from statement where speaker_id is null")[0][0]
    assert 0.03 < unresolved / 3000 < 0.15
    claims = Counter(dict(rows(path, "select claim_type, count(*) from statement group by 1")))
    assert claims.most_common(1)[0][0] == "assertion" and claims["accusation"] > 0
    roles = dict(rows(path, """select t.role, count(*) from statementtarget t
                               join statement s on s.id = t.statement_id group by 1"""))
    assert roles.keys() == {"accused", "addressed", "mentioned"}
    assert rows(path, """select count(*) from statementtarget t join statement s on s.id = t.statement_id
                         where t.role = 'accused' and s.claim_type != 'accusation'""") == [(0,)]
    first, last = rows(path, "select min(published), max(published) from statement")[0]
    assert date.fromisoformat(first) >= date(2024, 1, 1) and date.fromisoformat(last) <= date(2024, 12, 31)


def test_the_query_api_and_full_text_search_work_on_it(generated):
    from kb.db import session_scope
    from kb.graph import queries
    from kb.query import StatementFilter, actor_profile, search_statements

    path, _ = generated
    url = f"sqlite:///{path}"
    top_id, top_name = rows(path, """select a.id, a.name from statement s join actor a on a.id = s.speaker_id
                                     group by a.id order by count(*) desc limit 1""")[0]
    with session_scope(url) as session:
        page = search_statements(session, StatementFilter(speaker=top_name), limit=5)
        assert len(page.rows) == 5 and {r["speaker"] for r in page.rows} == {top_name}
        hits = search_statements(session, StatementFilter(text="government"), limit=5).rows
        assert hits and all("government" in r["content"].lower() for r in hits)
        profile = actor_profile(session, top_id, n=3)
        assert profile["counts"]["statements"] > 0
        assert queries.ego(session, top_id).number_of_nodes() > 1


def schema(url: str) -> list[tuple]:
    """Every table, index and trigger as the database stores its definition."""
    with get_engine(url).connect() as conn:
        if conn.dialect.name == "sqlite":
            sql = ("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' "  # ANALYZE's
                   "ORDER BY type, name")
        else:
            sql = ("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                   "UNION ALL SELECT table_name, column_name, data_type || coalesce(column_default, '') "
                   "FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, 2")
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def test_the_schema_is_the_migrations_own(db_url):
    """Indexes and the FTS trigger are set aside while the rows go in, and come back exactly."""
    fresh = schema(db_url)
    generate(db_url, documents=30, statements=300, actors=20, seed=1)
    assert schema(db_url) == fresh
    with get_engine(db_url).connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("INSERT INTO statement_fts(statement_fts) VALUES ('integrity-check')")
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("SELECT count(*) FROM statement_fts").scalar() == 300
    from kb.db import session_scope
    from kb.query import StatementFilter, search_statements

    with session_scope(db_url) as s:  # the full-text index holds the bulk-loaded statements
        word = s.execute(select(Statement.content_text).where(Statement.id == 300)).scalar().split()[0]
        hits = search_statements(s, StatementFilter(text=word), limit=300).rows
    assert 300 in {r["id"] for r in hits}


def test_same_seed_same_kb(tmp_path, generated):
    path, _ = generated
    again = tmp_path / "again.sqlite"
    generate(f"sqlite:///{again}", documents=300, statements=3000, actors=200, seed=7)
    sql = "select id, speaker_id, claim_type, content_text from statement order by id"
    assert rows(again, sql) == rows(path, sql)


def test_refuses_a_kb_that_has_data(generated):
    path, _ = generated
    with pytest.raises(ValueError, match="not empty"):
        generate(f"sqlite:///{path}", documents=1, statements=1, actors=1)


def test_cli(tmp_path):
    from kb.cli import app

    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    result = CliRunner().invoke(app, ["bench-generate", "--statements", "500", "--url", url, "-q"])
    assert result.exit_code == 0, result.output
    assert "documents: 50, statements: 500, actors: 25" in result.stdout
    again = CliRunner().invoke(app, ["bench-generate", "--statements", "500", "--url", url, "-q"])
    assert again.exit_code == 1 and "not empty" in again.output
