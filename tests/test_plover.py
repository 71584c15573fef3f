"""kb evaluate on PLOVER event records: the actor-matching rule, the scorer and the CLI on records
written for these tests, the floors on the shared dev half, and the event families end to end
(ingest -> `kb statements --event` -> typed graph edges)."""

from __future__ import annotations

import json

import pytest
from conftest import SHARED, build_kb, kb_cli

PLOVER_DEV = SHARED / "data" / "plover" / "plover-gsr-dev.json"

# Floors on the verbal records of the dev half, about two points under the figures measured when
# they were set (docs/evaluation.md): a change that loses accuracy fails here.
FLOORS = {"found": 89.0, "speaker": 62.0, "target": 52.0, "speaker_and_target": 39.5, "target_span": 59.5,
          "spans_together": 59.5, "event": 80.0}


@pytest.fixture(scope="module")
def matcher():
    from kb.evaluate.plover import ActorMatcher

    return ActorMatcher.from_data()


@pytest.mark.parametrize("predicted, gold, same", [
    ("Russia", "Moscow", True),  # a capital is its country
    ("Russia", "Russian forces", True),  # its forces
    ("Turkey", "The Turkish government", True),  # its government
    ("United Kingdom", "A senior British minister", True),  # its ministers
    ("Egypt", "Cairo's security chief", True),
    ("United States", "U.S.", True),  # the alias lexicon
    ("North Korea", "Democratic People's Republic of Korea", True),
    ("Rwanda", "Rwandan rebels", False),  # its rebels are not the country
    ("Zimbabwe", "Opposition groups in Zimbabwe", False),
    ("Syria", "Druze inhabitants of the Syrian Golan Heights", False),
    ("Jacques Chirac", "French President Jacques Chirac", True),  # a shared content word
    ("Kofi Annan", "Kofi Annan, UN secretary-general", True),
    ("Serbia", "Croatian forces", False),
    ("Croatian forces", "Serbian forces", False),  # "forces" alone is not a shared content word
    (None, "Iraq", False),
])
def test_actor_matching_rule(matcher, predicted, gold, same):
    assert matcher.match(predicted, gold) is same


def records(tmp_path):
    """Four records of our own (countries in the alias lexicon, so the figures test extraction, not resolution), in the PLOVER file layout."""
    rows = [
        {"id": "DOC", "event": "DOCUMENT", "eventText": "header"},
        {"id": "T1", "event": "THREATEN", "text": "Norway threatened to cut off electricity to Chile.",
         "source": [{"actorText": "Norway", "code": "NOR"}], "target": [{"actorText": "Chile", "code": "CHL"}]},
        {"id": "T2", "event": "DEMAND", "text": "Norway demanded that Chile withdraw its troops.",
         "source": [{"actorText": "Norway", "code": "NOR"}], "target": [{"actorText": "Chile", "code": "CHL"}]},
        {"id": "T3", "event": "REJECT", "text": "Chile rejected Norway's offer of talks.",
         "source": [{"actorText": "Chile", "code": "CHL"}], "target": [{"actorText": "Norway", "code": "NOR"}]},
        {"id": "T4", "event": "DISAPPROVE", "text": "The weather was fine in Ostrava on Monday.",
         "source": [{"actorText": "Ostrava", "code": "OST"}], "target": ""},
        {"id": "T5", "event": "AGREE", "text": "Norway agreed to hold talks with Chile.",
         "source": [{"actorText": "Norway", "code": "NOR"}], "target": [{"actorText": "Chile", "code": "CHL"}]},
    ]
    path = tmp_path / "records.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def test_scorer_on_our_records(nlp, tmp_path):
    from kb.evaluate.plover import evaluate_file

    report = evaluate_file(records(tmp_path), nlp)
    assert [r.record.id for r in report.records] == ["T1", "T2", "T3", "T4"]  # verbal only, no header
    assert report.figure("found") == (3, 4)  # nothing to find in T4
    assert report.figure("speaker_and_target") == (3, 3)  # T4 has no gold target
    assert report.figure("event") == (3, 4)
    assert report.confusion()[("DISAPPROVE", "-")] == 1
    other = evaluate_file(records(tmp_path), nlp, ["AGREE"])
    assert [r.record.id for r in other.records] == ["T5"] and other.figure("event") == (1, 1)


def test_cli_prints_the_table_and_errors(tmp_path, monkeypatch):
    run = kb_cli(f"sqlite:///{tmp_path / 'unused.sqlite'}", monkeypatch)
    out = run("evaluate", str(records(tmp_path)), "--errors", str(tmp_path / "errors.txt")).stdout
    assert "PLOVER records: 4 (DEMAND 1, DISAPPROVE 1, REJECT 1, THREATEN 1)" in out
    assert "speaker and target in one statement" in out and "event family right" in out
    assert "T4" in (tmp_path / "errors.txt").read_text(encoding="utf-8")
    data = json.loads(run("evaluate", str(records(tmp_path)), "--gold", "plover", "-f", "json").stdout)
    assert data["measures"]["speaker_and_target"] == {"right": 3, "total": 3, "percent": 100.0}
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert "not JSON" in run("evaluate", str(bad), code=2).stderr


@pytest.fixture(scope="module")
def dev_report(nlp):
    if not PLOVER_DEV.is_file():
        pytest.skip(f"PLOVER dev not found at {PLOVER_DEV} (shared data is not in this checkout)")
    from kb.evaluate.plover import evaluate_file

    return evaluate_file(PLOVER_DEV, nlp)


def test_whole_dev_half_is_scored(dev_report):
    assert len(dev_report.records) == 56


@pytest.mark.parametrize("measure", sorted(FLOORS))
def test_plover_dev_floor(dev_report, measure):
    assert dev_report.percent(measure) >= FLOORS[measure], (measure, dev_report.figure(measure))


TEXT = """Norway threatened to cut off electricity to Chile on Monday.

Chile rejected Norway's offer of talks.

Norway demanded that Chile withdraw its troops from the valley.
"""


def test_event_filter_and_typed_edges(nlp, tmp_path, monkeypatch):
    doc = tmp_path / "docs" / "dispute.txt"
    doc.parent.mkdir()
    doc.write_text(TEXT, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    build_kb(url, [doc.parent], nlp)
    run = kb_cli(url, monkeypatch)
    rows = json.loads(run("statements", "--event", "THREATEN", "-f", "json").stdout)
    assert [r["cue"] for r in rows] == ["threatened"] and rows[0]["event"] == "THREATEN"
    assert {"actor": "Chile", "role": "threatened"} in [{k: t[k] for k in ("actor", "role")}
                                                           for t in rows[0]["targets"]]
    assert json.loads(run("statements", "--event", "demand", "-f", "json").stdout)[0]["cue"] == "demanded"
    assert json.loads(run("statements", "--role", "rejected", "-f", "json").stdout)[0]["speaker"] == "Chile"
    path = run("graph", "path", "Norway", "Chile", "--evidence", "1").stdout
    for edge in ("Norway -threatens-> Chile", "Chile -rejects-> Norway", "Norway -calls_on-> Chile"):
        assert edge in path, path


def test_migration_0006_keeps_the_full_text_triggers(tmp_path):
    """Adding or dropping statement.event must not rebuild the SQLite table (that drops 0002's FTS
    triggers): up, down and up again."""
    import sqlalchemy as sa
    from alembic import command

    from kb.db import _alembic_config, current_revision, upgrade

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    upgrade(engine, "0007")

    def triggers():
        with engine.connect() as c:
            return sorted(r[0] for r in c.execute(sa.text("SELECT name FROM sqlite_master WHERE type='trigger'")))

    before = triggers()
    assert before and upgrade(engine)[1] != "0007"
    assert triggers() == before
    with engine.connect() as c:
        assert "event" in [r[1] for r in c.execute(sa.text("PRAGMA table_info(statement)"))]
    with engine.begin() as c:
        command.downgrade(_alembic_config(c), "0007")
    assert current_revision(engine) == "0007" and triggers() == before
    upgrade(engine)
    assert triggers() == before
