"""How a statement stands toward its claim: asserts, denies, questions or reports it.

Rules over what the extractor already found (the cue's claim type) first: a denial cue
("denied", "rejected") denies the claim it carries; a question asks; a report or an "according
to" passes it on. Then the wording itself, by a small logistic model over the words of
``kb/data/claim_stance.tsv`` (trained on Emergent, shipped as ``kb/data/claim_stance_model.json``):
a negation the claim lacks ("did not bomb" against "bombed") or a denial word denies it; hedges
("reportedly", "may") report it; everything else asserts it.
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
    if claim_type in REPORT_TYPES or kind == "according_to":
        return "reports"
    if words(text) == words(claim):  # the claim's own wording (its first statement, a reprint)
        return "asserts"
    # The wording itself: the stance model (denial words, a negation the claim lacks, hedges).
    # Against needs something to be against: a negation the claim lacks, or a denial word.
    stance = headline_stance(text, claim)
    if stance == "against" and negated(text) == negated(claim) and not has(text, "denial"):
        return "asserts"
    return AS_KB[stance]


# --- a headline's stance toward a claim (Emergent's for / against / observing) -----------------

LABELS = ("for", "against", "observing")
AS_KB = {"for": "asserts", "against": "denies", "observing": "reports"}
MODEL_FILE = "claim_stance_model.json"


STANCE_CATEGORIES = ("denial", "hedge", "question", "negation")


def stance_terms() -> list[str]:
    """The lexicon's stance words, in a fixed order: one feature each."""
    return sorted({t for c in STANCE_CATEGORIES for t in lexicon().get(c, ())})


def features(text: str, claim: str) -> list[float]:
    """Six summary features (denial, hedge, question words; negation differing from the claim's;
    negation; a question mark), then one indicator per stance word of the lexicon."""
    tokens, folded = set(words(text)), fold(text)
    summary = (has(text, "denial"), has(text, "hedge"), has(text, "question"),
               negated(text) != negated(claim), negated(text), "?" in text)
    each = ((t in tokens) if " " not in t and t != "?" else (t in folded) for t in stance_terms())
    return [float(x) for x in (*summary, *each)]


def train(X, y: list[str], l2: float = 1e-2, steps: int = 3000, lr: float = 0.5) -> dict:
    """Multinomial logistic regression (classes weighted to balance), by gradient descent."""
    import numpy as np

    X = np.hstack([np.asarray(X, dtype=float), np.ones((len(X), 1))])
    Y = np.zeros((len(y), len(LABELS)))
    Y[np.arange(len(y)), [LABELS.index(v) for v in y]] = 1
    weight = (len(y) / (len(LABELS) * np.maximum(Y.sum(0), 1)))[None, :] * Y
    W = np.zeros((X.shape[1], len(LABELS)))
    for _ in range(steps):
        Z = X @ W
        P = np.exp(Z - Z.max(1, keepdims=True))
        P /= P.sum(1, keepdims=True)
        grad = X.T @ ((P - Y) * weight.sum(1, keepdims=True)) / len(y) + l2 * np.vstack([W[:-1], np.zeros((1, W.shape[1]))])
        W -= lr * grad
    return {"labels": list(LABELS), "terms": stance_terms(), "weights": W.tolist()}


def predict(model: dict, X) -> list[str]:
    import numpy as np

    X = np.hstack([np.asarray(X, dtype=float), np.ones((len(X), 1))])
    return [model["labels"][i] for i in (X @ np.asarray(model["weights"])).argmax(1)]


@lru_cache(maxsize=1)
def model() -> dict | None:
    import json

    from kb.config import get_settings

    path = get_settings().data_dir / MODEL_FILE
    return json.loads(path.read_text()) if path.exists() else None


def headline_stance(text: str, claim: str) -> str:
    """for / against / observing, by the shipped model (trained on Emergent dev; docs/claims.md)."""
    m = model()
    return predict(m, [features(text, claim)])[0] if m else "for"
