"""Stance between actors: who is for or against whom, with the evidence.

Sentiment says how the text portrays an actor; stance says where one actor
stands toward another: the **source's attitude to the target**, not the tone
of the words around the target. Edges source -> target (``favor | against |
neutral``) come from two kinds of evidence, never from the author's own voice:

* **relation**: one actor acts on or judges another through a relation cue
  from ``resources/relation_cues.txt`` ("Putin thanked Lukashenko" -> putin
  favor lukashenko; "slammed Minsk with sanctions" -> the Biden government
  against lukashenko; "a Kremlin-backed Putin ally"). A judgment carried by a
  reporting or evaluative verb ("accused", "praised", "called X a ...")
  belongs to the verb's subject. Inside a quote, a cue with no subject of its
  own ("he must first be defeated") or a first-person subject is the
  speaker's; so is an accusation: the target as the doer of a harmful act
  (``harm`` in ``resources/stance_cues.txt``: "X keeps massing troops").
  A negated cue ("did not support", "did not want X to help", "refused to
  back") gives a neutral edge, noted in the cue. Wanting to join a group or
  an organisation is siding with it ("applied to join the Legion"; having
  joined one, "before he joined the F.B.I.", is a career); joining a person is
  company ("joined Obama at the ceremony") and joining anyone in an act
  ("joined X in calling on Z to quit") is an attitude toward Z, not X
  (``company`` in the cue file); the other side of a contest ("his
  opponent", "a Trump rival") is no attitude, "an opponent of X" is. An act
  named by a noun is its doer's: "X took aim at Y", "X renewed his attack on
  Y", "X voiced support for Y", "X's attack on Y" (cues of kind ``act``; the
  doer is the noun's owner or the subject of an ``act_verb``, so "X drew
  criticism" and "X withdrew its support for Y" give none); with "out" or
  "back", "at" names the target ("X lashed out at Y"). A cue on undoing its
  object reverses ("supported ending X" is against X; ``reversal``); a
  reflexive object ("defend themselves"), welcoming an exit ("praised his
  decision to step aside") and a duty ("his responsibility to protect X";
  ``duty``) give no edge.
* **quote**: what a speaker says about an actor in their own quoted or
  reported words. The sentiment model's view of the target's mention is one
  signal, kept where the model is sure (:data:`MIN_QUOTE_CONFIDENCE`; surer
  for a reporter's paraphrase than for the speaker's own words, and all but
  certain for favour, since warm words in a quote are mostly spin, a
  principal's acts told by his spokesman or irony); a cue with
  arguments about the same mention (above) wins over it. Each sentence of a
  long quote is a statement of its own; words of the reporter around a direct
  quote ("did not back down, saying ...") negate nothing inside it.
  No edge is made from bare mentions (neutral), questions, conditionals and
  hypotheticals ("if", "would", "could"), reported fears, hopes and
  expectations ("NATO fears the Kremlin may ..."), denied or negated
  criticism ("I don't question his faith", "no evidence that X ..."), a
  third-person pronoun of an indirect quote that most likely is the speaker
  ("the lawmaker said he is sorry"), claims the speaker reports of others
  ("accusations that X ..."; ``claim_noun``), what the speaker says a thing
  is not ("was not an attempt to label X as ..."), a demand on the target
  ("X must confront Y"; but "X must apologize" is against X: ``penance``),
  the holder of a feeling the quote names ("despite X's disdain for Y":
  X's feeling, not the speaker's attitude to X; ``feeling``),
  the doer of a warm act the speaker relates ("The President thanked X": the
  cue gives the President's edge to X), the one a relation noun relates its
  own holder to ("anyone who is a critic of X"), or from sources that hold no attitude:
  documents, polls, outlets that report ("The Wall Street Journal first
  reported"), "those familiar with", datelines, and entities whose
  named-entity label or registry kind is not an agent. "X said of Y: '...'"
  makes Y the one the quote's third-person pronouns are about.

A part of a group or organisation ("five Republican senators", "a handful of
House Democrats", "some of X", "other Democrats") is a source or target of its
own, named by the whole phrase, not the group actor: the protocol we judge by
counts a whole group credited for a few members as wrong. So is someone who
speaks for a person ("Trump spokeswoman Katrina Pierson", "Grimm's lawyer"),
whom the speaker stage credits to that person: the attitude is the
spokeswoman's, and what she says of the person she speaks for argues that
person's side (no edge). An organisation's spokesman still speaks for it.

Every edge keeps its cue, its sentence, the reason it was kept and a
confidence; the cues and their lists are data files a researcher can edit.
The edges are aggregated per article and over the corpus, and drawn as a
network and a matrix, in :mod:`analysis.summaries` (:func:`~analysis.summaries.summarize_stance`,
:func:`~analysis.summaries.stance_graph`).

Notes
-----
Stance as the attitude of a source toward a target follows Mohammad et al.
(2016, SemEval task 6) and the speaker -> target polarity of quoted spans in
BASIL (Fan et al., EMNLP 2019), on whose development half the rules were
measured (``python -m analysis evaluate basil``). Which clauses carry no
attitude (questions, conditionals, modals, reported beliefs) follows the
factuality cues of FactBank (Saurí & Pustejovsky 2009).

Examples
--------
>>> from analysis.actors import parse_actors
>>> from analysis.mentions import find_mentions
>>> from analysis.nlp import parse
>>> reg = parse_actors("actors:\\n  a: {kind: person, names: [Ann Kerr]}\\n  b: {kind: person, names: [Bo Lind]}")
>>> doc = parse("Ann Kerr thanked Bo Lind for his help.", cache_dir=False)
>>> [(e.source_actor, e.stance, e.target_actor, e.cue) for e in find_stance(doc, find_mentions(doc, reg))]
[('a', 'favor', 'b', 'thanked')]
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from .errors import AnalysisError
from .nlp import doc_text, sentence_ids, sentence_records
from .resources import read_text
from .spans import IntervalIndex
from .types import AGENT_KINDS, OTHER_ACTOR, ActorRegistry, Mention, MentionSentiment, Quote, StanceEdge

__all__ = [
    "load_relation_cues",
    "load_stance_cues",
    "find_stance",
    "CUE_SECTIONS",
    "MIN_QUOTE_CONFIDENCE",
]

#: Sections of ``resources/stance_cues.txt``.
CUE_SECTIONS = ("not_source", "familiar", "report_cue", "belief_cue", "hypothetical", "condition", "defence",
                "denial", "harm", "advocate", "misfortune", "speech", "ouster", "urge",
                "partitive", "concession", "authored", "fact_cue", "follower", "company", "act_verb", "claim_noun",
                "penance", "duty", "reversal", "feeling", "endeavour")
#: A quote edge from the sentiment model needs at least this probability of
#: its label ("against", "favor"), by kind of quote; below it the words are too
#: mixed to tell the speaker's attitude. A direct quote is the speaker's own
#: words; an indirect one is the reporter's paraphrase, whose tone is partly
#: the reporter's, so it needs more; ``judgment`` is for judgments voiced by an
#: evaluative verb's subject outside quotes ("X called Y a ..."). Warm words
#: around a target in a quote are a weak sign of favour (spin, a principal's
#: own acts told by his spokesman, irony), so favour needs the model all but
#: certain. Chosen on 160 stance rows of the BASIL development half judged by
#: hand: against held for 35 of 40 rows at p >= 0.95 and 20 of 37 below; quote
#: favour for 5 of 6 at p >= 0.97 and 2 of 14 below (see README).
MIN_QUOTE_CONFIDENCE = {"direct": {"against": 0.8, "favor": 0.97}, "indirect": {"against": 0.95, "favor": 0.97},
                        "judgment": {"against": 0.95, "favor": 0.9}}
_TARGET_DEPS = ("dobj", "pobj", "dative", "attr", "oprd")
_SUBJECT_CLIMB = ("xcomp", "conj", "advcl", "acl")
#: Named-entity labels of things that hold no attitude (a source must be an agent).
_NOT_AGENT_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "LAW",
                               "WORK_OF_ART", "PRODUCT", "EVENT", "LANGUAGE", "FAC", "LOC"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})
_SINGULAR_PRONOUNS = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
_PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
_THIRD_PERSON = _SINGULAR_PRONOUNS | {"they", "them", "their", "themselves", "it", "its"}
_FIRST_PERSON = frozenset({"i", "me", "my", "we", "us", "our"})
_POSSESSIVES = frozenset({"his", "her", "its", "their"})
_WANTING = frozenset({"like", "love", "prefer"})  # "would like to": a wish, not a hypothetical
#: Modals by which a speaker wants a deed done ("he must be defeated"): an agentless passive is then theirs.
_DEONTIC = frozenset({"must", "should", "ought"})
_REFUSING = frozenset({"refuse", "decline"})  # "refused to support X": not supporting
_WHOLE = frozenset({"the", "these", "those", "all", "both", "its", "their"})  # "the two states": all of them


@functools.lru_cache(maxsize=8)
def load_relation_cues(path: str | Path | None = None) -> dict[tuple[str, str], str]:
    """(lemma, verb|noun|act) -> favor|against, from a text file (see the shipped one).

    >>> load_relation_cues()[("thank", "verb")], load_relation_cues()[("ally", "noun")]
    ('favor', 'favor')
    """
    text, source = read_text(path, "relation_cues.txt", what="a relation cue file ('lemma favor|against [kind]' lines)")
    cues = {}
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        kind = words[2].lower() if len(words) > 2 else "verb"
        if len(words) not in (2, 3) or words[1] not in ("favor", "against") or kind not in ("verb", "noun", "act"):
            raise AnalysisError(f"expected 'lemma favor|against [verb|noun|act]', got {line.strip()!r}", source=source,
                                line=number)
        cues[(words[0].lower(), kind)] = words[1]
    return cues


@functools.lru_cache(maxsize=8)
def load_stance_cues(path: str | Path | None = None) -> dict[str, frozenset[str]]:
    """Section -> words and phrases (lower case), from ``section word...`` lines.

    The sections (:data:`CUE_SECTIONS`) say which speakers hold no attitude
    and which words make a clause carry none; see the shipped file.

    >>> cues = load_stance_cues()
    >>> "poll" in cues["not_source"], "could" in cues["hypothetical"], "as if" in cues["condition"]
    (True, True, True)
    """
    text, source = read_text(path, "stance_cues.txt", what="a stance cue file ('section word' lines)")
    found: dict[str, set[str]] = {s: set() for s in CUE_SECTIONS}
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].lower().split()
        if not words:
            continue
        if len(words) < 2 or words[0] not in found:
            raise AnalysisError(f"expected '<section> <word or phrase>' with a section of {', '.join(CUE_SECTIONS)}"
                                f", got {line.strip()!r}", source=source, line=number)
        found[words[0]].add(" ".join(words[1:]))
    return {s: frozenset(v) for s, v in found.items()}


class _Who:
    """Which mention (registry actor or other entity) sits at a token."""

    def __init__(self, mentions: Iterable[Mention], partitive: frozenset[str] = frozenset(),
                 parts: frozenset[tuple[int, int]] = frozenset(), followers: frozenset[str] = frozenset()):
        self.index = IntervalIndex((m.start, m.end, m) for m in mentions if m.method != "ambiguous")
        self.partitive = partitive
        self.followers = followers
        self.parts = parts  # (start, end) of the mentions that name part of a group ("a handful of X")

    def at(self, token: Token) -> Mention | None:
        hits = self.index.containing(token.idx)
        return max(hits, key=lambda m: (m.actor != OTHER_ACTOR, m.confidence)) if hits else None

    def of_phrase(self, token: Token, *, holder: bool = False) -> Mention | None:
        """The mention at the token, or the name inside its noun phrase ("The Biden government").
        For the ``holder`` of an attitude, a place the study did not make an actor does not stand for the
        person it owns ("Oklahoma's attorney general accused ...": not Oklahoma)."""
        found = self.at(token)
        if found is not None:
            return found
        if token.lemma_.lower() in self.followers:
            return None  # "a former Romney campaign adviser", "Trump supporters": other people than the name
        for child in token.children:
            if child.dep_ in ("compound", "poss", "nmod") and child.i < token.i:
                found = self.at(child)
                # "The Texas lawmaker", "House conservatives" are not Texas or the House
                if found is not None and (found.actor != OTHER_ACTOR or found.ner_label in ("PERSON", "") or (
                        child.dep_ == "poss" and not (holder and found.ner_label in _PLACE_LABELS))):
                    return found
        if token.lemma_.lower() in self.partitive or token.pos_ == "NUM":  # "a handful of X", "two of X": X's part
            for obj in [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                        if g.dep_ == "pobj"]:
                found = self.at(obj)
                if found is not None and (found.start, found.end) in self.parts:
                    return found
        return None


def _with_conjuncts(token: Token) -> list[Token]:
    return [token, *[c for c in token.children if c.dep_ == "conj"]]


def _antecedent(token: Token) -> Token:
    """A relative pronoun ("officials, who said ...") stands for the noun it hangs from."""
    if token.tag_ in ("WP", "WDT") and token.head.dep_ == "relcl":
        return token.head.head
    return token


def _subjects(verb: Token) -> list[Token]:
    node, seen = verb, 0
    while seen < 4:
        for child in node.children:
            if child.dep_ == "nsubj":
                return [_antecedent(t) for t in _with_conjuncts(child)]
            if child.dep_ == "agent":
                return [g for c in child.children if c.dep_ == "pobj" for g in _with_conjuncts(c)]
        if node.dep_ in _SUBJECT_CLIMB and node.head.i != node.i and not any(
                c.dep_ == "nsubjpass" for c in node.children):
            node, seen = node.head, seen + 1
        else:
            return []
    return []


def _objects(verb: Token) -> list[Token]:
    """Who the verb acts on: its object, or the object of a preposition that
    completes it ("fight against T", "apologised to T", "lashed out at T"); with
    a direct object a preposition other than "against" is an adjunct ("banned X
    to the U.S.")."""
    found = []
    direct = any(c.dep_ in ("dobj", "dative", "nsubjpass") for c in verb.children)
    # "lashed out at T", "hit back at T": with "out" or "back", "at" names whom the act is aimed at
    aimed = any(c.dep_ in ("prt", "advmod") and c.lower_ in ("out", "back") for c in verb.children)
    for child in verb.children:
        if child.dep_ in ("dobj", "dative", "nsubjpass"):
            found += _with_conjuncts(child)
        elif child.dep_ in ("prep", "agent") and (child.lower_ == "against" or (
                not direct and not aimed and child.lower_ in ("on", "with", "for", "to")) or (
                child.lower_ == "at" and aimed)):  # not "lashed out on Twitter"
            found += [g for c in child.children if c.dep_ == "pobj" for g in _with_conjuncts(c)]
    return found


def _opposed(verb: Token, who: _Who) -> list[Mention]:
    """Mentions in an "against X" phrase of the verb."""
    return [m for c in verb.children if c.dep_ == "prep" and c.lower_ == "against"
            for g in c.children if g.dep_ == "pobj" for t in _with_conjuncts(g) if (m := who.of_phrase(t))]


def _negated(verb: Token) -> bool:
    """Is the verb negated, itself or through the verbs its infinitive hangs from
    ("did not want X to help Y", "refused to support Y")?"""
    node = verb
    for _ in range(4):
        if any(c.dep_ == "neg" or c.lower_ in ("never", "not", "n't") for c in node.children):
            return True
        if node is not verb and node.lemma_.lower() in _REFUSING:
            return True
        infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)
        if not (infinitive and node.dep_ in ("xcomp", "ccomp", "advcl")) or node.head.i == node.i:
            return False
        node = node.head
    return False


def _chain(token: Token) -> list[Token]:
    """The token and its heads up to the root of its sentence."""
    out = [token]
    while out[-1].head.i != out[-1].i and len(out) < 40:
        out.append(out[-1].head)
    return out


def _rhetorical(sent: Span) -> bool:
    """A negated question ("Why can't X ...?", "Isn't it ...?") asserts its answer."""
    return any(t.dep_ == "neg" for t in sent)


def _unreal(token: Token, cues: dict) -> str | None:
    """Why the clause of ``token`` states no attitude: a question, a condition
    or a hypothetical (modal); None if it is asserted."""
    sent = token.sent
    if any(t.text == "?" for t in sent if t.i >= token.i) and not _rhetorical(sent):
        return "a question"
    for node in _chain(token):
        if _condition(node, cues):
            return f"a condition ({_condition(node, cues)!r})"
        for child in node.children:
            if child.dep_ == "advcl" and node.pos_ in ("VERB", "AUX") and _condition(child, cues):
                return "the consequence of a condition"
            if child.dep_ == "aux" and child.lower_ in cues["hypothetical"] and node.lemma_.lower() not in _WANTING:
                return f"a hypothetical ({child.text!r})"
    return None


def _condition(clause: Token, cues: dict) -> str:
    """The subordinator of a condition heading ``clause`` ("if", "as though"), or ""."""
    marks = " ".join(c.lower_ for c in clause.children if c.dep_ == "mark")
    if marks in cues["condition"]:
        return marks
    return next((m for m in marks.split() if m in cues["condition"]), "")


def _denied(token: Token, cues: dict, relation_cues: dict, within: tuple[int, int] | None = None) -> str | None:
    """Is ``token`` inside a negated criticism, or what is denied or dismissed ("I
    don't question X's faith", "failed to produce evidence that X ...")?
    ``within``: the characters of a direct quote; the words around it are the
    reporter's ("did not back down, saying '...'") and deny nothing in it."""
    chain = _chain(token)
    for below, node in itertools.pairwise(chain):
        if within is not None and not within[0] <= node.idx < within[1]:
            break
        if below.dep_ in ("nsubj", "nsubjpass", "csubj"):
            continue  # "X did not help", "X failed": about X's own doing, not a denial of a claim about X
        lemma = node.lemma_.lower()
        if (lemma in cues["defence"] or (lemma, "verb") in relation_cues) and _negated(node):
            return f"negated {node.text!r}"  # "I don't question X's faith", "would not support sanctions against X"
        if node.lemma_.lower() in cues["denial"]:
            return f"denied or dismissed ({node.text!r})"
        if node.lemma_.lower() in cues["concession"]:
            return f"conceded ({node.text!r})"
        if node.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "no" for c in node.children):
            return f"'no {node.text}'"
        if node.pos_ == "NOUN" and node.dep_ == "attr" and _negated(node.head):
            return f"'not {node.text}'"  # "was not an attempt to label X as ...", "is not an attack on X"
    return None


def _not_a_source(span: Span | None, cues: dict, *, cue_lemma: str = "", actor: str = "",
                  registry: ActorRegistry | None = None) -> str | None:
    """Why the words at ``span`` name no one who can hold an attitude, or None."""
    if span is None or not len(span):
        return None
    head = span.root
    words = {t.lower_ for t in span} | {head.lemma_.lower()}
    phrase = " ".join(t.lower_ for t in span)
    kind = ""
    if actor and actor != OTHER_ACTOR:  # the registry says what it is (NER labels of its names are unreliable)
        kind = registry.get(actor).kind if registry is not None and actor in registry.ids else "person"
    if head.lower_ in cues["not_source"] or head.lemma_.lower() in cues["not_source"] or any(
            " " in e and e in phrase for e in cues["not_source"]):
        if kind in AGENT_KINDS and head.lemma_.lower() in cues["authored"]:
            return None  # "the ad says", its author named: the author's words ("the DOJ document": none)
        return f"{span.text!r} is a document, poll or outlet"
    if kind:
        return None if kind in AGENT_KINDS else f"registry kind {kind!r} holds no attitude"
    if any(t.lemma_.lower() in cues["familiar"] or t.lower_ in cues["familiar"] for t in head.subtree):
        return f"{span.text!r}: those familiar with, not a judge"
    if head.ent_type_ in _NOT_AGENT_LABELS:
        return f"{span.text!r} is a {head.ent_type_}, not an agent"
    if (cue_lemma in cues["report_cue"] and head.pos_ == "PROPN" and head.ent_type_ != "PERSON"
            and words.isdisjoint(_FIRST_PERSON)):
        return f"{span.text!r} reports ({cue_lemma!r}): an outlet"
    text = doc_text(span.doc)
    if head.text.isupper() and len(head.text) > 2 and (span.start_char == 0 or text[span.start_char - 1] == "\n"):
        return f"{span.text!r} is a dateline"
    return None


def _name(m: Mention) -> str:
    return m.canonical or m.text


def _edge(article_id, src: Mention | None, tgt: Mention, stance, cue, sent, evidence, confidence, basis,
          quote_id=-1, speaker: Quote | None = None) -> StanceEdge:
    if src is None:  # the speaker of the quote the cue is in
        source_actor, source_name = speaker.speaker_actor or OTHER_ACTOR, speaker.speaker or speaker.speaker_text
    else:
        source_actor, source_name = src.actor, _name(src)
    return StanceEdge(article_id, source_actor, tgt.actor, stance, cue, sent, evidence, round(confidence, 2),
                      source_name, _name(tgt), basis, quote_id)


def _keep(edge: StanceEdge) -> bool:
    """Drop self-edges and edges between two entities the registry does not know."""
    same = edge.source_actor == edge.target_actor and (edge.source_actor != OTHER_ACTOR
                                                        or edge.source_name == edge.target_name)
    return not same and not (edge.source_actor == OTHER_ACTOR and edge.target_actor == OTHER_ACTOR)


class _Context:
    """What every edge rule needs about one article."""

    def __init__(self, doc, mentions, quotes, cues, relation_cues, registry, article_id):
        self.doc, self.cues, self.registry, self.article_id = doc, cues, registry, article_id
        self.relation_cues = relation_cues
        self.whole_of: dict[str, str] = {}  # a phrase naming part of an actor -> that actor
        self.principal: dict[int, str] = {}  # quote id -> the person its speaker speaks for
        named = [(m, self.part_phrase(m.start, m.end, m.actor)) for m in mentions]
        self.who = _Who([replace(m, actor=OTHER_ACTOR, canonical=part) if part else m for m, part in named],
                        cues["partitive"], frozenset((m.start, m.end) for m, part in named if part),
                        cues["follower"])
        self.sent_of = sentence_ids(doc)
        self.text_of = {s.sentence_id: s.text for s in sentence_records(doc, article_id)}.get
        self.use_quotes(quotes)

    def use_quotes(self, quotes: list[Quote]) -> None:
        self.quotes = IntervalIndex((q.start, q.end, q) for q in quotes)
        self.by_id = {q.quote_id: q for q in quotes}

    def span(self, start: int, end: int) -> Span | None:
        return self.doc.char_span(start, end, alignment_mode="expand")

    def cue_token(self, quote: Quote) -> Token | None:
        """The reporting verb of a quote: a token with the cue's text outside the
        quote, nearest to it."""
        if not quote.cue:
            return None
        window = self.span(max(quote.start - 400, 0), min(quote.end + 400, len(doc_text(self.doc))))
        found = [t for t in (window or ()) if t.text == quote.cue and not quote.start <= t.idx < quote.end]
        return min(found, key=lambda t: min(abs(t.idx - quote.start), abs(t.idx - quote.end)), default=None)

    def speaker_problem(self, quote: Quote) -> str | None:
        """Why the quote's speaker gives no stance edge, or None."""
        if quote.speaker_kind == "unresolved":
            return f"the speaker {quote.speaker_text!r} is a pronoun left unresolved"
        cue = self.cue_token(quote)
        lemma = cue.lemma_.lower() if cue is not None else quote.cue.lower()
        if lemma in self.cues["belief_cue"]:
            return f"a reported {lemma!r}: a belief or expectation, not an attitude"
        if quote.kind == "indirect" and lemma in self.cues["fact_cue"]:
            return f"a reported fact ({lemma!r}), not an attitude"
        return _not_a_source(self.span(quote.speaker_start, quote.speaker_end), self.cues, cue_lemma=lemma,
                             actor=quote.speaker_actor, registry=self.registry)

    def part_phrase(self, start: int, end: int, actor: str) -> str:
        """The words naming only part of a group or organisation at ``start:end``
        ("five Republican senators", "a handful of House Democrats", "some of
        X", "other Democrats"), or "" when the phrase names the whole actor."""
        if actor in ("", OTHER_ACTOR) or (self.registry is not None and actor in self.registry.ids
                                          and self.registry.get(actor).kind not in ("group", "organisation")):
            return ""
        span = self.span(start, end)
        if span is None or not len(span):
            return ""
        part = self.cues["partitive"]
        inside = [t for t in span if t.i < span.root.i]
        left, i = [], span.start - 1
        while i >= span.sent.start and len(left) < 6:  # the rest of the noun phrase, leftwards
            t = self.doc[i]
            if not (t.lower_ == "of" or t.pos_ == "NUM" or t.lemma_.lower() in part or t.lower_ in part or (
                    t.dep_ in ("det", "amod", "compound", "nummod", "quantmod", "advmod", "cc", "pobj")
                    and t.pos_ in ("DET", "ADJ", "NUM", "NOUN", "PROPN", "ADV", "CCONJ"))):
                break
            left.insert(0, t)
            i -= 1
        words = [*left, *inside]
        cues = [t for t in words if t.lemma_.lower() in part or t.lower_ in part or (
            t.pos_ == "NUM" and not (t.i > 0 and self.doc[t.i - 1].lower_ in _WHOLE))]  # not "the two states"
        if not cues:
            return ""
        first = cues[0].i
        while first > span.sent.start and self.doc[first - 1].dep_ == "det" and self.doc[first - 1] in left:
            first -= 1
        phrase = self.doc[min(first, span.start):span.end].text
        self.whole_of[phrase] = actor
        return phrase

    def speaking(self, token: Token) -> Quote | None:
        """The quote ``token`` is in, where its speaker is named and can hold an
        attitude (no :meth:`speaker_problem`); else None."""
        quote = next(iter(self.quotes.containing(token.idx)), None)
        if quote is None or quote.speaker_start < 0 or self.speaker_problem(quote):
            return None
        return quote

    def plural_speaker(self, quote: Quote) -> bool:
        """Is the speaker named in the plural ("two hosts", "Democrats")?"""
        span = self.span(quote.speaker_start, quote.speaker_end) if quote.speaker_start >= 0 else None
        return span is not None and len(span) > 0 and span.root.tag_ in ("NNS", "NNPS")

    def is_person(self, m: Mention) -> bool:
        if m.actor != OTHER_ACTOR:
            return self.registry is not None and m.actor in self.registry.ids and (
                self.registry.get(m.actor).kind == "person")
        return m.ner_label == "PERSON"

    def as_part(self, quote: Quote) -> Quote:
        """A speaker named as part of a group ("five X senators", "a handful of
        X", "a group of X") is not the whole group: it speaks as itself. So
        does someone who speaks for a person ("Trump spokeswoman Katrina
        Pierson", "Grimm's lawyer"): their attitude is theirs, not the
        person's (an organisation's spokesman still speaks for it)."""
        if quote.speaker_start < 0:
            return quote
        advocate = self.for_a_person(quote)
        if advocate:
            self.principal[quote.quote_id] = quote.speaker_actor
            return replace(quote, speaker=advocate, speaker_actor=OTHER_ACTOR)
        phrase = self.part_phrase(quote.speaker_start, quote.speaker_end, quote.speaker_actor)
        if phrase:
            return replace(quote, speaker=phrase, speaker_actor=OTHER_ACTOR)
        span = self.span(quote.speaker_start, quote.speaker_end)
        if quote.speaker_actor in ("", OTHER_ACTOR) and span is not None and len(span) and (
                span.root.lemma_.lower() in self.cues["partitive"]
                and any(c.dep_ == "prep" and c.lower_ == "of" for c in span.root.children)):
            ends = [g.i for c in span.root.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                    if g.dep_ == "pobj"]  # "A group of nearly 90 professors", not the clauses after it
            phrase = self.doc[min(t.i for t in span.root.subtree):max(ends, default=span.root.i) + 1]
            inner = [m for t in phrase if (m := self.who.at(t)) is not None and m.actor != OTHER_ACTOR]
            if inner:
                self.whole_of[phrase.text] = inner[0].actor
            return replace(quote, speaker=phrase.text)  # "A group" -> "A group of the Dockworkers Union"
        return quote

    def for_a_person(self, quote: Quote) -> str:
        """The name of someone who speaks for a registry person without being
        that person ("Katrina Pierson" for Trump, "Her spokesman" for Jan
        Brewer), or ``""``: the speaker's own name where it is none of the
        person's, else the speaker phrase with its advocate's role."""
        actor = self.registry.get(quote.speaker_actor) if (
            self.registry is not None and quote.speaker_actor in self.registry.ids) else None
        if actor is None or actor.kind != "person":
            return ""
        words = {w.lower().strip(".,") for name in (*actor.names, *actor.aliases, actor.label) for w in name.split()}
        said = [w.lower().strip(".,") for w in quote.speaker.split()]
        if said and said[-1] not in words:
            return quote.speaker
        return quote.speaker_text if self.speaks_for(quote, actor.id) else ""

    def speaks_for(self, quote: Quote, actor: str) -> bool:
        """Is the speaker an advocate of ``actor`` ("a lawyer for X", "X's spokesman")?"""
        span = self.span(quote.speaker_start, quote.speaker_end)
        if span is None or not len(span):
            return False
        roles = [span.root, *(c for c in span.root.children if c.dep_ == "appos")]  # "X, a spokeswoman for Y"
        for head in roles:
            if head.lemma_.lower() not in self.cues["advocate"]:
                continue
            owners = [c for c in head.children if c.dep_ in ("poss", "compound")]
            owners += [g for c in head.children if c.dep_ == "prep" and c.lower_ in ("for", "of", "to")
                       for g in c.children if g.dep_ == "pobj"]
            if any((m := self.who.of_phrase(o)) is not None and m.actor == actor for o in owners):
                return True
        return False

    def topic_of(self, quote: Quote) -> Mention | None:
        """"..., X said of Y" ("said about Y"): the one the quote is about."""
        cue = self.cue_token(quote)
        if cue is None:
            return None
        for child in cue.children:
            if child.dep_ == "prep" and child.lower_ in ("of", "about"):
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return self.who.of_phrase(obj)
        return None


def _quote_edges(sentiment: Iterable[MentionSentiment], ctx: _Context, covered: set) -> list[StanceEdge]:
    """What a speaker says about an actor, from the sentiment model's view of
    the actor's mention inside the speaker's words, where the words state an
    attitude (see the module notes for what gives no edge)."""
    stance_of = {"positive": "favor", "negative": "against"}
    edges, problems = [], {}
    for j in sentiment:
        quote = ctx.by_id.get(j.quote_id)
        if j.voice == "author" or quote is None or quote.speaker_start < 0 or j.label not in stance_of:
            continue
        if (j.start, j.end) in covered:  # a cue with its arguments said more about this mention
            continue
        stance = stance_of[j.label]
        if j.confidence < MIN_QUOTE_CONFIDENCE[quote.kind][stance]:
            continue
        if quote.quote_id not in problems:
            problems[quote.quote_id] = ctx.speaker_problem(quote)
        if problems[quote.quote_id]:
            continue
        span = ctx.span(j.start, j.end)
        if span is None or not len(span):
            continue
        token = span.root
        if token.lower_ in _FIRST_PERSON:
            continue  # the speaker themself
        if token.dep_ == "poss" and token.pos_ == "PRON":
            continue  # "his primary", "their majority": the tone is about the thing owned, not the owner
        if token.dep_ in ("compound", "poss") and token.head.lemma_.lower() in ctx.cues["follower"]:
            continue  # "Sanders supporters": the tone is about the supporters
        fate = token.head.lemma_.lower()
        if token.dep_ in ("nsubj", "nsubjpass") and (fate in ctx.cues["misfortune"] or (
                fate in ctx.cues["ouster"] and not any(c.lower_ in _DEONTIC for c in token.head.children))):
            continue  # "X lost his primary", "X had quit": what befell X, reported, not an attitude to X
        if token.dep_ == "nsubj" and token.head.lemma_.lower() in ctx.cues["speech"]:
            continue  # "X says he wants ...": the tone is of what X says, not of the speaker about X
        if token.dep_ == "nsubj" and j.label == "positive" and ctx.relation_cues.get((fate, "verb")) == "favor":
            continue  # "The President thanked X": the warmth is of the act toward X, whose own edge the cue gives
        if token.dep_ == "nsubj" and fate not in ctx.cues["penance"] and any(
                c.dep_ == "aux" and c.lower_ in _DEONTIC for c in token.head.children):
            continue  # "X must confront Y": a demand on X, not a judgment of X (unlike "X must apologize")
        if token.dep_ == "poss" and fate in ctx.cues["duty"]:
            continue  # "It's X's job to keep the caucus together": what X owes, not a judgment of X
        if token.dep_ == "poss" and fate in ctx.cues["feeling"]:
            continue  # "despite Trump's disdain for the official": Trump's feeling, not the speaker's about him
        if _judged_by_a_noun(token, ctx):
            continue  # "a critic of X", "an ally of X": the noun's holder is related to X (the noun rule)
        if ctx.speaks_for(quote, j.actor):
            continue  # "a lawyer for X", "X's spokesman": the speaker argues X's side (and see find_stance)
        inside = (quote.start, quote.end) if quote.kind == "direct" else None
        if (_unreal(token, ctx.cues) or _denied(token, ctx.cues, ctx.relation_cues, inside)
                or _embedded(token, quote, ctx)):
            continue
        target = Mention(j.article_id, j.sentence_id, j.start, j.end, j.text, j.actor, "", 1.0, j.text)
        note = ""
        if token.lower_ in _THIRD_PERSON:
            topic = ctx.topic_of(quote)
            if topic is not None:
                target, note = topic, f"; {j.text!r} is {_name(topic)!r}, whom the quote is said of"
            elif quote.kind == "indirect" and (token.lower_ in _SINGULAR_PRONOUNS or (
                    token.lower_ in _PLURAL_PRONOUNS and ctx.plural_speaker(quote))):
                continue  # "the lawmaker said he is sorry", "two hosts claimed they are censored": the speakers
        source_actor = quote.speaker_actor or OTHER_ACTOR
        speaker = Mention(j.article_id, j.sentence_id, quote.speaker_start, quote.speaker_end, quote.speaker_text,
                          source_actor, "", 1.0, quote.speaker or quote.speaker_text)
        cue = (f"{quote.kind} quote {quote.quote_id}: {j.text!r} {j.label} in the speaker's words "
               f"({j.evidence}){note}")
        edges.append(_edge(j.article_id, speaker, target, stance, cue, j.sentence_id, ctx.text_of(j.sentence_id),
                           j.confidence * quote.confidence, "quote", quote.quote_id))
    return edges


def _judged_by_a_noun(token: Token, ctx: _Context) -> bool:
    """Is ``token`` whom a relation noun relates its holder to ("a critic of X",
    "a Putin ally", "X's opponent"), or whom an attitude or act named by a noun
    is aimed at ("their blind hatred of X", "an attack on X")? Then the noun's
    holder has the attitude, not necessarily the speaker."""
    head = token.head
    if token.dep_ == "pobj" and head.dep_ == "prep":
        preposition, head = head.lower_, head.head
    elif token.dep_ in ("compound", "poss"):
        preposition = ""
    else:
        return False
    if head.pos_ != "NOUN":
        return False
    lemma = head.lemma_.lower()
    if (lemma, "noun") in ctx.relation_cues:
        return preposition in ("", "of")
    act = ctx.relation_cues.get((lemma, "act"))
    return act is not None and preposition in _ACT_TARGET[act]


def _embedded(token: Token, quote: Quote, ctx: _Context) -> str | None:
    """Is the target inside what someone else says or believes within the quote
    ("Trump says he wants ...", "he hoped X would ...", "accusations that X
    ...")? Then the tone is theirs."""
    for below, node in itertools.pairwise(_chain(token)):
        if not quote.start <= node.idx < quote.end:
            break
        lemma = node.lemma_.lower()
        if node.pos_ == "NOUN" and lemma in ctx.cues["claim_noun"] and below.dep_ in ("acl", "ccomp", "relcl"):
            return f"a claim reported inside the quote ({node.text!r})"
        if lemma in ctx.cues["belief_cue"]:
            return f"a belief reported inside the quote ({node.text!r})"
        if lemma in ctx.cues["speech"] and not any(c.dep_ == "nsubj" and c.lower_ in _FIRST_PERSON
                                                     for c in node.children):
            return f"someone else's words inside the quote ({node.text!r})"
    return None


def _one_per_quote(edges: list[StanceEdge]) -> list[StanceEdge]:
    """Several mentions of one target in one sentence of a quote are one piece of
    evidence: the surest is kept, the count noted in its cue. Where they
    disagree, the attitude of at least twice as many mentions as the other is
    kept; else none. Each sentence of a long quote is a statement of its own
    (one model error elsewhere in the quote does not silence it)."""
    groups: dict[tuple, list[StanceEdge]] = {}
    for e in edges:
        groups.setdefault((e.quote_id, e.sentence_id, e.source_actor, e.source_name, e.target_actor, e.target_name if
                           e.target_actor == OTHER_ACTOR else ""), []).append(e)
    out = []
    for group in groups.values():
        counts = {s: sum(e.stance == s for e in group) for s in ("favor", "against")}
        major, minor = sorted(counts, key=counts.get, reverse=True)
        if counts[minor] and counts[major] < 2 * counts[minor]:
            continue  # favor and against toward one target in one sentence, neither twice the other: unclear
        kept = [e for e in group if e.stance == major]
        best = max(kept, key=lambda e: e.confidence)
        many = f"{len(group)} mentions of the target in this sentence of the quote"
        if counts[minor]:
            best = replace(best, cue=f"{best.cue}; {many}: {counts[major]} {major}, {counts[minor]} {minor}")
        elif len(group) > 1:
            best = replace(best, cue=f"{best.cue}; {many}, all {best.stance}")
        out.append(best)
    return out


#: Verbs of belief whose clause is what someone believes happened, not what happened.
_BELIEVING = frozenset({"believe", "think", "assume", "imagine", "suppose", "doubt"})


def _believed(token: Token, cues: dict) -> bool:
    """Is ``token`` inside a clause that reports what someone believes, fears or
    expects ("he came to believe that a lawmaker had called him a racist")?"""
    return any(node.dep_ == "ccomp" and (node.head.lemma_.lower() in _BELIEVING
                                         or node.head.lemma_.lower() in cues["belief_cue"])
               for node in _chain(token)[:-1])


def _judgment_edges(sentiment: Iterable[MentionSentiment], ctx: _Context) -> list[StanceEdge]:
    """A judgment carried by an evaluative verb outside quotes ("X called Y a
    ..."): the sentiment stage gives it the verb's subject as its voice."""
    stance_of = {"positive": "favor", "negative": "against"}
    edges = []
    for j in sentiment:
        if j.voice == "author" or j.quote_id >= 0 or j.label not in stance_of:
            continue
        if j.confidence < MIN_QUOTE_CONFIDENCE["judgment"][stance_of[j.label]]:
            continue
        words = j.voice.lower().split()
        if not j.voice_actor and (words[-1] in ctx.cues["not_source"] or words[-1] in _THIRD_PERSON):
            continue  # "the report blamed ...", or an unresolved "they blamed ..."
        span = ctx.span(j.start, j.end)
        if span is not None and len(span) and span.root.dep_ == "poss" and span.root.pos_ == "PRON":
            continue  # "X blamed his rival": the judgment is of the rival, not of the owner
        if span is not None and len(span) and _believed(span.root, ctx.cues):
            continue  # "Z came to believe that X had called him a racist": Z's belief, not X's judgment shown
        target = Mention(j.article_id, j.sentence_id, j.start, j.end, j.text, j.actor, "", 1.0, j.text)
        source = Mention(j.article_id, j.sentence_id, -1, -1, j.voice, j.voice_actor or OTHER_ACTOR, "", 1.0, j.voice)
        cue = f"judgment in {j.voice!r}'s voice: {j.text!r} {j.label} ({j.evidence})"
        edges.append(_edge(j.article_id, source, target, stance_of[j.label], cue, j.sentence_id,
                           ctx.text_of(j.sentence_id), j.confidence * 0.9, "relation"))
    return edges


def _verb_edges(token: Token, ctx: _Context, polarity: str, covered: set) -> list[StanceEdge]:
    """S <cue verb> T: subject to object; inside a quote a cue with no subject, or a
    first-person one, is the speaker's."""
    if token.dep_ == "acl" and token.head.lemma_.lower() in ctx.cues["duty"]:
        return []  # "his responsibility to protect X": what he owes, not his attitude
    targets, reversed_ = _cue_targets(token, ctx, polarity)
    if token.lemma_.lower() in ctx.cues["company"]:
        if any(c.dep_ == "prep" and c.lower_ == "in" and any(g.tag_ == "VBG" for g in c.children)
               for c in token.children):
            return []  # "joined X in calling on Z to quit": the shared act is toward Z, not an attitude to X
        # "joined Obama at the ceremony": company; wanting to join a group or an organisation ("wants to
        # join the Legion", "applied to join") is siding with it, having joined one ("before he joined
        # the F.B.I.") a fact of a career
        targets = [t for t in targets if t is not None and not ctx.is_person(t)] if token.dep_ == "xcomp" else []
    if ctx.quotes.containing(token.idx):  # the cue with its arguments says more about them than the tone around them
        covered.update((t.start, t.end) for t in targets if t is not None)
    if _unreal(token, ctx.cues):
        return []
    subjects = _subjects(token)
    speaker = ctx.speaking(token)
    sources = _sources(subjects, ctx)
    passive = any(c.dep_ == "nsubjpass" for c in token.children)
    purpose = (token.dep_ in ("acl", "relcl") and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
               and token.head.lemma_.lower() not in ctx.cues["endeavour"])
    if not subjects and not purpose and (not passive or any(c.lower_ in _DEONTIC for c in token.children)):
        # "he must first be defeated", "efforts to destabilize X", in the speaker's words; not "he was attacked"
        # (by whom?), nor what a thing is for ("misused the doctrine to support his budget": whoever misused
        # it supports, not the speaker)
        sources = [None]
    if speaker is not None and _embedded(token, speaker, ctx):
        # "officials said ... and Trump tweeted that 'we have defeated ...'": not the speaker's own words
        sources = [s for s in sources if s is not None]
    negated = _negated(token)
    stance = "neutral" if negated else polarity
    how = f"{token.text}" + (" (negated)" if negated else "")
    edges = []
    opposed = {(t.start, t.end) for t in _opposed(token, ctx.who)}
    doers = {s.actor for s in sources if s is not None and s.actor != OTHER_ACTOR}
    for tgt in [t for t in targets if t is not None]:
        if len(sources) > 1 and tgt.text.lower() in _POSSESSIVES and tgt.actor in doers:
            continue  # "X and others criticized his policy": "his" is not X's (that would be "their", "his own")
        # "endorsed A against B": B is opposed, whatever the cue
        stance_here = "against" if (tgt.start, tgt.end) in opposed and stance == "favor" else stance
        how_here = how
        if (tgt.start, tgt.end) in reversed_ and stance_here != "neutral":
            stance_here = "against" if stance_here == "favor" else "favor"
            how_here = f"{how} ({reversed_[(tgt.start, tgt.end)]!r} its object: reversed)"
        for src in sources:
            if src is None and speaker is None:
                continue
            edges.append(_edge(ctx.article_id, src, tgt, stance_here, how_here, ctx.sent_of[token.i],
                               ctx.text_of(ctx.sent_of[token.i]), 0.75 if src is not None else 0.6, "relation",
                               quote_id=speaker.quote_id if src is None else -1, speaker=speaker))
    return edges


def _cue_targets(token: Token, ctx: _Context, polarity: str) -> tuple[list[Mention | None], dict]:
    """Whom a cue verb acts on (:func:`_objects`, as mentions), and which of them
    it acts on by undoing them ("supported ending X": (start, end) -> "ending").
    A reflexive object is the subject itself ("defend themselves"), welcoming
    someone's exit ("praised his decision to step aside") is no favour to them,
    and what one fights for ("fight for X") is not whom one fights: none of
    them is a target."""
    objects = [t for t in _objects(token) if not t.lower_.endswith(("self", "selves"))]
    if polarity == "against":  # "fight for their values", "battle for X": what one fights for is no opponent
        objects = [t for t in objects if not (t.dep_ == "pobj" and t.head.lower_ == "for" and t.head.head == token)]
    if polarity == "favor":
        objects = [t for t in objects if not any(c.dep_ in ("acl", "xcomp") and c.lemma_.lower() in ctx.cues["ouster"]
                                                 for c in t.children)]
    # "ending" hangs on X (amod) or takes X as its object (xcomp)
    reversal = ctx.cues["reversal"]
    undoing = [(g, c) for c in token.children if c.dep_ in ("xcomp", "dobj") and c.tag_ == "VBG"
               and c.lemma_.lower() in reversal for g in c.children if g.dep_ == "dobj"]
    objects += [g for g, _ in undoing]
    targets = [ctx.who.of_phrase(t) for t in objects]
    reversed_ = {(m.start, m.end): c.text for t, m in zip(objects, targets, strict=True) if m is not None
                 for c in t.children if c.dep_ == "amod" and c.tag_ == "VBG" and c.lemma_.lower() in reversal}
    reversed_.update({(m.start, m.end): c.text for g, c in undoing if (m := ctx.who.of_phrase(g)) is not None})
    return targets, reversed_


def _sources(doers: list[Token], ctx: _Context) -> list[Mention | None]:
    """Who holds the attitude of a cue whose doers (subjects, owners) are
    ``doers``: their mentions, or None for the speaker of the quote it is in
    ("we will defeat him"); documents and other non-agents hold none ("a
    Facebook post criticized ...": the post, not Facebook)."""
    sources: list[Mention | None] = []
    for doer in doers:
        if doer.lemma_.lower() in ctx.cues["not_source"] or doer.lower_ in ctx.cues["not_source"]:
            continue
        found = ctx.who.of_phrase(doer, holder=True)
        if found is not None and found.method != "speaker":
            if not _not_a_source(ctx.span(found.start, found.end), ctx.cues, actor=found.actor, registry=ctx.registry):
                sources.append(found)
        elif doer.lower_ in _FIRST_PERSON or (found is not None and found.method == "speaker"):
            sources.append(None)
    return sources


def _setting(token: Token) -> bool:
    """Is the verb in a clause that sets the scene for a place or a time ("this
    suburb where a teenager was killed by police", "the day when ...")?"""
    verbs = [token]
    while verbs[-1].dep_ == "conj" and verbs[-1].head is not verbs[-1]:
        verbs.append(verbs[-1].head)
    return verbs[-1].dep_ == "relcl" and any(c.tag_ == "WRB" for v in verbs for c in v.children)


def _harm_edges(token: Token, ctx: _Context, covered: set) -> list[StanceEdge]:
    """Inside a quote, the target as the doer of a harmful act: the speaker accuses it."""
    speaker = ctx.speaking(token)
    if speaker is None or _unreal(token, ctx.cues) or _setting(token):
        return []
    if _negated(token) or _denied(token, ctx.cues, ctx.relation_cues):
        return []
    edges = []
    for subject in _subjects(token):
        doer = ctx.who.of_phrase(subject)
        if doer is None or doer.method == "speaker" or subject.lower_ in _FIRST_PERSON:
            continue
        if doer.text.lower() in _SINGULAR_PRONOUNS and speaker.kind == "indirect":
            continue  # most likely the speaker themself
        edges.append(_edge(ctx.article_id, None, doer, "against", f"{token.text} (accusation: the target does harm)",
                           ctx.sent_of[token.i], ctx.text_of(ctx.sent_of[token.i]), 0.6, "relation",
                           quote_id=speaker.quote_id, speaker=speaker))
        covered.add((doer.start, doer.end))
    return edges


def _ouster_edges(token: Token, ctx: _Context, covered: set) -> list[StanceEdge]:
    """A call to quit: "X should resign", "urged X to step aside" (``ouster`` cues).
    Against X; from the one who urges, or the speaker whose words it is in."""
    if token.lemma_.lower() == "step" and not any(c.lower_ in ("aside", "down") for c in token.children):
        return []
    speaker = ctx.speaking(token)
    if _negated(token) or _denied(token, ctx.cues, ctx.relation_cues):
        return []
    verb = token.head if token.dep_ == "conj" else token
    targets, sources = [], [None]
    if any(c.dep_ == "aux" and c.lower_ in _DEONTIC for c in verb.children):
        targets = [c for c in verb.children if c.dep_ == "nsubj"]
    elif verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ctx.cues["urge"]:
        urge = verb.head
        targets = [c for c in urge.children if c.dep_ == "dobj"]
        targets += [g for c in urge.children if c.dep_ == "prep" and c.lower_ == "on" for g in c.children
                    if g.dep_ == "pobj"]
        found = [ctx.who.of_phrase(t, holder=True) for t in _subjects(urge)]
        sources = [f for f in found if f is not None and f.method != "speaker"] or [None]
    edges = []
    for target in targets:
        quitter = ctx.who.of_phrase(target)
        if quitter is None or target.lower_ in _FIRST_PERSON:
            continue
        for src in sources:
            if src is None and speaker is None:
                continue
            edges.append(_edge(ctx.article_id, src, quitter, "against", f"{token.text} (a call to quit)",
                               ctx.sent_of[token.i], ctx.text_of(ctx.sent_of[token.i]), 0.7, "relation",
                               quote_id=speaker.quote_id if src is None else -1, speaker=speaker))
            covered.add((quitter.start, quitter.end))
    return edges


def _relation_edges(ctx: _Context, cues, covered: set) -> list[StanceEdge]:
    edges = []
    harm, ouster = ctx.cues["harm"], ctx.cues["ouster"]
    for token in ctx.doc:
        lemma = token.lemma_.lower()
        if token.pos_ in ("VERB", "AUX") and token.dep_ != "amod":
            if (lemma, "verb") in cues:
                edges += _verb_edges(token, ctx, cues[(lemma, "verb")], covered)
            if lemma in harm:
                edges += _harm_edges(token, ctx, covered)
            if lemma in ouster:
                edges += _ouster_edges(token, ctx, covered)
        elif token.dep_ == "amod" and (lemma, "verb") in cues:
            # "a Kremlin-backed Putin ally": the Kremlin backs the one the phrase describes
            agents = [ctx.who.at(c) for c in token.children if c.dep_ in ("npadvmod", "compound")]
            head = token.head
            described = ctx.who.at(head) or (ctx.who.at(head.head) if head.dep_ == "appos" else None)
            for src in [a for a in agents if a is not None]:
                if described is not None:
                    edges.append(_edge(ctx.article_id, src, described, cues[(lemma, "verb")],
                                       f"{token.text} (modifier)", ctx.sent_of[token.i],
                                       ctx.text_of(ctx.sent_of[token.i]), 0.65, "relation"))
        elif token.pos_ == "NOUN" and (lemma, "noun") in cues:
            edges += _noun_edges(token, ctx, cues[(lemma, "noun")])
        if token.pos_ == "NOUN" and (lemma, "act") in cues:
            edges += _act_edges(token, ctx, cues[(lemma, "act")], covered)
    return edges


#: Relation nouns that, owned ("his opponent") or compounded ("a Trump rival"), name the other side of a
#: contest rather than an attitude.
_CONTEST_ROLES = frozenset({"opponent", "rival"})


def _noun_edges(noun: Token, ctx: _Context, polarity: str) -> list[StanceEdge]:
    """"S, a T ally" / "S is T's ally" / "S, an ally of T": S's relation to T."""
    who = ctx.who
    holder = None
    if noun.dep_ == "appos":
        holder = who.at(noun.head)
    elif noun.dep_ == "attr":
        holder = next((who.at(c) for c in noun.head.children if c.dep_ == "nsubj"), None)
    # "his opponent", "a Trump rival" name a contest (an election, a match), not an attitude; "an opponent
    # of the war" is one
    contest = noun.lemma_.lower() in _CONTEST_ROLES
    related = [] if contest else [who.at(c) for c in noun.children if c.dep_ in ("compound", "poss")]
    related += [who.at(g) for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
                for g in c.children if g.dep_ == "pobj"]
    edges = []
    for tgt in [r for r in related if r is not None]:
        if holder is not None:
            edges.append(_edge(ctx.article_id, holder, tgt, polarity, f"{noun.text} (noun)", ctx.sent_of[noun.i],
                               ctx.text_of(ctx.sent_of[noun.i]), 0.65, "relation"))
    return edges


#: Prepositions that name whom an act noun is aimed at, by the act's polarity
#: ("an attack on T", "a swipe at T"; "support for T", "tribute to T").
_ACT_TARGET = {"against": ("at", "on", "against", "of"), "favor": ("for", "of", "to", "behind")}


def _act_edges(noun: Token, ctx: _Context, polarity: str, covered: set) -> list[StanceEdge]:
    """"S took aim at T", "S renewed his attack on T", "S voiced support for T",
    "S's attack on T": the act noun's doer toward whom it is aimed. The doer is
    the noun's owner or the subject of an act verb (``act_verb`` cues); "drew
    criticism", "faced attacks" name no doer and give nothing."""
    verb = noun.head
    if noun.dep_ == "pobj" and verb.dep_ == "prep":  # "got in some shots at T"
        verb = verb.head
    preps = _ACT_TARGET[polarity]
    aimed = [g for c in noun.children if c.dep_ == "prep" and c.lower_ in preps for g in c.children
             if g.dep_ == "pobj"]
    owners = [c for c in noun.children if c.dep_ == "poss"]
    by_verb = noun.dep_ in ("dobj", "pobj") and verb.pos_ == "VERB" and verb.lemma_.lower() in ctx.cues["act_verb"]
    if by_verb:  # "took aim at T": the preposition hangs from the verb
        aimed += [g for c in verb.children if c.dep_ == "prep" and c.lower_ in preps and c.lower_ not in ("of", "on")
                  for g in c.children if g.dep_ == "pobj"]
    if noun.dep_ == "dobj" and not by_verb:
        owners = []  # "withdrew their support for T", "lost his attack on T": the verb changes the act
    if not aimed or (not owners and not by_verb) or _unreal(noun, ctx.cues):
        return []
    negated = by_verb and _negated(verb)  # "did not voice support for T": a neutral edge, as for verbs
    stance, how = ("neutral", f"{noun.text} (act, negated)") if negated else (polarity, f"{noun.text} (act)")
    speaker = ctx.speaking(noun)
    sources = _sources(_subjects(verb) if by_verb else owners, ctx)
    edges = []
    sent = ctx.sent_of[noun.i]
    for target in [m for t in aimed for g in _with_conjuncts(t) if (m := ctx.who.at(g)) is not None]:
        for src in sources:
            if src is None and speaker is None:
                continue
            edges.append(_edge(ctx.article_id, src, target, stance, how, sent, ctx.text_of(sent),
                               0.7, "relation", quote_id=speaker.quote_id if src is None else -1, speaker=speaker))
        if speaker is not None:
            covered.add((target.start, target.end))
    return edges


def find_stance(
    doc: Doc,
    mentions: Iterable[Mention],
    quotes: Iterable[Quote] = (),
    sentiment: Iterable[MentionSentiment] = (),
    *,
    cues: dict | None = None,
    stance_cues: dict | None = None,
    registry: ActorRegistry | None = None,
    article_id: str = "",
) -> list[StanceEdge]:
    """Stance edges of one article, each with its cue, sentence and confidence.

    Parameters
    ----------
    doc
        The parsed article.
    mentions
        All mentions, other entities included (they can be sources: "the Biden
        government"), pronouns already resolved (quotes' included).
    quotes
        Quotes with speakers (for quote-based edges, and cues with no subject
        inside a quote).
    sentiment
        Per-mention sentiment (its voice and label give the quote-based edges,
        and the judgments voiced by an evaluative verb's subject).
    cues
        Relation cues; default :func:`load_relation_cues`.
    stance_cues
        Which speakers hold no attitude and which words make a clause state
        none; default :func:`load_stance_cues`.
    registry
        The study's actors: actors of a kind that holds no attitude (a place,
        a law) are never sources.
    article_id
        Written into every record.

    Returns
    -------
    list of StanceEdge
        One per (source, target, sentence, cue), self-edges dropped.
    """
    mentions = list(mentions)
    quotes = list(quotes)
    sentiment = list(sentiment)
    article_id = article_id or (mentions[0].article_id if mentions else "")
    ctx = _Context(doc, mentions, quotes, stance_cues or load_stance_cues(), cues or load_relation_cues(), registry,
                   article_id)
    ctx.use_quotes([ctx.as_part(q) for q in quotes])  # "five X senators said": a part of X, not X
    covered: set[tuple[int, int]] = set()
    edges = _relation_edges(ctx, ctx.relation_cues, covered)
    whole_of = ctx.whole_of

    def holder(e: StanceEdge) -> str:  # "Other Republicans criticized X" and its judgment: one holder
        return whole_of.get(e.source_name) or (e.source_actor if e.source_actor != OTHER_ACTOR
                                               else f"{OTHER_ACTOR}:{e.source_name}")

    related = {(holder(e), e.target_actor, e.sentence_id) for e in edges}
    edges += _one_per_quote(_quote_edges(sentiment, ctx, covered))
    edges += [e for e in _judgment_edges(sentiment, ctx) if (holder(e), e.target_actor, e.sentence_id) not in related]
    # "a group of exiles say they want to fight": part of an actor about that actor is about itself
    edges = [e for e in edges if not (whole_of.get(e.source_name) == e.target_actor != OTHER_ACTOR
                                      or whole_of.get(e.target_name) == e.source_actor != OTHER_ACTOR)]
    # an advocate in their own words about the one they speak for argues that one's side
    edges = [e for e in edges if not (e.quote_id >= 0 and e.source_actor == OTHER_ACTOR
                                      and ctx.principal.get(e.quote_id) == e.target_actor)]
    unique = {}
    for e in edges:  # one edge per (source, target, cue position)
        unique.setdefault((e.source_actor, e.source_name, e.target_actor, e.target_name, e.sentence_id, e.cue), e)
    return sorted((e for e in unique.values() if _keep(e)), key=lambda e: (e.sentence_id, e.basis, e.source_actor,
                                                                          e.target_actor))
