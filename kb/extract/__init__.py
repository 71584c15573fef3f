"""Attribution extraction as spaCy components.

Registers the ``kb_attributions`` factory. After it runs, ``doc._.attributions`` holds
:class:`kb.extract.types.Attribution` records and ``doc._.affiliations`` holds
:class:`kb.extract.types.AffiliationFact` records. They are kept in ``doc.user_data`` as plain
dicts so Docs cross process boundaries (``nlp.pipe(n_process=N)`` serialises with msgpack).
"""

from spacy.language import Language
from spacy.tokens import Doc

from kb.extract.types import AffiliationFact, Attribution, CharSpan, DocumentMeta, TargetRef


def _plain_extension(name: str, cls) -> None:
    key = f"kb_{name}"

    def getter(doc: Doc):
        return [cls.from_dict(d) for d in doc.user_data.get(key, [])]

    def setter(doc: Doc, values) -> None:
        doc.user_data[key] = [v.to_dict() for v in values or []]

    if not Doc.has_extension(name):
        Doc.set_extension(name, getter=getter, setter=setter)


_plain_extension("attributions", Attribution)
_plain_extension("affiliations", AffiliationFact)


@Language.factory("kb_attributions")
def make_attributions(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:  # placeholder until the rules land
        doc._.attributions = []
        doc._.affiliations = []
        return doc

    return component


__all__ = ["AffiliationFact", "Attribution", "CharSpan", "DocumentMeta", "TargetRef"]
