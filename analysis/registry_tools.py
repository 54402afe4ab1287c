"""Help a researcher write and check an actor registry for a corpus.

Two tools, behind ``python -m analysis actors suggest CORPUS`` and
``python -m analysis actors check FILE [CORPUS]``:

* :func:`suggest_registry` drafts a registry from the corpus itself: the most
  mentioned people, organisations, places and groups that spaCy's named
  entity recogniser finds, with the variants of each name clustered
  ("Paul Ryan", "Rep. Paul Ryan", "Mr. Ryan", "Ryan" -> one actor; honorifics,
  titles, party tags and generational suffixes stripped), each with its counts
  as a comment. It is a draft: NER misses and mislabels names (see the
  README), so the researcher edits it (merges, splits, group nouns, members).
* :func:`check_registry` reports what makes a registry go wrong on real text:
  phrases and surnames shared by several actors, actors never found in the
  corpus, and frequent entities the registry does not know that look like
  missing actors or members.

Examples
--------
>>> clusters = cluster_entities([
...     ("a", "Paul Ryan", "PERSON"), ("a", "Rep. Paul Ryan", "PERSON"), ("a", "Mr. Ryan", "PERSON"),
...     ("a", "Ryan", "PERSON"), ("b", "Tim Ryan", "PERSON"), ("b", "Ryan", "PERSON")])
>>> [(c.name, c.mentions) for c in clusters]
[('Paul Ryan', 4), ('Tim Ryan', 2)]
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from .mentions import find_mentions, surface_forms
from .nlp import load_pipeline, parse_many, pipeline_name
from .types import ACTOR_KINDS, OTHER_ACTOR, ActorRegistry, Article

__all__ = [
    "EntityCluster",
    "RegistryReport",
    "clean_entity",
    "cluster_entities",
    "entities_of",
    "suggest_registry",
    "draft_yaml",
    "check_registry",
    "ENTITY_KINDS",
]

#: NER labels drafted as actors, and the registry kind each becomes.
ENTITY_KINDS = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place" if "place" in ACTOR_KINDS else "state",
    "LOC": "place" if "place" in ACTOR_KINDS else "state",
    "NORP": "group",
}
# Honorifics before a name, with the pronoun they imply.
_HONORIFICS = {"mr": "he", "mrs": "she", "ms": "she", "miss": "she", "dr": None, "sir": "he", "dame": "she",
               "lord": "he", "lady": "she", "prof": None, "rev": None}
# Titles and office words that stand before a person's name ("House Speaker", "Sen.", "former President").
_TITLES = frozenset("""
president vice sen senator rep representative gov governor lt secretary speaker leader chairman chairwoman chair
judge justice gen general adm admiral col sgt capt mayor minister premier chancellor king queen prince princess
pope attorney commissioner director ambassador candidate former first sheriff officer detective professor coach
pastor rabbi chief deputy majority minority whip press spokesman spokeswoman house senate state white prime nominee
congressman congresswoman councilman councilwoman assemblyman assemblywoman delegate lawmaker sergeant lieutenant
captain colonel commander superintendent treasurer comptroller republican democrat democratic gop independent
justices secretary-general u.s. us then late
""".split())
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_PARTICLES = frozenset({"von", "van", "der", "den", "de", "da", "di", "del", "della", "la", "le", "du", "dos",
                        "das", "bin", "ibn", "al", "el", "ter", "ten"})
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "on", "in", "to", "a"})
_PARTY_TAG = re.compile(r"\s*[(,]\s*[DRI]-[A-Z][A-Za-z.]*\)?")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_INNER_POSSESSIVE = re.compile(r"(?:'s|’s)\s")


def _word_key(word: str) -> str:
    return word.lower().rstrip(".,")


def _fold(text: str) -> str:
    """Lowercase, accents dropped: how variants are compared."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def clean_entity(text: str, label: str) -> tuple[str, str | None]:
    """An entity's text as a registry name, and the pronoun its honorific implies.

    Drops a leading "the", a possessive, party tags ("(D-Calif.)"); for people
    also leading honorifics and titles ("Rep.", "House Speaker", "former
    President") and generational suffixes ("Jr.").

    >>> clean_entity("House Speaker Paul Ryan's", "PERSON")
    ('Paul Ryan', None)
    >>> clean_entity("Mrs. Clinton", "PERSON"), clean_entity("the Justice Department", "ORG")
    (('Clinton', 'she'), ('Justice Department', None))
    """
    text = " ".join(_PARTY_TAG.sub("", text).split())
    text = _POSSESSIVE.sub("", text).strip(" ,;:\"“”'‘’()")
    if text.lower().startswith("the "):
        text = text[4:]
    pronoun = None
    if label != "PERSON":
        return text, None
    words = text.split()
    while len(words) > 1 and (_word_key(words[0]) in _HONORIFICS or _word_key(words[0]) in _TITLES):
        pronoun = _HONORIFICS.get(_word_key(words[0]), pronoun)
        words.pop(0)
    while len(words) > 1 and _word_key(words[-1]) in _SUFFIXES:
        words.pop()
    return " ".join(words).rstrip(","), pronoun


def _is_initial(word: str) -> bool:
    core = word.rstrip(".")
    return len(core) == 1 and core.isalpha()


def _person_key(name: str) -> tuple[str, str] | None:
    """(first name, surname) of a full person name, initials and middle names
    skipped, particles kept with the surname; ``None`` for a single word."""
    words = [w for w in name.split() if not _is_initial(w)]
    if len(words) < 2:
        return None
    surname = [words[-1]]
    for word in reversed(words[1:-1]):
        if word.lower() not in _PARTICLES:
            break
        surname.insert(0, word)
    return _fold(words[0]), _fold(" ".join(surname))


@dataclass
class EntityCluster:
    """One drafted actor: the variants of one name found by NER, and their counts."""

    name: str
    label: str
    variants: Counter = field(default_factory=Counter)  # cleaned variant -> mentions
    raw: Counter = field(default_factory=Counter)  # text as written -> mentions
    articles: set = field(default_factory=set)
    labels: Counter = field(default_factory=Counter)
    pronouns: Counter = field(default_factory=Counter)

    @property
    def mentions(self) -> int:
        """Entity mentions clustered here."""
        return sum(self.variants.values())

    @property
    def kind(self) -> str:
        """The registry kind of the cluster's most frequent NER label."""
        return ENTITY_KINDS[self.labels.most_common(1)[0][0] if self.labels else self.label]

    def add(self, article_id: str, variant: str, raw: str, label: str, pronoun: str | None) -> None:
        self.variants[variant] += 1
        self.raw[raw] += 1
        self.articles.add(article_id)
        self.labels[label] += 1
        if pronoun:
            self.pronouns[pronoun] += 1


def _acronym(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in _ACRONYM_SKIP and w[:1].isupper())


def cluster_entities(entities: Iterable[tuple]) -> list[EntityCluster]:
    """Cluster entity mentions into drafted actors, most mentioned first.

    Parameters
    ----------
    entities
        ``(article_id, text, label)`` triples in text order (as
        :func:`entities_of` yields them); labels as in :data:`ENTITY_KINDS`.

    Returns
    -------
    list of EntityCluster

    Notes
    -----
    People: every full name (two or more words after :func:`clean_entity`) is
    keyed by first name and surname, so "Joseph R. Biden" and "Joseph Biden"
    meet. A single word ("Ryan", "Mr. Ryan") joins the person with that
    surname named in full in the same article (the last one named before it);
    failing that, the only such person in the corpus; if several share it and
    none is named in the article, it is left out (ambiguous). A name that is
    the end of exactly one longer full name ("Peña Nieto") joins it. Other
    entities are keyed by their folded text (a final "s" ignored for groups:
    "Democrat" / "Democrats"); an all-capital acronym joins the one entity
    whose initials it is ("FBI").
    """
    entities = list(entities)
    # NER often labels a bare surname ORG or GPE ("Trump said"): a single word that is the
    # surname of a full person name of the corpus is read as a person
    # (when NER also calls that word a person somewhere); a possessive inside an entity
    # ("Romney's Medicare") makes it no name at all
    entities = [(a, t, label) for a, t, label in entities if not _INNER_POSSESSIVE.search(t)]
    surnames, bare = set(), set()
    for _, text, label in entities:
        name = clean_entity(text, label)[0] if label == "PERSON" else ""
        key = _person_key(name) if name else None
        if key:
            surnames.add(key[1])
        elif name:
            bare.add(_fold(name))
    entities = [(a, t, "PERSON" if label in ("ORG", "GPE", "LOC") and len(t.split()) == 1
                 and _fold(clean_entity(t, label)[0]) in surnames & bare else label) for a, t, label in entities]
    people: dict[tuple, EntityCluster] = {}
    others: dict[str, EntityCluster] = {}
    pending: list[tuple] = []  # single-word people, resolved after every full name is known
    last_full: dict[tuple[str, str], tuple] = {}  # (article, surname) -> person key, the last named
    for position, (article_id, text, label) in enumerate(entities):
        if label not in ENTITY_KINDS:
            continue
        name, pronoun = clean_entity(text, label)
        if not name or not any(ch.isalpha() for ch in name):
            continue
        if label == "PERSON":
            key = _person_key(name)
            if key is None:
                pending.append((position, article_id, name, text, pronoun))
                continue
            cluster = people.setdefault(key, EntityCluster(name=name, label=label))
            cluster.add(article_id, name, text, label, pronoun)
            last_full[(article_id, key[1])] = key
            pending.append((position, article_id, None, key, None))  # marks the order of full names
            continue
        key = _fold(name)
        if label == "NORP":
            key = key.removesuffix("s")
        cluster = others.setdefault(key, EntityCluster(name=name, label=label))
        cluster.add(article_id, name, text, label, pronoun)

    by_surname: dict[str, set] = defaultdict(set)
    for key in people:
        by_surname[key[1]].add(key)
    seen: dict[tuple[str, str], tuple] = {}
    for _position, article_id, name, text_or_key, pronoun in pending:
        if name is None:  # a full name: later single words of this article may refer to it
            seen[(article_id, text_or_key[1])] = text_or_key
            continue
        surname = _fold(name)
        key = seen.get((article_id, surname)) or last_full.get((article_id, surname))
        if key is None and len(by_surname.get(surname, ())) == 1:
            key = next(iter(by_surname[surname]))
        if key is None and not by_surname.get(surname):
            key = ("", surname)  # a person known by one name only
            people.setdefault(key, EntityCluster(name=name, label="PERSON"))
        if key is not None:
            people[key].add(article_id, name, text_or_key, "PERSON", pronoun)

    _merge_tails(people)
    _merge_acronyms(others)
    clusters = [*people.values(), *others.values()]
    for cluster in clusters:
        full = [(n, v) for v, n in cluster.variants.items() if len(v.split()) > 1 or cluster.label != "PERSON"]
        # the most frequent variant; on a tie, the fullest name (initials not counted), then the shortest
        cluster.name = max(full or [(n, v) for v, n in cluster.variants.items()],
                           key=lambda p: (p[0], sum(not _is_initial(w) for w in p[1].split()), -len(p[1])))[1]
    clusters.sort(key=lambda c: (-c.mentions, c.name))
    return clusters


def _merge_tails(people: dict[tuple, EntityCluster]) -> None:
    """A full name that is the end of exactly one longer name joins it ("Peña Nieto")."""
    for key in sorted(people, key=lambda k: len(people[k].name.split())):
        cluster = people.get(key)
        if cluster is None or key[0] == "":
            continue
        tail = _fold(cluster.name)
        hosts = [k for k, c in people.items() if k != key and len(c.name.split()) > len(cluster.name.split())
                 and _fold(c.name).endswith(" " + tail)]
        if len(hosts) == 1:
            host = people[hosts[0]]
            host.variants.update(cluster.variants)
            host.raw.update(cluster.raw)
            host.articles |= cluster.articles
            host.labels.update(cluster.labels)
            host.pronouns.update(cluster.pronouns)
            del people[key]


def _merge_acronyms(others: dict[str, EntityCluster]) -> None:
    """An all-capital name joins the one other entity whose initials it is."""
    initials: dict[str, list[str]] = defaultdict(list)
    for key, cluster in others.items():
        if len(cluster.name.split()) > 1:
            initials[_acronym(cluster.name)].append(key)
    for key in list(others):
        cluster = others[key]
        name = cluster.name.replace(".", "")
        hosts = initials.get(name, []) if name.isupper() and len(name) >= 2 else []
        if len(hosts) == 1 and hosts[0] in others and hosts[0] != key:
            host = others[hosts[0]]
            host.variants.update(cluster.variants)
            host.raw.update(cluster.raw)
            host.articles |= cluster.articles
            host.labels.update(cluster.labels)
            del others[key]


def entities_of(doc, article_id: str) -> list[tuple[str, str, str]]:
    """``(article_id, text, label)`` of a parsed document's entities worth drafting.

    People, organisations and places as NER labels them; NORP only where it
    is a noun ("Democrats said"), not a modifier ("Democratic senators").
    """
    out = []
    for ent in doc.ents:
        if ent.label_ not in ENTITY_KINDS:
            continue
        if ent.label_ == "NORP" and (ent.root.dep_ in ("amod", "compound", "nmod") or ent.root.pos_ == "ADJ"):
            continue
        out.append((article_id, ent.text, ent.label_))
    return out


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", _fold(name)).strip("_") or "actor"
    return slug if slug[0].isalpha() else f"a_{slug}"


def _yaml_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def draft_yaml(clusters: list[EntityCluster], *, header: str = "", top: int = 40, min_mentions: int = 2) -> str:
    """The drafted registry as YAML text, one actor per cluster (most mentioned first).

    The most frequent full variant is the name, the other full variants
    aliases (a bare surname is left out: the registry matches a person's
    surname by itself); counts and the variants as written go into comments.
    A phrase already given to an earlier actor is not repeated (the registry
    refuses a phrase of two actors).
    """
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines.append("actors:")
    used_ids, used_phrases = {OTHER_ACTOR}, set()
    surname_owner: dict[str, list[str]] = defaultdict(list)
    chosen = [c for c in clusters if c.mentions >= min_mentions][:top]
    ids = []
    for cluster in chosen:
        base = _slug(cluster.name)
        actor_id, n = base, 2
        while actor_id in used_ids:
            actor_id, n = f"{base}_{n}", n + 1
        used_ids.add(actor_id)
        ids.append(actor_id)
        if cluster.kind == "person" and len(cluster.name.split()) > 1:
            surname_owner[_fold(cluster.name.split()[-1])].append(actor_id)
    for cluster, actor_id in zip(chosen, ids, strict=True):
        phrases = []
        for variant, _ in sorted(cluster.variants.items(), key=lambda p: (-p[1], p[0])):
            single = cluster.kind == "person" and len(variant.split()) == 1 and len(cluster.name.split()) > 1
            if single or _fold(variant) in used_phrases:
                continue
            used_phrases.add(_fold(variant))
            phrases.append(variant)
        if not phrases:
            continue
        written = ", ".join(f"{text} ({n})" for text, n in cluster.raw.most_common(6))
        lines.append(f"  {actor_id}:  # {cluster.mentions} mentions in {len(cluster.articles)} article(s); "
                     f"as written: {written}")
        shared = [a for a in surname_owner.get(_fold(cluster.name.split()[-1]), []) if a != actor_id]
        if cluster.kind == "person" and shared:
            lines.append(f"    # shares the surname {cluster.name.split()[-1]!r} with {', '.join(shared)}: "
                         "bare surnames are resolved within each article")
        lines.append(f"    kind: {cluster.kind}")
        if cluster.kind == "person" and cluster.pronouns:
            lines.append(f"    pronoun: {cluster.pronouns.most_common(1)[0][0]}")
        lines.append(f"    names: [{_yaml_text(phrases[0])}]")
        if phrases[1:]:
            lines.append(f"    aliases: [{', '.join(_yaml_text(p) for p in phrases[1:])}]")
    return "\n".join(lines) + "\n"


def suggest_registry(articles: Iterable[Article], *, top: int = 40, min_mentions: int = 2,
                     pipeline: str | None = None, cache_dir=None) -> str:
    """A draft actor registry (YAML text) of a corpus's most mentioned entities.

    Parameters
    ----------
    articles
        The corpus (:func:`analysis.corpus.load_corpus`, or any ``Article`` records).
    top
        How many actors to draft.
    min_mentions
        Leave out entities mentioned fewer times.
    pipeline, cache_dir
        As for :func:`analysis.nlp.parse_many` (parses are cached).

    Returns
    -------
    str
        YAML that :func:`analysis.actors.parse_actors` reads, with counts as
        comments, for the researcher to edit.

    Notes
    -----
    Named entities from spaCy's pipeline (the pinned ``en_core_web_sm``
    re-upload by default), clustered by :func:`cluster_entities`. NER misses
    names and mislabels some (the README gives examples), so read the draft
    as a starting point, then add group nouns, members and metonyms by hand.
    """
    articles = list(articles)
    nlp = load_pipeline(pipeline)
    entities = []
    for article, doc in zip(articles, parse_many([a.text for a in articles], pipeline=nlp, cache_dir=cache_dir),
                            strict=True):
        entities.extend(entities_of(doc, article.id))
    clusters = cluster_entities(entities)
    header = (f"Draft actor registry: the {top} most mentioned entities of {len(articles)} article(s), found by\n"
              f"spaCy NER ({pipeline or pipeline_name()}) and clustered by `python -m analysis actors suggest`.\n"
              "Edit before use: merge and split actors, fix kinds, add group nouns, members and metonyms.")
    return draft_yaml(clusters, header=header, top=top, min_mentions=min_mentions)


# ----------------------------------------------------------------------------- check


@dataclass(frozen=True)
class RegistryReport:
    """What :func:`check_registry` found; each table is empty when all is well.

    ``shared``: ``phrase, actors, origins`` (a phrase or surname that several
    actors would match); ``unused``: ``actor, label`` (never found in the
    corpus); ``unregistered``: ``name, ner_label, mentions, articles, hint``
    (frequent entities the registry does not know); ``found``: mentions per
    actor (``actor, mentions, articles``).
    """

    shared: pd.DataFrame
    unused: pd.DataFrame
    unregistered: pd.DataFrame
    found: pd.DataFrame
    articles: int = 0

    def lines(self) -> list[str]:
        """The report as text lines (what ``actors check`` prints)."""
        out = [f"Phrases and surnames shared by several actors: {len(self.shared)}"]
        out += [f"  {r.phrase!r}: {r.origins}" for r in self.shared.itertuples()]
        if self.articles:
            out.append(f"Actors never found in the corpus ({self.articles} articles): {len(self.unused)}")
            out += [f"  {r.actor} ({r.label})" for r in self.unused.itertuples()]
            out.append(f"Frequent entities the registry does not know: {len(self.unregistered)}")
            out += [f"  {r.name!r} [{r.ner_label}] {r.mentions} mention(s) in {r.articles} article(s)"
                    + (f"; {r.hint}" if r.hint else "") for r in self.unregistered.itertuples()]
        return out


def _shared_phrases(registry: ActorRegistry) -> pd.DataFrame:
    owners: dict[str, dict[str, str]] = defaultdict(dict)
    for actor in registry.actors:
        for form in surface_forms(actor):
            if form.method == "exclude":
                continue
            key = re.sub(r"^the\s+", "", form.text.casefold())
            owners[key].setdefault(actor.id, f"{form.origin} ({actor.id})")
    rows = []
    for phrase, by in sorted(owners.items()):
        if len(by) < 2:
            continue
        # a phrase of a whole and its parts (part_of) goes to the part that is part of all the others
        part = next((a for a in by if set(by) - {a} <= set(registry.wholes(a))), "")
        origins = "; ".join(by.values()) + (f"; goes to {part!r}, part of the others" if part else "")
        rows.append({"phrase": phrase, "actors": ", ".join(by), "origins": origins})
    return pd.DataFrame(rows, columns=["phrase", "actors", "origins"])


def _hint(name: str, registry: ActorRegistry, surnames: dict[str, list[str]], phrases: dict[str, str]) -> str:
    words = name.split()
    folded = _fold(name)
    owner = surnames.get(_fold(words[-1])) if len(words) > 1 else None
    if owner:
        return (f"shares the surname {words[-1]!r} with {', '.join(owner)}: another person (add an actor) "
                "or a missing alias")
    for phrase, actor in phrases.items():
        if len(phrase) > 2 and re.search(rf"\b{re.escape(phrase)}\b", folded) and phrase != folded:
            return f"contains {phrase!r} of {actor}: a missing member, sub-group or alias?"
    return ""


def check_registry(registry: ActorRegistry, articles: Iterable[Article] | None = None, *, min_mentions: int = 3,
                   top: int = 30, pipeline: str | None = None, cache_dir=None) -> RegistryReport:
    """Check a registry, and (given a corpus) how it meets the corpus.

    Parameters
    ----------
    registry
        The registry to check.
    articles
        The corpus, or ``None`` to check the registry alone.
    min_mentions, top
        Unregistered entities are listed from ``min_mentions`` mentions, at most ``top``.
    pipeline, cache_dir
        As for :func:`analysis.nlp.parse_many`.

    Returns
    -------
    RegistryReport

    Notes
    -----
    Shared phrases come from the same surface forms the mention finder
    matches (:func:`analysis.mentions.surface_forms`: names, aliases, members,
    group nouns, metonyms and automatic surnames), compared ignoring case and
    a leading "the". With a corpus, mentions are found by
    :func:`analysis.mentions.find_mentions` (the registry's own matcher), and
    unregistered entities are its ``other`` rows (NER), cleaned as in
    :func:`clean_entity` and counted by name.
    """
    shared = _shared_phrases(registry)
    empty_unused = pd.DataFrame(columns=["actor", "label"])
    empty_unreg = pd.DataFrame(columns=["name", "ner_label", "mentions", "articles", "hint"])
    empty_found = pd.DataFrame(columns=["actor", "mentions", "articles"])
    if articles is None:
        return RegistryReport(shared, empty_unused, empty_unreg, empty_found, 0)
    articles = list(articles)
    nlp = load_pipeline(pipeline)
    found: Counter = Counter()
    found_in: dict[str, set] = defaultdict(set)
    other: Counter = Counter()
    other_in: dict[tuple, set] = defaultdict(set)
    for article, doc in zip(articles, parse_many([a.text for a in articles], pipeline=nlp, cache_dir=cache_dir),
                            strict=True):
        for mention in find_mentions(doc, registry, article.id):
            if mention.actor == OTHER_ACTOR:
                name, _ = clean_entity(mention.canonical or mention.text, mention.ner_label)
                if name:
                    other[(name, mention.ner_label)] += 1
                    other_in[(name, mention.ner_label)].add(article.id)
            else:
                found[mention.actor] += 1
                found_in[mention.actor].add(article.id)
    unused = pd.DataFrame([{"actor": a.id, "label": a.label} for a in registry.actors if not found[a.id]],
                          columns=["actor", "label"])
    surnames: dict[str, list[str]] = defaultdict(list)
    phrases: dict[str, str] = {}
    for actor in registry.actors:
        for form in surface_forms(actor):
            if form.method == "exclude":
                continue
            phrases.setdefault(_fold(re.sub(r"^the\s+", "", form.text, flags=re.IGNORECASE)), actor.id)
            if form.origin.startswith("surname"):
                surnames[_fold(form.text)].append(actor.id)
    rows = [{"name": name, "ner_label": label, "mentions": n, "articles": len(other_in[(name, label)]),
             "hint": _hint(name, registry, surnames, phrases)}
            for (name, label), n in other.most_common() if n >= min_mentions][:top]
    return RegistryReport(
        shared, unused, pd.DataFrame(rows, columns=empty_unreg.columns),
        pd.DataFrame([{"actor": a, "mentions": n, "articles": len(found_in[a])} for a, n in found.most_common()],
                     columns=empty_found.columns),
        len(articles),
    )
