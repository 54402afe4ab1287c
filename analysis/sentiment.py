"""How the text portrays each actor, mention by mention, with the evidence.

Target-dependent sentiment: "Putin" in "Putin thanked Lukashenko for his
unwavering support" is judged apart from "Lukashenko" in "Lukashenko has shown
no remorse". Every actor mention gets a label (negative, neutral, positive), a
score in [-1, 1], a confidence, the evidence that decided, and the **voice**
it is in: the author's, or the speaker's when the mention is inside a quote.

Two backends, chosen by name:

``lexicon``
    Transparent and training-free: the VADER lexicon (Hutto & Gilbert 2014,
    the ``vaderSentiment`` package, MIT) plus our own news-word list
    (``resources/news_lexicon.tsv``) and, optionally, a researcher's word list,
    scored over the **clause of the target** found through the dependency
    parse, with negation and intensifiers read off the parse. The evidence is
    the words and their weights.
``model``
    A small transformer fine-tuned on NewsMTSC (:mod:`analysis.sentiment_model`),
    run with ONNX Runtime. The evidence is the words whose removal moves the
    prediction most (occlusion) and the class probabilities.

The default is the most accurate installed backend (``model`` when
onnxruntime, tokenizers and the shipped model are there, else ``lexicon``).

Examples
--------
>>> j = judge_target("Critics called the senator a corrupt liar.", (19, 26), backend="lexicon")
>>> j.label, j.method
('negative', 'lexicon')
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from spacy.tokens import Doc, Span, Token

from .errors import AnalysisError
from .nlp import sentence_ids
from .spans import IntervalIndex
from .types import OTHER_ACTOR, SENTIMENT_LABELS, Mention, MentionSentiment, Quote

__all__ = [
    "BACKENDS",
    "available_backends",
    "default_backend",
    "load_lexicon",
    "Lexicon",
    "clause_scope",
    "score_sentiment",
    "judge_target",
    "summarize_sentiment",
    "summarize_counts",
    "count_groups_into",
    "SUMMARY_COLUMNS",
    "LexiconPredictor",
    "target_predictor",
]

BACKENDS = ("lexicon", "model")
#: VADER's constants (Hutto & Gilbert 2014): negation scalar, booster increment, normalisation alpha.
_NEGATION_SCALAR = -0.74
_BOOSTER = 0.293
_ALPHA = 15.0
#: Compound scores within (-t, t) are neutral: VADER's own threshold. Checked on
#: the NewsMTSC *train* split (bands 0.05 to 0.4, shifted or not): 0.05 scored best.
NEUTRAL_BAND = 0.05
_NEGATORS = frozenset({"no", "not", "never", "n't", "without", "nothing", "nobody", "none", "neither", "nor"})
_CLAUSE_DEPS = ("ccomp", "advcl", "parataxis", "conj", "xcomp", "csubj")


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Lexicon:
    """Word and phrase valences (VADER scale, -4..4) and intensifiers."""

    words: dict
    phrases: dict  # tuple of lower-case words -> valence
    boosters: dict
    sources: tuple[str, ...]

    def __hash__(self) -> int:
        return hash(self.sources)


def _read_word_list(text: str, source: str) -> dict[str, float]:
    entries = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
        if not line or line.startswith("word\t"):
            continue
        parts = line.rsplit("\t", 1) if "\t" in line else line.rsplit(None, 1)
        try:
            word, value = parts[0].strip().lower(), float(parts[1])
        except (IndexError, ValueError):
            raise AnalysisError(
                f"expected 'word<TAB>valence' (valence a number from -4 to 4), got {line!r}", source=source,
                line=number,
            ) from None
        if not -4.0 <= value <= 4.0:
            raise AnalysisError(f"valence {value} of {word!r} is outside -4..4", source=source, line=number)
        entries[word] = value
    return entries


@functools.lru_cache(maxsize=8)
def load_lexicon(extra: str | Path | None = None) -> Lexicon:
    """VADER's lexicon, our news words, and optionally a researcher's own list.

    Parameters
    ----------
    extra
        A text file of ``word<TAB>valence`` lines (valence -4..4; ``#``
        comments); its entries override the others. Multi-word entries are
        phrases, scored as a whole.

    >>> lex = load_lexicon()
    >>> lex.words["dictator"], lex.words["hero"]
    (-3.0, 2.6)
    """
    try:
        from vaderSentiment import vaderSentiment as vader
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise AnalysisError("the lexicon backend needs the vaderSentiment package (pip install vaderSentiment)",
                            source="sentiment") from exc
    vader_file = Path(vader.__file__).with_name("vader_lexicon.txt")
    words: dict[str, float] = {}
    for line in vader_file.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            words[parts[0].lower()] = float(parts[1])
    ours = resources.files("analysis.resources").joinpath("news_lexicon.tsv").read_text("utf-8")
    sources = ["vaderSentiment/vader_lexicon.txt", "analysis/resources/news_lexicon.tsv"]
    entries = _read_word_list(ours, sources[-1])
    if extra is not None:
        path = Path(extra)
        if not path.is_file():
            raise AnalysisError("lexicon file not found", source=str(path))
        entries.update(_read_word_list(path.read_text(encoding="utf-8"), str(path)))
        sources.append(str(path))
    phrases = {}
    for word, value in entries.items():
        if " " in word:
            phrases[tuple(word.split())] = value
        else:
            words[word] = value
    boosters = {w.lower(): v for w, v in vader.BOOSTER_DICT.items() if " " not in w}
    return Lexicon(words, phrases, boosters, tuple(sources))


def clause_scope(target: Span) -> list[Token]:
    """The tokens of the target's own clause: the subtree of the nearest verb
    above it, without embedded clauses that do not contain the target (their
    words judge something else) and without the target itself.

    >>> from analysis.nlp import parse
    >>> doc = parse("The mayor praised the plan, but critics said it failed.", cache_dir=False)
    >>> [t.text for t in clause_scope(doc[1:2])]
    ['The', 'praised', 'the', 'plan', ',', 'but']
    """
    head = target.root
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    inside = set(range(target.start, target.end))
    excluded: set[int] = set(inside)
    for token in head.subtree:
        if token is head or token.i in excluded:
            continue
        if token.dep_ in _CLAUSE_DEPS and token.pos_ in ("VERB", "AUX"):
            subtree = {t.i for t in token.subtree}
            if not subtree & inside:
                excluded |= subtree
    return [t for t in head.subtree if t.i not in excluded]


def _negated(token: Token) -> bool:
    """Is the word negated: 'not good', 'no remorse', 'did not praise', 'never a hero'?"""
    if any(c.lower_ in _NEGATORS for c in token.children):
        return True
    if token.dep_ in ("amod", "advmod", "compound") and token.head.i != token.i:
        return _negated(token.head)  # "not a corrupt leader": the negation reaches the modifier
    if token.dep_ in ("dobj", "attr", "acomp", "oprd", "xcomp", "pobj") and token.head.pos_ in ("VERB", "AUX", "ADP"):
        verb = token.head if token.head.pos_ != "ADP" else token.head.head
        return any(c.dep_ == "neg" or c.lower_ in ("never", "not", "n't") for c in verb.children)
    return False


def _lexicon_scores(scope: list[Token], lexicon: Lexicon) -> list[tuple[str, float, str]]:
    """(words, weight, note) for every valenced word or phrase in scope."""
    found, used = [], set()
    lowers = [t.lower_ for t in scope]
    for length in sorted({len(p) for p in lexicon.phrases}, reverse=True):
        for i in range(len(scope) - length + 1):
            key = tuple(lowers[i : i + length])
            if key in lexicon.phrases and not used & set(range(i, i + length)):
                used |= set(range(i, i + length))
                found.append((" ".join(t.text for t in scope[i : i + length]), lexicon.phrases[key], "phrase"))
    for i, token in enumerate(scope):
        if i in used:
            continue
        value = lexicon.words.get(token.lower_, lexicon.words.get(token.lemma_.lower()))
        if value is None or token.lower_ in lexicon.boosters or token.lower_ in _NEGATORS:
            continue
        notes = []
        boost = sum(lexicon.boosters[c.lower_] for c in token.children if c.lower_ in lexicon.boosters)
        if boost:
            value += math.copysign(_BOOSTER, value) * (1 if boost > 0 else -1)
            notes.append("intensified" if boost > 0 else "softened")
        if _negated(token):
            value *= _NEGATION_SCALAR
            notes.append("negated")
        found.append((token.text, round(value, 3), ", ".join(notes)))
    return found


def _compound(total: float) -> float:
    return total / math.sqrt(total * total + _ALPHA) if total else 0.0


def _label_of(score: float, band: float = NEUTRAL_BAND) -> str:
    return "positive" if score >= band else "negative" if score <= -band else "neutral"


def _lexicon_judgment(target: Span, lexicon: Lexicon) -> tuple[str, float, float, str]:
    """(label, score, confidence, evidence) for one target."""
    items = _lexicon_scores(clause_scope(target), lexicon)
    score = round(_compound(sum(v for _, v, _ in items)), 4)
    label = _label_of(score)
    if label == "neutral":
        confidence = round(0.5 + 0.4 * (1 - abs(score) / NEUTRAL_BAND), 2) if items else 0.6
    else:
        confidence = round(min(0.95, 0.5 + 0.5 * abs(score)), 2)
    if items:
        words = "; ".join(f"{w!r} {v:+.2f}" + (f" ({n})" if n else "") for w, v, n in items)
        evidence = f"clause words: {words}; compound {score:+.2f}"
    else:
        evidence = "no valenced word in the target's clause"
    return label, score, confidence, evidence


# --------------------------------------------------------------------------- backends


def _model_or_error(model_dir=None):
    from .sentiment_model import load_sentiment_model

    return load_sentiment_model(model_dir)


def available_backends() -> list[str]:
    """Backends that work in this installation, most accurate first."""
    found = []
    try:
        _model_or_error()
        found.append("model")
    except (ImportError, OSError, ValueError, AnalysisError):
        pass
    return [*found, "lexicon"]


def default_backend() -> str:
    """The most accurate installed backend."""
    return available_backends()[0]


def _check_backend(backend: str | None) -> str:
    name = backend or default_backend()
    if name not in BACKENDS:
        raise AnalysisError(f"unknown sentiment backend {name!r}; valid: {', '.join(BACKENDS)}", source="backend")
    return name


_CONTENT_POS = ("NOUN", "PROPN", "VERB", "ADJ", "ADV", "INTJ")
#: At most this many words are occluded per target (the content words nearest to it).
_EXPLAIN_WORDS = 12


def _occlusion_candidates(target: Span) -> list[tuple[int, int]]:
    """Content words and negations of the target's sentence nearest to it, as
    offsets within the sentence."""
    sent = target.sent
    words = [t for t in sent
             if (t.pos_ in _CONTENT_POS or t.lower_ in _NEGATORS) and not target.start <= t.i < target.end]
    words.sort(key=lambda t: min(abs(t.i - target.start), abs(t.i - target.end)))
    base = sent.start_char
    return [(t.idx - base, t.idx - base + len(t.text)) for t in words[:_EXPLAIN_WORDS]]


#: Model outputs already computed in this process, by (sentence, span): a notebook
#: re-run, or the same sentence in two articles, is not scored twice. The
#: model's output for a target does not depend on its batch, so this is exact.
_PREDICTIONS: dict[tuple[str, tuple[int, int]], np.ndarray] = {}
_MAX_PREDICTIONS = 200_000


def _predict(model, pairs: list[tuple[str, tuple[int, int]]]) -> np.ndarray:
    missing = list(dict.fromkeys(p for p in pairs if p not in _PREDICTIONS))
    if missing:
        if len(_PREDICTIONS) + len(missing) > _MAX_PREDICTIONS:
            _PREDICTIONS.clear()
        for pair, probs in zip(missing, model.predict([s for s, _ in missing], [sp for _, sp in missing]),
                               strict=True):
            _PREDICTIONS[pair] = probs
    return np.array([_PREDICTIONS[p] for p in pairs]) if pairs else np.zeros((0, 3))


def _model_judgments(targets: list[Span], *, explain: bool, lexicon: Lexicon | None = None) -> list[tuple]:
    model = _model_or_error()
    lexicon = lexicon or load_lexicon()
    pairs = [(t.sent.text, (t.start_char - t.sent.start_char, t.end_char - t.sent.start_char)) for t in targets]
    probs = _predict(model, pairs)
    out = []
    for target, (sentence, span), p in zip(targets, pairs, probs, strict=True):
        k = int(np.argmax(p))
        label = SENTIMENT_LABELS[k]
        words = ""
        if explain and label != "neutral":
            moved = model.explain(sentence, span, top_k=3, candidates=_occlusion_candidates(target))
            pro = ", ".join(f"{w!r} ({d:+.2f})" for w, d in moved if d > 0)
            con = ", ".join(f"{w!r} ({d:+.2f})" for w, d in moved if d <= 0)
            words = (f"words for {label} (occlusion): {pro or 'none'}" + (f"; against: {con}" if con else "") + "; ")
        valenced = _lexicon_scores(clause_scope(target), lexicon)
        clause = ", ".join(f"{w!r} {v:+.1f}" for w, v, _ in valenced) or "none"
        evidence = (f"{words}model p(negative, neutral, positive) = {p[0]:.2f}, {p[1]:.2f}, {p[2]:.2f}; "
                    f"valenced words in the clause (lexicon, for reading): {clause}")
        out.append((label, round(float(p[2] - p[0]), 4), round(float(p[k]), 2), evidence))
    return out


# --------------------------------------------------------------------------- per mention


def _voice(mention: Mention, quotes: IntervalIndex) -> tuple[str, str, int]:
    """Whose words the mention is in: the first quote holding it, else the author's."""
    for q in quotes.containing(mention.start):
        return (q.speaker or "unknown speaker"), q.speaker_actor or "", q.quote_id
    return "author", "", -1


def score_sentiment(
    doc: Doc,
    mentions: Iterable[Mention],
    quotes: Iterable[Quote] = (),
    *,
    backend: str | None = None,
    lexicon: Lexicon | None = None,
    article_id: str = "",
    explain: bool = False,
) -> list[MentionSentiment]:
    """Sentiment toward every actor mention of an article.

    Parameters
    ----------
    doc
        The parsed article.
    mentions
        Actor mentions (entities the registry does not know are skipped).
    quotes
        Quotes with speakers: a mention inside a quote is in the speaker's voice.
    backend
        ``lexicon`` or ``model``; default :func:`default_backend`.
    lexicon
        For the lexicon backend: :func:`load_lexicon` with your own word list.
    article_id
        Written into every record.
    explain
        Model backend: also find, for each non-neutral label, the words whose
        removal moves the prediction most (occlusion of up to 12 content words
        near the target; one model call per word: several times slower). The
        evidence always has the class probabilities and the valenced words of
        the target's clause (from the lexicon, for reading).

    Returns
    -------
    list of MentionSentiment
    """
    name = _check_backend(backend)
    quotes = IntervalIndex((q.start, q.end, q) for q in quotes)
    sent_of = sentence_ids(doc)
    targets = [m for m in mentions if m.actor != OTHER_ACTOR]
    spans = [doc.char_span(m.start, m.end, alignment_mode="expand") for m in targets]
    if name == "lexicon":
        lex = lexicon or load_lexicon()
        judged = [_lexicon_judgment(span, lex) for span in spans]
    else:
        judged = _model_judgments(spans, explain=explain, lexicon=lexicon)
    out = []
    for m, span, (label, score, confidence, evidence) in zip(targets, spans, judged, strict=True):
        voice, voice_actor, quote_id = _voice(m, quotes)
        out.append(MentionSentiment(
            article_id=article_id or m.article_id, sentence_id=sent_of[span.start], start=m.start, end=m.end,
            text=m.text, actor=m.actor, label=label, score=score, confidence=confidence, voice=voice,
            method=name, evidence=evidence, voice_actor=voice_actor, quote_id=quote_id,
        ))
    return out


def _check_span(sentence: str, span) -> tuple[int, int]:
    try:
        start, end = (int(x) for x in span)
    except (TypeError, ValueError):
        raise AnalysisError(f"span must be (start, end) character offsets, not {span!r}", source="span") from None
    if not 0 <= start < end <= len(sentence):
        raise AnalysisError(f"span ({start}, {end}) is out of range for a sentence of {len(sentence)} characters; "
                            "use 0 <= start < end <= len(sentence)", source="span")
    if not sentence[start:end].strip():
        raise AnalysisError(f"span ({start}, {end}) holds only whitespace: {sentence[start:end]!r}", source="span")
    return start, end


def judge_target(sentence: str, span, *, backend: str | None = None, lexicon: Lexicon | None = None,
                 explain: bool = False) -> MentionSentiment:
    """Sentiment toward the words at ``span`` in one sentence (no manual splitting
    needed for articles: :func:`score_sentiment` does it per mention).

    Raises
    ------
    AnalysisError
        For a span out of range or holding only whitespace.
    """
    from .nlp import parse

    start, end = _check_span(sentence, span)
    doc = parse(sentence)
    mention = Mention(article_id="", sentence_id=0, start=start, end=end, text=sentence[start:end],
                      actor="target", method="span", confidence=1.0)
    (judged,) = score_sentiment(doc, [mention], backend=backend, lexicon=lexicon, explain=explain)
    return judged


class LexiconPredictor:
    """The lexicon backend behind the ``predict(sentences, spans)`` interface of
    the model, for benchmarks: returns one-hot probabilities (n, 3)."""

    def __init__(self, lexicon: Lexicon | None = None, pipeline=None):
        from .nlp import load_pipeline

        self.lexicon = lexicon or load_lexicon()
        self.nlp = load_pipeline(pipeline)

    def predict(self, sentences: list[str], spans: list[tuple[int, int]], *, batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(sentences), 3))
        for i, (doc, (start, end)) in enumerate(zip(self.nlp.pipe(sentences, batch_size=batch_size), spans,
                                                    strict=True)):
            target = doc.char_span(start, end, alignment_mode="expand")
            label = _lexicon_judgment(target, self.lexicon)[0] if target is not None and len(target) else "neutral"
            out[i, SENTIMENT_LABELS.index(label)] = 1.0
        return out


# --------------------------------------------------------------------------- aggregation

SUMMARY_COLUMNS = ["article_id", "actor", "voice", "voice_actor", "mentions", "negative", "neutral", "positive",
                   "mean_score", "net_tone", "net_tone_low", "net_tone_high"]


def count_groups_into(counts: dict, rows: Iterable[dict]) -> dict:
    """Add sentiment rows (dicts with ``article_id, actor, voice, voice_actor,
    label, score``) to ``counts``: (article_id, actor, voice, voice_actor) ->
    [negative, neutral, positive, score sum], for each article and for the
    corpus, for all voices together and for each voice. Returns ``counts``."""
    for row in rows:
        voice_actor = row.get("voice_actor") if isinstance(row.get("voice_actor"), str) else ""
        for article_id in (row["article_id"], "(corpus)"):
            for voice, vactor in (("all", ""), (row["voice"], voice_actor)):
                entry = counts.setdefault((article_id, row["actor"], voice, vactor), [0, 0, 0, 0.0])
                entry[SENTIMENT_LABELS.index(row["label"])] += 1
                entry[3] += float(row["score"])
    return counts


def summarize_counts(counts: dict, *, rng: np.random.Generator, n_boot: int = 1000) -> pd.DataFrame:
    """The summary table from label counts per group (see :func:`summarize_sentiment`).

    The bootstrap resamples the group's mentions: with counts only, a resample
    is a multinomial draw of n labels with the observed shares, the same
    distribution as drawing mentions with replacement. Groups are visited in
    sorted order, so a seed gives the same intervals however the counts were
    gathered (in memory or streamed from a batch run).
    """
    rows = []
    for key in sorted(counts):
        negative, neutral, positive, total = counts[key]
        n = negative + neutral + positive
        shares = np.array([negative, neutral, positive], dtype=float) / n
        draws = rng.multinomial(n, shares, size=n_boot)
        tones = (draws[:, 2] - draws[:, 0]) / n
        rows.append([*key, n, negative, neutral, positive, round(total / n, 4), round((positive - negative) / n, 4),
                     round(float(np.percentile(tones, 2.5)), 4), round(float(np.percentile(tones, 97.5)), 4)])
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    rank = table.voice.map(lambda v: {"all": 0, "author": 1}.get(v, 2))
    corpus = table.article_id == "(corpus)"
    return table.assign(_c=corpus, _r=rank).sort_values(["_c", "article_id", "actor", "_r", "voice"]).drop(
        columns=["_c", "_r"]).reset_index(drop=True)


def summarize_sentiment(sentiment: pd.DataFrame, *, by: str = "speaker", n_boot: int = 1000,
                        seed: int = 0) -> pd.DataFrame:
    """Per actor, per article and for the whole corpus: mentions, counts by label,
    mean score and net tone ((positive - negative) / n) with a 95% bootstrap
    interval, for all voices together, the author's voice, and each speaker's.

    Parameters
    ----------
    sentiment
        ``sentiment.csv`` rows.
    by
        ``speaker``: one voice per quoted person; ``actor``: quoted voices
        grouped by the speaker's actor (``voice`` then reads "quoted: exiles").
    n_boot, seed
        Bootstrap resamples and random seed (results are reproducible).

    Returns
    -------
    DataFrame
        ``article_id`` (``(corpus)`` for the corpus rows), ``actor``, ``voice``
        (``all``, ``author`` or a speaker), ``voice_actor``, ``mentions``,
        ``negative``, ``neutral``, ``positive``, ``mean_score``, ``net_tone``,
        ``net_tone_low``, ``net_tone_high``.
    """
    if by not in ("speaker", "actor"):
        raise AnalysisError(f"by={by!r}; valid: 'speaker', 'actor'", source="summarize_sentiment")
    if sentiment.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    data = sentiment.assign(voice_actor=sentiment.voice_actor.fillna(""))
    if by == "actor":
        quoted = data.voice != "author"
        data.loc[quoted, "voice"] = "quoted: " + data.loc[quoted, "voice_actor"].replace("", "unknown")
    counts = count_groups_into({}, data.to_dict("records"))
    return summarize_counts(counts, rng=np.random.default_rng(seed), n_boot=n_boot)


def target_predictor(backend: str | None = None, *, lexicon: Lexicon | None = None):
    """An object with ``predict(sentences, spans) -> (n, 3) probabilities`` for a
    backend: the shipped model, or :class:`LexiconPredictor`."""
    name = _check_backend(backend)
    return _model_or_error() if name == "model" else LexiconPredictor(lexicon)
