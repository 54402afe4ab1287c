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
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
import spacy
from nltk.metrics.distance import edit_distance
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
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
    surname: bool = False  # a surname alone: resolved in the article's context
    pronoun: str | None = None  # of the person named, for honorifics ("Mr.", "Ms.")
    given: frozenset = frozenset()  # given names (lower case) of the full name the surname comes from


def _strip_article(text: str) -> str:
    return _LEADING_ARTICLE.sub("", text.strip())


#: Generational suffixes: part of a name, never a surname ("Donald Trump Jr.").
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"})
#: Lower-case particles that belong to the surname after them ("von der Leyen").
PARTICLES = frozenset({"von", "van", "der", "den", "de", "da", "di", "del", "della", "la", "le", "du", "dos", "das",
                       "bin", "ibn", "al", "el", "ter", "ten", "st.", "zu"})
#: Honorifics before a surname, with the pronoun they imply.
HONORIFICS = {"mr": "he", "mr.": "he", "mrs": "she", "mrs.": "she", "ms": "she", "ms.": "she", "miss": "she",
              "dr": None, "dr.": None, "prof.": None, "rev.": None, "sir": "he", "dame": "she", "lord": "he",
              "lady": "she"}
#: Words of titles and offices that stand before a name ("President", "Sen.", "House Speaker"):
#: a capitalised word before a surname that is none of these may be another person's first name.
TITLE_WORDS = frozenset("""
president vice sen sen. senator rep rep. representative gov gov. governor lt lt. secretary speaker leader chairman
chairwoman chair judge justice gen gen. general adm adm. admiral col col. sgt sgt. capt capt. mayor minister premier
chancellor king queen prince princess pope attorney commissioner director ambassador candidate former first lady
sheriff officer detective professor prof prof. coach pastor rabbi sheikh ayatollah emir chief deputy majority
minority whip press spokesman spokeswoman house senate state white prime nominee congressman congresswoman
councilman councilwoman assemblyman assemblywoman delegate lawmaker activist author executive ceo founder host
anchor correspondent editor reporter agent marshal trooper sergeant corporal private lieutenant captain colonel
major commander superintendent dean principal chancellor treasurer comptroller auditor clerk magistrate elder
brother sister father mother uncle aunt saint st st. republican democrat democratic gop independent u.s. us
america american mr mr. mrs mrs. ms ms. miss dr dr. sir dame lord rev rev.
""".split())


def _is_initial(word: str) -> bool:
    """"R." or "R": an initial, never a surname or a first name."""
    core = word.rstrip(".")
    return len(core) == 1 and core.isalpha()


def surnames_of(name: str) -> list[str]:
    """The forms of a person's name that may stand alone as a surname.

    Generational suffixes and initials are never surnames; lower-case
    particles stay with the surname ("von der Leyen"); a name of three or more
    words also gives its last two words ("Peña Nieto", "López Obrador"),
    which wins over the last word alone where both match.

    >>> surnames_of("Joseph R. Biden Jr."), surnames_of("Ursula von der Leyen")
    (['Biden'], ['von der Leyen'])
    >>> surnames_of("Enrique Peña Nieto"), surnames_of("Madonna")
    (['Peña Nieto', 'Nieto'], [])
    """
    words = name.replace(",", " ").split()
    while words and words[-1].lower() in SUFFIXES:
        words.pop()
    if len(words) < 2 or _is_initial(words[-1]):
        return []
    def with_particles(first: int) -> int:
        while first > 1 and words[first - 1].lower() in PARTICLES:
            first -= 1
        return first

    last = len(words) - 1
    first = with_particles(last)
    if first < last:  # particles: the whole "von der Leyen"
        return [" ".join(words[first:])]
    forms = [words[last]]
    before = words[-2]
    if len(words) >= 3 and before[:1].isupper() and not _is_initial(before) and before.lower() not in SUFFIXES:
        forms.insert(0, f"{before} {words[last]}")
        first = with_particles(last - 1)
        if first < last - 1:
            forms.insert(0, " ".join(words[first:]))
    return forms


def _given_names(name: str, surnames: list[str]) -> set[str]:
    """The words of a full name that are not its surname, suffix or initials (lower case)."""
    drop = {w.lower() for s in surnames for w in s.split()}
    return {w.lower() for w in name.replace(",", " ").split()
            if w.lower() not in drop and w.lower() not in SUFFIXES and not _is_initial(w)}


def _with_surname(name: str, kind: str, surnames: bool = True) -> list[tuple[str, str]]:
    """The name, and for a multi-word person name its surname forms."""
    forms = [(name, "")]
    if kind == "person" and surnames:
        forms += [(s, f"surname of {name!r}") for s in surnames_of(name)]
    return forms


def surface_forms(actor: Actor) -> list[SurfaceForm]:
    """Every phrase that denotes ``actor``, with the method that names it.

    >>> from analysis.types import Actor, Member
    >>> a = Actor(id="x", label="X", kind="group", members=(Member("Vadim Prokopiev"),))
    >>> [(f.text, f.method, f.surname) for f in surface_forms(a)]
    [('Vadim Prokopiev', 'member', False), ('Prokopiev', 'member', True)]
    """
    canonical = actor.names[0] if actor.names else actor.label
    forms: list[SurfaceForm] = []

    def add(text, method, canon, origin, surname=False, pronoun=None, given=frozenset()):
        core = _strip_article(text)
        if core:
            forms.append(SurfaceForm(actor.id, core, method, canon, origin, core != core.lower(), surname,
                                     pronoun, given))

    for method, names in (("name", actor.names), ("alias", actor.aliases)):
        for name in names:
            for text, how in _with_surname(name, actor.kind, actor.surnames):
                add(text, method, canonical, how or f"{method} {name!r}", bool(how), actor.pronoun,
                    frozenset(_given_names(name, surnames_of(name))))
    for member in actor.members:
        for name in (member.name, *member.aliases):
            for text, how in _with_surname(name, member.kind, actor.surnames):
                own = name == member.name
                origin = how or (f"member {member.name!r}" if own else f"alias {name!r} of member {member.name!r}")
                add(text, "member", member.name, origin, bool(how), member.pronoun,
                    frozenset(_given_names(name, surnames_of(name))))
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
    matcher = PhraseMatcher(vocab, attr="NORM")
    table: dict[int, SurfaceForm] = {}
    for actor in registry.actors:
        for i, form in enumerate(surface_forms(actor)):
            key = f"{actor.id}|{i}"
            table[vocab.strings.add(key)] = form
            matcher.add(key, [Doc(vocab, words=[t.text for t in tokenize(form.text)])])
    return matcher, table


#: Characters that do not show but break a word in two for a matcher: zero-width
#: spaces and joiners, the soft hyphen, the byte order mark, bidirectional controls.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """The text as a reader sees it: NFKC (fullwidth letters become plain ones)
    and no invisible characters.

    >>> visible("Pu\u200btin"), visible("\uff2e\uff21\uff34\uff2f"), visible("Lukashen\u00adko")
    ('Putin', 'NATO', 'Lukashenko')
    """
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def _normalise_tokens(doc: Doc) -> None:
    """Match words as they read: a token with invisible or fullwidth characters
    ("Pu\u200btin", "ＮＡＴＯ") takes the norm of its visible form. The text and
    every offset stay those of the original."""
    for token in doc:
        if not token.text.isascii():
            seen = visible(token.text)
            if seen != token.text and seen:
                token.norm_ = doc.vocab[seen].norm_


def _accept(span: Span, form: SurfaceForm) -> bool:
    """Proper names must be capitalised in the text ("Bush" the president, not a bush):
    the first word the registry writes with a capital must have one. Leading
    particles ("de la Torre") and lower-case words before the name
    ("congressional Republicans") may be lower case. A common noun used as a
    verb ("impossible to police") names no one."""
    if not form.proper:
        return not (len(span) == 1 and span[0].pos_ in ("VERB", "AUX") and span[0].lower_ == span[0].text)
    n_words, capital = _capital_word(form.text, span.doc.lang_)
    if n_words == len(span):
        return visible(span[capital].text)[:1].isupper()
    first = next((visible(t.text) for t in span if t.lower_ not in PARTICLES), visible(span.text))
    return first[:1].isupper()


@functools.lru_cache(maxsize=4096)
def _capital_word(text: str, lang: str) -> tuple[int, int]:
    """(words, position of the first capitalised word that is no particle) of a registry phrase,
    tokenised once per phrase, not at every match."""
    words = [t.text for t in _tokenizer(lang)(text)]
    return len(words), next((i for i, w in enumerate(words) if w[:1].isupper() and w.lower() not in PARTICLES), 0)


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


_HYPHENS = frozenset({"-", "‐", "–"})


def _may_be_a_misspelt_name(doc: Doc, token: Token) -> bool:
    """A near-miss spelling stands where a name would: not inside a hyphenated
    name ("Townsend-Saunders"), not as the given name before another word of the
    same person ("Lauren Greene"), not after another given name ("Sarah Saunders")."""
    before = doc[token.i - 1] if token.i > 0 else None
    after = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if before is not None and before.text in _HYPHENS and not before.whitespace_:
        return False
    if after is not None and after.text in _HYPHENS and not token.whitespace_:
        return False
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if nxt is not None and nxt.text[:1].isupper() and nxt.is_alpha and token.ent_type_ == "PERSON" \
            and nxt.ent_iob_ == "I":
        return False
    return _other_given_name(doc, doc[token.i:token.i + 1]) is None


def _fuzzy_matches(doc: Doc, registry: ActorRegistry, taken: set[int]) -> list[tuple[int, SurfaceForm, int]]:
    targets = _fuzzy_targets(registry)
    found = []
    for token in doc:
        word = token.text
        if token.i in taken or len(word) < 6 or not word[:1].isupper() or not word.isalpha():
            continue
        if not _may_be_a_misspelt_name(doc, token):
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


def _previous_word(doc: Doc, i: int) -> Token | None:
    """The word before token ``i``, skipping initials ("Paul D. Ryan" -> Paul)."""
    j = i - 1
    while j >= 0 and _is_initial(doc[j].text):
        j -= 1
    return doc[j] if j >= 0 else None


_CALENDAR = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december""".split())


def _other_given_name(doc: Doc, span: Span) -> Token | None:
    """A capitalised word before the name that spaCy reads as part of the same
    person's name ("Michael" in "Michael Jackson", "Sarah" in "Sarah Sanders"):
    another person's given name. Titles, honorifics, days and months are not
    given names."""
    word = _previous_word(doc, span.start)
    if word is None or not word.is_alpha or not word.text[:1].isupper():
        return None
    if word.lower_ in TITLE_WORDS or word.lower_ in _CALENDAR:
        return None
    same_entity = word.ent_type_ == "PERSON" and span[0].ent_type_ == "PERSON" and span[0].ent_iob_ == "I"
    return word if same_entity else None


def _same_given_name(word: str, given: frozenset) -> bool:
    """The word is one of the given names, or a one-letter misspelling of a long one ("Vincente")."""
    word = word.lower()
    return word in given or (len(word) >= 5 and any(len(g) >= 5 and edit_distance(word, g) <= 1 for g in given))


def _suffix_after(doc: Doc, span: Span, form: SurfaceForm) -> bool:
    """A generational suffix after a name that does not include it ("Eric H. Holder Jr.")."""
    j = span.end
    if j < len(doc) and doc[j].text == ",":
        j += 1
    return j < len(doc) and doc[j].lower_ in SUFFIXES and doc[j].lower_.rstrip(".") not in form.text.lower()


def _honorific_pronoun(doc: Doc, span: Span) -> str | None:
    return HONORIFICS.get(doc[span.start - 1].lower_) if span.start > 0 else None


def _group_matches(doc, matcher, table):
    """Matches by token range: every surface form that matched those words, accepted ones only."""
    by_range: dict[tuple[int, int], list[SurfaceForm]] = {}
    excluded = []
    for match_id, start, end in matcher(doc):
        form = table[match_id]
        if form.method == "exclude":
            excluded.append((form.actor, start, end))
        elif _accept(doc[start:end], form):
            by_range.setdefault((start, end), []).append(form)
    for key, forms in list(by_range.items()):
        start, end = key
        kept = [f for f in forms if not any(a == f.actor and start < e and b < end for a, b, e in excluded)]
        if kept:
            by_range[key] = kept
        else:
            del by_range[key]
    return by_range


def _form_order(form: SurfaceForm, text: str):
    # full names before surnames, then the more specific method, then the exact spelling
    return (form.surname, _PRIORITY[form.method], text != form.text)


def find_registry_mentions(doc: Doc, registry: ActorRegistry, article_id: str = "") -> list[Mention]:
    """Mentions of the registry's actors by name, alias, member, group noun or metonym.

    Overlapping matches keep the longest; a match inside one of the actor's
    ``exclude`` phrases is dropped. A surname alone (or after a title or an
    honorific) is resolved within the article:

    * a different given name before it ("Michael Jackson" for Jesse Jackson)
      means another person: no registry mention (spaCy's entity, if any, is
      listed as ``other``); a generational suffix after a name ("Eric H.
      Holder Jr.") belongs to it, and prefers a registry person whose name has
      it ("Trump Jr." is Donald Trump Jr. where the registry lists him);
    * "Mr." / "Ms." keep only candidates whose pronoun agrees;
    * a surname of several people (registry actors, or people with that
      surname named in full in the article but not in the registry) goes to
      the one named in full nearest before it (else nearest after it); if none
      is named in full, the mention is ``ambiguous`` and counts for no actor.
    """
    matcher, table = _matcher_for(registry, doc.vocab, doc.lang_)
    _normalise_tokens(doc)
    sent_of = sentence_ids(doc)
    by_range = _group_matches(doc, matcher, table)
    spans = []
    for (start, end), forms in by_range.items():
        span = doc[start:end]
        forms.sort(key=lambda f: _form_order(f, span.text))
        if len({f.actor for f in forms}) > 1:  # a phrase of a group and of its part goes to the part
            actors = {f.actor for f in forms}
            forms.sort(key=lambda f: -len(actors & set(registry.wholes(f.actor))))
        spans.append(span)
    # filter_spans keeps the longest, and the first of equally long ones
    spans.sort(key=lambda s: (s.start, _form_order(by_range[(s.start, s.end)][0], s.text)))
    kept = _drop_modifiers(filter_spans(spans))

    # full names first: they anchor the surnames; other people with a registry surname too
    anchors: list[tuple[int, str, str, str]] = []  # (char, actor, canonical, name text)
    surname_spans, mentions, taken = [], [], set()
    for span in kept:
        forms = by_range[(span.start, span.end)]
        best = forms[0]
        if best.surname:
            surname_spans.append((span, forms))
            continue
        taken.update(range(span.start, span.end))
        if best.method in ("name", "alias", "member"):
            anchors.append((span.start_char, best.actor, best.canonical, span.text))
        mentions.append(_mention(doc, sent_of, article_id, span.start, span.end, best.actor, best.method,
                                 CONFIDENCE[best.method], best.canonical, f"matches {best.origin} of {best.actor}"))
    resolved = []
    for span, forms in surname_spans:
        if _suffix_after(doc, span, forms[0]):  # "Trump Jr.": Donald Trump Jr. where the registry has him
            suffix = doc[span.end + (doc[span.end].text == ",")].lower_.rstrip(".")
            forms = [f for f in forms if f" {suffix}" in f.origin.lower()] or forms
        other = _other_given_name(doc, span)
        if other is not None:
            own = [f for f in forms if _same_given_name(other.text, f.given)]
            if not own:  # "Michael Jackson": another person, who anchors later bare "Jackson"s
                anchors.append((span.start_char, OTHER_ACTOR, f"{other.text} {span.text}", span.text))
                continue
            forms = own
        resolved.append((span, forms))
    for span, forms in resolved:
        mention = _resolve_surname(doc, sent_of, article_id, span, forms, anchors)
        if mention is not None:
            taken.update(range(span.start, span.end))
            mentions.append(mention)
    for i, actor, canonical in _given_name_matches(doc, registry, anchors, taken):
        taken.add(i)
        mentions.append(_mention(doc, sent_of, article_id, i, i + 1, actor, "alias", CONFIDENCE["fuzzy"], canonical,
                                 f"given name of {canonical!r} of {actor}, named in full in this article; no one "
                                 "else named in it has this given name"))
    for i, form, distance in _fuzzy_matches(doc, registry, taken):
        method = "member" if form.method == "member" else "alias"
        mentions.append(
            _mention(
                doc, sent_of, article_id, i, i + 1, form.actor, method, CONFIDENCE["fuzzy"], form.canonical,
                f"spelling variant of {form.text!r} (edit distance {distance}) of {form.actor}",
            )
        )
    return sorted(mentions, key=lambda m: (m.start, m.end))


def _given_name_matches(doc: Doc, registry: ActorRegistry, anchors, taken: set[int]) -> list[tuple[int, str, str]]:
    """A given name alone ("Donald, if you try ...", "Hillary's emails") names the
    registry person named in full with it in this article, where nobody else
    named in the article (in the registry or not) has that given name:
    ``(token, actor, canonical)``."""
    people = {a.id for a in registry.actors if a.kind == "person"}
    owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for _, actor, canonical, text in anchors:
        words = text.split()
        if actor in people and len(words) > 1 and not _is_initial(words[0]) and words[0][:1].isupper():
            owners[words[0]].add((actor, canonical))
    if not owners:
        return []
    for token in doc[:-1]:  # other people with the same given name ("Donald Rumsfeld")
        after = doc[token.i + 1]
        if token.i in taken or _is_initial(after.text) or after.lower_ in _CALENDAR:
            continue  # inside a registry name ("Donald J. Trump"); "support of Hillary Thursday evening"
        if token.text in owners and after.pos_ == "PROPN" and after.text[:1].isupper() and not any(
                c.split()[-1] == after.text for _, c in owners[token.text]):
            owners[token.text].add((OTHER_ACTOR, f"{token.text} {after.text}"))
    found = []
    for token in doc:
        if token.i in taken or token.pos_ != "PROPN" or token.text not in owners or len(owners[token.text]) != 1:
            continue
        before = doc[token.i - 1] if token.i else None
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if (before is not None and before.pos_ == "PROPN") or (
                after is not None and after.pos_ == "PROPN" and after.lower_ not in _CALENDAR):
            continue  # part of a longer name ("Donald J. Trump" is matched whole; "Donald Rumsfeld" is not his)
        actor, canonical = next(iter(owners[token.text]))
        if actor != OTHER_ACTOR:
            found.append((token.i, actor, canonical))
    return found


def _resolve_surname(doc, sent_of, article_id, span: Span, forms: list[SurfaceForm], anchors) -> Mention | None:
    """One surname match, given every registry person it may name and the full names in the article."""
    pronoun = _honorific_pronoun(doc, span)
    if pronoun:
        forms = [f for f in forms if f.pronoun in (None, pronoun)]
        if not forms:
            return None  # "Mr. Clinton" with only Hillary Clinton in the registry: someone else
    candidates: dict[tuple[str, str], SurfaceForm] = {}
    for f in forms:  # forms come best first
        candidates.setdefault((f.actor, f.canonical), f)
    surname = span.text.lower()
    registry_named = [(char, actor, canonical) for char, actor, canonical, _ in anchors
                      if (actor, canonical) in candidates]
    # people outside the registry ("Melania Trump", "Sarah Sanders") claim a bare
    # surname only where no registry person with it is named in full
    named = registry_named or [(char, actor, canonical) for char, actor, canonical, text in anchors
                               if actor == OTHER_ACTOR and text.lower() == surname]
    if len(candidates) == 1 and not any(a == OTHER_ACTOR for _, a, _ in named):
        form = next(iter(candidates.values()))
        how = "named in full in this article" if named else "the only registry person with this surname"
        confidence = CONFIDENCE["name"] if named else CONFIDENCE["alias"]
        return _mention(doc, sent_of, article_id, span.start, span.end, form.actor, form.method, confidence,
                        form.canonical, f"matches {form.origin} of {form.actor}; {how}")
    before = [n for n in named if n[0] < span.start_char]
    after = [n for n in named if n[0] > span.start_char]
    if before or after:
        char, actor, canonical = max(before) if before else min(after)
        where = "before" if before else "after"
        if actor == OTHER_ACTOR:
            return _mention(doc, sent_of, article_id, span.start, span.end, OTHER_ACTOR, "ner", 0.6, canonical,
                            f"surname of {canonical!r} (not in the registry), named in full {where} it "
                            f"(character {char}); no registry person with this surname is named in full", "PERSON")
        form = candidates[(actor, canonical)]
        rivals = ", ".join(sorted({c for _, c in candidates} - {canonical})) or "a person not in the registry"
        return _mention(doc, sent_of, article_id, span.start, span.end, actor, form.method, CONFIDENCE["alias"],
                        canonical, f"matches {form.origin} of {actor}; nearest full name {where} it "
                        f"(character {char}); also the surname of {rivals}")
    names = "; ".join(f"{a} ({c})" for a, c in sorted(candidates))
    return _mention(doc, sent_of, article_id, span.start, span.end, OTHER_ACTOR, "ambiguous", 0.5, span.text,
                    f"surname shared by {names}; none named in full in this article", "PERSON")


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
