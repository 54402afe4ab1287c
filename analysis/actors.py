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

import difflib
import os
import re
from collections.abc import Callable, Sequence
from typing import NoReturn

import pandas as pd
import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from analysis.errors import ActorConfigError
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

_TAG = "tag:yaml.org,2002:"
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
    data = _read_bytes(source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ActorConfigError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file with UTF-8 encoding",
            source=source,
            line=line,
        ) from None
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
    root = _compose(text, source)
    if root is None:  # only comments or document markers
        raise ActorConfigError(_EMPTY, source=source)
    if not isinstance(root, MappingNode):
        hint = " (to read a file, use load_actors(path))" if isinstance(root, ScalarNode) else ""
        _fail(source, root, f"the registry must be a mapping with an 'actors' key, not {_describe(root)}{hint}")

    top = _known_items(root, source, "the top level", _TOP_KEYS, "top-level keys")
    if "actors" not in top:
        _fail(source, root, "no 'actors' key; the registry needs a top-level 'actors' mapping of actor ids to actors")
    version = top.get("version", (None, None))[1]
    if version is not None and not isinstance(version, ScalarNode):
        _fail(source, version, f"'version' must be a number or text, not {_describe(version)}")
    _optional_text(top.get("description", (None, None))[1], source, "the top-level 'description'")

    actors_key, actors_node = top["actors"]
    if _absent(actors_node) or (isinstance(actors_node, MappingNode) and not actors_node.value):
        _fail(source, actors_key, "'actors' is empty; define at least one actor (an id with a 'kind' and 'names')")
    if not isinstance(actors_node, MappingNode):
        _fail(source, actors_node, f"'actors' must be a mapping of actor ids to actors, not {_describe(actors_node)}")

    actors, shared, part_lines = [], [], {}
    owners: dict[str, tuple[str, str, int]] = {}
    for actor_id, id_node, actor_node in _items(actors_node, source, "'actors'", "actor id"):
        _check_id(actor_id, id_node, source)
        actor, phrases = _parse_actor(actor_id, id_node, actor_node, source)
        shared += _claim_phrases(actor_id, phrases, owners)
        part_lines[actor_id] = _line(id_node)
        actors.append(actor)
    registry = ActorRegistry(actors=tuple(actors), source=source)
    _check_parts(registry, part_lines, source)
    for actor_id, phrase, line, owner, first_phrase, first_line in shared:
        if owner not in registry.wholes(actor_id) and actor_id not in registry.wholes(owner):
            _fail(
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
                _fail(source, lines[actor.id], _invalid(f"'part_of' of actor {actor.id!r} names an unknown actor "
                                                        f"{whole!r}", whole, registry.ids, "actors"))
            if whole == actor.id or actor.id in registry.wholes(whole):
                _fail(source, lines[actor.id], f"actor {actor.id!r} is part of itself through 'part_of' "
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
    raise ActorConfigError(_invalid(problem, actor_id, ids, "actors", suffix=origin))


# ------------------------------------------------------------------ reading


def _read_bytes(source: str) -> bytes:
    """The bytes of the registry file, or an error naming the path."""
    if not os.path.exists(source):
        raise ActorConfigError(
            f"file not found (looked for {os.path.abspath(source)}); give the path of the actor registry YAML file",
            source=source,
        )
    if os.path.isdir(source):
        raise ActorConfigError("is a directory; give the path of the actor registry YAML file", source=source)
    try:
        with open(source, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ActorConfigError(f"cannot read the file: {exc.strerror}", source=source) from None
    if not data.strip():
        raise ActorConfigError("empty file; an actor registry needs a top-level 'actors' mapping", source=source)
    return data


def _compose(text: str, source: str) -> Node | None:
    """The YAML node graph of ``text`` (safe loader), or an error with YAML's own words."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem, context = exc.problem or "", exc.context or ""
        if problem.startswith("but ") and context:  # one sentence split in two ("expected a single document")
            problem, context = f"{context}, {problem}", ""
        message = f"malformed YAML: {problem or context}"
        if problem and context:
            started = f" that starts on line {exc.context_mark.line + 1}" if exc.context_mark else ""
            message += f" ({context}{started})"
        if "\\t" in problem:
            message += "; indent YAML with spaces, not tabs"
        # the end of the stream is reported one line past the last one
        line = min(mark.line + 1, max(len(text.splitlines()), 1)) if mark else None
        raise ActorConfigError(message, source=source, line=line) from None
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses
        raise ActorConfigError(f"malformed YAML: {' '.join(str(exc).split())}", source=source) from None


# -------------------------------------------------------------- node helpers


def _line(node: Node) -> int:
    """1-based line where ``node`` starts."""
    return node.start_mark.line + 1


def _fail(source: str, where: Node | int, message: str) -> NoReturn:
    """Raise an ``ActorConfigError`` at a node's line (or at a given line)."""
    line = where if isinstance(where, int) else _line(where)
    raise ActorConfigError(message, source=source, line=line)


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _TAG + "null"


def _describe(node: Node) -> str:
    """How an unexpected value reads in an error message ("the number 42")."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = node.tag.removeprefix(_TAG)
    described = {
        "str": f"the text {node.value!r}",
        "int": f"the number {node.value}",
        "float": f"the number {node.value}",
        "bool": f"the true/false value {node.value!r}",
        "null": "an empty value",
        "timestamp": f"the date {node.value!r}",
    }
    return described.get(tag, f"a value tagged {node.tag} ({node.value!r})")


def _quote_hint(node: Node) -> str:
    """Advice for a scalar YAML read as something other than text (42, yes, 2022-03-01)."""
    if isinstance(node, ScalarNode) and node.tag != _TAG + "str" and not _is_null(node):
        return " (put it in quotes if it is meant as text)"
    return ""


def _invalid(problem: str, given: object, valid: Sequence[str], plural: str, suffix: str = "") -> str:
    """``problem; valid <plural>: 'a', 'b'<suffix>; did you mean 'a'?``"""
    message = f"{problem}; valid {plural}: {', '.join(repr(v) for v in valid)}{suffix}"
    if isinstance(given, str):
        close = difflib.get_close_matches(given, valid, n=1) or difflib.get_close_matches(given.lower(), valid, n=1)
        if close:
            message += f"; did you mean {close[0]!r}?"
    return message


def _items(node: MappingNode, source: str, where: str, noun: str = "key") -> list[tuple[str, Node, Node]]:
    """``(key, key_node, value_node)`` of a mapping in file order; a repeated key is an error.

    ``yaml.safe_load`` keeps the last of two equal keys without a word; the
    node graph still has both, so a repeat is caught here.
    """
    first_line: dict[str, int] = {}
    items = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            _fail(source, key_node, f"a key of {where} is {_describe(key_node)}; keys must be plain words")
        key = key_node.value
        if key in first_line:
            _fail(source, key_node, f"duplicate {noun} {key!r} in {where} (first on line {first_line[key]})")
        first_line[key] = _line(key_node)
        items.append((key, key_node, value_node))
    return items


def _known_items(
    node: MappingNode, source: str, where: str, valid: Sequence[str], plural: str
) -> dict[str, tuple[Node, Node]]:
    """The mapping's items by key, after rejecting keys not in ``valid``."""
    known = {}
    for key, key_node, value_node in _items(node, source, where):
        if key not in valid:
            _fail(source, key_node, _invalid(f"unknown key {key!r} in {where}", key, valid, plural))
        known[key] = (key_node, value_node)
    return known


# ------------------------------------------------------------- value helpers
# Each helper takes the value node of a key, or None when the key is not
# given; a key written without a value (YAML null) counts as not given.


def _absent(node: Node | None) -> bool:
    return node is None or _is_null(node)


def _text(node: Node, source: str, what: str) -> str:
    """A non-empty text value with its whitespace normalised."""
    if not isinstance(node, ScalarNode) or node.tag != _TAG + "str":
        _fail(source, node, f"{what} must be text, not {_describe(node)}{_quote_hint(node)}")
    text = " ".join(node.value.split())
    if not text:
        _fail(source, node, f"{what} is empty text")
    return text


def _optional_text(node: Node | None, source: str, what: str) -> str | None:
    """Like :func:`_text`, but ``None`` when not given."""
    return None if _absent(node) else _text(node, source, what)


def _text_list(node: Node | None, source: str, what: str) -> list[tuple[str, int]]:
    """``(text, line)`` of a list of text (or of one text), exact repeats dropped."""
    if _absent(node):
        return []
    if isinstance(node, SequenceNode):
        pairs = [(_text(item, source, f"an item of {what}"), _line(item)) for item in node.value]
    elif isinstance(node, ScalarNode) and node.tag == _TAG + "str":
        pairs = [(_text(node, source, what), _line(node))]
    else:
        _fail(source, node, f"{what} must be a list of text, not {_describe(node)}{_quote_hint(node)}")
    return _first_of_each(pairs, key=lambda pair: pair[0])


def _first_of_each(items: list, key: Callable) -> list:
    """The first item for each value of ``key``, in order: repeats are harmless."""
    seen = set()
    kept = []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            kept.append(item)
    return kept


def _choice(node: Node | None, source: str, noun: str, owner: str, valid: Sequence[str],
            spellings: dict[str, str] | None = None) -> str | None:
    """One of ``valid`` (a kind or pronoun; ``spellings`` maps other spellings to it),
    or ``None`` when not given."""
    if _absent(node):
        return None
    if isinstance(node, ScalarNode) and spellings and node.value in spellings:
        return spellings[node.value]
    if not isinstance(node, ScalarNode) or node.value not in valid:
        given = node.value if isinstance(node, ScalarNode) else None
        shown = repr(given) if given is not None else _describe(node)
        _fail(source, node, _invalid(f"invalid {noun} {shown} of {owner}", given, valid, f"{noun}s"))
    return node.value


def _flag(node: Node | None, source: str, what: str) -> bool | None:
    """A true/false value, or ``None`` when not given."""
    if _absent(node):
        return None
    if not isinstance(node, ScalarNode) or node.tag != _TAG + "bool":
        _fail(source, node, f"{what} must be true or false, not {_describe(node)}")
    return SafeConstructor.bool_values[node.value.lower()]


def _sequence(node: Node | None, source: str, what: str, items: str) -> list[Node]:
    """The item nodes of a list; no items when not given."""
    if _absent(node):
        return []
    if not isinstance(node, SequenceNode):
        _fail(source, node, f"{what} must be a list of {items}, not {_describe(node)}{_quote_hint(node)}")
    return list(node.value)


# ------------------------------------------------------------------- schema


def _check_id(actor_id: str, id_node: Node, source: str) -> None:
    """An actor id is a lowercase word and not the reserved ``OTHER_ACTOR``."""
    if actor_id == OTHER_ACTOR:
        _fail(
            source,
            id_node,
            f"actor id {OTHER_ACTOR!r} is reserved for entities the registry does not know; choose another id",
        )
    if not actor_id.strip() or actor_id != actor_id.strip() or _ID_BAD_CHARACTER.search(actor_id):
        _fail(
            source,
            id_node,
            f"invalid actor id {actor_id!r}; an id is text without leading or trailing spaces, line breaks or "
            "control characters (e.g. 'exiles', 'u.s._congress', 'George W. Bush')",
        )


def _parse_actor(actor_id: str, id_node: Node, node: Node, source: str) -> tuple[Actor, list[tuple[str, int]]]:
    """The ``Actor`` defined under ``actor_id``, and its matched phrases with their lines."""
    where = f"actor {actor_id!r}"
    if not isinstance(node, MappingNode):
        _fail(source, node, f"{where} must be a mapping with keys such as 'kind' and 'names', not {_describe(node)}")
    given = {key: value for key, (_, value) in _known_items(node, source, where, ACTOR_KEYS, "actor keys").items()}

    if _absent(given.get("kind")):
        _fail(source, id_node, _invalid(f"{where} has no 'kind'", None, ACTOR_KINDS, "kinds"))
    kind = _choice(given["kind"], source, "kind", where, ACTOR_KINDS, _KIND_SPELLINGS)
    pronoun = _choice(given.get("pronoun"), source, "pronoun", where, PRONOUN_TYPES)
    label = _optional_text(given.get("label"), source, f"'label' of {where}")
    _optional_text(given.get("description"), source, f"'description' of {where}")  # checked, not stored
    fuzzy = _flag(given.get("fuzzy"), source, f"'fuzzy' of {where}")
    surnames = _flag(given.get("surnames"), source, f"'surnames' of {where}")
    part_of = tuple(text for text, _ in _text_list(given.get("part_of"), source, f"'part_of' of {where}"))
    lists = {
        key: _text_list(given.get(key), source, f"{key!r} of {where}")
        for key in ("names", "aliases", "group_nouns", "descriptors", "exclude")
    }
    member_nodes = _sequence(given.get("members"), source, f"'members' of {where}", "mappings (each with a 'name')")
    members = _first_of_each([_parse_member(n, source, where) for n in member_nodes], key=lambda m: m[0].name)
    metonym_nodes = _sequence(given.get("metonyms"), source, f"'metonyms' of {where}", "text or mappings with 'text'")
    metonyms = _first_of_each([_parse_metonym(n, source, where) for n in metonym_nodes], key=lambda m: m[0].text)

    if not (lists["names"] or lists["aliases"] or members or lists["group_nouns"] or metonyms):
        matched = ", ".join(repr(key) for key in _MATCHED_KEYS)
        _fail(source, id_node, f"{where} can never be matched: give at least one of {matched}")

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
        _fail(source, node, f"{what} must be a mapping with a 'name' (e.g. '- name: Jane Doe'), not {_describe(node)}")
    given = {key: value for key, (_, value) in _known_items(node, source, what, MEMBER_KEYS, "member keys").items()}
    if _absent(given.get("name")):
        _fail(source, node, _invalid(f"{what} has no 'name'", None, MEMBER_KEYS, "member keys"))
    name = _text(given["name"], source, f"'name' of {what}")
    owner = f"member {name!r} of {where}"
    aliases = _text_list(given.get("aliases"), source, f"'aliases' of {owner}")
    member = Member(
        name=name,
        aliases=tuple(text for text, _ in aliases),
        kind=_choice(given.get("kind"), source, "kind", owner, ACTOR_KINDS, _KIND_SPELLINGS) or "person",
        pronoun=_choice(given.get("pronoun"), source, "pronoun", owner, PRONOUN_TYPES),
    )
    return member, [(name, _line(given["name"])), *aliases]


def _parse_metonym(node: Node, source: str, where: str) -> tuple[Metonym, list[tuple[str, int]]]:
    """A ``Metonym`` (text, or a mapping with ``text`` and ``stands_for``), and its phrase."""
    what = f"a metonym of {where}"
    if isinstance(node, ScalarNode) and node.tag == _TAG + "str":
        text = _text(node, source, what)
        return Metonym(text=text), [(text, _line(node))]
    if not isinstance(node, MappingNode):
        _fail(
            source,
            node,
            f"{what} must be text or a mapping with 'text' and 'stands_for', not {_describe(node)}{_quote_hint(node)}",
        )
    given = {key: value for key, (_, value) in _known_items(node, source, what, _METONYM_KEYS, "metonym keys").items()}
    if _absent(given.get("text")):
        _fail(source, node, _invalid(f"{what} has no 'text'", None, _METONYM_KEYS, "metonym keys"))
    text = _text(given["text"], source, f"'text' of {what}")
    stands_for = _optional_text(given.get("stands_for"), source, f"'stands_for' of metonym {text!r} of {where}")
    return Metonym(text=text, stands_for=stands_for or ""), [(text, _line(given["text"]))]


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
