"""How the text portrays each actor, mention by mention, with the evidence.

Target-dependent sentiment: "Putin" in "Putin thanked Lukashenko for his
unwavering support" is judged apart from "Lukashenko" in "Lukashenko has shown
no remorse". Every actor mention gets a label (negative, neutral, positive), a
score in [-1, 1], a confidence, the evidence that decided, and the **voice**
it is in: the author's, or the speaker's when the mention is inside a quote.
The speaker of a quote, named in its attribution, is neutral: the quote's
tone is the speaker's, not a judgment of them.

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

The default is ``model`` (onnxruntime and tokenizers are core dependencies).
If the model cannot be loaded, the default falls back to ``lexicon`` and says
so, once per process, with a :class:`ModelUnavailableWarning`: never silently,
since every sentiment table changes with the backend.

Examples
--------
>>> j = judge_target("Critics called the senator a corrupt liar.", (19, 26), backend="lexicon")
>>> j.label, j.method
('negative', 'lexicon')
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Span, Token

from .errors import AnalysisError
from .nlp import sentence_finder, sentence_ids
from .resources import read_text
from .spans import IntervalIndex
from .types import OTHER_ACTOR, SENTIMENT_LABELS, Mention, MentionSentiment, Quote

__all__ = [
    "BACKENDS",
    "available_backends",
    "default_backend",
    "ModelUnavailableWarning",
    "load_lexicon",
    "Lexicon",
    "clause_scope",
    "score_sentiment",
    "judge_target",
    "LexiconPredictor",
    "target_predictor",
    "forget_predictions",
    "prefetch_model_judgments",
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
    ours, source = read_text(None, "news_lexicon.tsv", what="a lexicon")
    sources = ["vaderSentiment/vader_lexicon.txt", source]
    entries = _read_word_list(ours, source)
    if extra is not None:
        text, source = read_text(extra, "", what="a lexicon (UTF-8 lines of word<TAB>valence)")
        entries.update(_read_word_list(text, source))
        sources.append(source)
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


#: The lexicon backend's confidence in "neutral" where no valenced word decides.
_LEXICON_UNVALENCED = 0.6


def _lexicon_judgment(target: Span, lexicon: Lexicon) -> tuple[str, float, float, str]:
    """(label, score, confidence, evidence) for one target."""
    items = _lexicon_scores(clause_scope(target), lexicon)
    score = round(_compound(sum(v for _, v, _ in items)), 4)
    label = _label_of(score)
    if label == "neutral":
        confidence = round(0.5 + 0.4 * (1 - abs(score) / NEUTRAL_BAND), 2) if items else _LEXICON_UNVALENCED
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


class ModelUnavailableWarning(UserWarning):
    """The sentiment model could not be loaded, so the default backend is the lexicon."""


#: Whether this process has already been told that the model could not be loaded.
_TOLD_MODEL_UNAVAILABLE = False


def _model_problem() -> str | None:
    """Why the model backend cannot run in this installation, or None if it can."""
    try:
        _model_or_error()
    except ImportError as err:
        missing = getattr(err.__cause__, "name", None) or err.name
        return f"{missing} is not installed" if missing else str(err)
    except (OSError, ValueError, AnalysisError) as err:
        return str(err) or type(err).__name__
    return None


def available_backends() -> list[str]:
    """Backends that work in this installation, most accurate first."""
    return ["lexicon"] if _model_problem() else ["model", "lexicon"]


def default_backend() -> str:
    """The most accurate installed backend: ``model``, unless it cannot be loaded.

    A fall-back to ``lexicon`` is reported once per process with a
    :class:`ModelUnavailableWarning` that says why and what to do; choosing a
    backend by name (``backend="lexicon"``, ``--backend lexicon``) never warns.
    """
    global _TOLD_MODEL_UNAVAILABLE
    problem = _model_problem()
    if problem is None:
        return "model"
    if not _TOLD_MODEL_UNAVAILABLE:
        _TOLD_MODEL_UNAVAILABLE = True
        warnings.warn(
            f"The sentiment model could not be loaded ({problem}), so sentiment is scored with the word "
            "lexicon instead: it is less accurate (macro-F1 about 52 instead of 75-84 on NewsMTSC) and every "
            "sentiment table and figure changes. Reinstall the toolkit (make setup) to get the model back, "
            "or choose the lexicon on purpose (--backend lexicon, or backend=\"lexicon\") and this message "
            "goes away.",
            ModelUnavailableWarning, stacklevel=2)
    return "lexicon"


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


def forget_predictions() -> None:
    """Empty the in-process store of model outputs, so the next call scores every target afresh (for timing
    the model, or after swapping its files)."""
    _PREDICTIONS.clear()


def _predict(model, pairs: list[tuple[str, tuple[int, int]]]) -> np.ndarray:
    missing = list(dict.fromkeys(p for p in pairs if p not in _PREDICTIONS))
    if missing:
        if len(_PREDICTIONS) + len(missing) > _MAX_PREDICTIONS:
            _PREDICTIONS.clear()
        for pair, probs in zip(missing, model.predict([s for s, _ in missing], [sp for _, sp in missing]),
                               strict=True):
            _PREDICTIONS[pair] = probs
    return np.array([_PREDICTIONS[p] for p in pairs]) if pairs else np.zeros((0, 3))


def prefetch_model_judgments(articles: Iterable[tuple[Doc, Iterable[Mention]]]) -> int:
    """Run the sentiment model once over the actor mentions of several articles
    (each a ``(doc, mentions)`` pair) and keep its outputs in this process, so
    that :func:`score_sentiment` on each article then finds them computed.

    One article rarely has enough sentences of similar length to fill the
    model's batches; several together do (sentences are sorted by length, so a
    batch carries little padding), which makes the model about 1.5 times faster
    per mention. A target's output does not depend on its batch companions
    (to about 1e-7), so the records are those of scoring each article alone.

    Returns the number of targets sent to the model.
    """
    pairs = []
    for doc, mentions in articles:
        spans = [doc.char_span(m.start, m.end, alignment_mode="expand") for m in mentions if m.actor != OTHER_ACTOR]
        pairs += [(sentence, span) for sentence, span, _ in _model_inputs(spans)]
    if pairs:
        _predict(_model_or_error(), pairs)
    return len(pairs)


#: Sentences longer than this (characters) reach the model as a window around
#: the target: the model reads at most 128 tokens anyway, and a sentence of a
#: whole unpunctuated page made every one of its mentions cost the page.
_LONG_SENTENCE = 2000
#: Characters kept on each side of the target in such a window (cut at a space).
_WINDOW = 1000


def _model_inputs(targets: list[Span]) -> list[tuple[str, tuple[int, int], int]]:
    """For each target: the text the model reads (its sentence, or a window of a
    very long one), the target's span in it, and where that text starts in the
    sentence. A mention can straddle a sentence break when the splitter cuts a
    name ("President | Trump"): its part inside the sentence is the target."""
    if not targets:
        return []
    find = sentence_finder(targets[0].doc)
    out = []
    for t in targets:
        text, base = find(t)
        start, end = t.start_char - base, min(t.end_char - base, len(text))
        offset = 0
        if len(text) > _LONG_SENTENCE:
            a, b = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
            if a > 0:
                space = text.find(" ", a, start)
                a = space + 1 if space != -1 else a
            if b < len(text):
                space = text.rfind(" ", end, b)
                b = space if space != -1 else b
            text, start, end, offset = text[a:b], start - a, end - a, a
        out.append((text, (start, end), offset))
    return out


def _model_judgments(targets: list[Span], *, explain: bool, lexicon: Lexicon | None = None) -> list[tuple]:
    model = _model_or_error()
    lexicon = lexicon or load_lexicon()
    inputs = _model_inputs(targets)
    pairs = [(sentence, span) for sentence, span, _ in inputs]
    probs = _predict(model, pairs)
    out = []
    for target, (sentence, span, offset), p in zip(targets, inputs, probs, strict=True):
        k = int(np.argmax(p))
        label = SENTIMENT_LABELS[k]
        words = ""
        if explain and label != "neutral":
            candidates = [(a - offset, b - offset) for a, b in _occlusion_candidates(target)
                          if a >= offset and b - offset <= len(sentence)]
            moved = model.explain(sentence, span, top_k=3, candidates=candidates)
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


#: Verbs by which their subject judges their object ("X accused Y of ...",
#: "praised Y for ...", "called Y a ..."): a judgment of the object is the subject's.
_JUDGING_VERBS = frozenset({
    "accuse", "praise", "criticise", "criticize", "blame", "call", "slam", "condemn", "denounce", "attack",
    "applaud", "commend", "laud", "hail", "fault", "chide", "rebuke", "scold", "lambast", "lambaste", "blast",
    "decry", "mock", "ridicule", "brand", "label", "dub", "thank", "congratulate", "castigate", "berate",
})
#: Prepositions that name what or whom a judging verb judges ("accused Y of", "praised Y for", "blamed it on Y").
_JUDGED_FOR = frozenset({"of", "for", "on", "as", "over", "about"})
#: Dependencies through which a mention belongs to a verb's object ("Y's plan", "blamed it on Y").
_OBJECT_PATH = ("dobj", "pobj", "prep", "oprd", "attr", "dative", "nsubjpass", "conj", "appos", "compound", "poss",
                "nmod")


#: Texts whose name-word is where they appeared, not who wrote them: "a Facebook post", "a CNN report"
#: judge as themselves; "Trump's tweet" and "a Trump tweet" are still Trump's.
_TEXT_NOUNS = frozenset({"post", "tweet", "letter", "statement", "report", "ad", "advertisement", "article",
                         "editorial", "column", "video", "memo", "document", "poll", "survey", "study", "book",
                         "message", "email", "e-mail", "segment", "headline", "story", "page"})


def _voice(mention: Mention, quotes: IntervalIndex, span: Span | None = None,
           named: IntervalIndex | None = None) -> tuple[str, str, int]:
    """Whose words the mention is in: the first quote holding it; else, when the
    mention is in the object of a judging verb (:data:`_JUDGING_VERBS`), that
    verb's subject ("X accused Y of fraud": Y is judged in X's voice; the
    subject's mention gives its name and actor); else the author's."""
    for q in quotes.containing(mention.start):
        return (q.speaker or "unknown speaker"), q.speaker_actor or "", q.quote_id
    node = span.root if span is not None and len(span) else None
    while node is not None and node.dep_ in _OBJECT_PATH and node.head.i != node.i:
        if node.dep_ == "prep" and node.lower_ not in _JUDGED_FOR:
            break  # "praised the plan to Republicans": they are not the ones judged
        node = node.head
        if node.pos_ != "VERB" or node.lemma_.lower() not in _JUDGING_VERBS:
            continue
        if node.lemma_.lower() == "call" and any(c.dep_ == "prep" and c.lower_ in ("on", "for", "upon")
                                                 for c in node.children):
            break  # "called on X to veto", "called for X": a request, not a judgment of X
        subjects = [c for c in node.children if c.dep_ == "nsubj"]
        subjects += [g for c in node.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        if not subjects and node.dep_ in ("advcl", "xcomp", "conj") and node.tag_ in ("VBG", "VBN", "VB"):
            if any(c.dep_ == "dobj" and c.lower_.endswith(("self", "selves")) for c in node.children):
                break  # "Calling themselves the X battalion, ...": a name they give themselves, no judgment
            # "Calling X a coward, Y told ...", "Y went on to call X ...": the governing verb's subject judges
            subjects = [c for c in node.head.children if c.dep_ == "nsubj"]
        if not subjects or span.start <= subjects[0].i < span.end:
            break
        subject = subjects[0]
        if subject.tag_ in ("WP", "WDT") and subject.head.dep_ == "relcl":
            subject = subject.head.head  # "officials, who accused ...": the officials
        found = named.containing(subject.idx) if named is not None else []
        owners = [c for c in subject.children if c.dep_ in ("compound", "poss") and c.i < subject.i and not (
            subject.lemma_.lower() in _TEXT_NOUNS and c.dep_ == "compound" and c.ent_type_ != "PERSON")]
        for part in owners:  # "a Facebook post criticized X": the post judges (its author unnamed), not Facebook
            # "The Biden government" judges as Biden; "Top Senate leaders", several people of a body the
            # registry does not know, judge as themselves (below), not as the Senate
            found = found or [m for m in (named.containing(part.idx) if named is not None else [])
                              if m.actor not in ("", OTHER_ACTOR) or subject.tag_ not in ("NNS", "NNPS")]
        if found:
            who = max(found, key=lambda m: (m.actor != OTHER_ACTOR, m.confidence))
            return (who.canonical or who.text), who.actor, -1
        if subject.pos_ in ("NOUN", "PROPN", "PRON"):  # an unnamed or unresolved judge keeps its words
            words = subject.doc[subject.left_edge.i:subject.i + 1]  # "Top Senate leaders", "the union"
            return " ".join(t.text for t in words), "", -1
        break
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
    quotes = list(quotes)
    speakers = IntervalIndex((q.speaker_start, q.speaker_end, q) for q in quotes
                             if 0 <= q.speaker_start < q.speaker_end)
    quotes = IntervalIndex((q.start, q.end, q) for q in quotes)
    sent_of = sentence_ids(doc)
    mentions = list(mentions)
    named = IntervalIndex((m.start, m.end, m) for m in mentions)
    targets = [m for m in mentions if m.actor != OTHER_ACTOR]
    spans = [doc.char_span(m.start, m.end, alignment_mode="expand") for m in targets]
    if name == "lexicon":
        lex = lexicon or load_lexicon()
        judged = [_lexicon_judgment(span, lex) for span in spans]
    else:
        judged = _model_judgments(spans, explain=explain, lexicon=lexicon)
    out = []
    for m, span, (label, score, confidence, evidence) in zip(targets, spans, judged, strict=True):
        voice, voice_actor, quote_id = _voice(m, quotes, span, named)
        said = next(iter(speakers.overlapping(m.start, m.end)), None) if quote_id < 0 else None
        if said is not None and label != "neutral":
            # '"...," Lukashenko told reporters': the quote's words are the speaker's, not a judgment of them;
            # the model reads the tone of the quote onto its speaker
            # confidence: the model's own probability of neutral (it disagreed; the rule decides); the lexicon's
            # for a neutral with no valenced word (the rule sets the quote's words aside)
            other = confidence + score if label == "negative" else confidence - score
            confidence = _LEXICON_UNVALENCED if name == "lexicon" else round(max(0.0, 1.0 - confidence - other), 2)
            label, score = "neutral", 0.0
            evidence = (f"neutral: the speaker of quote {said.quote_id}, named in its attribution (the tone of the "
                        f"quote is theirs, not a judgment of them); {evidence}")
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


def target_predictor(backend: str | None = None, *, lexicon: Lexicon | None = None):
    """An object with ``predict(sentences, spans) -> (n, 3) probabilities`` for a
    backend: the shipped model, or :class:`LexiconPredictor`."""
    name = _check_backend(backend)
    return _model_or_error() if name == "model" else LexiconPredictor(lexicon)
