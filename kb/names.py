"""Name normalisation: the one alias key every writer and reader of the Alias table uses.

On the ground floor (no spaCy, no database): the read side (query, edit, dashboard) and the
store import it without loading the NLP resolver.
"""

from __future__ import annotations

import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})


def normalise(surface: str) -> str:
    """The alias key of a surface form.

    NFKC, one kind of apostrophe and hyphen, whitespace collapsed, outer punctuation and a final
    possessive ('s or s') dropped, case-folded, one leading article (the/a/an) dropped. Deterministic;
    the Alias table's ``form`` column holds exactly this, so every writer and reader must use it.
    """
    s = unicodedata.normalize("NFKC", surface).translate(_APOSTROPHES).translate(_DASHES)
    s = " ".join(s.split()).strip(" .,;:'\"()[]{}")
    if s.lower().endswith("'s"):
        s = s[:-2].rstrip()
    low = s.casefold()
    for article in ("the ", "a ", "an "):
        if low.startswith(article):
            low = low[len(article):]
            break
    return low


_POSSESSIVE = ("'s", "\u2019s", "\u2018s", "\u02bcs")


def display_name(name: str) -> str:
    """A canonical name as shown: whitespace collapsed, no final possessive ("Donald Trump\u2018s",
    a curly quote the tokenizer left on the word) and no outer punctuation."""
    s = " ".join(name.split()).strip(" .,;:\"()[]{}")
    for ending in _POSSESSIVE:
        if s.endswith(ending) and len(s) > len(ending):
            s = s[:-len(ending)].rstrip()
            break
    return s or name
