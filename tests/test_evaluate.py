"""kb evaluate: the brat reader, span matching, scoring, the errors file and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.evaluate import (
    GoldAttribution,
    Report,
    Span,
    exact_counts,
    from_predictions,
    load_gold_dir,
    overlap_counts,
    read_brat,
    score_document,
    trim,
    write_errors,
)
from kb.extract.types import Attribution, CharSpan

POLNEAR_DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "polnear" / "dev"

TEXT = 'Officials said the plan failed. "It is over," he added. Critics warn of delays, she wrote.'


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def t_line(tid: str, typ: str, text: str, *pieces: tuple[int, int]) -> str:
    locs = ";".join(f"{s} {e}" for s, e in pieces)
    return f"{tid}\t{typ} {locs}\t{' '.join(text[s:e] for s, e in pieces)}"


def ann_for(text: str, attributions: list[dict]) -> str:
    """A brat file: one E line per dict of role -> (start, end) or list of pieces."""
    lines, n = [], 0
    for k, a in enumerate(attributions, 1):
        args = []
        for role, where in a.items():
            n += 1
            pieces = where if isinstance(where, list) else [where]
            lines.append(t_line(f"T{n}", role, text, *pieces))
            args.append(f"{role}:T{n}")
        n += 1
        cue = a.get("Cue", (0, 1))
        lines.append(t_line(f"T{n}", "Attribution", text, cue))
        lines.append(f"E{k}\tAttribution:T{n} " + " ".join(reversed(args)))
    return "\n".join(lines) + "\n"


def pred(text: str, cue=None, source=None, content=None) -> Attribution:
    def cs(where):
        return CharSpan(where[0], where[1], text[where[0]:where[1]]) if where else None

    return Attribution(cue=cs(cue), content=cs(content), source=cs(source), kind="indirect",
                       claim_type="assertion")


GOLD_1 = {"Source": at(TEXT, "Officials"), "Cue": at(TEXT, "said"),
          "Content": at(TEXT, "the plan failed.")}
GOLD_2 = {"Source": at(TEXT, "he"), "Cue": at(TEXT, "added"), "Content": at(TEXT, '"It is over,"')}


# --- the brat reader ------------------------------------------------------------------------


def test_read_brat_roles_in_any_order_missing_roles_and_discontinuous_spans():
    ann = (
        "T1\tSource 0 9\tOfficials\n"
        "T2\tCue 10 14\tsaid\n"
        "T3\tContent 15 23;27 31\tthe plan led\n"
        "T4\tAttribution 10 14\tsaid\n"
        "E1\tCue:T2 Content:T3 Attribution:T4 Source:T1\n"
        "T5\tCue 50 55\tadded\n"
        "T6\tContent 33 45\tIt is over,\"\n"
        "T7\tAttribution-no-source 50 55\tadded\n"
        "E2\tAttribution-no-source:T7 Content:T6 Cue:T5\n"
        "T8\tDiscard 60 70\tjunk\n"
        "E3\tAttribution-no-source:T8 \n"  # no cue, no content: dropped
    )
    e1, e2 = read_brat(ann)
    assert e1 == GoldAttribution("E1", cue=Span(((10, 14),)), source=Span(((0, 9),)),
                                 content=Span(((15, 23), (27, 31))))
    assert e2.source is None and e2.cue == Span(((50, 55),)) and e2.content == Span(((33, 45),))


def test_read_brat_ignores_span_text_with_raw_newlines():
    ann = "T1\tCue 0 4\tsaid\nT2\tContent 5 20\tfirst line\nsecond line\nE1\tCue:T1 Content:T2\n"
    (a,) = read_brat(ann)
    assert a.content == Span(((5, 20),))


def test_span_pieces_are_sorted_and_merged():
    s = Span.of([(20, 30), (0, 5), (3, 8)])
    assert s.pieces == ((0, 8), (20, 30)) and s.hull == (0, 30) and len(s) == 18


# --- trimming and span scores ---------------------------------------------------------------


def test_trim_strips_whitespace_and_punctuation_but_keeps_a_bare_colon():
    text = ' "It is over," he said: yes'
    assert trim(Span.of([(0, 15)]), text) == Span.of([(2, 12)])
    colon = text.index(":")
    assert trim(Span.of([(colon, colon + 2)]), text) == Span.of([(colon, colon + 1)])
    assert trim(Span.of([(0, 1)]), text) is None


def test_exact_match_ignores_edge_punctuation():
    gold = [GoldAttribution("E1", content=Span.of([at(TEXT, '"It is over,"')]))]
    p = from_predictions([pred(TEXT, content=at(TEXT, "It is over"))])
    score = score_document("d", TEXT, gold, p)
    assert (score.exact["content"].tp, score.exact["content"].gold) == (1, 1)


def test_overlap_needs_half_of_the_gold_span():
    gold = [Span.of([(0, 10)])]
    assert overlap_counts(gold, [Span.of([(5, 40)])]).tp == 1  # 5 of 10: exactly half
    assert overlap_counts(gold, [Span.of([(6, 40)])]).tp == 0  # 4 of 10
    assert exact_counts(gold, [Span.of([(5, 40)])]).tp == 0


def test_overlap_matching_is_one_to_one_and_best_fit_first():
    gold = [Span.of([(0, 10)])]
    preds = [Span.of([(0, 30)]), Span.of([(0, 10)])]
    c = overlap_counts(gold, preds)
    assert (c.tp, c.predicted, c.gold) == (1, 2, 1)
    assert c.precision == 0.5 and c.recall == 1.0


def test_discontinuous_gold_exact_uses_the_hull_and_overlap_the_pieces():
    gold = [Span.of([(0, 10), (50, 60)])]
    assert exact_counts(gold, [Span.of([(0, 60)])]).tp == 1
    # the hull covers both pieces (20 gold chars) -> overlaps; one piece alone is exactly half
    assert overlap_counts(gold, [Span.of([(0, 60)])]).tp == 1
    assert overlap_counts(gold, [Span.of([(50, 60)])]).tp == 1
    assert overlap_counts(gold, [Span.of([(52, 60)])]).tp == 0


def test_a_span_shared_by_two_attributions_counts_twice():
    said = Span.of([at(TEXT, "said")])
    gold = [GoldAttribution("E1", cue=said, content=Span.of([(15, 20)])),
            GoldAttribution("E2", cue=said, content=Span.of([(21, 30)]))]
    once = from_predictions([pred(TEXT, cue=at(TEXT, "said"))])
    score = score_document("d", TEXT, gold, once)
    for counts in (score.exact["cue"], score.overlap["cue"]):
        assert (counts.tp, counts.predicted, counts.gold) == (1, 1, 2)


# --- attribution matching -------------------------------------------------------------------


def test_attribution_needs_30_percent_of_content_and_overlapping_cues():
    content = at(TEXT, "the plan failed.")  # 15 chars after trimming the period
    gold = [GoldAttribution("E1", cue=Span.of([at(TEXT, "said")]), content=Span.of([content]))]
    s = content[0]

    def score(cue, content_span):
        return score_document("d", TEXT, gold, from_predictions([pred(TEXT, cue, None, content_span)]))

    assert score(at(TEXT, "said"), (s, s + 5)).attributions.tp == 1  # 5/15 = 33%
    assert score(at(TEXT, "said"), (s, s + 4)).attributions.tp == 0  # 4/15 = 27%
    assert score(at(TEXT, "added"), content).attributions.tp == 0  # cue elsewhere
    assert score(None, content).attributions.tp == 0  # no cue: a miss
    assert score(at(TEXT, "said"), None).attributions.tp == 0  # no content: a miss


def test_attribution_matching_is_greedy_one_to_one():
    gold = [GoldAttribution("E1", cue=Span.of([at(TEXT, "said")]),
                            content=Span.of([at(TEXT, "the plan failed")]))]
    full = pred(TEXT, at(TEXT, "said"), None, at(TEXT, "the plan failed"))
    half = pred(TEXT, at(TEXT, "said"), None, at(TEXT, "the plan"))
    score = score_document("d", TEXT, gold, from_predictions([half, full]))
    assert score.pairs == [(1, 0)]
    a = score.attributions
    assert (a.tp, a.predicted, a.gold) == (1, 2, 1)
    assert score.errors()["false_alarms"][0]["content"]["text"] == "the plan"


def test_speaker_accuracy_over_matched_pairs_with_a_gold_source(tmp_path):
    text_dir, ann_dir = tmp_path / "text", tmp_path / "attributions"
    text_dir.mkdir(), ann_dir.mkdir()
    (text_dir / "a.txt").write_text(TEXT, encoding="utf-8")
    gold_3 = {"Cue": at(TEXT, "warn"), "Content": at(TEXT, "of delays")}  # no source
    (ann_dir / "a_x1.ann").write_text(ann_for(TEXT, [GOLD_1, GOLD_2, gold_3]), encoding="utf-8")
    docs = load_gold_dir(tmp_path)
    preds = [
        pred(TEXT, at(TEXT, "said"), at(TEXT, "Officials"), at(TEXT, "the plan failed")),
        pred(TEXT, at(TEXT, "added"), at(TEXT, "Officials"), at(TEXT, "It is over")),  # wrong
        pred(TEXT, at(TEXT, "warn"), at(TEXT, "Critics"), at(TEXT, "of delays")),  # no gold source
    ]
    score = score_document("a", TEXT, docs[0].attributions, from_predictions(preds))
    assert score.attributions.tp == 3
    report = Report([score])
    assert report.speaker == (1, 2)
    (wrong,) = score.errors()["wrong_speaker"]
    assert wrong["gold"]["source"]["text"] == "he"
    assert wrong["predicted"]["source"]["text"] == "Officials"


# --- the gold folder ------------------------------------------------------------------------


def write_gold(root: Path, name: str, text: str, anns: dict[str, str]) -> None:
    (root / "text").mkdir(parents=True, exist_ok=True)
    (root / "attributions").mkdir(parents=True, exist_ok=True)
    (root / "text" / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
    for annotator, ann in anns.items():
        (root / "attributions" / f"{name}_{annotator}.ann").write_text(ann, encoding="utf-8")


def test_load_gold_dir_uses_the_first_annotator_in_sorted_order(tmp_path):
    write_gold(tmp_path, "news_2016_a", TEXT, {"zz99": ann_for(TEXT, [GOLD_1, GOLD_2]),
                                              "ab12": ann_for(TEXT, [GOLD_1])})
    write_gold(tmp_path, "news_2016_b", "Nothing to see.", {})  # not annotated: skipped
    (doc,) = load_gold_dir(tmp_path)
    assert doc.name == "news_2016_a" and doc.ann_path.name == "news_2016_a_ab12.ann"
    assert len(doc.attributions) == 1


def test_offsets_are_into_the_text_as_read_with_crlf_kept(tmp_path):
    text = "Intro line.\r\nThe minister said it was over.\r\n"
    cue, content = at(text, "said"), at(text, "it was over")
    write_gold(tmp_path, "crlf", text, {"a1": ann_for(text, [{"Cue": cue, "Content": content}])})
    (doc,) = load_gold_dir(tmp_path)
    assert doc.text == text
    (a,) = doc.attributions
    assert doc.text[a.cue.start:a.cue.end] == "said"


def test_load_gold_dir_limit_and_missing_folders(tmp_path):
    for name in ("c", "a", "b"):
        write_gold(tmp_path, name, TEXT, {"x1": ann_for(TEXT, [GOLD_1])})
    assert [d.name for d in load_gold_dir(tmp_path, limit=2)] == ["a", "b"]
    with pytest.raises(FileNotFoundError, match="attributions"):
        load_gold_dir(tmp_path / "text")


def test_report_and_the_errors_file(tmp_path):
    write_gold(tmp_path, "a", TEXT, {"x1": ann_for(TEXT, [GOLD_1, GOLD_2])})
    preds = [pred(TEXT, at(TEXT, "said"), at(TEXT, "Officials"), at(TEXT, "the plan failed")),
             pred(TEXT, at(TEXT, "wrote"), at(TEXT, "she"), at(TEXT, "Critics warn of delays"))]
    (doc,) = load_gold_dir(tmp_path)
    report = Report([score_document(doc.name, doc.text, doc.attributions, from_predictions(preds))])
    d = report.as_dict()
    assert d["attributions"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1,
                                 "predicted": 2, "gold": 2}
    assert d["fields"]["cue"]["exact"]["tp"] == 1 and d["speaker"]["accuracy"] == 1.0
    assert "attributions  P 50.0  R 50.0  F1 50.0  (1 matched)" in report.format_text()

    write_errors(report, tmp_path / "errors.json")
    (doc,) = json.loads((tmp_path / "errors.json").read_text(encoding="utf-8"))
    assert doc["misses"][0]["cue"] == {"start": 49, "end": 54, "text": "added"}
    assert doc["false_alarms"][0]["content"]["text"] == "Critics warn of delays"

    write_errors(report, tmp_path / "errors.txt")
    readable = (tmp_path / "errors.txt").read_text(encoding="utf-8")
    assert "== a  (gold 2, predicted 2, matched 1)" in readable
    assert '  MISS\n    cue      49-54 "added"' in readable
    assert '  FALSE ALARM\n    cue      84-89 "wrote"' in readable


# --- the command ----------------------------------------------------------------------------


@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="PolNeAR dev not found in ../shared")
def test_kb_evaluate_on_three_polnear_documents(tmp_path):
    from kb.cli import app

    gold = tmp_path / "gold"
    (gold / "text").mkdir(parents=True)
    (gold / "attributions").mkdir()
    names = sorted(p.stem for p in (POLNEAR_DEV / "text").glob("*.txt"))[:3]
    for name in names:  # links only: PolNeAR text never leaves ../shared
        (gold / "text" / f"{name}.txt").symlink_to(POLNEAR_DEV / "text" / f"{name}.txt")
        for ann in (POLNEAR_DEV / "attributions").glob(f"{name}_*.ann"):
            (gold / "attributions" / ann.name).symlink_to(ann)

    runner = CliRunner()
    result = runner.invoke(app, ["evaluate", str(gold), "--format", "json",
                                 "--errors", str(tmp_path / "errors.json")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["documents"] == 3
    assert set(report["fields"]) == {"cue", "source", "content"}
    for f in report["fields"].values():
        assert set(f) == {"exact", "overlap"}
        for counts in f.values():
            assert counts["tp"] <= min(counts["predicted"], counts["gold"])
            assert 0.0 <= counts["f1"] <= 1.0
    assert report["attributions"]["gold"] > 0
    assert 0.0 <= report["attributions"]["f1"] <= 1.0
    errors = json.loads((tmp_path / "errors.json").read_text(encoding="utf-8"))
    assert [e["document"] for e in errors] == names

    text = runner.invoke(app, ["evaluate", str(gold), "--limit", "1"])
    assert text.exit_code == 0, text.output
    assert "documents: 1" in text.stdout
    for row in ("cue", "source", "content", "attributions", "speaker accuracy"):
        assert row in text.stdout

    missing = runner.invoke(app, ["evaluate", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no text/ folder" in missing.output
