r"""Turn researchers' files into corpus article files (front matter + text).

``python -m analysis import PATH... --out corpus/articles`` calls
:func:`import_files`. Each input becomes one article file per article it
holds, written as UTF-8 with ``\n`` line ends in the format
:func:`analysis.corpus.read_article` reads:

* ``.html`` / ``.htm``: the page's main text, title, date and site name, found
  by trafilatura (:func:`html_to_article`); menus, footers and share links are
  left out;
* ``.txt`` / ``.md`` / ``.markdown`` without front matter: the text, with its
  first line as the title (:func:`text_to_article`); a file that already has
  front matter is checked with ``read_article`` and copied;
* research data sets, recognised by their fields: NewsMTSC ``.jsonl``
  (``sentence_normalized``, ``targets``), PolNeAR ``.jsonl`` (``filename``,
  ``text``, ``attributions``), PerSenT ``.csv`` (``DOCUMENT``,
  ``TARGET_ENTITY``), and corpus ``.jsonl`` / ``.csv`` files (``id``,
  ``text``; see :data:`analysis.corpus.CORPUS_COLUMNS`).

Every input, and every bad record in a data set, gives an
:class:`ImportResult` row: the file written, or the reason it was not. Each
file is read back with ``read_article`` before it is put in place, so what
lands in the output folder loads with ``scan_corpus``.

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "note.txt").write_text("Exiles meet in Warsaw\nThe volunteers met.\n")
>>> [(r.article_id, r.error) for r in import_files([folder / "note.txt"], folder / "articles")]
[('exiles-meet-in-warsaw', '')]
>>> print((folder / "articles" / "exiles-meet-in-warsaw.md").read_text())
---
id: exiles-meet-in-warsaw
title: Exiles meet in Warsaw
outlet: ''
date: ''
url: ''
language: en
constructed: false
imported_from: note.txt
---
The volunteers met.
<BLANKLINE>
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import yaml

from analysis.corpus import ARTICLE_ID_PATTERN, ARTICLE_SUFFIXES, METADATA_KEYS, read_article, scan_corpus
from analysis.datasets import read_persent, read_polnear
from analysis.errors import AnalysisError, CorpusError, PipelineError
from analysis.types import Article, ArticleError

__all__ = [
    "ImportResult",
    "article_file_text",
    "html_to_article",
    "text_to_article",
    "import_files",
    "IMPORT_SUFFIXES",
    "TRAFILATURA_VERSION",
]

#: Suffixes :func:`import_files` reads.
IMPORT_SUFFIXES = (".html", ".htm", *ARTICLE_SUFFIXES, ".jsonl", ".csv")
#: The trafilatura release the HTML import was written and tested with.
TRAFILATURA_VERSION = "2.3.1"

# Front-matter keys of an article file, in the order they are written.
_FRONT_MATTER_KEYS = METADATA_KEYS
_ID_PATTERN = ARTICLE_ID_PATTERN
_MAX_SLUG = 60
_FALLBACK_ID = "article"
# A first line longer than this is a paragraph, not a headline.
_MAX_HEADLINE = 150
_TITLE_WORDS = 12
_SNIFF_BYTES = 8192
_SNIFF_RECORDS = 20
_HTML_START = re.compile(r"\s*<(?:!doctype\s+html|html)\b", re.IGNORECASE)
_TEXT_SUFFIXES = ARTICLE_SUFFIXES
_HTML_SUFFIXES = (".html", ".htm")
# NewsMTSC's primary_gid is "<article>_<sentence index>_<mention>_<from>_<to>",
# e.g. "allsides_<story>_<article>_11_<mention>_88_92" or "polusa_v1_<article>_-1_30_...".
_NEWSMTSC_GID = re.compile(r"(?P<article>.+)_(?P<sentence>-?\d+)_(?P<mention>.*)_(?P<start>-?\d+)_(?P<end>-?\d+)")
_PERSENT_COLUMNS = ("DOCUMENT_INDEX", "TITLE", "TARGET_ENTITY", "DOCUMENT", "TRUE_SENTIMENT")
# Errors a reader of a research file may raise on a malformed file: reported
# as a row, never allowed to stop the batch.
_READER_ERRORS = (AnalysisError, OSError, ValueError, KeyError, TypeError, AttributeError, csv.Error)


class ImportResult(NamedTuple):
    """What became of one input file, or of one record of a data set.

    Attributes
    ----------
    source
        The input: a path, or ``path:LINE`` / ``path:KEY`` for a record.
    path
        The article file written (or already in place); ``""`` when none.
    article_id
        The id of the article, when one was made; else ``""``.
    error
        Why nothing was written; ``""`` on success.
    """

    source: str
    path: str
    article_id: str
    error: str = ""
    #: A warning about an article that was written, e.g. that its text repeats another article's.
    note: str = ""

    @property
    def ok(self) -> bool:
        """Whether the article file is in place."""
        return not self.error


# --------------------------------------------------------------------------
# Writing an article file
# --------------------------------------------------------------------------


def article_file_text(article: Article) -> str:
    r"""The text of the corpus file for ``article``: YAML front matter, then the body.

    Parameters
    ----------
    article
        Any ``Article``; ``source`` is not written (it is where a file is
        read from).

    Returns
    -------
    str
        ``---``, the keys ``id, title, outlet, date, url, language,
        constructed`` in that order, then ``Article.extra`` (sorted), ``---``
        and the text, ending in one newline. Line ends are ``\n``.

    Raises
    ------
    CorpusError
        If the file would not read back: the id is not valid, the title or
        the text is empty, or an ``extra`` key repeats a metadata key.

    Notes
    -----
    Values are written with ``yaml.safe_dump``, so a date or a title such as
    ``"2022"`` stays a string. ``read_article`` of the written file gives an
    ``Article`` equal to ``article`` (``source`` aside) whenever its text
    has no leading blank line or trailing whitespace, as every text made by
    this module and by ``read_article`` has.

    Examples
    --------
    >>> print(article_file_text(Article(id="a1", title="Minsk: a quiet day", text="Putin spoke.",
    ...                                 date="2022-05-20", extra=(("note", "demo"),))))
    ---
    id: a1
    title: 'Minsk: a quiet day'
    outlet: ''
    date: '2022-05-20'
    url: ''
    language: en
    constructed: false
    note: demo
    ---
    Putin spoke.
    <BLANKLINE>
    """
    where = article.source or None
    if not isinstance(article.id, str) or not _ID_PATTERN.fullmatch(article.id):
        raise CorpusError(f"id {article.id!r} is not valid: {_ID_RULE}", source=where)
    if not article.title.strip():
        raise CorpusError(f"article {article.id!r} has no title: read_article needs one", source=where)
    if not _normal_text(article.text):
        raise CorpusError(f"article {article.id!r} has no text", source=where)
    metadata: dict[str, object] = {key: getattr(article, key) for key in _FRONT_MATTER_KEYS}
    for key, value in sorted(article.extra):
        if key in metadata:
            raise CorpusError(
                f"extra key {key!r} repeats a front-matter field ({', '.join(_FRONT_MATTER_KEYS)}): rename it",
                source=article.source or None,
            )
        metadata[key] = value
    front = yaml.safe_dump(
        metadata, sort_keys=False, allow_unicode=True, default_flow_style=False, width=float("inf")
    )
    return f"---\n{front}---\n{_normal_text(article.text)}\n"


_ID_RULE = "use letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. 'belarus-exiles-cnn')"


def _normal_text(text: str) -> str:
    r"""``text`` as ``read_article`` gives it back: ``\n`` line ends, no leading blank
    lines, no trailing whitespace."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"\A(?:[ \t\f\v]*\n)+", "", text).rstrip()


def _one_line(text: str) -> str:
    """``text`` with every run of whitespace (line breaks too) made one space."""
    return " ".join(text.split())


# Latin letters that Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ß": "ss",
                               "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "ı": "i"})


def _slug(text: str) -> str:
    """A valid article id made from ``text``: ASCII, lower case, words joined by '-'.

    Accents are dropped (``Łukašenka`` -> ``lukasenka``); empty when ``text``
    has no Latin letters or digits (e.g. a Cyrillic title).
    """
    ascii_text = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED)).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > _MAX_SLUG:
            break
        slug = candidate
    return slug or (words[0][:_MAX_SLUG] if words else "")


def _article_id(given: str | None, *candidates: str, source: str) -> str:
    """``given`` when valid (an error otherwise), else the first non-empty slug of ``candidates``."""
    if given is not None:
        if not _ID_PATTERN.fullmatch(given):
            raise CorpusError(f"article_id {given!r} is not valid: {_ID_RULE}", source=source)
        return given
    for candidate in candidates:
        slug = _slug(candidate)
        if slug:
            return slug
    return _FALLBACK_ID


def _short_title(text: str) -> str:
    """The first words of ``text`` as a title, with '…' when cut."""
    words = text.split()
    return " ".join(words[:_TITLE_WORDS]) + (" …" if len(words) > _TITLE_WORDS else "")


# --------------------------------------------------------------------------
# HTML pages and plain text
# --------------------------------------------------------------------------


def html_to_article(
    html: str | bytes, *, source: str, article_id: str | None = None, outlet: str | None = None
) -> Article:
    """An ``Article`` from a news page: main text, title, date and site name.

    Parameters
    ----------
    html
        The page's HTML (``bytes`` are decoded by trafilatura, which reads the
        page's declared charset). Nothing is fetched: links and the page's
        URL are never followed.
    source
        Where the page comes from (a path or a URL), for error messages and
        as ``Article.source``.
    article_id
        The id to give the article; by default a slug of the title (or of
        ``source``'s file name when the title has no Latin letters or digits).
    outlet
        The outlet; by default the page's site name (``og:site_name``), else
        its host name.

    Returns
    -------
    Article
        ``text`` is the main text with one paragraph per line; the headline
        is left out of it when it repeats the title. ``date`` is the
        publication date the page's metadata gives (``YYYY-MM-DD``), or ``""``;
        ``url`` the page's canonical URL, or ``""``.

    Raises
    ------
    CorpusError
        Naming ``source`` when no main text can be found (an empty page, a
        page built by JavaScript, a page of links), or ``article_id`` is not
        valid.
    PipelineError
        If trafilatura is not installed.

    Notes
    -----
    Extraction is trafilatura's (Barbaresi, ACL 2021 System Demonstrations),
    with ``favor_precision=True``: boilerplate in an article body would be
    analysed as if the journalist wrote it, a missing sentence only loses
    data. Dates come from the page's metadata only (no guessing from the
    text, which picks up copyright years).

    Examples
    --------
    >>> page = ("<html><head><title>Exiles train | Daily Example</title></head><body>"
    ...         "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
    ...         "<article><h1>Exiles train</h1><p>The volunteers drilled with wooden rifles.</p>"
    ...         "<p>Officials in Minsk did not comment on the training.</p></article>"
    ...         "<footer>All rights reserved.</footer></body></html>")
    >>> article = html_to_article(page, source="exiles.html")
    >>> article.id, article.title
    ('exiles-train', 'Exiles train')
    >>> print(article.text)
    The volunteers drilled with wooden rifles.
    Officials in Minsk did not comment on the training.
    """
    trafilatura = _trafilatura()
    try:
        document = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            date_extraction_params=_date_params(),
        )
    except Exception as exc:  # trafilatura and lxml raise assorted errors on malformed pages
        message = f"the page could not be parsed as HTML ({type(exc).__name__}: {exc})"
        raise CorpusError(message, source=source) from None
    fields = _document_fields(document)
    title = _one_line(fields.get("title") or "")
    lines = [_one_line(line) for line in (fields.get("text") or "").split("\n")]
    lines = [line for line in lines if line]
    if lines and title and lines[0].casefold() == title.casefold():
        lines = lines[1:]
    if not lines:
        raise CorpusError(
            "no main text could be extracted from this page (it may be empty, a list of links, or built "
            "by JavaScript): save the article's text as a .txt file and import that instead",
            source=source,
        )
    text = "\n".join(lines)
    title = title or _short_title(text)
    return Article(
        id=_article_id(article_id, title, Path(source).stem, source=source),
        text=text,
        title=title,
        outlet=outlet if outlet is not None else _one_line(fields.get("sitename") or fields.get("hostname") or ""),
        date=fields.get("date") or "",
        url=fields.get("url") or "",
        source=source,
    )


def _trafilatura():
    """The trafilatura module, or a clear error saying how to install it."""
    try:
        import trafilatura
    except ImportError:
        raise PipelineError(
            f"importing HTML pages needs trafilatura: pip install trafilatura=={TRAFILATURA_VERSION}"
        ) from None
    return trafilatura


def _date_params() -> dict:
    """htmldate settings: the original publication date, from metadata only."""
    return {
        "original_date": True,
        "extensive_search": False,
        "max_date": dt.date.today().isoformat(),
    }


def _document_fields(document) -> dict:
    """trafilatura's result as a dict (a ``Document`` in 2.x, a dict in older releases)."""
    if document is None:
        return {}
    if isinstance(document, dict):
        return document
    return {
        key: getattr(document, key, None)
        for key in ("title", "text", "date", "sitename", "hostname", "url")
    }


def text_to_article(
    text: str, *, source: str, title: str | None = None, article_id: str | None = None
) -> Article:
    r"""An ``Article`` from plain text without front matter.

    Parameters
    ----------
    text
        The article. Line ends are normalised to ``\n``.
    source
        Where the text comes from, for error messages and as ``Article.source``.
    title
        The headline. By default the first non-blank line, which is then left
        out of the body, unless it is the only line or longer than 150
        characters (a paragraph, not a headline): the title is then its first
        words and the body keeps it.
    article_id
        The id; by default a slug of the title (or of ``source``'s file name).

    Returns
    -------
    Article

    Raises
    ------
    CorpusError
        Naming ``source`` when the text is empty or ``article_id`` is not valid.

    Examples
    --------
    >>> a = text_to_article("Exiles meet in Warsaw\n\nThe volunteers met on Monday.\n", source="x.txt")
    >>> a.id, a.title, a.text
    ('exiles-meet-in-warsaw', 'Exiles meet in Warsaw', 'The volunteers met on Monday.')
    >>> text_to_article("The volunteers met on Monday.", source="x.txt", article_id="x1").title
    'The volunteers met on Monday.'
    """
    body = _normal_text(text.removeprefix("\ufeff"))
    if not body:
        raise CorpusError("no text: an article needs at least one line of text", source=source)
    if title is None:
        first, _, rest = body.partition("\n")
        rest = _normal_text(rest)
        if rest and len(first.strip()) <= _MAX_HEADLINE:
            title, body = first, rest
        else:
            title = _short_title(first)
    title = _one_line(title)
    return Article(
        id=_article_id(article_id, title, Path(source).stem, source=source),
        text=body,
        title=title,
        source=source,
    )


# --------------------------------------------------------------------------
# Batches of files
# --------------------------------------------------------------------------


def import_files(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    out_dir: str | os.PathLike,
    *,
    outlet: str | None = None,
    language: str = "en",
    overwrite: bool = False,
) -> list[ImportResult]:
    r"""Import files into a folder of corpus article files, one result per article or failure.

    Parameters
    ----------
    paths
        Files (or folders, read recursively in name order, hidden files
        skipped): ``.html``/``.htm`` pages, ``.txt``/``.md``/``.markdown``
        texts, NewsMTSC or PolNeAR ``.jsonl``, PerSenT ``.csv``, or a corpus
        ``.jsonl``/``.csv`` (``id``, ``text`` columns).
    out_dir
        The folder to write to (e.g. ``corpus/articles``); created if needed.
    outlet
        The outlet of every imported article, in place of what the page or
        data set says (files with front matter are copied unchanged).
    language
        The language of every imported article (not of copied files, nor of
        corpus JSONL/CSV records, which keep their own ``language``).
    overwrite
        Replace files that exist in ``out_dir``; by default they are kept
        and reported as an error row.

    Returns
    -------
    list of ImportResult
        In input order (a grouped NewsMTSC article at its first line): one
        row per article made or copied, and one per input or record that
        failed, with the reason. No input is skipped silently.

    Notes
    -----
    * Files are named ``<id>.md``. An id already used in this batch or by
      another file in ``out_dir`` gets a suffix (``-2``, ``-3``, ...); a file
      with front matter keeps its id and name, so a clash is an error row.
    * A file with front matter is checked with ``read_article`` and copied
      as it is (only a BOM and ``\r\n`` line ends are normalised).
    * Every article but copied ones gets ``imported_from`` in its front
      matter: the input's file name, and the record for a data set.
    * NewsMTSC (Hamborg & Donnay, EACL 2021) has one sentence per line. The
      sentences of one news article share the part of ``primary_gid``
      before the sentence index (``allsides_<story>_<article>`` or
      ``polusa_v1_<article>_-1``), so they are grouped into one article, in
      sentence order; a line without a readable ``primary_gid`` becomes an
      article of its own. Most articles have a single sentence in the data.
    * PolNeAR (Newell et al., LREC 2018) has one line per article and
      annotator: one article file per article (read with
      :func:`analysis.datasets.read_polnear`, which stops at the first
      malformed line: that line is then the file's one error row).
    * PerSenT (Bastan et al., COLING 2020): one article per row (read with
      :func:`analysis.datasets.read_persent`), id ``persent-<DOCUMENT_INDEX>``,
      with ``target_entity`` and ``true_sentiment`` in the front matter.
    * Each article is written to a hidden temporary file, read back with
      ``read_article`` and only then moved into place, so what is in
      ``out_dir`` loads with ``scan_corpus``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Minsk replies\nA spokesman said little.\n")
    >>> _ = (folder / "b.txt").write_text("Minsk replies\nOfficials were silent.\n")
    >>> _ = (folder / "c.png").write_bytes(b"\x89PNG\r\n")
    >>> for row in import_files(sorted(folder.iterdir()), folder / "out"):
    ...     print(row.article_id or "-", row.error[-40:] or "ok")
    minsk-replies ok
    minsk-replies-2 ok
    - .jsonl, .csv (or a folder of such files)
    >>> import_files([folder / "a.txt"], folder / "out")[0].error
    'a file named minsk-replies.md is already there: pass overwrite=True (--overwrite) to replace it'
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    writer = _Writer(Path(out_dir), outlet=outlet, language=language, overwrite=overwrite)
    results: list[ImportResult] = []
    for path in _input_files(paths):
        source = os.fspath(path)
        try:
            results.extend(_import_one(path, writer))
        except _READER_ERRORS as exc:
            results.append(ImportResult(source, "", "", _message(exc, source)))
    return results


def _input_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """The given paths, with every folder replaced by its files (name order, recursive)."""
    for item in paths:
        path = Path(item)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_file() and not any(part.startswith(".") for part in relative.parts):
                    yield child
        else:
            yield path


def _message(exc: BaseException, source: str) -> str:
    """An error message for a result row, without repeating the row's source."""
    if isinstance(exc, AnalysisError):
        if exc.source == source:
            return f"line {exc.line}: {exc.message}" if exc.line is not None else exc.message
        return str(exc)
    if isinstance(exc, OSError):
        return f"cannot be read ({exc.strerror or exc})"
    return f"{type(exc).__name__}: {exc}"


def _import_one(path: Path, writer: _Writer) -> list[ImportResult]:
    """The result rows for one input file."""
    source = os.fspath(path)
    if not path.exists():
        raise CorpusError("file not found", source=source)
    suffix = path.suffix.lower()
    if suffix in _HTML_SUFFIXES:
        return [writer.write(html_to_article(_checked_bytes(path), source=source), path.name)]
    if suffix in _TEXT_SUFFIXES:
        return [_import_text_file(path, writer)]
    if suffix == ".jsonl":
        return _import_jsonl(path, writer)
    if suffix == ".csv":
        return _import_csv(path, writer)
    raise CorpusError(
        f"unsupported file type {path.suffix or '(no suffix)'!r}: import reads "
        f"{', '.join(IMPORT_SUFFIXES)} (or a folder of such files)",
        source=source,
    )


def _checked_bytes(path: Path) -> bytes:
    """The file's bytes, refused when empty or binary (NUL bytes near the start)."""
    data = path.read_bytes()
    if not data.strip():
        raise CorpusError("empty file", source=os.fspath(path))
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise CorpusError(
            "binary file, not text (it contains NUL bytes): save the page or article as UTF-8 text",
            source=os.fspath(path),
        )
    return data


def _decoded(data: bytes, source: str) -> str:
    r"""``data`` as text: UTF-8 without BOM, ``\n`` line ends; the error gives the bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at byte offset {exc.start} cannot be decoded; "
            "re-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8 old.txt > new.txt`)",
            source=source,
            line=1 + data.count(b"\n", 0, exc.start),
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _import_text_file(path: Path, writer: _Writer) -> ImportResult:
    """A ``.txt``/``.md`` file: copied if it has front matter, else made into an article."""
    source = os.fspath(path)
    text = _decoded(_checked_bytes(path), source)
    if text.split("\n", 1)[0].rstrip() == "---":
        return writer.copy(read_article(path), text, path)
    if _HTML_START.match(text):
        return writer.write(html_to_article(text, source=source), path.name)
    return writer.write(text_to_article(text, source=source), path.name)


# --------------------------------------------------------------------------
# Research data sets
# --------------------------------------------------------------------------


def _import_jsonl(path: Path, writer: _Writer) -> list[ImportResult]:
    """NewsMTSC, PolNeAR or corpus JSONL, recognised by the fields of its first records."""
    source = os.fspath(path)
    keys = _jsonl_keys(path)
    if {"sentence_normalized", "targets"} <= keys:
        return _import_newsmtsc(path, writer)
    if {"filename", "text", "attributions"} <= keys:
        try:
            articles, _ = read_polnear(path)
        except CorpusError as err:
            raise CorpusError(f"{err.message}; no article of this file was imported: fix or remove that line",
                              source=source, line=err.line) from None
        return [writer.write(a, f"PolNeAR {path.name}, filename {a.id}") for a in articles]
    if {"id", "text"} <= keys:
        return _import_corpus_records(path, writer, source_language=True)
    found = ", ".join(sorted(keys)) or "no JSON object in the first lines"
    raise CorpusError(
        "not a known JSONL format: expected NewsMTSC (sentence_normalized, targets), PolNeAR "
        f"(filename, text, attributions) or a corpus (id, text); found {found}",
        source=source,
    )


def _jsonl_keys(path: Path) -> set[str]:
    """The keys of the first JSON objects in a JSONL file (bad lines are passed over here)."""
    keys: set[str] = set()
    seen = 0
    with path.open("rb") as handle:
        if b"\x00" in handle.read(_SNIFF_BYTES):
            raise CorpusError("binary file, not JSONL text (it contains NUL bytes)", source=os.fspath(path))
        handle.seek(0)
        for line in handle:
            if not line.strip():
                continue
            seen += 1
            try:
                record = json.loads(line.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                record = None
            if isinstance(record, dict):
                keys |= set(record)
            if seen >= _SNIFF_RECORDS or keys:
                break
    return keys


def _import_newsmtsc(path: Path, writer: _Writer) -> list[ImportResult]:
    """NewsMTSC sentences grouped into articles by ``primary_gid`` (see ``import_files``)."""
    source = os.fspath(path)
    # (first line, result): rows come back in the order of the lines they start at.
    results: list[tuple[int, ImportResult]] = []
    groups: dict[str, list[tuple[int, int, str]]] = {}
    for number, record in _jsonl_records(path):
        if isinstance(record, CorpusError):
            results.append((number, ImportResult(f"{source}:{number}", "", "", record.message)))
            continue
        sentence = record.get("sentence_normalized")
        if not isinstance(sentence, str) or not sentence.strip():
            message = "no 'sentence_normalized' text: not a NewsMTSC record"
            results.append((number, ImportResult(f"{source}:{number}", "", "", message)))
            continue
        match = _NEWSMTSC_GID.fullmatch(str(record.get("primary_gid", "")))
        key = match["article"] if match else f"line-{number}"
        index = int(match["sentence"]) if match else 0
        groups.setdefault(key, []).append((index, number, _one_line(sentence)))
    for key, rows in groups.items():
        rows.sort()
        sentences = list(dict.fromkeys(sentence for _, _, sentence in rows))
        numbers = sorted(number for _, number, _ in rows)
        if key.startswith("line-"):
            article_id, label = f"newsmtsc-{_slug(path.stem)}-{key}", f"{path.stem} {key}"
        else:
            article_id, label = f"newsmtsc-{key if _ID_PATTERN.fullmatch(key) else _slug(key)}", key
        article = Article(
            id=article_id,
            text="\n".join(sentences),
            title=f"NewsMTSC {label} ({len(sentences)} sentence{'s' if len(sentences) > 1 else ''})",
            source=f"{source}:{numbers[0]}",
        )
        where = f"line{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"
        results.append((numbers[0], writer.write(article, f"NewsMTSC {path.name}, {where}")))
    return [result for _, result in sorted(results, key=lambda item: item[0])]


def _jsonl_records(path: Path) -> Iterator[tuple[int, dict | CorpusError]]:
    """``(line number, JSON object)`` for each non-blank line, or the error that says what is wrong."""
    source = os.fspath(path)
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
            except UnicodeDecodeError:
                yield number, CorpusError("not UTF-8 text", source=source, line=number)
                continue
            except json.JSONDecodeError as exc:
                yield number, CorpusError(f"not valid JSON ({exc.msg} at column {exc.colno})",
                                          source=source, line=number)
                continue
            if not isinstance(record, dict):
                yield number, CorpusError(f"not a JSON object but a {type(record).__name__}",
                                          source=source, line=number)
                continue
            yield number, record


def _import_csv(path: Path, writer: _Writer) -> list[ImportResult]:
    """PerSenT or corpus CSV, recognised by the header row."""
    source = os.fspath(path)
    header = _csv_header(path)
    if {"DOCUMENT", "TARGET_ENTITY"} <= set(header):
        missing = [name for name in _PERSENT_COLUMNS if name not in header]
        if missing:
            raise CorpusError(
                f"looks like PerSenT but has no column(s) {', '.join(missing)}; "
                f"PerSenT files have {', '.join(_PERSENT_COLUMNS)}",
                source=source,
                line=1,
            )
        return [_persent_result(article, target, label, path, writer)
                for article, target, label in read_persent(path)]
    if {"id", "text"} <= set(header):
        return _import_corpus_records(path, writer, source_language=True)
    raise CorpusError(
        "not a known CSV format: expected PerSenT (DOCUMENT, TARGET_ENTITY, ...) or a corpus "
        f"(id, text, ...); the header row has {', '.join(repr(name) for name in header) or 'nothing'}",
        source=source,
        line=1,
    )


def _csv_header(path: Path) -> list[str]:
    """The header row of a CSV file (refusing binary files)."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if b"\x00" in head:
        raise CorpusError("binary file, not CSV text (it contains NUL bytes)", source=os.fspath(path))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [name.strip() for name in next(csv.reader(handle), [])]


def _persent_result(article: Article, target: str, label: str, path: Path, writer: _Writer) -> ImportResult:
    """One PerSenT row written as an article, with its target entity and label."""
    index = article.id.removeprefix("persent-")
    article = dataclasses.replace(
        article,
        title=_one_line(article.title) or f"PerSenT document {index}",
        extra=(("target_entity", target), ("true_sentiment", label)),
    )
    return writer.write(article, f"PerSenT {path.name}, DOCUMENT_INDEX {index}")


def _import_corpus_records(path: Path, writer: _Writer, *, source_language: bool) -> list[ImportResult]:
    """A corpus JSONL/CSV (``id``, ``text``): one article file per good record, an error row per bad one.

    Its records keep their own ``language`` and ``constructed`` when ``source_language`` is true.
    """
    results = []
    for item in scan_corpus(path):
        if isinstance(item, ArticleError):
            results.append(ImportResult(item.source, "", item.article_id, item.message))
        else:
            results.append(writer.write(item, f"{path.name}, id {item.id}", keep_language=source_language))
    return results


# --------------------------------------------------------------------------
# The output folder
# --------------------------------------------------------------------------


class _Writer:
    """Writes articles into ``out_dir``, keeping ids unique and existing files safe."""

    def __init__(self, out_dir: Path, *, outlet: str | None, language: str, overwrite: bool):
        self.out_dir = out_dir
        self.outlet = outlet
        self.language = language
        self.overwrite = overwrite
        self._existing: dict[str, Path] | None = None
        # Ids given out by this batch, whether or not their file could be written.
        self._batch: set[str] = set()
        self._texts = _NearDuplicates()

    @property
    def existing(self) -> dict[str, Path]:
        """Article id -> the file in ``out_dir`` that has it, before this batch (read on first use)."""
        if self._existing is None:
            self._existing = {}
            if self.out_dir.is_dir():
                for file in sorted(self.out_dir.iterdir()):
                    if file.suffix.lower() in ARTICLE_SUFFIXES and not file.name.startswith("."):
                        try:
                            known = read_article(file)
                        except CorpusError:
                            continue
                        self._existing.setdefault(known.id, file)
                        self._texts.add(known.id, known.text)
        return self._existing

    def _taken(self, article_id: str, target: Path) -> Path | str | None:
        """Who already has ``article_id`` (this batch, or another file than ``target``), or None."""
        if article_id in self._batch:
            return "an earlier input of this import"
        owner = self.existing.get(article_id)
        return owner if owner is not None and owner != target else None

    def write(self, article: Article, imported_from: str, *, keep_language: bool = False) -> ImportResult:
        """Write a new article as ``<id>.md``; an id already taken gets a suffix ``-2``, ``-3``, ..."""
        article_id, number = article.id, 1
        while self._taken(article_id, self.out_dir / f"{article_id}.md") is not None:
            number += 1
            article_id = f"{article.id}-{number}"
        self._batch.add(article_id)
        article = dataclasses.replace(
            article,
            id=article_id,
            text=_normal_text(article.text),
            title=_one_line(_field(article.title)),
            outlet=self.outlet if self.outlet is not None else _one_line(_field(article.outlet)),
            date=_field(article.date),
            url=_field(article.url),
            language=article.language if keep_language else self.language,
            extra=tuple(sorted({**dict(article.extra), "imported_from": imported_from}.items())),
        )
        try:
            text = article_file_text(article)
        except CorpusError as err:
            return ImportResult(article.source, "", article_id, _invalid(err))
        return self._put(text, self.out_dir / f"{article_id}.md", article)

    def copy(self, article: Article, text: str, path: Path) -> ImportResult:
        """Copy a file that has front matter, under its own name; its id must be free."""
        target = self.out_dir / path.name
        source = os.fspath(path)
        if target.exists() and target.resolve() == path.resolve():
            self._batch.add(article.id)
            return ImportResult(source, os.fspath(target), article.id, "")
        owner = self._taken(article.id, target)
        if owner is not None:
            return ImportResult(
                source, "", article.id, f"id {article.id!r} is already used by {owner}: give this article another id"
            )
        self._batch.add(article.id)
        return self._put(text if text.endswith("\n") else text + "\n", target, article)

    def _put(self, text: str, target: Path, article: Article) -> ImportResult:
        """Write ``text`` to ``target`` via a temporary file that must read back as ``article``."""
        if target.exists() and not self.overwrite:
            return ImportResult(
                article.source, "", article.id,
                f"a file named {target.name} is already there: pass overwrite=True (--overwrite) to replace it",
            )
        self.out_dir.mkdir(parents=True, exist_ok=True)
        temporary = self.out_dir / f".{target.name}.importing"
        try:
            with temporary.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            written = read_article(temporary)
            if written.id != article.id:
                raise CorpusError(f"the file reads back with id {written.id!r}, not {article.id!r}")
            os.replace(temporary, target)
        except CorpusError as err:
            return ImportResult(article.source, "", article.id, _invalid(err))
        finally:
            temporary.unlink(missing_ok=True)
        twin = self._texts.match(written.text, exclude=article.id)
        self._texts.add(article.id, written.text)
        note = (f"same text as article {twin[0]!r} ({twin[1]:.0%} of its word sequences): imported twice? "
                "delete one, or the corpus counts it twice") if twin else ""
        return ImportResult(article.source, os.fspath(target), article.id, "", note)


class _NearDuplicates:
    """Which earlier text shares most of its word sequences with a new one.

    Texts are sets of hashed 5-word shingles (Broder 1997); an inverted index
    finds candidates, and a text repeats another when the shingles they share
    are at least ``threshold`` of the smaller set (containment), so the same
    article imported from a web page (with a little extra text around it) and
    from a plain text file is caught.
    """

    def __init__(self, *, size: int = 5, threshold: float = 0.8):
        self.size, self.threshold = size, threshold
        self._index: dict[int, set[str]] = {}
        self._sizes: dict[str, int] = {}

    def _shingles(self, text: str) -> set[int]:
        words = re.findall(r"\w+", text.lower())
        if len(words) < self.size:
            return {hash(" ".join(words))} if words else set()
        return {hash(" ".join(words[i:i + self.size])) for i in range(len(words) - self.size + 1)}

    def add(self, article_id: str, text: str) -> None:
        shingles = self._shingles(text)
        self._sizes[article_id] = len(shingles)
        for s in shingles:
            self._index.setdefault(s, set()).add(article_id)

    def match(self, text: str, *, exclude: str = "") -> tuple[str, float] | None:
        """(id, share) of the earlier text this one repeats, or None."""
        shingles = self._shingles(text)
        shared: dict[str, int] = {}
        for s in shingles:
            for other in self._index.get(s, ()):
                shared[other] = shared.get(other, 0) + 1
        best = None
        for other, k in sorted(shared.items()):
            if other == exclude:
                continue
            share = k / max(min(len(shingles), self._sizes[other]), 1)
            if share >= self.threshold and (best is None or share > best[1]):
                best = (other, share)
        return best


def _invalid(err: CorpusError) -> str:
    """The error row's message for an article that would not make a valid corpus file."""
    return f"the article made from it is not a valid corpus file: {err.message}"


def _field(value: object) -> str:
    """A metadata value as text (``None`` is ``""``)."""
    return "" if value is None else str(value)
