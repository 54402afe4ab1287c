"""Corpora at scale: stream a corpus of any size through the pipeline.

``python -m analysis run CORPUS --out DIR`` calls :func:`run_corpus`. Articles
are read one at a time (:func:`analysis.corpus.scan_corpus`) and analysed by
``--jobs`` worker processes, or on a Dask cluster (``--engine dask``); each
finished article is written at once to its own part file under
``DIR/.parts/`` (JSON, keyed by a hash of the article and the settings), and
the tables are assembled from the parts at the end, in input order. So:

* memory does not grow with the corpus (a bounded number of articles is in
  flight; tables are written row by row);
* a re-run, or a run resumed after an interruption, skips every article whose
  part is already there (parsed documents are also cached by content hash);
* every input appears in the output: analysed, or a row of ``errors.csv``;
* the tables are the same whatever the number of jobs or the engine.

Examples
--------
>>> import tempfile
>>> from analysis.actors import load_actors
>>> out = tempfile.mkdtemp()
>>> summary = run_corpus("corpus", out, load_actors("corpus/actors.yaml"), progress=False,
...                      sentiment_backend="lexicon")
>>> summary["analysed"] >= 1, summary["errors"]
(True, 0)
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import os
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from . import __version__
from .corpus import scan_corpus
from .errors import AnalysisError
from .sentiment import count_groups_into as _count_into
from .sentiment import default_backend, summarize_counts
from .stance import count_stance_into, summarize_stance, write_network
from .types import ActorRegistry, Article, ArticleError

__all__ = ["run_corpus", "RunSettings", "ENGINES", "ROW_TABLES"]

ENGINES = ("local", "dask")
#: Tables assembled row by row from the parts (``actor_summary`` is computed
#: from counts and ``articles``/``errors`` are one row per input).
ROW_TABLES = ("sentences", "mentions", "quotes", "sentiment", "stance", "descriptors", "roles", "frames")


@dataclass(frozen=True)
class RunSettings:
    """Everything that decides an article's results (part of each part's key)."""

    registry: ActorRegistry
    pipeline: str | None = None
    cache_dir: str | bool | None = None
    sentiment_backend: str = "lexicon"
    explain: bool = False
    lexicon_file: str | None = None
    schemes: tuple[str, ...] = ("generic_news", "mfc_policy")

    def fingerprint(self) -> str:
        """A hash of the settings that change results (not the cache folder)."""
        schemes = [Path(s).read_text("utf-8") if Path(s).suffix in (".yaml", ".yml") else s for s in self.schemes]
        ident = json.dumps([asdict(self.registry), self.pipeline, self.sentiment_backend, self.explain,
                            self.lexicon_file and Path(self.lexicon_file).read_text("utf-8"), schemes, __version__],
                           sort_keys=True, default=str)
        return hashlib.sha256(ident.encode("utf-8")).hexdigest()[:16]


def _part_key(article: Article, fingerprint: str) -> str:
    meta = json.dumps([article.id, article.title, article.outlet, article.date, article.url, article.language,
                       article.source, article.constructed, fingerprint], default=str)
    return hashlib.sha256((meta + "\0" + article.text).encode("utf-8")).hexdigest()[:24]


def _rows(records) -> list[dict]:
    """Flat record dataclasses as dicts (shallow: ``asdict`` deep-copies, and is slow)."""
    return [{name: getattr(r, name) for name in _field_names(type(r))} for r in records]


@functools.cache
def _field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def analyse_article(article: Article, settings: RunSettings) -> dict:
    """One article through every stage, as plain rows (what a part file holds).
    Errors become an error row: a worker never stops the batch."""
    from .nlp import load_pipeline, parse_many
    from .pipeline import _article_row, analyze_doc
    from .sentiment import load_lexicon

    try:
        nlp = load_pipeline(settings.pipeline)
        doc = next(parse_many([article.text], pipeline=nlp, cache_dir=settings.cache_dir))
        lexicon = load_lexicon(settings.lexicon_file) if settings.lexicon_file else None
        done = analyze_doc(doc, article, settings.registry, sentiment_backend=settings.sentiment_backend,
                           explain=settings.explain, lexicon=lexicon, schemes=settings.schemes)
    except (AnalysisError, ValueError, KeyError, IndexError, MemoryError, RecursionError) as exc:
        error = ArticleError(article.source, f"{type(exc).__name__}: {exc}", article.id, "analyse")
        return {"error": asdict(error)}
    return {
        "article": _article_row(done),
        "sentences": _rows(done.sentences), "mentions": _rows(done.mentions), "quotes": _rows(done.quotes),
        "sentiment": _rows(done.sentiment), "stance": _rows(done.stance),
        "descriptors": _rows(done.descriptors), "roles": _rows(done.roles), "frames": list(done.frames),
    }


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(data, ensure_ascii=False))  # one write: json.dump writes piece by piece
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)  # a part is either complete or absent: safe to resume


def _analyse_to_part(article: Article, settings: RunSettings, path: str) -> str:
    """Worker task: analyse and write the part file; returns its path."""
    _write_json(Path(path), analyse_article(article, settings))
    return path


def _share_cores(threads: int) -> None:
    """Worker start-up: each worker's model and linear algebra use its share of the cores."""
    os.environ["ANALYSIS_MODEL_THREADS"] = str(threads)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))


class _LocalEngine:
    """``jobs`` worker processes (or the calling process for one job)."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool = None
        if jobs > 1:
            import multiprocessing

            threads = max(1, (os.cpu_count() or 1) // jobs)
            self.pool = multiprocessing.get_context("spawn").Pool(jobs, initializer=_share_cores, initargs=(threads,))

    def submit(self, *args):
        if self.pool is None:
            return _analyse_to_part(*args)
        return self.pool.apply_async(_analyse_to_part, args)

    def result(self, handle):
        return handle if self.pool is None else handle.get()

    def close(self):
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


class _DaskEngine:
    """The same tasks on a Dask distributed cluster (a LocalCluster by default)."""

    def __init__(self, jobs: int, scheduler: str | None):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise AnalysisError("--engine dask needs the 'dask' extra: pip install 'discourse-analysis[dask]'",
                                source="engine") from exc
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
            self.client.run(_share_cores, max(1, (os.cpu_count() or 1) // jobs))

    def submit(self, *args):
        return self.client.submit(_analyse_to_part, *args, pure=False)

    def result(self, handle):
        return handle.result()

    def close(self):
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


#: Tables computed at the end from counts, not written row by row.
_COMPUTED = ("actor_summary", "stance_summary")


def _columns():
    from .pipeline import TABLE_COLUMNS

    return TABLE_COLUMNS


class _TableWriter:
    """CSV files written row by row, with the published columns."""

    def __init__(self, out: Path):
        self.handles, self.writers = {}, {}
        for name, columns in _columns().items():
            if name in _COMPUTED:
                continue
            handle = (out / f"{name}.csv").open("w", encoding="utf-8", newline="")
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            self.handles[name], self.writers[name] = handle, writer

    def write(self, name: str, rows) -> None:
        self.writers[name].writerows(rows)

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def _in_flight(iterable, submit, limit: int) -> Iterator:
    """Submit lazily, at most ``limit`` tasks at a time, yielding results in input order."""
    queue: deque = deque()
    for item in iterable:
        queue.append(submit(item))
        if len(queue) >= limit:
            yield queue.popleft()
    while queue:
        yield queue.popleft()


def run_corpus(
    corpus: str | Path,
    out_dir: str | Path,
    registry: ActorRegistry,
    *,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    pipeline: str | None = None,
    cache_dir: str | Path | bool | None = None,
    sentiment_backend: str | None = None,
    explain: bool = False,
    lexicon_file: str | None = None,
    schemes: tuple[str, ...] = ("generic_news", "mfc_policy"),
    progress: bool = True,
) -> dict:
    """Analyse a corpus as a stream and write every table to ``out_dir``.

    Parameters
    ----------
    corpus
        Folder, article file, ``.jsonl`` or ``.csv`` (:func:`analysis.corpus.scan_corpus`).
    out_dir
        Folder for the tables; finished articles are kept in ``out_dir/.parts``
        so that a re-run resumes.
    registry
        The study's actors.
    jobs
        Worker processes (``engine="local"``) or Dask workers of a LocalCluster.
    engine
        ``local`` or ``dask``.
    scheduler
        Dask: address of an existing scheduler instead of a LocalCluster.
    pipeline, cache_dir, sentiment_backend, explain, lexicon_file, schemes
        As for :func:`analysis.pipeline.analyze`.
    progress
        Show a progress bar with articles/s.

    Returns
    -------
    dict
        ``articles`` (inputs), ``analysed``, ``errors``, ``resumed`` (taken from
        earlier parts), ``seconds``.
    """
    if engine not in ENGINES:
        raise AnalysisError(f"unknown engine {engine!r}; valid: {', '.join(ENGINES)}", source="engine")
    if jobs < 1:
        raise AnalysisError(f"jobs={jobs}; give 1 or more", source="jobs")
    out = Path(out_dir)
    parts = out / ".parts"
    parts.mkdir(parents=True, exist_ok=True)
    cache = cache_dir if cache_dir is False else str(cache_dir) if cache_dir else None
    settings = RunSettings(registry, pipeline, cache, sentiment_backend or default_backend(), explain, lexicon_file,
                           tuple(str(s) for s in schemes))
    fingerprint = settings.fingerprint()
    started = time.perf_counter()
    order: list[tuple[str, str]] = []  # ("part", path) or ("error", json) in input order
    resumed = 0

    def tasks():
        nonlocal resumed
        for item in scan_corpus(corpus):
            if isinstance(item, ArticleError):
                order.append(("error", json.dumps(asdict(item))))
                continue
            path = parts / f"{_part_key(item, fingerprint)}.json"
            order.append(("part", str(path)))
            if path.exists():
                resumed += 1
                continue
            yield item, settings, str(path)

    runner = _DaskEngine(jobs, scheduler) if engine == "dask" else _LocalEngine(jobs)
    bar = tqdm(desc="Analysing articles", unit="article", disable=not progress)
    try:
        for handle in _in_flight(tasks(), lambda args: runner.submit(*args), limit=4 * jobs):
            runner.result(handle)
            bar.update(1)
    finally:
        runner.close()
        bar.close()
    summary = _assemble(out, order, registry)
    summary.update(articles=len(order), resumed=resumed, seconds=round(time.perf_counter() - started, 3))
    return summary


def _assemble(out: Path, order: list[tuple[str, str]], registry: ActorRegistry) -> dict:
    """Write the tables from the parts, in input order, row by row."""
    from .pipeline import _error_row

    writer = _TableWriter(out)
    counts: dict = {}
    stance_counts: dict = {}
    analysed = errors = 0
    try:
        for kind, value in order:
            if kind == "error":
                writer.write("errors", [_error_row(ArticleError(**json.loads(value)))])
                errors += 1
                continue
            part = json.loads(Path(value).read_text(encoding="utf-8"))
            if "error" in part:
                writer.write("errors", [_error_row(ArticleError(**part["error"]))])
                errors += 1
                continue
            writer.write("articles", [part["article"]])
            for name in ROW_TABLES:
                writer.write(name, part[name])
            _count_into(counts, part["sentiment"])
            count_stance_into(stance_counts, part["stance"])
            analysed += 1
    finally:
        writer.close()
    summarize_counts(counts, rng=np.random.default_rng(0)).to_csv(out / "actor_summary.csv", index=False,
                                                                   lineterminator="\n")
    write_network(summarize_stance(stance_counts), out, registry)
    return {"analysed": analysed, "errors": errors}
