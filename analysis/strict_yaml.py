"""Strict reading of YAML data files: node by node, with the line of every problem.

``yaml.safe_load`` keeps the last of two equal keys without a word and turns
``yes`` into ``True``; researchers' registry and scheme files deserve better.
These helpers read the node graph (:func:`compose_yaml`) and check each value
where it stands, raising :class:`~analysis.errors.ActorConfigError` with the
file, the line and what was expected (valid choices, "did you mean ...?").
The actor registry (:mod:`analysis.actors`) and frame schemes
(:mod:`analysis.framing`) are read with them.

Value helpers take the value node of a key, or None when the key is not
given; a key written without a value (YAML null) counts as not given.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import NoReturn

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ActorConfigError

__all__ = [
    "TAG", "compose_yaml", "line_of", "fail", "is_null", "describe", "quote_hint", "invalid", "mapping_items",
    "known_items", "absent", "text_value", "optional_text", "text_list", "first_of_each", "choice", "flag",
    "sequence_items",
]

#: Prefix of YAML's core-schema tags ("tag:yaml.org,2002:str").
TAG = "tag:yaml.org,2002:"


def compose_yaml(text: str, source: str) -> Node | None:
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


def line_of(node: Node) -> int:
    """1-based line where ``node`` starts."""
    return node.start_mark.line + 1


def fail(source: str, where: Node | int, message: str) -> NoReturn:
    """Raise an ``ActorConfigError`` at a node's line (or at a given line)."""
    line = where if isinstance(where, int) else line_of(where)
    raise ActorConfigError(message, source=source, line=line)


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == TAG + "null"


def describe(node: Node) -> str:
    """How an unexpected value reads in an error message ("the number 42")."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = node.tag.removeprefix(TAG)
    described = {
        "str": f"the text {node.value!r}",
        "int": f"the number {node.value}",
        "float": f"the number {node.value}",
        "bool": f"the true/false value {node.value!r}",
        "null": "an empty value",
        "timestamp": f"the date {node.value!r}",
    }
    return described.get(tag, f"a value tagged {node.tag} ({node.value!r})")


def quote_hint(node: Node) -> str:
    """Advice for a scalar YAML read as something other than text (42, yes, 2022-03-01)."""
    if isinstance(node, ScalarNode) and node.tag != TAG + "str" and not is_null(node):
        return " (put it in quotes if it is meant as text)"
    return ""


def invalid(problem: str, given: object, valid: Sequence[str], plural: str, suffix: str = "") -> str:
    """``problem; valid <plural>: 'a', 'b'<suffix>; did you mean 'a'?``"""
    message = f"{problem}; valid {plural}: {', '.join(repr(v) for v in valid)}{suffix}"
    if isinstance(given, str):
        close = difflib.get_close_matches(given, valid, n=1) or difflib.get_close_matches(given.lower(), valid, n=1)
        if close:
            message += f"; did you mean {close[0]!r}?"
    return message


def mapping_items(node: MappingNode, source: str, where: str, noun: str = "key") -> list[tuple[str, Node, Node]]:
    """``(key, key_node, value_node)`` of a mapping in file order; a repeated key is an error.

    ``yaml.safe_load`` keeps the last of two equal keys without a word; the
    node graph still has both, so a repeat is caught here.
    """
    first_line: dict[str, int] = {}
    items = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            fail(source, key_node, f"a key of {where} is {describe(key_node)}; keys must be plain words")
        key = key_node.value
        if key in first_line:
            fail(source, key_node, f"duplicate {noun} {key!r} in {where} (first on line {first_line[key]})")
        first_line[key] = line_of(key_node)
        items.append((key, key_node, value_node))
    return items


def known_items(
    node: MappingNode, source: str, where: str, valid: Sequence[str], plural: str
) -> dict[str, tuple[Node, Node]]:
    """The mapping's items by key, after rejecting keys not in ``valid``."""
    known = {}
    for key, key_node, value_node in mapping_items(node, source, where):
        if key not in valid:
            fail(source, key_node, invalid(f"unknown key {key!r} in {where}", key, valid, plural))
        known[key] = (key_node, value_node)
    return known


# ------------------------------------------------------------- value helpers
# Each helper takes the value node of a key, or None when the key is not
# given; a key written without a value (YAML null) counts as not given.


def absent(node: Node | None) -> bool:
    return node is None or is_null(node)


def text_value(node: Node, source: str, what: str) -> str:
    """A non-empty text value with its whitespace normalised."""
    if not isinstance(node, ScalarNode) or node.tag != TAG + "str":
        fail(source, node, f"{what} must be text, not {describe(node)}{quote_hint(node)}")
    text = " ".join(node.value.split())
    if not text:
        fail(source, node, f"{what} is empty text")
    return text


def optional_text(node: Node | None, source: str, what: str) -> str | None:
    """Like :func:`text_value`, but ``None`` when not given."""
    return None if absent(node) else text_value(node, source, what)


def text_list(node: Node | None, source: str, what: str) -> list[tuple[str, int]]:
    """``(text, line)`` of a list of text (or of one text), exact repeats dropped."""
    if absent(node):
        return []
    if isinstance(node, SequenceNode):
        pairs = [(text_value(item, source, f"an item of {what}"), line_of(item)) for item in node.value]
    elif isinstance(node, ScalarNode) and node.tag == TAG + "str":
        pairs = [(text_value(node, source, what), line_of(node))]
    else:
        fail(source, node, f"{what} must be a list of text, not {describe(node)}{quote_hint(node)}")
    return first_of_each(pairs, key=lambda pair: pair[0])


def first_of_each(items: list, key: Callable) -> list:
    """The first item for each value of ``key``, in order: repeats are harmless."""
    seen = set()
    kept = []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            kept.append(item)
    return kept


def choice(node: Node | None, source: str, noun: str, owner: str, valid: Sequence[str],
            spellings: dict[str, str] | None = None) -> str | None:
    """One of ``valid`` (a kind or pronoun; ``spellings`` maps other spellings to it),
    or ``None`` when not given."""
    if absent(node):
        return None
    if isinstance(node, ScalarNode) and spellings and node.value in spellings:
        return spellings[node.value]
    if not isinstance(node, ScalarNode) or node.value not in valid:
        given = node.value if isinstance(node, ScalarNode) else None
        shown = repr(given) if given is not None else describe(node)
        fail(source, node, invalid(f"invalid {noun} {shown} of {owner}", given, valid, f"{noun}s"))
    return node.value


def flag(node: Node | None, source: str, what: str) -> bool | None:
    """A true/false value, or ``None`` when not given."""
    if absent(node):
        return None
    if not isinstance(node, ScalarNode) or node.tag != TAG + "bool":
        fail(source, node, f"{what} must be true or false, not {describe(node)}")
    return SafeConstructor.bool_values[node.value.lower()]


def sequence_items(node: Node | None, source: str, what: str, items: str) -> list[Node]:
    """The item nodes of a list; no items when not given."""
    if absent(node):
        return []
    if not isinstance(node, SequenceNode):
        fail(source, node, f"{what} must be a list of {items}, not {describe(node)}{quote_hint(node)}")
    return list(node.value)
