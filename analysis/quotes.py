"""Direct quotations and their speakers.

A quotation is text between quotation marks (curly or straight). News style
is handled: a quote that runs over a paragraph end without a closing mark and
continues in the next paragraph's opening mark is one quote; a split quote
(``"...," he said, "..."``) gives two quotes with the same speaker; a quote with
no attribution right after a quote of known speaker continues that speaker.
An unbalanced mark ends its quote at the paragraph end with a lower confidence.

The speaker is the subject of a reporting verb (``resources/reporting_verbs.txt``)
in the quote's sentence, outside the quote, found through the dependency
parse; a participle cue ("..., saying, "...") takes the subject of the verb it
hangs from. Which actor the speaker is (e.g. the "he" of "he told reporters")
is filled in by :func:`attach_speakers` once pronouns are resolved.

This is the direct-speech part of the quotes stage; indirect speech ("X said
that ...") is still to come (issue 4).

Examples
--------
>>> from analysis.nlp import parse
>>> doc = parse('"We see a window," Prokopiev told CNN.', cache_dir=False)
>>> [(q.text, q.cue, q.speaker_text) for q in extract_quotes(doc, article_id="demo")]
[('We see a window,', 'told', 'Prokopiev')]
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import replace
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc, Token

from .nlp import sentence_ids
from .types import Mention, Quote

__all__ = ["extract_quotes", "attach_speakers", "quote_spans", "load_reporting_verbs", "QuoteSpan"]

_OPENERS = {"“": "”", "«": "»", "„": "“", '"': '"'}
_CLOSERS = {"”", "»", '"'}
#: Quotes shorter than this many words, or with no verb, are scare quotes,
#: nicknames or titles, not speech, unless a reporting verb attributes them.
_MIN_WORDS = 3
_SUBJECTS = ("nsubj", "nsubjpass")


@functools.lru_cache(maxsize=8)
def load_reporting_verbs(path: str | Path | None = None) -> frozenset[str]:
    """Reporting-verb lemmas from a text file (one per line, ``#`` comments).

    ``None`` reads the list shipped in ``analysis/resources/reporting_verbs.txt``.

    >>> "say" in load_reporting_verbs()
    True
    """
    if path is None:
        text = resources.files("analysis.resources").joinpath("reporting_verbs.txt").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


class QuoteSpan(tuple):
    """``(start, end, balanced)``: character bounds of a quote's content."""

    __slots__ = ()

    def __new__(cls, start: int, end: int, balanced: bool):
        return super().__new__(cls, (start, end, balanced))

    start = property(lambda self: self[0])
    end = property(lambda self: self[1])
    balanced = property(lambda self: self[2])


def _is_straight_opener(text: str, i: int) -> bool:
    """A straight double quote opens when it is not glued to the word before it."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-:") and not after.isspace()


def quote_spans(text: str) -> list[QuoteSpan]:
    """Character spans of quoted text (between the marks, marks excluded).

    >>> quote_spans('He said: "Go." Then “more”.')
    [(10, 13, True), (21, 25, True)]
    """
    spans: list[QuoteSpan] = []
    open_at, opener = None, None
    i = 0
    while i < len(text):
        ch = text[i]
        if open_at is None:
            if ch in _OPENERS and (ch != '"' or _is_straight_opener(text, i)):
                open_at, opener = i + 1, ch
        elif ch == "\n":
            # news style: a quote running on into the next paragraph has no
            # closing mark here, and the next paragraph opens with a mark again
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            if j < len(text) and text[j] == opener:
                i = j + 1
                continue
            spans.append(QuoteSpan(open_at, i, False))
            open_at = None
        elif ch == _OPENERS[opener] or (opener != '"' and ch in _CLOSERS and ch != '"'):
            spans.append(QuoteSpan(open_at, i, True))
            open_at = None
        elif opener != '"' and ch == opener:
            # a second opening mark: the earlier quote was never closed
            spans.append(QuoteSpan(open_at, i, False))
            open_at = i + 1
        i += 1
    if open_at is not None:
        spans.append(QuoteSpan(open_at, len(text), False))
    return [s for s in spans if s.end > s.start]


def _inside(token: Token, spans: Iterable[QuoteSpan]) -> bool:
    return any(s.start <= token.idx < s.end for s in spans)


def _subject(verb: Token) -> Token | None:
    """The verb's subject; for a participle or infinitive cue, its governor's."""
    seen = 0
    while verb is not None and seen < 4:
        for child in verb.children:
            if child.dep_ in _SUBJECTS:
                return child
        if verb.dep_ in ("advcl", "xcomp", "conj", "acl") and verb.head is not verb:
            verb = verb.head
            seen += 1
        else:
            return None
    return None


def _according_to(tokens: list[Token]) -> Token | None:
    for tok in tokens:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.nbor().lower_ == "to":
            objects = [c for c in tok.nbor().children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


def _speaker_span(head: Token) -> tuple[int, int]:
    """Characters of the speaker's name: the head with its compound/flat name parts."""
    if head.pos_ == "PRON":
        return head.idx, head.idx + len(head.text)
    left = head
    for child in head.lefts:
        if child.dep_ in ("compound", "flat") and child.pos_ == "PROPN":
            left = child if child.i < left.i else left
    return left.idx, head.idx + len(head.text)


def _find_cue(doc: Doc, span: QuoteSpan, sent_of: list[int], quotes: list[QuoteSpan], verbs: frozenset[str]):
    """The reporting verb attributing this quote: outside every quote, in a sentence
    the quote touches, nearest to the quote's end (then its start)."""
    first = doc.char_span(span.start, span.end, alignment_mode="expand")
    if first is None or len(first) == 0:
        return None, None
    sents = set(sent_of[first.start : first.end])
    tokens = [t for t in doc if sent_of[t.i] in sents and not _inside(t, quotes)]
    cues = [t for t in tokens if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in verbs]
    cues.sort(key=lambda t: min(abs(t.idx - span.end), abs(t.idx - span.start)))
    for cue in cues:
        subject = _subject(cue)
        if subject is not None:
            return cue, subject
    according = _according_to(tokens)
    if according is not None:
        return according.head.head, according
    return (cues[0], None) if cues else (None, None)


def _has_verb(span) -> bool:
    return span is not None and any(t.pos_ in ("VERB", "AUX") for t in span)


def extract_quotes(
    doc: Doc,
    mentions: Iterable[Mention] = (),
    article_id: str = "",
    *,
    reporting_verbs: frozenset[str] | None = None,
) -> list[Quote]:
    """Direct quotations of an article with their cue and speaker span.

    Parameters
    ----------
    doc
        The parsed article.
    mentions
        Known mentions; a speaker that is one of them gets its actor now
        (pronoun speakers get theirs from :func:`attach_speakers`).
    article_id
        Written into every record.
    reporting_verbs
        Lemmas of reporting verbs; default :func:`load_reporting_verbs`.

    Returns
    -------
    list of Quote
        ``kind == "direct"``; ``speaker_start == -1`` when no speaker was found.
    """
    verbs = reporting_verbs or load_reporting_verbs()
    sent_of = sentence_ids(doc)
    spans = quote_spans(doc.text)
    quotes: list[Quote] = []
    previous: Quote | None = None
    for span in spans:
        content = doc.text[span.start : span.end]
        cue, subject = _find_cue(doc, span, sent_of, spans, verbs)
        tok = doc.char_span(span.start, span.end, alignment_mode="expand")
        if cue is None and (len(content.split()) < _MIN_WORDS or not _has_verb(tok)):
            continue  # scare quotes, a nickname or a title, not speech
        sentence_id = sent_of[tok.start] if tok is not None and len(tok) else -1
        confidence = 0.9 if span.balanced else 0.6
        quote = Quote(
            article_id=article_id, quote_id=len(quotes), start=span.start, end=span.end,
            text=content, kind="direct", sentence_id=sentence_id, confidence=confidence,
        )
        if subject is not None:
            s_start, s_end = _speaker_span(subject)
            quote = replace(
                quote, cue=cue.text, speaker_text=doc.text[s_start:s_end], speaker_start=s_start,
                speaker_end=s_end,
                evidence="attributed with 'according to'" if cue.lower_ == "according"
                else f"subject of the reporting verb {cue.text!r}",
            )
        elif previous is not None and previous.speaker_start >= 0 and 0 <= sentence_id - previous.sentence_id <= 1:
            quote = replace(
                quote, cue="", speaker_text=previous.speaker_text, speaker_start=previous.speaker_start,
                speaker_end=previous.speaker_end, confidence=round(confidence * 0.8, 2),
                evidence=f"no cue of its own; continues quote {previous.quote_id} of {previous.speaker_text!r}",
            )
        else:
            quote = replace(quote, cue=cue.text if cue is not None else "", evidence="no speaker found")
        if not span.balanced:
            quote = replace(quote, evidence=quote.evidence + "; closing quotation mark missing")
        quotes.append(quote)
        previous = quote
    return _attach(quotes, mentions)


def _attach(quotes: list[Quote], mentions: Iterable[Mention]) -> list[Quote]:
    mentions = [m for m in mentions if m.actor]
    out = []
    for q in quotes:
        if q.speaker_start < 0:
            out.append(q)
            continue
        hits = [m for m in mentions if m.start < q.speaker_end and q.speaker_start < m.end]
        if hits:
            best = max(hits, key=lambda m: (m.confidence, m.end - m.start))
            q = replace(q, speaker=best.canonical or best.text, speaker_actor=best.actor)
        elif not q.speaker:
            q = replace(q, speaker=q.speaker_text)
        out.append(q)
    return out


def attach_speakers(quotes: Iterable[Quote], mentions: Iterable[Mention]) -> list[Quote]:
    """Give each quote the actor of the mention at its speaker span.

    Run after pronoun resolution so that "he told reporters" gets the actor
    "he" was resolved to. Speakers that are no mention keep their own text
    as ``speaker`` and an empty ``speaker_actor``.
    """
    return _attach([replace(q, speaker="", speaker_actor="") for q in quotes], list(mentions))
