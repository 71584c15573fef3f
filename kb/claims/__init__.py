"""Claims: the same claim across documents, speakers and time.

- ``text``: wordings, exact and near-duplicate keys (no model);
- ``embed``: sentence vectors (all-MiniLM-L6-v2, onnxruntime, offline);
- ``index``: the ANN index over claim vectors, rebuilt from the KB;
- ``stance``: asserts / denies / questions / reports;
- ``link``: online linking at ingest (kb.store calls ``link_statements``) and claim counters;
- ``cluster``: re-clustering the whole KB; ``edit``: split, merge, rename;
- ``query``: the read side (lists, a claim's history, matching a sentence).
See docs/claims.md.
"""

from kb.claims.link import link_statements

__all__ = ["link_statements"]
