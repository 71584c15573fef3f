"""A synthetic KB for query benchmarks, written straight into the tables in bulk.

Shape (deterministic for a seed): outlets; actors of every kind with 1-3 aliases; persons
affiliated with organisations; documents dated over one year (2024), each a short text made of
its statements' sentences, so every stored offset points at the right characters; statements
whose speakers follow a Zipf law (a few actors say most), 8% unresolved; claim types, kinds and
cues in news-like proportions; accused / addressed / mentioned targets (Zipf too, ranked apart
from the speakers); and one mention per speaker and target. Content words follow a Zipf law over
a 20k-word vocabulary, so full-text queries range from very common to rare words.

Rows go in by executemany (on SQLite straight to the driver, each value through its SQLAlchemy
column type), a chunk of documents per transaction, ids assigned here (no RETURNING), while the
big tables' secondary indexes and SQLite's FTS insert trigger are set aside (recreated from their
stored definitions, the FTS5 index rebuilt in one pass); the counters kb.store keeps on every
write are counted once at the end. The PostgreSQL tsvector is a generated column. The result has
the migrations' schema: search works on it as on a real KB.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter

from sqlalchemy import bindparam, func, insert, select, text
from sqlalchemy.engine import Connection

from kb import EXTRACTOR_VERSION
from kb.models import (
    Actor,
    Affiliation,
    Alias,
    Document,
    Mention,
    Source,
    Statement,
    StatementTarget,
)
from kb.names import normalise
from kb.store import recompute_counters

YEAR_START = date(2024, 1, 1)
DOCS_PER_CHUNK = 2_000
UNRESOLVED_SHARE = 0.08

# claim type -> (share, cue lemmas, target role or None, share of statements with a target)
CLAIM_TYPES = {
    "assertion": (0.42, ("say", "state", "tell", "add", "note"), "mentioned", 0.25),
    "report": (0.14, ("report", "announce", "confirm", "reveal"), "mentioned", 0.2),
    "accusation": (0.12, ("accuse", "blame", "condemn", "charge"), "accused", 1.0),
    "call_to_action": (0.08, ("call", "urge", "demand", "appeal"), "addressed", 0.9),
    "warning": (0.07, ("warn", "caution"), "mentioned", 0.5),
    "denial": (0.06, ("deny", "dismiss"), "mentioned", 0.4),
    "rejection": (0.05, ("reject", "refuse"), "mentioned", 0.6),
    "praise": (0.04, ("praise", "welcome", "commend"), "mentioned", 0.8),
    "threat": (0.02, ("threaten",), "mentioned", 0.7),
}
CUE_FORMS = {
    "say": "said", "state": "stated", "tell": "told reporters", "add": "added", "note": "noted",
    "report": "reported", "announce": "announced", "confirm": "confirmed", "reveal": "revealed",
    "accuse": "accused", "blame": "blamed", "condemn": "condemned", "charge": "charged",
    "call": "called on", "urge": "urged", "demand": "demanded", "appeal": "appealed to",
    "warn": "warned", "caution": "cautioned", "deny": "denied", "dismiss": "dismissed",
    "reject": "rejected", "refuse": "refused", "praise": "praised", "welcome": "welcomed",
    "commend": "commended", "threaten": "threatened",
}
KINDS = (("indirect", 0.5), ("direct", 0.3), ("mixed", 0.1), ("according_to", 0.1))
ACTOR_KINDS = (("person", 0.6), ("organization", 0.2), ("group", 0.1), ("government", 0.05),
               ("country", 0.05))
UNRESOLVED_SPEAKERS = ("officials", "a spokesman", "sources", "the ministry", "witnesses", "analysts")
NER_LABELS = {"person": "PERSON", "organization": "ORG", "group": "NORP", "government": "ORG",
              "country": "GPE"}
ROLES = ("spokesperson", "minister", "director", "member", "chairman", "adviser", "commander", None)

def _words(text: str) -> list[str]:
    return text.split()


_SYLLABLES = _words(
    "ka ri mo ta len sa vi do ne ul ar be chi da fo ga hu il jo ke lu ma ni or pe qu ra si tu va we "
    "xi ya zo an bel cor dan el fen gor hal ist jen kor lim mar nor ost par ros sel tor urb vel wyn "
    "zar ad bo ce di eg fi gu ha ir ja ko lo mi nu ob pa re so ti ub ve wo ex yo zu"
)
_ADJ = _words("National Democratic Popular United Federal Central Independent Free Royal Northern "
        "Southern Eastern Western Islamic Christian Socialist Liberal Green Coastal Maritime "
        "Revolutionary Patriotic People's Civic Progressive Republican Regional International "
        "Interim Supreme Joint Allied Provisional Unity Reform Labour Agrarian")
_NOUN = _words("Fisheries Energy Defence Health Trade Labour Justice Transport Water Security Finance "
         "Education Industry Agriculture Media Press Freedom Peace Workers Farmers Students "
         "Veterans Shipping Mining Oil Gas Border Coast Harbour Port Rights Youth Women")
_ORG = _words("Council Union Party Front Ministry Authority Association Commission Alliance Federation "
        "Committee Movement League Bureau Agency Institute Coalition Assembly Office Board")
_GROUPS = ("Brigade", "Movement", "Front", "Militia", "Network", "Collective")
# Common words of political news; the long tail of the vocabulary is made of syllables.
_WORDS = _words(
    "government minister president police security attack fishing quota vessel border talks "
    "agreement sanctions election vote parliament opposition protest crisis economy budget tax "
    "water energy oil gas prices inflation jobs workers union strike court ruling law reform "
    "military troops ceasefire peace war refugees aid health hospital vaccine school children "
    "climate storm flood drought harbour port coast navy patrol illegal catch fleet fish waters "
    "treaty embassy ambassador allies rebels militants civilians killed injured arrested charged "
    "investigation corruption fraud bribery scandal resign appointment spokesman statement "
    "report evidence claims allegations denied rejected warned urged called demanded praised "
    "welcomed condemned accused responsible failure decision plan proposal deal negotiations "
    "week month year today yesterday morning evening region capital city village province "
    "international national local public private foreign domestic economic political social "
    "new old major minor strong weak serious growing continued recent latest further "
    "people country state nation community leaders officials experts analysts residents"
)


def _zipf_weights(n: int, s: float) -> list[float]:
    """Cumulative weights of a Zipf law over ranks 1..n."""
    return list(itertools.accumulate(1.0 / (k ** s) for k in range(1, n + 1)))


@dataclass
class GenerateSummary:
    sources: int
    actors: int
    aliases: int
    affiliations: int
    documents: int
    statements: int
    targets: int
    mentions: int
    seconds: float


class Generator:
    def __init__(self, documents: int, statements: int, actors: int, seed: int = 0):
        if min(documents, statements, actors) < 1:
            raise ValueError("documents, statements and actors must be at least 1")
        self.n_docs, self.n_statements, self.n_actors = documents, statements, actors
        self.rng = random.Random(seed)

    # --- names ----------------------------------------------------------------------------

    def _word(self, lo: int, hi: int) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(lo, hi)))

    def _name(self, kind: str) -> str:
        r = self.rng
        if kind == "person":
            return f"{self._word(2, 2).capitalize()} {self._word(2, 3).capitalize()}"
        if kind == "organization":
            return f"{r.choice(_ADJ)} {r.choice(_NOUN)} {r.choice(_ORG)}"
        if kind == "group":
            return f"{self._word(2, 3).capitalize()} {r.choice(_GROUPS)}"
        place = self._word(2, 3).capitalize()
        return f"Government of {place}" if kind == "government" else f"Republic of {place}"

    def actors(self) -> list[dict]:
        kinds, weights = zip(*ACTOR_KINDS)
        rows, seen = [], set()
        for kind in self.rng.choices(kinds, weights, k=self.n_actors):
            name = self._name(kind)
            while name in seen:  # organisation names repeat: tell them apart by a place
                name = f"{self._name(kind)} of {self._word(2, 3).capitalize()}"
            seen.add(name)
            rows.append({"id": len(rows) + 1, "name": name, "kind": kind})
        return rows

    @staticmethod
    def _short_forms(actor: dict) -> list[str]:
        words = actor["name"].split()
        if actor["kind"] == "person":
            return [words[-1]]
        if actor["kind"] == "organization":
            return ["".join(w[0] for w in words if w[0].isupper())]
        return [words[-1]] if words[0] in ("Government", "Republic") else []

    def aliases(self, actors: list[dict]) -> list[dict]:
        rows, taken = [], set()
        for a in actors:
            for surface, origin in [(a["name"], "extracted")] + [
                    (s, "extracted") for s in self._short_forms(a) if self.rng.random() < 0.6]:
                form = normalise(surface)
                if form and form not in taken:
                    taken.add(form)
                    rows.append({"id": len(rows) + 1, "form": form, "surface": surface,
                                 "actor_id": a["id"], "origin": origin})
        return rows

    def affiliations(self, actors: list[dict]) -> list[dict]:
        orgs = [a["id"] for a in actors if a["kind"] in ("organization", "government")]
        if not orgs:
            return []
        cum = _zipf_weights(len(orgs), 1.0)
        rows, seen = [], set()
        for a in actors:
            if a["kind"] == "person" and self.rng.random() < 0.4:
                org = self.rng.choices(orgs, cum_weights=cum)[0]
                if (a["id"], org) not in seen:
                    seen.add((a["id"], org))
                    rows.append({"id": len(rows) + 1, "person_id": a["id"], "organization_id": org,
                                 "relation": "member_of", "role": self.rng.choice(ROLES)})
        return rows

    def sources(self) -> list[dict]:
        n = 60
        return [{"id": i + 1, "name": f"{self._word(2, 3).capitalize()} {kind}",
                 "url": f"https://news{i + 1}.example"}
                for i, kind in enumerate(self.rng.choices(("Times", "Post", "News", "Herald", "Agency",
                                                           "Daily", "Tribune", "Radio"), k=n))]

    # --- documents and statements -----------------------------------------------------------

    def _vocabulary(self) -> list[str]:
        words = list(dict.fromkeys(_WORDS))
        tail = set(words)
        while len(words) < 20_000:
            w = self._word(2, 4)
            if w not in tail:
                tail.add(w)
                words.append(w)
        return words

    def documents_and_statements(self, actors: list[dict], sources: list[dict]) -> Iterator[dict]:
        """Chunks of rows: {"document": [...], "statement": [...], "statementtarget": [...],
        "mention": [...]}, ``DOCS_PER_CHUNK`` documents at a time."""
        r = self.rng
        speakers = [a["id"] for a in actors]
        r.shuffle(speakers)
        targets = [a["id"] for a in actors]
        r.shuffle(targets)
        speaker_cum = _zipf_weights(len(speakers), 1.07)
        target_cum = _zipf_weights(len(targets), 1.0)
        source_cum = _zipf_weights(len(sources), 0.8)
        names = {a["id"]: a["name"] for a in actors}
        labels = {a["id"]: NER_LABELS[a["kind"]] for a in actors}
        vocab = self._vocabulary()
        vocab_cum = _zipf_weights(len(vocab), 1.0)
        claim_names = list(CLAIM_TYPES)
        claim_w = [CLAIM_TYPES[c][0] for c in claim_names]
        kind_names, kind_w = zip(*KINDS)

        per_doc = [0] * self.n_docs
        for d in r.choices(range(self.n_docs), k=self.n_statements):
            per_doc[d] += 1

        statement_id = target_id = mention_id = 0
        now = datetime.now(UTC)
        for chunk_start in range(0, self.n_docs, DOCS_PER_CHUNK):
            out = {"document": [], "statement": [], "statementtarget": [], "mention": []}
            for doc_index in range(chunk_start, min(chunk_start + DOCS_PER_CHUNK, self.n_docs)):
                doc_id = doc_index + 1
                published = YEAR_START + timedelta(days=r.randrange(366))
                n = per_doc[doc_index]
                title = " ".join(r.choices(vocab[:400], k=r.randint(4, 8))).capitalize()
                text = [title, "\n\n"]
                pos = len(title) + 2
                speaker_ids = r.choices(speakers, cum_weights=speaker_cum, k=n)
                for speaker_id in speaker_ids:
                    statement_id += 1
                    claim = r.choices(claim_names, claim_w)[0]
                    _, cues, role, target_share = CLAIM_TYPES[claim]
                    kind = r.choices(kind_names, kind_w)[0]
                    cue_lemma = r.choice(cues)
                    cue = CUE_FORMS[cue_lemma]
                    unresolved = r.random() < UNRESOLVED_SHARE
                    speaker = r.choice(UNRESOLVED_SPEAKERS) if unresolved else names[speaker_id]
                    target = (r.choices(targets, cum_weights=target_cum)[0]
                              if r.random() < target_share else None)
                    if target == speaker_id:
                        target = None
                    words = r.choices(vocab, cum_weights=vocab_cum, k=r.randint(6, 18))
                    if target is not None:
                        words.insert(r.randrange(len(words) + 1), names[target])
                    content = " ".join(words)
                    content = content[0].upper() + content[1:]
                    if kind == "direct":
                        sentence = f"\u201c{content},\u201d {speaker} {cue}."
                        c_start = pos + 1
                        s_start = pos + len(content) + 4
                        k_start = s_start + len(speaker) + 1
                    elif kind == "according_to":
                        cue = "according to"
                        sentence = f"{content}, according to {speaker}."
                        c_start, k_start = pos, pos + len(content) + 2
                        s_start = k_start + len(cue) + 1
                    else:
                        sentence = f"{speaker} {cue} that {content}."
                        s_start, k_start = pos, pos + len(speaker) + 1
                        c_start = k_start + len(cue) + 6
                    out["statement"].append({
                        "id": statement_id, "document_id": doc_id,
                        "speaker_id": None if unresolved else speaker_id, "speaker_text": speaker,
                        "speaker_start": s_start, "speaker_end": s_start + len(speaker),
                        "cue_text": cue, "cue_lemma": cue_lemma, "cue_start": k_start,
                        "cue_end": k_start + len(cue), "content_text": content,
                        "content_start": c_start, "content_end": c_start + len(content),
                        "kind": kind, "claim_type": claim, "sentence_start": pos,
                        "sentence_end": pos + len(sentence), "confidence": round(r.uniform(0.5, 1), 2),
                        "extractor_version": EXTRACTOR_VERSION, "published": published,
                        "flagged": False,
                    })
                    if not unresolved:
                        mention_id += 1
                        out["mention"].append({"id": mention_id, "document_id": doc_id,
                                               "actor_id": speaker_id, "start": s_start,
                                               "end": s_start + len(speaker), "text": speaker,
                                               "label": labels[speaker_id]})
                    if target is not None:
                        target_id += 1
                        t_start = c_start + content.index(names[target])
                        out["statementtarget"].append({"id": target_id, "statement_id": statement_id,
                                                       "actor_id": target, "role": role,
                                                       "text": names[target]})
                        mention_id += 1
                        out["mention"].append({"id": mention_id, "document_id": doc_id,
                                               "actor_id": target, "start": t_start,
                                               "end": t_start + len(names[target]),
                                               "text": names[target], "label": labels[target]})
                    text += [sentence, " "]
                    pos += len(sentence) + 1
                body = "".join(text)
                source_id = r.choices(sources, cum_weights=source_cum)[0]["id"]
                for row in out["statement"][len(out["statement"]) - n:]:
                    row["source_id"] = source_id
                out["document"].append({
                    "id": doc_id, "content_hash": f"bench-{doc_id:09d}", "title": title,
                    "url": f"https://example.org/{doc_id}", "path": f"bench/{doc_id}.txt",
                    "published": published,
                    "source_id": source_id,
                    "text": body, "n_chars": len(body), "n_statements": n, "ingested_at": now,
                    "extractor_version": EXTRACTOR_VERSION,
                })
            yield out


TABLES = {"document": Document, "statement": Statement, "statementtarget": StatementTarget,
          "mention": Mention}


def _insert(conn: Connection, model, rows: list[dict], chunk: int = 10_000) -> None:
    if not rows:
        return
    table = model.__table__
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(rows[0]))
    names = compiled.positiontup  # SQLite's positional parameters; None on PostgreSQL
    if names is None or not set(names) <= rows[0].keys():  # PostgreSQL, or SQLAlchemy fills defaults
        for i in range(0, len(rows), chunk):
            conn.execute(insert(table), rows[i:i + chunk])
        return
    # The bulk tables on SQLite: tuples straight to the driver (SQLAlchemy builds parameters row by
    # row, which costs more than the insert), each value through its column type's own bind
    # processor, so it is stored exactly as SQLAlchemy would store it.
    values = itemgetter(*names)
    convert = [(j, p) for j, n in enumerate(names)
               if (p := table.c[n].type.dialect_impl(conn.dialect).bind_processor(conn.dialect))]

    def params(row: dict) -> tuple:
        found = values(row)
        if not convert:
            return found
        found = list(found)
        for j, p in convert:
            if found[j] is not None:
                found[j] = p(found[j])
        return tuple(found)

    sql = str(compiled)
    for i in range(0, len(rows), chunk):
        conn.exec_driver_sql(sql, [params(row) for row in rows[i:i + chunk]])


def _pragma(conn: Connection, name: str, value=None) -> str | None:
    """Read or set a SQLite pragma outside any transaction (the driver connection is in autocommit)."""
    raw = conn.connection.dbapi_connection
    row = raw.execute(f"PRAGMA {name}" if value is None else f"PRAGMA {name}={value}").fetchone()
    return None if row is None else str(row[0])


def _secondary_indexes(conn: Connection) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes of the bulk tables that no constraint needs (primary
    keys and UNIQUE constraints stay), as the database itself stored them."""
    tables = list(TABLES)
    if conn.dialect.name == "sqlite":
        sql = text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                   "AND tbl_name IN :tables ORDER BY rowid").bindparams(bindparam("tables", expanding=True))
    else:
        sql = text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                   "AND tablename IN :tables AND indexname NOT IN (SELECT conname FROM pg_constraint) "
                   "ORDER BY indexname").bindparams(bindparam("tables", expanding=True))
    return [(name, create) for name, create in conn.execute(sql, {"tables": tables})]


@contextmanager
def _bulk_load(conn: Connection) -> Iterator[None]:
    """Rows go in without the bulk tables' secondary indexes and SQLite's FTS insert trigger; both
    come back afterwards from their own stored definitions, so the schema is the migrations' own.
    One sort per index and one FTS5 rebuild cost a fraction of updating every index and the
    full-text index row by row. SQLite also skips fsync and keeps its rollback journal in memory:
    a KB being generated is thrown away, not repaired, if the run dies."""
    sqlite = conn.dialect.name == "sqlite"
    with conn.begin():
        indexes = _secondary_indexes(conn)
        trigger = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND name = 'statement_fts_insert'")).scalar() if sqlite else None
        for name, _ in indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))
        if trigger:
            conn.execute(text("DROP TRIGGER statement_fts_insert"))
    if sqlite:
        journal, synchronous = _pragma(conn, "journal_mode"), _pragma(conn, "synchronous")
        try:
            _pragma(conn, "journal_mode", "MEMORY")
        except conn.dialect.loaded_dbapi.OperationalError:  # another connection is open: stay in WAL
            pass
        _pragma(conn, "synchronous", "OFF")
        _pragma(conn, "cache_size", -262_144)
    try:
        yield
    finally:
        if sqlite:
            _pragma(conn, "journal_mode", journal)
            _pragma(conn, "synchronous", synchronous)
        with conn.begin():
            for _, create in indexes:
                conn.execute(text(create))
            if trigger:
                conn.execute(text(trigger))
                conn.execute(text("INSERT INTO statement_fts(statement_fts) VALUES ('rebuild')"))
        if sqlite:
            _pragma(conn, "cache_size", -2_000)


def generate(url: str | None, documents: int, statements: int, actors: int, seed: int = 0,
             progress: Callable[[str], None] | None = None) -> GenerateSummary:
    """Fill the empty KB at ``url`` (default: ``KB_DATABASE_URL``) with a synthetic corpus."""
    from kb.db import get_engine

    t0 = time.perf_counter()
    say = progress or (lambda _msg: None)
    engine = get_engine(url)
    with engine.connect() as conn:
        for model in (Document, Actor, Statement):
            if conn.execute(select(func.count()).select_from(model)).scalar():
                raise ValueError(f"the KB is not empty ({model.__tablename__} has rows); "
                                 "bench-generate writes into a fresh KB only")
    g = Generator(documents, statements, actors, seed)
    actor_rows = g.actors()
    alias_rows = g.aliases(actor_rows)
    affiliation_rows = g.affiliations(actor_rows)
    source_rows = g.sources()
    with engine.execution_options(kb_write=True).begin() as conn:
        for model, rows in ((Source, source_rows), (Actor, actor_rows), (Alias, alias_rows),
                            (Affiliation, affiliation_rows)):
            _insert(conn, model, rows)
    say(f"actors: {len(actor_rows)}, aliases: {len(alias_rows)}, affiliations: {len(affiliation_rows)}")
    counts = dict.fromkeys(TABLES, 0)
    with engine.connect() as conn, _bulk_load(conn):
        for out in g.documents_and_statements(actor_rows, source_rows):
            with conn.begin():
                for name, model in TABLES.items():
                    _insert(conn, model, out[name])
                    counts[name] += len(out[name])
            say(f"documents: {counts['document']}/{documents}, statements: {counts['statement']}")
    say("indexes and full-text index built")
    with engine.execution_options(kb_write=True).begin() as conn:
        recompute_counters(conn)  # rows went in around kb.store: count them once, at the end
    say("counters recomputed")
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")  # planner statistics, as a KB in use would have
    return GenerateSummary(len(source_rows), len(actor_rows), len(alias_rows), len(affiliation_rows),
                           counts["document"], counts["statement"], counts["statementtarget"],
                           counts["mention"], round(time.perf_counter() - t0, 1))
