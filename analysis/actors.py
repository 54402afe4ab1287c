"""Read and check the actor registry: the YAML file that says who a study is about.

A study's actors (people, groups, organisations, states) and every way the
news names them live in one YAML file, ``corpus/actors.yaml`` in the worked
example. Changing the conflict under study means editing that file only; this
module turns it into an :class:`~analysis.types.ActorRegistry` of frozen
records, or stops with an :class:`~analysis.errors.ActorConfigError` that
names the file, the line and what would be valid.

The file is a mapping with the key ``actors`` (required; actor id -> actor)
and optional ``version`` and ``description``. Each actor is a mapping with
the keys in :data:`ACTOR_KEYS`:

================  =========================================================
``label``         text for tables and figures (default: the id)
``kind``          required; one of ``ACTOR_KINDS``
``pronoun``       one of ``PRONOUN_TYPES`` (default: not stated)
``description``   free text for the reader of the file; checked, not stored
``names``         full names (text, or a list of text)
``aliases``       other names and spelling variants
``group_nouns``   phrases that always denote the actor ("the exiles")
``descriptors``   nouns or titles resolved in context ("the dissident")
``exclude``       phrases that look like the actor but are not
``members``       a list of mappings with the keys in :data:`MEMBER_KEYS`
``metonyms``      a list of text, or of mappings with ``text`` and ``stands_for``
``fuzzy``         true or false (default true)
``surnames``      true or false (default true): a person's surname alone
                  (and after a title or honorific) matches too
``part_of``       the id(s) of actors this one is part of ("senate_democrats"
                  part of "democrats"); a phrase may then be listed under
                  both, and a mention of it goes to the part
================  =========================================================

Kinds are person, group, organisation (or organization), state, place,
event, policy, law and other. An actor id is any text without line breaks or
control characters (``u.s._congress``, ``chick-fil-a`` and ``George W. Bush``
all work), except the reserved ``other``.

A key left without a value counts as not given. Texts are stripped and runs
of whitespace become one space; exact repeats within one actor are dropped.
A phrase (name, alias, member name or alias, group noun, metonym) may denote
only one actor, or an actor and a whole it is ``part_of`` (the mention then
goes to the part): phrases are compared ignoring case and a leading "the".
Where two phrases overlap in a text, the longest match wins ("Senate
Democrats" before "Democrats").

Examples
--------
>>> registry = parse_actors('''
... actors:
...   rebels: {kind: group, group_nouns: [the rebels]}
...   junta: {kind: state, metonyms: [Capital City]}
... ''')
>>> registry.ids
('rebels', 'junta')
>>> registry.get("junta").metonyms[0].text
'Capital City'
>>> try:
...     check_actor(registry, "rebles")
... except ActorConfigError as err:
...     print(err)  # doctest: +NORMALIZE_WHITESPACE
unknown actor 'rebles'; valid actors: 'rebels', 'junta' (from <string>);
did you mean 'rebels'?
"""

from __future__ import annotations

import os
import re

import pandas as pd
from yaml.nodes import MappingNode, Node, ScalarNode

from analysis.errors import ActorConfigError
from analysis.resources import read_text
from analysis.strict_yaml import (
    TAG,
    absent,
    choice,
    compose_yaml,
    describe,
    fail,
    first_of_each,
    flag,
    invalid,
    known_items,
    line_of,
    mapping_items,
    optional_text,
    quote_hint,
    sequence_items,
    text_list,
    text_value,
)
from analysis.types import (
    ACTOR_KINDS,
    OTHER_ACTOR,
    PRONOUN_TYPES,
    Actor,
    ActorRegistry,
    Member,
    Metonym,
)

__all__ = [
    "actors_table","ACTOR_KEYS", "MEMBER_KEYS", "check_actor", "load_actors", "parse_actors"]

#: Keys an actor of the registry may have.
ACTOR_KEYS = (
    "label",
    "kind",
    "pronoun",
    "description",
    "names",
    "aliases",
    "group_nouns",
    "descriptors",
    "exclude",
    "members",
    "metonyms",
    "fuzzy",
    "surnames",
    "part_of",
)
#: Keys a member of a group actor may have.
MEMBER_KEYS = ("name", "aliases", "kind", "pronoun")

_TOP_KEYS = ("actors", "version", "description")
_METONYM_KEYS = ("text", "stands_for")
_ID_BAD_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Spellings of a kind read as the kind itself.
_KIND_SPELLINGS = {"organization": "organisation"}
_LEADING_THE = re.compile(r"^the\s+")
# Keys whose phrases are matched in the text and so must denote one actor only.
_MATCHED_KEYS = ("names", "aliases", "members", "group_nouns", "metonyms")

_EMPTY = "the registry is empty; it needs a top-level 'actors' mapping of actor ids to actors"


# --------------------------------------------------------------------- public


def load_actors(path: str | os.PathLike[str]) -> ActorRegistry:
    """Read the actor registry from a UTF-8 YAML file.

    Parameters
    ----------
    path
        The registry file, e.g. ``corpus/actors.yaml``. Errors and
        ``ActorRegistry.source`` name it as given.

    Returns
    -------
    ActorRegistry
        The actors in file order.

    Raises
    ------
    ActorConfigError
        If the file is missing, unreadable, empty, not UTF-8 or not a valid
        registry (see :func:`parse_actors`).

    Examples
    --------
    In the worked example, ``load_actors("corpus/actors.yaml").ids`` is
    ``('exiles', 'lukashenko', 'putin', 'nato')``. Any registry file will do:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "actors.yaml"
    >>> _ = path.write_text("actors:\\n  nato: {kind: organisation, names: [NATO]}\\n", encoding="utf-8")
    >>> load_actors(path).get("nato").names
    ('NATO',)
    """
    source = os.fspath(path)
    text, _ = read_text(source, "", what="the actor registry YAML file", error=ActorConfigError)
    if not text.strip():
        raise ActorConfigError("empty file; an actor registry needs a top-level 'actors' mapping", source=source)
    return parse_actors(text, source=source)


def parse_actors(text: str, source: str = "<string>") -> ActorRegistry:
    """Build an actor registry from YAML text, checking every key and value.

    Parameters
    ----------
    text
        The YAML text of a registry (see the module docstring for the keys).
    source
        Where the text comes from; errors and ``ActorRegistry.source`` name it.

    Returns
    -------
    ActorRegistry
        The actors in file order, with tuples everywhere.

    Raises
    ------
    ActorConfigError
        With the 1-based line of the offending key or value: malformed YAML,
        an unknown key, a value of the wrong type, an invalid kind or pronoun,
        a bad or repeated actor id, an actor that could never be matched, or
        a phrase listed under two actors.

    Notes
    -----
    The text is composed into YAML nodes with the safe loader and the nodes
    are read here, rather than loaded with ``yaml.safe_load``: nodes keep
    their line numbers, so every error can point at its line, and they keep
    a repeated key, which ``safe_load`` would silently drop.

    Examples
    --------
    >>> registry = parse_actors("actors:\\n  nato: {kind: organisation, names: [NATO]}\\n")
    >>> nato = registry.get("nato")
    >>> nato.label, nato.kind, nato.names, nato.fuzzy
    ('nato', 'organisation', ('NATO',), True)
    >>> try:
    ...     parse_actors("actors:\\n  nato: {kind: alliance, names: [NATO]}\\n")
    ... except ActorConfigError as err:
    ...     print(err)  # doctest: +NORMALIZE_WHITESPACE
    <string>, line 2: invalid kind 'alliance' of actor 'nato';
    valid kinds: 'person', 'group', 'organisation', 'state', 'place', 'event',
    'policy', 'law', 'other'; did you mean 'place'?
    """
    if not isinstance(text, str):
        raise TypeError(
            f"parse_actors expects the YAML text as str, not {type(text).__name__}; "
            "to read a file, use load_actors(path)"
        )
    if not text.strip():
        raise ActorConfigError(_EMPTY, source=source)
    root = compose_yaml(text, source)
    if root is None:  # only comments or document markers
        raise ActorConfigError(_EMPTY, source=source)
    if not isinstance(root, MappingNode):
        hint = " (to read a file, use load_actors(path))" if isinstance(root, ScalarNode) else ""
        fail(source, root, f"the registry must be a mapping with an 'actors' key, not {describe(root)}{hint}")

    top = known_items(root, source, "the top level", _TOP_KEYS, "top-level keys")
    if "actors" not in top:
        fail(source, root, "no 'actors' key; the registry needs a top-level 'actors' mapping of actor ids to actors")
    version = top.get("version", (None, None))[1]
    if version is not None and not isinstance(version, ScalarNode):
        fail(source, version, f"'version' must be a number or text, not {describe(version)}")
    optional_text(top.get("description", (None, None))[1], source, "the top-level 'description'")

    actors_key, actors_node = top["actors"]
    if absent(actors_node) or (isinstance(actors_node, MappingNode) and not actors_node.value):
        fail(source, actors_key, "'actors' is empty; define at least one actor (an id with a 'kind' and 'names')")
    if not isinstance(actors_node, MappingNode):
        fail(source, actors_node, f"'actors' must be a mapping of actor ids to actors, not {describe(actors_node)}")

    actors, shared, part_lines = [], [], {}
    owners: dict[str, tuple[str, str, int]] = {}
    for actor_id, id_node, actor_node in mapping_items(actors_node, source, "'actors'", "actor id"):
        _check_id(actor_id, id_node, source)
        actor, phrases = _parse_actor(actor_id, id_node, actor_node, source)
        shared += _claim_phrases(actor_id, phrases, owners)
        part_lines[actor_id] = line_of(id_node)
        actors.append(actor)
    registry = ActorRegistry(actors=tuple(actors), source=source)
    _check_parts(registry, part_lines, source)
    for actor_id, phrase, line, owner, first_phrase, first_line in shared:
        if owner not in registry.wholes(actor_id) and actor_id not in registry.wholes(owner):
            fail(
                source,
                line,
                f"phrase {phrase!r} of actor {actor_id!r} is already listed under actor {owner!r} "
                f"as {first_phrase!r} (line {first_line}); a phrase must denote one actor "
                "(matching ignores case and a leading 'the'), so remove it from one of them, or say that one "
                f"is part of the other ('part_of: {owner}' under {actor_id!r})",
            )
    return registry


def _check_parts(registry: ActorRegistry, lines: dict[str, int], source: str) -> None:
    """Every ``part_of`` names another actor of the registry, and no actor is part of itself."""
    for actor in registry.actors:
        for whole in actor.part_of:
            if whole not in registry.ids:
                fail(source, lines[actor.id], invalid(f"'part_of' of actor {actor.id!r} names an unknown actor "
                                                        f"{whole!r}", whole, registry.ids, "actors"))
            if whole == actor.id or actor.id in registry.wholes(whole):
                fail(source, lines[actor.id], f"actor {actor.id!r} is part of itself through 'part_of' "
                                               f"({actor.id!r} -> {whole!r} -> ... -> {actor.id!r}); remove one link")


def check_actor(registry: ActorRegistry, actor_id: str) -> str:
    """Return ``actor_id`` if the registry defines it; raise a clear error if not.

    Later stages call this to validate an actor named in a user's argument.

    Parameters
    ----------
    registry
        The registry the id must belong to.
    actor_id
        The id to check, e.g. ``"putin"``.

    Returns
    -------
    str
        ``actor_id`` itself.

    Raises
    ------
    ActorConfigError
        Listing the valid ids and the registry's source, with a suggestion
        when the id is a near miss of a valid one.

    Examples
    --------
    >>> registry = parse_actors("actors:\\n  putin: {kind: person, names: [Vladimir Putin]}\\n")
    >>> check_actor(registry, "putin")
    'putin'
    >>> try:
    ...     check_actor(registry, "putn")
    ... except ActorConfigError as err:
    ...     print(err)  # doctest: +NORMALIZE_WHITESPACE
    unknown actor 'putn'; valid actors: 'putin' (from <string>); did you mean 'putin'?
    """
    ids = registry.ids
    if isinstance(actor_id, str) and actor_id in ids:
        return actor_id
    problem = f"unknown actor {actor_id!r}"
    if actor_id == OTHER_ACTOR:
        problem += f" ({OTHER_ACTOR!r} marks entities the registry does not know, not one of its actors)"
    origin = f" (from {registry.source})" if registry.source else ""
    raise ActorConfigError(invalid(problem, actor_id, ids, "actors", suffix=origin))


# ------------------------------------------------------------------- schema


def _check_id(actor_id: str, id_node: Node, source: str) -> None:
    """An actor id is a lowercase word and not the reserved ``OTHER_ACTOR``."""
    if actor_id == OTHER_ACTOR:
        fail(
            source,
            id_node,
            f"actor id {OTHER_ACTOR!r} is reserved for entities the registry does not know; choose another id",
        )
    if not actor_id.strip() or actor_id != actor_id.strip() or _ID_BAD_CHARACTER.search(actor_id):
        fail(
            source,
            id_node,
            f"invalid actor id {actor_id!r}; an id is text without leading or trailing spaces, line breaks or "
            "control characters (e.g. 'exiles', 'u.s._congress', 'George W. Bush')",
        )


def _parse_actor(actor_id: str, id_node: Node, node: Node, source: str) -> tuple[Actor, list[tuple[str, int]]]:
    """The ``Actor`` defined under ``actor_id``, and its matched phrases with their lines."""
    where = f"actor {actor_id!r}"
    if not isinstance(node, MappingNode):
        fail(source, node, f"{where} must be a mapping with keys such as 'kind' and 'names', not {describe(node)}")
    given = {key: value for key, (_, value) in known_items(node, source, where, ACTOR_KEYS, "actor keys").items()}

    if absent(given.get("kind")):
        fail(source, id_node, invalid(f"{where} has no 'kind'", None, ACTOR_KINDS, "kinds"))
    kind = choice(given["kind"], source, "kind", where, ACTOR_KINDS, _KIND_SPELLINGS)
    pronoun = choice(given.get("pronoun"), source, "pronoun", where, PRONOUN_TYPES)
    label = optional_text(given.get("label"), source, f"'label' of {where}")
    optional_text(given.get("description"), source, f"'description' of {where}")  # checked, not stored
    fuzzy = flag(given.get("fuzzy"), source, f"'fuzzy' of {where}")
    surnames = flag(given.get("surnames"), source, f"'surnames' of {where}")
    part_of = tuple(text for text, _ in text_list(given.get("part_of"), source, f"'part_of' of {where}"))
    lists = {
        key: text_list(given.get(key), source, f"{key!r} of {where}")
        for key in ("names", "aliases", "group_nouns", "descriptors", "exclude")
    }
    member_nodes = sequence_items(given.get("members"), source, f"'members' of {where}",
                                  "mappings (each with a 'name')")
    members = first_of_each([_parse_member(n, source, where) for n in member_nodes], key=lambda m: m[0].name)
    metonym_nodes = sequence_items(given.get("metonyms"), source, f"'metonyms' of {where}",
                                   "text or mappings with 'text'")
    metonyms = first_of_each([_parse_metonym(n, source, where) for n in metonym_nodes], key=lambda m: m[0].text)

    if not (lists["names"] or lists["aliases"] or members or lists["group_nouns"] or metonyms):
        matched = ", ".join(repr(key) for key in _MATCHED_KEYS)
        fail(source, id_node, f"{where} can never be matched: give at least one of {matched}")

    def texts(key: str) -> tuple[str, ...]:
        return tuple(text for text, _ in lists[key])

    actor = Actor(
        id=actor_id,
        label=actor_id if label is None else label,
        kind=kind,
        names=texts("names"),
        aliases=texts("aliases"),
        members=tuple(member for member, _ in members),
        group_nouns=texts("group_nouns"),
        metonyms=tuple(metonym for metonym, _ in metonyms),
        descriptors=texts("descriptors"),
        exclude=texts("exclude"),
        pronoun=pronoun,
        fuzzy=True if fuzzy is None else fuzzy,
        surnames=True if surnames is None else surnames,
        part_of=part_of,
    )
    phrases = (
        lists["names"]
        + lists["aliases"]
        + [pair for _, member_phrases in members for pair in member_phrases]
        + lists["group_nouns"]
        + [pair for _, metonym_phrases in metonyms for pair in metonym_phrases]
    )
    return actor, phrases


def _parse_member(node: Node, source: str, where: str) -> tuple[Member, list[tuple[str, int]]]:
    """A ``Member`` of a group actor, and its phrases (name and aliases) with lines."""
    what = f"a member of {where}"
    if not isinstance(node, MappingNode):
        fail(source, node, f"{what} must be a mapping with a 'name' (e.g. '- name: Jane Doe'), not {describe(node)}")
    given = {key: value for key, (_, value) in known_items(node, source, what, MEMBER_KEYS, "member keys").items()}
    if absent(given.get("name")):
        fail(source, node, invalid(f"{what} has no 'name'", None, MEMBER_KEYS, "member keys"))
    name = text_value(given["name"], source, f"'name' of {what}")
    owner = f"member {name!r} of {where}"
    aliases = text_list(given.get("aliases"), source, f"'aliases' of {owner}")
    member = Member(
        name=name,
        aliases=tuple(text for text, _ in aliases),
        kind=choice(given.get("kind"), source, "kind", owner, ACTOR_KINDS, _KIND_SPELLINGS) or "person",
        pronoun=choice(given.get("pronoun"), source, "pronoun", owner, PRONOUN_TYPES),
    )
    return member, [(name, line_of(given["name"])), *aliases]


def _parse_metonym(node: Node, source: str, where: str) -> tuple[Metonym, list[tuple[str, int]]]:
    """A ``Metonym`` (text, or a mapping with ``text`` and ``stands_for``), and its phrase."""
    what = f"a metonym of {where}"
    if isinstance(node, ScalarNode) and node.tag == TAG + "str":
        text = text_value(node, source, what)
        return Metonym(text=text), [(text, line_of(node))]
    if not isinstance(node, MappingNode):
        fail(
            source,
            node,
            f"{what} must be text or a mapping with 'text' and 'stands_for', not {describe(node)}{quote_hint(node)}",
        )
    given = {key: value for key, (_, value) in known_items(node, source, what, _METONYM_KEYS, "metonym keys").items()}
    if absent(given.get("text")):
        fail(source, node, invalid(f"{what} has no 'text'", None, _METONYM_KEYS, "metonym keys"))
    text = text_value(given["text"], source, f"'text' of {what}")
    stands_for = optional_text(given.get("stands_for"), source, f"'stands_for' of metonym {text!r} of {where}")
    return Metonym(text=text, stands_for=stands_for or ""), [(text, line_of(given["text"]))]


def _match_key(phrase: str) -> str:
    """How phrases are compared: ignoring case and a leading "the"."""
    return _LEADING_THE.sub("", phrase.casefold())


def _claim_phrases(
    actor_id: str, phrases: list[tuple[str, int]], owners: dict[str, tuple[str, str, int]]
) -> list[tuple[str, str, int, str, str, int]]:
    """Record which actor each phrase denotes; return the phrases another actor
    listed first, as (actor, phrase, line, first actor, its phrase, its line):
    an error unless one of the two is part of the other."""
    shared = []
    for phrase, line in phrases:
        owner, first_phrase, first_line = owners.setdefault(_match_key(phrase), (actor_id, phrase, line))
        if owner != actor_id:
            shared.append((actor_id, phrase, line, owner, first_phrase, first_line))
    return shared


def actors_table(registry: ActorRegistry) -> pd.DataFrame:
    """The registry as a table, one row per actor, for reading in a notebook.

    >>> actors_table(parse_actors("actors:\\n  nato: {kind: organisation, names: [NATO]}"))[["actor", "names"]]
      actor names
    0  nato  NATO
    """
    rows = []
    for a in registry.actors:
        rows.append({
            "actor": a.id, "label": a.label, "kind": a.kind, "pronoun": a.pronoun or "",
            "names": "; ".join(a.names), "aliases": "; ".join(a.aliases),
            "members": "; ".join(m.name + (f" ({', '.join(m.aliases)})" if m.aliases else "") for m in a.members),
            "group_nouns": "; ".join(a.group_nouns),
            "metonyms": "; ".join(m.text + (f" = {m.stands_for}" if m.stands_for else "") for m in a.metonyms),
            "descriptors": "; ".join(a.descriptors), "exclude": "; ".join(a.exclude),
            "part_of": "; ".join(a.part_of),
        })
    return pd.DataFrame(rows)
