"""Batch runs: streaming, resume, jobs and engines give the same tables."""

import hashlib
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.actors import load_actors
from analysis.batch import run_corpus
from analysis.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from synthetic import write_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = write_corpus(tmp_path_factory.mktemp("synthetic"), articles=6, words=120, seed=3)
    (folder / "articles" / "broken.md").write_bytes(b"\x00\x01binary")
    return folder


def _digests(out: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.glob("*.csv"))}


@pytest.fixture(scope="module")
def one_job(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("jobs1")
    summary = run_corpus(corpus, out, load_actors(corpus / "actors.yaml"), jobs=1, progress=False,
                         sentiment_backend="lexicon", cache_dir=False)
    return out, summary


def test_every_input_is_analysed_or_an_error_row(one_job):
    out, summary = one_job
    assert (summary["articles"], summary["analysed"], summary["errors"]) == (7, 6, 1)
    errors = pd.read_csv(out / "errors.csv")
    assert errors.source.str.endswith("broken.md").tolist() == [True]
    assert "binary" in errors.message.iloc[0]
    assert len(pd.read_csv(out / "articles.csv")) == 6
    assert set(pd.read_csv(out / "mentions.csv").actor) >= {"mayor", "union", "council"}


def test_rerun_resumes_and_gives_identical_tables(corpus, one_job):
    out, _ = one_job
    before = _digests(out)
    again = run_corpus(corpus, out, load_actors(corpus / "actors.yaml"), progress=False, sentiment_backend="lexicon",
                       cache_dir=False)
    assert again["resumed"] == 6 and _digests(out) == before


def test_parts_written_by_other_code_are_analysed_again(corpus, one_job, tmp_path, monkeypatch):
    import analysis.batch as batch

    out, _ = one_job
    copy = tmp_path / "copy"
    (copy / ".parts").mkdir(parents=True)
    for part in (out / ".parts").glob("*.json"):
        (copy / ".parts" / part.name).write_bytes(part.read_bytes())
    monkeypatch.setattr(batch, "code_digest", lambda: "changed-rules")  # as after an update of the package
    summary = run_corpus(corpus, copy, load_actors(corpus / "actors.yaml"), progress=False,
                         sentiment_backend="lexicon", cache_dir=False)
    assert summary["resumed"] == 0 and summary["analysed"] == 6
    assert _digests(copy) == _digests(out)


def test_interrupted_run_redoes_only_the_missing_articles(corpus, one_job, tmp_path):
    out, _ = one_job
    copy = tmp_path / "copy"
    copy.mkdir()
    parts = sorted((out / ".parts").glob("*.json"))
    (copy / ".parts").mkdir()
    for part in parts[:4]:  # as if the run had stopped after four articles
        (copy / ".parts" / part.name).write_bytes(part.read_bytes())
    summary = run_corpus(corpus, copy, load_actors(corpus / "actors.yaml"), progress=False,
                         sentiment_backend="lexicon", cache_dir=False)
    assert summary["resumed"] == 4
    assert _digests(copy) == _digests(out)


def test_two_jobs_give_identical_tables(corpus, one_job, tmp_path):
    out, _ = one_job
    run_corpus(corpus, tmp_path, load_actors(corpus / "actors.yaml"), jobs=2, progress=False,
               sentiment_backend="lexicon", cache_dir=False)
    assert _digests(tmp_path) == _digests(out)


def test_a_chunk_whose_joint_analysis_fails_is_analysed_article_by_article(corpus, one_job, tmp_path, monkeypatch):
    import analysis.pipeline as pipeline

    out, _ = one_job
    real = pipeline.analyze_doc
    sizes, alone = [], []

    def analyze_docs(docs, articles, *args, **kwargs):
        sizes.append(len(articles))
        raise RuntimeError("planted by the test")

    def analyze_doc(doc, article, *args, **kwargs):
        alone.append(article.id)
        return real(doc, article, *args, **kwargs)

    monkeypatch.setattr(pipeline, "analyze_docs", analyze_docs)
    monkeypatch.setattr(pipeline, "analyze_doc", analyze_doc)
    summary = run_corpus(corpus, tmp_path, load_actors(corpus / "actors.yaml"), progress=False,
                         sentiment_backend="lexicon", cache_dir=False)
    assert sizes == [6] and len(alone) == 6 and summary["analysed"] == 6
    assert _digests(tmp_path) == _digests(out)


def test_one_model_run_per_chunk_gives_the_tables_of_one_run_per_article(corpus, tmp_path, monkeypatch):
    import analysis.batch as batch
    from analysis.sentiment import forget_predictions

    tables = {}
    for size in (1, 4):
        monkeypatch.setattr(batch, "ARTICLES_PER_MODEL_RUN", size)
        forget_predictions()
        run_corpus(corpus, tmp_path / str(size), load_actors(corpus / "actors.yaml"), progress=False,
                   sentiment_backend="model", cache_dir=False)
        tables[size] = {name: pd.read_csv(tmp_path / str(size) / f"{name}.csv", keep_default_na=False)
                        for name in ("mentions", "quotes", "sentiment", "stance", "roles")}
    for name, one in tables[1].items():
        many = tables[4][name]
        if name == "sentiment":
            assert (many.score - one.score).abs().max() < 1e-3
            many, one = many.drop(columns=["score", "confidence", "evidence"]), one.drop(
                columns=["score", "confidence", "evidence"])
        pd.testing.assert_frame_equal(many, one)
    assert (tables[4]["sentiment"].label != "neutral").any()


@pytest.mark.long  # starts a Dask LocalCluster: about 5 s
def test_dask_local_cluster_gives_identical_tables(corpus, one_job, tmp_path):
    out, _ = one_job
    run_corpus(corpus, tmp_path, load_actors(corpus / "actors.yaml"), jobs=2, engine="dask", progress=False,
               sentiment_backend="lexicon", cache_dir=False)
    assert _digests(tmp_path) == _digests(out)


@pytest.mark.long  # two worker processes start and load the pipeline: about 8 s
def test_cli_run_with_jobs(corpus, tmp_path, capsys):
    code = main(["run", str(corpus), "--out", str(tmp_path), "--jobs", "2", "--backend", "lexicon", "--no-cache"])
    assert code == 1  # broken.md is an error row
    printed = capsys.readouterr().out
    assert "7 input(s): 6 analysed" in printed and "1 error(s)" in printed


def test_bad_engine_and_jobs_are_clear_errors(corpus, tmp_path, capsys):
    assert main(["run", str(corpus), "--out", str(tmp_path), "--jobs", "0", "--quiet"]) == 2
    assert "jobs=0" in capsys.readouterr().err
