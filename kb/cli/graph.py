"""`kb graph ...`: who accuses whom, ego networks, paths, rankings, communities, exports.

A thin face over kb.graph: tables by default, ``--format json|csv`` for pipes.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from enum import Enum
from pathlib import Path

import typer
from rich.markup import escape

from kb.cli.output import Format, console, emit, error, note, print_json

app = typer.Typer(help="Query and export the actor graph (who accuses, calls on, praises whom).",
                  no_args_is_help=True)

EVIDENCE_COLUMNS = ["id", "date", "speaker", "type", "target", "sentence", "path"]
EVIDENCE_FIELDS = ["statement_id", "date", "speaker", "type", "target", "cue", "content", "sentence",
                   "claim_type", "kind", "target_text", "role", "document_id", "title", "path"]
EDGE_COLUMNS = ["source", "type", "target", "count", "documents", "first", "last"]


class Measure(str, Enum):
    degree = "degree"
    accused = "accused"
    pagerank = "pagerank"
    betweenness = "betweenness"


class ExportFormat(str, Enum):
    gexf = "gexf"
    graphml = "graphml"
    json = "json"
    csv = "csv"


def _day(value: datetime | None):
    return value.date() if value else None


SINCE = typer.Option(None, "--since", formats=["%Y-%m-%d"], help="Statements on or after (YYYY-MM-DD).")
UNTIL = typer.Option(None, "--until", formats=["%Y-%m-%d"], help="Statements on or before (YYYY-MM-DD).")
TYPES = typer.Option(None, "--type", "-t", help="Edge type to follow (repeatable): accuses, calls_on, rejects, "
                                                "denies, praises, warns, threatens, mentions, member_of, part_of.")
FORMAT = typer.Option(Format.table, "--format", "-f", help="table, json or csv.")


@contextmanager
def _session():
    """A session; unknown actors and bad filters end the command with a one-line error."""
    from kb.db import session_scope
    from kb.graph import ActorNotFound

    try:
        with session_scope() as session:
            yield session
    except ActorNotFound as e:
        error(str(e))
        raise typer.Exit(1)
    except ValueError as e:
        error(str(e))
        raise typer.Exit(2)


@app.command()
def accusations(
    by: str = typer.Option(None, "--by", help="The accuser (actor name or alias)."),
    against: str = typer.Option(None, "--against", help="The accused (actor name or alias)."),
    since: datetime = SINCE, until: datetime = UNTIL,
    limit: int = typer.Option(None, "--limit", "-n", min=1, help="At most this many statements."),
    fmt: Format = FORMAT,
) -> None:
    """The accusations one actor makes (--by) or receives (--against), with the statements."""
    from kb import graph

    if not by and not against:
        error("give --by ACTOR, --against ACTOR, or both")
        raise typer.Exit(2)
    with _session() as s:
        rows = graph.accusations(s, by=by, against=against, since=_day(since), until=_day(until), limit=limit)
    who = " ".join(p for p in (f"by {by}" if by else "", f"against {against}" if against else "") if p)
    _emit_evidence(rows, fmt, f"Accusations {who}: {len(rows)} statements")


def _emit_evidence(rows: list[dict], fmt: Format, title: str) -> None:
    if fmt == Format.table:
        rows = [{**r, "id": r["statement_id"], "sentence": " ".join((r["sentence"] or r.get("role") or "").split())}
                for r in rows]
        emit(rows, EVIDENCE_COLUMNS, fmt, title=title)
    else:
        emit(rows, EVIDENCE_FIELDS, fmt)


@app.command()
def ego(
    actor: str = typer.Argument(..., help="The actor at the centre."),
    radius: int = typer.Option(1, "--radius", "-r", min=1, help="Hops from the centre."),
    types: list[str] | None = TYPES, since: datetime = SINCE, until: datetime = UNTIL,
    limit: int = typer.Option(200, "--limit", "-n", min=1, help="At most this many actors (strongest links first)."),
    fmt: Format = FORMAT,
) -> None:
    """The actors within --radius hops of ACTOR and the edges among them."""
    from kb import graph

    with _session() as s:
        E = graph.ego(s, actor, radius=radius, types=types, since=_day(since), until=_day(until), limit=limit)
    label = E.nodes[E.graph["centre"]]["label"]
    if E.graph["truncated"]:
        note(f"kept the {limit} most strongly linked actors (raise --limit for more)")
    emit(graph.edge_rows(E), EDGE_COLUMNS, fmt,
         title=f"Ego network of {label} (radius {radius}): {E.number_of_nodes()} actors, "
               f"{E.number_of_edges()} edges")


@app.command()
def path(
    a: str = typer.Argument(..., help="From this actor."),
    b: str = typer.Argument(..., help="To this actor."),
    types: list[str] | None = TYPES,
    directed: bool = typer.Option(False, "--directed", help="Follow edges only from speaker to target."),
    max_paths: int = typer.Option(3, "--max-paths", min=1, help="At most this many shortest paths."),
    evidence: int = typer.Option(3, "--evidence", min=0, help="Statements shown per edge."),
    since: datetime = SINCE, until: datetime = UNTIL,
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """Shortest path(s) between two actors, with the evidence for every hop."""
    from kb import graph
    from kb.graph.model import AFFILIATION_EDGE_TYPES

    with _session() as s:
        found = graph.paths(s, a, b, types=types, directed=directed, max_paths=max_paths, evidence=evidence,
                            since=_day(since), until=_day(until))
    if fmt != Format.table:
        print_json(found)
        return
    if not found:
        note(f"no path between {a!r} and {b!r}")
        raise typer.Exit(1)
    if not found[0]:  # the empty path: both names are one actor
        note(f"{a!r} and {b!r} name the same actor: a path of 0 hops")
        return
    out = console()
    for i, hops in enumerate(found, 1):
        names = [hops[0]["from"]] + [h["to"] for h in hops]
        out.print(f"[bold]Path {i}[/bold] ({len(hops)} hop{'s' * (len(hops) != 1)}): "
                  + escape(" - ".join(names)))
        for h in hops:
            for e in h["edges"]:
                when = e["first"] if e["first"] == e["last"] else f"{e['first']} .. {e['last']}"
                what = (f"as {e['role']}" if e.get("role") else "") if e["type"] in AFFILIATION_EDGE_TYPES \
                    else f"{e['count']} statement{'s' * (e['count'] != 1)}"
                out.print(f"  {escape(e['source'])} -[bold yellow]{e['type']}[/bold yellow]-> "
                          f"{escape(e['target'])}  ({escape(', '.join(p for p in (what, when) if p))})")
                for ev in e["evidence"]:
                    text = ev.get("sentence") or ev.get("role") or ""
                    ref = f"#{ev['statement_id']}" if ev.get("statement_id") else f"doc {ev['document_id']}"
                    out.print(f"    [dim]{ref} {ev['date'] or ''} {escape(ev['path'] or '')}[/dim]  "
                              f"{escape(' '.join(text.split()))}")


@app.command()
def central(
    by: Measure = typer.Option(Measure.pagerank, "--by", help="degree, accused, pagerank or betweenness."),
    limit: int = typer.Option(10, "--limit", "-n", min=1),
    types: list[str] | None = TYPES, since: datetime = SINCE, until: datetime = UNTIL,
    fmt: Format = FORMAT,
) -> None:
    """The most central actors: most linked, most accused, PageRank or betweenness."""
    from kb import graph

    with _session() as s:
        rows = graph.centrality(s, by=by.value, limit=limit, types=types, since=_day(since), until=_day(until))
    emit(rows, ["rank", "actor", "kind", "score", "accused", "linked"], fmt, title=f"Actors by {by.value}")


@app.command()
def communities(
    types: list[str] | None = TYPES, since: datetime = SINCE, until: datetime = UNTIL,
    members: int = typer.Option(8, "--members", "-m", min=1, help="Members listed per community."),
    fmt: Format = FORMAT,
) -> None:
    """Communities of actors (Louvain over statement counts)."""
    from kb import graph

    with _session() as s:
        rows = graph.communities(s, types=types, since=_day(since), until=_day(until))
    if fmt == Format.table:
        rows = [{**r, "members": r["members"][:members] + (["..."] if r["size"] > members else [])}
                for r in rows]
    emit(rows, ["community", "size", "members"], fmt, title=f"{len(rows)} communities")


@app.command("co-accusers")
def co_accusers(
    target: str = typer.Argument(..., help="The accused actor."),
    since: datetime = SINCE, until: datetime = UNTIL, fmt: Format = FORMAT,
) -> None:
    """Actors who accuse TARGET, and which other targets they accuse in common."""
    from kb import graph

    with _session() as s:
        rows = graph.co_accusers(s, target, since=_day(since), until=_day(until))
    emit(rows, ["accuser", "accusations", "documents", "first", "last", "shared_targets"], fmt,
         title=f"Who accuses {target}")


@app.command()
def timeline(
    a: str = typer.Argument(..., help="One actor."),
    b: str = typer.Argument(..., help="The other actor."),
    types: list[str] | None = TYPES, since: datetime = SINCE, until: datetime = UNTIL,
    fmt: Format = FORMAT,
) -> None:
    """Everything between two actors (both directions), oldest first."""
    from kb import graph

    with _session() as s:
        rows = graph.timeline(s, a, b, types=types, since=_day(since), until=_day(until))
    _emit_evidence(rows, fmt, f"{a} and {b}: {len(rows)} statements and facts")


@app.command()
def export(
    fmt: ExportFormat = typer.Option(..., "--format", "-f", help="gexf, graphml (Gephi), json (node-link), csv."),
    output: Path = typer.Option(..., "--output", "-o", help="File to write.", dir_okay=False),
    types: list[str] | None = TYPES, since: datetime = SINCE, until: datetime = UNTIL,
    connected: bool = typer.Option(False, "--connected", help="Leave out actors without edges."),
) -> None:
    """Write the graph to a file Gephi or networkx can open."""
    from kb import graph
    from kb.graph.model import check_types

    with _session() as s:
        G = graph.get_graph(s, _day(since), _day(until))
        wanted = check_types(types)
    if wanted is not None or connected:
        G = G.copy()
        if wanted is not None:
            G.remove_edges_from([(u, v, k) for u, v, k in G.edges(keys=True) if k not in wanted])
        if connected:
            G.remove_nodes_from([n for n in list(G) if G.degree(n) == 0])
    try:
        graph.export_graph(G, output, fmt.value)
    except OSError as e:
        error(f"{output}: cannot write: {e.strerror or e}")
        raise typer.Exit(1)
    note(f"wrote {output} ({fmt.value}): {G.number_of_nodes()} actors, {G.number_of_edges()} edges")
