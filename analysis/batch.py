"""Corpora at scale: stream a corpus of any size through the pipeline.

``python -m analysis run CORPUS --out DIR`` calls :func:`run_corpus`. Articles
are read one at a time (:func:`analysis.corpus.scan_corpus`) and analysed by
``--jobs`` worker processes, or on a Dask cluster (``--engine dask``); each
finished article is written at once to its own part file under
``DIR/.parts/`` (JSON with a checksum, keyed by a hash of the article and the
settings), and the tables are assembled from the parts at the end, in input
order. So:

* memory does not grow with the corpus (a bounded number of articles is in
  flight; tables are written row by row);
* a re-run, or a run resumed after an interruption, skips every article whose
  part is already there and intact and was written with the same settings and
  the same code (parsed documents are also cached by content hash); a truncated
  or altered part, and an article that failed, are analysed again;
* every input appears in the output: analysed, or a row of ``errors.csv``
  (a stage that failed on an article is a row too, and the article's other
  rows are kept); the traceback of every error goes to ``DIR/errors.log``;
* the tables are the same whatever the number of jobs or the engine, and are
  replaced only when all of them are complete (written to ``DIR/.staging``
  first): a crash, a full disk or a kill leaves the earlier tables as they were;
* one run at a time per output folder (a lock file, ``DIR/.lock``).

Examples
--------
>>> import tempfile
>>> from analysis.actors import load_actors
>>> out = tempfile.mkdtemp()
>>> summary = run_corpus("corpus", out, load_actors("corpus/actors.yaml"), progress=False,
...                      sentiment_backend="lexicon")
>>> summary["analysed"] >= 1, summary["errors"], summary["failed"]
(True, 0, 0)
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import json
import os
import shutil
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from tqdm.auto import tqdm

from . import __version__
from .corpus import scan_corpus
from .errors import AnalysisError, OutputError
from .pipeline import ARTICLES_PER_MODEL_RUN, DEFAULT_SCHEMES
from .tables import escape_formula, record_columns
from .types import ActorRegistry, Article, ArticleError

__all__ = ["run_corpus", "RunSettings", "ENGINES", "ROW_TABLES", "SCHEDULER_TIMEOUT"]

ENGINES = ("local", "dask")
#: Tables assembled row by row from the parts (``actor_summary`` is computed
#: from counts and ``articles``/``errors`` are one row per input).
ROW_TABLES = ("sentences", "mentions", "quotes", "sentiment", "stance", "descriptors", "roles", "frames")
#: Seconds to wait for a Dask scheduler named with ``--scheduler``.
SCHEDULER_TIMEOUT = 10
#: First line of every part file: this tag, a space, and the SHA-256 of the rest.
_PART_TAG = "analysis-part-v2"
#: How many failed inputs the summary lists (all of them are in errors.csv).
_LISTED_FAILURES = 10


@dataclass(frozen=True)
class RunSettings:
    """Everything that decides an article's results (part of each part's key)."""

    registry: ActorRegistry
    pipeline: str | None = None
    cache_dir: str | bool | None = None
    sentiment_backend: str = "lexicon"
    explain: bool = False
    lexicon_file: str | None = None
    schemes: tuple[str, ...] = DEFAULT_SCHEMES

    def fingerprint(self) -> str:
        """A hash of the settings that change results (not the cache folder)."""
        schemes = [Path(s).read_text("utf-8") if Path(s).suffix in (".yaml", ".yml") else s for s in self.schemes]
        ident = json.dumps([asdict(self.registry), self.pipeline, self.sentiment_backend, self.explain,
                            self.lexicon_file and Path(self.lexicon_file).read_text("utf-8"), schemes, __version__,
                            code_digest()],
                           sort_keys=True, default=str)
        return hashlib.sha256(ident.encode("utf-8")).hexdigest()[:16]


@functools.cache
def code_digest() -> str:
    """A hash of the package's code and shipped resources (rules, word lists,
    models): parts written by other code are analysed again, so that a changed
    rule never leaves earlier results in the tables."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _part_key(article: Article, fingerprint: str) -> str:
    meta = json.dumps([article.id, article.title, article.outlet, article.date, article.url, article.language,
                       article.source, article.constructed, fingerprint], default=str)
    return hashlib.sha256((meta + "\0" + article.text).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _rows(records) -> list[dict]:
    """Flat record dataclasses as dicts (shallow: ``asdict`` deep-copies, and is slow)."""
    return [{name: getattr(r, name) for name in _field_names(type(r))} for r in records]


@functools.cache
def _field_names(cls) -> tuple[str, ...]:
    return tuple(record_columns(cls))


def analyse_article(article: Article, settings: RunSettings) -> dict:
    """One article through every stage, as plain rows (what a part file holds).

    A stage that fails leaves its rows empty and adds an entry to ``errors``
    (with its traceback in ``tracebacks``); if the article cannot be parsed at
    all the result is ``{"error": ..., "traceback": ...}``. A worker never
    stops the batch.
    """
    return analyse_articles([article], settings)[0]


def analyse_articles(articles: list[Article], settings: RunSettings) -> list[dict]:
    """:func:`analyse_article` for several articles, in order, with one run of the
    sentiment model over all of them (:func:`analysis.pipeline.analyse_parsed`:
    should that fail as a whole, each article is analysed alone)."""
    from .nlp import load_pipeline, parse_many
    from .pipeline import analyse_parsed
    from .sentiment import load_lexicon

    try:
        nlp = load_pipeline(settings.pipeline)
        lexicon = load_lexicon(settings.lexicon_file) if settings.lexicon_file else None
    except Exception as exc:
        return [_failed(article, exc) for article in articles]
    out: dict[int, dict] = {}
    docs = {}
    for i, article in enumerate(articles):
        try:
            docs[i] = next(parse_many([article.text], pipeline=nlp, cache_dir=settings.cache_dir))
        except Exception as exc:  # one article never stops the batch
            out[i] = _failed(article, exc)
    done = analyse_parsed([(articles[i], docs[i]) for i in docs], settings.registry,
                          sentiment_backend=settings.sentiment_backend, explain=settings.explain,
                          lexicon=lexicon, schemes=settings.schemes)
    for i, d in zip(docs, done, strict=True):
        try:
            out[i] = _part_data(d) if not isinstance(d, tuple) else {"error": asdict(d[0]), "traceback": d[1]}
        except Exception as exc:  # rows that cannot be written are that article's failure
            out[i] = _failed(articles[i], exc)
    return [out[i] for i in range(len(articles))]


def _failed(article: Article, exc: Exception) -> dict:
    from .pipeline import one_line

    error = ArticleError(article.source, one_line(exc), article.id, "analyse")
    return {"error": asdict(error), "traceback": traceback.format_exc()}


def _part_data(done) -> dict:
    from .pipeline import article_row

    return {
        "article": article_row(done),
        "sentences": _rows(done.sentences), "mentions": _rows(done.mentions), "quotes": _rows(done.quotes),
        "sentiment": _rows(done.sentiment), "stance": _rows(done.stance),
        "descriptors": _rows(done.descriptors), "roles": _rows(done.roles), "frames": _rows(done.frames),
        "errors": [asdict(e) for e in done.errors], "tracebacks": list(done.tracebacks),
    }


def _write_part(path: Path, data: dict) -> None:
    """Write a part file whole or not at all, with the checksum of its JSON on its first line."""
    body = json.dumps(data, ensure_ascii=False)  # one write: json.dump writes piece by piece
    digest = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogatepass") as handle:
            handle.write(f"{_PART_TAG} {digest}\n{body}")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)  # a part is either complete or absent: safe to resume
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise OutputError(f"cannot write a part file ({exc.strerror or exc}); free space or choose another --out",
                          source=str(path.parent)) from None


def _read_part(path: Path) -> dict | None:
    """The part's data, or None if it is missing, truncated, altered or of another format."""
    try:
        raw = path.read_bytes()
        head, _, body = raw.partition(b"\n")
        tag, _, digest = head.decode("ascii").partition(" ")
        if tag != _PART_TAG or hashlib.sha256(body).hexdigest() != digest:
            return None
        data = json.loads(body.decode("utf-8", "surrogatepass"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and ("error" in data or "article" in data) else None


def _analyse_to_parts(articles: list[Article], settings: RunSettings, paths: list[str]) -> list[str]:
    """Worker task: analyse a chunk of articles and write their part files; returns their paths."""
    for data, path in zip(analyse_articles(articles, settings), paths, strict=True):
        _write_part(Path(path), data)
    return paths


def _share_cores(threads: int) -> None:
    """Worker start-up: each worker's model and linear algebra use its share of the cores."""
    os.environ["ANALYSIS_MODEL_THREADS"] = str(threads)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))


class _LocalEngine:
    """``jobs`` worker processes (or the calling process for one job)."""

    def __init__(self, jobs: int, scratch: Path):
        self.jobs = jobs
        self.pool = None
        if jobs > 1:
            import multiprocessing

            threads = max(1, (os.cpu_count() or 1) // jobs)
            self.pool = multiprocessing.get_context("spawn").Pool(jobs, initializer=_share_cores, initargs=(threads,))

    def submit(self, *args):
        if self.pool is None:
            return _analyse_to_parts(*args)
        return self.pool.apply_async(_analyse_to_parts, args)

    def result(self, handle):
        return handle if self.pool is None else handle.get()

    def close(self, *, cancel: bool = False):
        if self.pool is not None:
            if cancel:
                self.pool.terminate()
            else:
                self.pool.close()
            self.pool.join()


class _DaskEngine:
    """The same tasks on a Dask distributed cluster (a LocalCluster by default).

    Dask's scratch files go to ``scratch`` (under the output folder), not to
    the system's temporary folder.
    """

    def __init__(self, jobs: int, scheduler: str | None, scratch: Path):
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise AnalysisError("--engine dask needs the 'dask' extra: pip install 'discourse-analysis[dask]'",
                                source="engine") from exc
        scratch.mkdir(parents=True, exist_ok=True)
        self.config = dask.config.set({"temporary-directory": str(scratch)})
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as exc:
                self.config.__exit__(None, None, None)
                reason = " ".join(str(exc).split())[:200] or type(exc).__name__
                raise AnalysisError(f"no Dask scheduler answered within {SCHEDULER_TIMEOUT} s ({reason}); give the "
                                    "address of a running scheduler, e.g. tcp://127.0.0.1:8786, or leave out "
                                    "--scheduler for a local cluster", source=f"--scheduler {scheduler}") from None
        else:
            self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                        dashboard_address=None, local_directory=str(scratch))
            self.client = Client(self.cluster)
            self.client.run(_share_cores, max(1, (os.cpu_count() or 1) // jobs))

    def submit(self, *args):
        return self.client.submit(_analyse_to_parts, *args, pure=False)

    def result(self, handle):
        return handle.result()

    def close(self, *, cancel: bool = False):
        try:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()
        finally:
            self.config.__exit__(None, None, None)


#: Tables computed at the end from counts, not written row by row.
_COMPUTED = ("actor_summary", "stance_summary")


def _columns():
    from .pipeline import TABLE_COLUMNS

    return TABLE_COLUMNS


class _TableWriter:
    """CSV files written row by row, with the published columns; text cells that a
    spreadsheet would run as formulas are escaped (:func:`analysis.tables.escape_formula`)."""

    def __init__(self, out: Path):
        self.handles, self.writers = {}, {}
        for name, columns in _columns().items():
            if name in _COMPUTED:
                continue
            handle = (out / f"{name}.csv").open("w", encoding="utf-8", errors="backslashreplace", newline="")
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            self.handles[name], self.writers[name] = handle, writer

    def write(self, name: str, rows) -> None:
        self.writers[name].writerows({k: escape_formula(v) for k, v in row.items()} for row in rows)

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


def _prepare_output(out: Path) -> None:
    """Create the output folder, or say in one line why it cannot be used."""
    if out.exists() and not out.is_dir():
        raise OutputError("is a file, not a folder: give a folder for the tables with --out", source=str(out))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder ({exc.strerror or exc}); choose another --out",
                          source=str(out)) from None


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold ``out/.lock`` for the run: a second run into the same folder is refused.

    The lock is an ``flock`` on an open file, so the system releases it when
    the process ends, however it ends (even ``kill -9``): no stale lock.
    """
    path = out / ".lock"
    try:
        handle = path.open("a+", encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write in the output folder ({exc.strerror or exc}); choose a writable --out",
                          source=str(out)) from None
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no lock, runs must be kept apart by hand
            fcntl = None
        if fcntl is not None:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                raise OutputError(f"another run is writing to this folder (pid {holder}); wait for it to finish "
                                  "or give another --out", source=str(out)) from None
            except OSError:  # a file system without locks (some network mounts): runs must be kept apart by hand
                pass
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
        except OSError as exc:
            raise OutputError(f"cannot write in the output folder ({exc.strerror or exc}); free space or choose "
                              "another --out", source=str(out)) from None
        yield
    finally:
        handle.close()


def _remove_leftovers(out: Path, parts: Path) -> None:
    """Temporary files of a run that was killed (we hold the lock: no run is using them)."""
    for tmp in parts.glob("*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()
    for folder in (out / ".staging", out / ".dask-scratch"):
        shutil.rmtree(folder, ignore_errors=True)


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
    schemes: tuple[str, ...] = DEFAULT_SCHEMES,
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
        ``articles`` (inputs), ``analysed`` (rows of articles.csv), ``errors``
        (inputs that could not be read or analysed at all), ``partial``
        (analysed articles where a stage failed), ``failed`` (inputs with any
        error: ``errors + partial``), ``failures`` (the first few error rows,
        as dicts), ``resumed`` (taken from intact earlier parts), ``redone``
        (earlier parts that were damaged or held an error, analysed again),
        ``seconds``.

    Raises
    ------
    AnalysisError
        Before any work, for a bad setting (engine, jobs, a scheme or lexicon
        file, a spaCy pipeline that is not installed, an unreachable
        scheduler); :class:`~analysis.errors.OutputError` when ``out_dir``
        cannot be written (a file, read-only, full) or another run holds it.
        The earlier tables in ``out_dir`` are then left as they were.
    """
    if engine not in ENGINES:
        raise AnalysisError(f"unknown engine {engine!r}; valid: {', '.join(ENGINES)}", source="engine")
    if jobs < 1:
        raise AnalysisError(f"jobs={jobs}; give 1 or more", source="jobs")
    schemes = tuple(str(s) for s in schemes)
    from .pipeline import check_settings

    check_settings(lexicon_file, schemes, pipeline)
    out = Path(out_dir)
    _prepare_output(out)
    with _locked(out):
        parts = out / ".parts"
        try:
            parts.mkdir(exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create {parts.name} ({exc.strerror or exc})", source=str(out)) from None
        _remove_leftovers(out, parts)
        return _run_locked(corpus, out, parts, registry, jobs=jobs, engine=engine, scheduler=scheduler,
                           pipeline=pipeline, cache_dir=cache_dir, sentiment_backend=sentiment_backend,
                           explain=explain, lexicon_file=lexicon_file, schemes=schemes, progress=progress)


def _run_locked(corpus, out: Path, parts: Path, registry: ActorRegistry, *, jobs, engine, scheduler, pipeline,
                cache_dir, sentiment_backend, explain, lexicon_file, schemes, progress) -> dict:
    from .pipeline import backend_or_default

    cache = cache_dir if cache_dir is False else str(cache_dir) if cache_dir else None
    settings = RunSettings(registry, pipeline, cache, backend_or_default(sentiment_backend), explain, lexicon_file,
                           schemes)
    fingerprint = settings.fingerprint()
    started = time.perf_counter()
    order: list[tuple[str, str]] = []  # ("part", path) or ("error", json) in input order
    resumed = redone = 0

    def tasks():
        nonlocal resumed, redone
        for item in scan_corpus(corpus):
            if isinstance(item, ArticleError):
                order.append(("error", json.dumps(asdict(item))))
                continue
            path = parts / f"{_part_key(item, fingerprint)}.json"
            order.append(("part", str(path)))
            if path.exists():
                earlier = _read_part(path)
                if earlier is not None and "error" not in earlier and not earlier.get("errors"):
                    resumed += 1
                    continue
                redone += 1  # damaged, or an error that may since have been fixed: analyse again
            yield item, str(path)

    def chunks():
        chunk: list = []
        for item in tasks():
            chunk.append(item)
            if len(chunk) == ARTICLES_PER_MODEL_RUN:  # one model run for them all; a part file each
                yield [a for a, _ in chunk], settings, [p for _, p in chunk]
                chunk = []
        if chunk:
            yield [a for a, _ in chunk], settings, [p for _, p in chunk]

    scratch = out / ".dask-scratch"
    runner = _DaskEngine(jobs, scheduler, scratch) if engine == "dask" else _LocalEngine(jobs, scratch)
    bar = tqdm(desc="Analysing articles", unit="article", disable=not progress)
    finished = False
    try:
        for handle in _in_flight(chunks(), lambda args: runner.submit(*args), limit=2 * jobs):
            bar.update(len(runner.result(handle)))
        finished = True
    finally:
        runner.close(cancel=not finished)
        bar.close()
        shutil.rmtree(scratch, ignore_errors=True)
    summary = _assemble(out, order, registry)
    summary.update(articles=len(order), resumed=resumed, redone=redone,
                   seconds=round(time.perf_counter() - started, 3))
    return summary


def _assemble(out: Path, order: list[tuple[str, str]], registry: ActorRegistry) -> dict:
    """Write the tables from the parts, in input order, row by row: first into
    ``out/.staging``, then moved into ``out`` once every file is complete."""
    staging = out / ".staging"
    try:
        staging.mkdir(exist_ok=True)
        summary = _write_tables(staging, order, registry)
        for path in sorted(staging.iterdir()):
            os.replace(path, out / path.name)
    except OSError as exc:
        raise OutputError(f"cannot write the tables ({exc.strerror or exc}); the earlier tables are unchanged; "
                          "free space or choose another --out", source=str(out)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary


def _write_tables(folder: Path, order: list[tuple[str, str]], registry: ActorRegistry) -> dict:
    from .pipeline import ERROR_LOG, SummaryCounts, error_row, log_entry

    writer = _TableWriter(folder)
    counts = SummaryCounts()
    analysed = errors = partial = 0
    failures: list[dict] = []  # the first error of each of the first few failed inputs
    listed: set[tuple[str, str]] = set()

    def report(error: ArticleError, details: str = "") -> None:
        writer.write("errors", [error_row(error)])
        log.write(log_entry(error, details))
        if len(failures) < _LISTED_FAILURES and (error.article_id, error.source) not in listed:
            listed.add((error.article_id, error.source))
            failures.append(error_row(error))

    with (folder / ERROR_LOG).open("w", encoding="utf-8", errors="backslashreplace") as log:
        try:
            for kind, value in order:
                if kind == "error":
                    report(ArticleError(**json.loads(value)))
                    errors += 1
                    continue
                part = _read_part(Path(value))
                if part is None:  # removed or damaged since it was written: say so, never crash
                    report(ArticleError(value, "part file missing or damaged after it was written; run again to "
                                               "analyse the article again", "", "assemble"))
                    errors += 1
                    continue
                if "error" in part:
                    report(ArticleError(**part["error"]), part.get("traceback", ""))
                    errors += 1
                    continue
                writer.write("articles", [part["article"]])
                for name in ROW_TABLES:
                    writer.write(name, part[name])
                for error, details in zip(part["errors"], part["tracebacks"], strict=True):
                    report(ArticleError(**error), details)
                partial += bool(part["errors"])
                counts.add(part["sentiment"], part["stance"])
                analysed += 1
        finally:
            writer.close()
    counts.write(folder, registry)
    return {"analysed": analysed, "errors": errors, "partial": partial, "failed": errors + partial,
            "failures": failures}
