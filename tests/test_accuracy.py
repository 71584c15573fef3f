"""Accuracy floors on PolNeAR dev, through the real scorer (kb.evaluate) and the real pipeline.

The floors sit one to two points under the figures measured when they were set, with the shipped
attribution model (kb/extract/model/polnear) (see the report in
docs/extraction.md); a change to the extractor that loses accuracy fails here. Run the full
figures with: kb evaluate ../shared/data/polnear/dev
"""

from __future__ import annotations

import pytest

from tests.conftest import POLNEAR

DEV = POLNEAR / "dev"

# metric -> floor (F1 unless named), in percent
FLOORS = {
    "attribution_f1": 72.5,
    "attribution_precision": 78.5,  # directed speech acts are kept whatever the model says (docs/extraction.md)
    "attribution_recall": 66.0,
    "cue_exact_f1": 67.5,
    "source_exact_f1": 71.5,
    "content_exact_f1": 56.0,
    "cue_overlap_f1": 71.0,
    "source_overlap_f1": 74.0,
    "content_overlap_f1": 72.5,
    "speaker_accuracy": 93.0,
}
# The statements' confidence (the attribution model's calibrated probability): expected
# calibration error over the dev statements (measured 0.022).
MAX_CALIBRATION_ERROR = 0.05


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


def test_confidence_is_calibrated(report):
    from kb.evaluate.reliability import expected_calibration_error, reliability_table

    rows = reliability_table(report)
    assert expected_calibration_error(rows) <= MAX_CALIBRATION_ERROR, rows
    for r in rows:  # every well-filled bin: right about as often as it says
        if r["statements"] >= 100:
            assert abs(r["mean_confidence"] - r["share_right"]) <= 0.08, r
