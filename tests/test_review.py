"""`kb actors review`: junk, duplicates and wrong kinds, ranked, with reasons (a real SQLite KB)."""

from __future__ import annotations

import json

import pytest

from kb.db import session_scope
from kb.models import Actor

ACTORS = [  # name, kind, statements, mentions
    ("Donald Trump", "person", 40, 90),
    ("Trump", "organization", 12, 30),  # a surname the NER took for a body
    ("Hillary Clinton", "person", 30, 70),
    ("Crooked Hillary Clinton", "person", 3, 5),
    ("Obama Says", "person", 4, 4),
    ("Barack Obama", "person", 20, 40),
    ("Bill C-48", "person", 2, 3),
    ("Kali Madej/ Dixon Hall", "person", 1, 1),
    ("Brexit", "person", 8, 10),
    ("Ont", "person", 2, 2),
    ("EDC", "country", 2, 2),
    ("Russia", "country", 10, 20),
    ("Mehmet Oz", "person", 1, 2),
    ("Oz", "person", 4, 10),
    ("Bill Clinton", "person", 5, 9),
    ("Clinton", "person", 3, 4),  # two full names: a weak finding only
    ("Tarik Wellby", "person", 6, 8),  # nothing wrong
    ("Democratic National Committee", "organization", 4, 9),
    ("DNC", "organization", 3, 12),
    ("Alicia Machado", "person", 3, 9),
    ("Universe Alicia Machado", "person", 1, 5),
]


@pytest.fixture()
def review_kb(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    with session_scope(url) as s:
        for name, kind, n_st, n_m in ACTORS:
            s.add(Actor(name=name, kind=kind, n_statements=n_st, n_mentions=n_m))
        s.commit()
    return url


def _findings(url, limit=50):
    from kb.review import review

    with session_scope(url) as s:
        return {f.name: f for f in review(s, limit=limit)}


def test_review_flags_each_kind_of_trouble(review_kb):
    found = _findings(review_kb)
    assert found["Trump"].problem == "duplicate" and found["Trump"].other == "Donald Trump"
    assert found["Crooked Hillary Clinton"].other == "Hillary Clinton"
    assert found["Obama Says"].problem == "junk"
    assert found["Bill C-48"].problem == "junk"
    assert found["Kali Madej/ Dixon Hall"].problem == "junk"
    assert found["Brexit"].problem == "junk"
    assert found["Ont"].problem == "junk"
    assert found["EDC"].problem == "kind"
    assert found["Oz"].problem == "duplicate" and found["Oz"].other == "Mehmet Oz"
    assert found["DNC"].other == "Democratic National Committee"
    assert found["Universe Alicia Machado"].other == "Alicia Machado"
    for fine in ("Donald Trump", "Hillary Clinton", "Barack Obama", "Russia", "Tarik Wellby", "Bill Clinton"):
        assert fine not in found, found.get(fine)


def test_review_ranks_the_most_misleading_first(review_kb):
    from kb.review import review

    with session_scope(review_kb) as s:
        ranked = review(s, limit=50)
    assert all(f.reason for f in ranked)
    assert [f.score for f in ranked] == sorted((f.score for f in ranked), reverse=True)
    top = [f.name for f in ranked[:3]]
    assert "Trump" in top  # a sure duplicate with many statements
    assert ranked[-1].name == "Clinton"  # two full names compete: the weakest finding


def test_cli_actors_review(review_kb, monkeypatch):
    from tests.conftest import kb_cli

    run = kb_cli(review_kb, monkeypatch)
    rows = json.loads(run("actors", "review", "-f", "json", "-n", "5").output)
    assert len(rows) == 5 and all(r["reason"] for r in rows)


def test_dashboard_review_page_lists_and_merges(review_kb, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from kb_dashboard import APP

    monkeypatch.setenv("KB_DATABASE_URL", review_kb)
    monkeypatch.delenv("KB_READ_ONLY", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/review.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = "\n".join(m.value for m in at.markdown)
    assert "headline word" in text and "epithet" in text
    assert not [b for b in at.button if b.key.startswith("rv-merge")]  # edits are off
    at.session_state["edits"] = True
    at.run()
    crooked = _findings(review_kb)["Crooked Hillary Clinton"].actor_id
    at.button(key=f"rv-merge-{crooked}").click().run()
    # it asks first: the same dialog as the actor page (edits.confirm_merge), whose confirm button
    # the browser test of the actor page clicks (AppTest reruns the page, not the dialog)
    assert not at.exception and "Crooked Hillary Clinton" in _findings(review_kb)
    assert [b for b in at.button if b.key == "confirm_merge"]
    assert any("will be folded into" in m.value for m in at.markdown)
