"""How far each stage can be trusted: scores with 95% intervals, confusion
tables and typical errors, on the project's own gold and on public data.

Each ``*_validation`` function scores one stage (or, for BASIL, every stage
of a batch run) with the scorers of :mod:`analysis.evaluate` and returns a
:class:`Validation`: a long table of scores (``stage, data, metric, value,
low, high, n`` ...), confusion tables, and every error as a row, from which
:func:`typical_errors` draws a few to read. :func:`validation_scores` stacks
the score tables of several validations for one figure
(:func:`analysis.plots.plot_validation_scores`).

The data sets are read by path at run time, never copied
(:func:`data_sources` says where each is expected and which paper it comes
from).

Examples
--------
>>> errors = pd.DataFrame({"gold": ["negative"] * 6 + ["positive"] * 2, "predicted": ["neutral"] * 8})
>>> typical_errors(errors, by=["gold", "predicted"], n=4).gold.tolist()
['negative', 'negative', 'negative', 'positive']
"""

from __future__ import annotations

import contextlib
import functools
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .actors import load_actors
from .batch import run_corpus
from .corpus import load_corpus

# The private helpers are the scorers' own matching rules (which prediction overlaps which gold
# item), used to list the errors behind each score; every count is checked against the scorer.
from .datasets import read_basil, read_newsmtsc, read_polnear
from .errors import AnalysisError
from .evaluate import (
    BASIL_ACTORS,
    PREDICTED_REFERENCE_METHODS,
    REFERENCE_TYPES,
    attribution_overlaps,
    basil_rows,
    bootstrap_over_articles,
    evaluate_basil,
    load_gold_mentions,
    matched_mentions,
    normalised_text,
    overlap_size,
    score_attributions,
    score_by_type,
    score_mentions,
    score_polarity,
    span_sentences,
)
from .pipeline import analyze, quotes_of
from .sentiment import default_backend, target_predictor
from .types import OTHER_ACTOR, SENTIMENT_LABELS

__all__ = [
    "Validation",
    "SCORE_COLUMNS",
    "DATA_SOURCES",
    "SOURCE_NOTES",
    "data_sources",
    "missing_data_note",
    "mention_validation",
    "newsmtsc_validation",
    "polnear_validation",
    "basil_validation",
    "validation_scores",
    "typical_errors",
    "confusion_table",
]

#: Columns of :attr:`Validation.scores` and :func:`validation_scores`.
SCORE_COLUMNS = ["stage", "data", "metric", "value", "low", "high", "n", "unit", "resampled", "baseline",
                 "baseline_name"]

#: The public data sets scored here: a name, the file or folder under ``data_dir``, and the source.
DATA_SOURCES = (
    ("NewsMTSC dev_rw", "newsmtsc/dev_rw.jsonl",
     "NewsMTSC, Hamborg & Donnay, EACL 2021 (MIT licence): per-target sentiment in news sentences"),
    ("NewsMTSC dev_mt", "newsmtsc/dev_mt.jsonl", "the same, sentences with two or more targets"),
    ("PolNeAR dev", "polnear/dev.jsonl",
     "PolNeAR, Newell, Margolin & Ruths, LREC 2018: attributions (source, cue, content) in election news"),
    ("BASIL dev", "basil",
     "BASIL, Fan et al., EMNLP 2019: entity sentiment, bias spans, quotes and speakers in news articles"),
)


#: Data name -> where it comes from, for the notes under the validation figure.
SOURCE_NOTES = {**{name: cite for name, _, cite in DATA_SOURCES},
                "worked example": "the CNN article in corpus/, with mentions and quotes annotated by us"}


@dataclass(frozen=True)
class Validation:
    """What one validation found.

    Attributes
    ----------
    scores
        One row per score (:data:`SCORE_COLUMNS`): ``value`` with its 95%
        bootstrap interval ``low``-``high``, ``n`` units scored (``unit``
        says what they are), ``resampled`` what the bootstrap drew, and a
        ``baseline`` (``baseline_name``) where one is meaningful.
    confusion
        Named tables, rows gold and columns found (counts).
    errors
        Stage -> every error as a row (:func:`typical_errors` picks a few).
    details
        Anything else worth reporting (a table by annotated type, the raw
        scorer output, counts of what was left out).
    """

    scores: pd.DataFrame
    confusion: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)


def data_sources(data_dir: str | Path) -> pd.DataFrame:
    """Each public data set, where it is expected under ``data_dir``, whether it is
    there, and where it comes from.

    >>> data_sources("/nonexistent").present.any()
    np.False_
    """
    root = Path(data_dir)
    return pd.DataFrame([{"data": name, "path": str(root / rel), "present": (root / rel).exists(), "source": cite}
                         for name, rel, cite in DATA_SOURCES])


def missing_data_note(data_dir: str | Path) -> str | None:
    """One line saying which data sets are missing from ``data_dir`` and where
    they come from, or ``None`` when every one is there.

    >>> missing_data_note("/nonexistent").startswith("No development data")
    True
    """
    sources = data_sources(data_dir)
    if sources.present.all():
        return None
    missing = sources[~sources.present]
    return (f"No development data at {data_dir} ({', '.join(missing.data)} missing): only the worked example is "
            "scored. The data sets are public: NewsMTSC (Hamborg & Donnay, EACL 2021), PolNeAR (Newell, Margolin "
            "& Ruths, LREC 2018) and BASIL (Fan et al., EMNLP 2019); set data_dir to the folder that holds them "
            "(layout: newsmtsc/dev_rw.jsonl, newsmtsc/dev_mt.jsonl, polnear/dev.jsonl, basil/).")


# --- shared pieces ---------------------------------------------------------------------------------


def _score_row(stage, data, metric, boot: dict, *, unit, resampled, baseline=float("nan"), baseline_name="",
               value=None, n=None) -> dict:
    return {"stage": stage, "data": data, "metric": metric,
            "value": boot["value"] if value is None else value, "low": boot["low"], "high": boot["high"],
            "n": boot["n"] if n is None else n, "unit": unit, "resampled": resampled,
            "baseline": baseline, "baseline_name": baseline_name}


def _scores_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    for column in ("value", "low", "high", "baseline"):
        frame[column] = frame[column].astype(float)
    frame["n"] = frame["n"].astype(int)
    return frame


def _ratio(numerator: str, denominator: str):
    """A statistic over a table of counts: sum of one column over the sum of another."""
    def statistic(frame):
        den = frame[denominator].sum()
        return frame[numerator].sum() / den if den else float("nan")
    return statistic


def _f1(p_num: str, p_den: str, r_num: str, r_den: str):
    """F1 of the precision and recall made of four count columns."""
    def statistic(frame):
        p, r = _ratio(p_num, p_den)(frame), _ratio(r_num, r_den)(frame)
        if np.isnan(p) or np.isnan(r):
            return float("nan")
        return 2 * p * r / (p + r) if p + r else 0.0
    return statistic


def confusion_table(confusion, labels=SENTIMENT_LABELS) -> pd.DataFrame:
    """A square list of counts (rows gold, columns predicted, as
    :func:`~analysis.evaluate.score_polarity` returns it) as a labelled table.

    >>> confusion_table([[5, 1, 0], [2, 9, 1], [0, 3, 4]]).loc["neutral", "negative"]
    np.int64(2)
    """
    table = pd.DataFrame(np.asarray(confusion, dtype=int), index=list(labels), columns=list(labels))
    table.index.name, table.columns.name = "gold", "predicted"
    return table


def typical_errors(errors: pd.DataFrame, *, by=None, n: int = 10, seed: int = 0) -> pd.DataFrame:
    """A few errors that show what the errors are like: ``n`` rows drawn at random
    (seeded), in proportion to how common each kind of error is.

    Parameters
    ----------
    errors
        Every error as a row (e.g. ``Validation.errors["sentiment"]``).
    by
        Column(s) that name the kind of error (``["gold", "predicted"]``); the
        ``n`` rows are shared among the kinds by their size (largest remainder),
        so the common kinds are shown most and a rare kind may not be shown.
        ``None``: a plain random sample.
    n
        How many rows.
    seed
        Seed of the draw, so that the same rows come back.

    Returns
    -------
    DataFrame
        The rows drawn, the most common kind first; with ``by``, a column
        ``share``: the share of all errors that are of the row's kind.

    Examples
    --------
    >>> errors = pd.DataFrame({"kind": list("aaaaaabb"), "x": range(8)})
    >>> typical_errors(errors, by="kind", n=4).kind.tolist()
    ['a', 'a', 'a', 'b']
    """
    if n < 0:
        raise AnalysisError(f"n must be 0 or more, not {n}", source="n")
    rng = np.random.default_rng(seed)
    if by is None or not len(errors):
        picked = np.sort(rng.permutation(len(errors))[: min(n, len(errors))])
        return errors.iloc[picked].reset_index(drop=True)
    by = [by] if isinstance(by, str) else list(by)
    unknown = [c for c in by if c not in errors.columns]
    if unknown:
        raise AnalysisError(f"no column {', '.join(map(repr, unknown))} in the errors; columns: "
                            f"{', '.join(map(str, errors.columns))}", source="by")
    groups = sorted(errors.groupby(by, sort=True, dropna=False).indices.items(), key=lambda kv: -len(kv[1]))
    total = len(errors)
    take = min(n, total)
    quotas = [take * len(idx) / total for _, idx in groups]
    counts = [int(q) for q in quotas]
    # the rows left over go to the kinds with the largest remainders (the larger kind first on ties)
    for i in sorted(range(len(groups)), key=lambda i: (-(quotas[i] - counts[i]), i))[: take - sum(counts)]:
        counts[i] += 1
    parts = []
    for (_, idx), count in zip(groups, counts, strict=True):
        if count:
            chosen = np.sort(rng.choice(idx, size=count, replace=False))
            parts.append(errors.iloc[chosen].assign(share=round(len(idx) / total, 3)))
    return pd.concat(parts).reset_index(drop=True) if parts else errors.head(0).assign(share=[])


def validation_scores(*validations: Validation) -> pd.DataFrame:
    """The score tables of several validations, stacked in the order given.

    >>> v = Validation(_scores_frame([_score_row("quotes", "demo", "recall", {"value": 0.5, "low": 0.4,
    ...     "high": 0.6, "n": 10}, unit="quotes", resampled="articles")]))
    >>> validation_scores(v, v)[["stage", "value", "n"]].values.tolist()
    [['quotes', 0.5, 10], ['quotes', 0.5, 10]]
    """
    frames = [v.scores for v in validations if v is not None and len(v.scores)]
    if not frames:
        return _scores_frame([])
    return pd.concat(frames, ignore_index=True)


# --- 1. actor mentions against the project's own gold ------------------------------------------


def _overlapping(rows: pd.DataFrame, article_id: str, start: int, end: int) -> pd.DataFrame:
    """Rows of an article overlapping [start, end), the largest overlap first."""
    own = rows[(rows.article_id == article_id) & (rows.start < end) & (rows.end > start)]
    size = np.minimum(own.end, end) - np.maximum(own.start, start)
    return own.assign(_size=size).sort_values("_size", ascending=False, kind="stable")


def _mention_counts(predicted: pd.DataFrame, gold: pd.DataFrame, sentences: pd.DataFrame):
    """Per-sentence counts of every level of :func:`~analysis.evaluate.score_mentions`,
    and the predicted and gold rows with ``matched`` flags (the scorer's own matching)."""
    articles = set(gold.article_id)
    pred = predicted[(predicted.actor != OTHER_ACTOR) & predicted.article_id.isin(articles)].copy()
    gold = gold.copy()
    sentences = sentences[sentences.article_id.isin(articles)]
    pred["sentence"], gold["sentence"] = span_sentences(pred, sentences), span_sentences(gold, sentences)
    pairs = matched_mentions(pred, gold)
    pred["matched"], gold["matched"] = pred.index.isin([p for p, _ in pairs]), gold.index.isin([g for _, g in pairs])
    ref_pred, ref_gold = pred.method.isin(PREDICTED_REFERENCE_METHODS), gold.type.isin(REFERENCE_TYPES)
    ref_pairs = matched_mentions(pred[ref_pred], gold[ref_gold])
    ref_matched = set(g for _, g in ref_pairs)
    pred_pairs = set(zip(pred.article_id, pred.sentence, pred.actor, strict=True))
    gold_pairs = set(zip(gold.article_id, gold.sentence, gold.actor, strict=True))
    rows = []
    for s in sentences.itertuples():
        at = (s.article_id, s.sentence_id)
        p_here = (pred.article_id == s.article_id) & (pred.sentence == s.sentence_id)
        g_here = (gold.article_id == s.article_id) & (gold.sentence == s.sentence_id)
        rows.append({
            "article_id": f"{s.article_id}#{s.sentence_id}",  # the bootstrap draws sentences
            "sentence_tp": sum(1 for k in pred_pairs & gold_pairs if k[:2] == at),
            "sentence_pred": sum(1 for k in pred_pairs if k[:2] == at),
            "sentence_gold": sum(1 for k in gold_pairs if k[:2] == at),
            "mention_tp": int(gold.matched[g_here].sum()), "mention_pred": int(p_here.sum()),
            "mention_gold": int(g_here.sum()),
            "reference_tp": int(sum(1 for g in gold.index[g_here & ref_gold] if g in ref_matched)),
            "reference_pred": int((p_here & ref_pred).sum()), "reference_gold": int((g_here & ref_gold).sum()),
        })
    return pd.DataFrame(rows), pred, gold


def _check_counts(what: str, ours: dict, theirs: dict) -> None:
    differ = {k: (v, theirs[k]) for k, v in ours.items() if v != theirs[k]}
    if differ:
        raise AnalysisError(f"the error lists disagree with {what} ({differ}); analysis/validation.py must "
                            "follow the scorer's matching rules", source="analysis/evaluate.py")


def mention_validation(corpus_path: str | Path, actors_path: str | Path, gold_path: str | Path, *,
                       n_boot: int = 1000, seed: int = 0, cache_dir=None, sentiment_backend: str | None = None,
                       data: str = "worked example (our gold)") -> Validation:
    """Actor mentions of the annotated articles against hand-made gold mentions.

    Parameters
    ----------
    corpus_path, actors_path
        The corpus and the actor registry (the articles with gold are analysed).
    gold_path
        Gold mention files (:func:`~analysis.evaluate.load_gold_mentions`).
    n_boot, seed
        Bootstrap resamples of sentences for the 95% intervals.
    cache_dir, sentiment_backend
        As for :func:`analysis.pipeline.analyze`.
    data
        The name the score rows carry in their ``data`` column.

    Returns
    -------
    Validation
        Scores: precision, recall and F1 at the sentence, mention and
        reference level (:func:`~analysis.evaluate.score_mentions`). Confusion
        ``actors``: each gold mention's actor against the actor of the found
        mention that overlaps it most (``(nothing)`` if none), and found
        mentions that overlap no gold one (row ``(no gold mention)``).
        Errors ``mentions``: every gold mention missed or given another actor,
        and every found mention with no gold one. Details: ``by_type`` (recall
        by annotated type, :func:`~analysis.evaluate.score_by_type`) and
        ``pooled`` (the scorer's table).

    Notes
    -----
    The mentions of one sentence are not independent, so the bootstrap draws
    whole sentences (a cluster bootstrap); with one annotated article the
    intervals describe these sentences, not news in general.
    """
    articles = load_corpus(corpus_path)
    gold = load_gold_mentions(gold_path, articles)
    articles = [a for a in articles if a.id in set(gold.article_id)]
    result = analyze(articles, load_actors(actors_path), cache_dir=cache_dir, progress=False,
                     sentiment_backend=sentiment_backend)
    pooled = score_mentions(result.mentions, gold, result.sentences)
    counts, pred, gold_rows = _mention_counts(result.mentions, gold, result.sentences)
    for level in pooled.itertuples():
        _check_counts("score_mentions", {"tp": int(counts[f"{level.level}_tp"].sum()),
                                         "n_pred": int(counts[f"{level.level}_pred"].sum()),
                                         "n_gold": int(counts[f"{level.level}_gold"].sum())},
                      {"tp": int(level.tp), "n_pred": int(level.n_pred), "n_gold": int(level.n_gold)})
    boot = functools.partial(bootstrap_over_articles, counts, n_boot=n_boot, seed=seed)
    names = {"sentence": "actor in sentence", "mention": "mention", "reference": "pronoun, description, speaker"}
    rows = []
    for level in pooled.level:
        tp, n_pred, n_gold = f"{level}_tp", f"{level}_pred", f"{level}_gold"
        unit = "(sentence, actor) pairs" if level == "sentence" else "mentions"
        for metric, statistic, n in (("precision", _ratio(tp, n_pred), n_pred), ("recall", _ratio(tp, n_gold), n_gold),
                                     ("F1", _f1(tp, n_pred, tp, n_gold), n_gold)):
            rows.append(_score_row("mentions", data, f"{names[level]}: {metric}", boot(statistic),
                                   n=int(counts[n].sum()), unit=f"{'found' if n == n_pred else 'gold'} {unit}",
                                   resampled="sentences"))
    text_of = dict(zip(zip(result.sentences.article_id, result.sentences.sentence_id), result.sentences.text,
                       strict=True))
    every_pred = result.mentions
    errors, confusion = [], []
    for g in gold_rows.itertuples():
        hits = _overlapping(every_pred, g.article_id, g.start, g.end)
        found = hits.iloc[0] if len(hits) else None
        found_actor = "(nothing)" if found is None else found.actor
        confusion.append((g.actor, g.actor if g.matched else found_actor))
        if g.matched:
            continue
        registry_hits = hits[hits.actor != OTHER_ACTOR]
        kind = ("given another actor" if len(registry_hits) else "found only as an unknown entity" if len(hits)
                else "missed")
        shown = registry_hits.iloc[0] if len(registry_hits) else found
        errors.append({"error": kind, "article_id": g.article_id,
                       "sentence": text_of.get((g.article_id, g.sentence), ""),
                       "gold_text": g.text, "gold_actor": g.actor, "gold_type": g.type,
                       "found_text": "" if shown is None else shown.text,
                       "found_actor": "" if shown is None else shown.actor,
                       "found_method": "" if shown is None else shown.method})
    for p in pred[~pred.matched].itertuples():
        if len(_overlapping(gold_rows, p.article_id, p.start, p.end)):
            continue  # a gold mention is there: listed above as given another actor
        confusion.append(("(no gold mention)", p.actor))
        errors.append({"error": "not in the gold", "article_id": p.article_id,
                       "sentence": text_of.get((p.article_id, p.sentence), ""), "gold_text": "", "gold_actor": "",
                       "gold_type": "", "found_text": p.text, "found_actor": p.actor, "found_method": p.method})
    table = pd.crosstab(pd.Series([g for g, _ in confusion], name="gold"),
                        pd.Series([f for _, f in confusion], name="found")) if confusion else pd.DataFrame()
    error_columns = ["error", "article_id", "sentence", "gold_text", "gold_actor", "gold_type", "found_text",
                     "found_actor", "found_method"]
    return Validation(_scores_frame(rows), {"actors": table},
                      {"mentions": pd.DataFrame(errors, columns=error_columns)},
                      {"by_type": score_by_type(result.mentions, gold), "pooled": pooled})


# --- 2. sentiment per mention against NewsMTSC --------------------------------------------------


def newsmtsc_validation(path: str | Path, *, backend: str | None = None, limit: int | None = None,
                        n_boot: int = 1000, seed: int = 0, batch_size: int = 64,
                        data: str | None = None) -> Validation:
    """Per-target sentiment against a NewsMTSC file (``dev_rw.jsonl``, ``dev_mt.jsonl``).

    Parameters
    ----------
    path
        A NewsMTSC JSONL file (:func:`~analysis.datasets.read_newsmtsc`).
    backend
        ``model``, ``lexicon`` or ``None`` for :func:`~analysis.sentiment.default_backend`.
    limit
        Score only the first ``limit`` targets (``None``: all).
    n_boot, seed
        Bootstrap resamples of targets for the 95% intervals.
    data
        The name in the ``data`` column (default: ``NewsMTSC <file stem>``).

    Returns
    -------
    Validation
        Scores: macro-F1, accuracy and F1pn (:func:`~analysis.evaluate.score_polarity`,
        the metrics of the paper), each with the majority-class baseline.
        Confusion ``sentiment``. Errors ``sentiment``: ``sentence, target,
        gold, predicted, confidence`` (the predicted class's probability).
        Details: ``backend``, ``pooled`` (the scorer's dict).

    Notes
    -----
    Predicts and scores as :func:`~analysis.evaluate.evaluate_newsmtsc` does,
    keeping the predictions to list the errors. NewsMTSC: Hamborg & Donnay,
    "NewsMTSC: A Dataset for (Multi-)Target-dependent Sentiment Classification
    in Political News Articles", EACL 2021.
    """
    path = Path(path)
    sentences, spans, gold = read_newsmtsc(path)
    sentences, spans, gold = sentences[:limit], spans[:limit], gold[:limit]
    backend = backend or default_backend()
    probs = np.asarray(target_predictor(backend).predict(sentences, spans, batch_size=batch_size))
    predicted = [SENTIMENT_LABELS[i] for i in probs.argmax(axis=1)] if len(gold) else []
    scores = score_polarity(gold, predicted, n_boot=n_boot, seed=seed)
    majority = max(SENTIMENT_LABELS, key=gold.count) if gold else "neutral"
    baseline = score_polarity(gold, [majority] * len(gold), n_boot=0)
    data = data or f"NewsMTSC {path.stem}"
    rows = [_score_row("sentiment", data, name, {"value": scores[key], "low": scores.get(f"{key}_low", np.nan),
                                                  "high": scores.get(f"{key}_high", np.nan), "n": scores["n"]},
                       unit="targets", resampled="targets", baseline=baseline[key],
                       baseline_name=f"majority class ({majority})")
            for key, name in (("f1_macro", "macro-F1"), ("accuracy", "accuracy"),
                              ("f1_pn", "F1pn (mean F1 of negative and positive)"))]
    errors = pd.DataFrame({
        "sentence": sentences, "target": [s[a:b] for s, (a, b) in zip(sentences, spans, strict=True)],
        "gold": gold, "predicted": predicted,
        "confidence": probs.max(axis=1).round(3) if len(gold) else [],
    })
    errors = errors[errors.gold != errors.predicted].reset_index(drop=True)
    return Validation(_scores_frame(rows), {"sentiment": confusion_table(scores["confusion"])},
                      {"sentiment": errors}, {"backend": backend, "pooled": scores})


# --- 3. quotes and speakers against PolNeAR -----------------------------------------------------


def _attribution_verdicts(quotes: pd.DataFrame, gold: pd.DataFrame, texts: dict[str, str]):
    """Each gold attribution and each found quote with what
    :func:`~analysis.evaluate.score_attributions` makes of it (its own overlap,
    exactness and source rules)."""
    hits = attribution_overlaps(quotes, gold)
    matched = {p for pairs in hits.values() for _, p in pairs}
    exact_pred: set = set()
    rows = []
    for g in gold.itertuples():
        pairs = hits.get(g.Index, [])
        text = texts[g.article_id]
        lo, hi = min(s for s, _ in g.content_spans), max(e for _, e in g.content_spans)
        exact = False
        for _, p in pairs:
            q = quotes.loc[p]
            if normalised_text(text[q.start : q.end]) == normalised_text(text[lo:hi]):
                exact_pred.add(p)
                exact = True
        best = quotes.loc[max(pairs)[1]] if pairs else None
        source = "no gold source" if not g.source_spans else "content missed"
        if best is not None and g.source_spans:
            if best.speaker_start < 0:
                source = "no speaker found"
            elif overlap_size((best.speaker_start, best.speaker_end), g.source_spans) > 0:
                source = "right"
            else:
                source = "wrong"
        rows.append({"article_id": g.article_id, "found": bool(pairs), "exact": exact, "source": source,
                     "gold_content": g.content_text, "gold_source": g.source_text, "gold_cue": g.cue_text,
                     "found_content": "" if best is None else best.text,
                     "found_speaker": "" if best is None else best.speaker_text or "",
                     "found_cue": "" if best is None else best.cue})
    gold_rows = pd.DataFrame(rows, columns=["article_id", "found", "exact", "source", "gold_content", "gold_source",
                                            "gold_cue", "found_content", "found_speaker", "found_cue"])
    quote_rows = quotes.assign(matched=quotes.index.isin(matched), exact=quotes.index.isin(exact_pred))
    return gold_rows, quote_rows


def polnear_validation(path: str | Path, *, limit: int | None = None, pipeline: str | None = None, cache_dir=None,
                       n_boot: int = 1000, seed: int = 0, progress: bool = False,
                       data: str = "PolNeAR dev") -> Validation:
    """Quotes and their speakers against PolNeAR attributions.

    Parameters
    ----------
    path
        A PolNeAR JSONL file (:func:`~analysis.datasets.read_polnear`).
    limit
        Score only the first ``limit`` articles (``None``: all).
    pipeline, cache_dir, progress
        As for :func:`analysis.pipeline.quotes_of` (the quotes stage alone,
        as ``python -m analysis evaluate polnear`` runs it).
    n_boot, seed
        Bootstrap resamples of articles for the 95% intervals.

    Returns
    -------
    Validation
        Scores: content precision, recall and F1 (overlap and exact) and
        source accuracy (:func:`~analysis.evaluate.score_attributions`).
        Confusion ``attributions``: each gold attribution's content (found
        exactly, found with other boundaries, missed) against its source
        (right, wrong, no speaker found, no gold source). Errors ``quotes``
        (missed, other boundaries, found but not in the gold) and
        ``speakers`` (wrong source, no speaker found). Details: ``pooled``.

    Notes
    -----
    PolNeAR: Newell, Margolin & Ruths, "An Attribution Relations Corpus for
    Political News", LREC 2018. It marks indirect and partial attributions as
    well as direct quotes, so exact boundaries are strict.
    """
    articles, gold = read_polnear(path)
    articles = articles[:limit]
    texts = {a.id: a.text for a in articles}
    gold = gold[gold.article_id.isin(set(texts))].reset_index(drop=True)
    quotes = quotes_of(articles, pipeline=pipeline, cache_dir=cache_dir, progress=progress)
    pooled = score_attributions(quotes, gold, texts)
    gold_rows, quote_rows = _attribution_verdicts(quotes, gold, texts)
    per_gold = gold_rows.assign(
        n_gold=1, with_source=gold_rows.source.isin(["right", "wrong", "no speaker found"]),
        source_ok=gold_rows.source == "right").groupby("article_id")[["n_gold", "found", "exact", "with_source",
                                                                      "source_ok"]].sum()
    per_pred = (quote_rows.assign(n_pred=1).rename(columns={"exact": "exact_pred"})
                .groupby("article_id")[["n_pred", "matched", "exact_pred"]].sum())
    counts = (pd.DataFrame(index=pd.Index(sorted(texts), name="article_id"))
              .join(per_gold).join(per_pred).fillna(0).astype(int).reset_index())
    _check_counts("score_attributions", {
        "n_gold_found": int(counts.found.sum()), "n_found_with_source": int(counts.with_source.sum()),
        "content_overlap_precision": round(_ratio("matched", "n_pred")(counts), 4) if len(quotes) else 0.0,
        "content_exact_recall": round(_ratio("exact", "n_gold")(counts), 4) if len(gold) else 0.0,
    }, pooled)
    boot = functools.partial(bootstrap_over_articles, counts, n_boot=n_boot, seed=seed)
    n_pred, n_gold = int(counts.n_pred.sum()), int(counts.n_gold.sum())
    rows = []
    for level, found, pred_ok in (("overlap", "found", "matched"), ("exact", "exact", "exact_pred")):
        for metric, statistic, n, unit in (
                ("precision", _ratio(pred_ok, "n_pred"), n_pred, "quotes found"),
                ("recall", _ratio(found, "n_gold"), n_gold, "gold attributions"),
                ("F1", _f1(pred_ok, "n_pred", found, "n_gold"), n_gold, "gold attributions")):
            rows.append(_score_row("quotes", data, f"content ({level}): {metric}", boot(statistic), n=n, unit=unit,
                                   resampled="articles"))
    rows.append(_score_row("speakers", data, "source right (of found attributions with a gold source)",
                           boot(_ratio("source_ok", "with_source")), n=int(counts.with_source.sum()),
                           unit="attributions", resampled="articles"))
    content = np.where(gold_rows.exact, "found exactly", np.where(gold_rows.found, "other boundaries", "missed"))
    confusion = pd.crosstab(pd.Series(content, name="content"), pd.Series(gold_rows.source, name="source"))
    quote_errors = pd.concat([
        gold_rows[~gold_rows.found].assign(error="missed"),
        gold_rows[gold_rows.found & ~gold_rows.exact].assign(error="other boundaries"),
        pd.DataFrame({"error": "not in the gold", "article_id": quote_rows.article_id[~quote_rows.matched],
                      "found_content": quote_rows.text[~quote_rows.matched],
                      "found_speaker": quote_rows.speaker_text[~quote_rows.matched],
                      "found_cue": quote_rows.cue[~quote_rows.matched]}),
    ], ignore_index=True).fillna("")
    columns = ["error", "article_id", "gold_content", "gold_source", "gold_cue", "found_content", "found_speaker",
               "found_cue"]
    speaker_errors = gold_rows[gold_rows.source.isin(["wrong", "no speaker found"])].rename(
        columns={"source": "error"})
    return Validation(_scores_frame(rows), {"attributions": confusion},
                      {"quotes": quote_errors[columns], "speakers": speaker_errors[columns].reset_index(drop=True)},
                      {"pooled": pooled})


# --- 4. every stage on real news: BASIL ----------------------------------------------------------

#: BASIL scores: (key of evaluate_basil, stage, metric, unit, baseline key or None).
_BASIL_SCORES = (
    ("coverage", "mentions", "gold (article, entity) pairs with a mention (of the actor or a part)", "pairs",
     None),
    ("coverage_own_actor", "mentions", "gold (article, entity) pairs with a mention of the actor itself", "pairs",
     None),
    ("quote_spans_found", "quotes", "quoted bias spans inside a found quote", "spans", None),
    ("named_speaker_correct", "speakers", "named speaker right (of spans in a found quote)", "spans", None),
    ("portrayal_accuracy", "portrayal", "author's portrayal: accuracy", "(article, entity) labels",
     "portrayal_baseline_accuracy"),
    ("portrayal_f1_macro", "portrayal", "author's portrayal: macro-F1", "(article, entity) labels",
     "portrayal_baseline_f1_macro"),
    ("stance_pairs_found", "stance", "quoted stance pairs found in the sentence", "pairs", None),
    ("stance_direction_agreement", "stance", "direction agrees (of pairs found in the sentence)", "pairs", "sentence"),
    ("stance_article_pairs_found", "stance", "quoted stance pairs found in the article", "pairs", None),
    ("stance_article_direction_agreement", "stance", "direction agrees (of pairs found in the article)", "pairs",
     "article"),
)


@contextlib.contextmanager
def _run_folder(run_dir):
    if run_dir is not None:
        Path(run_dir).mkdir(parents=True, exist_ok=True)
        yield Path(run_dir)
        return
    with tempfile.TemporaryDirectory(prefix="validation-basil-") as tmp:
        yield Path(tmp)


def basil_validation(folder: str | Path, *, actors: str | Path | None = None, limit: int | None = None,
                     run_dir: str | Path | None = None, backend: str | None = None, pipeline: str | None = None,
                     cache_dir=None, n_boot: int = 1000, seed: int = 0, progress: bool = False,
                     data: str = "BASIL dev") -> Validation:
    """Every stage of a batch run on BASIL's articles, against BASIL's annotations.

    The articles are written as a corpus file and analysed by
    :func:`analysis.batch.run_corpus`, then scored by
    :func:`~analysis.evaluate.evaluate_basil`, as ``python -m analysis
    evaluate basil`` does.

    Parameters
    ----------
    folder
        The BASIL folder (``articles/``, ``annotations/``).
    actors
        The actor registry (default: the shipped
        ``analysis/resources/evaluation/basil_actors.yaml``).
    limit
        Analyse only the first ``limit`` articles in file order (three
        consecutive articles are one event as told by Fox News, the New York
        Times and HuffPost); ``None``: all.
    run_dir
        Folder for the run's tables (a re-run resumes); ``None``: a temporary
        folder, removed afterwards.
    backend, pipeline, cache_dir, progress
        As for :func:`analysis.batch.run_corpus`.
    n_boot, seed
        Bootstrap resamples of articles for the 95% intervals.

    Returns
    -------
    Validation
        Scores: coverage, quote spans found, named speaker right, author
        portrayal (accuracy and macro-F1 with the all-neutral baseline),
        stance pairs found and direction agreement (with the baseline of
        always answering the commonest gold direction). Confusion
        ``portrayal``. Errors ``mentions`` (pairs not found), ``quotes``
        (spans outside every found quote), ``speakers`` (named speaker wrong
        or not found), ``portrayal`` and ``stance``. Details: ``scores`` (the
        scorer's dict) and ``articles`` (id, outlet, title of each article).

    Notes
    -----
    BASIL: Fan et al., "In Plain Sight: Media Bias Through the Lens of Factual
    Reporting", EMNLP 2019. Its gold is sparse (biased spans, not every
    mention), so these are recall and agreement figures on the annotated
    items, not precision over everything the run found.
    """
    gold = read_basil(folder)
    registry = load_actors(actors or BASIL_ACTORS)
    chosen = gold.articles[:limit]
    if limit is not None and limit < len(gold.articles):
        data = f"{data}, first {len(chosen)} of {len(gold.articles)} articles"  # the figure says it is a subset
    with _run_folder(run_dir) as out:
        corpus = out / "input" / "basil.jsonl"  # the articles as a corpus file: the run is a normal batch run
        corpus.parent.mkdir(parents=True, exist_ok=True)
        with corpus.open("w", encoding="utf-8") as handle:
            for a in chosen:
                handle.write(json.dumps({"id": a.id, "text": a.text, "title": a.title, "outlet": a.outlet,
                                         "date": a.date, "url": a.url}, ensure_ascii=False) + "\n")
        summary = run_corpus(corpus, out, registry, pipeline=pipeline, cache_dir=cache_dir,
                             sentiment_backend=backend, progress=progress)
        scores = evaluate_basil(gold, out, registry, n_boot=n_boot, seed=seed)
        tables = basil_rows(gold, out, scores["entity_actor"], registry)
    stance = tables["stance"]
    rows = []
    for key, stage, metric, unit, baseline in _BASIL_SCORES:
        value = np.nan if scores[key] is None else scores[key]
        low, high = (np.nan if scores[f"{key}{b}"] is None else scores[f"{key}{b}"] for b in ("_low", "_high"))
        base, base_name = np.nan, ""
        if baseline in ("sentence", "article"):
            found = stance[stance.found if baseline == "sentence" else stance.found_article]
            if len(found):
                common = found.gold.value_counts().idxmax()
                base, base_name = float((found.gold == common).mean()), f"always '{common}'"
        elif baseline:
            base, base_name = scores[baseline] if scores[baseline] is not None else np.nan, "all neutral"
        rows.append(_score_row(stage, data, metric, {"value": value, "low": low, "high": high, "n": scores[f"n_{key}"]},
                               unit=unit, resampled="articles", baseline=base, baseline_name=base_name))
    about = {a.id: (a.outlet, a.title) for a in chosen}
    span_text = dict(zip(zip(gold.spans.article_id, gold.spans.span), gold.spans.text, strict=True))

    def with_article(frame):
        return frame.assign(outlet=[about.get(a, ("", ""))[0] for a in frame.article_id],
                            title=[about.get(a, ("", ""))[1] for a in frame.article_id])

    def with_span(frame):
        return frame.assign(span_text=[span_text.get(k, "") for k in zip(frame.article_id, frame.span)])

    coverage, quotes, portrayal = tables["coverage"], tables["quotes"], tables["portrayal"]
    # as evaluate_basil counts them: named gold speakers of spans in a found quote, not found right
    speakers = quotes[quotes.named & quotes.found & ~quotes.speaker_correct]
    speakers = speakers.assign(
        error=np.select([speakers.gold_actor == "", speakers.found_speaker == ""],
                        ["gold speaker not in the registry", "no speaker found"], "another speaker"),
        found_speaker=speakers.found_speaker.replace("", "(none)"))
    stance_errors = stance[~stance.found | (stance.direction != stance.gold)]
    stance_errors = stance_errors.assign(
        error=np.where(stance_errors.found, "other direction", "not found in the sentence"),
        direction=stance_errors.direction.replace("", "(not found)"))
    errors = {
        "mentions": with_article(coverage[~coverage.found])[["outlet", "title", "entity", "actor"]],
        "quotes": with_span(with_article(quotes[~quotes.found]))[["outlet", "title", "span_text", "speaker"]],
        "speakers": with_span(with_article(speakers))[["error", "outlet", "span_text", "speaker", "gold_actor",
                                                       "found_speaker"]],
        "portrayal": with_article(portrayal[portrayal.gold != portrayal.predicted])[
            ["outlet", "title", "entity", "gold", "predicted", "judged"]],
        "stance": with_span(with_article(stance_errors))[["error", "outlet", "span_text", "source", "target", "gold",
                                                         "direction"]],
    }
    confusion = {}
    if scores.get("portrayal_confusion") is not None:
        confusion["portrayal"] = confusion_table(scores["portrayal_confusion"])
    details = {"scores": scores, "seconds": summary["seconds"],
               "articles": pd.DataFrame([{"article_id": a.id, "outlet": a.outlet, "title": a.title} for a in chosen])}
    return Validation(_scores_frame(rows), confusion, {k: v.reset_index(drop=True) for k, v in errors.items()},
                      details)
