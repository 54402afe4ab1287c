"""The one place that knows the order of the stages, and the tables they make.

parse -> mentions by name -> quotes (speaker spans) -> pronouns,
descriptions and quoted first persons -> quote speakers' actors -> sentiment
toward every actor mention, in its voice -> stance between actors ->
descriptors and roles of each actor -> frames of each sentence and article.

Stages only meet here, through the records of :mod:`analysis.types`; each
can be called (and tested, or replaced) on its own.

Examples
--------
>>> from analysis import load_actors, load_corpus
>>> result = analyze(load_corpus("corpus"), load_actors("corpus/actors.yaml"), progress=False)
>>> sorted(set(result.mentions.actor) - {"other"})
['exiles', 'lukashenko', 'nato', 'putin']
"""

from __future__ import annotations

import traceback
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .coref import resolve_references
from .framing import DEFAULT_SCHEMES, load_frame_scheme, profile_records, sentence_frame_records
from .mentions import find_mentions
from .nlp import load_pipeline, parse_many, pipeline_name, sentence_records
from .quotes import attach_speakers, extract_quotes
from .roles import assign_roles, find_descriptors
from .sentiment import (
    BACKENDS,
    Lexicon,
    default_backend,
    load_lexicon,
    prefetch_model_judgments,
    score_sentiment,
)
from .stance import find_stance
from .summaries import (
    SENTIMENT_SUMMARY_COLUMNS,
    STANCE_SUMMARY_COLUMNS,
    count_groups_into,
    count_stance_into,
    summarize_counts,
    summarize_sentiment,
    summarize_stance,
    write_network,
)
from .tables import record_columns, write_csv
from .types import (
    ActorRegistry,
    ActorRole,
    Article,
    ArticleError,
    Descriptor,
    FrameHit,
    Mention,
    MentionSentiment,
    Quote,
    Sentence,
    StanceEdge,
)

__all__ = ["analyze", "analyze_doc", "analyze_docs", "analyse_parsed", "analyze_text", "check_settings",
           "DEFAULT_SCHEMES", "BACKENDS", "quotes_of", "ArticleAnalysis", "Analysis", "TABLE_COLUMNS", "STAGES",
           "ERROR_LOG", "SummaryCounts", "article_row", "error_row", "log_entry", "one_line", "backend_or_default",
           "ARTICLES_PER_MODEL_RUN"]

#: The file beside the tables that holds the full traceback of every error.
ERROR_LOG = "errors.log"

#: Columns of every table written by ``python -m analysis run`` (the public contract).
TABLE_COLUMNS = {
    "articles": ["article_id", "title", "outlet", "date", "url", "language", "constructed", "source",
                 "n_chars", "n_words", "n_sentences", "n_mentions", "n_quotes"],
    # a stage's table has its record's fields as columns (types.py declares them once)
    "sentences": record_columns(Sentence),
    "mentions": record_columns(Mention),
    "quotes": record_columns(Quote),
    "sentiment": record_columns(MentionSentiment),
    "stance": record_columns(StanceEdge),
    "descriptors": record_columns(Descriptor),
    "roles": record_columns(ActorRole),
    "frames": record_columns(FrameHit),
    "actor_summary": list(SENTIMENT_SUMMARY_COLUMNS),
    "stance_summary": list(STANCE_SUMMARY_COLUMNS),
    "errors": ["article_id", "source", "stage", "message"],
}


@dataclass(frozen=True)
class ArticleAnalysis:
    """Everything the stages found in one article."""

    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    quotes: tuple[Quote, ...]
    sentiment: tuple[MentionSentiment, ...] = ()
    stance: tuple[StanceEdge, ...] = ()
    descriptors: tuple[Descriptor, ...] = ()
    roles: tuple[ActorRole, ...] = ()
    frames: tuple[FrameHit, ...] = ()
    #: Stages that failed on this article (``stage`` names one of :data:`STAGES`);
    #: their records are empty, the other stages' are kept.
    errors: tuple[ArticleError, ...] = ()
    #: The full traceback of each error, in the same order (for the log file).
    tracebacks: tuple[str, ...] = field(default=(), repr=False, compare=False)




def _frame_rows(doc, article_id: str, n_sentences: int, schemes) -> tuple[FrameHit, ...]:
    """The article's frame profile and its sentence-level frame rows."""
    if not n_sentences or not schemes:
        return ()
    sentence_rows = [r for scheme in schemes for r in sentence_frame_records(doc, scheme, article_id)]
    return (*profile_records(sentence_rows, {article_id: n_sentences}), *sentence_rows)


#: Stages that are guarded one by one in :func:`analyze_doc`, in running order
#: (the ``stage`` column of ``errors.csv``).
STAGES = ("mentions", "quotes", "coref", "sentiment", "stance", "descriptors", "roles", "frames")


class _Guard:
    """Runs stages one at a time; a stage that raises gives its fallback result
    and an error record, and the article goes on."""

    def __init__(self, article: Article):
        self.article = article
        self.errors: list[ArticleError] = []
        self.tracebacks: list[str] = []

    def run(self, stage: str, fallback, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except Exception as exc:  # any bug in one stage must not lose the article
            self.errors.append(ArticleError(self.article.source, one_line(exc), self.article.id, stage))
            self.tracebacks.append(traceback.format_exc())
            return fallback


def one_line(exc: BaseException) -> str:
    """``Type: message`` on one line (for ``errors.csv``)."""
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def analyze_doc(doc, article: Article, registry: ActorRegistry, *, sentiment_backend: str | None = None,
                explain: bool = False, lexicon: Lexicon | None = None,
                schemes=DEFAULT_SCHEMES) -> ArticleAnalysis:
    """Run every stage on one parsed article.

    Each stage runs guarded: if one raises, its records are empty, the error
    (article id, stage, ``Type: message``) goes to ``ArticleAnalysis.errors``
    with its traceback in ``ArticleAnalysis.tracebacks``, and the other stages
    keep what they found. Stages after a failed one run without its records
    (e.g. a failed ``sentiment`` leaves stance with relation evidence only and
    roles without the sentiment cues).

    Parameters
    ----------
    doc
        ``analysis.nlp.parse(article.text)``.
    article
        The article the doc was parsed from.
    registry
        The study's actors.
    sentiment_backend
        ``lexicon``, ``model`` or ``None`` for the most accurate installed one.
    explain
        Model backend: add occlusion evidence per mention (several times slower).
    lexicon
        Lexicon backend: :func:`analysis.sentiment.load_lexicon` with your own words.
    schemes
        Frame schemes: shipped ids or paths to your own YAML files.
    """
    return _finish(_begin(doc, article, registry), registry, sentiment_backend=sentiment_backend, explain=explain,
                   lexicon=lexicon, schemes=schemes)


def analyze_docs(docs, articles: list[Article], registry: ActorRegistry, *, sentiment_backend: str | None = None,
                 explain: bool = False, lexicon: Lexicon | None = None,
                 schemes=DEFAULT_SCHEMES) -> list[ArticleAnalysis]:
    """:func:`analyze_doc` on several parsed articles, with one run of the
    sentiment model over all their mentions (faster per mention than one run
    per article; see :func:`analysis.sentiment.prefetch_model_judgments`).
    Each article's records are the ones :func:`analyze_doc` gives it alone."""
    begun = [_begin(doc, article, registry) for doc, article in zip(docs, articles, strict=True)]
    if len(begun) > 1 and backend_or_default(sentiment_backend) == "model":
        try:
            prefetch_model_judgments([(b.doc, b.mentions) for b in begun])
        except Exception:  # each article's sentiment stage then runs alone and reports what fails
            pass
    return [_finish(b, registry, sentiment_backend=sentiment_backend, explain=explain, lexicon=lexicon,
                    schemes=schemes) for b in begun]


@dataclass
class _Begun:
    """One article after the stages before sentiment: its mentions and its quotes with speakers."""

    doc: object
    article: Article
    guard: _Guard
    mentions: list[Mention]
    quotes: list[Quote]


def _begin(doc, article: Article, registry: ActorRegistry) -> _Begun:
    guard = _Guard(article)
    named = guard.run("mentions", [], find_mentions, doc, registry, article.id)
    found_quotes = guard.run("quotes", [], extract_quotes, doc, named, article.id)
    resolved = guard.run("coref", [], resolve_references, doc, named, registry, found_quotes, article.id)
    mentions = sorted(named + resolved, key=lambda m: (m.start, m.end, m.actor))
    quotes = guard.run("quotes", found_quotes, attach_speakers, found_quotes, mentions, doc)
    return _Begun(doc, article, guard, mentions, quotes)


def _finish(begun: _Begun, registry: ActorRegistry, *, sentiment_backend, explain, lexicon,
            schemes) -> ArticleAnalysis:
    doc, article, guard, mentions, quotes = begun.doc, begun.article, begun.guard, begun.mentions, begun.quotes
    judged = guard.run("sentiment", [], score_sentiment, doc, mentions, quotes, backend=sentiment_backend,
                       article_id=article.id, explain=explain, lexicon=lexicon)
    edges = guard.run("stance", [], find_stance, doc, mentions, quotes, judged,
                      registry=registry, article_id=article.id)
    descriptors = guard.run("descriptors", [], find_descriptors, doc, mentions, article.id)
    roles = guard.run("roles", [], assign_roles, doc, mentions, descriptors, judged, article_id=article.id)
    sentences = tuple(sentence_records(doc, article.id))
    frames = guard.run("frames", (), _frame_rows, doc, article.id, len(sentences), schemes)
    return ArticleAnalysis(article, sentences, tuple(mentions), tuple(quotes), tuple(judged), tuple(edges),
                           tuple(descriptors), tuple(roles), tuple(frames), tuple(guard.errors),
                           tuple(guard.tracebacks))


def analyze_text(article: Article, registry: ActorRegistry, *, pipeline: str | None = None, cache_dir=None,
                 sentiment_backend: str | None = None, explain: bool = False, lexicon_file: str | None = None,
                 schemes=DEFAULT_SCHEMES) -> ArticleAnalysis:
    """Parse one article and run every stage on it (:func:`analyze_doc`): what
    a worker of :func:`analysis.batch.run_corpus` does with each article.
    ``lexicon_file`` is read with :func:`analysis.sentiment.load_lexicon`."""
    nlp = load_pipeline(pipeline)
    doc = next(parse_many([article.text], pipeline=nlp, cache_dir=cache_dir))
    lexicon = load_lexicon(lexicon_file) if lexicon_file else None
    return analyze_doc(doc, article, registry, sentiment_backend=sentiment_backend, explain=explain, lexicon=lexicon,
                       schemes=schemes)


def check_settings(lexicon_file: str | None, schemes: tuple[str, ...], pipeline: str | None = None) -> None:
    """Read the lexicon and scheme files once and look for the spaCy pipeline,
    before any work: one clear error for a bad one, not one per article (what
    :func:`analysis.batch.run_corpus` does before a run)."""
    import spacy.util

    name = pipeline_name(pipeline)
    if not (spacy.util.is_package(name) or Path(name).is_dir()):
        load_pipeline(pipeline)  # raises PipelineError with the full explanation
    for scheme in schemes:
        load_frame_scheme(scheme)
    if lexicon_file:
        load_lexicon(lexicon_file)


def _frame(records: Iterable, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([asdict(r) for r in records], columns=columns)


@dataclass
class Analysis:
    """Results of a corpus: long-form tables with the same column names everywhere,
    plus the per-article records for code that wants them."""

    articles: pd.DataFrame
    sentences: pd.DataFrame
    mentions: pd.DataFrame
    quotes: pd.DataFrame
    sentiment: pd.DataFrame
    stance: pd.DataFrame
    descriptors: pd.DataFrame
    roles: pd.DataFrame
    frames: pd.DataFrame
    actor_summary: pd.DataFrame
    stance_summary: pd.DataFrame
    errors: pd.DataFrame
    registry: ActorRegistry
    per_article: list[ArticleAnalysis] = field(default_factory=list, repr=False)
    #: One entry per row of ``errors``: its full traceback (or message), as written to ``errors.log``.
    error_log: list[str] = field(default_factory=list, repr=False)

    def article(self, article_id: str | None = None) -> ArticleAnalysis:
        """The records of one analysed article (the first if no id is given)."""
        for analysed in self.per_article:
            if article_id is None or analysed.article.id == article_id:
                return analysed
        valid = ", ".join(repr(a.article.id) for a in self.per_article) or "none"
        raise KeyError(f"no analysed article {article_id!r}; analysed articles: {valid}")

    def evidence(self, table: str = "sentiment", *, article_id: str | None = None, actor: str | None = None,
                 **equals) -> pd.DataFrame:
        """The rows behind a number: e.g. ``evidence("sentiment", article_id=..., actor="putin")``
        gives every judgment behind that cell of the heatmap, with its evidence.

        Other keyword arguments filter on equal column values (``label="negative"``);
        ``actor`` also matches ``source_actor`` or ``target_actor`` in the stance table.
        """
        frame = self.tables()[table] if table in self.tables() else None
        if frame is None:
            raise KeyError(f"unknown table {table!r}; tables: {', '.join(self.tables())}")
        keep = pd.Series(True, index=frame.index)
        if article_id is not None:
            keep &= frame.article_id == article_id
        if actor is not None:
            columns = [c for c in ("actor", "source_actor", "target_actor", "speaker_actor") if c in frame]
            keep &= frame[columns].eq(actor).any(axis=1)
        for column, value in equals.items():
            keep &= frame[column] == value
        return frame[keep]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, as written to disk."""
        return {name: getattr(self, name) for name in TABLE_COLUMNS}

    def save(self, out_dir: str | Path) -> list[Path]:
        """Write every table as ``DIR/<name>.csv`` (UTF-8, ``\\n`` line ends; text cells that a
        spreadsheet would run as a formula get a leading apostrophe), the stance network,
        and ``errors.log`` with the traceback of every error."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in self.tables().items():
            path = out / f"{name}.csv"
            write_csv(frame, path, index=False)
            written.append(path)
        written += write_network(self.stance_summary, out, self.registry)[1:]
        log = out / ERROR_LOG
        log.write_text("".join(self.error_log), encoding="utf-8")
        written.append(log)
        return written


def backend_or_default(name: str | None) -> str:
    """The sentiment backend a run uses: ``name``, or the most accurate installed one."""
    return name or default_backend()


class SummaryCounts:
    """The tables computed from counts over the whole corpus (``actor_summary.csv``,
    ``stance_summary.csv`` and the stance network), gathered article by article
    so that a batch never holds every row in memory."""

    def __init__(self):
        self.sentiment: dict = {}
        self.stance: dict = {}

    def add(self, sentiment_rows: list[dict], stance_rows: list[dict]) -> None:
        """Count one article's ``sentiment`` and ``stance`` rows (plain dicts)."""
        count_groups_into(self.sentiment, sentiment_rows)
        count_stance_into(self.stance, stance_rows)

    def write(self, folder: Path, registry: ActorRegistry) -> None:
        """Write ``actor_summary.csv`` and the stance summary and network into ``folder``."""
        write_csv(summarize_counts(self.sentiment, rng=np.random.default_rng(0)), folder / "actor_summary.csv")
        write_network(summarize_stance(self.stance), folder, registry)


def article_row(a: ArticleAnalysis) -> dict:
    """The ``articles.csv`` row of an analysed article."""
    art = a.article
    return {
        "article_id": art.id, "title": art.title, "outlet": art.outlet, "date": art.date, "url": art.url,
        "language": art.language, "constructed": art.constructed, "source": art.source,
        "n_chars": len(art.text), "n_words": len(art.text.split()), "n_sentences": len(a.sentences),
        "n_mentions": len(a.mentions), "n_quotes": len(a.quotes),
    }


def error_row(e: ArticleError) -> dict:
    """The ``errors.csv`` row of an error."""
    return {"article_id": e.article_id, "source": e.source, "stage": e.stage, "message": e.message}


def log_entry(e: ArticleError, details: str = "") -> str:
    """One entry of ``errors.log``: which input and stage, then the traceback (or the message)."""
    head = f"== {e.article_id or '(no id)'} | {e.source} | stage {e.stage}\n"
    return head + (details.rstrip("\n") or e.message) + "\n\n"


#: Articles analysed together by :func:`analyze` and by each task of a batch run: the
#: sentiment model reads all their mentions in one run (:func:`analyze_docs`).
ARTICLES_PER_MODEL_RUN = 8


def analyse_parsed(parsed: list[tuple[Article, object]], registry: ActorRegistry,
                   **settings) -> list[ArticleAnalysis | tuple[ArticleError, str]]:
    """Each ``(article, doc)`` of ``parsed`` as an :class:`ArticleAnalysis`, or
    as ``(error, traceback)`` where its analysis failed, in order. They go
    through :func:`analyze_docs` together; should that fail as a whole, each
    goes through :func:`analyze_doc` alone, so that one article's failure is
    its own (stage ``analyse``). ``settings`` are :func:`analyze_doc`'s."""
    try:
        return analyze_docs([d for _, d in parsed], [a for a, _ in parsed], registry, **settings)
    except Exception:  # find which article it was: one at a time
        out: list[ArticleAnalysis | tuple[ArticleError, str]] = []
        for article, doc in parsed:
            try:
                out.append(analyze_doc(doc, article, registry, **settings))
            except Exception as exc:
                out.append((ArticleError(article.source, one_line(exc), article.id, "analyse"),
                            traceback.format_exc()))
        return out


def _analyse_chunk(chunk: list, registry: ActorRegistry, settings: dict) -> list:
    """Each input of ``chunk`` (an :class:`ArticleError`, or ``(article, doc)``,
    or ``(article, (error, traceback))`` where the parse failed) as an
    :class:`ArticleAnalysis` or an ``(error, details)`` pair, in input order
    (the parsed ones through :func:`analyse_parsed`)."""
    parsed = [c for c in chunk if isinstance(c, tuple) and not isinstance(c[1], tuple)]
    analysed = dict(zip((id(c) for c in parsed), analyse_parsed(parsed, registry, **settings), strict=True))
    out = []
    for c in chunk:
        if isinstance(c, ArticleError):
            out.append((c, ""))
        elif isinstance(c[1], tuple):
            out.append(c[1])
        else:
            out.append(analysed[id(c)])
    return out


def analyze(
    articles: Iterable[Article | ArticleError],
    registry: ActorRegistry,
    *,
    pipeline: str | None = None,
    cache_dir: str | Path | bool | None = None,
    progress: bool = True,
    sentiment_backend: str | None = None,
    explain: bool = False,
    lexicon: Lexicon | None = None,
    schemes=DEFAULT_SCHEMES,
    lexicon_file: str | Path | None = None,
) -> Analysis:
    """Analyse articles (e.g. from :func:`analysis.corpus.load_corpus` or
    :func:`analysis.corpus.scan_corpus`) and collect the tables.

    Parameters
    ----------
    articles
        Articles, possibly mixed with load errors; every input ends up either
        analysed or as a row of ``errors`` (never dropped).
    registry
        The study's actors (:func:`analysis.actors.load_actors`).
    pipeline
        Name of an installed spaCy pipeline (default: the pinned one).
    cache_dir
        Parse cache folder; ``False`` disables the cache.
    progress
        Show a progress bar.
    sentiment_backend
        ``lexicon``, ``model`` or ``None`` for the most accurate installed one.
    explain
        Model backend: add occlusion evidence per mention (several times slower).
    lexicon
        Lexicon backend: :func:`analysis.sentiment.load_lexicon` with your own words.
    schemes
        Frame schemes: shipped ids (``generic_news``, ``mfc_policy``) or paths.
    lexicon_file
        Lexicon backend: a file of your own words (``word<TAB>valence``), read
        with :func:`analysis.sentiment.load_lexicon` when ``lexicon`` is not given.
    """
    if lexicon is None and lexicon_file:
        lexicon = load_lexicon(lexicon_file)
    nlp = load_pipeline(pipeline)
    backend = backend_or_default(sentiment_backend)
    done: list[ArticleAnalysis] = []
    errors: list[ArticleError] = []
    bar = tqdm(articles, desc="Analysing articles", unit="article", disable=not progress)
    log: list[str] = []
    settings = {"sentiment_backend": backend, "explain": explain, "lexicon": lexicon, "schemes": schemes}

    def collect(chunk: list) -> None:  # the results of a chunk of inputs, in input order
        for item in _analyse_chunk(chunk, registry, settings):
            if isinstance(item, ArticleAnalysis):
                done.append(item)
                errors.extend(item.errors)
                log.extend(log_entry(e, t) for e, t in zip(item.errors, item.tracebacks, strict=True))
            else:
                error, details = item
                errors.append(error)
                log.append(log_entry(error, details))

    chunk: list = []  # inputs: load errors, and (article, doc or the parse error and its traceback)
    parsed = 0
    for item in bar:
        if isinstance(item, ArticleError):
            chunk.append(item)
            continue
        try:
            chunk.append((item, next(parse_many([item.text], pipeline=nlp, cache_dir=cache_dir))))
            parsed += 1
        except Exception as exc:  # an article that cannot be parsed is an error row, not a crash
            chunk.append((item, (ArticleError(item.source, one_line(exc), item.id, "analyse"),
                                 traceback.format_exc())))
        if parsed == ARTICLES_PER_MODEL_RUN:
            collect(chunk)
            chunk, parsed = [], 0
    collect(chunk)
    failed = {(e.article_id, e.source) for e in errors}
    if failed:
        warnings.warn(f"{len(failed)} article(s) could not be read or analysed completely: see the errors "
                      "table (article_id, stage, message)", stacklevel=2)
    sentiment = _frame((j for a in done for j in a.sentiment), TABLE_COLUMNS["sentiment"])
    stance = _frame((e for a in done for e in a.stance), TABLE_COLUMNS["stance"])
    return Analysis(
        articles=pd.DataFrame([article_row(a) for a in done], columns=TABLE_COLUMNS["articles"]),
        sentences=_frame((s for a in done for s in a.sentences), TABLE_COLUMNS["sentences"]),
        mentions=_frame((m for a in done for m in a.mentions), TABLE_COLUMNS["mentions"]),
        quotes=_frame((q for a in done for q in a.quotes), TABLE_COLUMNS["quotes"]),
        sentiment=sentiment,
        stance=stance,
        descriptors=_frame((d for a in done for d in a.descriptors), TABLE_COLUMNS["descriptors"]),
        roles=_frame((r for a in done for r in a.roles), TABLE_COLUMNS["roles"]),
        frames=_frame((f for a in done for f in a.frames), TABLE_COLUMNS["frames"]),
        actor_summary=summarize_sentiment(sentiment)[TABLE_COLUMNS["actor_summary"]],
        stance_summary=summarize_stance(count_stance_into({}, stance.to_dict("records")))[
            TABLE_COLUMNS["stance_summary"]],
        errors=pd.DataFrame([error_row(e) for e in errors], columns=TABLE_COLUMNS["errors"]),
        registry=registry,
        per_article=done,
        error_log=log,
    )


def quotes_of(
    articles: Iterable[Article],
    *,
    pipeline: str | None = None,
    cache_dir: str | Path | bool | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Quotes of articles with no actor registry (speakers as text only): the
    quotes stage alone, e.g. to score it against PolNeAR."""
    articles = list(articles)
    nlp = load_pipeline(pipeline)
    docs = parse_many((a.text for a in articles), pipeline=nlp, cache_dir=cache_dir)
    bar = tqdm(zip(articles, docs, strict=True), total=len(articles), desc="Finding quotes", unit="article",
               disable=not progress)
    return _frame((q for article, doc in bar for q in extract_quotes(doc, (), article.id)), TABLE_COLUMNS["quotes"])
