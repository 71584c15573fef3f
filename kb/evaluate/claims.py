"""Scoring claim matching, clustering and stance on two public data sets.

- CheckThat! 2020 task 2 (English): tweets against 10,375 verified claims. The lexical weight of
  the matcher is fitted on ``train/`` only; ``dev/`` is scored with MAP@5, R@1 and R@20 (also
  BM25 alone and the sentence model alone, for comparison).
- Emergent: headlines grouped by claim, each with a stance. Clustering is scored with B-cubed
  P/R/F1 by two-fold cross-validation over claims: the threshold is chosen on one half and
  scored on the other (each half clustered whole), so no figure saw its own labels. Stance
  (for / against / observing) is scored the same way with five folds grouped by claim.

Sentence vectors of the data sets are cached under ``KB_CACHE_DIR`` (default ``~/.cache/kb``).
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

csv.field_size_limit(10_000_000)

THRESHOLDS = [round(0.15 + 0.05 * i, 2) for i in range(15)]  # 0.15 .. 0.85
AGG_WEIGHTS = [0.5, 1.0, 2.0]
ONLINE_WEIGHTS = [0.0, 0.5, 1.0]
LEX_WEIGHTS = [round(0.05 * i, 2) for i in range(21)]  # 0 .. 1


def cached_embed(texts: Sequence[str]) -> np.ndarray:
    from kb.claims.embed import embed

    root = Path(os.environ.get("KB_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kb")
    key = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:24]
    path = root / f"embeddings-{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = embed(list(texts))
    try:
        root.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    except OSError:
        pass
    return vectors


# --- CheckThat! 2020 task 2 ------------------------------------------------------------------

def _tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [row for row in csv.reader(f, delimiter="\t")]


def load_checkthat(split_dir: Path) -> tuple[list[str], list[str], list[set[int]], list[str]]:
    """(claim texts, tweets, relevant claim indexes per tweet, tweet ids) of one split; the
    verified claims are read from the split's parent folder."""
    split_dir = Path(split_dir)
    vclaims_path = split_dir.parent / "verified_claims.docs.tsv"
    for p in (vclaims_path, split_dir / "tweets.queries.tsv", split_dir / "tweet-vclaim-pairs.qrels"):
        if not p.exists():
            raise FileNotFoundError(f"{p}: not found (expected the CheckThat! 2020 task 2 layout)")
    vrows = _tsv(vclaims_path)[1:]
    ids = {row[0]: i for i, row in enumerate(vrows)}
    claims = [" ".join(x for x in row[1:3] if x) for row in vrows]  # claim and its title
    tweets = {row[0]: row[1] for row in _tsv(split_dir / "tweets.queries.tsv")[1:] if len(row) >= 2}
    rel: dict[str, set[int]] = defaultdict(set)
    for row in _tsv(split_dir / "tweet-vclaim-pairs.qrels"):
        if len(row) >= 4 and row[3].strip() != "0" and row[2] in ids:
            rel[row[0]].add(ids[row[2]])
    tids = [t for t in tweets if rel.get(t)]
    return claims, [tweets[t] for t in tids], [rel[t] for t in tids], tids


def ranking_scores(ranked: list[list[int]], relevant: list[set[int]]) -> dict[str, float]:
    """MAP@5, R@1, R@20 (the lab's measures; R@k: a relevant claim in the first k)."""
    ap5, r1, r20 = [], [], []
    for ranks, rel in zip(ranked, relevant):
        hits, precisions = 0, []
        for i, c in enumerate(ranks[:5], 1):
            if c in rel:
                hits += 1
                precisions.append(hits / i)
        ap5.append(sum(precisions) / min(len(rel), 5))
        r1.append(float(any(c in rel for c in ranks[:1])))
        r20.append(float(any(c in rel for c in ranks[:20])))
    n = max(1, len(relevant))
    return {"map@5": sum(ap5) / n, "r@1": sum(r1) / n, "r@20": sum(r20) / n, "queries": len(relevant)}


def evaluate_checkthat(dev_dir: Path, train_dir: Path | None = None) -> dict:
    from kb.claims.match import Matcher, clean

    dev_dir = Path(dev_dir)
    train_dir = Path(train_dir) if train_dir else dev_dir.parent / "train"
    claims, dev_tweets, dev_rel, _ = load_checkthat(dev_dir)
    matcher = Matcher(claims, cached_embed(claims))

    def run(tweets, rel, weight):
        texts = [clean(t) for t in tweets]
        ranked = matcher.rank(cached_embed(texts), texts, k=20, weight=weight)
        return ranking_scores([[j for j, _ in r] for r in ranked], rel)

    out: dict = {"claims": len(claims)}
    if train_dir.is_dir():
        _, tr_tweets, tr_rel, _ = load_checkthat(train_dir)
        fits = {w: run(tr_tweets, tr_rel, w)["map@5"] for w in LEX_WEIGHTS}
        weight = max(fits, key=lambda w: (fits[w], -w))
        out["train"] = {"lexical_weight": weight, "map@5": fits[weight], "queries": len(tr_tweets)}
    else:
        from kb.claims.match import LEXICAL_WEIGHT as weight
    out["dev"] = run(dev_tweets, dev_rel, weight)
    out["dev_dense_only"] = run(dev_tweets, dev_rel, 0.0)
    out["dev_bm25_only"] = _bm25_only(matcher, dev_tweets, dev_rel)
    out["lexical_weight"] = weight
    return out


def _bm25_only(matcher, tweets, rel) -> dict:
    from kb.claims.match import clean

    lex = matcher.lexical([clean(t) for t in tweets])
    return ranking_scores([list(np.argsort(-row)[:20]) for row in lex], rel)


# --- Emergent ---------------------------------------------------------------------------------

def load_emergent(path: Path) -> list[dict]:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: not found")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    need = {"claimHeadline", "articleHeadline", "articleHeadlineStance", "claimId"}
    if not rows or not need <= set(rows[0]):
        raise ValueError(f"{path}: expected the Emergent columns {sorted(need)}")
    return rows


def bcubed(pred: Sequence, gold: Sequence) -> tuple[float, float, float]:
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    P = R = 0.0
    for i in range(len(pred)):
        both = len(by_pred[pred[i]] & by_gold[gold[i]])
        P += both / len(by_pred[pred[i]])
        R += both / len(by_gold[gold[i]])
    P, R = P / max(1, len(pred)), R / max(1, len(pred))
    return P, R, (2 * P * R / (P + R) if P + R else 0.0)


def _folds(groups: Sequence[str], k: int) -> list[int]:
    """A fold per item, by a hash of its group: the same claim always lands in the same fold."""
    return [int(hashlib.sha1(g.encode()).hexdigest(), 16) % k for g in groups]


@dataclass
class ClusterScore:
    method: str
    folds: list[dict] = field(default_factory=list)

    def mean(self) -> dict:
        return {k: float(np.mean([f[k] for f in self.folds])) for k in ("precision", "recall", "f1")}


def _cluster_cv(method: str, headlines, gold, vectors, fold) -> ClusterScore:
    from kb.claims.cluster import agglomerate, leader

    def labels(idx, params):
        texts = [headlines[i] for i in idx]
        if method == "online":
            return leader(vectors[idx], texts, params[0], params[1])
        return agglomerate(vectors[idx], texts, params[0], params[1])

    weights = ONLINE_WEIGHTS if method == "online" else AGG_WEIGHTS
    grid = [(t, w) for t in THRESHOLDS for w in weights]
    score = ClusterScore(method)
    for test in sorted(set(fold)):
        train_idx = np.array([i for i, f in enumerate(fold) if f != test])
        test_idx = np.array([i for i, f in enumerate(fold) if f == test])
        fits = {p: bcubed(labels(train_idx, p), [gold[i] for i in train_idx])[2] for p in grid}
        best = max(fits, key=fits.get)
        P, R, F = bcubed(labels(test_idx, best), [gold[i] for i in test_idx])
        score.folds.append({"fold": int(test), "params": list(best), "train_f1": fits[best], "precision": P,
                            "recall": R, "f1": F, "headlines": len(test_idx)})
    return score


def evaluate_emergent(path: Path) -> dict:
    from kb.claims import stance as S

    rows = load_emergent(path)
    headlines = [r["articleHeadline"] for r in rows]
    gold = [r["claimId"] for r in rows]
    vectors = cached_embed(headlines)
    two = _folds(gold, 2)
    out: dict = {"headlines": len(rows), "claims": len(set(gold))}
    for method in ("online", "agglomerative"):
        s = _cluster_cv(method, headlines, gold, vectors, two)
        out[f"clustering_{method}"] = {**s.mean(), "folds": s.folds}

    X = [S.features(r["articleHeadline"], r["claimHeadline"]) for r in rows]
    y = [r["articleHeadlineStance"] for r in rows]
    five = _folds(gold, 5)
    pred = [""] * len(y)
    for test in range(5):
        tr = [i for i, f in enumerate(five) if f != test]
        te = [i for i, f in enumerate(five) if f == test]
        model = S.train([X[i] for i in tr], [y[i] for i in tr])
        for i, p in zip(te, S.predict(model, [X[i] for i in te])):
            pred[i] = p
    out["stance"] = stance_scores(pred, y)
    shipped = S.model()
    if shipped:
        out["stance_shipped_model_on_dev"] = stance_scores(S.predict(shipped, X), y)
    return out


def stance_scores(pred: Sequence[str], gold: Sequence[str]) -> dict:
    from kb.claims.stance import LABELS

    per = {}
    for label in LABELS:
        tp = sum(p == g == label for p, g in zip(pred, gold))
        fp = sum(p == label != g for p, g in zip(pred, gold))
        fn = sum(g == label != p for p, g in zip(pred, gold))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        per[label] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    acc = sum(p == g for p, g in zip(pred, gold)) / max(1, len(gold))
    return {"accuracy": acc, "macro_f1": sum(per.values()) / len(per), "f1": per}


def train_stance_model(path: Path) -> dict:
    """The shipped stance model: fitted on all of Emergent dev (its CV figure is what we report)."""
    from kb.claims import stance as S

    rows = load_emergent(path)
    return S.train([S.features(r["articleHeadline"], r["claimHeadline"]) for r in rows],
                   [r["articleHeadlineStance"] for r in rows])


def format_checkthat(r: dict) -> str:
    lines = [f"CheckThat! 2020 task 2: {r['dev']['queries']} dev tweets against {r['claims']} verified claims"]
    if "train" in r:
        lines.append(f"lexical weight {r['lexical_weight']} fitted on train ({r['train']['queries']} tweets, "
                     f"MAP@5 {r['train']['map@5']:.3f})")
    lines.append(f"{'':24}{'MAP@5':>8}{'R@1':>8}{'R@20':>8}")
    for name, key in (("BM25 alone", "dev_bm25_only"), ("sentence model alone", "dev_dense_only"),
                      ("kb (fused)", "dev")):
        s = r[key]
        lines.append(f"{name:24}{s['map@5']:8.3f}{s['r@1']:8.3f}{s['r@20']:8.3f}")
    return "\n".join(lines)


def format_emergent(r: dict) -> str:
    lines = [f"Emergent: {r['headlines']} headlines, {r['claims']} claims (2-fold CV over claims)"]
    lines.append(f"{'clustering':24}{'P':>8}{'R':>8}{'F1':>8}   chosen on the other half")
    for method in ("online", "agglomerative"):
        s = r[f"clustering_{method}"]
        params = "; ".join(str(f["params"]) for f in s["folds"])
        lines.append(f"{method:24}{s['precision']:8.3f}{s['recall']:8.3f}{s['f1']:8.3f}   {params}")
    st = r["stance"]
    lines.append(f"stance (5-fold CV): accuracy {st['accuracy']:.3f}, macro-F1 {st['macro_f1']:.3f} "
                 f"(for {st['f1']['for']:.3f}, against {st['f1']['against']:.3f}, "
                 f"observing {st['f1']['observing']:.3f})")
    return "\n".join(lines)
