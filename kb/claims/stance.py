"""How a statement stands toward its claim: asserts, denies, questions or reports it.

Rules over what the extractor already found (the cue's claim type) and the words of
``kb/data/claim_stance.tsv``: a denial cue ("denied", "rejected") denies the claim it carries;
a wording whose negation differs from the claim's ("did not bomb" against "bombed") denies it;
a question asks; a report or an "according to" passes it on. Everything else asserts it.
"""

from __future__ import annotations

from functools import lru_cache

from kb.claims.text import fold, words

STANCES = ("asserts", "denies", "questions", "reports")
DENIAL_TYPES = {"denial"}
DENIAL_CUES = {"deny", "reject", "dismiss", "refute", "dispute", "debunk", "rebuff"}
QUESTION_TYPES = {"question"}
REPORT_TYPES = {"report"}


@lru_cache(maxsize=1)
def lexicon() -> dict[str, set[str]]:
    from kb.config import get_settings

    out: dict[str, set[str]] = {}
    path = get_settings().data_dir / "claim_stance.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            term, category = line.split("\t")[:2]
            out.setdefault(category.strip(), set()).add(term.strip().lower())
    return out


def has(text: str, category: str) -> bool:
    """Does ``text`` hold a term of ``category`` (single words by token, phrases by substring)?"""
    terms = lexicon().get(category, set())
    folded = fold(text)
    tokens = set(words(text)) | {"n't"} if "n't" in folded else set(words(text))
    if "?" in terms and "?" in text:
        return True
    return any((t in tokens) if " " not in t else (t in folded) for t in terms if t != "?")


def negated(text: str) -> bool:
    return has(text, "negation") or "n't" in fold(text)


def statement_stance(text: str, claim: str, claim_type: str | None = None, cue_lemma: str | None = None,
                     kind: str | None = None) -> str:
    """The stance of a statement whose wording is ``text`` toward a claim worded ``claim``."""
    cue = (cue_lemma or "").split(" ")[0]
    if claim_type in DENIAL_TYPES or cue in DENIAL_CUES:
        return "denies"
    if claim_type in QUESTION_TYPES or text.rstrip().endswith("?"):
        return "questions"
    if negated(text) != negated(claim) or (has(text, "denial") and not has(claim, "denial")):
        return "denies"
    if claim_type in REPORT_TYPES or kind == "according_to":
        return "reports"
    return "asserts"
