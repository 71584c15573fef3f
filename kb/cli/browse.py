"""Reading the KB: `kb statements`, `kb show-statement`, `kb show-actor`, `kb documents`,
`kb show-document`, `kb stats`. Thin faces over kb.query."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import typer
from rich.text import Text

from kb.cli.output import Format, console, emit, error, note, print_json
from kb.query import StatementFilter

STATEMENT_COLUMNS = ["id", "published", "speaker", "cue", "kind", "claim_type", "event", "conf", "content", "targets"]
# Everything a row carries, for --format json|csv.
STATEMENT_FIELDS = [
    "id", "document_id", "document_title", "published", "source", "speaker", "speaker_id", "speaker_text",
    "speaker_start", "speaker_end", "cue", "cue_lemma", "cue_start", "cue_end", "kind", "claim_type",
    "event", "content", "content_start", "content_end", "sentence_start", "sentence_end", "confidence", "flagged",
    "targets",
]
# How the parts of a statement are shown when its sentence is printed.
PART_STYLES = {"speaker": "bold cyan", "cue": "bold yellow", "content": "green"}
COUNT_CAP = 10_000


class Kind(str, Enum):
    direct = "direct"
    indirect = "indirect"
    mixed = "mixed"
    according_to = "according_to"


class Role(str, Enum):
    accused = "accused"
    addressed = "addressed"
    rejected = "rejected"
    threatened = "threatened"
    praised = "praised"
    supported = "supported"
    mentioned = "mentioned"


class Event(str, Enum):
    DEMAND = "DEMAND"
    DISAPPROVE = "DISAPPROVE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    AGREE = "AGREE"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    CONSULT = "CONSULT"


def open_session():
    from kb.db import session_scope

    return session_scope()


def require_actor(session, name: str):
    """The actor called ``name`` (name or alias), or a one-line error and exit 1."""
    from kb.query import find_actor

    actor = find_actor(session, name)
    if actor is None:
        hint = f" (try: kb actors --search {name.split()[-1]!r})" if name.split() else ""
        error(f"no actor named {name!r}{hint}")
        raise typer.Exit(1)
    return actor


def require_row(get, item_id: int, noun: str) -> dict:
    """``get(session, item_id)`` (a kb.query-style getter), or a one-line error and exit 1."""
    with open_session() as session:
        row = get(session, item_id)
    if row is None:
        error(f"no {noun} with id {item_id}")
        raise typer.Exit(1)
    return row


def table_rows(rows: list[dict]) -> list[dict]:
    """Statement rows for a table: an unresolved speaker shows as its surface text in parentheses."""
    return [{**r, "speaker": r["speaker"] or (f"({r['speaker_text']})" if r["speaker_text"] else ""),
             "conf": f"{r['confidence']:.2f}" if r.get("confidence") is not None else ""}
            for r in rows]


def emit_statements(rows: list[dict], fmt: Format, title: str | None = None) -> None:
    if fmt == Format.table:
        emit(table_rows(rows), STATEMENT_COLUMNS, fmt, title=title)
    else:
        emit(rows, STATEMENT_FIELDS, fmt)


Cursor = Annotated[int | None, typer.Option("--cursor", help="Continue after this id (printed under each page).")]
Limit = Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help="Rows per page.")]
Table = Annotated[Format, typer.Option("--format", "-f", help="table, json or csv.")]
Readable = Annotated[Format, typer.Option("--format", "-f", help="table (readable) or json.")]


def statements(
    speaker: Annotated[str | None, typer.Option("--speaker", "-s", help="Who said it (name or alias).")] = None,
    target: Annotated[str | None, typer.Option("--target", "-t", help="Whom it is about (name or alias).")] = None,
    role: Annotated[Role | None, typer.Option("--role", "-r", help="How the target figures.")] = None,
    claim_type: Annotated[str | None, typer.Option("--claim-type", "-c", help="accusation, denial, ...")] = None,
    event: Annotated[Event | None, typer.Option("--event", "-e", case_sensitive=False,
                                                help="PLOVER event family (DEMAND, THREATEN, ...).")] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", "-k", help="How it is reported.")] = None,
    text: Annotated[str | None, typer.Option("--text", "-q", help="Words or \"a phrase\" (plain text).")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Outlet name.")] = None,
    since: Annotated[datetime | None, typer.Option("--since", help="Published on or after.", formats=["%Y-%m-%d"])] = None,
    until: Annotated[datetime | None, typer.Option("--until", help="Published on or before.", formats=["%Y-%m-%d"])] = None,
    document: Annotated[int | None, typer.Option("--document", "-d", help="Only this document id.")] = None,
    include_flagged: Annotated[bool, typer.Option("--include-flagged", help="Also statements marked wrong.")] = False,
    min_confidence: Annotated[float | None, typer.Option(
        "--min-confidence", min=0.0, max=1.0,
        help="Only statements the extractor is this sure of (0-1; 0.8 is right about 80% of the time).")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
    fmt: Table = Format.table,
) -> None:
    """Statements, newest first, filtered by speaker, target, claim type, event, kind, words, outlet, dates,
    confidence."""
    from kb.query import count_statements, find_source, search_statements

    with open_session() as session:
        for name in (speaker, target):
            if name:
                require_actor(session, name)
        if source and find_source(session, source) is None:
            error(f"no outlet named {source!r} (see the source column of: kb documents)")
            raise typer.Exit(1)
        f = StatementFilter(
            text=text, speaker=speaker, target=target, role=role.value if role else None, claim_type=claim_type,
            event=event.value if event else None,
            kind=kind.value if kind else None, source=source, date_from=since.date() if since else None,
            date_to=until.date() if until else None, document_id=document, include_flagged=include_flagged,
            min_confidence=min_confidence,
        )
        page = search_statements(session, f, limit=limit, cursor=cursor)
        total = count_statements(session, f, cap=COUNT_CAP)
    if page.rows or fmt != Format.table:
        emit_statements(page.rows, fmt)
    matches = f"{total}{'+' if total >= COUNT_CAP else ''} " + ("statement matches" if total == 1 else
                                                                "statements match")
    shown = f"{len(page.rows)} shown" + (f" after id {cursor}" if cursor is not None else "")
    more = f"; next page: --cursor {page.next_cursor}" if page.next_cursor else ""
    note(f"{matches}, {shown}{more}")


def show_statement(
    statement_id: Annotated[int, typer.Argument(help="Statement id (the first column of `kb statements`).")],
    fmt: Readable = Format.table,
) -> None:
    """One statement with its source sentence (speaker, cue and content highlighted) and context."""
    from kb.query import get_statement

    st = require_row(get_statement, statement_id, "statement")
    if fmt != Format.table:
        print_json(st)
        return
    out = console()
    flagged = "  [flagged as wrong]" if st["flagged"] else ""
    event = f", {st['event']}" if st.get("event") else ""
    out.print(Text(f"Statement {st['id']}: {st['claim_type']}{event}, {st['kind']}{flagged}", style="bold"))
    out.print(Text(f"Document {st['document_id']}: {_doc_label(st)}"))
    speaker = st["speaker"] or "(unresolved)"
    written = f'  (written "{st["speaker_text"]}")' if st["speaker_text"] and st["speaker_text"] != speaker else ""
    out.print(Text(f"Speaker: {speaker}{written}"))
    out.print(Text(f"Cue: {st['cue'] or '-'}" + (f"  (lemma {st['cue_lemma']})" if st["cue_lemma"] else "")))
    targets = "; ".join(f"{t['actor']} ({t['role']})" for t in st["targets"]) or "-"
    out.print(Text(f"Targets: {targets}"))
    out.print(Text("Sentence: ", style="bold") + highlighted(st["sentence"]["text"], st["sentence_spans"]))
    ctx = st["context"]
    out.print(Text(f"Context (chars {ctx['start']}-{ctx['end']}): ", style="bold")
              + highlighted(ctx["text"], st["context_spans"]))


def highlighted(text: str, spans: list[dict]) -> Text:
    from kb.query import highlight

    out = Text()
    for piece, part in highlight(text, spans):
        out.append(piece, style=PART_STYLES.get(part, ""))
    return out


def _doc_label(row: dict) -> str:
    title = row.get("document_title", row.get("title")) or "(untitled)"
    meta = ", ".join(str(x) for x in (row.get("source"), row.get("published")) if x)
    return f"{title}" + (f" ({meta})" if meta else "")


def show_actor(
    name: Annotated[str, typer.Argument(help="Actor name or alias.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help="Statements per section.")] = 10,
    fmt: Readable = Format.table,
) -> None:
    """An actor: aliases, affiliations, counts, accusations, and statements by and about it."""
    from kb.query import actor_profile

    with open_session() as session:
        actor = require_actor(session, name)
        p = actor_profile(session, actor.id, n=limit)
    if fmt != Format.table:
        print_json(p)
        return
    out = console()
    a, c = p["actor"], p["counts"]
    out.print(Text(f"{a['name']} ({a['kind']})", style="bold"))
    if a["description"] or a["external_id"]:
        out.print(Text(" ".join(x for x in (a["description"], a["external_id"]) if x)))
    out.print(Text("Aliases: " + (", ".join(al["surface"] for al in p["aliases"]) or "-")))
    out.print(Text(
        f"Statements: {c['statements']} made ({c['accusations_made']} accusations); about it: accused in "
        f"{c['accused']}, addressed in {c['addressed']}, mentioned in {c['mentioned_in_statements']}; "
        f"{c['mentions']} mentions in {c['documents']} documents"))
    out.print(Text("\nAffiliations", style="bold"))
    for af in p["affiliations"] or [None]:
        out.print(Text("  -" if af is None else "  " + _affiliation(a["name"], af)))
    for key, label in (("accusations_made", "Accuses"), ("accusations_received", "Accused by")):
        rows = p[key]["by_counterpart"]
        top = f" (top {len(rows)})" if p[key]["more_counterparts"] else ""
        counts = ", ".join(f"{x['actor']} ({x['count']})" for x in rows) or "-"
        out.print(Text(f"{label}{top}: ", style="bold") + Text(counts))
    if p["timeline"]:
        out.print(Text("Per month (said/about): ", style="bold")
                  + Text(", ".join(f"{t['period']} {t['count']}/{t['about']}" for t in p["timeline"])))
    out.print()
    for key, label in (("statements_by", "Statements by"), ("statements_about", "Statements about")):
        title = f"{label} {a['name']} (latest {limit})"
        if p[key]:
            emit_statements(p[key], Format.table, title=title)
        else:
            out.print(Text(f"{title}: none", style="bold"))


def _affiliation(name: str, af: dict) -> str:
    role = f" as {af['role']}" if af["role"] else ""
    relation = af["relation"].replace("_", " ")
    if af["direction"] == "out":
        return f"{name} {relation} {af['actor']}{role}"
    return f"{af['actor']} {relation} {name}{role}"


def stats(fmt: Readable = Format.table) -> None:
    """How big the KB is, and its statements by kind and claim type."""
    from kb.query import stats as kb_stats

    with open_session() as session:
        st = kb_stats(session)
    if fmt == Format.json:
        print_json(st)
        return
    sizes = [{"what": k, "count": v} for k, v in st.items() if not isinstance(v, dict)]
    breakdown = [{"what": f"{group.removeprefix('by_').replace('_', ' ')}: {k}", "count": v}
                 for group in ("by_kind", "by_claim_type") for k, v in st[group].items()]
    emit(sizes + breakdown, ["what", "count"], fmt)


def documents(
    search: Annotated[str | None, typer.Option("--search", "-q", help="Words in the title, url, path or outlet.")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
    fmt: Table = Format.table,
) -> None:
    """Documents, newest first, with how many statements each holds."""
    from kb.query import list_documents

    with open_session() as session:
        page = list_documents(session, q=search, limit=limit, cursor=cursor)
    emit(page.rows, ["id", "published", "source", "title", "statements", "n_chars", "path"], fmt)
    if page.next_cursor:
        note(f"next page: --cursor {page.next_cursor}")


def show_document(
    document_id: Annotated[int, typer.Argument(help="Document id (see `kb documents`).")],
    text: Annotated[bool, typer.Option("--text", help="Also print the full text with statements highlighted.")] = False,
    fmt: Readable = Format.table,
) -> None:
    """A document's metadata and its statements."""
    from kb.query import get_document

    doc = require_row(get_document, document_id, "document")
    if fmt == Format.json:
        print_json(doc)
        return
    out = console()
    out.print(Text(f"Document {doc['id']}: {_doc_label(doc)}", style="bold"))
    out.print(Text(" ".join(x for x in (doc["url"], doc["path"]) if x)))
    out.print(Text(f"{doc['n_chars']} chars, {len(doc['statements'])} statements, "
                   f"{len(doc['mentions'])} actor mentions"))
    if text:
        spans = [s for st in doc["statements"] for s in st["spans"]]
        out.print(highlighted(doc["text"], spans))
    emit_statements(doc["statements"], Format.table)


def register(app: typer.Typer) -> None:
    app.command()(statements)
    app.command("show-statement")(show_statement)
    app.command("show-actor")(show_actor)
    app.command()(documents)
    app.command("show-document")(show_document)
    app.command()(stats)
