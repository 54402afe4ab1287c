"""Rule-based reference resolution: pronouns, descriptions and quoted speakers.

No coreference model installs offline (coreferee's English model is fetched
from GitHub at install time), so this module resolves, with rules we wrote:

* third-person pronouns (he, she, they, it and their other forms), with a
  salience model after Lappin & Leass (1994);
* definite descriptions whose head is one of an actor's descriptors ("the
  group", "most members", "the dissident"), the descriptors coming from the
  registry and from titles and appositions the article itself attaches to a
  name ("dissident and restaurateur Vadim Prokopiev");
* a quote's speaker described by an office or standing ('"...," the
  presumptive Republican nominee said'; :data:`SPEAKER_ROLES`), resolved like
  "he" or "she" to the most salient person;
* first-person pronouns inside a quote (I, we, our ...), resolved to the
  quote's speaker; second-person ones (you, your ...) to whom the quote is
  addressed, where the article says so: a name called out in the quote
  ('"Donald, if you try ..."') or the reporting verb's listener ("told X",
  "tweeted at X", "wrote in a letter to X"); a generic "you" stays open.

Notes
-----
Salience follows Lappin, S. & Leass, H. (1994), "An algorithm for pronominal
anaphora resolution", *Computational Linguistics* 20(4): each earlier mention
scores recency (100), subject (80), existential (70), object (50), indirect
object or oblique (40), head-noun emphasis (80) and non-adverbial (50); the
score halves with every sentence back and, our addition for news, halves
again at every paragraph break, since a news paragraph often shifts topic;
and, seen from a later sentence, the subject of a subordinate clause weighs
as an object (a new sentence continues the main clause's subject).
Scores of mentions of the same entity add up. Candidates must agree in person
type (he / she / they / it, from the registry or the entity label), a
non-reflexive object pronoun cannot take its own verb's subject, and a
third-person pronoun inside a quote cannot be the quote's own speaker.
The confidence is the winner's share of the two best scores, mapped to
[0.5, 0.95]; it is a heuristic, and the README reports measured accuracy.

Examples
--------
>>> from analysis.actors import parse_actors
>>> from analysis.mentions import find_mentions
>>> from analysis.nlp import parse
>>> registry = parse_actors('''
... actors:
...   putin: {kind: person, pronoun: he, names: [Vladimir Putin]}
... ''')
>>> doc = parse("Putin arrived. He spoke for an hour.", cache_dir=False)
>>> found = resolve_references(doc, find_mentions(doc, registry), registry)
>>> [(m.text, m.actor, m.method) for m in found]
[('He', 'putin', 'pronoun')]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from spacy.attrs import IDX
from spacy.tokens import Doc, Span, Token

from .nlp import doc_text, sentence_ids
from .spans import IntervalIndex
from .types import OTHER_ACTOR, Actor, ActorRegistry, Mention, Quote

__all__ = ["resolve_references", "PRONOUN_TYPE", "FIRST_PERSON"]

#: Third-person pronoun forms and the person type they refer back with.
PRONOUN_TYPE = {
    **dict.fromkeys(("he", "him", "his", "himself"), "he"),
    **dict.fromkeys(("she", "her", "hers", "herself"), "she"),
    **dict.fromkeys(("they", "them", "their", "theirs", "themselves"), "they"),
    **dict.fromkeys(("it", "its", "itself"), "it"),
}
#: First-person forms resolved to a quote's speaker.
FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"})
_REFLEXIVE = frozenset({"himself", "herself", "themselves", "itself"})
#: Verbs whose subject "it" is usually pleonastic or refers to an event.
_PLEONASTIC_VERBS = frozenset({"be", "seem", "appear", "happen", "mean", "matter", "take", "rain", "remain"})
_DESCRIPTION_DETERMINERS = frozenset(
    {"the", "this", "these", "those", "that", "most", "many", "some", "all", "several", "both"}
)
_WINDOW = 5  # sentences back
#: Modifiers that make a title another office ("the vice president", "the former governor").
_OTHER_OFFICE = frozenset({"vice", "deputy", "assistant", "former", "ex", "lieutenant", "acting", "outgoing",
                           "incoming", "late", "previous", "next"})
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj", "csubjpass")
_OBJECT_DEPS = ("dobj", "attr", "oprd")
_OBLIQUE_DEPS = ("dative", "iobj", "pobj", "agent")
_DEFAULT_TYPES = {
    "person": frozenset({"he", "she"}),
    "group": frozenset({"they"}),
    "organisation": frozenset({"it", "they"}),
    "state": frozenset({"it"}),
    "place": frozenset({"it"}),
    "event": frozenset({"it"}),
    "policy": frozenset({"it"}),
    "law": frozenset({"it"}),
    "other": frozenset({"he", "she", "it", "they"}),
}
_NER_TYPES = {
    "PERSON": frozenset({"he", "she"}),
    "ORG": frozenset({"it", "they"}),
    "GPE": frozenset({"it"}),
    "NORP": frozenset({"they"}),
}


@dataclass
class _Ref:
    """One mention in the discourse model (mutable only while it is built)."""

    key: tuple
    actor: str | None
    canonical: str
    types: frozenset
    descriptors: frozenset
    sent: int
    para: int
    token: Token
    start: int  # first token
    end: int  # token after the last
    weight: float
    text: str
    scope: tuple[int, int] | None = None  # tokens of the only clause whose anaphors may refer to it


def _types_for(actor: Actor, kind: str, pronoun: str | None) -> frozenset:
    if pronoun is None:
        return _DEFAULT_TYPES[kind]
    if kind in ("group", "organisation", "state") and pronoun in ("it", "they"):
        return frozenset({"it", "they"})  # collectives take both
    return frozenset({pronoun})


def _mention_types(m: Mention, registry: ActorRegistry, head: Token) -> frozenset:
    if m.actor == OTHER_ACTOR:
        return _NER_TYPES.get(m.ner_label, frozenset())
    actor = registry.get(m.actor)
    if m.method == "metonym":
        return frozenset({"it"})
    if m.method == "member":
        for member in actor.members:
            if member.name == m.canonical:
                return _types_for(actor, member.kind, member.pronoun)
    if m.method in ("group_noun", "description") or actor.kind == "group":
        # a plural noun is "they"; a collective in the singular ("the group") takes both
        return frozenset({"they"}) if head.tag_ in ("NNS", "NNPS") else frozenset({"it", "they"})
    return _types_for(actor, actor.kind, actor.pronoun)


def _in_main_clause(token: Token) -> bool:
    """The token's clause is the sentence's main clause (or one coordinated with it)."""
    verb = token.head
    while verb.dep_ == "conj" and verb.head is not verb:
        verb = verb.head
    return verb.dep_ == "ROOT"


def _subordinate_subject(ref: _Ref, sent: int) -> float:
    """Our addition to the weights: seen from a later sentence, the subject of a subordinate clause
    ("Fox is not worried that Trump will win. ... he said") weighs as an object; the main clause's
    subject is the topic a new sentence continues. Within its own sentence it keeps the subject's weight
    ("Republicans will keep their word")."""
    subordinate = ref.sent < sent and ref.token.dep_ in _SUBJECT_DEPS and not _in_main_clause(ref.token)
    return 30.0 if subordinate else 0.0


def _salience(head: Token) -> float:
    """Lappin & Leass weights of a mention, before decay."""
    weight = 100.0
    dep = head.dep_
    if dep in _SUBJECT_DEPS:
        weight += 80
    elif dep == "expl":
        weight += 70
    elif dep in _OBJECT_DEPS:
        weight += 50
    elif dep in _OBLIQUE_DEPS:
        weight += 40
    embedded = dep in ("poss", "compound", "nmod", "amod", "npadvmod") or (
        dep == "pobj" and head.head.head.pos_ in ("NOUN", "PROPN", "PRON")
    )
    if not embedded:
        weight += 80
    adverbial = dep == "pobj" and head.head.head.pos_ in ("VERB", "AUX")
    if not adverbial:
        weight += 50
    return weight


def _narrative(doc: Doc, quotes: list[Quote], sent_of: list[int]) -> list[int]:
    """Per sentence id, its position counting only the narrative: a sentence wholly
    inside a direct quote does not advance it."""
    direct = IntervalIndex((q.start, q.end, q) for q in quotes if q.kind == "direct")
    quoted: dict[int, bool] = {}
    for token in doc:
        if token.is_alpha:
            k = sent_of[token.i]
            quoted[k] = quoted.get(k, True) and bool(direct.containing(token.idx))
    positions, position = [], 0
    for k in range(max(sent_of, default=-1) + 1):
        position += 0 if quoted.get(k, False) else 1
        positions.append(position)
    return positions


def _paragraph_ids(doc: Doc) -> list[int]:
    """For every token, the number of line breaks (counted once per token
    that holds any) before it."""
    text = doc_text(doc)
    starts = doc.to_array([IDX]).astype(np.int64)
    breaks = np.zeros(len(doc) + 1, dtype=np.int64)
    newlines = np.array([m.start() for m in re.finditer("\n", text)], dtype=np.int64)
    holders = np.unique(np.searchsorted(starts, newlines, side="right") - 1)
    breaks[holders[holders >= 0] + 1] = 1
    return np.cumsum(breaks)[:-1].tolist()


def _span(doc: Doc, m: Mention) -> Span | None:
    return doc.char_span(m.start, m.end, alignment_mode="expand")


#: Abbreviated titles, read as the word a later description uses ("Gov." -> "the governor").
TITLE_ABBREVIATIONS = {
    "gov.": "governor", "sen.": "senator", "rep.": "representative", "gen.": "general", "lt.": "lieutenant",
    "sec.": "secretary", "atty.": "attorney", "amb.": "ambassador", "pres.": "president", "supt.": "superintendent",
    "adm.": "admiral", "col.": "colonel", "capt.": "captain", "sgt.": "sergeant", "cmdr.": "commander",
    "prof.": "professor", "rev.": "reverend", "insp.": "inspector", "det.": "detective",
}


#: Other words news uses for the holder of a title ("Rep. X" ... "the congressman").
#: Named-entity labels of the institution or place a title's modifier names ("Supreme Court", "Texas").
_INSTITUTION_LABELS = frozenset({"ORG", "GPE", "FAC", "LOC"})

TITLE_ROLES = {
    "representative": ("congressman", "congresswoman", "lawmaker"), "senator": ("lawmaker",),
    "congressman": ("representative", "lawmaker"), "congresswoman": ("representative", "lawmaker"),
    "governor": ("executive",), "chairman": ("chair",), "chairwoman": ("chair",),
}


def _learned_descriptors(doc: Doc, span: Span) -> set[str]:
    """Titles and appositions the text attaches to a name: 'President',
    'Russian President', 'dissident', 'ally', 'governor' (from 'Gov.'),
    'congressman' (from 'Rep.') ..."""
    found = _learned_words(doc, span)
    found |= {TITLE_ABBREVIATIONS[w] for w in found if w in TITLE_ABBREVIATIONS}
    return found | {r for w in found for r in TITLE_ROLES.get(w, ())}


def _learned_words(doc: Doc, span: Span) -> set[str]:
    found = set()
    root = span.root
    for child in root.children:
        if child.i >= span.start and child.i < span.end:
            continue
        if child.ent_type_ in _INSTITUTION_LABELS:
            continue  # "Supreme Court Justice X" is a justice, not "the court"
        if child.dep_ in ("compound", "amod") and child.i < span.start and child.pos_ in ("NOUN", "PROPN", "ADJ"):
            found.add(child.lemma_.lower())
            found.add(child.text.lower())
            for grand in child.children:
                if grand.dep_ == "conj" and grand.pos_ in ("NOUN", "PROPN", "ADJ"):
                    found.add(grand.text.lower())
            mods = [t for t in child.lefts if t.dep_ in ("amod", "compound")]
            if mods:
                found.add(" ".join(t.text.lower() for t in (*mods, child)))
        elif child.dep_ == "appos" and child.pos_ in ("NOUN", "PROPN"):
            found.add(child.lemma_.lower())
    return found


def _build_refs(doc, mentions, registry, sent_of, para_of) -> list[_Ref]:
    """One reference per mention. A mention carries every descriptor its entity
    got earlier in the article: "Farenthold" five sentences after "U.S.
    Representative Blake Farenthold" is still the congressman."""
    refs = []
    actors = {a.id: a for a in registry.actors}
    known: dict[tuple, set[str]] = defaultdict(set)
    for m in sorted(mentions, key=lambda m: (m.start, m.end)):
        span = _span(doc, m)
        if span is None or not len(span):
            continue
        head = span.root
        types = _mention_types(m, registry, head)
        if m.actor == OTHER_ACTOR:
            key = (OTHER_ACTOR, m.canonical.lower())
            known[key] |= _learned_descriptors(doc, span)
            descriptors = frozenset(known[key])
            actor_id = OTHER_ACTOR
        else:
            key = (m.actor, m.canonical)
            known[key] |= {d.lower() for d in actors[m.actor].descriptors} | _learned_descriptors(doc, span)
            descriptors = frozenset(known[key])
            actor_id = m.actor
        refs.append(
            _Ref(key, actor_id, m.canonical or m.text, types, descriptors, sent_of[head.i], para_of[head.i],
                 head, span.start, span.end, _salience(head), m.text)
        )
    # "a false prophet who was misleading his followers": the relative pronoun that is the subject of a
    # clause on the mention is that mention again, as the subject of that clause and for its words only
    for ref in list(refs):
        # "X, a prophet who ...", "called X a prophet who ..." (the object's complement)
        nouns = [ref.token, *(c for c in ref.token.children if c.dep_ in ("appos", "oprd")),
                 *(c for c in ref.token.head.children if c.dep_ == "oprd" and ref.token.dep_ == "dobj")]
        for clause in (c for noun in nouns for c in noun.children if c.dep_ == "relcl"):
            for rel in clause.children:
                if rel.dep_ in ("nsubj", "nsubjpass") and rel.lower_ in ("who", "that"):
                    refs.append(_Ref(ref.key, ref.actor, ref.canonical, ref.types, ref.descriptors, sent_of[rel.i],
                                     para_of[rel.i], rel, rel.i, rel.i + 1, _salience(rel), f"{rel.text} ({ref.text})",
                                     scope=(clause.left_edge.i, clause.right_edge.i + 1)))
    return refs


def _distractors(doc, taken: set[int], sent_of, para_of) -> list[_Ref]:
    """Noun phrases that are no actor: they compete for pronouns (so that "it"
    can refer to "the Ukrainian military" and not to NATO)."""
    refs = []
    for chunk in doc.noun_chunks:
        head = chunk.root
        if head.pos_ not in ("NOUN", "PROPN") or any(i in taken for i in range(chunk.start, chunk.end)):
            continue
        plural = head.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in head.children)
        types = frozenset({"they"}) if plural else frozenset({"it"})
        refs.append(
            _Ref(("np", chunk.start), None, chunk.text, types, frozenset(), sent_of[head.i], para_of[head.i],
                 head, chunk.start, chunk.end, _salience(head), chunk.text)
        )
    return refs


def _lemma(token: Token) -> str:
    # the lemmatizer leaves contracted "’s" (curly apostrophe) unlemmatised
    if token.tag_.startswith("VB") and token.norm_ in ("'s", "'re", "'m"):
        return "be"
    return token.lemma_.lower()


def _is_pleonastic(token: Token) -> bool:
    subject = token.dep_ in ("nsubj", "nsubjpass", "expl")
    return token.lower_ == "it" and subject and _lemma(token.head) in _PLEONASTIC_VERBS


def _anaphors(doc: Doc, taken: set[int], refs_descriptors: set[str]) -> list[tuple[int, int, str, str]]:
    """(start token, end token, kind, type) of every pronoun and description to resolve."""
    found = []
    for token in doc:
        form = token.lower_
        if form in PRONOUN_TYPE and token.tag_ in ("PRP", "PRP$") and not _is_pleonastic(token):
            found.append((token.i, token.i + 1, "pronoun", PRONOUN_TYPE[form]))
    for chunk in doc.noun_chunks:
        # a description may have a name as modifier ("the Texas governor"), not as head
        if chunk.root.i in taken:
            continue
        first = chunk[0].lower_
        head = chunk.root
        if first not in _DESCRIPTION_DETERMINERS or head.pos_ not in ("NOUN", "PROPN"):
            continue
        words = chunk.text.lower().split()
        forms = [" ".join(words[-2:])]
        # "the vice president" is not "the president"
        if not any(c.lower_.strip(".-") in _OTHER_OFFICE for c in head.lefts):
            forms += [head.lower_, head.lemma_.lower()]
        for form in forms:
            if form in refs_descriptors:
                found.append((chunk.start, chunk.end, "description", form))
                break
    return sorted(found)


#: Head nouns of an office or a standing that a news story uses for a person it has
#: named: "the presumptive Republican nominee said", "the former Alaska governor said".
#: As the speaker of a quote such a description names the person the story is about;
#: staff roles ("the spokesman", "the aide", "the lawyer") usually bring in someone new.
SPEAKER_ROLES = frozenset({
    "president", "nominee", "candidate", "hopeful", "front-runner", "frontrunner", "contender", "challenger",
    "incumbent", "senator", "congressman", "congresswoman", "lawmaker", "legislator", "governor", "mayor",
    "leader", "chairman", "chairwoman", "speaker", "minister", "premier", "chancellor", "secretary", "billionaire",
    "businessman", "businesswoman", "mogul", "prosecutor",
})


#: Standings in a contest: a party or group before them ("the GOP front-runner", "the
#: Labour candidate") says which side the person runs for, not who speaks.
CANDIDACY_ROLES = frozenset({"nominee", "candidate", "hopeful", "front-runner", "frontrunner", "contender"})


def _speaker_descriptions(doc: Doc, quotes: list[Quote], taken: set[int],
                          collective: set[int] = frozenset()) -> list[tuple[int, int, str, str]]:
    """Descriptions that speak ('"...," the presumptive Republican nominee said'): a quote's speaker
    phrase that is "the" + an office or standing in :data:`SPEAKER_ROLES`, in the singular, with no
    name in it (a group's name, tokens ``collective``, may qualify a standing in
    :data:`CANDIDACY_ROLES`). They are resolved like "he" or "she" to the most salient person."""
    found = []
    for q in quotes:
        if q.speaker_start < 0:
            continue
        span = doc.char_span(q.speaker_start, q.speaker_end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        head = span.root
        role = _hyphenated(head)
        allowed = collective - {head.i} if role in CANDIDACY_ROLES else set()
        if (span[0].lower_ != "the" or head.tag_ != "NN" or role not in SPEAKER_ROLES
                or any(t.i in taken and t.i not in allowed for t in span)
                or any(c.dep_ == "appos" for c in head.children)
                or any(c.lower_.strip(".-") in _OTHER_OFFICE for c in head.lefts)):
            continue  # a name in the phrase ("the Republican leader, Michael Thibodeau") names the speaker;
            # another office ("the former Mexican president") is someone else than the one in the news
        if (span.start, head.i + 1, "description", f"role {role}") not in found:  # one phrase, several quotes
            found.append((span.start, head.i + 1, "description", f"role {role}"))
    return found


def _hyphenated(head: Token) -> str:
    """The head word with the words hyphenated to it, lowercased: "front-runner" (which the
    tokenizer splits into "front", "-", "runner")."""
    doc, start = head.doc, head.i
    while start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ \
            and not doc[start - 1].whitespace_:
        start -= 2
    return doc[start:head.i + 1].text.lower()


def _blocked(anaphor: Token, ref: _Ref, kind: str, quote: Quote | None) -> bool:
    """Syntactic and discourse filters: can ``ref`` not be the antecedent?"""
    if kind == "pronoun" and anaphor.lower_ not in _REFLEXIVE and anaphor.dep_ in ("dobj", "dative", "iobj"):
        if ref.token.dep_ in _SUBJECT_DEPS and ref.token.head == anaphor.head:
            return True
    if quote is not None and quote.speaker_start >= 0:
        if ref.token.idx < quote.speaker_end and quote.speaker_start < ref.token.idx + len(ref.token.text):
            return True  # "he" inside X's quote is not X
    return False


def _agrees(ref: _Ref, kind: str, value: str, plural: bool) -> bool:
    if kind == "pronoun":
        return value in ref.types
    if value.startswith("role "):  # a speaking description: any person
        return ref.actor is not None and bool(ref.types) and ref.types <= {"he", "she"}
    # a plural description ("most members") needs an entity "they" can refer to
    return value in ref.descriptors and (not plural or "they" in ref.types)


def _confidence(best: float, second: float) -> float:
    share = best / (best + second) if best + second > 0 else 1.0
    return round(0.5 + 0.45 * (2 * share - 1), 2) if second > 0 else 0.9


def _choose(by_sent: dict, start: int, end: int, kind: str, value: str, sent: int, para: int, doc, quote,
            spoken: Quote | None = None, spoken_sent: int | None = None, quoted: IntervalIndex | None = None,
            narrative: list[int] | None = None):
    anaphor = doc[start]
    # the speaker of a quote ('"...," she said') is looked for before the quote, however long it is
    first = min(sent, spoken_sent) if spoken_sent is not None else sent
    # how far back an antecedent may be: outside quotes, a block of quoted sentences between the anaphor
    # and its antecedent ("X tweeted: '...six sentences...' X then ...") does not count (salience still
    # decays with every sentence)
    sents = narrative if quote is None else None

    def apart(later: int, earlier: int) -> int:
        return later - earlier if sents is None else sents[later] - sents[earlier]

    low = first - _WINDOW
    while sents is not None and low > 0 and apart(first, low - 1) <= _WINDOW:
        low -= 1
    refs = [r for k in range(low, sent + 1) for r in by_sent.get(k, ())]
    plural = doc[start:end].root.tag_ in ("NNS", "NNPS")
    scores: dict[tuple, float] = defaultdict(float)
    latest: dict[tuple, _Ref] = {}
    # a filter that rules out one mention of an entity rules out the entity
    # (the speaker of a quote is named after it: '"He is a true friend," Putin said' - "he" is not Putin)
    blocked = {ref.key for ref in refs if _blocked(anaphor, ref, kind, quote)}
    if spoken is not None:  # nobody named inside the quote is its speaker
        blocked |= {ref.key for ref in refs if spoken.start <= ref.token.idx < spoken.end}
    for ref in refs:
        if ref.end > start or apart(first, ref.sent) > _WINDOW or ref.key in blocked:
            continue
        if ref.scope is not None and not ref.scope[0] <= start < ref.scope[1]:
            continue
        if quoted is not None and quoted.containing(ref.token.idx):
            continue  # a quote's speaker ('..., he added') is someone the narrative names, not the quotes
        if start <= ref.start < end or not _agrees(ref, kind, value, plural):
            continue
        decay = 0.5 ** (sent - ref.sent) * 0.5 ** (para - ref.para)
        scores[ref.key] += (ref.weight - _subordinate_subject(ref, sent)) * decay
        if ref.key not in latest or ref.start > latest[ref.key].start:
            latest[ref.key] = ref
    if not scores:
        return None
    if kind == "pronoun" and anaphor.lower_ in _REFLEXIVE:
        # a reflexive is bound by its own clause's subject ("Tea Party organizers defend themselves": the
        # organizers, never someone named sentences before); a plural subject no mention covers ("the
        # organizers") leaves it unresolved ("the vice president handled himself" goes on to the description)
        subjects = [c for c in anaphor.head.children if c.dep_ in _SUBJECT_DEPS]
        heads = {t.i for s in subjects for t in s.subtree if t == s or (t.dep_ == "compound" and t.i < s.i)}
        own = [k for k, r in latest.items() if r.token.i in heads]
        if own:
            scores = {k: scores[k] for k in own}
        elif any(s.tag_ in ("NNS", "NNPS") for s in subjects):
            return None
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], -latest[kv[0]].start))
    best_key, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    runner_up = latest[ranked[1][0]].text if len(ranked) > 1 else None
    return latest[best_key], best, second, runner_up


def _quote_topic(doc: Doc, quote: Quote) -> tuple[int, int] | None:
    """Character range of what a quote is said *of* or *about* ('"He is a fraud," she said of the mayor'),
    from a prepositional object of the attribution's verb; None when the attribution names no topic."""
    if quote.speaker_start < 0:
        return None
    speaker = doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
    if speaker is None or not len(speaker):
        return None
    verb = speaker.root.head
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "about") and child.i > speaker.root.i:
            objects = [t for t in child.children if t.dep_ == "pobj"]
            if objects:
                tokens = list(objects[0].subtree)
                return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return None


def _topic_choice(by_sent: dict, topic: tuple[int, int], kind: str, value: str, plural: bool, doc):
    """The antecedent of a third person inside a quote that is said of a topic: an entity named in the
    topic (cataphora), or ``False`` when the topic names none that agrees (then the pronoun is left open)."""
    inside = [r for refs in by_sent.values() for r in refs if topic[0] <= r.token.idx < topic[1]]
    agreeing = [r for r in inside if _agrees(r, kind, value, plural)]
    if not agreeing:
        return False
    best = max(agreeing, key=lambda r: (r.weight, -r.start))
    return best, best.weight, 0.0, None


def _resolve_third_person(doc, refs, anaphors, quotes, sent_of, para_of, article_id) -> list[Mention]:
    out = []
    by_sent: dict[int, list[_Ref]] = defaultdict(list)
    for ref in refs:
        by_sent[ref.sent].append(ref)
    topics = {id(q): _quote_topic(doc, q) for q in quotes if q.kind == "direct"}
    narrative = _narrative(doc, quotes, sent_of)
    direct = IntervalIndex((q.start, q.end, q) for q in quotes if q.kind == "direct")
    speakers = IntervalIndex((q.speaker_start, q.speaker_end, q) for q in quotes
                             if q.speaker_start >= 0 and q.speaker_end > q.speaker_start)
    for start, end, kind, value in anaphors:
        head = doc[start:end].root
        quote = next(iter(direct.containing(doc[start].idx)), None)
        spoken = next(iter(speakers.containing(head.idx)), None)
        spoken_sent = None
        if spoken is not None and spoken.start < head.idx:
            opening = doc.char_span(spoken.start, min(spoken.start + 1, spoken.end), alignment_mode="expand")
            spoken_sent = sent_of[opening.start] if opening is not None and len(opening) else None
        topic = topics.get(id(quote)) if quote is not None and kind == "pronoun" else None
        if topic is not None:  # '"He is ...," she said of the mayor': "he" is the mayor, or nobody we know
            choice = _topic_choice(by_sent, topic, kind, value, doc[start:end].root.tag_ in ("NNS", "NNPS"), doc)
        else:
            speaks = (kind == "pronoun" and quote is None and spoken is not None
                      and spoken.speaker_start == doc[start].idx)
            choice = _choose(by_sent, start, end, kind, value, sent_of[head.i], para_of[head.i], doc, quote,
                             spoken if spoken is not None and spoken.start < head.idx else None, spoken_sent,
                             direct if speaks else None, narrative)
        if not choice:
            continue
        ref, best, second, runner_up = choice
        # the anaphor joins its antecedent's chain, adding its own salience
        types = frozenset({"they"}) if kind == "description" and head.tag_ in ("NNS", "NNPS") else ref.types
        by_sent[sent_of[head.i]].append(
            _Ref(ref.key, ref.actor, ref.canonical, types, ref.descriptors, sent_of[head.i], para_of[head.i],
                 head, start, end, _salience(head), doc[start:end].text)
        )
        speaker_pronoun = (kind == "pronoun" and spoken is not None and end - start == 1
                           and spoken.speaker_start == doc[start].idx)
        if ref.actor is None or (ref.actor == OTHER_ACTOR and not speaker_pronoun):
            continue  # a person the registry does not know is kept only as the speaker of a quote
        span = doc[start:end]
        rival = f"; next best {runner_up!r} ({second:.0f})" if runner_up else ""
        what = ("pronoun" if kind == "pronoun" else f"speaker described by the {value}"
                if value.startswith("role ") else f"description with descriptor {value!r}")
        out.append(
            Mention(
                article_id=article_id, sentence_id=sent_of[start], start=span.start_char, end=span.end_char,
                text=span.text, actor=ref.actor, method=kind, confidence=_confidence(best, second),
                canonical=ref.canonical,
                evidence=f"{what} -> {ref.text!r} in sentence {ref.sent} (salience {best:.0f}{rival})",
            )
        )
    return out


def _resolve_first_person(doc, quotes, mentions, sent_of, article_id) -> list[Mention]:
    out = []
    index = IntervalIndex((m.start, m.end, m) for m in mentions)
    for q in quotes:
        if q.speaker_start < 0 or q.kind != "direct":
            continue
        speaker = index.overlapping(q.speaker_start, q.speaker_end)
        if not speaker:
            continue
        who = max(speaker, key=lambda m: m.confidence)
        if who.actor == OTHER_ACTOR:
            continue
        out += _pronouns_in_quote(doc, q, FIRST_PERSON, who, "speaker", 0.95, sent_of, article_id,
                                  f"first person inside quote {q.quote_id}, spoken by {q.speaker_text!r}")
    return out


def _pronouns_in_quote(doc, q: Quote, forms: frozenset, who: Mention, method: str, factor: float, sent_of,
                       article_id: str, evidence: str) -> list[Mention]:
    """Mentions of ``who`` at the pronouns of ``forms`` inside quote ``q``; the confidence is the lower of
    the quote's and ``who``'s, times ``factor``."""
    span = doc.char_span(q.start, q.end, alignment_mode="contract")
    if span is None:
        return []
    return [Mention(article_id=article_id, sentence_id=sent_of[token.i], start=token.idx,
                    end=token.idx + len(token.text), text=token.text, actor=who.actor, method=method,
                    confidence=round(min(q.confidence, who.confidence) * factor, 2), canonical=who.canonical,
                    evidence=evidence)
            for token in span if token.lower_ in forms and token.pos_ == "PRON"]


#: Second-person forms resolved to whom a quote is addressed.
SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "yourselves"})
#: Reporting verbs whose object is the one spoken to ("told X", "asked X"), and those
#: that name them with "to" or "at" ("said to X", "wrote to X", "tweeted at X").
_TELLING = frozenset({"tell", "ask", "warn", "urge", "assure", "remind", "inform", "address"})
_SAYING_TO = frozenset({"say", "write", "tweet", "reply", "respond", "shout", "yell", "declare", "post", "add",
                        "explain", "plead", "appeal"})


def _registry_mention(index: IntervalIndex, tokens) -> Mention | None:
    found = [m for t in tokens for m in index.overlapping(t.idx, t.idx + len(t.text)) if m.actor != OTHER_ACTOR]
    return max(found, key=lambda m: m.confidence, default=None)


def _addressee(doc: Doc, q: Quote, index: IntervalIndex) -> tuple[Mention | None, str]:
    """Whom a direct quote speaks to: a name called out in it ('"Donald, if you try
    ...', '"Be careful, Lyin' Ted, or ..."'), or the one its reporting verb names
    ("told X", "said to X", "tweeted at X", "wrote in a letter to X")."""
    span = doc.char_span(q.start, q.end, alignment_mode="contract")
    if span is None or not len(span):
        return None, ""
    for m in sorted(index.overlapping(q.start, q.end), key=lambda m: m.start):
        if m.actor == OTHER_ACTOR or m.method in ("pronoun", "speaker", "description"):
            continue
        called = doc.char_span(m.start, m.end, alignment_mode="expand")
        if called is None or not len(called) or called.root.dep_ in ("poss", "appos") or any(
                c.dep_ in ("appos", "relcl") for c in called.root.children):
            continue  # a name the quote renames ("your favorite President, Donald J. Trump,") or tells of
        before = doc[called.start - 1] if called.start > span.start else None
        after = doc[called.end] if called.end < len(doc) else None
        first = before is None or not before.is_alpha  # the quote opens with the name ("Donald, if you ...")
        if (first or (before.text == "," and called.root.dep_ not in ("nsubj", "nsubjpass"))) and (
                after is not None and after.text in (",", "!")):
            return m, f"called by name inside the quote ({m.text!r})"
    if q.speaker_start < 0:
        return None, ""
    speaker = doc.char_span(q.speaker_start, q.speaker_end, alignment_mode="expand")
    if speaker is None or not len(speaker) or speaker.root.dep_ not in ("nsubj", "nsubjpass"):
        return None, ""
    verb = speaker.root.head
    lemma = verb.lemma_.lower()
    listeners = []
    if lemma in _TELLING:
        listeners += [c for c in verb.children if c.dep_ in ("dobj", "dative")]
    for c in verb.children:
        if c.dep_ in ("prep", "dative") and c.lower_ in ("to", "at") and lemma in _SAYING_TO | _TELLING:
            listeners += [g for g in c.children if g.dep_ == "pobj"]
        if c.dep_ == "prep" and c.lower_ == "in":  # "wrote in a letter to X"
            for text in (g for g in c.children if g.dep_ == "pobj"):
                listeners += [g for p in text.children if p.dep_ == "prep" and p.lower_ == "to"
                              for g in p.children if g.dep_ == "pobj"]
    for listener in listeners:  # the listener's own name, not its modifiers ("asked his daughters")
        found = _registry_mention(index, [listener, *(c for c in listener.children if c.dep_ == "compound")])
        if found is not None:
            return found, f"spoken to {found.text!r} ({verb.text!r})"
    return None, ""


def _resolve_second_person(doc, quotes, mentions, sent_of, article_id) -> list[Mention]:
    """"you" and "your" inside a direct quote addressed to someone the article names."""
    out = []
    index = IntervalIndex((m.start, m.end, m) for m in mentions if m.actor)
    for q in quotes:
        if q.kind != "direct":
            continue
        addressee, how = _addressee(doc, q, index)
        if addressee is None:
            continue
        out += _pronouns_in_quote(doc, q, SECOND_PERSON, addressee, "pronoun", 0.8, sent_of, article_id,
                                  f"second person inside quote {q.quote_id}, {how}")
    return out


def resolve_references(
    doc: Doc,
    mentions: Iterable[Mention],
    registry: ActorRegistry,
    quotes: Iterable[Quote] = (),
    article_id: str = "",
) -> list[Mention]:
    """Resolve pronouns, descriptions and quoted first persons to actors.

    Parameters
    ----------
    doc
        The parsed article.
    mentions
        Mentions found by name (:func:`analysis.mentions.find_mentions`),
        including other entities: they compete as antecedents.
    registry
        The study's actors (their pronoun types and descriptors).
    quotes
        Quotes with speaker spans (:func:`analysis.quotes.extract_quotes`);
        first-person pronouns inside them go to the speaker, and a
        third-person pronoun inside a quote is never its speaker.
    article_id
        Written into every record.

    Returns
    -------
    list of Mention
        New mentions only (methods ``pronoun``, ``description``, ``speaker``),
        for registry actors; references to other entities are not listed.
    """
    mentions = list(mentions)
    quotes = list(quotes)
    sent_of = sentence_ids(doc)
    para_of = _paragraph_ids(doc)
    refs = _build_refs(doc, mentions, registry, sent_of, para_of)
    taken = {i for r in refs for i in range(r.start, r.end)}
    known_descriptors = {d for r in refs for d in r.descriptors}
    anaphors = [a for a in _anaphors(doc, taken, known_descriptors) if a[2] == "description" or a[0] not in taken]
    covered = {i for a in anaphors for i in range(a[0], a[1])}
    collective = {i for r in refs if not r.types & {"he", "she"} for i in range(r.start, r.end)}
    anaphors = sorted(anaphors + [a for a in _speaker_descriptions(doc, quotes, taken, collective)
                                  if a[1] - 1 not in covered])
    refs += _distractors(doc, taken | {a[0] for a in anaphors}, sent_of, para_of)
    refs.sort(key=lambda r: r.start)
    third = _resolve_third_person(doc, refs, anaphors, quotes, sent_of, para_of, article_id)
    first = _resolve_first_person(doc, quotes, mentions + third, sent_of, article_id)
    second = _resolve_second_person(doc, quotes, mentions + third, sent_of, article_id)
    return sorted(third + first + second, key=lambda m: (m.start, m.end))
