"""Hand-made records for testing one stage alone.

A stage test parses a short text written for the test and hands the stage the
records the stages before it would give (mentions, quotes, per-mention
sentiment), built here by hand, so a change in one stage cannot fail the
tests of another. Each test module declares a ``names`` table (phrase ->
(actor id, canonical name)) for its invented actors, and a small registry
where the stage reads one.

    >>> names = {"Ana Ortiz": ("mayor", "Ana Ortiz")}
    >>> m = mention("Yes, Ana Ortiz said.", "Ana Ortiz", names=names)
    >>> (m.start, m.end, m.actor, m.canonical)
    (5, 14, 'mayor', 'Ana Ortiz')
    >>> [x.text for x in named_mentions("Ana Ortiz met Ben Cole.", names)]
    ['Ana Ortiz']
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from analysis.nlp import sentence_ids
from analysis.types import OTHER_ACTOR, Mention, MentionSentiment, Quote

Names = Mapping[str, tuple[str, str]]


def mention(text: str, phrase: str, actor: str | None = None, *, names: Names | None = None, nth: int = 0,
            method: str = "name", canonical: str | None = None, sentence_id: int = 0) -> Mention:
    """A mention of the ``nth`` whole-word occurrence of ``phrase`` in ``text``: of ``actor`` if given, else of
    the actor ``names`` gives the phrase, else of an entity outside the registry."""
    start = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)][nth]
    actor, name = (actor, canonical or phrase) if actor else (names or {}).get(phrase, (OTHER_ACTOR, phrase))
    return Mention("t", sentence_id, start, start + len(phrase), phrase, actor, method, 0.9, name)


def named_mentions(text: str, names: Names, doc=None) -> list[Mention]:
    """A mention of every phrase of ``names`` found in ``text`` (each occurrence), longest phrases first and
    never inside a longer one, in text order: what the mentions stage finds by name. Given the parsed
    ``doc`` of the text, each mention carries its sentence's id."""
    taken: list[tuple[int, int]] = []
    for phrase in sorted(names, key=len, reverse=True):
        for found in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
            if not any(s < found.end() and found.start() < e for s, e in taken):
                taken.append((found.start(), found.end()))
    sentence_of = (lambda start: 0) if doc is None else (lambda start: sentence_ids(doc)[doc.char_span(
        start, start + 1, alignment_mode="expand").start])
    return [mention(text, text[s:e], names=names, nth=_occurrence(text, s, e), sentence_id=sentence_of(s))
            for s, e in sorted(taken)]


def _occurrence(text: str, start: int, end: int) -> int:
    phrase = text[start:end]
    return [m.start() for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)].index(start)


def quote(text: str, content: str, speaker: str, *, names: Names | None = None, cue: str = "said", kind: str = "direct",
          quote_id: int = 0, sentence_id: int = 0) -> Quote:
    """A quote of ``content`` (found in ``text``) by the words ``speaker``: of the actor ``names`` gives them,
    else of an entity outside the registry."""
    start, at = text.index(content), text.index(speaker)
    actor, name = (names or {}).get(speaker, (OTHER_ACTOR, speaker))
    return Quote(article_id="t", quote_id=quote_id, start=start, end=start + len(content), text=content, kind=kind,
                 cue=cue, speaker_text=speaker, speaker_start=at, speaker_end=at + len(speaker), speaker=name,
                 speaker_actor=actor, confidence=0.9, evidence="hand-made", sentence_id=sentence_id)


def judged(m: Mention, label: str, confidence: float = 0.95, q: Quote | None = None, *, voice: str | None = None,
           voice_actor: str = "", method: str = "hand", evidence: str = "hand-made judgment") -> MentionSentiment:
    """What the sentiment stage would say about mention ``m``: in the voice of quote ``q``'s speaker if given,
    else of ``voice`` (default the author)."""
    score = {"positive": confidence, "negative": -confidence, "neutral": 0.0}[label]
    if q is not None:
        voice, voice_actor = q.speaker, q.speaker_actor
    return MentionSentiment(article_id="t", sentence_id=m.sentence_id, start=m.start, end=m.end, text=m.text,
                            actor=m.actor, label=label, score=score, confidence=confidence, voice=voice or "author",
                            method=method, evidence=evidence, voice_actor=voice_actor,
                            quote_id=q.quote_id if q is not None else -1)
