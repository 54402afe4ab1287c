r"""Read a corpus of news articles into ``Article`` records, refusing bad input clearly.

A corpus is one of:

* a folder of article files (``.md``, ``.markdown`` or ``.txt``), each with a
  YAML front-matter block followed by the article text; if the folder has an
  ``articles/`` sub-folder (as ``corpus/`` does), that sub-folder is read;
* a single article file;
* a ``.jsonl`` file, one JSON object per line, or a ``.csv`` file with a header
  row, both with the columns in ``CORPUS_COLUMNS``.

``scan_corpus`` streams one ``Article`` or ``ArticleError`` per input it finds,
so a batch run can report every bad file and carry on; ``load_corpus`` is the
notebook verb: a list of articles, or one clear ``CorpusError`` for the first
bad one.

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "demo.md").write_text(
...     "---\nid: demo\ntitle: A demo\n---\nPutin spoke.\n", encoding="utf-8")
>>> [(a.id, a.title, a.text) for a in load_corpus(folder)]
[('demo', 'A demo', 'Putin spoke.')]
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import os
import re
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import yaml

from analysis.errors import CorpusError
from analysis.types import Article, ArticleError

__all__ = [
    "load_corpus",
    "scan_corpus",
    "read_article",
    "parse_front_matter",
    "ARTICLE_SUFFIXES",
    "CORPUS_COLUMNS",
    "METADATA_KEYS",
    "ARTICLE_ID_PATTERN",
]

#: Suffixes of article files (front matter + text) read from a folder.
ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")
#: Columns of a JSONL or CSV corpus: ``id`` and ``text`` are required; the
#: others (``title``, ``outlet``, ``date``, ``url``, ``language``,
#: ``constructed``) are optional. Any other column goes to ``Article.extra``.
CORPUS_COLUMNS = ("id", "text", "title", "outlet", "date", "url", "language", "constructed")

_DEFAULT_MAX_BYTES = 50_000_000
_REQUIRED_COLUMNS = CORPUS_COLUMNS[:2]
_FRONT_MATTER_REQUIRED = ("id", "title")
# The metadata an ``Article`` has fields for; every other key goes to ``extra``.
#: Keys of an article's metadata (front matter, corpus columns other than ``text``).
METADATA_KEYS = ("id", "title", "outlet", "date", "url", "language", "constructed")
_METADATA_KEYS = METADATA_KEYS
_FRONT_MATTER_OPTIONAL = tuple(k for k in _METADATA_KEYS if k not in _FRONT_MATTER_REQUIRED)

_SUPPORTED_INPUTS = (
    f"pass a folder of article files ({', '.join(ARTICLE_SUFFIXES)}), one article file, "
    "a .jsonl file (one JSON object per line) or a .csv file with a header row "
    f"(columns {', '.join(_REQUIRED_COLUMNS)}, optionally {', '.join(CORPUS_COLUMNS[2:])})"
)

_JSONL_SHAPE = 'expected one JSON object per line, e.g. {"id": "a1", "text": "..."}'
_FENCE = "---"
_FRONT_MATTER_SHAPE = "---\nid: my-article\ntitle: ...\n---"
#: What an article id may look like.
ARTICLE_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_ID_PATTERN = ARTICLE_ID_PATTERN
_UTF8_BOM = b"\xef\xbb\xbf"
# Lone UTF-16 surrogates: JSON can write them (\ud800) but they are not text.
_SURROGATE = re.compile("[\ud800-\udfff]")
_ICONV_HINT = "re-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8 old.md > new.md`)"

# Binary sniffing looks at the start of a file only, like `file` and git do.
_SNIFF_BYTES = 8192
# Text has almost no control characters besides tab, newline, carriage return
# and form feed; a tenth of them means the file is not text.
_TEXT_CONTROLS = frozenset(b"\t\n\r\f")
_MAX_CONTROL_SHARE = 0.1
_KNOWN_BINARY_STARTS = (
    (b"\xff\xfe", "UTF-16 text, not UTF-8: re-save it as UTF-8"),
    (b"\xfe\xff", "UTF-16 text, not UTF-8: re-save it as UTF-8"),
    (b"%PDF", "a PDF file, not text: copy the article's text into a .md file"),
    (b"PK\x03\x04", "a ZIP archive (e.g. a .docx), not text: save the article as plain text"),
)

# HTML detection must not refuse articles that merely contain "<3" or "a < b":
# only real tags count, and a page is recognised by its document tags
# (<!doctype>, <html>, <head>, <body>) or by several block-level tags.
_HTML_START = re.compile(r"\s*<(?:!doctype|html)\b", re.IGNORECASE)
_HTML_DOCUMENT_TAG = re.compile(r"<(?:html|head|body)(?:\s[^<>]*)?>", re.IGNORECASE)
_HTML_CONTENT_TAG = re.compile(
    r"</?(?:p|div|br|span|a|img|li|ul|ol|table|tr|td|h[1-6]|script|style|section|article)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_MIN_CONTENT_TAGS = 3
_HTML_ADVICE = (
    "looks like HTML, not plain text: save the article's text, or convert the page first"
    " (a converter, `python -m analysis import`, is to come)"
)


class _IdentifiedArticleError(CorpusError):
    """A ``CorpusError`` about an article whose id is already known.

    ``scan_corpus`` copies the id into ``ArticleError.article_id``.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        article_id: str = "",
    ):
        self.article_id = article_id
        super().__init__(message, source=source, line=line)


# --------------------------------------------------------------------------
# Front matter
# --------------------------------------------------------------------------


def parse_front_matter(raw: str, source: str) -> tuple[dict, str, int]:
    r"""Split an article into its front-matter metadata and its body.

    Parameters
    ----------
    raw
        The whole file as text, with ``\n`` line endings (``read_article``
        strips a BOM and normalises line endings before calling this).
    source
        Where ``raw`` comes from, used in error messages.

    Returns
    -------
    metadata : dict
        The front matter, parsed with ``yaml.safe_load``.
    body : str
        Everything after the closing ``---`` line, unchanged.
    body_line : int
        1-based line number of the file where ``body`` starts.

    Raises
    ------
    CorpusError
        If the front matter is missing, not closed, malformed YAML (with the
        line in the file), empty, or not a mapping.

    Notes
    -----
    The format is the one Jekyll, Hugo and pandoc use: the first line of the
    file is ``---``, then YAML ``key: value`` lines, then a line ``---``, then
    the article text::

        ---
        id: belarus-exiles-cnn
        title: "Belarusian exiles hope to fight for Ukraine"
        outlet: CNN
        date: 2022-05-20
        ---
        Calling themselves the Pohonia Battalion, ...

    YAML is read with ``yaml.safe_load`` only, so a file cannot build Python
    objects. Quote values that contain ``": "`` or start with ``[``, ``{``,
    ``*``, ``&``, ``!``, ``|``, ``>``, ``%`` or ``@``.

    Examples
    --------
    >>> parse_front_matter("---\nid: a1\ntitle: T\n---\nText.\n", "a1.md")
    ({'id': 'a1', 'title': 'T'}, 'Text.\n', 5)
    """
    lines = raw.split("\n")
    if lines[0].rstrip() != _FENCE:
        raise CorpusError(
            "the file must start with a front-matter block (a line '---', then 'id: my-article' and "
            "'title: ...', then '---') followed by the article text; to make an article file from a plain text "
            "or a web page, run: python -m analysis import FILE --out FOLDER",
            source=source,
            line=1,
        )
    closing = _closing_fence_index(lines)
    if closing is None:
        raise CorpusError(
            f"front matter opened on line 1 is not closed: add a line '{_FENCE}' "
            "between the metadata and the article text",
            source=source,
            line=1,
        )
    metadata = _front_matter_mapping("\n".join(lines[1:closing]), source)
    return metadata, "\n".join(lines[closing + 1 :]), closing + 2


def _closing_fence_index(lines: list[str]) -> int | None:
    """Index of the ``---`` line that closes the front matter, or None."""
    for index in range(1, len(lines)):
        if lines[index].rstrip() == _FENCE:
            return index
    return None


def _front_matter_mapping(yaml_text: str, source: str) -> dict:
    """Parse the YAML between the fences; it must be a non-empty mapping."""
    # The YAML starts on line 2 of the file: YAML's 0-based line + 2.
    try:
        _refuse_aliases(yaml_text, source)
        metadata = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise CorpusError(
            f"malformed YAML in the front matter ({problem}): quote values that contain "
            "': ' or start with a special character, e.g. title: \"Kyiv: the siege\"",
            source=source,
            line=mark.line + 2 if mark is not None else 2,
        ) from None
    if metadata is None:
        raise CorpusError(
            "empty front matter: put at least 'id: ...' and 'title: ...' between the '---' lines",
            source=source,
            line=2,
        )
    if not isinstance(metadata, dict):
        raise CorpusError(
            "front matter must be 'key: value' lines (a YAML mapping), "
            f"not {_yaml_kind(metadata)}:\n{_FRONT_MATTER_SHAPE}",
            source=source,
            line=2,
        )
    return metadata


def _refuse_aliases(yaml_text: str, source: str) -> None:
    """Refuse YAML anchors and aliases (``&a``, ``*a``) before building anything.

    Front matter is a few ``key: value`` lines; anchors have no use there, and
    aliases of aliases let a few lines expand into gigabytes ("billion
    laughs"). The actor registry refuses them too.
    """
    for event in yaml.parse(yaml_text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            raise CorpusError(
                f"YAML {kind} ({'*' if kind == 'alias' else '&'}{event.anchor}) in the front matter: "
                "anchors and aliases are not allowed; write each value out "
                "(quote values that start with '&' or '*')",
                source=source,
                line=event.start_mark.line + 2,
            )


def _yaml_kind(value: object) -> str:
    """How to name a parsed YAML value that is not a mapping."""
    return "a list" if isinstance(value, list) else f"a single value ({value!r})"


def _key_line(raw: str, key: str, body_line: int) -> int:
    """Line of ``key:`` inside the front matter (line 1 when not found)."""
    pattern = re.compile(rf"{re.escape(key)}\s*:")
    for offset, text in enumerate(raw.split("\n")[1 : body_line - 2]):
        if pattern.match(text):
            return offset + 2
    return 1


# --------------------------------------------------------------------------
# One article file
# --------------------------------------------------------------------------


def read_article(path: str | os.PathLike, *, max_bytes: int = _DEFAULT_MAX_BYTES) -> Article:
    r"""Read one article file: YAML front matter, then the article text.

    Parameters
    ----------
    path
        A ``.md``, ``.markdown`` or ``.txt`` file. ``Article.source`` is this
        path, as given.
    max_bytes
        Files larger than this are refused (default 50 MB).

    Returns
    -------
    Article
        ``text`` is the body without leading blank lines and trailing
        whitespace; mention and quote offsets index this string.

    Raises
    ------
    CorpusError
        Naming the path (and line) when the file is missing, too large, empty,
        binary, not UTF-8, has missing or malformed front matter, lacks ``id``
        or ``title``, has an invalid ``id`` or ``constructed``, has no text,
        or looks like HTML.

    Notes
    -----
    See ``parse_front_matter`` for the front-matter format. ``id`` and
    ``title`` are required; ``outlet``, ``date`` (a YAML date is stored as an
    ISO string), ``url``, ``language`` (default ``en``) and ``constructed``
    (``true`` for texts written for a test) are optional; other keys are kept
    in ``Article.extra``. A UTF-8 BOM is dropped and ``\r\n`` / ``\r`` line
    endings become ``\n``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a1.md"
    >>> _ = path.write_text("---\nid: a1\ntitle: T\ndate: 2022-05-20\n---\n\nText.\n")
    >>> article = read_article(path)
    >>> article.id, article.date, article.text
    ('a1', '2022-05-20', 'Text.')
    """
    source = os.fspath(path)
    data = _read_article_bytes(Path(source), source, max_bytes)
    raw = _normalise_newlines(_decoded_utf8(data, source).removeprefix("\ufeff"))
    metadata, body, body_line = parse_front_matter(raw, source)
    return _article_from_front_matter(metadata, body, body_line, raw, source)


def _read_article_bytes(path: Path, source: str, max_bytes: int) -> bytes:
    """The file's bytes, after checking it exists, fits and is non-empty text."""
    data = _read_regular_file(path, source, max_bytes)
    if not data.removeprefix(_UTF8_BOM).strip():
        raise CorpusError("empty file: an article needs front matter and text", source=source)
    reason = _binary_reason(data[:_SNIFF_BYTES])
    if reason is not None:
        raise CorpusError(reason, source=source)
    return data


def _check_regular_file(path: Path, source: str) -> os.stat_result:
    """``path``'s status, if it is a regular file (a symbolic link to one is followed).

    Folders, FIFOs, sockets and devices (``/dev/zero`` behind a link) are
    refused without being opened: opening a FIFO for reading blocks until
    someone writes to it, and a device can be read forever.
    """
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise CorpusError("file not found (or a broken symbolic link)", source=source) from None
    except OSError as exc:
        raise CorpusError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    if stat.S_ISDIR(status.st_mode):
        raise CorpusError(
            "is a folder, not an article file: use scan_corpus() or load_corpus() for folders",
            source=source,
        )
    if not stat.S_ISREG(status.st_mode):
        raise CorpusError(
            f"not a regular file ({_file_kind(status.st_mode)}): give article files, "
            "not pipes, sockets or devices",
            source=source,
        )
    return status


def _file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _too_large(size: int, max_bytes: int, source: str) -> CorpusError:
    return CorpusError(
        f"file is {size:,} bytes, more than the limit of {max_bytes:,} (max_bytes): "
        "split it into one file per article, or raise max_bytes",
        source=source,
    )


def _read_regular_file(path: Path, source: str, max_bytes: int) -> bytes:
    """At most ``max_bytes`` bytes of a regular file; a larger file is refused, never read whole."""
    status = _check_regular_file(path, source)
    if status.st_size > max_bytes:
        raise _too_large(status.st_size, max_bytes, source)
    try:
        # O_NONBLOCK: should the file be swapped for a FIFO since the check, opening does not hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise CorpusError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise CorpusError("not a regular file: give article files, not pipes or devices", source=source)
        data = handle.read(max_bytes + 1)  # a file that grows past the check is still capped
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes, source)
    return data


def _binary_reason(head: bytes) -> str | None:
    """Why ``head`` (the start of a file) is not text, or None if it looks like text."""
    for start, reason in _KNOWN_BINARY_STARTS:
        if head.startswith(start):
            return f"binary file: {reason}"
    if b"\x00" in head:
        return "binary file, not text (it contains NUL bytes): save the article as UTF-8 text"
    controls = sum(
        1 for byte in head if (byte < 0x20 or byte == 0x7F) and byte not in _TEXT_CONTROLS
    )
    if head and controls / len(head) > _MAX_CONTROL_SHARE:
        return (
            f"binary file, not text ({controls} control characters in the first "
            f"{len(head)} bytes): save the article as UTF-8 text"
        )
    return None


def _decoded_utf8(data: bytes, source: str) -> str:
    """``data`` decoded as UTF-8; the error gives the line and byte offset of the bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = 1 + data.count(b"\n", 0, exc.start)
        raise CorpusError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at byte offset {exc.start} "
            f"cannot be decoded; {_ICONV_HINT}",
            source=source,
            line=line,
        ) from None


def _normalise_newlines(text: str) -> str:
    r"""``text`` with ``\r\n`` and ``\r`` line endings turned into ``\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _article_text(body: str) -> str:
    """The body without leading blank lines and trailing whitespace."""
    return re.sub(r"\A(?:[ \t\f\v]*\n)+", "", body).rstrip()


def _article_from_front_matter(
    metadata: dict, body: str, body_line: int, raw: str, source: str
) -> Article:
    """Validate the metadata and body of an article file and build the ``Article``."""
    missing = [key for key in _FRONT_MATTER_REQUIRED if key not in metadata]
    if missing:
        raise CorpusError(
            f"front matter has no {missing[0]!r}: add a line '{missing[0]}: ...' "
            f"({_valid_keys_text(_FRONT_MATTER_REQUIRED, _FRONT_MATTER_OPTIONAL)})",
            source=source,
            line=1,
        )
    article = _article_from_fields(
        metadata, "", source, line_of=lambda key: _key_line(raw, key, body_line)
    )
    # An empty title ("title: ''") is kept as empty: real articles may have no headline.
    text = _article_text(body)
    if not text:
        raise _IdentifiedArticleError(
            "front matter but no article text: put the text after the closing '---' line",
            source=source,
            line=body_line,
            article_id=article.id,
        )
    html = _html_evidence(body)
    if html is not None:
        offset, found = html
        raise _IdentifiedArticleError(
            f"{_HTML_ADVICE}; found {found}",
            source=source,
            line=body_line + body.count("\n", 0, offset),
            article_id=article.id,
        )
    return _with_text(article, text)


def _valid_keys_text(required: Iterable[str], optional: Iterable[str]) -> str:
    """The sentence that lists valid keys or columns in error messages."""
    return (
        f"required: {', '.join(required)}; optional: {', '.join(optional)}; "
        "any other key is kept in Article.extra"
    )


def _html_evidence(text: str) -> tuple[int, str] | None:
    """Where ``text`` shows it is an HTML page, and the tags found; None for plain text."""
    start = _HTML_START.match(text)
    if start is not None:
        return start.group().index("<"), repr(start.group().strip())
    document_tag = _HTML_DOCUMENT_TAG.search(text)
    if document_tag is not None:
        return document_tag.start(), repr(document_tag.group()[:30])
    content_tags = list(_HTML_CONTENT_TAG.finditer(text))
    if len(content_tags) >= _MIN_CONTENT_TAGS:
        shown = ", ".join(repr(tag.group()[:30]) for tag in content_tags[:3])
        return content_tags[0].start(), f"{len(content_tags)} HTML tags ({shown}, ...)"
    return None


# --------------------------------------------------------------------------
# Metadata shared by article files, JSONL and CSV
# --------------------------------------------------------------------------


def _article_from_fields(
    fields: Mapping,
    text: str,
    source: str,
    *,
    line_of: Callable[[str], int | None] = lambda key: None,
) -> Article:
    """An ``Article`` from metadata fields (without ``text``), validating each field.

    ``line_of(key)`` gives the line to report for a bad field (None in a
    JSONL/CSV row, whose source already names the line).
    """
    article_id = _validated_id(fields.get("id"), source, line_of("id"))
    constructed = fields.get("constructed", False)
    if not isinstance(constructed, bool):
        raise _IdentifiedArticleError(
            f"'constructed' must be true or false (true for a text written for a test), "
            f"not {constructed!r}",
            source=source,
            line=line_of("constructed"),
            article_id=article_id,
        )
    return Article(
        id=article_id,
        text=text,
        title=_field_text(fields.get("title")),
        outlet=_field_text(fields.get("outlet")),
        date=_field_text(fields.get("date")),
        url=_field_text(fields.get("url")),
        language=_field_text(fields.get("language")) or "en",
        source=source,
        constructed=constructed,
        extra=_extra_pairs(fields),
    )


def _validated_id(value: object, source: str, line: int | None) -> str:
    """The article id as a string; it must match ``[A-Za-z0-9][A-Za-z0-9._-]*``."""
    if value is None or value == "":
        raise CorpusError(
            "'id' is empty: give the article a short unique id, e.g. 'belarus-exiles-cnn'",
            source=source,
            line=line,
        )
    # Integers are accepted because YAML and JSON read `id: 2022` as a number.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _ID_PATTERN.fullmatch(value):
        raise CorpusError(
            f"id {value!r} is not valid: use letters, digits, '.', '_' and '-', starting "
            "with a letter or digit (e.g. 'belarus-exiles-cnn')",
            source=source,
            line=line,
        )
    return value


def _field_text(value: object) -> str:
    """A metadata value as text: YAML dates become ISO strings, None becomes ''."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _extra_pairs(fields: Mapping) -> tuple[tuple[str, str], ...]:
    """Keys without an ``Article`` field, as sorted ``(key, value)`` text pairs."""
    return tuple(
        sorted(
            (str(key), _field_text(value))
            for key, value in fields.items()
            if key not in _METADATA_KEYS
        )
    )


def _with_text(article: Article, text: str) -> Article:
    """``article`` with its text set (``Article`` is frozen)."""
    return dataclasses.replace(article, text=text)


# --------------------------------------------------------------------------
# JSONL and CSV records
# --------------------------------------------------------------------------


def _article_from_record(record: Mapping, source: str, max_bytes: int) -> Article:
    """An ``Article`` from one JSONL object or CSV row (``source`` is ``path:LINE``)."""
    missing = [key for key in _REQUIRED_COLUMNS if key not in record]
    if missing:
        raise CorpusError(
            f"missing {' and '.join(repr(k) for k in missing)} "
            f"({_valid_keys_text(_REQUIRED_COLUMNS, CORPUS_COLUMNS[2:])})",
            source=source,
        )
    for key, value in record.items():
        if isinstance(value, str) and _SURROGATE.search(value):
            found = _SURROGATE.search(value).group()
            raise CorpusError(
                f"{key!r} holds a lone surrogate (\\u{ord(found):04x}), which is not a character: "
                "fix the \\u escape in the file (a surrogate must be paired)",
                source=source,
            )
    metadata = {key: value for key, value in record.items() if key != "text"}
    article = _article_from_fields(metadata, "", source)
    raw_text = record["text"]
    if not isinstance(raw_text, str):
        raise _IdentifiedArticleError(
            f"'text' must be a string, not {type(raw_text).__name__}",
            source=source,
            article_id=article.id,
        )
    size = len(raw_text.encode("utf-8"))
    if size > max_bytes:
        raise _IdentifiedArticleError(
            f"text is {size:,} bytes, more than the limit of {max_bytes:,} (max_bytes)",
            source=source,
            article_id=article.id,
        )
    text = _article_text(_normalise_newlines(raw_text))
    if not text:
        raise _IdentifiedArticleError(
            "empty 'text': give the article's text", source=source, article_id=article.id
        )
    html = _html_evidence(text)
    if html is not None:
        raise _IdentifiedArticleError(
            f"{_HTML_ADVICE}; found {html[1]}", source=source, article_id=article.id
        )
    return _with_text(article, text)


def _scan_jsonl(path: Path, max_bytes: int) -> Iterator[Article | ArticleError]:
    """One ``Article`` or ``ArticleError`` per non-blank line of a JSONL file."""
    source = os.fspath(path)
    found_any = False
    with path.open("rb") as handle:
        reason = _binary_reason(handle.read(_SNIFF_BYTES))
        if reason is not None:
            yield _article_error(CorpusError(reason, source=source))
            return
        handle.seek(0)
        for line_number, (size, line) in enumerate(_capped_lines(handle, max_bytes), start=1):
            if line is None:
                found_any = True
                yield _article_error(_line_too_long(size, max_bytes, f"{source}:{line_number}"))
                continue
            if line_number == 1:
                line = line.removeprefix(_UTF8_BOM)
            if not line.strip():
                continue
            found_any = True
            yield _jsonl_line_result(line, f"{source}:{line_number}", max_bytes)
    if not found_any:
        yield _article_error(CorpusError(f"empty file: {_JSONL_SHAPE}", source=source))


def _capped_lines(handle, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """``(size, line)`` for each line of a binary file; ``line`` is None for a line
    longer than ``max_bytes``, which is skipped to its end without being kept."""
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield len(line), line
            continue
        size = len(line)
        while line and not line.endswith(b"\n"):
            line = handle.readline(1 << 20)
            size += len(line)
        yield size, None


def _line_too_long(size: int, max_bytes: int, source: str) -> CorpusError:
    return CorpusError(
        f"line is {size:,} bytes, more than the limit of {max_bytes:,} (max_bytes)", source=source
    )


def _jsonl_line_result(line: bytes, source: str, max_bytes: int) -> Article | ArticleError:
    """The ``Article`` on one JSONL line, or the ``ArticleError`` that says what is wrong."""
    try:
        if len(line) > max_bytes:
            raise _line_too_long(len(line), max_bytes, source)
        record = _json_object(_decoded_utf8_line(line, source), source)
        return _article_from_record(record, source, max_bytes)
    except CorpusError as err:
        return _article_error(err)


def _decoded_utf8_line(line: bytes, source: str) -> str:
    """One line of a JSONL or CSV file decoded as UTF-8 (``source`` names the line)."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"not UTF-8 text: byte 0x{line[exc.start]:02x} at byte {exc.start} of the line "
            f"cannot be decoded; {_ICONV_HINT}",
            source=source,
        ) from None


def _json_object(text: str, source: str) -> dict:
    """The JSON object on one line; errors say what one line must look like."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorpusError(
            f"not valid JSON ({exc.msg} at column {exc.colno}): {_JSONL_SHAPE}",
            source=source,
        ) from None
    if not isinstance(value, dict):
        raise CorpusError(
            f"not a JSON object but a {type(value).__name__}: {_JSONL_SHAPE}",
            source=source,
        )
    return value


def _scan_csv(path: Path, max_bytes: int) -> Iterator[Article | ArticleError]:
    """One ``Article`` or ``ArticleError`` per data row of a CSV file with a header row."""
    source = os.fspath(path)
    # The csv module refuses fields over 128 KiB by default; a long article is
    # one field, so the limit is raised (never lowered) to max_bytes.
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes))
    with path.open("rb") as handle:
        reason = _binary_reason(handle.read(_SNIFF_BYTES))
        if reason is not None:
            yield _article_error(CorpusError(reason, source=source))
            return
        handle.seek(0)
        try:
            yield from _csv_rows(_CsvLines(handle, source, max_bytes + _CSV_LINE_SLACK), source, max_bytes)
        except CorpusError as err:
            # A decoding error leaves the rows after it unreliable: report and stop.
            yield _article_error(err)


#: A physical CSV line may hold the text (up to max_bytes) and this much metadata.
_CSV_LINE_SLACK = 1_000_000


class _LineTooLong(Exception):
    """A physical line of a CSV file is over the limit (it was skipped, not kept)."""

    def __init__(self, line_number: int, size: int):
        self.line_number, self.size = line_number, size


class _CsvLines:
    """The physical lines of a CSV file as text, for ``csv.reader``, remembering
    which lines the current row took, and able to put lines back so that the
    rows after a broken one are read again."""

    def __init__(self, handle, source: str, max_line_bytes: int):
        self._lines = enumerate(_capped_lines(handle, max_line_bytes), start=1)
        self._source = source
        self._back: deque[tuple[int, str] | _LineTooLong] = deque()
        self.taken: list[tuple[int, str]] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        item = self._back.popleft() if self._back else self._read()
        if isinstance(item, _LineTooLong):
            raise item
        self.taken.append(item)
        return item[1]

    def _read(self) -> tuple[int, str]:
        line_number, (size, line) = next(self._lines)
        if line is None:
            raise _LineTooLong(line_number, size)
        if line_number == 1:
            line = line.removeprefix(_UTF8_BOM)
        return line_number, _decoded_utf8_line(line, f"{self._source}:{line_number}")

    def at_end(self) -> bool:
        """Whether no line is left (reads one line ahead)."""
        if self._back:
            return False
        try:
            self._back.append(self._read())
        except StopIteration:
            return True
        except _LineTooLong as exc:
            self._back.append(exc)  # raised when that line is reached
        return False

    def put_back(self, items: list[tuple[int, str]]) -> None:
        self._back.extendleft(reversed(items))


def _unclosed_quote(lines: list[tuple[int, str]], at_end: bool) -> str | None:
    """Why the row read from ``lines`` is a quote gone wrong, or None.

    A row spans several lines only through a quoted field; read strictly, a
    well-formed one parses alone. An unterminated quote instead runs into the
    next rows, to the next quotation mark (then text follows the "closing"
    mark) or to the end of the file.
    """
    if len(lines) < 2 and not at_end:
        return None
    try:
        list(csv.reader([text for _, text in lines], strict=True))
    except csv.Error as exc:
        if len(lines) < 2 and "unexpected end of data" not in str(exc):
            return None  # a stray quote inside an unquoted field: read as written, as before
        first, last = lines[0][0], lines[-1][0]
        where = "the end of the file" if at_end else f"line {last}"
        return (
            f"a quoted field opened on line {first} is not closed properly (it runs to {where}): "
            "close the quote, and double the quotation marks inside a quoted field (\"\"); "
            "the lines after this one were read again as rows"
        )
    return None


def _csv_rows(lines: _CsvLines, source: str, max_bytes: int) -> Iterator[Article | ArticleError]:
    """Results for the rows of a CSV file, after checking its header row.

    Each row's ``source`` is ``path:LINE`` with the physical line it starts
    on. A row broken by an unterminated quote becomes an error row and the
    lines it swallowed are read again as rows: no row is lost silently.
    """
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
    except (csv.Error, _LineTooLong) as exc:
        yield _article_error(CorpusError(f"malformed CSV header row ({exc})", source=source, line=1))
        return
    if header is None:
        message = f"empty file: a CSV corpus needs a header row ({', '.join(CORPUS_COLUMNS)})"
        yield _article_error(CorpusError(message, source=source))
        return
    header = [name.strip() for name in header]
    problem = _csv_header_problem(header)
    if problem is not None:
        yield _article_error(CorpusError(problem, source=source, line=1))
        return
    rows_seen = 0
    while True:
        lines.taken = []
        try:
            row = next(reader, None)
        except _LineTooLong as exc:
            rows_seen += 1
            first = lines.taken[0][0] if lines.taken else exc.line_number
            message = (f"line {exc.line_number} is {exc.size:,} bytes, more than the limit of "
                       f"{max_bytes + _CSV_LINE_SLACK:,}: this row was skipped")
            yield _article_error(CorpusError(message, source=f"{source}:{first}"))
            reader = csv.reader(lines)
            continue
        except csv.Error as exc:
            rows_seen += 1
            taken = lines.taken
            first = taken[0][0] if taken else "?"
            message = f"malformed CSV ({exc}); the lines after this one were read again as rows"
            yield _article_error(CorpusError(message, source=f"{source}:{first}"))
            lines.put_back(taken[1:])
            reader = csv.reader(lines)
            continue
        if row is None:
            break
        taken = lines.taken
        row_source = f"{source}:{taken[0][0]}"
        if not any(cell.strip() for cell in row):
            continue
        rows_seen += 1
        broken = _unclosed_quote(taken, lines.at_end())
        if broken is not None:
            yield _article_error(CorpusError(broken, source=row_source))
            lines.put_back(taken[1:])
            reader = csv.reader(lines)
            continue
        yield _csv_row_result(header, row, row_source, max_bytes)
    if rows_seen == 0:
        message = "a header row but no articles: add one row per article"
        yield _article_error(CorpusError(message, source=source))


def _csv_header_problem(header: list[str]) -> str | None:
    """What is wrong with a CSV header row, or None when it has the required columns."""
    missing = [name for name in _REQUIRED_COLUMNS if name not in header]
    if missing:
        return (
            f"missing column(s) {', '.join(missing)}; the header row has "
            f"{', '.join(repr(name) for name in header)}; a CSV corpus needs a header row "
            f"({_valid_keys_text(_REQUIRED_COLUMNS, CORPUS_COLUMNS[2:])})"
        )
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        return f"column(s) {', '.join(duplicated)} appear more than once in the header row"
    return None


def _csv_row_result(
    header: list[str], row: list[str], source: str, max_bytes: int
) -> Article | ArticleError:
    """The ``Article`` in one CSV row, or the ``ArticleError`` that says what is wrong."""
    try:
        if len(row) != len(header):
            raise CorpusError(
                f"row has {len(row)} fields but the header has {len(header)} columns: "
                "quote fields that contain commas or line breaks",
                source=source,
            )
        return _article_from_record(_csv_record(header, row, source), source, max_bytes)
    except CorpusError as err:
        return _article_error(err)


def _csv_record(header: list[str], row: list[str], source: str) -> dict:
    """A CSV row as a record: empty cells are absent, ``constructed`` becomes a bool."""
    record = {
        name: cell for name, cell in zip(header, row, strict=True) if cell.strip() or name == "text"
    }
    if "constructed" in record:
        flag = record["constructed"].strip().lower()
        if flag not in ("true", "false"):
            raise CorpusError(
                f"'constructed' must be true or false, not {record['constructed']!r}",
                source=source,
            )
        record["constructed"] = flag == "true"
    return record


# --------------------------------------------------------------------------
# Folders and the public verbs
# --------------------------------------------------------------------------


def scan_corpus(
    path: str | os.PathLike, *, max_bytes: int = _DEFAULT_MAX_BYTES
) -> Iterator[Article | ArticleError]:
    r"""Stream the articles of a corpus, with an ``ArticleError`` for every bad one.

    Parameters
    ----------
    path
        A folder of article files (its ``articles/`` sub-folder if it has
        one), a single ``.md``/``.markdown``/``.txt`` article, a ``.jsonl``
        file or a ``.csv`` file.
    max_bytes
        Largest article file (or JSONL line, or CSV text) accepted.

    Yields
    ------
    Article or ArticleError
        One per input: a folder's files in name order (sub-folders
        recursively, hidden files skipped, files of other types reported),
        or the non-blank lines / rows of a JSONL / CSV file. A repeated id
        is an ``ArticleError`` naming both sources.

    Raises
    ------
    CorpusError
        Right away if ``path`` does not exist, is an unsupported file type,
        or is a folder with no article files.

    Notes
    -----
    Only the ids seen so far are kept in memory, so a corpus of any size
    can be streamed. Article files have YAML front matter (see
    ``parse_front_matter``); JSONL and CSV rows have the columns in
    ``CORPUS_COLUMNS``, and their ``source`` is ``path:LINE``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "corpus.jsonl"
    >>> _ = path.write_text('{"id": "a1", "text": "Hi."}\n[1, 2]\n')
    >>> [type(item).__name__ for item in scan_corpus(path)]
    ['Article', 'ArticleError']
    """
    root = Path(path)
    items = _corpus_items(root, max_bytes)
    return _without_duplicate_ids(items)


def load_corpus(path: str | os.PathLike, *, max_bytes: int = _DEFAULT_MAX_BYTES) -> list[Article]:
    r"""Read a whole corpus into a list of articles (for notebooks).

    Parameters
    ----------
    path
        A folder of article files, one article file, a ``.jsonl`` or a
        ``.csv`` file (see ``scan_corpus``).
    max_bytes
        Largest article file accepted.

    Returns
    -------
    list of Article
        In the order ``scan_corpus`` yields them.

    Raises
    ------
    CorpusError
        For the first bad article, with its message (file, line and what
        would be valid), or when ``path`` cannot be read as a corpus.

    Notes
    -----
    An article file starts with a YAML front-matter block between two
    ``---`` lines, with at least ``id`` and ``title``; the article text
    follows (see ``parse_front_matter``). Use ``scan_corpus`` to carry on
    past bad articles.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "demo.md").write_text(
    ...     "---\nid: demo\ntitle: A demo\nconstructed: true\n---\nPutin spoke.\n")
    >>> articles = load_corpus(folder)
    >>> articles[0].id, articles[0].constructed, articles[0].text
    ('demo', True, 'Putin spoke.')
    """
    articles = []
    for item in scan_corpus(path, max_bytes=max_bytes):
        if isinstance(item, ArticleError):
            raise CorpusError(item.message)
        articles.append(item)
    return articles


def _corpus_items(root: Path, max_bytes: int) -> Iterator[Article | ArticleError]:
    """The stream for ``root``, after the checks that raise before anything is read."""
    source = os.fspath(root)
    if not root.exists():
        raise CorpusError(f"no such file or folder; {_SUPPORTED_INPUTS}", source=source)
    if root.is_dir():
        folder = root / "articles" if (root / "articles").is_dir() else root
        if not any(_is_article_file(file) for file in _folder_files(folder)):
            raise CorpusError(
                f"no article files ({', '.join(ARTICLE_SUFFIXES)}) in this folder; "
                f"{_SUPPORTED_INPUTS}",
                source=os.fspath(folder),
            )
        return _scan_folder(folder, max_bytes)
    suffix = root.suffix.lower()
    if suffix in (*ARTICLE_SUFFIXES, ".jsonl", ".csv"):
        _check_regular_file(root, source)
    if suffix in ARTICLE_SUFFIXES:
        return _scan_article_file(root, max_bytes)
    if suffix == ".jsonl":
        return _scan_jsonl(root, max_bytes)
    if suffix == ".csv":
        return _scan_csv(root, max_bytes)
    raise CorpusError(
        f"unsupported input type {root.suffix or '(no suffix)'!r}; {_SUPPORTED_INPUTS}",
        source=source,
    )


def _folder_files(folder: Path, _seen: frozenset = frozenset()) -> Iterator[Path]:
    """Non-hidden files under ``folder``, in name order, sub-folders recursively.

    A folder reached again through a symbolic link (a loop) is not entered
    twice; a folder that cannot be listed is yielded itself, for
    ``_scan_folder`` to report.
    """
    try:
        status = folder.stat()
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        yield folder
        return
    seen = _seen | {(status.st_dev, status.st_ino)}
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            try:
                inner = entry.stat()
            except OSError:
                yield entry
                continue
            if (inner.st_dev, inner.st_ino) not in seen:
                yield from _folder_files(entry, seen)
        else:
            yield entry


def _is_article_file(path: Path) -> bool:
    """Whether ``path`` has one of ``ARTICLE_SUFFIXES``."""
    return path.suffix.lower() in ARTICLE_SUFFIXES


def _scan_folder(folder: Path, max_bytes: int) -> Iterator[Article | ArticleError]:
    """One result per file under ``folder``; a file of another type is an error, never skipped."""
    for file in _folder_files(folder):
        if file.is_dir():
            message = "cannot list this folder (permissions?): its files were not read"
            yield _article_error(CorpusError(message, source=os.fspath(file)))
        elif _is_article_file(file):
            yield _article_file_result(file, max_bytes)
        else:
            message = (
                f"unsupported file type {file.suffix or '(no suffix)'!r}: article files must end "
                f"in {', '.join(ARTICLE_SUFFIXES)} (a .jsonl or .csv corpus is read when passed "
                "as the path itself; move other files out of the folder)"
            )
            yield _article_error(CorpusError(message, source=os.fspath(file)))


def _scan_article_file(path: Path, max_bytes: int) -> Iterator[Article | ArticleError]:
    """The one result for a single article file, read when the stream is consumed."""
    yield _article_file_result(path, max_bytes)


def _article_file_result(path: Path, max_bytes: int) -> Article | ArticleError:
    """``read_article(path)``, with its ``CorpusError`` turned into an ``ArticleError``."""
    try:
        return read_article(path, max_bytes=max_bytes)
    except CorpusError as err:
        return _article_error(err)


def _article_error(err: CorpusError) -> ArticleError:
    """The ``ArticleError`` row for ``err``: its source, message and the id when known."""
    article_id = getattr(err, "article_id", "")
    return ArticleError(source=err.source or "", message=str(err), article_id=article_id)


def _without_duplicate_ids(
    items: Iterable[Article | ArticleError],
) -> Iterator[Article | ArticleError]:
    """``items`` with every repeat of an earlier article's id turned into an ``ArticleError``."""
    first_source: dict[str, str] = {}
    for item in items:
        if isinstance(item, Article):
            if item.id in first_source:
                item = _article_error(
                    _IdentifiedArticleError(
                        f"duplicate id {item.id!r}: already used by {first_source[item.id]}; "
                        "give each article its own id",
                        source=item.source,
                        article_id=item.id,
                    ),
                )
            else:
                first_source[item.id] = item.source
        yield item
