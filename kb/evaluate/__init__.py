"""Scoring kb against gold data, one module per gold format.

``polnear``: attribution spans in PolNeAR's brat layout (the default of ``kb evaluate``). Other
formats (event records, speaker resolution, claims) live beside it as their own modules.
"""

from kb.evaluate.polnear import (  # noqa: F401  the PolNeAR scorer is the package's default API
    CONTENT_MIN_COVERAGE,
    FIELDS,
    OVERLAP_MIN_GOLD_SHARE,
    Candidate,
    Counts,
    DocumentScore,
    GoldAttribution,
    GoldDocument,
    Report,
    Span,
    evaluate_dir,
    evaluate_docs,
    exact_counts,
    format_errors_text,
    from_predictions,
    greedy_match,
    load_gold_dir,
    match_attributions,
    overlap_counts,
    read_brat,
    read_text,
    score_document,
    trim,
    write_errors,
)
