"""The built full-window graph on disk, so a new process (a CLI call, a restarted dashboard) answers
from the last build while the store is unchanged.

One file per KB: next to a SQLite file (``kb.sqlite.graph-cache``), else under ``KB_CACHE_DIR``
(default ``~/.cache/kb``) named by a hash of the database URL; ``KB_CACHE_DIR`` also takes SQLite
KBs when set. The file is a pickle (protocol 5): a small header (format, URL, store fingerprint),
then the graph with its edge arrays and ranked neighbour lists (kb.graph.rank), so a stale file is
told without reading the graph. It is written to a temporary file and renamed, so readers never
see half a file; a corrupt, stale or unreadable file (or one of an older FORMAT) is ignored and
replaced by the next build. Only kb writes these files: pickle runs code on load, so
the cache directory must be as private as the KB itself.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

import networkx as nx
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kb.graph import rank
from kb.models import Actor, Affiliation, Document, Statement, StatementTarget

FORMAT = "kb-graph/4"  # bump when the graph's shape or the build's meaning changes


def fingerprint(session: Session, token: str) -> str:
    """The store-state token plus the newest row of each table (one index lookup each): a KB
    replaced by another at the same URL, whose version counter happens to match, still misses."""
    newest = [session.execute(select(*columns).order_by(columns[0].desc()).limit(1)).first()
              for columns in ((Document.id, Document.content_hash),
                              (Statement.id, Statement.document_id, Statement.speaker_id),
                              (StatementTarget.id, StatementTarget.statement_id, StatementTarget.actor_id),
                              (Actor.id, Actor.name),
                              (Affiliation.id, Affiliation.person_id, Affiliation.organization_id))]
    return f"{token}|{hashlib.sha256(repr([tuple(r) if r else None for r in newest]).encode()).hexdigest()[:24]}"


def path_for(url: str) -> Path | None:
    """Where the graph of the KB at ``url`` is cached (None: not on disk, e.g. in-memory SQLite)."""
    parsed = make_url(url)
    configured = os.environ.get("KB_CACHE_DIR")
    if parsed.get_backend_name() == "sqlite" and not configured:
        db = parsed.database
        if not db or db == ":memory:" or db.startswith("file:"):
            return None
        return Path(db).with_name(Path(db).name + ".graph-cache")
    root = Path(configured) if configured else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kb"
    return root / f"graph-{hashlib.sha256(url.encode()).hexdigest()[:20]}.pickle"


def load(url: str, key: str) -> nx.MultiDiGraph | None:
    """The cached graph if the file holds this URL's graph at fingerprint ``key``, else None."""
    path = path_for(url)
    if path is None:
        return None
    try:
        with path.open("rb") as fh:
            if pickle.load(fh) != (FORMAT, url, key):
                return None
            G, edges, nbrs = pickle.load(fh)
    except Exception:  # noqa: BLE001 - missing, truncated, corrupt or from another version: rebuild
        return None
    if (not isinstance(G, nx.MultiDiGraph) or not isinstance(edges, rank.Edges) or edges.nodes != list(G)
            or not isinstance(nbrs, rank.Neighbours) or len(nbrs.ptr) != len(G) * rank.SLOTS + 1):
        return None
    rank.keep(G, edges, nbrs)
    return G


def save(url: str, key: str, G: nx.MultiDiGraph) -> Path | None:
    """Write the graph atomically; a cache that cannot be written is skipped (None), never an error."""
    path = path_for(url)
    if path is None:
        return None
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((FORMAT, url, key), fh, protocol=5)
            pickle.dump((G, rank.edges(G), rank.neighbours(G)), fh, protocol=5)  # the arrays ride along
        os.replace(tmp, path)
        return path
    except OSError:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        return None
