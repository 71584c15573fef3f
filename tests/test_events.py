"""Event families and directed target roles on sentences written for these tests (fictional
actors: Veloria, Kestrany, the Amsel Front), one per verb family and construction, through the
real pipeline (en_core_web_sm + kb_attributions)."""

from __future__ import annotations

import pytest


def statements(nlp, text: str):
    return nlp(text)._.attributions


def one(nlp, text: str, cue: str):
    found = [a for a in statements(nlp, text) if a.cue and cue in a.cue.text]
    assert found, (text, [(a.cue.text if a.cue else None) for a in statements(nlp, text)])
    return found[0]


def roles(a) -> dict[str, str]:
    return {t.text: t.role for t in a.targets}


# (sentence, cue, event, {target text: role})
CASES = [
    # DISAPPROVE: accuse, blame, criticise, condemn, denounce; objects, possessors, "for", passives
    ("Veloria accused Kestrany of shelling the border villages.", "accused", "DISAPPROVE",
     {"Kestrany": "accused"}),
    ("The Amsel Front blamed Kestrany for the collapse of the talks.", "blamed", "DISAPPROVE",
     {"Kestrany": "accused"}),
    ("Veloria's foreign minister criticised Kestrany for its treatment of journalists.", "criticised",
     "DISAPPROVE", {"Kestrany": "accused"}),
    ("Veloria condemned Kestrany's decision to close the border.", "condemned", "DISAPPROVE",
     {"Kestrany": "accused"}),
    ("Veloria on Friday denounced Kestrany's seizure of the port as a crime.", "denounced", "DISAPPROVE",
     {"Kestrany": "accused"}),
    ("Kestrany was accused by the Amsel Front of rigging the vote.", "accused", "DISAPPROVE",
     {"Kestrany": "accused"}),  # the passive subject
    ("The Amsel Front complained to the United Nations about Kestranian air raids.", "complained", "DISAPPROVE",
     {"Kestranian": "accused"}),
    # DEMAND: demand, urge, call on, call for; complement clauses, "from", modals
    ("Veloria demanded that Kestrany withdraw its troops from the valley.", "demanded", "DEMAND",
     {"Kestrany": "addressed"}),
    ("The Amsel Front demanded support from Kestrany in rebuilding the bridges.", "demanded", "DEMAND",
     {"Kestrany": "addressed"}),
    ("Veloria urged Kestrany to release the detained reporters.", "urged", "DEMAND", {"Kestrany": "addressed"}),
    ("Veloria ordered the trawlers to leave Kestranian waters.", "ordered", "DEMAND",
     {"Kestranian": "mentioned"}),  # the infinitive is what is demanded, not of whom
    ("Veloria said on Monday that Kestrany must pay for the damage.", "said", "DEMAND",
     {"Kestrany": "addressed"}),
    ("The minister declared that Kestrany should immediately reopen the crossing.", "declared", "DEMAND",
     {"Kestrany": "addressed"}),
    ("Veloria called for sanctions against Kestrany after the raid.", "called for", "DEMAND",
     {"Kestrany": "accused"}),
    ("Veloria issued a reminder to Kestrany that it must honour the treaty.", "issued", "DEMAND",
     {"Kestrany": "addressed"}),
    ("Veloria warned Kestrany that the talks would fail without new guarantees.", "warned", None,
     {"Kestrany": "addressed"}),  # warned, addressed, but no threat
    # REJECT: reject, refuse, deny; possessors, modifiers, by/from, infinitives, negated futures
    ("Veloria rejected Kestrany's offer of a ceasefire.", "rejected", "REJECT", {"Kestrany": "rejected"}),
    ("Veloria rejected a Kestranian request to inspect the dam.", "rejected", "REJECT",
     {"Kestranian": "rejected"}),
    ("Veloria rejected calls by the Amsel Front to hold new elections.", "rejected", "REJECT",
     {"the Amsel Front": "rejected"}),
    ("Veloria rejected a fresh offer from Kestrany for direct talks.", "rejected", "REJECT",
     {"Kestrany": "rejected"}),
    ("Veloria refused to meet Kestrany's envoy in the capital.", "refused", "REJECT", {"Kestrany": "rejected"}),
    ("Veloria said it would not meet Kestrany's demands.", "said", "REJECT", {"Kestrany": "rejected"}),
    # THREATEN: threaten + object, infinitives, conditionals, future acts of force, ultimatums
    ("Veloria threatened Kestrany with sanctions over the dam.", "threatened", "THREATEN",
     {"Kestrany": "threatened"}),
    ("Veloria threatened to cut off electricity to Kestrany.", "threatened", "THREATEN",
     {"Kestrany": "threatened"}),
    ("Veloria threatened to impose import restrictions against Kestranian goods.", "threatened", "THREATEN",
     {"Kestranian": "threatened"}),
    ("Veloria warned that its navy would blockade the Kestranian forces.", "warned", "THREATEN",
     {"the Kestranian forces": "threatened"}),
    ("The Amsel Front threatened to call a general strike unless Kestrany lifted the curfew.", "threatened",
     "THREATEN", {"Kestrany": "threatened"}),
    ("Veloria warned that it would impose sanctions on Kestrany.", "warned", "THREATEN",
     {"Kestrany": "threatened"}),
    ("The police chief warned that the police will no longer tolerate rallies by the Amsel Front.", "warned",
     "THREATEN", {"the Amsel Front": "threatened"}),
    ("Veloria has issued an ultimatum to Kestrany to halt the attacks.", "issued", "THREATEN",
     {"Kestrany": "threatened"}),
    ("The Amsel Front threatened to resume attacks in Kestrany.", "threatened", "THREATEN",
     {"Kestrany": "threatened"}),  # the place a threatened act falls on
    # SUPPORT: praise, back
    ("Veloria praised Kestrany's efforts to free the hostages.", "praised", "SUPPORT", {"Kestrany": "praised"}),
    ("The Amsel Front backed Kestrany in the dispute over the river.", "backed", "SUPPORT",
     {"Kestrany": "supported"}),
]


@pytest.mark.parametrize("text,cue,event,expected", CASES, ids=[c[0][:50] for c in CASES])
def test_event_and_roles(nlp, text, cue, event, expected):
    a = one(nlp, text, cue)
    assert a.event == event, (text, a.event)
    got = roles(a)
    for target, role in expected.items():
        assert got.get(target) == role, (text, got)


def test_the_accused_of_an_accusation_is_not_whom_it_is_about(nlp):
    """"X accused Moscow of working with the regime": Moscow accused, the regime only mentioned."""
    a = one(nlp, "Kestrany accused Moscow of working with the Veloria regime to block any settlement.",
            "accused")
    assert roles(a).get("Moscow") == "accused"
    assert roles(a).get("Veloria") in (None, "mentioned")


def test_several_targets(nlp):
    a = one(nlp, "Veloria threatened to break off relations with Kestrany and Ostrava over the dam.",
            "threatened")
    got = roles(a)
    assert got.get("Kestrany") == "threatened" and got.get("Ostrava") == "threatened", got


def test_a_speaker_never_targets_itself(nlp):
    a = one(nlp, "Veloria said that Veloria must defend its border.", "said")
    assert all(t.start >= a.source.end for t in a.targets if t.role != "mentioned")
    b = one(nlp, "Kestrany said that it must respond.", "said")
    assert [t for t in b.targets if t.role != "mentioned"] == []


@pytest.mark.parametrize("text,cue", [
    ("Veloria said the economy grew by three percent last year.", "said"),
    ("The minister said that the talks will continue next week.", "said"),
    ("Varga warned that closing one harbour would not save the stocks unless both fleets cut their catches.",
     "warned"),
    ("Veloria did not reject the proposal.", "reject"),
])
def test_no_event_where_none_applies(nlp, text, cue):
    a = one(nlp, text, cue)
    assert a.event is None, (text, a.event)
    assert all(t.role == "mentioned" for t in a.targets), a.targets


def test_event_lexicon_is_data(tmp_path):
    """The lexicon is read from the file the factory is given; a family PLOVER lacks fails loudly."""
    from kb.extract.events import load_events

    path = tmp_path / "events.tsv"
    path.write_text("verb\tgrumble\tDISAPPROVE\taccused\nmodal\tmust\tDEMAND\taddressed\n", encoding="utf-8")
    lex = load_events(str(path))
    assert lex.verbs["grumble"] == ("DISAPPROVE", "accused") and "must" in lex.modals
    bad = tmp_path / "bad.tsv"
    bad.write_text("verb\tgrumble\tCOMPLAIN\taccused\n", encoding="utf-8")
    with pytest.raises(ValueError, match="COMPLAIN"):
        load_events(str(bad))
