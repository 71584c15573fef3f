"""Registers the ``kb_attributions`` factory and the Doc extensions it fills (see kb.extract)."""

from spacy.language import Language
from spacy.tokens import Doc

from kb.extract.component import AttributionExtractor
from kb.extract.types import AffiliationFact, Attribution, DocumentMeta


def _plain_extension(name: str, cls, many: bool = True) -> None:
    key = f"kb_{name}"

    def getter(doc: Doc):
        if many:
            return [cls.from_dict(d) for d in doc.user_data.get(key, [])]
        value = doc.user_data.get(key)
        return cls.from_dict(value) if value is not None else cls()

    def setter(doc: Doc, values) -> None:
        if many:
            doc.user_data[key] = [v.to_dict() for v in values or []]
        else:
            doc.user_data[key] = values.to_dict() if values is not None else None

    if not Doc.has_extension(name):
        Doc.set_extension(name, getter=getter, setter=setter)


_plain_extension("attributions", Attribution)
_plain_extension("affiliations", AffiliationFact)
_plain_extension("meta", DocumentMeta, many=False)


@Language.factory(
    "kb_attributions",
    default_config={
        "cues_path": "",  # empty: <KB_DATA_DIR>/cues.tsv
        "frames_path": "",  # empty: <KB_DATA_DIR>/cue_frames.tsv; "-": none
        "accusation_terms_path": "",
        "affiliation_terms_path": "",
        "source_nouns_path": "",  # empty: <KB_DATA_DIR>/source_nouns.tsv
        "min_frame_precision": 0.35,  # a cue in a frame mined from PolNeAR train
        # cues in frames the corpus lacks: by the cue word's precision
        "min_precision": 0.1,  # with a content clause or quotation
        "min_precision_object": 0.35,  # with an object as content ("criticized X")
        "follow_quotes": True,  # “A,” he said. “B.” -> content A + B
        # the trained model (kb.extract.model): a folder; "" -> KB_ATTRIBUTION_MODEL or the
        # shipped one; "-" -> none, the rules' precision filter decides alone
        "model": "",
        "noun_cues_path": "",  # empty: <KB_DATA_DIR>/noun_cues.tsv ("his claim that ...")
        "furniture_path": "",  # empty: <KB_DATA_DIR>/furniture.tsv (page furniture, dropped)
        "events_path": "",  # empty: <KB_DATA_DIR>/events.tsv (event families and target roles)
    },
)
def make_attributions(nlp: Language, name: str, cues_path: str, frames_path: str,
                      accusation_terms_path: str, affiliation_terms_path: str, source_nouns_path: str,
                      min_frame_precision: float, min_precision: float,
                      min_precision_object: float, follow_quotes: bool, model: str,
                      noun_cues_path: str, furniture_path: str, events_path: str) -> AttributionExtractor:
    return AttributionExtractor(nlp, cues_path, frames_path, accusation_terms_path,
                                affiliation_terms_path, source_nouns_path, min_precision, min_precision_object,
                                min_frame_precision, follow_quotes, model,
                                noun_cues_path, furniture_path, events_path)

