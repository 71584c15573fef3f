"""The actor graph: who accuses, calls on, rejects, praises, mentions whom; who belongs where.

Built from the stored tables (never the other way round) and cached until the store changes.
See :mod:`kb.graph.model` for how statements and affiliations become typed edges.

    >>> from kb.db import session_scope
    >>> from kb import graph
    >>> with session_scope() as s:
    ...     graph.accusations(s, by="Yasser Farhan")
    ...     graph.paths(s, "Yasser Farhan", "Russia")
"""

from kb.graph.build import build_graph, get_graph, invalidate, store_state, weighted
from kb.graph.export import FORMATS, export_graph, load_graph
from kb.graph.model import EDGE_TYPES, edge_type
from kb.graph.queries import (
    CENTRALITY_MEASURES,
    ActorNotFound,
    accusations,
    centrality,
    co_accusers,
    communities,
    edge_evidence,
    edge_rows,
    ego,
    find_actor,
    paths,
    statements,
    timeline,
)

__all__ = [
    "CENTRALITY_MEASURES",
    "EDGE_TYPES",
    "FORMATS",
    "ActorNotFound",
    "accusations",
    "build_graph",
    "centrality",
    "co_accusers",
    "communities",
    "edge_evidence",
    "edge_rows",
    "edge_type",
    "ego",
    "export_graph",
    "find_actor",
    "get_graph",
    "invalidate",
    "load_graph",
    "paths",
    "statements",
    "store_state",
    "timeline",
    "weighted",
]
