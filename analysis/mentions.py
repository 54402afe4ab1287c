"""Find the actors of the registry in a parsed article, and the entities it does not know.

Matching comes from the actor registry, never from NER labels: the small
English pipeline misses or mislabels several of the study's people (in the seed
article only one of five "Prokopiev" gets any entity label, and that one ORG).
Each name, alias, member, group noun and metonym of ``actors.yaml`` becomes a
pattern of a spaCy ``PhraseMatcher`` (case-insensitive, a leading "the"
ignored); the surname of every multi-word person name matches alone; near-miss
spellings of person names (edit distance 1, or 2 for long names) match with a
lower confidence. Entities the registry does not know (PERSON, ORG, GPE, and
NORP used as a noun) are listed with actor ``"other"`` so a researcher sees who
else is in the story.

Pronouns, descriptions ("the group") and first-person speakers are resolved
by :mod:`analysis.coref`, which takes these mentions as input.

Examples
--------
>>> from analysis.actors import parse_actors
>>> from analysis.nlp import parse
>>> registry = parse_actors('''
... actors:
...   putin: {kind: person, pronoun: he, names: [Vladimir Putin], metonyms: [the Kremlin]}
... ''')
>>> doc = parse("The Kremlin said Putin was busy.", cache_dir=False)
>>> [(m.text, m.actor, m.method) for m in find_mentions(doc, registry, "demo")]
[('Kremlin', 'putin', 'metonym'), ('Putin', 'putin', 'name')]
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pandas as pd
import spacy
from nltk.metrics.distance import edit_distance
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .nlp import sentence_ids
from .spans import IntervalIndex
from .types import OTHER_ACTOR, Actor, ActorRegistry, Mention

__all__ = [
    "find_mentions",
    "find_registry_mentions",
    "find_other_entities",
    "mention_counts",
    "other_entities",
    "surface_forms",
    "SurfaceForm",
]

#: Confidence of each way of matching (a prior: how often such a match is the
#: actor, by our reading of news text; the gold scores in the README measure it).
CONFIDENCE = {"name": 0.99, "alias": 0.95, "member": 0.95, "metonym": 0.85, "group_noun": 0.85, "fuzzy": 0.75}
#: NER labels listed as other actors.
OTHER_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class SurfaceForm:
    """One phrase that denotes an actor, and how it was derived from the registry."""

    actor: str
    text: str
    method: str  # name | alias | member | group_noun | metonym | exclude
    canonical: str
    origin: str  # the registry entry it comes from, for the evidence column
    proper: bool  # a proper name: the match must be capitalised


def _strip_article(text: str) -> str:
    return _LEADING_ARTICLE.sub("", text.strip())


def _is_person_entry(kind: str) -> bool:
    return kind == "person"


def _with_surname(name: str, kind: str) -> list[tuple[str, str]]:
    """The name, and for a multi-word person name its last word (the surname)."""
    forms = [(name, "")]
    words = name.split()
    if _is_person_entry(kind) and len(words) >= 2:
        forms.append((words[-1], f"surname of {name!r}"))
    return forms


def surface_forms(actor: Actor) -> list[SurfaceForm]:
    """Every phrase that denotes ``actor``, with the method that names it.

    >>> from analysis.types import Actor, Member
    >>> a = Actor(id="x", label="X", kind="group", members=(Member("Vadim Prokopiev"),))
    >>> [(f.text, f.method) for f in surface_forms(a)]
    [('Vadim Prokopiev', 'member'), ('Prokopiev', 'member')]
    """
    canonical = actor.names[0] if actor.names else actor.label
    forms: list[SurfaceForm] = []

    def add(text, method, canon, origin):
        core = _strip_article(text)
        if core:
            forms.append(SurfaceForm(actor.id, core, method, canon, origin, core != core.lower()))

    for method, names in (("name", actor.names), ("alias", actor.aliases)):
        for name in names:
            for text, how in _with_surname(name, actor.kind):
                add(text, method, canonical, how or f"{method} {name!r}")
    for member in actor.members:
        for name in (member.name, *member.aliases):
            for text, how in _with_surname(name, member.kind):
                own = name == member.name
                origin = how or (f"member {member.name!r}" if own else f"alias {name!r} of member {member.name!r}")
                add(text, "member", member.name, origin)
    for noun in actor.group_nouns:
        add(noun, "group_noun", actor.label, f"group noun {noun!r}")
    for metonym in actor.metonyms:
        stands = f" ({metonym.stands_for})" if metonym.stands_for else ""
        add(metonym.text, "metonym", canonical, f"metonym {metonym.text!r}{stands}")
    for phrase in actor.exclude:
        add(phrase, "exclude", "", f"excluded phrase {phrase!r}")
    return forms


@functools.lru_cache(maxsize=8)
def _tokenizer(lang: str):
    # the pipeline's tokenizer rules for its language; patterns tokenised alike
    return spacy.blank(lang).tokenizer


@functools.lru_cache(maxsize=16)
def _matcher_for(registry: ActorRegistry, vocab, lang: str) -> tuple[PhraseMatcher, dict[int, SurfaceForm]]:
    """A phrase matcher over every surface form (built once per registry and vocabulary)."""
    tokenize = _tokenizer(lang)
    matcher = PhraseMatcher(vocab, attr="LOWER")
    table: dict[int, SurfaceForm] = {}
    for actor in registry.actors:
        for i, form in enumerate(surface_forms(actor)):
            key = f"{actor.id}|{i}"
            table[vocab.strings.add(key)] = form
            matcher.add(key, [Doc(vocab, words=[t.text for t in tokenize(form.text)])])
    return matcher, table


def _accept(span: Span, form: SurfaceForm) -> bool:
    """Proper names must be capitalised in the text ("Bush" the president, not a bush)."""
    return not form.proper or span.text[:1].isupper()


def _mention(doc, sent_of, article_id, start_tok, end_tok, actor, method, confidence, canonical, evidence, label=""):
    span = doc[start_tok:end_tok]
    return Mention(
        article_id=article_id,
        sentence_id=sent_of[start_tok],
        start=span.start_char,
        end=span.end_char,
        text=span.text,
        actor=actor,
        method=method,
        confidence=confidence,
        canonical=canonical,
        evidence=evidence,
        ner_label=label,
    )


def _fuzzy_targets(registry: ActorRegistry) -> list[SurfaceForm]:
    """Single-word person names long enough for spelling variants to be safe."""
    targets = []
    for actor in registry.actors:
        if not actor.fuzzy:
            continue
        person_forms = [
            f
            for f in surface_forms(actor)
            if f.method in ("name", "alias", "member") and " " not in f.text and len(f.text) >= 6
        ]
        person_names = {m.name for m in actor.members if m.kind == "person"}
        for form in person_forms:
            if form.method == "member" and form.canonical not in person_names:
                continue
            if form.method != "member" and actor.kind != "person":
                continue
            targets.append(form)
    return targets


def _max_distance(word: str) -> int:
    return 1 if len(word) < 9 else 2


def _fuzzy_matches(doc: Doc, registry: ActorRegistry, taken: set[int]) -> list[tuple[int, SurfaceForm, int]]:
    targets = _fuzzy_targets(registry)
    found = []
    for token in doc:
        word = token.text
        if token.i in taken or len(word) < 6 or not word[:1].isupper() or not word.isalpha():
            continue
        best = None
        for form in targets:
            if form.text[0].lower() != word[0].lower() or abs(len(form.text) - len(word)) > 2:
                continue
            distance = edit_distance(word.lower(), form.text.lower())
            if 0 < distance <= _max_distance(form.text) and (best is None or distance < best[1]):
                best = (form, distance)
        if best:
            found.append((token.i, best[0], best[1]))
    return found


_PRIORITY = {"name": 0, "member": 1, "alias": 2, "metonym": 3, "group_noun": 4}


def _drop_modifiers(spans: list[Span]) -> list[Span]:
    """Drop a match that only modifies another match: "Belarusian opposition" in
    "Belarusian opposition leader Svetlana Tikhanovskaya" is her title, not a
    second mention."""
    covered = {i: span for span in spans for i in range(span.start, span.end)}
    kept = []
    for span in spans:
        token, modifies = span.root, None
        while token.dep_ in ("compound", "amod", "nmod") and token.head.i != token.i and modifies is None:
            token = token.head
            other = covered.get(token.i)
            modifies = other if other is not None and other is not span else None
        if modifies is None:
            kept.append(span)
    return kept


def find_registry_mentions(doc: Doc, registry: ActorRegistry, article_id: str = "") -> list[Mention]:
    """Mentions of the registry's actors by name, alias, member, group noun or metonym.

    Overlapping matches keep the longest; a match inside one of the actor's
    ``exclude`` phrases is dropped.
    """
    matcher, table = _matcher_for(registry, doc.vocab, doc.lang_)
    sent_of = sentence_ids(doc)
    spans, excluded = [], []
    for match_id, start, end in matcher(doc):
        form = table[match_id]
        span = Span(doc, start, end, label=match_id)
        if form.method == "exclude":
            excluded.append((form.actor, start, end))
        elif _accept(span, form):
            spans.append(span)
    spans = [
        s
        for s in spans
        if not any(a == table[s.label].actor and s.start < e and b < s.end for a, b, e in excluded)
    ]
    # where two forms match the same words, the more specific method (and the
    # exact spelling) wins; filter_spans keeps the first of equally long spans
    spans.sort(key=lambda s: (s.start, _PRIORITY[table[s.label].method], s.text != table[s.label].text))
    kept = _drop_modifiers(filter_spans(spans))
    mentions = []
    taken: set[int] = set()
    for span in kept:
        form = table[span.label]
        taken.update(range(span.start, span.end))
        mentions.append(
            _mention(
                doc, sent_of, article_id, span.start, span.end, form.actor, form.method,
                CONFIDENCE[form.method], form.canonical, f"matches {form.origin} of {form.actor}",
            )
        )
    for i, form, distance in _fuzzy_matches(doc, registry, taken):
        method = "member" if form.method == "member" else "alias"
        mentions.append(
            _mention(
                doc, sent_of, article_id, i, i + 1, form.actor, method, CONFIDENCE["fuzzy"], form.canonical,
                f"spelling variant of {form.text!r} (edit distance {distance}) of {form.actor}",
            )
        )
    return sorted(mentions, key=lambda m: (m.start, m.end))


def _trim_entity(span: Span) -> Span:
    """Drop a leading determiner and a trailing possessive marker."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end - 1 and doc[start].dep_ == "det":
        start += 1
    while end - 1 > start and doc[end - 1].tag_ == "POS":
        end -= 1
    return doc[start:end]


def find_other_entities(doc: Doc, taken: list[Mention], article_id: str = "") -> list[Mention]:
    """Named entities the registry does not know, as mentions of actor ``"other"``.

    An entity overlapping a registry mention is not listed; NORP entities
    count only as nouns ("Belarusians"), not as adjectives ("Belarusian troops").
    """
    sent_of = sentence_ids(doc)
    occupied = IntervalIndex((m.start, m.end, m) for m in taken)
    others = []
    for ent in doc.ents:
        if ent.label_ not in OTHER_LABELS:
            continue
        if ent.label_ == "NORP" and ent.root.pos_ not in ("NOUN", "PROPN"):
            continue
        span = _trim_entity(ent)
        if occupied.overlapping(span.start_char, span.end_char):
            continue
        others.append(
            _mention(
                doc, sent_of, article_id, span.start, span.end, OTHER_ACTOR, "ner", 0.6, span.text,
                f"spaCy NER label {ent.label_}; not in the actor registry", ent.label_,
            )
        )
    return others


def find_mentions(doc: Doc, registry: ActorRegistry, article_id: str = "") -> list[Mention]:
    """Registry mentions and other named entities, in text order.

    Parameters
    ----------
    doc
        The parsed article (:func:`analysis.nlp.parse`).
    registry
        The study's actors (:func:`analysis.actors.load_actors`).
    article_id
        Written into every record.

    Returns
    -------
    list of Mention
        Sorted by position; ``actor`` is a registry id or ``"other"``.
    """
    known = find_registry_mentions(doc, registry, article_id)
    return sorted(known + find_other_entities(doc, known, article_id), key=lambda m: (m.start, m.end))


def mention_counts(mentions: pd.DataFrame, *, include_other: bool = False) -> pd.DataFrame:
    """Mentions per actor (rows) and method (columns), with a total.

    >>> frame = pd.DataFrame({"actor": ["putin", "putin", "nato"], "method": ["name", "pronoun", "name"]})
    >>> mention_counts(frame).loc["putin", "total"]
    np.int64(2)
    """
    rows = mentions if include_other else mentions[mentions.actor != OTHER_ACTOR]
    table = pd.crosstab(rows.actor, rows.method)
    table["total"] = table.sum(axis=1)
    return table.sort_values("total", ascending=False)


def other_entities(mentions: pd.DataFrame) -> pd.DataFrame:
    """Who else is in the story: entities the registry does not know, by frequency.

    >>> frame = pd.DataFrame({"actor": ["other", "other", "putin"], "canonical": ["CNN", "CNN", "Putin"],
    ...                       "ner_label": ["ORG", "ORG", ""], "article_id": ["a", "a", "a"]})
    >>> other_entities(frame).values.tolist()
    [['CNN', 'ORG', 2, 1]]
    """
    rows = mentions[mentions.actor == OTHER_ACTOR]
    table = rows.groupby(["canonical", "ner_label"]).agg(mentions=("actor", "size"), articles=("article_id", "nunique"))
    return table.reset_index().sort_values(["mentions", "canonical"], ascending=[False, True], ignore_index=True)
