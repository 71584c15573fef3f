"""Pure text functions for claims: the wording a statement contributes, its exact key, its
near-duplicate (MinHash LSH band) keys, and word-shingle overlap. No database, no model."""

from __future__ import annotations

import hashlib
import re
import unicodedata

MIN_WORDS = 4  # shorter contents ("so", "that he would") carry no claim to track
SHINGLE = 2  # word bigrams: reprints differ by a word or two, not in word order
NUM_PERM, BANDS = 32, 8  # 8 bands of 4 rows: pairs above ~0.6 Jaccard share a band
NEAR_DUPLICATE = 0.7  # word-bigram Jaccard at which two wordings are one claim without the model

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_LEAD = re.compile(r"^(?:that|of|to|about|on|for|whether)\s+", re.I)


def fold(text: str) -> str:
    """Lower case, accents and curly quotes folded, so reprints compare equal."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return text.lower()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def claim_text(content: str | None) -> str | None:
    """The wording a statement contributes to a claim: its content without the complementiser
    ("that ...") and outer quotes; None when too short to be a claim."""
    if not content:
        return None
    text = content.strip().strip("\"'“”‘’ ").strip()
    text = _LEAD.sub("", text).strip()
    if len(words(text)) < MIN_WORDS:
        return None
    return text[0].upper() + text[1:] if text else None


def exact_key(text: str) -> str:
    """Same words in the same order, whatever the case, punctuation and quotes."""
    return "x:" + hashlib.sha1(" ".join(words(text)).encode()).hexdigest()[:20]


def shingles(text: str) -> set[str]:
    w = words(text)
    return {" ".join(w[i:i + SHINGLE]) for i in range(max(1, len(w) - SHINGLE + 1))}


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def band_keys(text: str) -> list[str]:
    """MinHash LSH band keys ("b<band>:<hash>"): two wordings sharing one are near-duplicate
    candidates, checked with ``jaccard``."""
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=13)  # fixed seed: stored keys must be reproducible
    m.update_batch([s.encode() for s in shingles(text)])
    rows = NUM_PERM // BANDS
    keys = []
    for b in range(BANDS):
        digest = hashlib.sha1(m.hashvalues[b * rows:(b + 1) * rows].tobytes()).hexdigest()[:16]
        keys.append(f"b{b}:{digest}")
    return keys


def content_words(text: str) -> set[str]:
    from kb.claims.stance import lexicon

    stop = lexicon().get("stop", set())
    return {w for w in words(text) if w not in stop}


def overlap(a: str, b: str) -> float:
    """Jaccard of content words: what two wordings of one claim share besides meaning."""
    sa, sb = content_words(a), content_words(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0
