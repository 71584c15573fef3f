"""Helpers for tests that run real `kb ingest` processes against a KB and then inspect it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from kb.db import get_engine

KB = Path(sys.executable).with_name("kb")


def start_ingest(url: str, paths: list[Path]) -> subprocess.Popen:
    env = {**os.environ, "KB_DATABASE_URL": url}
    return subprocess.Popen([str(KB), "ingest", "--quiet", *map(str, paths)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def count_documents(url: str) -> int:
    with get_engine(url).connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM document")).scalar_one()


def expected_statements(paths: list[Path], nlp) -> dict[str, int]:
    """content hash -> number of statements, from the same pipeline run in this process."""
    from kb.pipeline import process_paths
    from kb.resolve import Resolver

    errors: list = []
    expected = {item.raw.content_hash: len(item.resolved.statements)
                for item in process_paths(paths, nlp, Resolver(), errors.append)}
    assert not errors, errors
    return expected


def check_consistent(url: str) -> dict[str, int]:
    """Assert every stored document is whole; return content hash -> statements stored.

    Whole means: its statement rows number what was written with it (Document.n_statements),
    no row points at a missing document, statement or actor, and the SQLite FTS index agrees
    with the statement table.
    """
    with get_engine(url).connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT d.content_hash, d.n_statements, count(s.id) FROM document d "
            "LEFT JOIN statement s ON s.document_id = d.id GROUP BY d.id, d.content_hash, d.n_statements")).all()
        for content_hash, written, stored in rows:
            assert written == stored, f"document {content_hash[:12]}: {stored} of {written} statements stored"
        orphans = {
            "statement": "SELECT count(*) FROM statement WHERE document_id NOT IN (SELECT id FROM document)",
            "mention": "SELECT count(*) FROM mention WHERE document_id NOT IN (SELECT id FROM document)",
            "target": "SELECT count(*) FROM statementtarget WHERE statement_id NOT IN (SELECT id FROM statement)",
            "alias": "SELECT count(*) FROM alias WHERE actor_id NOT IN (SELECT id FROM actor)",
        }
        for what, sql in orphans.items():
            assert conn.execute(sa.text(sql)).scalar_one() == 0, f"{what} rows without their parent"
        if conn.dialect.name == "sqlite":  # raises if the FTS index and the table disagree
            conn.execute(sa.text("INSERT INTO statement_fts(statement_fts, rank) VALUES ('integrity-check', 1)"))
        paths = conn.execute(sa.text("SELECT path, count(*) FROM document GROUP BY path HAVING count(*) > 1")).all()
        assert paths == [], f"documents stored twice: {paths}"
    return {content_hash: stored for content_hash, _, stored in rows}


def check_actors_unique(url: str) -> int:
    """Assert no two actors share a name or an alias form, and every actor has an alias."""
    from kb.resolve import normalise

    with get_engine(url).connect() as conn:
        names = conn.execute(sa.text("SELECT name FROM actor")).scalars().all()
        forms = conn.execute(sa.text("SELECT form FROM alias")).scalars().all()
        bare = conn.execute(sa.text(
            "SELECT name FROM actor WHERE id NOT IN (SELECT actor_id FROM alias)")).scalars().all()
    keyed = [normalise(n) or n for n in names]
    assert len(keyed) == len(set(keyed)), f"duplicate actors: {sorted(names)}"
    assert len(forms) == len(set(forms))
    assert bare == [], f"actors without any alias (lost a creation race?): {bare}"
    return len(names)
