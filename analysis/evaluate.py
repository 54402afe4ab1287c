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

import functools
import json
from pathlib import Path

import numpy as np
import pandas as pd

from .datasets import BasilGold, read_newsmtsc
from .errors import CorpusError
from .types import OTHER_ACTOR, SENTIMENT_LABELS

__all__ = [
    "BASIL_ACTORS",
    "basil_rows",
    "write_corpus_file",
    "PREDICTED_REFERENCE_METHODS",
    "span_sentences",
    "matched_mentions",
    "normalised_text",
    "overlap_size",
    "attribution_overlaps",
    "load_gold_mentions",
    "score_mentions",
    "score_by_type",
    "score_attributions",
    "score_polarity",
    "evaluate_newsmtsc",
    "run_and_evaluate_newsmtsc",
    "run_and_evaluate_polnear",
    "document_label",
    "GOLD_COLUMNS",
    "REFERENCE_TYPES",
    "basil_actor_key",
    "map_basil_entities",
    "basil_gold_pairs",
    "score_basil_coverage",
    "score_basil_quotes",
    "portrayal_labels",
    "score_basil_portrayal",
    "score_basil_stance",
    "bootstrap_over_articles",
    "evaluate_basil",
    "run_and_evaluate_basil",
    "evaluate_persent",
    "PORTRAYAL_BAND",
]

GOLD_COLUMNS = ["article_id", "start", "end", "text", "actor", "type"]
#: Gold types that need resolution rather than matching a name.
REFERENCE_TYPES = ("pronoun", "speaker", "description")
#: The actor registry ``evaluate basil`` uses unless ``--actors`` names another.
BASIL_ACTORS = Path(__file__).parent / "resources" / "evaluation" / "basil_actors.yaml"
PREDICTED_REFERENCE_METHODS = ("pronoun", "speaker", "description")


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


def span_sentences(spans: pd.DataFrame, sentences: pd.DataFrame) -> pd.Series:
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


def matched_mentions(pred: pd.DataFrame, gold: pd.DataFrame) -> list[tuple[int, int]]:
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
    pred_sents = set(zip(pred.article_id, span_sentences(pred, sentences), pred.actor))
    gold_sents = set(zip(gold.article_id, span_sentences(gold, sentences), gold.actor))
    rows = [{"level": "sentence", **_prf(len(pred_sents & gold_sents), len(pred_sents), len(gold_sents))}]
    rows.append({"level": "mention", **_prf(len(matched_mentions(pred, gold)), len(pred), len(gold))})
    if "method" in pred:
        ref_pred = pred[pred.method.isin(PREDICTED_REFERENCE_METHODS)]
        ref_gold = gold[gold.type.isin(REFERENCE_TYPES)]
        matched = matched_mentions(ref_pred, ref_gold)
        rows.append({"level": "reference", **_prf(len(matched), len(ref_pred), len(ref_gold))})
    return pd.DataFrame(rows)


def score_by_type(predicted: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Recall of gold mentions by their annotated type (name, member, pronoun ...)."""
    pred = predicted[predicted.actor != OTHER_ACTOR]
    found = {g for _, g in matched_mentions(pred, gold)}
    gold = gold.assign(found=[i in found for i in gold.index])
    table = gold.groupby("type").found.agg(n_gold="size", found="sum").reset_index()
    table["recall"] = (table.found / table.n_gold).round(4)
    return table


# --- quotes and speakers against PolNeAR --------------------------------------------------------

_EDGE = " \t\n\u00a0\"'“”‘’«»,.;:!?—–-"


def normalised_text(text: str) -> str:
    """A quote's content as compared for an exact match: edge punctuation and
    quotation marks stripped, a leading "that" dropped, whitespace collapsed."""
    text = text.strip(_EDGE)
    if text.lower().startswith("that "):
        text = text[5:].strip(_EDGE)
    return " ".join(text.split())


def overlap_size(a: tuple[int, int], spans: list) -> int:
    """Characters of span ``a`` that fall inside ``spans``."""
    return sum(max(0, min(a[1], e) - max(a[0], s)) for s, e in spans)


def attribution_overlaps(predicted: pd.DataFrame, gold: pd.DataFrame) -> dict[int, list[tuple[int, int]]]:
    """For each gold index, the (overlap size, predicted index) pairs of predictions overlapping it."""
    hits: dict[int, list[tuple[int, int]]] = {}
    for article_id, gold_rows in gold.groupby("article_id"):
        pred_rows = predicted[predicted.article_id == article_id]
        for g in gold_rows.itertuples():
            for p in pred_rows.itertuples():
                size = overlap_size((p.start, p.end), g.content_spans)
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
        :func:`~analysis.datasets.read_polnear` attributions.
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
    hits = attribution_overlaps(predicted, gold)
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
            if normalised_text(text[prow.start : prow.end]) == normalised_text(text[lo:hi]):
                exact_pred.add(p)
                exact_gold.add(g)
        if grow.source_spans:
            with_source += 1
            best = predicted.loc[max(pairs)[1]]
            if best.speaker_start >= 0:
                correct_source += overlap_size((best.speaker_start, best.speaker_end), grow.source_spans) > 0

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


def run_and_evaluate_newsmtsc(path: str | Path, *, backend: str | None = None,
                              lexicon_file: str | Path | None = None, n_boot: int = 1000) -> dict:
    """What ``python -m analysis evaluate newsmtsc`` does: the sentiment backend
    (``None``: the default; the lexicon backend with ``lexicon_file``'s words
    if given) scored on a NewsMTSC file by :func:`evaluate_newsmtsc`, with
    ``backend`` and ``targets_per_second`` added."""
    import time

    from .sentiment import default_backend, load_lexicon, target_predictor

    backend = backend or default_backend()
    predictor = target_predictor(backend, lexicon=load_lexicon(lexicon_file) if lexicon_file else None)
    start = time.perf_counter()
    scores = evaluate_newsmtsc(predictor, path, n_boot=n_boot)
    seconds = time.perf_counter() - start
    scores.update(backend=backend, targets_per_second=round(scores["n"] / seconds, 1) if seconds else None)
    return scores


def run_and_evaluate_polnear(path: str | Path, *, pipeline: str | None = None, cache_dir=None,
                             progress: bool = True) -> dict:
    """What ``python -m analysis evaluate polnear`` does: the quotes of every
    PolNeAR article (:func:`analysis.pipeline.quotes_of`) scored against its
    attributions by :func:`score_attributions`."""
    from .datasets import read_polnear
    from .pipeline import quotes_of

    articles, gold = read_polnear(path)
    quotes = quotes_of(articles, pipeline=pipeline, cache_dir=cache_dir, progress=progress)
    return score_attributions(quotes, gold, {a.id: a.text for a in articles})


def evaluate_persent(path: str | Path, *, backend: str | None = None, limit: int | None = None,
                     pipeline: str | None = None, cache_dir=None, progress: bool = True) -> dict:
    """Score document-level sentiment toward an entity on a PerSenT CSV file.

    Each document is analysed with a one-actor registry naming its
    ``TARGET_ENTITY``, and its mention labels become one document label
    (:func:`document_label`).

    Parameters
    ----------
    path
        A PerSenT CSV file (:func:`~analysis.datasets.read_persent`).
    backend
        Sentiment backend; ``None`` for the default.
    limit
        Score only the first ``limit`` documents.
    pipeline, cache_dir
        As :func:`analysis.pipeline.analyze`.
    progress
        Show a progress bar.

    Returns
    -------
    dict
        As :func:`score_polarity`, with ``backend`` and
        ``documents_with_target_found``.
    """
    from tqdm.auto import tqdm

    from .datasets import read_persent
    from .pipeline import analyze
    from .sentiment import default_backend
    from .types import Actor, ActorRegistry

    documents = read_persent(path)[:limit]
    backend = backend or default_backend()
    gold, predicted, found = [], [], 0
    for article, entity, label in tqdm(documents, desc="Scoring documents", unit="doc", disable=not progress):
        registry = ActorRegistry((Actor(id="target", label=entity, kind="person", names=(entity,)),),
                                 source=f"{path} (TARGET_ENTITY)")
        result = analyze([article], registry, pipeline=pipeline, progress=False, sentiment_backend=backend,
                         explain=False, cache_dir=cache_dir)
        labels = result.sentiment.label.tolist()
        found += bool(labels)
        gold.append(label)
        predicted.append(document_label(labels))
    scores = score_polarity(gold, predicted)
    scores.update(backend=backend, documents_with_target_found=found)
    return scores


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


# --- real news: BASIL (entities, quotes, speakers, portrayal, stance) ---------------------------

#: Band on an actor's author-voice net tone below which it reads as neutral
#: when ``actor_summary.csv`` has no ``label`` column (as :func:`document_label`;
#: fixed before looking at BASIL).
PORTRAYAL_BAND = 0.1


def write_corpus_file(articles, path: str | Path) -> Path:
    """Write articles (e.g. BASIL's, from :func:`~analysis.datasets.read_basil`) as a ``.jsonl``
    corpus file that ``python -m analysis run`` reads; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for a in articles:
            handle.write(json.dumps({"id": a.id, "text": a.text, "title": a.title, "outlet": a.outlet,
                                     "date": a.date, "url": a.url}, ensure_ascii=False) + "\n")
    return path


def basil_actor_key(entity: str) -> str:
    """The registry id a BASIL entity id maps to by rule 1 of :func:`map_basil_entities`:
    accents dropped, lowercase, every run of other characters one underscore.

    >>> basil_actor_key("Barack_Obama"), basil_actor_key("Chick-Fil-A"), basil_actor_key("Enrique_Peña_Nieto")
    ('barack_obama', 'chick_fil_a', 'enrique_pena_nieto')
    """
    import re
    import unicodedata

    folded = unicodedata.normalize("NFKD", entity).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")


def map_basil_entities(entities, registry) -> dict[str, str]:
    """Each BASIL entity id -> the registry actor it denotes, or ``""`` if none.

    The rule, first match wins (no per-entity mapping table; keys compared
    as :func:`basil_actor_key` makes them):

    1. the entity's key is an actor id (``Barack_Obama`` -> ``barack_obama``);
    2. it is the key of a name, alias, member name or group noun of exactly
       one actor (``protestors`` -> the actor named "protestors"), or of such
       a phrase cut at its first accented letter, where BASIL's ids stop
       (``Felipe_Calder`` -> "Felipe Calderón");
    3. a single word that is the last word of the person names of exactly
       one person actor (``Trump`` -> the actor named "Donald Trump");
    4. a key of two or more words one letter away from exactly one actor id
       (a typo in the gold: ``Kevil_McCarthy`` -> ``kevin_mccarthy``);
    5. else no actor: the entity is reported as missing from the registry.

    >>> from analysis.actors import parse_actors
    >>> reg = parse_actors("actors:\\n  barack_obama: {kind: person, names: [Barack Obama]}\\n")
    >>> map_basil_entities(["Barack_Obama", "Obama", "Barak_Obama", "Mitt_Romney"], reg)
    {'Barack_Obama': 'barack_obama', 'Obama': 'barack_obama', 'Barak_Obama': 'barack_obama', 'Mitt_Romney': ''}
    """
    import re

    from nltk.metrics.distance import edit_distance

    ids = list(registry.ids)
    by_phrase: dict[str, set[str]] = {}
    by_surname: dict[str, set[str]] = {}
    for actor in registry.actors:
        phrases = [*actor.names, *actor.aliases, *actor.group_nouns, *(m.name for m in actor.members),
                   *(a for m in actor.members for a in m.aliases)]
        for phrase in phrases:
            by_phrase.setdefault(basil_actor_key(phrase), set()).add(actor.id)
            cut = re.split(r"[^\x00-\x7f]", phrase, maxsplit=1)[0]
            if cut != phrase and basil_actor_key(cut):
                by_phrase.setdefault(basil_actor_key(cut), set()).add(actor.id)
        if actor.kind == "person":
            for name in (*actor.names, *actor.aliases):
                if len(name.split()) > 1:
                    by_surname.setdefault(basil_actor_key(name.split()[-1]), set()).add(actor.id)
    out = {}
    for entity in entities:
        key = basil_actor_key(entity)
        owners = by_phrase.get(key, set())
        surname = by_surname.get(key, set()) if "_" not in key else set()
        near = [i for i in ids if "_" in key and abs(len(i) - len(key)) <= 1 and edit_distance(i, key) == 1]
        if key in ids:
            out[entity] = key
        elif len(owners) == 1:
            out[entity] = next(iter(owners))
        elif len(surname) == 1 and not owners:
            out[entity] = next(iter(surname))
        elif len(near) == 1 and not owners:
            out[entity] = near[0]
        else:
            out[entity] = ""
    return out


def _is_named_speaker(speaker: str) -> bool:
    return bool(speaker) and not speaker.lower().startswith("other")


def basil_gold_pairs(feelings: pd.DataFrame, spans: pd.DataFrame, entity_actor: dict[str, str]) -> pd.DataFrame:
    """The gold (article, entity) pairs: entities with an ``author_feeling`` label,
    or the target or named speaker of a phrase annotation, in each article;
    ``actor`` is the registry actor (``""`` when the registry has none)."""
    rows = [(a, e) for a, e in zip(feelings.article_id, feelings.entity, strict=True)]
    rows += [(a, t) for a, t in zip(spans.article_id, spans.target, strict=True) if t]
    rows += [(a, s) for a, s in zip(spans.article_id, spans.speaker, strict=True) if _is_named_speaker(s)]
    pairs = pd.DataFrame(sorted(set(rows)), columns=["article_id", "entity"])
    pairs["actor"] = [entity_actor.get(e, "") for e in pairs.entity]
    return pairs


def score_basil_coverage(pairs: pd.DataFrame, mentions: pd.DataFrame, registry=None) -> pd.DataFrame:
    """``pairs`` with a registry actor, and whether the run mentions it in that article.

    ``found_own``: the actor itself has at least one mention (any method);
    ``found``: it or one of its parts has (an actor whose ``part_of`` leads to
    it in ``registry``: "Senate Democrats" found for gold "Democratic
    lawmakers"). Without ``registry`` the two are the same.

    >>> import pandas as pd
    >>> from analysis.actors import parse_actors
    >>> reg = parse_actors("actors:\\n  dems: {kind: group, names: [Democrats]}\\n"
    ...                    "  senate_dems: {kind: group, names: [Senate Democrats], part_of: dems}\\n")
    >>> pairs = pd.DataFrame({"article_id": ["a", "a"], "entity": ["Democrats", "Senate_Democrats"],
    ...                       "actor": ["dems", "senate_dems"]})
    >>> mentions = pd.DataFrame({"article_id": ["a"], "actor": ["senate_dems"]})
    >>> score_basil_coverage(pairs, mentions, reg)[["actor", "found_own", "found"]].values.tolist()
    [['dems', False, True], ['senate_dems', True, True]]
    """
    own = set(zip(mentions.article_id, mentions.actor, strict=True))
    with_parts = set(own)
    if registry is not None:
        with_parts |= {(a, whole) for a, x in own if x in registry.ids for whole in registry.wholes(x)}
    out = pairs[pairs.actor != ""].copy()
    keys = list(zip(out.article_id, out.actor, strict=True))
    out["found_own"] = [k in own for k in keys]
    out["found"] = [k in with_parts for k in keys]
    return out.reset_index(drop=True)


def score_basil_quotes(spans: pd.DataFrame, quotes: pd.DataFrame, entity_actor: dict[str, str]) -> pd.DataFrame:
    """Each gold span inside a quote (``quote`` yes, in the body), with:

    ``found`` (a found quote overlaps it), ``named`` (the gold speaker is an
    entity, not ``other_*``), ``gold_actor`` (its registry actor),
    ``found_speaker`` (``speaker_actor`` of the found quote that overlaps the
    span most) and ``speaker_correct`` (named, found, and that speaker is the
    gold speaker's actor).
    """
    rows = []
    by_article = {a: q for a, q in quotes.groupby("article_id")} if len(quotes) else {}
    for span in spans[spans.quote & ~spans.in_title].itertuples():
        own = by_article.get(span.article_id)
        best, best_size = None, 0
        if own is not None:
            sizes = (np.minimum(own.end.to_numpy(), span.end) - np.maximum(own.start.to_numpy(), span.start))
            if len(sizes) and sizes.max() > 0:
                best, best_size = own.iloc[int(sizes.argmax())], int(sizes.max())
        named = _is_named_speaker(span.speaker)
        gold_actor = entity_actor.get(span.speaker, "") if named else ""
        found_speaker = "" if best is None or pd.isna(best.speaker_actor) else str(best.speaker_actor)
        rows.append({"article_id": span.article_id, "span": span.span, "speaker": span.speaker, "named": named,
                     "gold_actor": gold_actor, "found": best is not None, "overlap": best_size,
                     "found_speaker": found_speaker,
                     "speaker_correct": bool(named and best is not None and gold_actor
                                             and found_speaker == gold_actor)})
    columns = ["article_id", "span", "speaker", "named", "gold_actor", "found", "overlap", "found_speaker",
               "speaker_correct"]
    return pd.DataFrame(rows, columns=columns)


def portrayal_labels(actor_summary: pd.DataFrame, *, band: float = PORTRAYAL_BAND) -> tuple[dict, str]:
    """(article, actor) -> the author's portrayal label, from ``actor_summary.csv``
    rows of voice ``author``, and which column decided.

    The table's ``label`` column when it has one; otherwise the sign of
    ``net_tone`` when its size is at least ``band`` (else neutral).

    >>> table = pd.DataFrame({"article_id": ["a", "a"], "actor": ["x", "x"], "voice": ["author", "all"],
    ...                       "net_tone": [-0.5, 0.0]})
    >>> portrayal_labels(table)
    ({('a', 'x'): 'negative'}, 'net_tone (band 0.1)')
    """
    rows = actor_summary[actor_summary.voice == "author"]
    if "label" in rows.columns:
        return {(a, x): str(v) for a, x, v in zip(rows.article_id, rows.actor, rows.label, strict=True)}, "label"
    labels = {}
    for a, x, tone in zip(rows.article_id, rows.actor, rows.net_tone, strict=True):
        labels[(a, x)] = "positive" if tone >= band else "negative" if tone <= -band else "neutral"
    return labels, f"net_tone (band {band:g})"


def score_basil_portrayal(feelings: pd.DataFrame, labels: dict, entity_actor: dict[str, str]) -> pd.DataFrame:
    """Each gold ``author_feeling`` (article, entity) whose entity has a registry
    actor, with the ``predicted`` label (neutral when the actor has no
    author-voice row: never judged in the author's words)."""
    out = feelings.assign(actor=[entity_actor.get(e, "") for e in feelings.entity])
    out = out[out.actor != ""].rename(columns={"label": "gold"}).reset_index(drop=True)
    out["predicted"] = [labels.get((a, x), "neutral") for a, x in zip(out.article_id, out.actor, strict=True)]
    out["judged"] = [(a, x) in labels for a, x in zip(out.article_id, out.actor, strict=True)]
    return out


def _direction(stances) -> str:
    stances = list(stances)
    net = stances.count("favor") - stances.count("against")
    return "favor" if net > 0 else "against" if net < 0 else "neutral" if stances else ""


def score_basil_stance(spans: pd.DataFrame, stance: pd.DataFrame, sentences: pd.DataFrame,
                       entity_actor: dict[str, str]) -> pd.DataFrame:
    """Gold speaker -> target pairs (spans in quotes with a named speaker; both
    entities registry actors, not the same one; polarity neg = against,
    pos = favor), with what the run's ``stance.csv`` says:

    ``found`` (a stance row of that article from the speaker's actor to the
    target's actor in a sentence the span overlaps) and ``direction`` (favor
    if those rows have more favor than against, against if fewer, neutral if
    equal); ``found_article`` and ``direction_article`` the same over the
    whole article.
    """
    direction_of = {"neg": "against", "pos": "favor"}
    keep = spans[spans.quote & ~spans.in_title & spans.speaker.map(_is_named_speaker)
                 & spans.polarity.isin(list(direction_of))]
    sents = {a: s for a, s in sentences.groupby("article_id")} if len(sentences) else {}
    rows_by = {k: g for k, g in stance.groupby(["article_id", "source_actor", "target_actor"])} if len(stance) else {}
    rows = []
    for span in keep.itertuples():
        source, target = entity_actor.get(span.speaker, ""), entity_actor.get(span.target, "")
        if not source or not target or source == target:
            continue
        own = rows_by.get((span.article_id, source, target))
        article_sents = sents.get(span.article_id)
        ids = set()
        if article_sents is not None:
            hit = (article_sents.start < span.end) & (span.start < article_sents.end)
            ids = set(article_sents.sentence_id[hit])
        in_sentence = own[own.sentence_id.isin(ids)] if own is not None else None
        rows.append({
            "article_id": span.article_id, "span": span.span, "source": source, "target": target,
            "gold": direction_of[span.polarity],
            "found": in_sentence is not None and len(in_sentence) > 0,
            "direction": _direction(in_sentence.stance) if in_sentence is not None else "",
            "found_article": own is not None and len(own) > 0,
            "direction_article": _direction(own.stance) if own is not None else "",
        })
    columns = ["article_id", "span", "source", "target", "gold", "found", "direction", "found_article",
               "direction_article"]
    return pd.DataFrame(rows, columns=columns)


def bootstrap_over_articles(frame: pd.DataFrame, statistic, *, n_boot: int = 1000, seed: int = 0) -> dict:
    """``statistic(frame)`` and its 95% percentile interval over resampled articles.

    Articles (``article_id``), not rows, are drawn with replacement, since the
    rows of one article are not independent.

    >>> f = pd.DataFrame({"article_id": ["a", "a", "b"], "ok": [True, True, False]})
    >>> r = bootstrap_over_articles(f, lambda x: x.ok.mean(), n_boot=200)
    >>> round(r["value"], 3), r["low"] <= r["value"] <= r["high"], r["n"], r["articles"]
    (0.667, True, 3, 2)
    """
    value = float(statistic(frame)) if len(frame) else float("nan")
    result = {"value": value, "low": float("nan"), "high": float("nan"), "n": len(frame),
              "articles": int(frame.article_id.nunique()) if len(frame) else 0}
    if n_boot <= 0 or not len(frame):
        return result
    groups = [np.asarray(idx) for idx in frame.groupby("article_id", sort=True).indices.values()]
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n_boot):
        picked = rng.integers(0, len(groups), len(groups))
        sample = frame.iloc[np.concatenate([groups[i] for i in picked])]
        if len(sample):
            draws.append(float(statistic(sample)))
    draws = [d for d in draws if not np.isnan(d)]
    if draws:
        result["low"], result["high"] = float(np.percentile(draws, 2.5)), float(np.percentile(draws, 97.5))
    return result


def _share(column: str):
    return lambda frame: frame[column].mean() if len(frame) else float("nan")


def _f1_of(frame: pd.DataFrame, column: str = "predicted") -> dict:
    index = {label: i for i, label in enumerate(SENTIMENT_LABELS)}
    gold = np.array([index[g] for g in frame.gold], dtype=int)
    pred = np.array([index.get(p, 1) for p in frame[column]], dtype=int)
    scores = _polarity_scores(gold, pred)
    k = len(SENTIMENT_LABELS)
    confusion = np.array(scores["confusion"]).reshape(k, k)
    for c, label in enumerate(SENTIMENT_LABELS):
        tp, n_pred, n_gold = confusion[c, c], confusion[:, c].sum(), confusion[c, :].sum()
        p, r = (tp / n_pred if n_pred else 0.0), (tp / n_gold if n_gold else 0.0)
        scores[f"f1_{label}"] = float(2 * p * r / (p + r)) if p + r else 0.0
    return scores


def basil_rows(gold: BasilGold, run_dir: str | Path, entity_actor: dict[str, str], registry=None) -> dict:
    """The per-item tables behind :func:`evaluate_basil`'s figures, from a run folder.

    Returns ``articles`` and ``errors`` (the run's tables), ``feelings`` (the
    gold portrayal labels of the analysed articles), ``pairs``
    (:func:`basil_gold_pairs`), ``coverage``, ``quotes``, ``portrayal`` and
    ``stance`` (the ``score_basil_*`` tables) and ``portrayal_basis`` (which
    column of ``actor_summary.csv`` decided the portrayal). ``registry`` lets
    coverage count a mention of an actor's part (:func:`score_basil_coverage`).
    """
    run = Path(run_dir)

    def table(name):
        path = run / f"{name}.csv"
        if not path.is_file():
            raise CorpusError(f"no {name}.csv in the run folder; run the analysis first", source=str(run))
        return pd.read_csv(path, dtype={"article_id": str}, keep_default_na=False)

    articles, errors = table("articles"), table("errors")
    analysed = set(articles.article_id)
    feelings = gold.feelings[gold.feelings.article_id.isin(analysed)]
    spans = gold.spans[gold.spans.article_id.isin(analysed)]
    pairs = basil_gold_pairs(feelings, spans, entity_actor)
    quotes = table("quotes")
    for column in ("start", "end"):
        quotes[column] = quotes[column].astype(int)
    stance = table("stance")
    if len(stance):
        stance["sentence_id"] = stance.sentence_id.astype(int)
    summary = table("actor_summary")
    if "net_tone" in summary.columns and len(summary):
        summary["net_tone"] = pd.to_numeric(summary.net_tone, errors="coerce").fillna(0.0)
    labels, basis = portrayal_labels(summary)
    return {
        "articles": articles, "errors": errors, "feelings": feelings, "pairs": pairs,
        "coverage": score_basil_coverage(pairs, table("mentions"), registry),
        "quotes": score_basil_quotes(spans, quotes, entity_actor),
        "portrayal": score_basil_portrayal(feelings, labels, entity_actor), "portrayal_basis": basis,
        "stance": score_basil_stance(spans, stance, table("sentences"), entity_actor),
    }


def run_and_evaluate_basil(folder: str | Path, out: str | Path, *, actors: str | Path | None = None,
                           pipeline: str | None = None, cache_dir=None, backend: str | None = None,
                           explain: bool = False, lexicon_file: str | Path | None = None, progress: bool = True,
                           seed: int = 0) -> dict:
    """What ``python -m analysis evaluate basil`` does: analyse the BASIL
    articles of ``folder`` as a normal batch run into ``out`` (their corpus
    file goes to ``out/input/basil.jsonl``) and score it (:func:`evaluate_basil`).

    ``actors`` is the registry (default :data:`BASIL_ACTORS`); the other
    arguments are :func:`analysis.batch.run_corpus`'s. Returns the scores with
    ``backend``, ``actors``, ``run_dir`` and ``seconds`` (the run's time).
    """
    from .actors import load_actors
    from .batch import run_corpus
    from .datasets import read_basil
    from .sentiment import default_backend

    gold = read_basil(folder)
    registry = load_actors(actors or BASIL_ACTORS)
    out = Path(out)
    corpus = write_corpus_file(gold.articles, out / "input" / "basil.jsonl")  # so the run is a normal batch run
    summary = run_corpus(corpus, out, registry, pipeline=pipeline, cache_dir=cache_dir, sentiment_backend=backend,
                         explain=explain, lexicon_file=lexicon_file, progress=progress)
    scores = evaluate_basil(gold, out, registry, seed=seed)
    scores.update(backend=backend or default_backend(), actors=str(registry.source), run_dir=str(out),
                  seconds=summary["seconds"])
    return scores


def evaluate_basil(gold: BasilGold, run_dir: str | Path, registry, *, n_boot: int = 1000, seed: int = 0) -> dict:
    """Score a run folder of the BASIL articles against the BASIL gold.

    Parameters
    ----------
    gold
        :func:`~analysis.datasets.read_basil` of the folder the run analysed.
    run_dir
        The run's output folder (``mentions.csv``, ``quotes.csv``,
        ``actor_summary.csv``, ``stance.csv``, ``sentences.csv``,
        ``articles.csv``, ``errors.csv``).
    registry
        The actor registry of the run (entities are mapped to its actors by
        :func:`map_basil_entities`).
    n_boot, seed
        Bootstrap resamples of articles for the 95% intervals.

    Returns
    -------
    dict
        Every figure, flat (``<metric>``, ``<metric>_low``, ``<metric>_high``,
        ``n_<metric>``; ``None`` where there is nothing to score), plus
        ``missing_entities``, ``entity_actor`` and ``portrayal_basis``.

    Notes
    -----
    Gold is sparse by design (BASIL marks biased spans, not every mention),
    so these are recall and agreement figures on the annotated pairs and
    spans, not precision over everything the run found. Only articles that
    the run analysed are scored; failed ones are counted.
    """
    entities = sorted(set(gold.feelings.entity) | set(gold.spans.target[gold.spans.target != ""])
                      | set(s for s in gold.spans.speaker if _is_named_speaker(s)))
    entity_actor = map_basil_entities(entities, registry)
    rows = basil_rows(gold, run_dir, entity_actor, registry)
    errors, feelings, pairs, basis = rows["errors"], rows["feelings"], rows["pairs"], rows["portrayal_basis"]
    analysed = set(rows["articles"].article_id)
    coverage, quote_rows, portrayal, stance_rows = rows["coverage"], rows["quotes"], rows["portrayal"], rows["stance"]
    named = quote_rows[quote_rows.named & quote_rows.found]
    found_pairs = stance_rows[stance_rows.found]
    article_pairs = (stance_rows.assign(sign=stance_rows.gold.map({"favor": 1, "against": -1}))
                     .groupby(["article_id", "source", "target"], as_index=False)
                     .agg(sign=("sign", "sum"), found=("found_article", "first"),
                          direction=("direction_article", "first")))
    article_pairs = article_pairs[article_pairs.sign != 0].assign(
        gold=lambda f: np.where(f.sign > 0, "favor", "against"))
    found_article_pairs = article_pairs[article_pairs.found]

    boot = functools.partial(bootstrap_over_articles, n_boot=n_boot, seed=seed)
    figures: dict = {}

    def put(name, frame, statistic):
        r = boot(frame, statistic)
        figures[name], figures[f"{name}_low"], figures[f"{name}_high"] = r["value"], r["low"], r["high"]
        figures[f"n_{name}"] = r["n"]

    agree = lambda column: lambda f: (f[column] == f.gold).mean()  # noqa: E731
    put("coverage", coverage, _share("found"))
    put("coverage_own_actor", coverage, _share("found_own"))
    put("quote_spans_found", quote_rows, _share("found"))
    put("named_speaker_correct", named, _share("speaker_correct"))
    put("portrayal_accuracy", portrayal, lambda f: _f1_of(f)["accuracy"])
    put("portrayal_f1_macro", portrayal, lambda f: _f1_of(f)["f1_macro"])
    neutral = portrayal.assign(neutral="neutral")
    put("portrayal_baseline_accuracy", neutral, lambda f: _f1_of(f, "neutral")["accuracy"])
    put("portrayal_baseline_f1_macro", neutral, lambda f: _f1_of(f, "neutral")["f1_macro"])
    put("stance_pairs_found", stance_rows, _share("found"))
    put("stance_direction_agreement", found_pairs, agree("direction"))
    put("stance_article_pairs_found", article_pairs, _share("found"))
    put("stance_article_direction_agreement", found_article_pairs, agree("direction"))
    if len(portrayal):
        full = _f1_of(portrayal)
        figures.update({f"portrayal_{k}": v for k, v in full.items() if k.startswith("f1_") and k != "f1_macro"})
        figures["portrayal_confusion"] = full["confusion"]
        figures["portrayal_gold_counts"] = portrayal.gold.value_counts().to_dict()
    missing = sorted(e for e, a in entity_actor.items() if not a)
    figures.update({
        "articles": gold.files, "articles_analysed": len(analysed), "articles_failed": len(errors),
        "failed_articles": sorted(errors.article_id.astype(str)),
        "gold_pairs": len(pairs), "gold_pairs_without_actor": int((pairs.actor == "").sum()),
        "quote_spans_named": int(quote_rows.named.sum()),
        "quote_spans_named_found_without_speaker": int((named.found_speaker == "").sum()),
        "portrayal_basis": basis, "portrayal_judged": int(portrayal.judged.sum()) if len(portrayal) else 0,
        "portrayal_labels_without_actor": int(len(feelings) - len(portrayal)),
        "stance_pairs_with_direction": int((found_pairs.direction != "neutral").sum()),
        "span_text_mismatches": gold.mismatched, "entities": len(entities),
        "missing_entities": missing, "entity_actor": entity_actor,
    })
    # no figure (nothing to score) is None, so that the JSON line stays valid JSON
    return {k: (None if np.isnan(v) else round(v, 4)) if isinstance(v, float) else v for k, v in figures.items()}
