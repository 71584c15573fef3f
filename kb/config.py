"""Settings, read from ``KB_*`` environment variables (one place, no constants elsewhere)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

# The lexicons ship inside the package (kb/data), so a wheel install finds them.
DATA_DIR = Path(str(files("kb") / "data"))


def _default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / 'kb.sqlite'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get("KB_DATABASE_URL") or _default_database_url())
    spacy_model: str | None = field(default_factory=lambda: os.environ.get("KB_SPACY_MODEL") or None)
    data_dir: Path = field(default_factory=lambda: Path(os.environ.get("KB_DATA_DIR") or DATA_DIR))
    # Documents above this many characters are split at paragraph boundaries (spaCy memory grows
    # with document length; 200k chars parses in well under 1 GB).
    max_doc_chars: int = field(default_factory=lambda: int(os.environ.get("KB_MAX_DOC_CHARS") or 200_000))
    # The trained attribution model (a folder from `kb train`); empty: the one shipped in the
    # package; "-": none (rules only).
    attribution_model: str = field(default_factory=lambda: os.environ.get("KB_ATTRIBUTION_MODEL") or "")
    # Dashboard edits (alias add, merge, flag) can be switched off for read-only deployments.
    allow_edits: bool = field(default_factory=lambda: os.environ.get("KB_READ_ONLY", "0") not in ("1", "true", "yes"))


def get_settings() -> Settings:
    return Settings()
