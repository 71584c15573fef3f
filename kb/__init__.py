"""kb: a quote and claim tracking knowledge base."""

__version__ = "0.1.0"
EXTRACTOR_VERSION = "rules-1"
