"""A search bounds its own size on both backends: a pasted page of text (thousands of words,
long phrases, repeats) answers instead of raising RecursionError (PostgreSQL) or building a huge
query; the statement whose words come first is still found."""

from __future__ import annotations

import random

import pytest
from conftest import kb_cli
from sample_kb import sample_kb_url  # noqa: F401 (fixture)

from kb.db import MAX_SEARCH_TERMS, search_terms, session_scope
from kb.query import StatementFilter, count_statements, search_statements

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa "
         "quebec romeo sierra tango uniform victor whiskey xray yankee zulu").split()


def long_text(n_words: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return " ".join(f"{rng.choice(WORDS)}{i}" for i in range(n_words))


def test_terms_are_bounded_and_deduplicated():
    terms = search_terms("war War WAR " + long_text(5000) + ' "' + "x" * 5000 + '"')
    assert len(terms) == MAX_SEARCH_TERMS and terms[0] == "war" and len({t.casefold() for t in terms}) == len(terms)
    assert max(map(len, search_terms('"' + "word " * 2000 + '"'))) <= 200


@pytest.mark.parametrize("n_words", [150, 400, 3000])
def test_long_searches_answer_on_both_backends(sample_kb_url, n_words):  # noqa: F811
    with session_scope(sample_kb_url) as s:
        found = search_statements(s, StatementFilter(text="war crimes " + long_text(n_words)))
        assert found.rows == []  # every term must match: the made-up words match nothing
        assert count_statements(s, StatementFilter(text="war crimes " + long_text(n_words))) == 0
        # The first terms are what is searched: a statement's own words, then a long tail of repeats.
        rows = search_statements(s, StatementFilter(text="full responsibility " + "war crimes " * n_words)).rows
        assert [r["content"] for r in rows] == ["Russia bears full responsibility for the war crimes"]


def test_cli_long_search(sample_kb_url, monkeypatch):  # noqa: F811
    kb = kb_cli(sample_kb_url, monkeypatch)
    r = kb("statements", "--text", "full responsibility " + "war crimes " * 2000 + long_text(2000), "-f", "json")
    assert r.stdout.strip() == "[]"
    r = kb("statements", "--text", "full responsibility " + "war crimes " * 3000, "-f", "json")
    assert "Russia bears full responsibility" in r.stdout
