"""Mentions -> canonical actors: aliases, demonyms, capitals, partial names, org nominals.

Shaped like ``kb.extract``: one clear job per module.

- :mod:`kb.resolve.records`: the plain records resolution leaves (ResolvedDocument, ...);
- :mod:`kb.resolve.lexicons`: the data files (aliases, demonyms, capitals, word classes);
- :mod:`kb.resolve.mentions`: the actors a Doc names (NER spans, lexicon scans, patterns);
- :mod:`kb.resolve.coreference`: each statement's speaker and targets (pronouns, roles, nominals);
- :mod:`kb.resolve.actors`: the :class:`Resolver`, which picks canonical names and affiliations.

Name normalisation (the alias key) lives on the ground floor in :mod:`kb.names`, so the read
side never imports this package.
"""

from kb.names import normalise
from kb.resolve.actors import Resolver
from kb.resolve.lexicons import (
    ACTOR_KINDS,
    NER_KINDS,
    PRONOUNS,
    Entry,
    Lexicon,
    Words,
    demonyms_of,
    is_demonym,
    load_lexicon,
)
from kb.resolve.records import (
    ResolvedActor,
    ResolvedAffiliation,
    ResolvedDocument,
    ResolvedMention,
    ResolvedStatement,
    ResolvedTarget,
)

__all__ = ["ACTOR_KINDS", "NER_KINDS", "PRONOUNS", "Entry", "Lexicon", "ResolvedActor", "ResolvedAffiliation",
           "ResolvedDocument", "ResolvedMention", "ResolvedStatement", "ResolvedTarget", "Resolver", "Words",
           "demonyms_of", "is_demonym", "load_lexicon", "normalise"]
