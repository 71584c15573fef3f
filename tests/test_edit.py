"""Analyst edits (kb.edit) on a real SQLite KB and a real PostgreSQL database: aliases, merges,
renames, flags; the graph and the next ingest follow them."""

from __future__ import annotations

import pytest
from multidoc_kb import St, build_multidoc_kb, resolved_document
from sqlalchemy import func, select

from kb import edit, graph
from kb.db import session_scope
from kb.models import Actor, Affiliation, Alias, Mention, Statement, StatementTarget
from kb.resolve import Resolver, normalise
from kb.store import store_document

# Makes merging the Kremlin into Russia collide on every unique constraint.
COLLISIONS = {
    "path": "e.txt", "published": "2018-03-01",
    "statements": [St("Farhan accused the Kremlin and Moscow of lies.", "Yasser Farhan", "Farhan", "accused",
                      "of lies", "accusation", [("Kremlin", "accused", "the Kremlin"), ("Russia", "accused", "Moscow")])],
    "affiliations": [("Sergei Lavrov", "Kremlin", "member_of", "foreign minister", None),
                     ("Sergei Lavrov", "Russia", "member_of", None, None),
                     ("Russian Foreign Ministry", "Kremlin", "part_of", None, None),
                     ("Kremlin", "Russia", "part_of", None, None)],
    "mentions": [("Kremlin", "the Kremlin")],
}


def store(url: str, spec: dict) -> None:
    raw, res = resolved_document(spec)
    with session_scope(url) as s:
        store_document(s, raw, res)


@pytest.fixture()
def kb(db_url, tmp_path, monkeypatch) -> str:
    """The multi-document KB plus COLLISIONS, on each backend; graph caches in the test's directory."""
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    url = build_multidoc_kb(db_url)
    store(url, COLLISIONS)
    return url


def actor_id(url, name):
    with session_scope(url) as s:
        return s.scalar(select(Actor.id).where(Actor.name == name))


def triples(url):
    with session_scope(url) as s:
        G = graph.get_graph(s)
    return {(G.nodes[u]["label"], t, G.nodes[v]["label"]) for u, v, t in G.edges(keys=True)}


# ---------------------------------------------------------------- aliases

def test_add_alias_resolves_now_and_on_the_next_ingest(kb):
    with session_scope(kb) as s:
        msg = edit.add_alias(s, "Moskva", "Russia")
    assert msg == "added alias 'Moskva' -> 'Russia'"
    with session_scope(kb) as s:
        row = s.execute(select(Alias).where(Alias.form == "moskva")).scalar_one()
        assert (row.origin, row.surface) == ("analyst", "Moskva")
        assert graph.find_actor(s, "moskva").name == "Russia"
        assert Resolver.from_session(s).canonical("Moskva") == ("Russia", "country")
    store(kb, {"path": "f.txt", "published": "2018-04-01", "affiliations": [], "mentions": [],
               "statements": [St("Moskva praised Ankara.", "Moskva", "Moskva", "praised", "Ankara", "praise",
                                 [("Turkey", "mentioned", "Ankara")])]})
    assert ("Russia", "praises", "Turkey") in triples(kb)


def test_add_alias_conflict_then_merge(kb):
    with session_scope(kb) as s, pytest.raises(edit.AliasConflict, match="already names 'Kremlin'") as err:
        edit.add_alias(s, "Kremlin", "Russia")
    assert "kb actors merge Russia Kremlin" in str(err.value)
    assert actor_id(kb, "Kremlin") is not None  # refused: nothing changed
    with session_scope(kb) as s:
        msg = edit.add_alias(s, "the Kremlin", "Russia", merge=True)
    assert msg.startswith("merged 'Kremlin' into 'Russia'")
    assert actor_id(kb, "Kremlin") is None
    assert ("Russia", "rejects", "Syrian Coalition") in triples(kb)


def test_add_alias_moves_an_alias_of_an_actor_without_statements(kb):
    with session_scope(kb) as s:
        s.add(Actor(name="Idlib Council", kind="organization"))
        s.flush()
        other = s.scalar(select(Actor.id).where(Actor.name == "Idlib Council"))
        s.add(Alias(form=normalise("the Council"), surface="the Council", actor_id=other))
        s.add(Alias(form="idlib council", surface="Idlib Council", actor_id=other))
    with session_scope(kb) as s:
        assert edit.add_alias(s, "the Council", "Syrian Coalition") == \
            "moved alias 'the Council' -> 'Syrian Coalition' (analyst)"
    assert actor_id(kb, "Idlib Council") is not None  # only the alias moved
    with session_scope(kb) as s:  # its own name: nothing attached, so it is merged in
        assert edit.add_alias(s, "Idlib Council", "Syrian Coalition").startswith("merged 'Idlib Council'")
    assert actor_id(kb, "Idlib Council") is None


def test_add_alias_to_unknown_actor_or_empty_surface(kb):
    with session_scope(kb) as s, pytest.raises(edit.ActorNotFound):
        edit.add_alias(s, "Moskva", "Atlantis")
    with session_scope(kb) as s, pytest.raises(edit.EditError, match="no letters"):
        edit.add_alias(s, " ... ", "Russia")


def test_remove_alias(kb):
    with session_scope(kb) as s:
        before = graph.accusations(s, against="Russia")
    with session_scope(kb) as s:
        assert edit.remove_alias(s, "Moscow") == "removed alias 'Moscow' (was -> 'Russia')"
    with session_scope(kb) as s:
        assert s.scalar(select(Alias.id).where(Alias.form == "moscow")) is None
        # statements already resolved through it keep their actor
        assert graph.accusations(s, against="Russia") == before
        with pytest.raises(edit.EditError, match="rename the actor instead"):
            edit.remove_alias(s, "Russia")
        with pytest.raises(edit.EditError, match="no alias"):
            edit.remove_alias(s, "Moscow")


def test_list_aliases(kb):
    with session_scope(kb) as s:
        rows = edit.list_aliases(s, "Russia")
        everything = edit.list_aliases(s)
    assert {r["form"] for r in rows} == {"russia", "moscow", "russian forces"}
    assert {r["actor"] for r in rows} == {"Russia"}
    assert len(everything) > len(rows)


# ---------------------------------------------------------------- merge

def test_merge_moves_everything_and_dedupes(kb):
    keep, drop = actor_id(kb, "Russia"), actor_id(kb, "Kremlin")
    with session_scope(kb) as s:
        before = graph.get_graph(s)
        n_mentions = s.scalar(select(func.count()).where(Mention.actor_id.in_([keep, drop])))
    assert ("Kremlin", "rejects", "Syrian Coalition") in {
        (before.nodes[u]["label"], t, before.nodes[v]["label"]) for u, v, t in before.edges(keys=True)}
    with session_scope(kb) as s:
        msg = edit.merge_actors(s, "Russia", "Kremlin")
    assert msg.startswith("merged 'Kremlin' into 'Russia' (moved 1 statements")
    with session_scope(kb) as s:
        assert s.get(Actor, drop) is None
        assert s.scalar(select(func.count()).where(Statement.speaker_id == drop)) == 0
        lies = s.scalar(select(Statement.id).where(Statement.content_text == "of lies"))
        assert s.execute(select(StatementTarget.actor_id, StatementTarget.role)
                         .where(StatementTarget.statement_id == lies)).all() == [(keep, "accused")]
        assert s.scalar(select(func.count()).where(Mention.actor_id == keep)) == n_mentions
        affs = s.execute(select(Affiliation.person_id, Affiliation.organization_id, Affiliation.relation)
                         .where((Affiliation.person_id == keep) | (Affiliation.organization_id == keep))).all()
        lavrov, ministry = actor_id(kb, "Sergei Lavrov"), actor_id(kb, "Russian Foreign Ministry")
        assert sorted(affs) == sorted([(lavrov, keep, "member_of"), (ministry, keep, "part_of")])
        kremlin = s.execute(select(Alias).where(Alias.form == "kremlin")).scalar_one()
        assert (kremlin.actor_id, kremlin.origin) == (keep, "analyst")
        assert graph.find_actor(s, "Kremlin").name == "Russia"
    after = triples(kb)  # the graph reflects the edit at once
    assert ("Russia", "rejects", "Syrian Coalition") in after
    assert not any("Kremlin" in (a, b) for a, _, b in after)


def test_merge_keeps_missing_details_and_refuses_self(kb):
    with session_scope(kb) as s:
        s.add(Actor(name="Russian Federation", kind="unknown", external_id="Q159"))
    with session_scope(kb) as s:
        edit.merge_actors(s, "Russian Federation", "Russia")
    with session_scope(kb) as s:
        a = graph.find_actor(s, "Moscow")
        assert (a.name, a.kind, a.external_id) == ("Russian Federation", "country", "Q159")
        with pytest.raises(edit.EditError, match="same actor"):
            edit.merge_actors(s, "Russian Federation", "Moscow")


def test_failed_edit_changes_nothing(kb):
    with session_scope(kb) as s:
        state = graph.store_state(s)
    with pytest.raises(RuntimeError), session_scope(kb) as s:
        edit.merge_actors(s, "Russia", "Kremlin")
        raise RuntimeError("the caller fails before commit")
    with session_scope(kb) as s:
        assert graph.store_state(s) == state
        assert graph.find_actor(s, "Kremlin").name == "Kremlin"


def test_merged_name_routes_the_next_ingest(kb):
    with session_scope(kb) as s:
        edit.merge_actors(s, "Russia", "Kremlin")
    store(kb, {"path": "g.txt", "published": "2018-05-01", "affiliations": [], "mentions": [],
               "statements": [St("The Kremlin denied the report by HRW.", "Kremlin", "The Kremlin", "denied",
                                 "the report by HRW", "denial", [("Human Rights Watch", "mentioned", "HRW")])]})
    assert actor_id(kb, "Kremlin") is None
    assert ("Russia", "denies", "Human Rights Watch") in triples(kb)


# ---------------------------------------------------------------- rename and flag

def test_rename_actor(kb):
    with session_scope(kb) as s:
        graph.get_graph(s)  # cached before the edit
        assert edit.rename_actor(s, "Assad regime", "Syrian government") == \
            "renamed 'Assad regime' to 'Syrian government'"
    assert ("Yasser Farhan", "accuses", "Syrian government") in triples(kb)
    with session_scope(kb) as s:
        assert graph.find_actor(s, "Assad regime").name == "Syrian government"
        with pytest.raises(edit.EditError, match="already names 'Russia'"):
            edit.rename_actor(s, "Syrian government", "Moscow")
        with pytest.raises(edit.EditError, match="empty"):
            edit.rename_actor(s, "Syrian government", "  ")


def test_flag_and_unflag_statement(kb):
    with session_scope(kb) as s:
        sid = graph.accusations(s, by="Zakharova")[0]["statement_id"]
        assert edit.flag_statement(s, sid) == f"statement {sid} flagged"
    assert ("Maria Zakharova", "accuses", "Syrian Coalition") not in triples(kb)
    with session_scope(kb) as s:
        edit.flag_statement(s, sid, flagged=False)
    assert ("Maria Zakharova", "accuses", "Syrian Coalition") in triples(kb)
    with session_scope(kb) as s, pytest.raises(edit.EditError, match="no statement 99999"):
        edit.flag_statement(s, 99999)


# ---------------------------------------------------------------- kind, not an actor (dashboard edits)

def test_set_kind_by_id_and_refuses_unknown_kinds(kb):
    from test_counters import assert_counters_right

    rid = actor_id(kb, "Russia")
    with session_scope(kb) as s:
        assert edit.set_kind(s, rid, "government") == "'Russia' is now a government (was country)"
    with session_scope(kb) as s:
        assert s.get(Actor, rid).kind == "government"
    with session_scope(kb) as s, pytest.raises(edit.EditError, match="unknown kind 'planet'"):
        edit.set_kind(s, rid, "planet")
    with session_scope(kb) as s, pytest.raises(edit.ActorNotFound, match="no actor with id 99999"):
        edit.set_kind(s, 99999, "person")
    assert_counters_right(kb)


def test_not_an_actor_deletes_it_and_keeps_its_statements(kb):
    from test_counters import assert_counters_right

    kid = actor_id(kb, "Kremlin")
    with session_scope(kb) as s:
        said_before = s.scalar(select(func.count()).select_from(Statement))
        msg = edit.not_an_actor(s, kid)
    assert msg.startswith("deleted 'Kremlin'")
    with session_scope(kb) as s:
        assert s.get(Actor, kid) is None
        assert s.scalar(select(func.count()).select_from(Statement)) == said_before
        for model, col in ((StatementTarget, StatementTarget.actor_id), (Mention, Mention.actor_id),
                           (Alias, Alias.actor_id), (Statement, Statement.speaker_id)):
            assert s.scalar(select(func.count()).select_from(model).where(col == kid)) == 0
        assert s.scalar(select(func.count()).select_from(Affiliation).where(
            (Affiliation.person_id == kid) | (Affiliation.organization_id == kid))) == 0
    assert not any("Kremlin" in (a, b) for a, _, b in triples(kb))
    assert_counters_right(kb)
