"""Accuracy floors on PolNeAR dev, through the real scorer (kb.evaluate) and the real pipeline.

The floors sit about two points under the figures measured when they were set (see the report in
docs/extraction.md); a change to the extractor that loses accuracy fails here. Run the full
figures with: kb evaluate ../shared/data/polnear/dev
"""

from __future__ import annotations

import pytest

from tests.conftest import POLNEAR

DEV = POLNEAR / "dev"

# metric -> floor (F1 unless named), in percent
FLOORS = {
    "attribution_f1": 69.0,
    "attribution_precision": 72.5,
    "attribution_recall": 65.5,
    "cue_exact_f1": 64.5,
    "source_exact_f1": 69.5,
    "content_exact_f1": 52.0,
    "cue_overlap_f1": 68.5,
    "source_overlap_f1": 72.0,
    "content_overlap_f1": 68.5,
    "speaker_accuracy": 91.0,
}


@pytest.fixture(scope="module")
def report(nlp):
    if not DEV.is_dir():
        pytest.skip(f"PolNeAR dev not found at {DEV} (shared data is not in this checkout)")
    from kb.evaluate import evaluate_dir

    return evaluate_dir(DEV, nlp)


def measured(report) -> dict[str, float]:
    a = report.attributions
    correct, total = report.speaker
    out = {
        "attribution_f1": a.f1,
        "attribution_precision": a.precision,
        "attribution_recall": a.recall,
        "speaker_accuracy": correct / total,
    }
    for field in ("cue", "source", "content"):
        out[f"{field}_exact_f1"] = report.exact(field).f1
        out[f"{field}_overlap_f1"] = report.overlap(field).f1
    return {k: 100 * v for k, v in out.items()}


def test_whole_dev_set_is_scored(report):
    assert len(report.documents) == 84
    assert report.attributions.gold == 2192


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_accuracy_floor(report, metric):
    value = measured(report)[metric]
    assert value >= FLOORS[metric], f"{metric} {value:.1f} fell under its floor {FLOORS[metric]}"
