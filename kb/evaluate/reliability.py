"""Is the confidence calibrated? How often statements are right, by their confidence.

A statement is right when it matches a gold attribution (the scorer's attribution match). A
calibrated extractor's statements at 0.8 are right about 80% of the time.
"""

from __future__ import annotations

EDGES = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)


def reliability_table(report, edges=EDGES) -> list[dict]:
    """One row per confidence bin: its range, statements, right ones, mean confidence, share right."""
    bins = [[0, 0, 0.0] for _ in edges[:-1]]
    for d in report.documents:
        matched = {i for i, _ in d.pairs}
        for i, c in enumerate(d.confidence):
            k = next(k for k in range(len(edges) - 1) if c < edges[k + 1])
            bins[k][0] += 1
            bins[k][1] += i in matched
            bins[k][2] += c
    return [{"low": edges[k], "high": min(edges[k + 1], 1.0), "statements": n, "right": r,
             "mean_confidence": round(s / n, 3) if n else None, "share_right": round(r / n, 3) if n else None}
            for k, (n, r, s) in enumerate(bins)]


def expected_calibration_error(rows: list[dict]) -> float:
    total = sum(r["statements"] for r in rows)
    return sum(r["statements"] * abs(r["mean_confidence"] - r["share_right"]) for r in rows if r["statements"]) / total if total else 0.0


def format_reliability(rows: list[dict]) -> str:
    lines = ["confidence    statements  right  mean conf  share right"]
    for r in rows:
        if not r["statements"]:
            continue
        lines.append(f"{r['low']:.1f}-{r['high']:.1f}     {r['statements']:10d}  {r['right']:5d}  "
                     f"{r['mean_confidence']:9.2f}  {r['share_right']:11.2f}")
    lines.append(f"expected calibration error  {expected_calibration_error(rows):.3f}")
    return "\n".join(lines)
