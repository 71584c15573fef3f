"""`kb claims`: claims by spread, one claim's history, matching a sentence, re-clustering and
analysts' edits (split, merge, rename). Thin faces over kb.claims."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.text import Text

from kb.cli.browse import open_session, require_actor, require_row
from kb.cli.output import Format, console, emit, error, note, print_json

app = typer.Typer(help="Claims: the same claim across documents, speakers and time.", invoke_without_command=True)

CLAIM_COLUMNS = ["id", "speakers", "statements", "documents", "asserts", "denies", "first_seen", "last_seen", "text"]
Fmt = Annotated[Format, typer.Option("--format", "-f", help="table, json or csv.")]


@app.callback()
def claims(
    ctx: typer.Context,
    actor: Annotated[str | None, typer.Option("--actor", "-a", help="Claims this actor made, repeated or denied.")] = None,
    stance: Annotated[str | None, typer.Option("--stance", help="asserts, denies, questions or reports (with --actor: the actor's).")] = None,
    claim_type: Annotated[str | None, typer.Option("--claim-type", "-c", help="accusation, denial, ...")] = None,
    text: Annotated[str | None, typer.Option("--text", "-q", help="Words in the claim's wording.")] = None,
    since: Annotated[datetime | None, typer.Option("--since", help="Seen on or after.", formats=["%Y-%m-%d"])] = None,
    until: Annotated[datetime | None, typer.Option("--until", help="Seen on or before.", formats=["%Y-%m-%d"])] = None,
    sort: Annotated[str, typer.Option("--sort", help="spread, statements, recent or denied.")] = "spread",
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000)] = 20,
    fmt: Fmt = Format.table,
) -> None:
    """Claims by spread (speakers, then statements), filtered by actor, stance, claim type, dates."""
    if ctx.invoked_subcommand is not None:
        return
    from kb.claims.query import SORTS, list_claims

    if sort not in SORTS:
        error(f"--sort must be one of {', '.join(SORTS)}")
        raise typer.Exit(2)
    with open_session() as session:
        actor_id = require_actor(session, actor).id if actor else None
        rows = list_claims(session, actor_id=actor_id, since=since.date() if since else None,
                           until=until.date() if until else None, claim_type=claim_type, q=text, stance=stance,
                           sort=sort, limit=limit)
    emit(rows, CLAIM_COLUMNS if fmt == Format.table else CLAIM_COLUMNS + ["sources", "questions", "reports"], fmt)
    if fmt == Format.table:
        note(f"{len(rows)} claims shown; details: kb claims show ID")


@app.command("show")
def show(claim_id: Annotated[int, typer.Argument(help="Claim id (first column of `kb claims`).")],
         fmt: Annotated[Format, typer.Option("--format", "-f", help="table (readable) or json.")] = Format.table) -> None:
    """One claim: timeline, speakers for and against, sources, documents, every statement."""
    from kb.claims.query import get_claim

    c = require_row(get_claim, claim_id, "claim")
    if fmt != Format.table:
        print_json(c)
        return
    out = console()
    out.print(Text(f"Claim {c['id']}: {c['text']}", style="bold"))
    out.print(Text(f"{c['statements']} statements by {c['speakers']} speakers in {c['documents']} documents"
                   f" ({c['sources']} outlets); first seen {c['first_seen'] or '-'}, last seen {c['last_seen'] or '-'}"))
    out.print(Text(f"Asserts {c['asserts']}, denies {c['denies']}, questions {c['questions']}, reports {c['reports']}"))
    out.print(Text("For: " + ("; ".join(c["speakers_for"]) or "-")))
    out.print(Text("Against: " + ("; ".join(c["speakers_against"]) or "-")))
    if c["sources_list"]:
        out.print(Text("Sources: " + "; ".join(f"{s['source']} ({s['statements']})" for s in c["sources_list"])))
    emit([{"day": t["day"] or "(undated)", **{k: t.get(k, 0) for k in ("asserts", "denies", "questions", "reports")}}
          for t in c["timeline"]], ["day", "asserts", "denies", "questions", "reports"], title="Timeline")
    emit([{**s, "speaker": s["speaker"] or (f"({s['speaker_text']})" if s["speaker_text"] else "")}
          for s in c["statements_list"]],
         ["id", "published", "speaker", "stance", "content", "source", "document_id"], title="Statements")
    note("a statement in its sentence: kb show-statement ID")


@app.command("match")
def match(text: Annotated[str, typer.Argument(help="A sentence: which known claims does it repeat?")],
          limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=100)] = 5,
          evidence: Annotated[int, typer.Option("--evidence", "-e", min=0, max=20, help="Statements shown per claim.")] = 2,
          fmt: Annotated[Format, typer.Option("--format", "-f", help="table (readable) or json.")] = Format.table) -> None:
    """The known claims closest to TEXT, ranked, each with its evidence."""
    from kb.claims.query import match_claims

    with open_session() as session:
        rows = match_claims(session, text, limit=limit, evidence=evidence)
    if fmt != Format.table:
        print_json(rows)
        return
    if not rows:
        note("no claims in this KB yet (kb ingest, or kb claims recluster)")
        return
    out = console()
    for rank, r in enumerate(rows, 1):
        out.print(Text(f"{rank}. claim {r['id']} (score {r['score']:.3f}, cosine {r['similarity']:.3f}): {r['text']}",
                       style="bold"))
        out.print(Text(f"   {r['statements']} statements, {r['speakers']} speakers, asserts {r['asserts']}, "
                       f"denies {r['denies']}, {r['first_seen'] or '-'} to {r['last_seen'] or '-'}"))
        for s in r["evidence"]:
            who = s["speaker"] or s["speaker_text"] or "?"
            out.print(Text(f"   #{s['id']} {s['published'] or ''} {who} {s['stance']}: {s['content']}"))


@app.command("recluster")
def recluster_cmd(threshold: Annotated[float | None, typer.Option("--threshold", help="Cosine to join a claim.")] = None) -> None:
    """Build every claim again from the KB's statements (analysts' claim edits are lost)."""
    from kb.claims.cluster import recluster
    from kb.claims.link import THRESHOLD

    done = recluster(threshold=threshold or THRESHOLD, progress=lambda n: note(f"{n} statements linked"))
    print(f"statements: {done['statements']}; linked to claims: {done['linked']}; claims: {done['claims']}")


def _apply(edit, *args, **kwargs) -> None:
    from kb.claims.edit import ClaimEditError
    from kb.db import write_with_retry

    try:
        print(write_with_retry(lambda session: edit(session, *args, **kwargs)))
    except ClaimEditError as e:
        error(str(e))
        raise typer.Exit(1)


@app.command("merge")
def merge(keep: Annotated[int, typer.Argument(help="Claim to keep.")],
          drop: Annotated[int, typer.Argument(help="Claim folded into it.")]) -> None:
    """Fold claim DROP into claim KEEP."""
    from kb.claims.edit import merge_claims

    _apply(merge_claims, keep, drop)


@app.command("split")
def split(claim_id: Annotated[int, typer.Argument(help="Claim to split.")],
          statements: Annotated[list[int], typer.Argument(help="Statement ids that leave it.")],
          text: Annotated[str | None, typer.Option("--text", help="Wording of the new claim.")] = None) -> None:
    """Move STATEMENTS of CLAIM_ID into a new claim."""
    from kb.claims.edit import split_claim

    _apply(split_claim, claim_id, statements, text=text)


@app.command("rename")
def rename(claim_id: Annotated[int, typer.Argument()], text: Annotated[str, typer.Argument(help="New wording.")]) -> None:
    """Give a claim a new canonical wording."""
    from kb.claims.edit import rename_claim

    _apply(rename_claim, claim_id, text)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="claims")
