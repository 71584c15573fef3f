"""The acceptance criterion, checked against the seed's gold file itself (no copied expectations).

On the seed press release, every gold statement comes out with the right speaker, cue, kind, claim
type, content and accused/addressed actors; every gold actor exists with its kind and its aliases
resolve to it; the affiliations and accusation edges hold; the junk the gold names is absent; and
the metadata (date, source line) is read. Each check runs twice: on what ``kb extract`` produces
(the pipeline + Resolver, nothing stored) and on the KB that ``kb ingest`` builds (``seed_kb``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from sqlmodel import select

from kb.resolve import normalise
from tests.conftest import SEED_GOLD, SEED_TEXT

GOLD_IDS = [s["id"] for s in json.loads(SEED_GOLD.read_text(encoding="utf-8"))["statements"]]
PRONOUNS = {"he", "she", "they", "it", "him", "her", "them"}
PATHS = ["extract", "stored"]


@dataclass
class SeedView:
    """One reading of the seed, whichever path produced it."""

    statements: list[dict]  # speaker, cue, kind, claim_type, content, accused, addressed, source_text
    actors: dict[str, str]  # canonical name -> kind
    mentions: list[tuple[str, str]]  # (surface text, actor)
    affiliations: set[tuple[str, str, str]]  # (member, organisation, relation)
    aliases: dict[str, str] = field(default_factory=dict)  # alias form -> actor (stored KB only)
    published: str | None = None
    source_line: str | None = None
    title: str | None = None


def _targets(targets, role: str) -> set[str]:
    return {t for t, r in targets if r == role}


@pytest.fixture(scope="module")
def extracted(nlp) -> SeedView:
    """What `kb extract` sees: the real pipeline and a Resolver, nothing stored."""
    from kb.pipeline import process_paths
    from kb.resolve import Resolver

    errors = []
    [item] = list(process_paths([SEED_TEXT], nlp, Resolver(), errors.append))
    assert not errors, errors
    res = item.resolved
    statements = []
    for rs in res.statements:
        a = rs.attribution
        pairs = [(t.actor, t.role) for t in rs.targets]
        statements.append({
            "speaker": rs.speaker, "cue": a.cue.text if a.cue else None, "kind": a.kind,
            "claim_type": a.claim_type, "content": a.content.text if a.content else "",
            "accused": _targets(pairs, "accused"), "addressed": _targets(pairs, "addressed"),
            "source_text": a.source.text if a.source else None,
        })
    return SeedView(
        statements=statements,
        actors={name: ra.kind for name, ra in res.actors.items()},
        mentions=[(m.text, m.actor) for m in res.mentions],
        affiliations={(af.member, af.organization, af.relation) for af in res.affiliations},
        published=item.raw.published or res.published,
        source_line=res.source_line or item.raw.source,
        title=item.raw.title,
    )


@pytest.fixture(scope="module")
def stored(seed_kb) -> SeedView:
    """What `kb ingest` stored: read straight from the tables."""
    from kb.db import session_scope
    from kb.models import (
        Actor,
        Affiliation,
        Alias,
        Document,
        Mention,
        Source,
        Statement,
        StatementTarget,
    )

    with session_scope(seed_kb) as s:
        names = {a.id: a.name for a in s.exec(select(Actor)).all()}
        kinds = {a.name: a.kind for a in s.exec(select(Actor)).all()}
        [doc] = s.exec(select(Document)).all()
        source = s.get(Source, doc.source_id) if doc.source_id else None
        targets: dict[int, list[tuple[str, str]]] = {}
        for t in s.exec(select(StatementTarget)).all():
            targets.setdefault(t.statement_id, []).append((names[t.actor_id], t.role))
        statements = []
        for st in s.exec(select(Statement).order_by(Statement.id)).all():
            pairs = targets.get(st.id, [])
            statements.append({
                "speaker": names.get(st.speaker_id), "cue": st.cue_text, "kind": st.kind,
                "claim_type": st.claim_type, "content": st.content_text or "",
                "accused": _targets(pairs, "accused"), "addressed": _targets(pairs, "addressed"),
                "source_text": st.speaker_text,
            })
            # every stored span points at its text in the document
            if st.cue_start is not None:
                assert doc.text[st.cue_start:st.cue_end] == st.cue_text
            if st.content_start is not None:
                assert doc.text[st.content_start:st.content_end] == st.content_text
        return SeedView(
            statements=statements,
            actors=kinds,
            mentions=[(m.text, names[m.actor_id]) for m in s.exec(select(Mention)).all()],
            affiliations={(names[a.person_id], names[a.organization_id], a.relation)
                          for a in s.exec(select(Affiliation)).all()},
            aliases={a.form: names[a.actor_id] for a in s.exec(select(Alias)).all()},
            published=doc.published.isoformat() if doc.published else None,
            source_line=source.name if source else None,
            title=doc.title,
        )


@pytest.fixture(params=PATHS)
def view(request) -> SeedView:
    return request.getfixturevalue({"extract": "extracted", "stored": "stored"}[request.param])


def _gold_statement(gold: dict, sid: str) -> dict:
    return next(s for s in gold["statements"] if s["id"] == sid)


def _find(view: SeedView, g: dict) -> dict:
    """The statement with the gold cue whose content holds the gold substring."""
    same = [s for s in view.statements if s["cue"] == g["cue"] and g["content_contains"] in s["content"]]
    assert same, (f"{g['id']}: no statement with cue {g['cue']!r} and content containing "
                  f"{g['content_contains']!r}; got {[(s['cue'], s['content'][:60]) for s in view.statements]}")
    return same[0]


@pytest.mark.parametrize("sid", GOLD_IDS)
def test_statement(view, seed_gold, sid):
    g = _gold_statement(seed_gold, sid)
    s = _find(view, g)
    assert s["speaker"] in g["speaker_any_of"], (sid, s["source_text"], s["speaker"])
    assert s["kind"] == g["kind"], sid
    assert s["claim_type"] in (g.get("claim_type_any_of") or [g["claim_type"]]), (sid, s["claim_type"])
    accused_options = [set(a) for a in g.get("accused_any_of") or [g["accused"]]]
    assert s["accused"] in accused_options, (sid, s["accused"])
    assert s["addressed"] == set(g["addressed"]), (sid, s["addressed"])


def test_no_statement_beyond_the_gold(view, seed_gold):
    """Precision: every extracted statement is one the gold reading has."""
    gold = seed_gold["statements"]
    extra = [s for s in view.statements
             if not any(s["cue"] == g["cue"] and g["content_contains"] in s["content"] for g in gold)]
    assert not extra, [(s["cue"], s["content"][:60]) for s in extra]


@pytest.mark.parametrize("name", [a["name"] for a in json.loads(SEED_GOLD.read_text(encoding="utf-8"))["actors"]])
def test_actor_and_its_aliases(view, seed_gold, name):
    g = next(a for a in seed_gold["actors"] if a["name"] == name)
    assert view.actors.get(name) == g["kind"], (name, view.actors.get(name))
    for alias in [name, *g["aliases"]]:
        form = normalise(alias)
        if form in PRONOUNS:  # a pronoun resolves in the document: the statements it speaks
            said = [s["speaker"] for s in view.statements if normalise(s["source_text"] or "") == form]
            assert said and set(said) == {name}, (alias, said)
            continue
        found = {actor for text, actor in view.mentions if normalise(text) == form}
        if form == normalise(name) and not found:
            found = {name}  # the canonical name need not be written as such in the text
        assert found == {name}, (alias, found)
        if form in view.aliases:  # a stored alias must not point elsewhere
            assert view.aliases[form] == name, (alias, view.aliases[form])


def test_affiliations(view, seed_gold):
    for relation in ("member_of", "part_of"):
        for member, org in seed_gold["graph"][relation]:
            assert (member, org, relation) in view.affiliations, (member, relation, org, view.affiliations)


def test_accusation_edges(view, seed_gold):
    edges = {(s["speaker"], a) for s in view.statements for a in s["accused"]}
    for speaker, accused in seed_gold["graph"]["accuses"]:
        assert (speaker, accused) in edges, (speaker, accused, edges)


def test_no_junk_actors(view, seed_gold):
    forms = {normalise(n): n for n in view.actors}
    for junk in seed_gold["graph"]["must_not_be_actors"]:
        if junk.endswith(" as a place"):  # a person's name the NER tagged as a place
            name = junk[: -len(" as a place")]
            assert name not in view.actors, name
            assert all(view.actors[a] == "person" for text, a in view.mentions if normalise(text) == normalise(name))
        else:
            assert normalise(junk) not in forms, junk
            assert normalise(junk) not in view.aliases, junk
    for name in view.actors:
        assert not any(c.isdigit() for c in name), name


def test_metadata(view, seed_gold):
    meta = seed_gold["metadata"]
    assert view.published == meta["published"]
    assert view.source_line is not None and normalise(view.source_line) == normalise(meta["source_line"])
    assert view.title == meta["title"]
