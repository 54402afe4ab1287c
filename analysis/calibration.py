"""How an article portrays an actor, decided from its mention judgments.

The per-mention model reads many news sentences as negative or positive (on
BASIL 41% of actor mentions come out negative, while the annotators judged 76%
of the main entities neutrally portrayed). The portrayal of an actor in an
article is therefore not the sign of its net tone: it is a small, fitted rule
over counts of *confident* non-neutral mentions, which leaves most actors
neutral.

The rule
--------
A mention is *confidently negative* when its score (model: p(positive) -
p(negative)) is at most ``-band``, *confidently positive* when at least
``band``. For one (article, actor, voice) with ``n`` mentions, ``neg`` of them
confidently negative and ``pos`` confidently positive:

* ``negative`` if ``neg >= min_negative``, ``neg / n >= min_negative_share``
  and ``neg > pos``;
* else ``positive`` if ``pos >= min_positive``, ``pos / n >= min_positive_share``
  and ``pos > neg``;
* else ``neutral``.

``label_confidence`` is the cross-validated precision of that label on the
fitting data (of the actors the rule called X, the share whose gold was X).

The numbers live in ``resources/sentiment/portrayal.json`` with how they were
fitted; :func:`fit_portrayal_rule` refits them and ``python -m
analysis.calibration`` does it from a run's ``sentiment.csv`` and a table of
gold labels (:func:`basil_portrayal_gold` builds it from BASIL).

Examples
--------
>>> rule = PortrayalRule(band=0.8, min_negative=3, min_negative_share=0.2, min_positive=2,
...                      min_positive_share=0.3, confidence={"negative": 0.5, "neutral": 0.8, "positive": 0.3})
>>> rule.decide(n=10, negative=4, positive=0)
('negative', 0.5)
>>> rule.decide(n=10, negative=1, positive=1)
('neutral', 0.8)
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import AnalysisError
from .resources import read_text
from .types import SENTIMENT_LABELS

__all__ = [
    "PortrayalRule",
    "load_portrayal_rule",
    "PORTRAYAL_FILE",
    "portrayal_counts",
    "predict_portrayal",
    "portrayal_scores",
    "cross_validate_portrayal",
    "fit_portrayal_rule",
    "basil_portrayal_gold",
    "main",
]

#: The shipped rule, in ``analysis/resources/sentiment/``.
PORTRAYAL_FILE = "portrayal.json"
#: Candidate values searched by :func:`fit_portrayal_rule`.
BANDS = (0.5, 0.7, 0.8, 0.9)
MIN_COUNTS = (1, 2, 3, 4, 5, 6, 8, 10)
MIN_SHARES = (0.0, 0.1, 0.2, 0.3, 0.4)
_FIELDS = ("band", "min_negative", "min_negative_share", "min_positive", "min_positive_share")


@dataclass(frozen=True)
class PortrayalRule:
    """The decision from an actor's mention counts to its portrayal (see the module docstring)."""

    band: float
    min_negative: int
    min_negative_share: float
    min_positive: int
    min_positive_share: float
    confidence: dict = field(default_factory=lambda: {label: 0.0 for label in SENTIMENT_LABELS}, compare=False,
                             hash=False)
    source: str = ""

    def decide(self, n: int, negative: int, positive: int) -> tuple[str, float]:
        """(label, confidence) for ``n`` mentions of which ``negative`` are at or
        below ``-band`` and ``positive`` at or above ``band``."""
        label = predict_portrayal(self, np.array([n]), np.array([negative]), np.array([positive]))[0]
        return label, float(self.confidence.get(label, 0.0))

    def describe(self, label: str) -> str:
        """The condition behind ``label``, in words (for evidence strings)."""
        def part(count, sign, share):
            of = f" making up >= {share:.0%} of them" if share else ""
            return f">= {count} mention(s) at score {sign} {self.band if sign == '>=' else -self.band:+.2f}{of}"

        neg = part(self.min_negative, "<=", self.min_negative_share)
        pos = part(self.min_positive, ">=", self.min_positive_share)
        return {"negative": f"negative needs {neg}, more than positive ones",
                "positive": f"positive needs {pos}, more than negative ones",
                "neutral": f"negative needs {neg}; positive needs {pos}"}[label]


def predict_portrayal(rule: PortrayalRule, n, negative, positive) -> np.ndarray:
    """The rule applied to arrays of counts (mentions, confidently negative, confidently positive)."""
    n, negative, positive = (np.asarray(x, dtype=float) for x in (n, negative, positive))
    share = np.maximum(n, 1)
    is_neg = (negative >= rule.min_negative) & (negative / share >= rule.min_negative_share) & (negative > positive)
    is_pos = ((positive >= rule.min_positive) & (positive / share >= rule.min_positive_share) & (positive > negative)
              & ~is_neg)
    return np.where(is_neg, "negative", np.where(is_pos, "positive", "neutral")).astype(object)


@functools.lru_cache(maxsize=4)
def load_portrayal_rule(path: str | Path | None = None) -> PortrayalRule:
    """The portrayal rule from a JSON file (default: the shipped one).

    Raises
    ------
    AnalysisError
        If the file is missing, not JSON, or lacks a field (naming it).
    """
    text, source = read_text(path, f"sentiment/{PORTRAYAL_FILE}", what="a portrayal rule JSON file")
    try:
        data = json.loads(text)
        rule = data["rule"]
        values = {"band": float(rule["band"]), "min_negative": int(rule["min_negative"]),
                  "min_negative_share": float(rule["min_negative_share"]),
                  "min_positive": int(rule["min_positive"]),
                  "min_positive_share": float(rule["min_positive_share"])}
        confidence = {label: float(data["label_confidence"][label]) for label in SENTIMENT_LABELS}
    except json.JSONDecodeError as exc:
        raise AnalysisError(f"not JSON: {exc.msg} (line {exc.lineno})", source=source) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise AnalysisError(f"missing or bad field {exc}; needed: rule.{', rule.'.join(_FIELDS)} and "
                            f"label_confidence.{{{', '.join(SENTIMENT_LABELS)}}}", source=source) from None
    return PortrayalRule(**values, confidence=confidence, source=source)


# --------------------------------------------------------------------------- fitting


def portrayal_counts(sentiment: pd.DataFrame, band: float, *, voice: str = "all") -> pd.DataFrame:
    """Per (article_id, actor): ``n``, ``negative`` (mentions with score <= -band)
    and ``positive`` (score >= band), over all voices (``voice="all"``) or one
    (``"author"``): the counts the rule reads, as :func:`analysis.summaries.summarize_sentiment`
    gathers them."""
    rows = sentiment if voice == "all" else sentiment[sentiment.voice == voice]
    marked = rows.assign(negative=rows.score <= -band, positive=rows.score >= band)
    return marked.groupby(["article_id", "actor"], as_index=False).agg(
        n=("score", "size"), negative=("negative", "sum"), positive=("positive", "sum"))


def portrayal_scores(gold, predicted) -> dict:
    """Accuracy, macro-F1 and F1 per class over negative / neutral / positive."""
    gold, predicted = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    scores = {"n": len(gold), "accuracy": float((gold == predicted).mean()) if len(gold) else 0.0}
    f1s = []
    for label in SENTIMENT_LABELS:
        tp = int(((gold == label) & (predicted == label)).sum())
        n_pred, n_gold = int((predicted == label).sum()), int((gold == label).sum())
        precision, recall = (tp / n_pred if n_pred else 0.0), (tp / n_gold if n_gold else 0.0)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[f"f1_{label}"], scores[f"precision_{label}"] = round(f1, 4), round(precision, 4)
        f1s.append(f1)
    scores["f1_macro"] = round(float(np.mean(f1s)), 4)
    scores["accuracy"] = round(scores["accuracy"], 4)
    return scores


def _table(sentiment: pd.DataFrame, gold: pd.DataFrame, voice: str, bands) -> dict[float, pd.DataFrame]:
    """Gold pairs with the rule's counts for each candidate band (zero counts where the actor was not judged)."""
    out = {}
    for band in bands:
        merged = gold.merge(portrayal_counts(sentiment, band, voice=voice), on=["article_id", "actor"], how="left")
        out[band] = merged.fillna({"n": 0, "negative": 0, "positive": 0})
    return out


def _f1(tp, n_pred, n_gold):
    precision = np.divide(tp, n_pred, out=np.zeros_like(tp, dtype=float), where=n_pred > 0)
    recall = np.divide(tp, n_gold, out=np.zeros_like(tp, dtype=float), where=n_gold > 0)
    total = precision + recall
    return np.divide(2 * precision * recall, total, out=np.zeros_like(total), where=total > 0)


def _best_rule(tables: dict[float, pd.DataFrame], rows: np.ndarray, counts, shares) -> PortrayalRule:
    """The candidate with the best macro-F1 on ``rows`` among those at least as
    accurate as answering neutral everywhere (ties: the first in the order
    band, min_negative, min_negative_share, min_positive, min_positive_share).

    Every candidate is scored at once: the negative side's condition does not
    depend on the positive side's thresholds, so the confusion counts of all
    pairs of (negative, positive) conditions are matrix products.
    """
    sides = list(itertools.product(counts, shares))
    best, best_key = None, None
    for band in sorted(tables):
        t = tables[band]
        gold = t.label.to_numpy(dtype=object)[rows]
        n, neg, pos = (t[c].to_numpy(dtype=float)[rows] for c in ("n", "negative", "positive"))
        share = np.maximum(n, 1)
        is_neg = np.array([(neg >= k) & (neg / share >= r) & (neg > pos) for k, r in sides], dtype=float)
        is_pos = np.array([(pos >= k) & (pos / share >= r) & (pos > neg) for k, r in sides], dtype=float)
        g_neg, g_neu, g_pos = ((gold == label).astype(float) for label in SENTIMENT_LABELS)
        not_neg = 1.0 - is_neg
        # [i, j]: negative side i, positive side j
        pred_neg = np.repeat(is_neg.sum(1)[:, None], len(sides), axis=1)
        tp_neg = np.repeat((is_neg @ g_neg)[:, None], len(sides), axis=1)
        pred_pos = not_neg @ is_pos.T
        tp_pos = (not_neg * g_pos) @ is_pos.T
        pred_neu = len(gold) - pred_neg - pred_pos
        tp_neu = g_neu.sum() - (is_neg @ g_neu)[:, None] - (not_neg * g_neu) @ is_pos.T
        macro = (_f1(tp_neg, pred_neg, g_neg.sum()) + _f1(tp_neu, pred_neu, g_neu.sum())
                 + _f1(tp_pos, pred_pos, g_pos.sum())) / 3
        accurate = (tp_neg + tp_neu + tp_pos) / max(len(gold), 1) >= g_neu.mean() - 1e-12
        key = np.where(accurate, 1.0, 0.0) * 10 + macro
        i, j = np.unravel_index(int(np.argmax(key)), key.shape)
        if best_key is None or key[i, j] > best_key + 1e-12:
            best_key = key[i, j]
            best = PortrayalRule(band, sides[i][0], sides[i][1], sides[j][0], sides[j][1])
    return best


def _folds(groups: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Fold number of each row, whole groups (BASIL event triplets) to one fold."""
    uniq = np.random.default_rng(seed).permutation(np.unique(groups))
    fold_of = {g: i % k for i, g in enumerate(uniq)}
    return np.array([fold_of[g] for g in groups])


def cross_validate_portrayal(sentiment: pd.DataFrame, gold: pd.DataFrame, *, voice: str = "author", k: int = 5,
                             seeds: tuple[int, ...] = (0, 1, 2), bands=BANDS, counts=MIN_COUNTS,
                             shares=MIN_SHARES) -> dict:
    """Grouped k-fold cross-validation of the whole fitting procedure (the grid
    search runs inside each training split), repeated over fold seeds.

    Parameters
    ----------
    sentiment
        ``sentiment.csv`` rows of a run over the gold articles.
    gold
        ``article_id, actor, label, group``: one gold portrayal per pair;
        ``group`` keeps related articles (BASIL's event triplet) in one fold.
    voice
        ``all`` or ``author``: which mentions the rule counts.
    k, seeds
        Folds, and the seeds of the random assignment of groups to folds.
    bands, counts, shares
        The grid searched: bands, minimum counts and minimum shares (the same
        candidates for the negative and the positive side).

    Returns
    -------
    dict
        ``per_seed``: scores of the out-of-fold predictions for each seed;
        ``mean``: their mean; ``baseline``: all-neutral scores;
        ``confidence``: out-of-fold precision per predicted label (seed mean).
    """
    tables = _table(sentiment, gold, voice, bands)
    labels = gold.label.to_numpy(dtype=object)
    groups = gold.group.to_numpy()
    per_seed, precisions = [], []
    for seed in seeds:
        fold = _folds(groups, k, seed)
        predicted = np.empty(len(gold), dtype=object)
        for f in range(k):
            test = fold == f
            rule = _best_rule(tables, ~test, counts, shares)
            t = tables[rule.band]
            predicted[test] = predict_portrayal(rule, t.n.to_numpy()[test], t.negative.to_numpy()[test],
                                                t.positive.to_numpy()[test])
        scores = portrayal_scores(labels, predicted)
        per_seed.append(scores)
        precisions.append([scores[f"precision_{label}"] for label in SENTIMENT_LABELS])
    mean = {key: round(float(np.mean([s[key] for s in per_seed])), 4) for key in per_seed[0]}
    conf = dict(zip(SENTIMENT_LABELS, (round(float(x), 2) for x in np.mean(precisions, axis=0)), strict=True))
    return {"per_seed": per_seed, "mean": mean, "confidence": conf,
            "baseline": portrayal_scores(labels, np.full(len(labels), "neutral", dtype=object))}


def fit_portrayal_rule(sentiment: pd.DataFrame, gold: pd.DataFrame, *, voice: str = "author", k: int = 5,
                       seeds: tuple[int, ...] = (0, 1, 2), bands=BANDS, counts=MIN_COUNTS,
                       shares=MIN_SHARES) -> tuple[PortrayalRule, dict]:
    """The rule fitted on all of ``gold`` and its cross-validated figures.

    The grid (``BANDS`` x counts x shares, for each side) is searched for the
    best macro-F1 among the rules at least as accurate as answering neutral
    everywhere. ``label_confidence`` is the cross-validated precision of each
    label. See :func:`cross_validate_portrayal` for the arguments.

    Returns
    -------
    (PortrayalRule, dict)
        The rule, and a report: ``cross_validated``, ``in_sample``, counts.
    """
    missing = [c for c in ("article_id", "actor", "label", "group") if c not in gold]
    if missing:
        raise AnalysisError(f"gold table lacks column(s) {', '.join(missing)}", source="gold")
    if voice not in ("all", "author"):
        raise AnalysisError(f"voice={voice!r}; valid: 'all', 'author'", source="voice")
    tables = _table(sentiment, gold, voice, bands)
    best = _best_rule(tables, np.ones(len(gold), dtype=bool), counts, shares)
    t = tables[best.band]
    in_sample = portrayal_scores(t.label.to_numpy(dtype=object), predict_portrayal(best, t.n, t.negative, t.positive))
    cv = cross_validate_portrayal(sentiment, gold, voice=voice, k=k, seeds=seeds, bands=bands, counts=counts,
                                  shares=shares)
    rule = PortrayalRule(**{f: getattr(best, f) for f in _FIELDS}, confidence=cv["confidence"])
    report = {"cross_validated": cv, "in_sample": in_sample, "pairs": len(gold),
              "gold": gold.label.value_counts().to_dict(), "judged_pairs": int((t.n > 0).sum()), "voice": voice}
    return rule, report


def basil_portrayal_gold(basil_dir: str | Path, registry) -> pd.DataFrame:
    """BASIL's ``author_feeling_<Entity>`` labels as a gold table for fitting:
    ``article_id`` (as :func:`analysis.datasets.read_basil` names articles),
    ``actor`` (by :func:`analysis.evaluate.map_basil_entities`), ``label``,
    ``group`` (the event triplet). Entities the registry lacks are dropped."""
    from .datasets import read_basil
    from .evaluate import map_basil_entities

    basil = read_basil(basil_dir)
    triplet = {a.id: dict(a.extra).get("triplet", a.id) for a in basil.articles}
    actor_of = map_basil_entities(sorted(set(basil.feelings.entity)), registry)
    gold = basil.feelings.assign(actor=basil.feelings.entity.map(actor_of),
                                 group=basil.feelings.article_id.map(triplet))
    return gold[gold.actor != ""][["article_id", "actor", "label", "group"]].reset_index(drop=True)


def _write(rule: PortrayalRule, report: dict, out: Path, command: str) -> None:
    cv = report["cross_validated"]
    data = {
        "about": ("Per-actor portrayal per article (actor_summary.csv label): see analysis/calibration.py. "
                  "A mention counts as confidently negative when its score <= -band, positive when >= band."),
        "rule": {f: getattr(rule, f) for f in _FIELDS},
        "label_confidence": rule.confidence,
        "fitted": {
            "command": command,
            "data": ("BASIL development half (Fan et al., EMNLP 2019; ../shared/data/basil): author_feeling_<Entity> "
                     "labels, against the sentiment.csv of a run of the model backend over its 150 articles with "
                     "the registry analysis/resources/evaluation/basil_actors.yaml, as written by "
                     "`python -m analysis evaluate basil ../shared/data/basil --out RUN`"),
            "voice": report["voice"],
            "pairs": report["pairs"], "judged_pairs": report["judged_pairs"], "gold": report["gold"],
            "selection": ("grid over band, counts and shares; best macro-F1 among rules at least as accurate "
                          "as all-neutral"),
            "cross_validated": {"folds": 5, "grouped_by": "BASIL event triplet", "seeds": len(cv["per_seed"]),
                                "mean": cv["mean"], "all_neutral": cv["baseline"]},
            "in_sample": report["in_sample"],
        },
    }
    out.write_text(json.dumps(data, indent=2, default=float) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.calibration --run DIR (--basil DIR --actors FILE | --gold CSV) [--out FILE]``."""
    parser = argparse.ArgumentParser(prog="python -m analysis.calibration",
                                     description="Refit the per-actor portrayal rule on labelled articles.")
    parser.add_argument("--run", required=True, help="a run folder with sentiment.csv (python -m analysis run)")
    parser.add_argument("--basil", help="BASIL folder (e.g. ../shared/data/basil); needs --actors")
    parser.add_argument("--actors", help="the registry the run used")
    parser.add_argument("--gold", help="instead of --basil: CSV with article_id, actor, label, group")
    parser.add_argument("--voice", default="author", choices=["all", "author"],
                        help="mentions counted (default author: those the author-voice row of actor_summary.csv "
                             "counts, the row BASIL's author_feeling is scored against)")
    parser.add_argument("--out", help="write the rule here (e.g. analysis/resources/sentiment/portrayal.json)")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    sentiment = pd.read_csv(Path(args.run) / "sentiment.csv", usecols=["article_id", "actor", "voice", "score"])
    if args.gold:
        gold = pd.read_csv(args.gold, dtype={"article_id": str})
    elif args.basil and args.actors:
        from .actors import load_actors

        gold = basil_portrayal_gold(args.basil, load_actors(args.actors))
    else:
        parser.error("give --gold CSV, or --basil DIR with --actors FILE")
    rule, report = fit_portrayal_rule(sentiment, gold, voice=args.voice)
    cv = report["cross_validated"]
    print(json.dumps({"rule": asdict(rule) | {"source": None}, "cross_validated": cv["mean"],
                      "all_neutral": cv["baseline"], "in_sample": report["in_sample"]}, default=float))
    if args.out:
        _write(rule, report, Path(args.out), "python -m analysis.calibration " + " ".join(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
