"""What each actor is called, and the role the article casts it in.

**Descriptors** are read off the parse for every actor mention: appositions
("Alexander Lukashenko – a Kremlin-backed Putin ally"), predicate nouns ("All
these Belarusian fighters are real heroes"), labels after a naming verb
("Lukashenko, often dubbed Europe's last dictator") and titles before a name
("dissident and restaurateur Vadim Prokopiev").

**Roles** follow the entity-framing taxonomy of SemEval-2025 Task 10: a main
role (protagonist, antagonist, innocent, or none) and a fine role under it
(Guardian, Martyr, Peacemaker, Rebel, Underdog, Virtuous; Instigator,
Conspirator, Tyrant, Foreign Adversary, Traitor, Spy, Saboteur, Corrupt,
Incompetent, Terrorist, Deceiver, Bigot; Forgotten, Exploited, Victim,
Scapegoat). The evidence for each actor is added up, and every piece is listed:

* a cue word of a fine role in one of the actor's descriptors (weight 1) or in
  the clause of one of its mentions (weight 0.5), cues from ``resources/roles.yaml``;
* what the actor does: the subject of a harm verb counts for antagonist, of a
  help verb for protagonist; the object (or passive subject) of a harm verb for
  innocent (weight 1 each);
* how the text portrays it: net tone (sentiment, all voices) of at least +0.3
  counts for protagonist, of at most -0.3 for antagonist (weight 1).

The main role is the one with most evidence, if it has at least 1.5 and more
than any other; the fine role is the best-supported fine role under it.

Notes
-----
Taxonomy: Piskorski, J. et al. (2025), SemEval-2025 Task 10: Multilingual
Characterization and Extraction of Narratives from Online News (subtask 1,
entity framing). The cue words and the rules are ours, not the task's data.

Examples
--------
>>> from analysis.actors import parse_actors
>>> from analysis.mentions import find_mentions
>>> from analysis.nlp import parse
>>> reg = parse_actors("actors:\\n  k: {kind: person, names: [Karl Vinter]}")
>>> doc = parse("Karl Vinter, a ruthless dictator, crushed the protests.", cache_dir=False)
>>> found = find_mentions(doc, reg)
>>> [(d.text, d.kind) for d in find_descriptors(doc, found)]
[('a ruthless dictator', 'apposition')]
>>> role = assign_roles(doc, found, find_descriptors(doc, found))[0]
>>> role.main_role, role.fine_role
('antagonist', 'Tyrant')
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from spacy.tokens import Doc, Span, Token

from .errors import AnalysisError
from .nlp import doc_text, sentence_finder, sentence_ids
from .resources import read_text
from .types import OTHER_ACTOR, ActorRole, Descriptor, Mention, MentionSentiment

__all__ = ["RoleScheme", "load_roles", "find_descriptors", "assign_roles", "MAIN_ROLES"]

MAIN_ROLES = ("protagonist", "antagonist", "innocent")
_NAMING = frozenset({"dub", "call", "label", "nickname", "brand", "know", "describe", "name", "term"})
_COPULA = frozenset({"be", "become", "remain", "seem"})
#: Evidence needed for a main role: more than one piece. One piece alone (the
#: author's tone, one act, one cue) gave wrong roles for most actors in a sample
#: of BASIL development articles judged by hand (8 right of 29 at 1.0).
_MIN_MAIN = 1.5
#: The author's portrayal counts from this many non-neutral mentions and this net tone.
_MIN_VALENCED = 2
_PORTRAYAL_NET = 0.3
#: Modifiers that quantify or point rather than describe ("other volunteers").
_NOT_TITLES = frozenset({"other", "many", "several", "such", "few", "more", "most", "same", "own", "some", "all"})


@dataclass(frozen=True)
class RoleScheme:
    """Fine roles (with their main role and cue words) and harm / help verbs."""

    main_of: dict
    cues: dict  # fine role -> tuple of cues (lemmas or phrases)
    harm: frozenset
    help: frozenset
    source: str

    def __hash__(self) -> int:
        return hash(self.source)


@functools.lru_cache(maxsize=8)
def load_roles(path: str | Path | None = None) -> RoleScheme:
    """The role taxonomy and cues (``resources/roles.yaml`` or a file of yours).

    >>> scheme = load_roles()
    >>> scheme.main_of["Tyrant"], len(scheme.main_of)
    ('antagonist', 22)
    """
    text, source = read_text(path, "roles.yaml", what="a role scheme YAML file")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else None
        raise AnalysisError(f"malformed YAML: {getattr(exc, 'problem', exc)}", source=source, line=line) from None
    if not isinstance(data, dict) or set(data) - {"main_roles", "harm", "help"} or "main_roles" not in data:
        raise AnalysisError("expected the keys 'main_roles', 'harm' and 'help'", source=source)
    main_of, cues = {}, {}
    for main, fines in data["main_roles"].items():
        if main not in MAIN_ROLES:
            raise AnalysisError(f"unknown main role {main!r}; valid: {', '.join(MAIN_ROLES)}", source=source)
        for fine, words in (fines or {}).items():
            main_of[fine] = main
            cues[fine] = tuple(str(w).lower() for w in (words or ()))
    harm = frozenset(str(w).lower() for w in data.get("harm") or ())
    helps = frozenset(str(w).lower() for w in data.get("help") or ())
    return RoleScheme(main_of, cues, harm, helps, source)


# --------------------------------------------------------------------------- descriptors


def _phrase(token: Token) -> tuple[int, int] | None:
    """Character bounds of the token's subtree, without edge punctuation
    (``None`` for a subtree of punctuation only)."""
    words = [t for t in token.subtree if not t.is_punct or t.text in ("-", "’s", "'s")]
    if not words:
        return None
    return words[0].idx, words[-1].idx + len(words[-1].text)


#: Honorifics: a way of addressing, not a description of the actor.
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "madam", "mme", "m", "herr", "frau"})
#: A party or state tag after a US politician's name: "D-Calif.", "R-Texas", "(I)", "D-".
_PARTY_TAG = re.compile(r"^\(?[DRIL](?:-[A-Z][A-Za-z. ]*)?-?\)?$")
#: AP style state abbreviations, as they follow a party letter ("D-Calif.").
_STATE_ABBREVIATIONS = frozenset("""
ala. ariz. ark. calif. colo. conn. del. fla. ga. ill. ind. kan. ky. la. md. mass. mich. minn. miss. mo. mont. neb.
nev. n.h. n.j. n.m. n.y. n.c. n.d. okla. ore. pa. r.i. s.c. s.d. tenn. vt. va. wash. w.va. wis. wyo.
""".split())


def _says_something(text: str) -> bool:
    """A descriptor must say something about the actor: not only honorifics,
    party or state tags and punctuation ("Mr.", "D-", "(R-Texas)", "Calif.")."""
    words = [w for w in re.split(r"[\s,;()]+", text)
             if w and not _PARTY_TAG.match(w) and w.lower() not in _STATE_ABBREVIATIONS]
    return any(w.strip(".-’'").lower() not in _HONORIFICS and any(c.isalpha() for c in w) for w in words)


def _title(span: Span, taken: set[int]) -> tuple[int, int] | None:
    """Modifiers before the name inside its noun phrase: 'Belarusian President',
    'dissident and restaurateur', 'opposition leader'."""
    root = span.root
    mods = [c for c in root.lefts if c.dep_ in ("compound", "amod") and c.i < span.start and c.i not in taken
            and c.lemma_.lower() not in _NOT_TITLES]
    if not mods:
        return None
    first = min(t.i for m in mods for t in m.subtree)
    last = span.start - 1
    while last >= first and span.doc[last].is_punct:
        last -= 1
    if last < first or any(i in taken for i in range(first, last + 1)):
        return None
    return span.doc[first].idx, span.doc[last].idx + len(span.doc[last].text)


def _label_after(span: Span) -> tuple[int, int] | None:
    """"X, (often) dubbed Y" / "X, known as Y": the label right after the mention."""
    doc = span.doc
    i = span.end
    if i >= len(doc) or doc[i].text not in (",", "–", "—", "("):
        return None  # only a participle set off after the name: "X, often dubbed Y"
    while i < len(doc) and ((doc[i].is_punct and doc[i].text in (",", "–", "—", "(")) or doc[i].pos_ == "ADV"):
        i += 1
    if i >= len(doc) or doc[i].lemma_.lower() not in _NAMING or doc[i].tag_ not in ("VBN", "VBD"):
        return None
    verb = doc[i]
    for child in verb.children:
        if child.dep_ in ("oprd", "attr", "dobj"):
            return _phrase(child)
        if child.dep_ == "prep" and child.lower_ == "as":
            objs = [g for g in child.children if g.dep_ == "pobj"]
            if objs:
                return _phrase(objs[0])
    return None


def find_descriptors(doc: Doc, mentions: Iterable[Mention], article_id: str = "") -> list[Descriptor]:
    """Appositions, predicate nouns, labels and titles of every actor mention.

    Parameters
    ----------
    doc
        The parsed article.
    mentions
        Mentions (entities the registry does not know are skipped).
    article_id
        Written into every record (default: the mentions').
    """
    text = doc_text(doc)
    sent_of = sentence_ids(doc)
    mentions = [m for m in mentions if m.actor != OTHER_ACTOR]
    taken = {i for m in mentions for i in range(*_token_range(doc, m))}
    find_sentence = sentence_finder(doc)
    found: dict[tuple, Descriptor] = {}
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        root = span.root
        bounds = []
        for child in root.children:
            if child.dep_ == "appos" and child.pos_ in ("NOUN", "PROPN") and child.i not in taken:
                bounds.append((_phrase(child), "apposition", 0.8))
        if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in _COPULA:
            for child in root.head.children:
                if child.dep_ == "attr" and child.pos_ in ("NOUN", "PROPN", "ADJ"):
                    bounds.append((_phrase(child), "predicate", 0.8))
        label = _label_after(span)
        if label is not None:
            bounds.append((label, "label", 0.75))
        title = _title(span, taken)
        if title is not None:
            words = doc.char_span(*title, alignment_mode="expand")
            is_noun = words is not None and any(t.pos_ in ("NOUN", "PROPN") for t in words)
            bounds.append((title, "title" if is_noun else "epithet", 0.9))
        sentence = find_sentence(span)[0].strip() if bounds else ""
        for where, kind, confidence in bounds:
            if where is None:
                continue
            start, end = where
            key = (m.actor, start, end)
            if key not in found and end > start and _says_something(text[start:end]):
                found[key] = Descriptor(article_id or m.article_id, m.actor, sent_of[span.start], start, end,
                                        text[start:end], kind, m.text, sentence, confidence)
    return sorted(found.values(), key=lambda d: (d.start, d.end))


def _token_range(doc: Doc, m: Mention) -> tuple[int, int]:
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    return (span.start, span.end) if span is not None else (0, 0)


# --------------------------------------------------------------------------- roles


def _cue_hits(words: list[str], scheme: RoleScheme) -> list[tuple[str, str]]:
    """(fine role, cue) for every cue found in a list of lower-case lemmas/words."""
    joined = " " + " ".join(words) + " "
    hits = []
    for fine, cues in scheme.cues.items():
        for cue in cues:
            if (" " in cue and f" {cue} " in joined) or cue in words:
                hits.append((fine, cue))
    return hits


def _words(tokens: Iterable[Token]) -> list[str]:
    out = []
    for t in tokens:
        out += [t.lower_, t.lemma_.lower()]
    return out


def _clause(token: Token) -> list[Token]:
    head = token
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    return list(head.subtree)


def _agency(root: Token, scheme: RoleScheme) -> tuple[str, str, Token] | None:
    """What the actor does or suffers in its clause: the subject (or passive
    agent, "by X") of a harming verb is an antagonist, of a helping verb a
    protagonist; the object (or passive subject) of a harming verb is harmed."""
    verb, dep = root.head, root.dep_
    if dep == "conj" and root.head.dep_ in ("nsubj", "nsubjpass", "dobj"):  # "X and Y attacked ..."
        verb, dep = root.head.head, root.head.dep_
    if dep == "pobj" and root.head.dep_ == "agent":  # "was attacked by X"
        verb, dep = root.head.head, "agent"
    lemma = verb.lemma_.lower()
    negated = any(c.dep_ == "neg" for c in verb.children)
    if negated or verb.pos_ not in ("VERB", "AUX"):
        return None
    if dep in ("nsubj", "agent") and lemma in scheme.harm:
        return "antagonist", "agent of harm", verb
    if dep in ("nsubj", "agent") and lemma in scheme.help:
        return "protagonist", "agent of help", verb
    if dep in ("dobj", "nsubjpass") and lemma in scheme.harm:
        return "innocent", "harmed", verb
    return None


def assign_roles(
    doc: Doc,
    mentions: Iterable[Mention],
    descriptors: Iterable[Descriptor],
    sentiment: Iterable[MentionSentiment] = (),
    *,
    scheme: RoleScheme | None = None,
    article_id: str = "",
) -> list[ActorRole]:
    """The main and fine role of every actor of the article, with the evidence.

    Parameters
    ----------
    doc
        The parsed article.
    mentions
        Actor mentions.
    descriptors
        :func:`find_descriptors` of the same article.
    sentiment
        Per-mention sentiment (its net tone is one piece of evidence).
    scheme
        :func:`load_roles`, or your own cues.
    article_id
        Written into every record.
    """
    scheme = scheme or load_roles()
    mentions = [m for m in mentions if m.actor != OTHER_ACTOR]
    sent_of = sentence_ids(doc)
    fine_scores: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    main_scores: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    evidence: dict[str, list] = defaultdict(list)

    def add(actor, fine, main, weight, note):
        if fine:
            fine_scores[actor][fine] += weight
        main_scores[actor][main] += weight
        evidence[actor].append(note)

    for d in descriptors:
        words = [w for t in doc.char_span(d.start, d.end, alignment_mode="expand") or () for w in _words([t])]
        for fine, _cue in _cue_hits(words, scheme):
            add(d.actor, fine, scheme.main_of[fine], 1.0, f"{fine}: {d.kind} {d.text!r} (s{d.sentence_id})")
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        root = span.root
        clause = [t for t in _clause(root) if not span.start <= t.i < span.end]
        for fine, cue in _cue_hits(_words(clause), scheme):
            add(m.actor, fine, scheme.main_of[fine], 0.5, f"{fine}: {cue!r} near {m.text!r} (s{sent_of[span.start]})")
        agency = _agency(root, scheme)
        if agency is not None:
            main, what, verb = agency
            add(m.actor, "", main, 1.0, f"{what}: {m.text!r} / {verb.text!r} (s{sent_of[span.start]})")
    tone: dict[str, list] = defaultdict(list)
    for j in sentiment:
        if j.voice == "author":  # how the text itself portrays the actor, not what others say of it
            tone[j.actor].append({"positive": 1, "negative": -1}.get(j.label, 0))
    for actor, signs in tone.items():
        net = sum(signs) / len(signs)
        valenced = sum(1 for x in signs if x)
        if valenced < _MIN_VALENCED:
            continue
        if net >= _PORTRAYAL_NET:
            add(actor, "", "protagonist", 1.0, f"portrayed positively in the author's voice: net tone {net:+.2f} "
                                               f"over {len(signs)} mentions")
        elif net <= -_PORTRAYAL_NET:
            add(actor, "", "antagonist", 1.0, f"portrayed negatively in the author's voice: net tone {net:+.2f} "
                                              f"over {len(signs)} mentions")
    roles = []
    for actor in sorted({m.actor for m in mentions}):
        scores = main_scores.get(actor, {})
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        main, best = ranked[0] if ranked else ("none", 0.0)
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if best < _MIN_MAIN or best <= second:
            main = "none"
        fines = {f: v for f, v in fine_scores.get(actor, {}).items() if scheme.main_of[f] == main}
        fine = max(sorted(fines), key=lambda f: fines[f]) if fines else ""
        confidence = round(min(0.95, best / (best + second + 1.0)), 2) if main != "none" else 0.0
        score_text = "; ".join(f"{k} {v:.1f}" for k, v in ranked) or "no evidence"
        roles.append(ActorRole(article_id or mentions[0].article_id, actor, main, fine, confidence, score_text,
                               " | ".join(evidence.get(actor, []))))
    return roles
