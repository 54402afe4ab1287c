"""Score the pipeline against hand annotations.

Gold mentions are CSV files (``corpus/annotations/*.mentions.csv``) with the
columns ``article_id, start, end, text, actor, type, note``; offsets index the
article body as in every table. See ``corpus/annotations/GUIDELINES.md`` for
what counts as a mention of each actor.

Two levels are scored:

* **sentence**: is actor A mentioned in sentence S? Pairs (article, sentence,
  actor) from the gold and from the pipeline, matched exactly. Gold mentions
  are placed in the pipeline's own sentences, so segmentation cannot
  mismatch.
* **mention**: a predicted mention is correct if it overlaps a gold mention
  of the same actor (one-to-one, in text order).

For pronouns and other resolved references (gold types ``pronoun``,
``speaker``, ``description``), the resolution accuracy is the share of the
gold references the pipeline found *and* gave the right actor, and the
precision of the references it output.

Examples
--------
>>> gold = pd.DataFrame({"article_id": ["a"], "start": [0], "end": [5], "text": ["Putin"],
...                      "actor": ["putin"], "type": ["name"]})
>>> pred = gold.assign(method="name")
>>> sents = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0], "end": [12]})
>>> float(score_mentions(pred, gold, sents).set_index("level").loc["sentence", "f1"])
1.0
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import CorpusError
from .types import OTHER_ACTOR, SENTIMENT_LABELS

__all__ = [
    "load_gold_mentions",
    "score_mentions",
    "score_by_type",
    "read_polnear",
    "score_attributions",
    "score_polarity",
    "read_newsmtsc",
    "evaluate_newsmtsc",
    "read_persent",
    "document_label",
    "GOLD_COLUMNS",
    "REFERENCE_TYPES",
]

GOLD_COLUMNS = ["article_id", "start", "end", "text", "actor", "type"]
#: Gold types that need resolution rather than matching a name.
REFERENCE_TYPES = ("pronoun", "speaker", "description")
_PREDICTED_REFERENCES = ("pronoun", "speaker", "description")


def load_gold_mentions(path: str | Path, articles=None) -> pd.DataFrame:
    """Read gold mention files (one CSV, or every ``*.mentions.csv`` in a folder).

    Parameters
    ----------
    path
        A CSV file or a folder of them.
    articles
        Optional articles: each gold row's ``text`` must equal the article
        text at its offsets (catches annotations of an edited article).
    """
    path = Path(path)
    files = sorted(path.glob("*.mentions.csv")) if path.is_dir() else [path]
    if not files:
        raise CorpusError("no gold files (*.mentions.csv) found", source=str(path))
    frames = []
    for file in files:
        frame = pd.read_csv(file, dtype={"article_id": str, "text": str, "actor": str, "type": str})
        missing = [c for c in GOLD_COLUMNS if c not in frame.columns]
        if missing:
            raise CorpusError(f"missing column(s) {', '.join(missing)}; required: {', '.join(GOLD_COLUMNS)}",
                              source=str(file))
        frames.append(frame.assign(gold_file=str(file)))
    gold = pd.concat(frames, ignore_index=True)
    if articles is not None:
        texts = {a.id: a.text for a in articles}
        for i, row in gold.iterrows():
            body = texts.get(row.article_id)
            if body is not None and body[row.start : row.end] != row.text:
                raise CorpusError(
                    f"gold row {i + 2}: text {row.text!r} does not match the article at {row.start}-{row.end} "
                    f"({body[row.start:row.end]!r}); was the article edited?", source=row.gold_file,
                )
    return gold


def _place(spans: pd.DataFrame, sentences: pd.DataFrame) -> pd.Series:
    """Sentence id (from ``sentences``) containing each span's start."""
    ids = []
    for row in spans.itertuples():
        sents = sentences[(sentences.article_id == row.article_id) & (sentences.start <= row.start)]
        ids.append(int(sents.sentence_id.iloc[-1]) if len(sents) else -1)
    return pd.Series(ids, index=spans.index, dtype="int64")


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "n_pred": n_pred, "n_gold": n_gold}


def _match(pred: pd.DataFrame, gold: pd.DataFrame) -> list[tuple[int, int]]:
    """One-to-one (pred index, gold index) pairs: overlapping, same article and actor."""
    pairs, used = [], set()
    for g in gold.sort_values("start").itertuples():
        hits = pred[(pred.article_id == g.article_id) & (pred.actor == g.actor)
                    & (pred.start < g.end) & (g.start < pred.end)]
        for p in hits.itertuples():
            if p.Index not in used:
                used.add(p.Index)
                pairs.append((p.Index, g.Index))
                break
    return pairs


def score_mentions(predicted: pd.DataFrame, gold: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Precision, recall and F1 at the sentence and mention level, and for references.

    Parameters
    ----------
    predicted
        ``mentions.csv`` rows (actor ``other`` is ignored).
    gold
        :func:`load_gold_mentions` rows.
    sentences
        ``sentences.csv`` rows of the same run.

    Returns
    -------
    DataFrame
        One row per level: ``sentence``, ``mention``, ``reference``.
    """
    articles = set(gold.article_id)
    pred = predicted[(predicted.actor != OTHER_ACTOR) & predicted.article_id.isin(articles)]
    pred_sents = set(zip(pred.article_id, _place(pred, sentences), pred.actor))
    gold_sents = set(zip(gold.article_id, _place(gold, sentences), gold.actor))
    rows = [{"level": "sentence", **_prf(len(pred_sents & gold_sents), len(pred_sents), len(gold_sents))}]
    rows.append({"level": "mention", **_prf(len(_match(pred, gold)), len(pred), len(gold))})
    if "method" in pred:
        ref_pred = pred[pred.method.isin(_PREDICTED_REFERENCES)]
        ref_gold = gold[gold.type.isin(REFERENCE_TYPES)]
        rows.append({"level": "reference", **_prf(len(_match(ref_pred, ref_gold)), len(ref_pred), len(ref_gold))})
    return pd.DataFrame(rows)


def score_by_type(predicted: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Recall of gold mentions by their annotated type (name, member, pronoun ...)."""
    pred = predicted[predicted.actor != OTHER_ACTOR]
    found = {g for _, g in _match(pred, gold)}
    gold = gold.assign(found=[i in found for i in gold.index])
    table = gold.groupby("type").found.agg(n_gold="size", found="sum").reset_index()
    table["recall"] = (table.found / table.n_gold).round(4)
    return table


# --- quotes and speakers against PolNeAR --------------------------------------------------------

_EDGE = " \t\n\u00a0\"'“”‘’«»,.;:!?—–-"


def _normalised(text: str) -> str:
    text = text.strip(_EDGE)
    if text.lower().startswith("that "):
        text = text[5:].strip(_EDGE)
    return " ".join(text.split())


def read_polnear(path: str | Path) -> tuple[list, pd.DataFrame]:
    """Articles and gold attributions from a PolNeAR JSONL file.

    PolNeAR (Newell, Margolin & Ruths, LREC 2018) annotates attributions in
    2016 US election news as Source, Cue and Content spans (character offsets
    into ``text``). An article annotated by several people appears once per
    annotator; the first annotation (by annotator id) is used, so each
    article counts once.

    Returns
    -------
    (articles, gold)
        ``gold`` has one row per attribution: ``article_id, content_spans,
        content_text, source_spans, source_text, cue_spans, cue_text``
        (spans are lists of ``(start, end)``).
    """
    import json

    from .types import Article

    path = Path(path)
    by_file: dict[str, dict] = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                key, annotator = row["filename"], row["annotator"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise CorpusError(f"not a PolNeAR record ({exc})", source=str(path), line=number) from exc
            if key not in by_file or annotator < by_file[key]["annotator"]:
                by_file[key] = row
    articles, rows = [], []
    for key in sorted(by_file):
        row = by_file[key]
        articles.append(Article(id=key, text=row["text"], title=row.get("title", ""),
                                outlet=row.get("publisher", ""), date=row.get("publication_date", ""),
                                source=f"{path}:{key}"))
        for attribution in row.get("attributions", []):
            if not _role_spans(attribution, "Content"):
                continue
            rows.append({"article_id": key, **{
                f"{name}_{what}": (_role_spans if what == "spans" else _role_text)(attribution, role)
                for role, name in (("Content", "content"), ("Source", "source"), ("Cue", "cue"))
                for what in ("spans", "text")
            }})
    columns = ["article_id", "content_spans", "content_text", "source_spans", "source_text", "cue_spans", "cue_text"]
    return articles, pd.DataFrame(rows, columns=columns)


def _role_spans(attribution: dict, role: str) -> list[tuple[int, int]]:
    return [tuple(span) for part in attribution.get(role, []) for span in part["spans"]]


def _role_text(attribution: dict, role: str) -> str:
    return " … ".join(part["text"] for part in attribution.get(role, []))


def _overlap(a: tuple[int, int], spans: list) -> int:
    return sum(max(0, min(a[1], e) - max(a[0], s)) for s, e in spans)


def _overlaps(predicted: pd.DataFrame, gold: pd.DataFrame) -> dict[int, list[tuple[int, int]]]:
    """For each gold index, the (overlap size, predicted index) pairs of predictions overlapping it."""
    hits: dict[int, list[tuple[int, int]]] = {}
    for article_id, gold_rows in gold.groupby("article_id"):
        pred_rows = predicted[predicted.article_id == article_id]
        for g in gold_rows.itertuples():
            for p in pred_rows.itertuples():
                size = _overlap((p.start, p.end), g.content_spans)
                if size > 0:
                    hits.setdefault(g.Index, []).append((size, p.Index))
    return hits


def score_attributions(predicted: pd.DataFrame, gold: pd.DataFrame, texts: dict[str, str]) -> dict:
    """Content precision/recall/F1 (overlap and exact) and source accuracy.

    Parameters
    ----------
    predicted
        ``quotes.csv`` rows (``article_id, start, end, speaker_start, speaker_end``).
    gold
        :func:`read_polnear` attributions.
    texts
        Article id -> text, to compare exact contents.

    Notes
    -----
    *Overlap*: precision is the share of predicted contents that overlap a
    gold content, recall the share of gold contents that some prediction
    overlaps (a quote split by "he said" is one gold attribution in two
    pieces, and two predictions). *Exact*: the same, counting only contents
    equal once both are stripped of surrounding spaces, quotation marks,
    punctuation and a leading "that" (a gold content in pieces is compared as
    the stretch from its first to its last piece). *Source accuracy*: among
    gold attributions with a source that some prediction overlaps, the share
    whose most-overlapping prediction has a speaker overlapping that source.
    """
    hits = _overlaps(predicted, gold)
    matched_pred = {p for pairs in hits.values() for _, p in pairs}
    exact_pred, exact_gold = set(), set()
    with_source = correct_source = 0
    for g, pairs in hits.items():
        grow = gold.loc[g]
        text = texts[grow.article_id]
        lo = min(s for s, _ in grow.content_spans)
        hi = max(e for _, e in grow.content_spans)
        for _, p in pairs:
            prow = predicted.loc[p]
            if _normalised(text[prow.start : prow.end]) == _normalised(text[lo:hi]):
                exact_pred.add(p)
                exact_gold.add(g)
        if grow.source_spans:
            with_source += 1
            best = predicted.loc[max(pairs)[1]]
            if best.speaker_start >= 0:
                correct_source += _overlap((best.speaker_start, best.speaker_end), grow.source_spans) > 0

    def prf(n_pred_ok, n_gold_ok):
        precision = n_pred_ok / len(predicted) if len(predicted) else 0.0
        recall = n_gold_ok / len(gold) if len(gold) else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return round(precision, 4), round(recall, 4), round(f1, 4)

    overlap, exact = prf(len(matched_pred), len(hits)), prf(len(exact_pred), len(exact_gold))
    return {
        "content_overlap_precision": overlap[0], "content_overlap_recall": overlap[1], "content_overlap_f1": overlap[2],
        "content_exact_precision": exact[0], "content_exact_recall": exact[1], "content_exact_f1": exact[2],
        "source_accuracy": round(correct_source / with_source, 4) if with_source else 0.0,
        "n_gold": len(gold), "n_predicted": len(predicted), "n_gold_found": len(hits),
        "n_found_with_source": with_source, "n_articles": len(texts),
    }


# --- sentiment against NewsMTSC and PerSenT -------------------------------------------------------


def _polarity_scores(gold: np.ndarray, pred: np.ndarray) -> dict:
    k = len(SENTIMENT_LABELS)
    confusion = np.zeros((k, k), dtype=int)
    np.add.at(confusion, (gold, pred), 1)
    f1 = []
    for c in range(k):
        tp = confusion[c, c]
        precision = tp / confusion[:, c].sum() if confusion[:, c].sum() else 0.0
        recall = tp / confusion[c, :].sum() if confusion[c, :].sum() else 0.0
        f1.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return {"f1_macro": float(np.mean(f1)), "accuracy": float((gold == pred).mean()) if len(gold) else 0.0,
            "f1_pn": float((f1[0] + f1[2]) / 2), "n": len(gold), "confusion": confusion.tolist()}


def score_polarity(gold, predicted, *, n_boot: int = 1000, seed: int = 0) -> dict:
    """Macro-F1, accuracy and F1pn (mean F1 of positive and negative) with
    95% bootstrap intervals, and the confusion matrix (rows gold, columns
    predicted, in the order negative, neutral, positive).

    Notes
    -----
    The metrics of NewsMTSC (Hamborg & Donnay, EACL 2021); intervals are
    percentile intervals over ``n_boot`` resamples of the examples.

    >>> s = score_polarity(["negative", "neutral", "positive"], ["negative", "neutral", "neutral"], n_boot=50)
    >>> round(s["accuracy"], 3), s["n"]
    (0.667, 3)
    """
    index = {label: i for i, label in enumerate(SENTIMENT_LABELS)}
    gold = np.array([index[g] for g in gold], dtype=int)
    pred = np.array([index[p] for p in predicted], dtype=int)
    scores = _polarity_scores(gold, pred)
    if n_boot <= 0 or not len(gold):
        return scores
    rng = np.random.default_rng(seed)
    draws = [_polarity_scores(gold[i], pred[i]) for i in rng.integers(0, len(gold), (n_boot, len(gold)))]
    for key in ("f1_macro", "accuracy", "f1_pn"):
        values = [d[key] for d in draws]
        scores[f"{key}_low"] = float(np.percentile(values, 2.5)) if values else float("nan")
        scores[f"{key}_high"] = float(np.percentile(values, 97.5)) if values else float("nan")
    return scores


def read_newsmtsc(path: str | Path) -> tuple[list[str], list[tuple[int, int]], list[str]]:
    """NewsMTSC JSONL (Hamborg & Donnay 2021) as one example per target:
    sentences, ``(from, to)`` spans and labels (negative, neutral, positive)."""
    import json

    polarity = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
    path = Path(path)
    sentences, spans, labels = [], [], []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                sentence = record["sentence_normalized"]
                for target in record["targets"]:
                    start, end = int(target["from"]), int(target["to"])
                    if "mention" in target and sentence[start:end] != target["mention"]:
                        raise ValueError(f"span ({start}, {end}) is not the mention {target['mention']!r}")
                    labels.append(polarity[float(target["polarity"])])
                    sentences.append(sentence)
                    spans.append((start, end))
            except (KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
                raise CorpusError(f"not a NewsMTSC record ({exc})", source=str(path), line=number) from None
    return sentences, spans, labels


def evaluate_newsmtsc(model, path: str | Path, *, batch_size: int = 64, n_boot: int = 0, seed: int = 0) -> dict:
    """Score a target-sentiment predictor on a NewsMTSC JSONL file.

    Parameters
    ----------
    model
        Anything with ``predict(sentences, spans, *, batch_size)`` returning an
        ``(n, 3)`` array in negative, neutral, positive order: the shipped
        :class:`~analysis.sentiment_model.TargetSentimentModel`, the
        :class:`~analysis.sentiment.LexiconPredictor`, a model in training.
    path
        A NewsMTSC file (``dev_rw.jsonl``, ``dev_mt.jsonl``, ...).
    n_boot, seed
        Bootstrap resamples for 95% intervals (0: none).

    Returns
    -------
    dict
        As :func:`score_polarity`: ``f1_macro, accuracy, f1_pn, n, confusion``.

    >>> class AlwaysNeutral:
    ...     def predict(self, sentences, spans, *, batch_size=64):
    ...         return np.tile([0.0, 1.0, 0.0], (len(sentences), 1))
    >>> import tempfile, json, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "tiny.jsonl"
    >>> _ = f.write_text(json.dumps({"sentence_normalized": "Ann won.", "targets": [
    ...     {"from": 0, "to": 3, "mention": "Ann", "polarity": 6.0}]}) + "\\n")
    >>> scores = evaluate_newsmtsc(AlwaysNeutral(), f)
    >>> scores["accuracy"], scores["n"], scores["confusion"][2]
    (0.0, 1, [0, 1, 0])
    """
    sentences, spans, gold = read_newsmtsc(path)
    probs = np.asarray(model.predict(sentences, spans, batch_size=batch_size))
    predicted = [SENTIMENT_LABELS[i] for i in probs.argmax(axis=1)] if len(gold) else []
    return score_polarity(gold, predicted, n_boot=n_boot, seed=seed)


def read_persent(path: str | Path) -> list[tuple]:
    """PerSenT CSV (Bastan et al., COLING 2020): (article, target entity, document label) triples."""
    from .types import Article

    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("DOCUMENT_INDEX", "TARGET_ENTITY", "DOCUMENT", "TRUE_SENTIMENT") if c not in frame]
    if missing:
        raise CorpusError(f"missing column(s) {', '.join(missing)}; is this a PerSenT file?", source=str(path))
    out = []
    for row in frame.itertuples():
        article = Article(id=f"persent-{row.DOCUMENT_INDEX}", text=row.DOCUMENT.strip(), title=row.TITLE,
                          source=f"{path}:{row.DOCUMENT_INDEX}")
        out.append((article, row.TARGET_ENTITY.strip(), row.TRUE_SENTIMENT.strip().lower()))
    return out


def document_label(labels, *, band: float = 0.1) -> str:
    """A document's sentiment toward an entity from its mention labels: the sign of
    the net tone ((positive - negative) / n) when its size is at least ``band``,
    else neutral; neutral when the entity is never found. The band was fixed
    before looking at PerSenT.

    >>> document_label(["positive", "neutral", "neutral"]), document_label([])
    ('positive', 'neutral')
    """
    labels = list(labels)
    if not labels:
        return "neutral"
    tone = (labels.count("positive") - labels.count("negative")) / len(labels)
    return "positive" if tone >= band else "negative" if tone <= -band else "neutral"
