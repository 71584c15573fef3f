"""The read API (kb.query) over a KB built through the real store path."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest
from multidoc_kb import St, build_multidoc_kb
from multidoc_kb import resolved_document as multidoc_document
from sample_kb import DOCUMENTS, TRICKY, build_sample_kb, sample_kb_url  # noqa: F401 (fixture)
from sqlalchemy import func, true
from sqlalchemy.orm import aliased
from sqlmodel import select

from kb import edit
from kb import query as Q
from kb.db import session_scope
from kb.models import AccusationCount, Actor, Statement, StatementTarget
from kb.query import StatementFilter as F
from kb.store import store_document


@pytest.fixture
def s(sample_kb_url):  # noqa: F811 (the imported fixture)
    with session_scope(sample_kb_url) as session:
        yield session


@pytest.fixture
def fresh_url(db_url) -> str:
    """A sample KB of its own on each backend, for tests that write."""
    build_sample_kb(db_url)
    return db_url


def contents(page_or_rows) -> list[str]:
    rows = page_or_rows.rows if isinstance(page_or_rows, Q.Page) else page_or_rows
    return [r["content"] for r in rows]


ALL = [c["content"] for d in DOCUMENTS for c in d["statements"]]


# --- search_statements / count_statements ----------------------------------------------------------

def test_all_statements_newest_first_with_targets(s):
    page = Q.search_statements(s, F())
    assert contents(page) == ALL[::-1]
    assert page.next_cursor is None
    ids = [r["id"] for r in page.rows]
    assert ids == sorted(ids, reverse=True)
    first = page.rows[-1]
    assert first["speaker"] == "Yasser Farhan" and first["speaker_text"] == "Yasser Farhan"
    assert first["document_title"] == "Coalition News" and first["source"] == "Coalition News"
    assert first["published"] == date(2017, 9, 27)
    assert first["cue"] == "stressed" and first["kind"] == "indirect" and first["claim_type"] == "accusation"
    assert [(t["actor"], t["role"]) for t in first["targets"]] == [("Russia", "accused")]
    assert first["flagged"] is False


def test_offsets_point_into_the_document_text(s):
    for row in Q.search_statements(s, F()).rows:
        text = Q.get_document(s, row["document_id"])["text"]
        assert text[row["content_start"]:row["content_end"]] == row["content"]
        assert text[row["cue_start"]:row["cue_end"]] == row["cue"]
        assert text[row["speaker_start"]:row["speaker_end"]] == row["speaker_text"]


def test_keyset_paging_visits_every_statement_once(s):
    seen, cursor, pages = [], None, 0
    while True:
        page = Q.search_statements(s, F(), limit=3, cursor=cursor)
        seen += [r["id"] for r in page.rows]
        pages += 1
        if page.next_cursor is None:
            break
        assert page.next_cursor == page.rows[-1]["id"]
        cursor = page.next_cursor
    assert pages == 3 and len(seen) == len(set(seen)) == len(ALL) == Q.count_statements(s, F())


def test_exact_page_size_has_no_empty_next_page(s):
    assert Q.search_statements(s, F(), limit=len(ALL)).next_cursor is None
    assert Q.search_statements(s, F(), limit=len(ALL) - 1).next_cursor is not None


@pytest.mark.parametrize("name", ["Yasser Farhan", "Farhan", "farhan", "FARHAN's", " yasser  farhan "])
def test_speaker_by_name_or_alias(s, name):
    rows = Q.search_statements(s, F(speaker=name)).rows
    assert {r["speaker"] for r in rows} == {"Yasser Farhan"} and len(rows) == 4


def test_unknown_actor_or_source_gives_nothing(s):
    for f in (F(speaker="Nobody"), F(target="Nobody"), F(source="Nobody News")):
        assert Q.search_statements(s, f).rows == [] and Q.count_statements(s, f) == 0


def test_target_and_role(s):
    assert contents(Q.search_statements(s, F(target="Moscow"))) == [
        "Russia bears full responsibility for the war crimes"]
    coalition = Q.search_statements(s, F(target="the Coalition")).rows
    assert len(coalition) == 2
    assert contents(Q.search_statements(s, F(target="Syrian Coalition", role="accused"))) == [
        "the Syrian Coalition spreads lies"]
    assert Q.search_statements(s, F(target="Syrian Coalition", role="addressed")).rows == []
    # role alone: any statement addressing someone
    assert contents(Q.search_statements(s, F(role="addressed"))) == ["to act"]


def test_claim_type_kind_source_document(s):
    assert len(Q.search_statements(s, F(claim_type="accusation")).rows) == 3
    assert contents(Q.search_statements(s, F(kind="according_to"))) == ["the Syrian Coalition spreads lies"]
    assert len(Q.search_statements(s, F(source="coalition news")).rows) == 5
    assert len(Q.search_statements(s, F(source="TASS")).rows) == 2
    doc_id = Q.search_statements(s, F(kind="mixed")).rows[0]["document_id"]
    assert len(Q.search_statements(s, F(document_id=doc_id)).rows) == 2


def test_dates_are_inclusive_and_skip_undated(s):
    assert len(Q.search_statements(s, F(date_from=date(2017, 9, 27), date_to=date(2017, 10, 5))).rows) == 5
    assert len(Q.search_statements(s, F(date_from=date(2018, 1, 1))).rows) == 2
    assert len(Q.search_statements(s, F(date_to=date(2017, 9, 26))).rows) == 0


def test_filters_combine(s):
    f = F(speaker="Farhan", claim_type="accusation", target="Russia", role="accused", kind="indirect",
          text="war crimes", date_from=date(2017, 1, 1), date_to=date(2017, 12, 31))
    assert contents(Q.search_statements(s, f)) == ["Russia bears full responsibility for the war crimes"]
    assert Q.count_statements(s, f) == 1


def test_text_search(s):
    assert set(contents(Q.search_statements(s, F(text="war crimes")))) == {
        "Russia bears full responsibility for the war crimes", "the war crimes continued"}
    assert contents(Q.search_statements(s, F(text="HOSPITALS"))) == ["never targeted hospitals"]
    assert Q.search_statements(s, F(text="   ")).rows == Q.search_statements(s, F()).rows


# Search strings with SQL, LIKE and FTS syntax are text: they never error and never match everything.
HOSTILE = ["%", "_", "'", '"', "\\", "' OR 1=1 --", "\" OR \"\"=\"", "x'); DROP TABLE statement; --",
           "war NOT crimes", "war OR peace", "NEAR(war*)", "war*", "\"unbalanced", "(", "*", ":", "^",
           "content:war", "-war", "a\\b", "100%", "_regime_", "r_gime", "reg%", "war\x00crimes", "élysée",
           "🙂", "%%%_%", "[a-z]", "statement_fts", "@@ to_tsquery('x')", "war & !crimes", "war <-> crimes"]


def words(text: str) -> set[str]:
    return {w[:4] for w in re.findall(r"[^\W_]+", text.casefold()) if len(w) >= 4}


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_strings_are_plain_text(s, text):
    rows = Q.search_statements(s, F(text=text)).rows
    assert Q.count_statements(s, F(text=text)) == len(rows)
    assert len(rows) < len(ALL)
    for r in rows:  # every hit contains the (longer) words searched for; stemming aside
        assert words(text) <= words(f"{r['content']} {r['speaker_text']} {r['cue']}")
    assert s.execute(select(func.count()).select_from(Statement)).scalar() == len(ALL)


def test_search_wildcards_match_literally(s):
    assert contents(Q.search_statements(s, F(text="100%"))) == [TRICKY]
    assert contents(Q.search_statements(s, F(text="DROP TABLE statement"))) == [TRICKY]
    for text in ("%", "_", "r_gime", "reg%", "*"):
        assert Q.search_statements(s, F(text=text)).rows == [], text


def test_text_search_stems_and_phrases(s):
    assert contents(Q.search_statements(s, F(text="targeting hospital"))) == ["never targeted hospitals"]
    assert contents(Q.search_statements(s, F(text='"crimes continued"'))) == ["the war crimes continued"]
    assert Q.search_statements(s, F(text='"continued crimes"')).rows == []
    assert contents(Q.search_statements(s, F(text="Zakharova"))) == [  # the speaker as written counts
        "the Syrian Coalition spreads lies", "never targeted hospitals"]


@pytest.mark.parametrize("name", ["'; DROP TABLE actor; --", "%", "_", "Farhan%", "\x00"])
def test_hostile_actor_names_find_nothing(s, name):
    assert Q.find_actor(s, name) is None
    assert Q.search_statements(s, F(speaker=name)).rows == []
    assert Q.search_statements(s, F(target=name)).rows == []
    assert Q.search_statements(s, F(source=name)).rows == []
    assert Q.list_actors(s, q=name) == [] if name.strip("\x00") else len(Q.list_actors(s, q=name)) == 8
    assert Q.list_documents(s, q=name).rows == [] if name.strip("\x00") else True


def test_count_cap(s):
    assert Q.count_statements(s, F()) == len(ALL)
    assert Q.count_statements(s, F(), cap=3) == 3
    assert Q.count_statements(s, F(speaker="Farhan"), cap=100) == 4


def test_flagged_statements_are_hidden_unless_asked(fresh_url):
    with session_scope(fresh_url) as s:
        sid = Q.search_statements(s, F(speaker="Zakharova", kind="mixed")).rows[0]["id"]
        edit.flag_statement(s, sid)
    with session_scope(fresh_url) as s:
        assert sid not in [r["id"] for r in Q.search_statements(s, F()).rows]
        assert Q.count_statements(s, F()) == len(ALL) - 1
        flagged = [r for r in Q.search_statements(s, F(include_flagged=True)).rows if r["flagged"]]
        assert [r["id"] for r in flagged] == [sid]
        assert Q.stats(s)["flagged"] == 1
        assert Q.top_speakers(s)[1] == {"actor_id": flagged[0]["speaker_id"], "actor": "Maria Zakharova",
                                        "kind": "person", "count": 1}
        assert Q.get_statement(s, sid)["flagged"] is True  # still reachable by id
        actors = {r["name"]: r for r in Q.list_actors(s)}
        assert (actors["Maria Zakharova"]["statements"], actors["Syrian Coalition"]["accused"]) == (1, 1)
    with session_scope(fresh_url) as s:
        edit.flag_statement(s, Q.search_statements(s, F(target="Syrian Coalition", role="accused")).rows[0]["id"])
    with session_scope(fresh_url) as s:
        actors = {r["name"]: r for r in Q.list_actors(s)}
        assert (actors["Maria Zakharova"]["statements"], actors["Syrian Coalition"]["accused"]) == (0, 0)
        assert actors["Yasser Farhan"]["statements"] == 4


# --- get_statement ---------------------------------------------------------------------------------

def test_get_statement_sentence_context_and_highlights(s):
    sid = Q.search_statements(s, F(text="claim_rate")).rows[0]["id"]
    st = Q.get_statement(s, sid)
    assert st["sentence"]["text"] == "He said that the regime's 50% claim_rate is false."
    assert st["context"]["text"].startswith("Member of the Coalition's")  # whole (short) document
    assert st["sentence"]["text"] in st["context"]["text"]
    parts = {p["part"]: st["sentence"]["text"][p["start"]:p["end"]] for p in st["sentence_spans"]}
    assert parts == {"speaker": "He", "cue": "said", "content": "the regime's 50% claim_rate is false"}
    ctx = st["context"]["text"]
    assert {p["part"]: ctx[p["start"]:p["end"]] for p in st["context_spans"]} == parts
    assert Q.highlight(st["sentence"]["text"], st["sentence_spans"]) == [
        ("He", "speaker"), (" ", None), ("said", "cue"), (" that ", None),
        ("the regime's 50% claim_rate is false", "content"), (".", None)]
    assert st["document_title"] == "Coalition News" and st["document_path"] == "sample/Coalition News.txt"
    assert [t["actor"] for t in st["targets"]] == ["Assad regime"]
    assert Q.get_statement(s, 10**9) is None


def test_context_is_cut_at_word_boundaries_around_long_documents(fresh_url):
    long_doc = {
        "title": "Long", "source": "Wire", "published": "2019-05-01",
        "text": "Filler words here. " * 40 + "Iran said the talks failed. " + "More filler text. " * 40,
        "statements": [{"speaker": "Iran", "source": "Iran", "cue": "said", "content": "the talks failed",
                            "kind": "indirect", "claim_type": "assertion", "targets": []}],
        "mentions": [], "affiliations": [],
    }
    build_sample_kb(fresh_url, [long_doc])
    with session_scope(fresh_url) as s:
        st = Q.get_statement(s, Q.search_statements(s, F(source="Wire")).rows[0]["id"])
        ctx = st["context"]
        assert ctx["start"] > 0 and ctx["end"] < len(long_doc["text"])
        assert 2 * Q.CONTEXT_CHARS - 40 < len(ctx["text"]) <= 2 * Q.CONTEXT_CHARS + len(st["sentence"]["text"])
        assert long_doc["text"][ctx["start"] - 1] == " " and long_doc["text"][ctx["end"]] == " "


def test_relative_spans_clip_and_drop():
    spans = [{"part": "cue", "start": 5, "end": 10}, {"part": "content", "start": 8, "end": 30},
             {"part": "speaker", "start": 40, "end": 45}]
    assert Q.relative_spans(spans, 6, 20) == [{"part": "cue", "start": 0, "end": 4},
                                              {"part": "content", "start": 2, "end": 14}]


# --- actors ----------------------------------------------------------------------------------------

def test_find_actor(s):
    assert Q.find_actor(s, "Russia").name == "Russia"
    assert Q.find_actor(s, "moscow").name == "Russia"
    assert Q.find_actor(s, "The Assad regime").name == "Assad regime"
    assert Q.find_actor(s, "Zakharova's").name == "Maria Zakharova"
    assert Q.find_actor(s, "Atlantis") is None and Q.find_actor(s, "") is None and Q.find_actor(s, None) is None


def test_list_actors_counts_and_order(s):
    rows = Q.list_actors(s)
    by_name = {r["name"]: r for r in rows}
    assert len(rows) == len({"Yasser Farhan", "Syrian Coalition", "Russia", "Assad regime", "Iran",
                             "international community", "Maria Zakharova", "Russian Foreign Ministry"})
    assert rows[0]["name"] == "Yasser Farhan"
    assert {k: by_name["Yasser Farhan"][k] for k in ("kind", "statements", "accused", "mentions")} == {
        "kind": "person", "statements": 4, "accused": 0, "mentions": 3}
    assert (by_name["Syrian Coalition"]["statements"], by_name["Syrian Coalition"]["accused"]) == (1, 1)
    assert by_name["Russia"]["accused"] == 1
    statements = [r["statements"] for r in rows]
    assert statements == sorted(statements, reverse=True)


def test_list_actors_search_kind_sort_and_pages(s):
    assert [r["name"] for r in Q.list_actors(s, q="farh")] == ["Yasser Farhan"]
    assert [r["name"] for r in Q.list_actors(s, q="MOSCOW")] == ["Russia"]  # via an alias
    assert [r["name"] for r in Q.list_actors(s, q="%")] == []
    assert {r["name"] for r in Q.list_actors(s, kind="country")} == {"Russia", "Iran"}
    names = [r["name"] for r in Q.list_actors(s, sort="name")]
    assert names == sorted(names)
    assert [r["name"] for r in Q.list_actors(s, sort="name", limit=3, offset=3)] == names[3:6]


def test_actor_profile(s):
    farhan = Q.find_actor(s, "Farhan")
    p = Q.actor_profile(s, farhan.id, n=2)
    assert p["actor"]["name"] == "Yasser Farhan" and p["actor"]["kind"] == "person"
    assert {a["surface"] for a in p["aliases"]} == {"Yasser Farhan", "Farhan"}
    assert p["affiliations"] == [{
        "direction": "out", "relation": "member_of", "role": "member of the political committee",
        "actor": "Syrian Coalition", "actor_id": Q.find_actor(s, "Syrian Coalition").id,
        "kind": "organization", "document_id": p["statements_by"][1]["document_id"],
        "statement_id": Q.search_statements(s, F(text="full responsibility")).rows[0]["id"]}]
    assert p["counts"] == {"statements": 4, "accusations_made": 3, "accused": 0, "addressed": 0,
                           "mentioned_in_statements": 0, "mentions": 3, "documents": 2}
    assert len(p["statements_by"]) == 2  # the latest n
    assert p["statements_about"] == []
    assert [(c["actor"], c["count"]) for c in p["accusations_made"]["by_counterpart"]] == [
        ("Assad regime", 1), ("Iran", 1)]  # the top n
    assert p["accusations_made"]["more_counterparts"] is True
    assert p["accusations_received"] == {"by_counterpart": [], "more_counterparts": False, "statements": []}
    every = Q.actor_profile(s, farhan.id, n=3)["accusations_made"]
    assert [c["actor"] for c in every["by_counterpart"]] == ["Assad regime", "Iran", "Russia"]
    assert every["more_counterparts"] is False
    assert p["timeline"] == [{"period": "2017-09", "count": 3, "about": 0},
                             {"period": "undated", "count": 1, "about": 0}]


def test_actor_profile_of_an_organisation(s):
    coalition = Q.find_actor(s, "Syrian Coalition")
    p = Q.actor_profile(s, coalition.id)
    assert [(a["direction"], a["actor"], a["relation"]) for a in p["affiliations"]] == [
        ("in", "Yasser Farhan", "member_of")]
    assert p["counts"]["accused"] == 1 and p["counts"]["mentioned_in_statements"] == 1
    assert contents(p["statements_about"]) == ["the Syrian Coalition spreads lies", "never targeted hospitals"]
    assert p["accusations_received"]["by_counterpart"] == [
        {"actor": "Maria Zakharova", "actor_id": Q.find_actor(s, "Zakharova").id, "count": 1}]
    assert p["timeline"] == [{"period": "2017-10", "count": 0, "about": 2},
                             {"period": "2018-01", "count": 1, "about": 0}]
    ministry = Q.actor_profile(s, Q.find_actor(s, "Russian Foreign Ministry").id)
    assert {(a["direction"], a["actor"], a["relation"], a["role"]) for a in ministry["affiliations"]} == {
        ("out", "Russia", "part_of", None), ("in", "Maria Zakharova", "member_of", "spokeswoman")}
    assert Q.actor_profile(s, 10**9) is None


def timeline_from_rows(s, actor_id: int) -> list[dict]:
    """The profile timeline as it was before the actor_month counters: counted from the rows."""
    from collections import Counter

    said = Counter(dict(s.execute(
        select(Statement.published, func.count()).where(Statement.speaker_id == actor_id)
        .group_by(Statement.published)).all()))
    t = aliased(StatementTarget)
    about = Counter(dict(s.execute(
        select(Statement.published, func.count(func.distinct(t.statement_id)))
        .where(t.actor_id == actor_id, t.statement_id == Statement.id).group_by(Statement.published)).all()))
    flagged = s.execute(
        select(Statement.id, Statement.speaker_id, Statement.published).where(Statement.flagged == true())).all()
    if flagged:
        named = set(s.scalars(select(StatementTarget.statement_id).where(
            StatementTarget.actor_id == actor_id, StatementTarget.statement_id.in_([f.id for f in flagged]))))
        for sid, speaker, day in flagged:
            said[day] -= speaker == actor_id
            about[day] -= sid in named
    by_month: dict[str, dict] = {}
    for counts, key in ((said, "count"), (about, "about")):
        for day, n in counts.items():
            if n > 0:
                row = by_month.setdefault(Q._bucket(day, "month"), {"count": 0, "about": 0})
                row[key] += n
    return [{"period": p, **by_month[p]} for p in sorted(by_month)]


def counterparts_from_rows(s, actor_id: int, made: bool) -> list[tuple[str, int]]:
    """Every accusation counterpart, most accusations first, then by name."""
    mine, theirs = ((AccusationCount.accuser_id, AccusationCount.accused_id) if made
                    else (AccusationCount.accused_id, AccusationCount.accuser_id))
    return [(name, n) for name, n in s.execute(
        select(Actor.name, AccusationCount.n).join(Actor, Actor.id == theirs)
        .where(mine == actor_id, AccusationCount.n > 0).order_by(AccusationCount.n.desc(), Actor.name))]


def hub_documents(seed: int) -> list[dict]:
    """Farhan accuses groups (a few often, many once: ties) over six months and undated
    documents; some groups accuse him back, naming him in two roles at once."""
    rng = random.Random(seed)
    specs = []
    for d in range(12):
        statements = []
        for k in range(6):
            names = sorted({f"Group {min(int(rng.paretovariate(1.0)), 25)}" for _ in range(rng.randint(1, 3))})
            content = f"of lies number {d}-{k}"
            statements.append(St(f"Farhan accused {' and '.join(names)} {content}.", "Yasser Farhan", "Farhan",
                                 "accused", content, "accusation", [(n, "accused", n) for n in names]))
        back = f"Group {1 + d % 4}"
        statements.append(St(f"{back} accused Farhan and urged him to stop {d}.", back, back, "accused",
                             f"urged him to stop {d}", "accusation",
                             [("Yasser Farhan", "accused", "Farhan"), ("Yasser Farhan", "addressed", "him")]))
        published = None if d % 5 == 4 else f"2019-{1 + d % 6:02d}-{1 + d:02d}"
        specs.append({"path": f"hub{d}.txt", "published": published, "statements": statements,
                      "affiliations": [], "mentions": []})
    return specs


def test_profile_timeline_and_top_counterparts_match_the_rows_after_flags_and_merges(db_url):
    """On the sample and multi-document KBs plus a hub accusing many groups (2017-2019 and
    undated), with statements flagged and unflagged and actors merged: every actor's timeline is
    what counting its statements gives, and its counterparts are the head of the full ranking."""
    build_sample_kb(db_url)
    build_multidoc_kb(db_url)
    for spec in hub_documents(seed=5):
        raw, resolved = multidoc_document(spec)
        with session_scope(db_url, write=True) as s:
            store_document(s, raw, resolved)
    with session_scope(db_url, write=True) as s:
        ids = [r["id"] for r in Q.search_statements(s, F(speaker="Yasser Farhan"), limit=6).rows]
        ids += [r["id"] for r in Q.search_statements(s, F(speaker="Group 1")).rows[:1]]
        ids += [r["id"] for r in Q.search_statements(s, F(target="Syrian Coalition")).rows[:1]]
        for sid in ids:
            edit.flag_statement(s, sid)
        edit.flag_statement(s, ids[0], flagged=False)
        edit.merge_actors(s, "Group 1", "Group 3")
        edit.merge_actors(s, "Russia", "Russian Foreign Ministry")
    with session_scope(db_url) as s:
        assert Q.stats(s)["flagged"] == len(ids) - 1
        periods = set()
        for actor_id in s.scalars(select(Actor.id)):
            for n in (2, 8):  # cut-offs inside runs of ties, where "Group 10" comes before "Group 2"
                p = Q.actor_profile(s, actor_id, n=n)
                for key, made in (("accusations_made", True), ("accusations_received", False)):
                    every = counterparts_from_rows(s, actor_id, made)
                    assert [(c["actor"], c["count"]) for c in p[key]["by_counterpart"]] == every[:n]
                    assert p[key]["more_counterparts"] == (len(every) > n)
            assert p["timeline"] == timeline_from_rows(s, actor_id), actor_id
            periods.update(r["period"] for r in p["timeline"])
        assert {"2017-09", "2018-01", "2019-01", "2019-06", "undated"} <= periods
        hub = Q.actor_profile(s, Q.find_actor(s, "Yasser Farhan").id, n=3)["accusations_made"]
        assert hub["more_counterparts"] and hub["by_counterpart"][0]["count"] > 5


# --- aggregates ------------------------------------------------------------------------------------

def test_stats(s):
    st = Q.stats(s)
    assert {k: st[k] for k in ("documents", "statements", "flagged", "actors", "sources", "affiliations",
                               "mentions")} == {
        "documents": 4, "statements": 8, "flagged": 0, "actors": 8, "sources": 2, "affiliations": 3,
        "mentions": 10}
    assert st["aliases"] >= 8
    assert st["by_kind"] == {"indirect": 6, "according_to": 1, "mixed": 1}
    assert st["by_claim_type"]["accusation"] == 3 and sum(st["by_claim_type"].values()) == 8
    assert (st["first_published"], st["last_published"]) == (date(2017, 9, 27), date(2018, 1, 10))


def test_top_speakers_and_most_accused(s):
    assert [(r["actor"], r["count"]) for r in Q.top_speakers(s)] == [
        ("Yasser Farhan", 4), ("Maria Zakharova", 2), ("Syrian Coalition", 1)]
    assert [(r["actor"], r["count"]) for r in Q.top_speakers(s, limit=1)] == [("Yasser Farhan", 4)]
    assert [r["actor"] for r in Q.top_speakers(s, date_from=date(2017, 10, 1), date_to=date(2017, 12, 31))] == [
        "Maria Zakharova"]
    assert {r["actor"] for r in Q.most_accused(s)} == {"Russia", "Assad regime", "Iran", "Syrian Coalition"}
    assert [r["actor"] for r in Q.most_accused(s, date_from=date(2017, 10, 1))] == ["Syrian Coalition"]
    assert [r["actor"] for r in Q.most_accused(s, date_to=date(2017, 9, 30))] == ["Assad regime", "Russia"]


def test_statements_over_time(s):
    assert Q.statements_over_time(s) == [{"period": "2017-09", "count": 3}, {"period": "2017-10", "count": 2},
                                         {"period": "2018-01", "count": 2}, {"period": "undated", "count": 1}]
    assert Q.statements_over_time(s, "year", F(speaker="Farhan")) == [
        {"period": "2017", "count": 3}, {"period": "undated", "count": 1}]
    assert Q.statements_over_time(s, "day", F(source="TASS")) == [{"period": "2017-10-05", "count": 2}]
    assert Q.statements_over_time(s, "week", F(source="TASS")) == [{"period": "2017-W40", "count": 2}]
    assert Q.statements_over_time(s, "month", F(speaker="Nobody")) == []
    with pytest.raises(ValueError, match="bucket"):
        Q.statements_over_time(s, "decade")


# --- documents -------------------------------------------------------------------------------------

def test_list_documents_pages_and_search(s):
    page = Q.list_documents(s, limit=3)
    assert [r["title"] for r in page.rows] == [None, "Coalition warns", "Moscow rejects claims"]
    assert [r["statements"] for r in page.rows] == [1, 2, 2]
    rest = Q.list_documents(s, limit=3, cursor=page.next_cursor)
    assert [r["title"] for r in rest.rows] == ["Coalition News"] and rest.next_cursor is None
    assert [r["title"] for r in Q.list_documents(s, q="tass").rows] == ["Moscow rejects claims"]
    assert [r["title"] for r in Q.list_documents(s, q="coalition").rows] == ["Coalition warns", "Coalition News"]
    assert Q.list_documents(s, q="%").rows == [] and Q.list_documents(s, q="'; --").rows == []


def test_get_document(s):
    doc_id = Q.list_documents(s, q="TASS").rows[0]["id"]
    d = Q.get_document(s, doc_id)
    assert d["text"] == DOCUMENTS[1]["text"] and d["source"] == "TASS" and d["published"] == date(2017, 10, 5)
    assert contents(d["statements"]) == ["never targeted hospitals", "the Syrian Coalition spreads lies"]
    for st in d["statements"]:
        assert {d["text"][p["start"]:p["end"]] for p in st["spans"]} >= {st["cue"], st["content"]}
    assert [(m["actor"], d["text"][m["start"]:m["end"]]) for m in d["mentions"]] == [
        ("Russian Foreign Ministry", "Russian Foreign Ministry"), ("Maria Zakharova", "Maria Zakharova"),
        ("Syrian Coalition", "Syrian Coalition")]
    assert Q.get_document(s, 10**9) is None


# --- store_state -----------------------------------------------------------------------------------

def test_store_state_changes_on_every_write_and_edit(fresh_url):
    def state():
        with session_scope(fresh_url) as s:
            return Q.store_state(s)

    seen = [state()]
    assert state() == seen[0]  # stable while nothing changes

    def step(fn):
        with session_scope(fresh_url) as s:
            fn(s)
        seen.append(state())

    build_sample_kb(fresh_url, [{**DOCUMENTS[3], "text": DOCUMENTS[3]["text"] + " Again."}])
    seen.append(state())
    step(lambda s: edit.flag_statement(s, 1))
    step(lambda s: edit.flag_statement(s, 1, flagged=False))
    step(lambda s: edit.add_alias(s, "Tehran", "Iran"))
    step(lambda s: edit.remove_alias(s, "Tehran"))
    step(lambda s: edit.rename_actor(s, "Iran", "Islamic Republic of Iran"))
    step(lambda s: edit.rename_actor(s, "Islamic Republic of Iran", "Iran"))  # both names are aliases now
    step(lambda s: edit.merge_actors(s, "Yasser Farhan", "Maria Zakharova"))
    step(lambda s: edit.remove_alias(s, "Moscow"))
    assert len(set(seen)) == len(seen)  # every ingest and edit gives a new state
