"""Attribution extraction as spaCy components.

``kb.extract.factory`` registers the ``kb_attributions`` factory (kb.extract.component). After
it runs,
``doc._.attributions`` holds :class:`kb.extract.types.Attribution` records,
``doc._.affiliations`` :class:`kb.extract.types.AffiliationFact` records and ``doc._.meta`` a
:class:`kb.extract.types.DocumentMeta`. They are kept in ``doc.user_data`` as plain dicts so Docs
cross process boundaries (``nlp.pipe(n_process=N)`` serialises with msgpack).
"""

from kb.extract.types import AffiliationFact, Attribution, CharSpan, DocumentMeta, TargetRef

__all__ = ["AffiliationFact", "Attribution", "CharSpan", "DocumentMeta", "TargetRef"]
