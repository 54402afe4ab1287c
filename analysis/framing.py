"""Frames: which frames of a published scheme an article uses, sentence by sentence, with evidence.

A *frame scheme* is a YAML data file: a published set of frames (the Media
Frames Corpus policy frames, Semetko & Valkenburg's generic news frames, or a
researcher's own), each with a definition and the indicator words that point to
it. Adding a scheme means dropping a file in ``analysis/resources/frames/`` or
passing its path: no code changes. Two schemes ship (:func:`available_schemes`):
``mfc_policy`` and ``generic_news``.

A scheme file is a mapping with the keys in :data:`SCHEME_KEYS`:

===============  ==========================================================
``id``           required; a lowercase word (``generic_news``)
``name``         text for tables and figures (default: the id)
``citation``     the published source of the frames
``description``  free text for the reader
``frames``       required; frame id -> frame (keys in :data:`FRAME_KEYS`)
===============  ==========================================================

and each frame is a mapping with:

================  =========================================================
``label``         required; text for tables and figures
``definition``    required; what the frame is, in your own words
``indicators``    a list of words or short phrases, ignoring case; one in
                  its dictionary form matches every inflection ("attack"
                  finds "attacked"), one in another form only as written
                  ("ruling" does not find "rule")
``ambiguous``     words that point to the frame only in some stories
                  ("school", "police"): matched like indicators, they count
                  a quarter (score 0.25), so they frame a sentence where
                  nothing clearer does
``patterns``      a list of spaCy ``Matcher`` token patterns, for what a
                  word list cannot say (``[{LEMMA: pay}, {POS: DET, OP: "?"},
                  {LOWER: price}]``)
``weight``        a positive number multiplying the frame's score (default 1)
================  =========================================================

A frame without indicators or patterns (MFC's "other") is never scored. A
match inside a name that the parser tags as an organisation, person, place,
building or work ("Rifle" in "National Rifle Association") does not count,
unless the indicator is the whole name.

Scoring (:func:`score_frames`) gives one row per sentence and frame with at
least one match; :func:`frame_profile` turns those rows into one row per
article and frame, ranked; :func:`leading_frames` keeps the top ones. Every
table has the columns of :data:`FRAME_COLUMNS` (plus ``rank`` for profiles),
so sentence and article rows stack into one long-form table.

Examples
--------
>>> from analysis.nlp import parse
>>> doc = parse("Troops attacked the border town. Bread prices doubled.", cache_dir=False)
>>> rows = score_frames(doc, "mfc_policy", "demo")
>>> rows[["sentence_id", "frame", "score", "indicators"]].values.tolist()
[[0, 'security_and_defense', 2.25, 'Troops; attacked; border'], [1, 'economic', 1.0, 'prices']]
>>> profile = frame_profile(rows, {"demo": 2})
>>> profile[["frame", "score", "rank"]].values.tolist()
[['security_and_defense', 0.5, 1], ['economic', 0.5, 2]]
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from importlib import resources
from typing import NamedTuple, NoReturn

import pandas as pd
from spacy.errors import MatchPatternError
from spacy.matcher import Matcher, PhraseMatcher
from spacy.schemas import TokenPattern
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# The YAML node helpers of the actor registry: line numbers, did-you-mean,
# repeated keys. They raise ActorConfigError, re-raised here as FrameSchemeError.
from .errors import ActorConfigError, AnalysisError
from .nlp import load_pipeline, sentence_ids, sentence_records
from .resources import read_text
from .strict_yaml import (
    absent,
    compose_yaml,
    describe,
    invalid,
    known_items,
    line_of,
    mapping_items,
    sequence_items,
    text_value,
)
from .tables import record_columns
from .types import FrameHit

__all__ = [
    "Frame",
    "FrameScheme",
    "FrameSchemeError",
    "available_schemes",
    "load_frame_scheme",
    "parse_frame_scheme",
    "score_frames",
    "frame_profile",
    "leading_frames",
    "frames_table",
    "sentence_frame_records",
    "profile_records",
    "FRAME_COLUMNS",
    "DEFAULT_SCHEMES",
    "PROFILE_COLUMNS",
    "SCHEME_KEYS",
    "FRAME_KEYS",
]

#: Frame schemes a run applies unless told otherwise (shipped in ``analysis/resources/frames``).
DEFAULT_SCHEMES = ("generic_news", "mfc_policy")
#: Columns of the article-level table of :func:`frame_profile` (and of ``frames.csv``):
#: the fields of :class:`~analysis.types.FrameHit`.
PROFILE_COLUMNS = tuple(record_columns(FrameHit))
#: Columns of the sentence-level table of :func:`score_frames`: the same without ``rank``.
FRAME_COLUMNS = PROFILE_COLUMNS[:-1]
#: Keys of a scheme file.
SCHEME_KEYS = ("id", "name", "citation", "description", "frames")
#: Keys of a frame in a scheme file.
FRAME_KEYS = ("label", "definition", "indicators", "ambiguous", "patterns", "weight")

_ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
_TAG = "tag:yaml.org,2002:"
_EVIDENCE_SENTENCES = 3  # sentences quoted as an article-level frame's evidence
_EVIDENCE_WIDTH = 120  # characters kept of each of them
_TOP_INDICATORS = 5  # indicators listed (with counts) for an article-level frame
# Words YAML 1.1 reads as true/false when unquoted: a pattern {LOWER: on} is a bug.
_YAML_BOOL_WORDS = {"yes", "no", "on", "off", "y", "n", "true", "false"}
# Tags a pattern may hold (safe YAML's plain values).
_PLAIN_TAGS = {"str", "int", "float", "bool", "null", "seq", "map"}


class FrameSchemeError(AnalysisError):
    """A frame scheme file is malformed, or a scheme or frame named in an argument is unknown."""


@dataclass(frozen=True)
class Frame:
    """One frame of a scheme: its definition and what points to it in a text.

    ``patterns`` holds each spaCy ``Matcher`` token pattern as JSON text, so
    that frames (and schemes) stay hashable; :attr:`token_patterns` gives them
    back as lists of dicts.

    >>> frame = Frame("conflict", "Conflict", "Parties at odds.", indicators=("war",))
    >>> frame.scored, frame.weight
    (True, 1.0)
    """

    id: str
    label: str
    definition: str
    indicators: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    weight: float = 1.0
    ambiguous: tuple[str, ...] = ()

    @property
    def token_patterns(self) -> list[list[dict]]:
        """The Matcher patterns as spaCy takes them."""
        return [json.loads(p) for p in self.patterns]

    @property
    def scored(self) -> bool:
        """Whether anything can match the frame (MFC's "other" cannot)."""
        return bool(self.indicators or self.patterns or self.ambiguous)


@dataclass(frozen=True)
class FrameScheme:
    """A set of frames from one published source, in file order."""

    id: str
    name: str
    frames: tuple[Frame, ...]
    citation: str = ""
    description: str = ""
    source: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        """Frame ids in file order."""
        return tuple(f.id for f in self.frames)

    def get(self, frame_id: str) -> Frame:
        """The frame with this id; an error listing the valid ids otherwise.

        >>> load_frame_scheme("generic_news").get("conflict").label
        'Conflict'
        """
        for frame in self.frames:
            if frame.id == frame_id:
                return frame
        raise FrameSchemeError(invalid(f"unknown frame {frame_id!r} of scheme {self.id!r}", frame_id, self.ids,
                                        "frames"), source=self.source or None)


# ------------------------------------------------------------------ loading


def available_schemes() -> list[str]:
    """Ids of the schemes shipped in ``analysis/resources/frames/``.

    >>> available_schemes()
    ['generic_news', 'mfc_policy']
    """
    folder = resources.files("analysis.resources").joinpath("frames")
    return sorted(entry.name.removesuffix(".yaml") for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def load_frame_scheme(name_or_path: str | os.PathLike[str]) -> FrameScheme:
    """Read a shipped scheme by id, or any scheme file by path.

    Parameters
    ----------
    name_or_path
        A shipped scheme id (:func:`available_schemes`), or the path of a
        UTF-8 YAML file in the format of the module docstring.

    Returns
    -------
    FrameScheme
        ``source`` names the file read.

    Raises
    ------
    FrameSchemeError
        For an unknown scheme id (listing the valid ones), a missing or
        unreadable file, or a malformed scheme (see :func:`parse_frame_scheme`).

    Notes
    -----
    ``mfc_policy`` follows the Policy Frames codebook of the Media Frames
    Corpus (Boydstun, Card, Gross, Resnik & Smith 2014; Card et al., ACL
    2015); ``generic_news`` the generic news frames of Semetko & Valkenburg
    (2000, Journal of Communication 50(2)). Definitions are paraphrased and
    indicator words are ours (``analysis/resources/frames/README.md``).

    Examples
    --------
    >>> scheme = load_frame_scheme("generic_news")
    >>> scheme.ids
    ('conflict', 'human_interest', 'economic_consequences', 'morality', 'responsibility')
    >>> try:
    ...     load_frame_scheme("generic")
    ... except FrameSchemeError as err:
    ...     print(err)  # doctest: +NORMALIZE_WHITESPACE
    unknown frame scheme 'generic'; valid shipped schemes: 'generic_news', 'mfc_policy' (or give the path
    of a scheme YAML file); did you mean 'generic_news'?
    """
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise TypeError(f"load_frame_scheme expects a scheme id or a path, not {type(name_or_path).__name__}")
    shipped = available_schemes()
    if isinstance(name_or_path, str) and name_or_path in shipped:
        text, source = read_text(None, f"frames/{name_or_path}.yaml", what="a frame scheme")
        return _parse_frame_scheme_cached(text, source=source)
    source = os.fspath(name_or_path)
    if isinstance(name_or_path, str) and not _looks_like_path(source):
        raise FrameSchemeError(invalid(f"unknown frame scheme {source!r}", source, shipped, "shipped schemes",
                                        suffix=" (or give the path of a scheme YAML file)"))
    valid = ", ".join(repr(s) for s in shipped)
    text, _ = read_text(source, "", what=f"a frame scheme YAML file, or a shipped scheme: {valid}",
                        error=FrameSchemeError)
    if re.search(r"(?m)^model:", text):  # a learned scheme (python -m analysis frames learn)
        from .frame_learning import parse_learned_scheme

        return parse_learned_scheme(text, source=source)
    return _parse_frame_scheme_cached(text, source=source)


def parse_frame_scheme(text: str, source: str = "<string>") -> FrameScheme:
    """Build a frame scheme from YAML text, checking every key and value.

    Parameters
    ----------
    text
        The YAML text of a scheme (format in the module docstring).
    source
        Where the text comes from; errors and ``FrameScheme.source`` name it.

    Returns
    -------
    FrameScheme
        Frames in file order; indicators and patterns with exact repeats
        dropped.

    Raises
    ------
    FrameSchemeError
        With the 1-based line at fault: malformed YAML, an unknown key (with
        a did-you-mean), a frame without ``label`` or ``definition``,
        indicators that are not a list of text, a pattern spaCy's ``Matcher``
        rejects, a bad weight or id, or a scheme in which nothing can match.

    Notes
    -----
    The text is read with the safe YAML loader into nodes, which keep their
    line numbers (the approach of :mod:`analysis.actors`); no Python object is
    ever built from a tag.

    Examples
    --------
    >>> scheme = parse_frame_scheme('''
    ... id: strikes
    ... frames:
    ...   labour: {label: Labour, definition: Work and pay., indicators: [strike, union]}
    ... ''')
    >>> scheme.get("labour").indicators
    ('strike', 'union')
    >>> try:
    ...     parse_frame_scheme("id: s\\nframes:\\n  x: {label: X, definition: D., indicator: [a]}\\n")
    ... except FrameSchemeError as err:
    ...     print(err)  # doctest: +NORMALIZE_WHITESPACE
    <string>, line 3: unknown key 'indicator' in frame 'x'; valid frame keys: 'label', 'definition',
    'indicators', 'ambiguous', 'patterns', 'weight'; did you mean 'indicators'?
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_frame_scheme expects YAML text as str, not {type(text).__name__}; "
                        "to read a file, use load_frame_scheme(path)")
    with _as_scheme_errors():
        return _parse_scheme(text, source)


@contextmanager
def _as_scheme_errors() -> Iterator[None]:
    try:
        yield
    except ActorConfigError as err:  # from the shared YAML helpers
        raise FrameSchemeError(err.message, source=err.source, line=err.line) from None


def _looks_like_path(text: str) -> bool:
    return "/" in text or os.sep in text or text.endswith((".yaml", ".yml")) or os.path.exists(text)


def fail(source: str, where: Node, message: str) -> NoReturn:
    raise FrameSchemeError(message, source=source, line=line_of(where))


def _check_id(value: str, node: Node, source: str, what: str) -> str:
    if not _ID_PATTERN.match(value):
        fail(source, node, f"invalid {what} {value!r}; an id is a lowercase letter followed by lowercase "
                            "letters, digits or underscores (e.g. 'security_and_defense')")
    return value


def _parse_scheme(text: str, source: str) -> FrameScheme:
    needs = "a scheme needs an 'id' and a 'frames' mapping of frame ids to frames"
    root = compose_yaml(text, source) if text.strip() else None
    if root is None:
        raise FrameSchemeError(f"the scheme is empty; {needs}", source=source)
    if not isinstance(root, MappingNode):
        fail(source, root, f"a frame scheme must be a mapping with 'id' and 'frames', not {describe(root)}")
    top = known_items(root, source, "the top level", SCHEME_KEYS, "top-level keys")
    for key in ("id", "frames"):
        if absent(top.get(key, (None, None))[1]):
            fail(source, top[key][0] if key in top else root, f"no {key!r}; {needs}")
    id_node = top["id"][1]
    scheme_id = _check_id(text_value(id_node, source, "'id'"), id_node, source, "scheme id")
    optional = {key: None if absent(top.get(key, (None, None))[1]) else text_value(top[key][1], source, repr(key))
                for key in ("name", "citation", "description")}
    frames_key, frames_node = top["frames"]
    if not isinstance(frames_node, MappingNode) or not frames_node.value:
        fail(source, frames_node, f"'frames' must be a mapping of frame ids to frames, not {describe(frames_node)}")
    frames = tuple(_parse_frame(frame_id, key_node, node, source)
                   for frame_id, key_node, node in mapping_items(frames_node, source, "'frames'", "frame id"))
    if not any(frame.scored for frame in frames):
        fail(source, frames_key, "no frame has 'indicators' or 'patterns', so nothing could ever match")
    return FrameScheme(id=scheme_id, name=optional["name"] or scheme_id, frames=frames,
                       citation=optional["citation"] or "", description=optional["description"] or "", source=source)


def _parse_frame(frame_id: str, id_node: Node, node: Node, source: str) -> Frame:
    where = f"frame {frame_id!r}"
    _check_id(frame_id, id_node, source, "frame id")
    if not isinstance(node, MappingNode):
        fail(source, node, f"{where} must be a mapping with 'label', 'definition' and 'indicators', "
                            f"not {describe(node)}")
    given = {key: value for key, (_, value) in known_items(node, source, where, FRAME_KEYS, "frame keys").items()}
    for key in ("label", "definition"):
        if absent(given.get(key)):
            fail(source, id_node, f"{where} has no {key!r}; every frame needs a 'label' and a 'definition' "
                                   "(the definition in your own words, with the scheme's 'citation')")
    return Frame(
        id=frame_id,
        label=text_value(given["label"], source, f"'label' of {where}"),
        definition=text_value(given["definition"], source, f"'definition' of {where}"),
        indicators=_indicators(given.get("indicators"), source, where),
        patterns=_patterns(given.get("patterns"), source, where),
        weight=_weight(given.get("weight"), source, where),
        ambiguous=_indicators(given.get("ambiguous"), source, where, key="ambiguous"),
    )


def _indicators(node: Node | None, source: str, where: str, key: str = "indicators") -> tuple[str, ...]:
    what = f"'{key}' of {where}"
    kept: dict[str, str] = {}
    for item in sequence_items(node, source, what, "words or short phrases"):
        text = text_value(item, source, f"an item of {what}")
        if not re.search(r"\w", text):
            fail(source, item, f"indicator {text!r} of {where} has no letters or digits")
        kept.setdefault(text.casefold(), text)
    return tuple(kept.values())


def _weight(node: Node | None, source: str, where: str) -> float:
    if absent(node):
        return 1.0
    what = f"'weight' of {where} must be a positive number"
    if not isinstance(node, ScalarNode) or node.tag not in (_TAG + "int", _TAG + "float"):
        fail(source, node, f"{what}, not {describe(node)}")
    value = float(SafeConstructor().construct_object(node))
    if not (math.isfinite(value) and value > 0):
        fail(source, node, f"{what}, not {node.value}")
    return value


@functools.cache
def _token_attributes() -> tuple[str, ...]:
    """Attribute names a Matcher token pattern accepts, read from spaCy's own schema."""
    fields = getattr(TokenPattern, "model_fields", None) or TokenPattern.__fields__
    return tuple(sorted((getattr(f, "alias", None) or name).upper() for name, f in fields.items()))


@functools.cache
def _validation_vocab() -> Vocab:
    return Vocab()


def _patterns(node: Node | None, source: str, where: str) -> tuple[str, ...]:
    what = f"'patterns' of {where}"
    items = sequence_items(node, source, what, "spaCy token patterns (each a list of token mappings)")
    if items and all(isinstance(item, MappingNode) for item in items):
        fail(source, node, f"{what} looks like a single pattern; 'patterns' is a list of patterns, each a list "
                            "of token mappings: wrap it in another list (- [{LEMMA: pay}, {LOWER: price}])")
    patterns = [_pattern(item, source, f"pattern {k} of {where}") for k, item in enumerate(items, 1)]
    return tuple(dict.fromkeys(patterns))


def _pattern(node: Node, source: str, what: str) -> str:
    """One token pattern, checked by spaCy's own validator, as JSON text."""
    if not isinstance(node, SequenceNode) or not node.value:
        fail(source, node, f"{what} must be a non-empty list of token mappings (e.g. [{{LEMMA: call}}, "
                            f"{{LOWER: for}}]), not {describe(node)}")
    valid = _token_attributes()
    for token in node.value:
        if not isinstance(token, MappingNode):
            fail(source, token, f"a token of {what} must be a mapping such as {{LEMMA: call}}, not {describe(token)}")
        for key_node, _ in token.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else ""
            if key.upper() not in valid:
                close = difflib.get_close_matches(key.upper(), valid, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                fail(source, key_node, f"unknown token attribute {key!r} in {what}; common ones: LOWER, LEMMA, "
                                        f"POS, TAG, DEP, ORTH, ENT_TYPE, OP (all: spaCy's Matcher docs){hint}")
    _check_plain(node, source, what)
    pattern = SafeConstructor().construct_object(node, deep=True)
    try:
        Matcher(_validation_vocab(), validate=True).add("pattern", [pattern])
    except (MatchPatternError, ValueError, TypeError, KeyError) as exc:
        problems = [line[2:] for line in str(exc).splitlines() if line.startswith("- ")] or [" ".join(str(exc).split())]
        problems = [re.sub(r"\[pattern -> (\d+)", lambda m: f"[token {int(m.group(1)) + 1}", p) for p in problems]
        fail(source, node, f"invalid spaCy Matcher pattern ({what}): {'; '.join(problems)}{_bool_hint(node)}")
    return json.dumps(pattern, ensure_ascii=False)


def _walk(node: Node) -> Iterator[Node]:
    """The node and every node inside it."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, MappingNode):
            stack.extend(item for pair in current.value for item in pair)


def _check_plain(node: Node, source: str, what: str) -> None:
    """Only plain YAML values (text, numbers, true/false, lists, mappings): no other tags."""
    for inner in _walk(node):
        if inner.tag.removeprefix(_TAG) not in _PLAIN_TAGS:
            fail(source, inner, f"{what} has the YAML tag {inner.tag!r}; patterns hold only text, numbers, "
                                 "true/false, lists and mappings")


def _bool_hint(node: Node) -> str:
    """Advice when an unquoted on/off/yes/no became true/false inside a pattern."""
    for inner in _walk(node):
        if isinstance(inner, ScalarNode) and inner.tag == _TAG + "bool" and inner.value.lower() in _YAML_BOOL_WORDS:
            return (f" (YAML read the unquoted word {inner.value!r} as true/false: put it in quotes, "
                    f"e.g. {{LOWER: \"{inner.value}\"}})")
    return ""


def frames_table(scheme: FrameScheme | str | os.PathLike[str]) -> pd.DataFrame:
    """The scheme as a table, one row per frame, for reading in a notebook.

    >>> frames_table("generic_news")[["frame", "label"]].head(2).values.tolist()
    [['conflict', 'Conflict'], ['human_interest', 'Human interest']]
    """
    scheme = _as_scheme(scheme)
    return pd.DataFrame(
        [{"scheme": scheme.id, "frame": f.id, "label": f.label, "definition": f.definition, "weight": f.weight,
          "indicators": "; ".join(f.indicators), "patterns": len(f.patterns)} for f in scheme.frames],
        columns=["scheme", "frame", "label", "definition", "weight", "indicators", "patterns"],
    )


#: Parsed schemes by (text, source): a batch reads each scheme file once per
#: article (so an edited file is picked up) but parses its YAML only once.
_parse_frame_scheme_cached = functools.lru_cache(maxsize=32)(parse_frame_scheme)


def _as_scheme(scheme: FrameScheme | str | os.PathLike[str]) -> FrameScheme:
    return scheme if isinstance(scheme, FrameScheme) else load_frame_scheme(scheme)


# ----------------------------------------------------------------- matching


class _Compiled(NamedTuple):
    lemma: PhraseMatcher
    lower: PhraseMatcher
    tokens: Matcher
    frames: dict[int, Frame]  # match id -> frame
    ambiguous: frozenset[int] = frozenset()  # match ids of ambiguous words


def _indicator_patterns(analysed: Doc, vocab: Vocab) -> tuple[Doc | None, Doc, list[dict] | None]:
    """How one lemmatised indicator is matched: (lemma pattern, written-form pattern, token pattern).

    A word the lemmatizer leaves unchanged is in its dictionary form and is
    matched by lemma, so "attack" finds "attacked"; a word it changes is
    matched as written, because its lemma may be another word ("ruling" ->
    "rule", "scared" -> "scar", "forces" -> the verb "force"). A phrase that
    mixes both becomes a Matcher pattern ("take sides" finds "took sides").
    """
    tokens = [t for t in analysed if not t.is_space]
    words = [t.text for t in tokens]
    in_base_form = [bool(t.lemma_) and t.lemma_.lower() == t.lower_ for t in tokens]
    by_form = Doc(vocab, words=words)
    if all(in_base_form):
        return Doc(vocab, words=words, lemmas=[t.lower_ for t in tokens]), by_form, None
    if any(in_base_form) and len(tokens) > 1:
        mixed = [{"LEMMA": t.lower_} if base else {"LOWER": t.lower_} for t, base in zip(tokens, in_base_form)]
        return None, by_form, mixed
    return None, by_form, None


def _with_title_abbreviations(words: tuple[str, ...]) -> list[str]:
    """The indicators, plus the capitalised form of each lower-case abbreviation ("sen." -> "Sen."): the
    tokenizer keeps "Sen." whole but splits "sen." into "sen" and ".", so the form as written would never
    match a title in running text (matching is case-insensitive either way)."""
    extra = [w[0].upper() + w[1:] for w in words if w.endswith(".") and w[:1].islower()]
    return [*words, *(w for w in extra if w not in words)]


@functools.lru_cache(maxsize=16)
def _compile(scheme: FrameScheme, vocab: Vocab) -> _Compiled:
    """Matchers for every scored frame of the scheme, built once per scheme and vocabulary.

    Indicators are run through the pipeline's tokenizer, tagger and
    lemmatizer, so that they are split and lemmatised as text is (see
    :func:`_indicator_patterns`); every indicator also matches its lowercased
    written form, which covers proper nouns (whose lemma keeps its case:
    "NATO") and pipelines without a lemmatizer. A frame's ambiguous words get
    their own match id (``<scheme>:<frame>:ambiguous``), listed in
    ``_Compiled.ambiguous``.
    """
    nlp = load_pipeline()
    skip = [name for name in ("parser", "ner") if name in nlp.pipe_names]
    lemma, lower, tokens = PhraseMatcher(vocab, attr="LEMMA"), PhraseMatcher(vocab, attr="LOWER"), Matcher(vocab)
    frames: dict[int, Frame] = {}
    ambiguous: set[int] = set()
    for frame in scheme.frames:
        if not frame.scored:
            continue
        for key, words, patterns in ((f"{scheme.id}:{frame.id}", frame.indicators, frame.token_patterns),
                                     (f"{scheme.id}:{frame.id}:ambiguous", frame.ambiguous, [])):
            if not (words or patterns):
                continue
            frames[vocab.strings.add(key)] = frame
            if key.endswith(":ambiguous"):
                ambiguous.add(vocab.strings[key])
            by_lemma, by_form, by_token = [], [], list(patterns)
            for analysed in nlp.pipe(_with_title_abbreviations(words), disable=skip):
                lemma_doc, form_doc, token_pattern = _indicator_patterns(analysed, vocab)
                by_form.append(form_doc)
                by_lemma += [lemma_doc] if lemma_doc is not None else []
                by_token += [token_pattern] if token_pattern is not None else []
            for matcher, found in ((lemma, by_lemma), (lower, by_form), (tokens, by_token)):
                if found:
                    matcher.add(key, found)
    return _Compiled(lemma, lower, tokens, frames, frozenset(ambiguous))


#: Entity types whose names do not count as framing language: an indicator
#: inside "National Rifle Association" or "Defense Distributed" names an
#: organisation, it does not frame the story.
_NAME_ENTITY_TYPES = frozenset({"ORG", "PERSON", "GPE", "FAC", "WORK_OF_ART"})
#: Weight of a frame's ambiguous word ("school", "police"): a quarter of a plain
#: indicator's, so it frames a sentence only where nothing clearer does (chosen
#: on the GVFC development half, where half a weight let a shooting story's
#: "police", "suspect" and "gunman" outvote the story's angle).
_AMBIGUOUS_WEIGHT = 0.25


def _name_spans(doc: Doc) -> list[tuple[int, int]]:
    """The names of a document as (start, end) token indices: entities of
    :data:`_NAME_ENTITY_TYPES` made of proper nouns (trimmed of edge punctuation;
    function words such as "of" allowed inside)."""
    names = []
    for span in (e for e in doc.ents if e.label_ in _NAME_ENTITY_TYPES):
        tokens = [t for t in span if not (t.is_punct or t.is_space)]
        while tokens and tokens[0].pos_ in _NAME_FUNCTION_POS:
            tokens.pop(0)
        if not tokens or any(t.pos_ not in _NAME_POS for t in tokens if t.is_alpha):
            continue  # not a name: a tagger's guess over ordinary words ("mental health care")
        name = doc[tokens[0].i:tokens[-1].i + 1]
        names.append((name.start, name.end))
    return names


_NAME_FUNCTION_POS = frozenset({"DET", "ADP", "CCONJ", "PART", "PUNCT"})
_NAME_POS = frozenset({"PROPN", "NUM"}) | _NAME_FUNCTION_POS


def _inside_a_name(span: Span, name_of: dict[int, tuple[int, int]]) -> bool:
    """Whether a match lies in a name without covering all of it: "Rifle" in
    "National Rifle Association" names an organisation, it does not frame the
    story; an indicator that is the whole name ("Congress") still counts.
    ``name_of`` maps each token index inside a name to the name's (start, end)."""
    for i in range(span.start, span.end):
        name = name_of.get(i)
        if name is not None and not (span.start <= name[0] and span.end >= name[1]):
            return True
    return False


def _frame_spans(doc: Doc, compiled: _Compiled) -> dict[Frame, list[Span]]:
    """Each frame's matches, labelled with their match id; where matches of one
    frame overlap, the longest counts, once; matches inside names are dropped."""
    found: dict[Frame, list[Span]] = defaultdict(list)
    matchers = [compiled.lower, compiled.tokens]
    if doc.has_annotation("LEMMA"):
        matchers.insert(0, compiled.lemma)
    for matcher in (m for m in matchers if len(m)):
        for key, start, end in matcher(doc):
            found[compiled.frames[key]].append(Span(doc, start, end, label=key))
    name_of = {i: (start, end) for start, end in (_name_spans(doc) if found else []) for i in range(start, end)}
    kept = {}
    for frame, spans in found.items():
        spans = [span for span in filter_spans(spans) if not _inside_a_name(span, name_of)]
        if spans:
            kept[frame] = spans
    return kept


def _confidence(distinct: int) -> float:
    """``1 - 0.5 ** distinct``: 0.5 for one indicator word, 0.75 for two, 0.875 for three, ..."""
    return round(1 - 0.5**distinct, 3)


def score_frames(doc: Doc, scheme: FrameScheme | str | os.PathLike[str], article_id: str = "") -> pd.DataFrame:
    """Which frames each sentence of a parsed article evokes, and by which words.

    Parameters
    ----------
    doc
        The parsed article (:func:`analysis.nlp.parse`).
    scheme
        A :class:`FrameScheme`, a shipped scheme id or the path of a scheme file.
    article_id
        Written into every row.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FRAME_COLUMNS`; one row per sentence and frame with at
        least one match, in sentence order and then the scheme's frame order.
        ``level`` is ``"sentence"``; ``score`` is the number of matches times
        the frame's weight; ``indicators`` the matched words as written
        (``"; "``-joined, in text order); ``evidence`` the sentence;
        ``confidence`` is ``1 - 0.5 ** n`` for ``n`` distinct matched words
        (ignoring case): 0.5 for one, 0.75 for two, 0.875 for three. It is a
        heuristic, not a probability: several different indicator words make
        a frame less likely to rest on one ambiguous word.

    Notes
    -----
    Indicators match ignoring case, with spaCy ``PhraseMatcher`` objects on
    ``LEMMA`` (for indicators in dictionary form, as the same pipeline's
    lemmatizer gives it) and on ``LOWER`` (every indicator as written);
    ``patterns`` and phrases mixing both go to a spaCy ``Matcher``. Matches of one
    frame that overlap count once (the longest). This is a dictionary method
    in the tradition of lexicon-based frame detection: it finds the words of
    a frame, not a coder's judgment of the whole story. The shipped schemes
    follow Boydstun et al. (2014) / Card et al. (2015) and Semetko &
    Valkenburg (2000); see :func:`load_frame_scheme`.

    Examples
    --------
    >>> from analysis.nlp import parse
    >>> doc = parse("The rebels attacked the army and accused the government.", cache_dir=False)
    >>> score_frames(doc, "generic_news")[["frame", "score", "indicators", "confidence"]].values.tolist()
    [['conflict', 4.0, 'rebels; attacked; army; accused', 0.938]]
    """
    return pd.DataFrame([asdict(r) for r in sentence_frame_records(doc, scheme, article_id)],
                        columns=list(FRAME_COLUMNS))


def sentence_frame_records(doc: Doc, scheme: FrameScheme | str | os.PathLike[str],
                           article_id: str = "") -> list[FrameHit]:
    """The rows of :func:`score_frames` as records (what batch runs use, without pandas)."""
    scheme = _as_scheme(scheme)
    if not (doc.has_annotation("SENT_START") and doc.has_annotation("POS")):
        raise AnalysisError("the document is not parsed (no sentence boundaries or part-of-speech tags); "
                            "parse it with analysis.nlp.parse", source="doc")
    if getattr(scheme, "model", ""):  # a learned scheme: its model scores the sentences
        from .frame_learning import learned_frame_records

        return learned_frame_records(doc, scheme, article_id)
    compiled = _compile(scheme, doc.vocab)
    sent_of = sentence_ids(doc)
    matches: dict[tuple[int, int], list[Span]] = defaultdict(list)
    order = {frame.id: i for i, frame in enumerate(scheme.frames)}
    for frame, spans in _frame_spans(doc, compiled).items():
        for span in spans:
            matches[(sent_of[span.start], order[frame.id])].append(span)
    text_of = {s.sentence_id: s.text for s in sentence_records(doc, article_id)} if matches else {}
    rows = []
    # within a sentence, frames in the order of their first match
    for (sentence_id, position), spans in sorted(matches.items(), key=lambda kv: (kv[0][0], min(kv[1]).start,
                                                                                    kv[0][1])):
        frame = scheme.frames[position]
        spans = sorted(spans)
        weights = [_AMBIGUOUS_WEIGHT if span.label in compiled.ambiguous else 1.0 for span in spans]
        rows.append(FrameHit(
            article_id=article_id, scheme=scheme.id, frame=frame.id, level="sentence", sentence_id=sentence_id,
            score=round(frame.weight * sum(weights), 4), indicators="; ".join(span.text for span in spans),
            evidence=text_of.get(sentence_id, ""),
            confidence=_confidence(len({span.text.casefold() for span in spans})),
        ))
    return rows


# ------------------------------------------------------------ article level


def _require_columns(table: object, columns: tuple[str, ...], argument: str) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise AnalysisError(f"{argument} must be a pandas DataFrame, not {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise AnalysisError(f"{argument} lacks the columns {', '.join(map(repr, missing))}; it needs "
                            f"{', '.join(map(repr, columns))} (as made by score_frames / frame_profile)")
    return table


def _sentence_counts(n_sentences: object) -> dict[str, int]:
    try:
        counts = dict(n_sentences.items())  # a dict, or a pandas Series indexed by article id
    except AttributeError:
        raise AnalysisError("n_sentences must be a mapping article_id -> number of sentences, "
                            f"not {type(n_sentences).__name__}") from None
    for article, n in counts.items():
        if isinstance(n, bool) or not isinstance(n, (int, float)) or n != int(n) or n < 1:
            raise AnalysisError(f"n_sentences[{article!r}] must be a positive whole number, not {n!r}")
    return {article: int(n) for article, n in counts.items()}


def _shorten(text: str, width: int = _EVIDENCE_WIDTH) -> str:
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > 0 else width - 1].rstrip(",;:") + "…"


def frame_profile(sentence_rows: pd.DataFrame, n_sentences: Mapping[str, int]) -> pd.DataFrame:
    """Article-level frames: how much of each article each frame covers, ranked.

    Parameters
    ----------
    sentence_rows
        Rows of :func:`score_frames` for one or more articles and schemes
        (rows whose ``level`` is not ``"sentence"`` are ignored).
    n_sentences
        Article id -> number of sentences of the article (e.g.
        ``len(analysis.nlp.sentence_records(doc, article_id))``); every
        article in ``sentence_rows`` must be there.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PROFILE_COLUMNS`, one row per article, scheme and frame
        found; ``level`` is ``"article"``, ``sentence_id`` -1. ``score`` is the
        share (0..1) of the article's sentences in which the frame occurs (a
        sentence framed only by ambiguous words, score below 1, counts as that
        fraction of a sentence);
        ``indicators`` the five most frequent matched words (lowercased) with
        their counts; ``evidence`` the three highest-scoring sentences, as
        ``[sentence id] text`` shortened to 120 characters, joined by
        ``" | "``; ``confidence`` ``1 - 0.5 ** n`` for ``n`` distinct matched
        words in the article; ``rank`` 1 for the leading frame of the article
        and scheme, by share, then summed sentence scores, then the number of
        distinct indicator words, then the longest indicator, then the earlier
        first match (never by the frame's name).

    Examples
    --------
    >>> rows = pd.DataFrame({"article_id": "a", "scheme": "s", "frame": ["x", "x", "y"], "level": "sentence",
    ...                      "sentence_id": [0, 2, 2], "score": [1.0, 2.0, 1.0],
    ...                      "indicators": ["war", "war; troops", "cost"], "evidence": ["A.", "B.", "B."],
    ...                      "confidence": [0.5, 0.75, 0.5]})
    >>> frame_profile(rows, {"a": 4})[["frame", "score", "indicators", "evidence", "rank"]].values.tolist()
    [['x', 0.5, 'war (2); troops (1)', '[2] B. | [0] A.', 1], ['y', 0.25, 'cost (1)', '[2] B.', 2]]
    """
    rows = _require_columns(sentence_rows, FRAME_COLUMNS, "sentence_rows")
    rows = rows[rows["level"] == "sentence"]
    records = [FrameHit(**r) for r in rows[list(FRAME_COLUMNS)].to_dict("records")]
    profile = profile_records(records, _sentence_counts(n_sentences))
    table = pd.DataFrame([asdict(r) for r in profile], columns=list(PROFILE_COLUMNS))
    return table.astype({"sentence_id": int, "rank": int})


def profile_records(records: list[FrameHit], n_sentences: Mapping[str, int]) -> list[FrameHit]:
    """:func:`frame_profile` on the records of :func:`sentence_frame_records`
    (all at sentence level), without pandas; ``n_sentences`` as there."""
    missing = [a for a in dict.fromkeys(r.article_id for r in records) if a not in n_sentences]
    if missing:
        raise AnalysisError(f"n_sentences has no count for the articles {', '.join(map(repr, missing))}; "
                            "give the number of sentences of every article in sentence_rows")
    groups: dict[tuple, dict[str, list[FrameHit]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        groups[(r.article_id, r.scheme)][r.frame].append(r)
    articles = list(dict.fromkeys(r.article_id for r in records))
    schemes = list(dict.fromkeys(r.scheme for r in records))
    profiled = []
    for article, scheme in sorted(groups, key=lambda k: (articles.index(k[0]), schemes.index(k[1]))):
        found = [_profile_row(article, scheme, frame, part, n_sentences[article])
                 for frame, part in groups[(article, scheme)].items()]
        # ties on share are broken by evidence, never by the frame's name: the summed score, then the number
        # of distinct indicator words, then the earlier first match (the sort is stable and ``found`` is in
        # order of first appearance)
        found.sort(key=lambda pair: (-pair[0].score, *pair[1]))
        profiled += [replace(row, rank=rank) for rank, (row, _) in enumerate(found, 1)]
    return profiled


def _profile_row(article: str, scheme: str, frame: str, part: list[FrameHit], n: int) -> tuple[FrameHit, tuple]:
    """The article-level row of one frame, and its tie-breaking keys (most summed score, most distinct
    indicator words, the longest indicator, the earliest first match)."""
    sentences = len({r.sentence_id for r in part})
    if sentences > n:
        raise AnalysisError(f"n_sentences[{article!r}] is {n}, but sentence_rows has frame {frame!r} in "
                            f"{sentences} different sentences of that article")
    words = Counter(w.strip().casefold() for r in part for w in str(r.indicators).split(";") if w.strip())
    # each sentence covers the frame up to its score: fully from one plain indicator (weight 1), a quarter
    # from one ambiguous word
    coverage: dict[int, float] = defaultdict(float)
    for r in part:
        coverage[int(r.sentence_id)] += float(r.score)
    best, seen = [], set()
    for r in sorted(part, key=lambda r: (-r.score, r.sentence_id)):
        if r.sentence_id not in seen and len(best) < _EVIDENCE_SENTENCES:
            seen.add(r.sentence_id)
            best.append(r)
    row = FrameHit(
        article_id=article, scheme=scheme, frame=frame, level="article", sentence_id=-1,
        score=round(sum(min(1.0, w) for w in coverage.values()) / n, 4),
        indicators="; ".join(f"{w} ({c})" for w, c in words.most_common(_TOP_INDICATORS)),
        evidence=" | ".join(f"[{r.sentence_id}] {_shorten(str(r.evidence))}" for r in best),
        confidence=_confidence(len(words)),
    )
    keys = (-float(sum(r.score for r in part)), -len(words), -max((len(w.split()) for w in words), default=0),
            min(int(r.sentence_id) for r in part))
    return row, keys


def leading_frames(profile: pd.DataFrame, scheme: FrameScheme | str, top: int = 2) -> pd.DataFrame:
    """The ``top`` leading frames of each article in one scheme.

    Parameters
    ----------
    profile
        Rows of :func:`frame_profile`.
    scheme
        The scheme (or its id) whose frames to keep.
    top
        How many frames per article.

    Returns
    -------
    pandas.DataFrame
        The profile rows with ``rank <= top`` for that scheme, by article
        (in profile order) and rank.

    Examples
    --------
    >>> profile = pd.DataFrame({c: [""] * 3 for c in PROFILE_COLUMNS})
    >>> profile = profile.assign(article_id="a", scheme="s", frame=["x", "y", "z"], rank=[1, 2, 3])
    >>> leading_frames(profile, "s", top=2)["frame"].tolist()
    ['x', 'y']
    """
    table = _require_columns(profile, PROFILE_COLUMNS, "profile")
    scheme_id = scheme.id if isinstance(scheme, FrameScheme) else scheme
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise AnalysisError(f"top must be a positive whole number, not {top!r}")
    present = list(dict.fromkeys(table["scheme"]))
    if present and scheme_id not in present:
        raise FrameSchemeError(invalid(f"scheme {scheme_id!r} is not in the profile", scheme_id, present,
                                        "schemes in it"))
    kept = table[(table["scheme"] == scheme_id) & (table["rank"] <= top)]
    article_order = {a: i for i, a in enumerate(dict.fromkeys(kept["article_id"]))}
    kept = kept.sort_values(["article_id", "rank"], key=lambda c: c.map(article_order) if c.name == "article_id"
                            else c, kind="stable")
    return kept.reset_index(drop=True)
