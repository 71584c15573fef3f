"""The shapes issue 15 names, on sentences written for these tests (not from any corpus):
“A,” X said of Y. “B.”; appositive speakers; a quote paragraph continuing the previous
speaker; quotes signed or opened with a dash; page furniture; noun cues."""

from __future__ import annotations

import pytest

from kb.config import DATA_DIR
from kb.extract.nouns import load_noun_cues, noun_cues
from kb.extract.spans import string_ids


@pytest.fixture(scope="module")
def extract(nlp):
    return lambda text: nlp(text)._.attributions


def by_cue(atts, cue: str):
    found = [a for a in atts if a.cue.text == cue]
    assert len(found) == 1, [(a.cue.text, a.source and a.source.text, a.content and a.content.text) for a in atts]
    return found[0]


@pytest.mark.parametrize("text, speaker, source_words", [
    ("“The plan is reckless,” Senator Maria Lopez said of the budget. “It will hurt families.”",
     "Maria Lopez", "Senator Maria Lopez"),
    ("“The plan is reckless,” Maria Lopez, a Democratic senator, said of the bill on Tuesday. "
     "“It will hurt families and it will fail.”", "Maria Lopez", "Maria Lopez, a Democratic senator"),
    ("“This is a disaster,” Jim Olson, the party chairman, said of the polls. “We need a new strategy.”",
     "Jim Olson", "Jim Olson, the party chairman"),
])
def test_said_of_splits_the_content_around_the_speaker(extract, text, speaker, source_words):
    a = by_cue(extract(text), "said")
    assert a.source.text == source_words
    assert a.speaker_name == speaker
    assert len(a.content_parts) == 2
    assert "said" not in a.content.text and "of the" not in a.content.text
    first, second = a.content_parts
    assert text[first.start:first.end].startswith("“") and text[second.start:second.end].endswith("”")


def test_inverted_speaker_with_apposition_keeps_the_topic_out(extract):
    a = by_cue(extract("“The plan is reckless,” said Maria Lopez, a senator from Ohio, of the budget. "
                       "“It will hurt families.”"), "said")
    assert a.source.text == "Maria Lopez, a senator from Ohio"
    assert a.speaker_name == "Maria Lopez"


def test_untagged_name_with_apposition_is_the_speaker(extract):
    a = by_cue(extract("“We will win this fight,” said Ana Ruiz, head of the union."), "said")
    assert a.speaker_name == "Ana Ruiz"


def test_quote_paragraph_continues_the_previous_statement(extract):
    text = ("The mayor, Tom Brady, said the tax was needed.\n\n"
            "“We have no other choice. The roads are falling apart.”\n\nThe council will vote in May.")
    a = by_cue(extract(text), "said")
    assert a.speaker_name == "Tom Brady"
    assert a.content_parts[-1].text == "“We have no other choice. The roads are falling apart.”"


def test_quote_paragraph_after_a_direct_quote(extract):
    text = ("“We will win this fight,” said Ana Ruiz, head of the union.\n\n"
            "“Our members are ready to strike.”\n\nThe company declined to comment.")
    a = by_cue(extract(text), "said")
    assert a.content_parts[-1].text == "“Our members are ready to strike.”"


def test_quotes_signed_with_a_dash(extract):
    text = "“We will never surrender.” — Winston Gardner\n“Taxes are theft.” ― Jane Doe"
    atts = extract(text)
    assert [(a.source.text, a.content.text) for a in atts] == [
        ("Winston Gardner", "“We will never surrender.”"), ("Jane Doe", "“Taxes are theft.”")]


def test_quote_after_a_dash_is_the_content(extract):
    a = by_cue(extract("The minister was blunt — “We will not pay,” he told reporters."), "told")
    assert a.content.text == "“We will not pay,”"


def test_unusual_quote_marks(extract):
    a = by_cue(extract("«We will fight this ruling,» the union leader said on Monday."), "said")
    assert a.content.text.startswith("«We will fight")


@pytest.mark.parametrize("furniture", [
    "Story continues below advertisement",
    "READ MORE: Trump says he will win the state",
    "Photo: John Smith/Getty Images",
    "Getty/Instagram.",
])
def test_page_furniture_is_never_a_statement(extract, furniture):
    text = f"The senator said the bill would pass.\n\n{furniture}\n\nThe governor warned that taxes would rise."
    atts = extract(text)
    assert sorted(a.cue.text for a in atts) == ["said", "warned"]
    assert all(not (text.index(furniture) <= a.cue.start < text.index(furniture) + len(furniture)) for a in atts)


@pytest.mark.parametrize("text, cue, source, content", [
    ("His claim that the election was rigged was false.", "claim", "His", "the election was rigged"),
    ("The allegation that the mayor took bribes surfaced on Monday.", "allegation", None, "the mayor took bribes"),
    ("Critics voiced sharp criticism of the new pipeline.", "criticism", "Critics", "the new pipeline"),
    ("Trump's assertion that the economy is booming was mocked by economists.", "assertion", "Trump",
     "the economy is booming"),
])
def test_noun_cues_are_proposed(nlp, text, cue, source, content):
    nouns = load_noun_cues(str(DATA_DIR / "noun_cues.tsv"))
    found = noun_cues(nlp(text), nouns, string_ids(nouns))
    [f] = [f for f in found if text[f.cue[0]:f.cue[1]] == cue]
    assert (text[slice(*f.source)] if f.source else None) == source
    assert text[f.content[0][0]:f.content[-1][1]].removeprefix("that ") == content
