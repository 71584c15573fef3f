"""Claims (kb.claims): the real sentence model, the real pipeline and real databases.

One KB of data/samples/ is built per session (the fictional articles 005-007 repeat and deny
each other's claims); the model is loaded once per test process (``embedder``)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SAMPLES, SEED_TEXT, build_kb, kb_cli

from kb.db import session_scope, write_with_retry

SHOTS = "patrol boats had fired warning shots"


@pytest.fixture(scope="session")
def embedder():
    from kb.claims.embed import get_embedder

    return get_embedder()


@pytest.fixture(scope="session")
def samples_kb(tmp_path_factory, nlp, embedder) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('claims') / 'kb.sqlite'}"
    build_kb(url, [SAMPLES], nlp)
    return url


def _claim_with(url: str, words: str) -> dict:
    from kb.claims.query import get_claim, list_claims

    with session_scope(url) as s:
        found = [c for c in list_claims(s, q=words, limit=50)]
        assert found, f"no claim worded with {words!r}"
        return get_claim(s, found[0]["id"])


# --- the model ------------------------------------------------------------------------------

def test_the_model_behaves_as_the_published_all_minilm_l6_v2(embedder):
    # The sentence-transformers documentation's semantic-search example for all-MiniLM-L6-v2:
    # query "A man is eating pasta." scores 0.7035, 0.5272, 0.1889, 0.1047, 0.0980 (fp32).
    corpus = ["A man is eating food.", "A man is eating a piece of bread.", "A man is riding a horse.",
              "A man is riding a white horse on an enclosed ground.", "A cheetah is running behind its prey."]
    v = embedder.embed(["A man is eating pasta.", *corpus])
    assert v.shape == (6, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    sims = v[1:] @ v[0]
    assert np.allclose(sims, [0.7035, 0.5272, 0.1889, 0.1047, 0.0980], atol=0.01), sims  # int8 weights
    assert list(np.argsort(-sims)) == [0, 1, 2, 3, 4]


def test_a_paraphrase_is_nearer_than_another_claim_about_the_same_actor(embedder):
    a, para, other = embedder.embed(["Russia bombed the hospital in Idlib.",
                                     "The hospital in Idlib was hit by Russian air strikes.",
                                     "Russia signed a trade deal with Turkey."])
    assert a @ para > a @ other + 0.2


# --- wordings and keys ----------------------------------------------------------------------

def test_reprints_share_the_exact_key_and_near_duplicates_a_band():
    from kb.claims import text as T

    assert T.exact_key("Russia bombed the hospital.") == T.exact_key("“russia  bombed the HOSPITAL”")
    assert T.claim_text("that the closure would last at least three months") == \
        "The closure would last at least three months"
    assert T.claim_text("so") is None and T.claim_text("that he would") is None
    a = "The army shelled the market in the old town on Friday morning, killing nine people"
    b = "The army shelled the market in the old town on Friday morning, killing at least nine people"
    assert T.jaccard(a, b) >= T.NEAR_DUPLICATE
    assert set(T.band_keys(a)) & set(T.band_keys(b))
    assert not set(T.band_keys(a)) & set(T.band_keys("Parliament passed the budget after a long night"))


# --- stance ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, claim, claim_type, cue, stance", [
    ("the army shelled the market", "The army shelled the market", "denial", "deny", "denies"),
    ("The army never shelled the market", "The army shelled the market", "assertion", "say", "denies"),
    ("The shelling of the market was a hoax", "The army shelled the market", "assertion", "say", "denies"),
    ("the army shelled the market", "The army shelled the market", "question", "ask", "questions"),
    ("the army shelled the market", "The army shelled the market", "report", "report", "reports"),
    ("The army may have shelled the market", "The army shelled the market", "assertion", "say", "reports"),
    ("Soldiers shelled the market", "The army shelled the market", "assertion", "say", "asserts"),
    ("We will not give up the port", "We will not give up the port", "assertion", "say", "asserts"),
])
def test_stance_of_a_statement_toward_its_claim(text, claim, claim_type, cue, stance):
    from kb.claims.stance import statement_stance

    assert statement_stance(text, claim, claim_type, cue) == stance


# --- online linking on the samples ------------------------------------------------------------

def test_samples_show_a_claim_repeated_and_denied_across_documents(samples_kb):
    c = _claim_with(samples_kb, SHOTS)
    assert c["documents"] >= 2 and c["speakers"] >= 3
    assert {"Tomas Wierling", "Jonas Pell"} <= set(c["speakers_for"])
    assert "Ana Roth" in c["speakers_against"]
    assert c["first_seen"].isoformat() == "2024-06-03"
    stances = {(s["speaker"], s["stance"]) for s in c["statements_list"]}
    assert ("Coastal Watch", "reports") in stances
    assert [t["day"] for t in c["timeline"]] == sorted(t["day"] for t in c["timeline"])
    # the same words collapse without the model, a paraphrase joins by meaning
    assert {s["method"] for s in c["statements_list"]} >= {"new", "meaning"}


def test_every_linked_statement_is_counted_once(samples_kb):
    from sqlalchemy import func, select

    from kb.models import Claim, ClaimStatement

    with session_scope(samples_kb) as s:
        links = s.scalar(select(func.count()).select_from(ClaimStatement))
        counted = s.scalar(select(func.sum(Claim.n_statements)))
        stances = s.scalar(select(func.sum(Claim.n_asserts + Claim.n_denies + Claim.n_questions + Claim.n_reports)))
    assert links == counted == stances > 50


def test_claim_linking_can_be_switched_off(tmp_path, nlp, monkeypatch):
    from sqlalchemy import func, select

    from kb.models import Claim, Statement

    monkeypatch.setenv("KB_CLAIMS", "off")
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    build_kb(url, [SEED_TEXT], nlp)
    with session_scope(url) as s:
        assert s.scalar(select(func.count()).select_from(Statement)) == 10
        assert s.scalar(select(func.count()).select_from(Claim)) == 0


# --- matching ---------------------------------------------------------------------------------

def test_match_finds_the_seed_claim_from_a_paraphrase(samples_kb):
    from kb.claims.query import match_claims

    with session_scope(samples_kb) as s:
        top = match_claims(s, "Moscow is to blame for the crimes committed against Syrians", limit=3)
        assert "Russia bears full responsibility" in top[0]["text"]
        assert top[0]["evidence"][0]["speaker"] == "Yasser Farhan"
        hospitals = match_claims(s, "Russian warplanes destroyed nine medical facilities", limit=3)
        assert "bombed nine hospitals" in hospitals[0]["text"]
        assert hospitals[0]["score"] > hospitals[1]["score"]


# --- edits and re-clustering ------------------------------------------------------------------

def test_split_merge_and_rename_a_claim(tmp_path, nlp, embedder):
    from kb.claims.edit import ClaimEditError, merge_claims, rename_claim, split_claim
    from kb.claims.query import get_claim

    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    build_kb(url, [SAMPLES / "005_skarholm_shots.txt", SAMPLES / "006_council_hearing.txt"], nlp)
    c = _claim_with(url, SHOTS)
    pell = [s["id"] for s in c["statements_list"] if s["speaker"] == "Jonas Pell"]
    message = write_with_retry(lambda s: split_claim(s, c["id"], pell, text="Pell's account"), url)
    new_id = int(message.split("new claim ")[1].split(":")[0])
    with session_scope(url) as s:
        left, split = get_claim(s, c["id"]), get_claim(s, new_id)
    assert split["text"] == "Pell's account" and [x["id"] for x in split["statements_list"]] == pell
    assert left["statements"] == c["statements"] - len(pell)

    write_with_retry(lambda s: merge_claims(s, c["id"], new_id), url)
    write_with_retry(lambda s: rename_claim(s, c["id"], "Velorian boats fired at Kestrani trawlers"), url)
    with session_scope(url) as s:
        back = get_claim(s, c["id"])
        assert get_claim(s, new_id) is None
    assert back["statements"] == c["statements"] and back["text"] == "Velorian boats fired at Kestrani trawlers"
    with pytest.raises(ClaimEditError):
        write_with_retry(lambda s: merge_claims(s, c["id"], c["id"]), url)


def test_recluster_rebuilds_the_claims(tmp_path, nlp, embedder):
    from kb.claims.cluster import recluster

    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    build_kb(url, [SAMPLES / "005_skarholm_shots.txt", SAMPLES / "006_council_hearing.txt"], nlp)
    before = _claim_with(url, SHOTS)
    done = recluster(url)
    assert done["linked"] == done["statements"] > 0
    after = _claim_with(url, SHOTS)
    kept = {s["id"] for s in before["statements_list"]} & {s["id"] for s in after["statements_list"]}
    assert len(kept) >= len(before["statements_list"]) - 1
    assert "Ana Roth" in after["speakers_against"] and "Tomas Wierling" in after["speakers_for"]


def test_graph_edges_link_echoes_and_denials(samples_kb):
    from kb.claims.query import claim_edges
    from kb.models import Actor

    with session_scope(samples_kb) as s:
        edges = {(e["type"], s.get(Actor, e["source"]).name, s.get(Actor, e["target"]).name) for e in claim_edges(s)}
    assert ("echoes", "Jonas Pell", "Tomas Wierling") in edges
    assert ("denies_claim_of", "Ana Roth", "Tomas Wierling") in edges


# --- CLI ----------------------------------------------------------------------------------------

def test_cli_lists_shows_and_matches_claims(samples_kb, monkeypatch):
    run = kb_cli(samples_kb, monkeypatch)
    listed = run("claims", "--actor", "Ana Roth", "--stance", "denies", "--format", "csv").stdout
    assert SHOTS in listed
    claim_id = next(line.split(",")[0] for line in listed.splitlines() if SHOTS in line)
    shown = run("claims", "show", claim_id).stdout
    assert "Against: Ana Roth" in shown and "Tomas Wierling" in shown
    matched = run("claims", "match", "Velorian patrols shot at Kestrani fishing boats", "-n", "1").stdout
    assert SHOTS in matched
    assert run("claims", "show", "999999", code=1)


# --- PostgreSQL -------------------------------------------------------------------------------

@pytest.mark.postgres
def test_claims_link_on_postgres(pg_url, nlp, embedder):
    build_kb(pg_url, [SAMPLES / "005_skarholm_shots.txt", SAMPLES / "006_council_hearing.txt"], nlp)
    c = _claim_with(pg_url, SHOTS)
    assert c["speakers"] >= 3 and "Ana Roth" in c["speakers_against"]
    from kb.claims.query import match_claims

    with session_scope(pg_url) as s:
        assert SHOTS in match_claims(s, "Velorian patrols shot at Kestrani fishing boats", limit=1)[0]["text"]


# --- dashboard ----------------------------------------------------------------------------------

@pytest.fixture()
def claims_page(samples_kb, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from kb_dashboard import APP

    monkeypatch.setenv("KB_DATABASE_URL", samples_kb)
    monkeypatch.delenv("KB_READ_ONLY", raising=False)

    def make(**params):
        at = AppTest.from_file(str(APP), default_timeout=90)
        at.run()
        at.query_params.update({k: str(v) for k, v in params.items()})
        at.switch_page("views/claims.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return make


def test_claims_page_shows_a_claim_with_speakers_and_statements(claims_page, samples_kb):
    from kb_dashboard.logic import md

    c = _claim_with(samples_kb, SHOTS)
    at = claims_page(claim=c["id"])
    assert at.subheader[0].value == md(c["text"])  # ingested text is shown escaped
    links = [p.proto.label for p in at.get("page_link")]
    assert "Tomas Wierling" in links and "Ana Roth" in links
    quoted = [p for p in at.get("page_link") if "denies\\:" in p.proto.label]
    assert quoted  # each statement links to its sentence on the Statements page
    assert {m.label: m.value for m in at.metric}["Speakers"] == str(c["speakers"])


def test_claims_page_matches_a_pasted_sentence(claims_page):
    at = claims_page()
    at.text_input(key="c_match").set_value("Velorian patrols shot at Kestrani fishing boats").run()
    assert not at.exception
    assert any(SHOTS in m.value for m in at.markdown)


def test_a_statement_shows_its_claim(samples_kb, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from kb_dashboard import APP

    c = _claim_with(samples_kb, SHOTS)
    monkeypatch.setenv("KB_DATABASE_URL", samples_kb)
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.query_params["statement"] = str(c["statements_list"][1]["id"])
    at.switch_page("views/statements.py").run()
    assert any(p.proto.label.startswith("Claim (denies)") for p in at.get("page_link"))


def test_the_actor_graph_has_echo_and_denial_edges(samples_kb):
    from kb.graph import build_graph
    from kb.query import find_actor

    with session_scope(samples_kb) as s:
        G = build_graph(s)
        pell, wierling, roth = (find_actor(s, n).id for n in ("Jonas Pell", "Tomas Wierling", "Ana Roth"))
    assert "echoes" in G.succ[pell][wierling]
    denial = G.succ[roth][wierling]["denies_claim_of"]
    assert denial["count"] >= 1 and denial["first"] == "2024-06-03" and denial["statements"]
