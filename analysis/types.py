"""The data model every stage reads and writes: small frozen records.

Stages never talk to each other directly; they take these records (and the
parsed spaCy ``Doc``) as arguments and return new records. ``pipeline.py`` is
the only place that knows the order. Character offsets (``start``, ``end``)
always index ``Article.text`` (the body after the front matter), end exclusive,
so ``article.text[m.start:m.end] == m.text`` holds for every record.

Examples
--------
>>> a = Article(id="demo", text="Putin spoke.")
>>> m = Mention(article_id="demo", sentence_id=0, start=0, end=5, text="Putin",
...             actor="putin", method="name", confidence=0.99)
>>> a.text[m.start:m.end] == m.text
True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Article",
    "ArticleError",
    "Sentence",
    "Member",
    "Metonym",
    "Actor",
    "ActorRegistry",
    "Mention",
    "Quote",
    "MentionSentiment",
    "StanceEdge",
    "Descriptor",
    "ActorRole",
    "FrameHit",
    "STANCES",
    "SENTIMENT_LABELS",
    "ACTOR_KINDS",
    "AGENT_KINDS",
    "PRONOUN_TYPES",
    "MENTION_METHODS",
    "OTHER_ACTOR",
    "CORPUS_ROW",
    "SPEAKER_KINDS",
]

#: Kinds an actor in the registry may have ("organization" is read as "organisation").
ACTOR_KINDS = ("person", "group", "organisation", "state", "place", "event", "policy", "law", "other")
#: Kinds whose actors can hold and voice attitudes (sources of quotes and stance).
AGENT_KINDS = ("person", "group", "organisation", "state")
#: How an actor (or one of its members) is referred to by pronouns.
PRONOUN_TYPES = ("he", "she", "they", "it")
#: Values of ``Mention.method``: how a mention was matched or resolved.
MENTION_METHODS = (
    "name",  # one of the actor's names
    "alias",  # an alias or a spelling variant of a name
    "member",  # a member's name (e.g. Prokopiev for the exiles)
    "group_noun",  # a group noun listed for the actor ("the exiles")
    "metonym",  # a place or institution standing for the actor ("the Kremlin")
    "description",  # a definite description resolved in context ("the group")
    "pronoun",  # a pronoun resolved to an antecedent
    "speaker",  # a first-person pronoun inside a quote, resolved to its speaker
    "ner",  # an entity the registry does not know (actor == OTHER_ACTOR)
    "ambiguous",  # a surname of several registry actors, none named in full nearby (actor == OTHER_ACTOR)
)
#: Values of ``Quote.speaker_kind``: a named speaker (a registry actor or a named
#: entity, also through a pronoun or a description), an unnamed or generic source
#: ("officials", "a spokesman", "analysts", "polls"), a pronoun left unresolved,
#: or no speaker found.
SPEAKER_KINDS = ("named", "unnamed", "unresolved", "none")
#: Actor id given to entities the registry does not know.
OTHER_ACTOR = "other"
#: ``article_id`` of the corpus-wide rows of the summary tables (``actor_summary``, ``stance_summary``).
CORPUS_ROW = "(corpus)"
#: Labels of the stance stage.
STANCES = ("favor", "against", "neutral")
#: Labels of the sentiment stage, in the order models output them.
SENTIMENT_LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Article:
    """One news article: its body text and its front-matter metadata.

    ``source`` says where it was read from (a path, or ``path:line`` for a
    row of a JSONL/CSV file) so that errors downstream can point back to it.
    """

    id: str
    text: str
    title: str = ""
    outlet: str = ""
    date: str = ""
    url: str = ""
    language: str = "en"
    source: str = ""
    constructed: bool = False
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ArticleError:
    """An article that could not be read or analysed: one row of ``errors.csv``.

    A batch never drops an article silently: it yields either an ``Article``
    or an ``ArticleError`` for every input it finds.
    """

    source: str
    message: str
    article_id: str = ""
    stage: str = "load"


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article (one row of ``sentences.csv``)."""

    article_id: str
    sentence_id: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Member:
    """A named member of a group actor (e.g. Vadim Prokopiev of the exiles)."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "person"
    pronoun: str | None = None


@dataclass(frozen=True)
class Metonym:
    """A place or institution that stands for an actor ("Minsk" -> Lukashenko)."""

    text: str
    stands_for: str = ""


@dataclass(frozen=True)
class Actor:
    """One actor of a study, as defined in the actor registry file.

    ``pronoun`` is how the actor's own names are referred back to; ``None``
    means "not stated" (a person then accepts he or she, a group they, an
    organisation or state it or they).
    """

    id: str
    label: str
    kind: str
    names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    members: tuple[Member, ...] = ()
    group_nouns: tuple[str, ...] = ()
    metonyms: tuple[Metonym, ...] = ()
    descriptors: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    pronoun: str | None = None
    fuzzy: bool = True
    surnames: bool = True
    part_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActorRegistry:
    """The actors of a study, in file order, and where they were read from."""

    actors: tuple[Actor, ...]
    source: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        """Actor ids in file order."""
        return tuple(a.id for a in self.actors)

    def wholes(self, actor_id: str) -> tuple[str, ...]:
        """The actors ``actor_id`` is part of, directly or through others
        ("Senate Democrats" -> "Democrats"), nearest first; () if none or unknown."""
        by_id = {a.id: a for a in self.actors}
        found: list[str] = []
        frontier = list(by_id[actor_id].part_of) if actor_id in by_id else []
        while frontier:
            whole = frontier.pop(0)
            if whole in found or whole == actor_id or whole not in by_id:
                continue
            found.append(whole)
            frontier += list(by_id[whole].part_of)
        return tuple(found)

    def get(self, actor_id: str) -> Actor:
        """The actor with this id; a clear ``KeyError`` listing valid ids otherwise."""
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        valid = ", ".join(repr(i) for i in self.ids)
        raise KeyError(f"unknown actor {actor_id!r}; actors in {self.source or 'the registry'}: {valid}")


@dataclass(frozen=True)
class Mention:
    """A mention of an actor in an article (one row of ``mentions.csv``).

    ``evidence`` says what decided the label (the alias matched, or the
    antecedent a pronoun was resolved to and why); ``canonical`` is the full
    name behind the mention (the member, the antecedent's name, or the
    entity text for actors the registry does not know).
    """

    article_id: str
    sentence_id: int
    start: int
    end: int
    text: str
    actor: str
    method: str
    confidence: float
    canonical: str = ""
    evidence: str = ""
    ner_label: str = ""


@dataclass(frozen=True)
class Quote:
    """A quotation and its speaker (one row of ``quotes.csv``)."""

    article_id: str
    quote_id: int
    start: int
    end: int
    text: str
    kind: str  # "direct" | "indirect"
    cue: str = ""
    speaker_text: str = ""
    speaker: str = ""
    speaker_actor: str = ""
    confidence: float = 0.0
    sentence_id: int = -1
    speaker_start: int = -1
    speaker_end: int = -1
    evidence: str = ""
    speaker_kind: str = "none"  # one of SPEAKER_KINDS


@dataclass(frozen=True)
class MentionSentiment:
    """How the text portrays an actor at one mention (one row of ``sentiment.csv``).

    ``voice`` is ``author`` for the journalist's own words, or the speaker
    (full name) when the mention is inside what someone says; ``evidence``
    lists the words that decided, with their weight.
    """

    article_id: str
    sentence_id: int
    start: int
    end: int
    actor: str
    label: str
    score: float
    confidence: float
    voice: str
    method: str
    evidence: str
    text: str
    voice_actor: str = ""
    quote_id: int = -1


@dataclass(frozen=True)
class StanceEdge:
    """One piece of evidence that an actor is for or against another (one row of ``stance.csv``).

    ``basis`` is ``quote`` (what the source says about the target in its own
    quoted words) or ``relation`` (the source acts on the target: "thanked",
    "sanctioned", "a Putin ally"). Actors the registry does not know appear as
    ``other`` with their name in ``source_name`` / ``target_name``.
    """

    article_id: str
    source_actor: str
    target_actor: str
    stance: str
    cue: str
    sentence_id: int
    evidence: str
    confidence: float
    source_name: str = ""
    target_name: str = ""
    basis: str = "relation"
    quote_id: int = -1


@dataclass(frozen=True)
class Descriptor:
    """How the text describes an actor (one row of ``descriptors.csv``): an
    apposition, a predicate noun, a "dubbed ..." label or a title."""

    article_id: str
    actor: str
    sentence_id: int
    start: int
    end: int
    text: str
    kind: str  # apposition | predicate | label | title | epithet
    mention_text: str
    evidence: str
    confidence: float


@dataclass(frozen=True)
class ActorRole:
    """The role an article casts an actor in (one row of ``roles.csv``)."""

    article_id: str
    actor: str
    main_role: str  # protagonist | antagonist | innocent | none
    fine_role: str
    confidence: float
    scores: str
    evidence: str


@dataclass(frozen=True)
class FrameHit:
    """A frame found in one sentence (``level`` sentence) or an article's frame
    profile (``level`` article, with its ``rank``): one row of ``frames.csv``."""

    article_id: str
    scheme: str
    frame: str
    level: str  # sentence | article
    sentence_id: int  # -1 for an article's profile
    score: float
    indicators: str
    evidence: str
    confidence: float
    rank: int | None = None  # 1 = the article's leading frame of the scheme; none for a sentence
