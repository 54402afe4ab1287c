"""Benchmark: speed and memory of the pipeline on this machine (prints figures).

Not a test: it measures and prints, and says which targets of issue 8 are met.

    .venv/bin/python bench/run_bench.py [--sizes 100 1000] [--jobs 1 2] [--backends model lexicon]
                                        [--basil ../shared/data/basil] [--huge-mb 5] [--json FILE]

Measured, each in a fresh process with an empty parse cache:
* the seed article end to end, cold (import, load, parse, every stage) and warm
  (everything loaded; parse cached, and not cached);
* articles/s and words/s for synthetic corpora (``bench/synthetic.py``, our own
  sentence templates) of each size, at each job count, through
  ``python -m analysis run`` with each sentiment backend (``--backend``);
  peak RSS of the whole process tree;
* mentions judged per second by each sentiment backend alone (targets/s);
* the bare spaCy parse of the same texts at the same job count (``nlp.pipe``
  with ``n_process``): the physical floor; the ratio total / bare is our overhead;
* optionally real articles (``--basil``: the BASIL folder, read by path, run
  with its shipped registry), timed as the synthetic corpora are;
* optionally one huge article (``--huge-mb``) to show it finishes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from synthetic import REGISTRY, article_text, write_corpus  # noqa: E402

from analysis.corpus import load_corpus  # noqa: E402

PY = sys.executable


def _run_measured(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, summed over the process tree) of a command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode()[-2000:]}")
    return seconds, peak / 2**20


def _env(cache: Path) -> dict:
    env = dict(os.environ, ANALYSIS_CACHE_DIR=str(cache), TQDM_DISABLE="1", PYTHONHASHSEED="0")
    return env


SEED_SCRIPT = """
import time, sys
t0 = time.perf_counter()
from analysis import load_actors, load_corpus, analyze
from analysis.nlp import load_pipeline
articles, registry = load_corpus("corpus"), load_actors("corpus/actors.yaml")
analyze(articles, registry, progress=False, cache_dir=sys.argv[1])
cold = time.perf_counter() - t0
t1 = time.perf_counter(); analyze(articles, registry, progress=False, cache_dir=sys.argv[1])
warm_cached = time.perf_counter() - t1
t2 = time.perf_counter(); analyze(articles, registry, progress=False, cache_dir=False)
warm_uncached = time.perf_counter() - t2
print(cold, warm_cached, warm_uncached)
"""

PARSE_SCRIPT = """
import sys, time
from pathlib import Path
from analysis.corpus import load_corpus
from analysis.nlp import load_pipeline
texts = [a.text for a in load_corpus(sys.argv[1])]
nlp = load_pipeline()
t = time.perf_counter()
for _ in nlp.pipe(texts, batch_size=8, n_process=int(sys.argv[2])):
    pass
print(time.perf_counter() - t)
"""


TARGETS_SCRIPT = """
import sys, time
from analysis import load_actors, load_corpus
from analysis import sentiment
from analysis.pipeline import analyze_doc
from analysis.nlp import load_pipeline
articles = load_corpus(sys.argv[1]); registry = load_actors(sys.argv[2])
nlp = load_pipeline()
docs = list(nlp.pipe([a.text for a in articles]))
rows = [analyze_doc(d, a, registry, sentiment_backend="lexicon") for d, a in zip(docs, articles)]
for backend in sys.argv[3:]:
    sentiment.score_sentiment(docs[0], rows[0].mentions, rows[0].quotes, backend=backend)  # load
    sentiment.forget_predictions()  # no help from predictions of earlier runs
    t = time.perf_counter(); n = 0
    for d, r in zip(docs, rows):
        n += len(sentiment.score_sentiment(d, r.mentions, r.quotes, backend=backend))
    print(backend, n, time.perf_counter() - t)
"""


def bench_targets(tmp: Path, backends: list[str], corpus: Path | None = None, actors: Path | None = None,
                  name: str = "") -> dict:
    """Mentions judged per second by each sentiment backend (parse and other stages
    excluded), on ``corpus`` or on 30 synthetic articles."""
    if corpus is None:
        corpus = tmp / "corpus-targets"
        write_corpus(corpus, 30, words=700, seed=99)
        actors = corpus / "actors.yaml"
    out = subprocess.run([PY, "-c", TARGETS_SCRIPT, str(corpus), str(actors), *backends], cwd=ROOT,
                         env=_env(tmp / "t"), capture_output=True, text=True, check=True)
    figures = {}
    for line in out.stdout.split("\n"):
        if line.strip():
            backend, n, seconds = line.split()
            figures[f"targets_per_s_{backend}{name}"] = round(int(n) / float(seconds), 1)
    return figures


def bench_seed(tmp: Path) -> dict:
    out = subprocess.run([PY, "-c", SEED_SCRIPT, str(tmp / "seed-cache")], cwd=ROOT, env=_env(tmp / "x"),
                         capture_output=True, text=True, check=True)
    cold, warm_cached, warm_uncached = (float(x) for x in out.stdout.split())
    return {"seed_cold_s": round(cold, 3), "seed_warm_cached_s": round(warm_cached, 3),
            "seed_warm_uncached_s": round(warm_uncached, 3)}


def bare_parse_seconds(corpus: Path, jobs: int, cache: Path) -> float:
    """Seconds for spaCy alone to parse the corpus texts (``nlp.pipe``, ``n_process=jobs``)."""
    parse = subprocess.run([PY, "-c", PARSE_SCRIPT, str(corpus), str(jobs)], cwd=ROOT, env=_env(cache),
                           capture_output=True, text=True, check=True)
    return float(parse.stdout.strip())


def bench_corpus(tmp: Path, size: int, jobs: int, words: int, backend: str, bare: dict,
                 real: tuple[Path, Path] | None = None) -> dict:
    """One ``python -m analysis run`` of a synthetic corpus of ``size`` articles,
    or of ``real`` (a corpus file and its actor registry); ``bare`` caches parse
    floors by (corpus, jobs)."""
    if real:
        corpus, actors = real
        texts = [a.text for a in load_corpus(corpus)]
        size, label = len(texts), corpus.stem
    else:
        corpus, label = tmp / f"corpus-{size}", str(size)
        if not corpus.exists():
            write_corpus(corpus, size, words=words, seed=size)
        actors = corpus / "actors.yaml"
        texts = [p.read_text().split("---", 2)[2] for p in (corpus / "articles").glob("*.md")]
    cache = tmp / f"cache-{label}-{jobs}-{backend}"
    out = tmp / f"out-{label}-{jobs}-{backend}"
    cmd = [PY, "-m", "analysis", "run", str(corpus), "--actors", str(actors), "--out", str(out), "--jobs", str(jobs),
           "--quiet", "--backend", backend]
    seconds, peak = _run_measured(cmd, _env(cache))
    if (label, jobs) not in bare:
        bare[(label, jobs)] = bare_parse_seconds(corpus, jobs, cache)
    n_words = sum(len(t.split()) for t in texts)
    return {"corpus": label, "articles": size, "jobs": jobs, "backend": backend, "words": n_words,
            "seconds": round(seconds, 2),
            "articles_per_s": round(size / seconds, 2), "words_per_s": round(n_words / seconds),
            "bare_parse_s": round(bare[(label, jobs)], 2), "overhead_ratio": round(seconds / bare[(label, jobs)], 2),
            "peak_rss_mb": round(peak)}


def bench_huge(tmp: Path, megabytes: float, backend: str) -> dict:
    import random

    folder = tmp / "huge" / "articles"
    folder.mkdir(parents=True)
    rng = random.Random(5)
    text = article_text(rng, int(megabytes * 1_000_000 / 5.8))
    (folder / "huge.md").write_text(f"---\nid: huge\ntitle: Huge\nconstructed: true\n---\n{text}\n")
    (tmp / "huge" / "actors.yaml").write_text(REGISTRY)
    cmd = [PY, "-m", "analysis", "run", str(tmp / "huge"), "--out", str(tmp / "huge-out"), "--quiet",
           "--backend", backend]
    seconds, peak = _run_measured(cmd, _env(tmp / "huge-cache"))
    return {"huge_mb": round(len(text.encode()) / 1e6, 2), "huge_backend": backend, "huge_seconds": round(seconds, 1),
            "huge_peak_rss_mb": round(peak)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--words", type=int, default=700, help="words per synthetic article")
    parser.add_argument("--backends", nargs="+", default=["model", "lexicon"], choices=["model", "lexicon"],
                        help="sentiment backends to time (default: both)")
    parser.add_argument("--huge-mb", type=float, default=0, help="also run one article of this many MB")
    parser.add_argument("--basil", type=Path, metavar="DIR",
                        help="also time real articles: the BASIL folder (e.g. ../shared/data/basil), with its registry")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    figures: dict = {"machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        figures.update(bench_seed(tmp))
        print(f"seed article: cold {figures['seed_cold_s']} s, warm {figures['seed_warm_cached_s']} s "
              f"(parse cached), {figures['seed_warm_uncached_s']} s (not cached)", flush=True)
        figures.update(bench_targets(tmp, args.backends))
        print("sentiment alone: " + ", ".join(f"{b} {figures[f'targets_per_s_{b}']} targets/s" for b in args.backends),
              flush=True)
        real = None
        if args.basil:
            from analysis.datasets import read_basil
            from analysis.evaluate import BASIL_ACTORS, write_corpus_file

            real = (write_corpus_file(read_basil(args.basil).articles, tmp / "basil.jsonl"), Path(BASIL_ACTORS))
            figures.update(bench_targets(tmp, args.backends, *real, name="_basil"))
            print("sentiment alone, BASIL: " + ", ".join(
                f"{b} {figures[f'targets_per_s_{b}_basil']} targets/s" for b in args.backends), flush=True)
        runs, bare = [], {}
        for size in [*args.sizes, *(["basil"] if real else [])]:
            for backend in args.backends:
                for jobs in args.jobs:
                    r = bench_corpus(tmp, size if size != "basil" else 0, jobs, args.words, backend, bare,
                                     real=real if size == "basil" else None)
                    runs.append(r)
                    print(f"{r['corpus']:>5s}: {r['articles']} articles, {backend:7s}, {jobs} job(s): "
                          f"{r['seconds']:7.1f} s, {r['articles_per_s']:6.2f} articles/s, {r['words_per_s']:6d} "
                          f"words/s, bare parse {r['bare_parse_s']} s (ratio {r['overhead_ratio']}), "
                          f"peak RSS {r['peak_rss_mb']} MB", flush=True)
        figures["runs"] = runs
        if args.huge_mb:
            figures.update(bench_huge(tmp, args.huge_mb, args.backends[0]))
            print(f"huge article ({figures['huge_backend']}): {figures['huge_mb']} MB in {figures['huge_seconds']} s, "
                  f"peak RSS {figures['huge_peak_rss_mb']} MB", flush=True)
    print("\ntargets (issues 8 and 15):")
    print(f"  seed warm <= 0.5 s: {figures['seed_warm_cached_s'] <= 0.5} ({figures['seed_warm_cached_s']} s)")
    for key, value in figures.items():
        if key.startswith("targets_per_s_model"):
            print(f"  sentiment model >= 1,000 mentions/s ({key}): {value >= 1000} ({value})")
    for corpus in dict.fromkeys(r["corpus"] for r in runs):
        for backend in args.backends:
            by_jobs = {r["jobs"]: r for r in runs if r["corpus"] == corpus and r["backend"] == backend}
            limit = 1.8 if backend == "model" else 1.5
            for r in by_jobs.values():
                print(f"  {corpus} ({r['articles']} articles), {backend}, {r['jobs']} job(s): total <= {limit}x bare "
                      f"parse: {r['overhead_ratio'] <= limit} ({r['overhead_ratio']}); peak RSS <= 1.5 GB: "
                      f"{r['peak_rss_mb'] <= 1536} ({r['peak_rss_mb']} MB)")
            if 1 in by_jobs and 2 in by_jobs:
                speedup = by_jobs[1]["seconds"] / by_jobs[2]["seconds"]
                print(f"  {corpus}, {backend}: 2 jobs >= 1.7x faster than 1: {speedup >= 1.7} ({speedup:.2f}x)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
