"""The CLI and the pipeline: tables, their columns, and bad input in a batch."""

import pandas as pd
import pytest

from analysis.cli import main
from analysis.pipeline import TABLE_COLUMNS

ARTICLE = """---
id: {id}
title: A constructed test article
constructed: true
---
{body}
"""
REGISTRY = """actors:
  mayor: {kind: person, pronoun: she, names: [Ana Ortiz]}
  union: {kind: organisation, names: [Dockworkers Union], group_nouns: [the dockers]}
"""


@pytest.fixture
def small_corpus(tmp_path):
    """A folder with two good articles (another topic, another registry) and three bad files."""
    folder = tmp_path / "corpus"
    (folder / "articles").mkdir(parents=True)
    (folder / "actors.yaml").write_text(REGISTRY)
    for i, body in enumerate([
        "Mayor Ana Ortiz met the Dockworkers Union on Monday. She said the port would reopen.",
        "The dockers rejected the offer. Ortiz called it fair.",
    ]):
        (folder / "articles" / f"a{i}.md").write_text(ARTICLE.format(id=f"a{i}", body=body))
    (folder / "articles" / "empty.md").write_text("")
    (folder / "articles" / "page.md").write_text(ARTICLE.format(id="page", body="<html><body><p>x</p></body></html>"))
    (folder / "articles" / "latin1.txt").write_bytes(ARTICLE.format(id="l1", body="Caf\xe9 talks").encode("latin-1"))
    return folder


def test_run_writes_every_table_with_its_columns(small_corpus, tmp_path):
    out = tmp_path / "results"
    figures = tmp_path / "figures"
    code = main(["run", str(small_corpus), "--out", str(out), "--figures", str(figures), "--quiet", "--no-cache"])
    assert code == 1  # the three bad files are error rows; the tables are written
    for name, columns in TABLE_COLUMNS.items():
        table = pd.read_csv(out / f"{name}.csv")
        assert list(table.columns) == columns, name
    mentions = pd.read_csv(out / "mentions.csv")
    assert {"mayor", "union"} <= set(mentions.actor)
    she = mentions[mentions.text == "She"]
    assert she.actor.tolist() == ["mayor"] and she.method.tolist() == ["pronoun"]
    assert sorted(p.name for p in figures.glob("*.png")) == ["dispersion_a0.png", "dispersion_a1.png",
                                                              "speakers_a0.png"]  # a1 quotes nobody


def test_run_figures_place_each_mention_where_it_is_and_mark_constructed_texts(small_corpus, tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    import analysis.plots as plots

    shown = {}

    def keep(fig, path, **kw):
        shown[path.name] = fig
        return path

    monkeypatch.setattr(plots, "save_figure", keep)  # analysis.reproduce.write_run_figures saves through it
    monkeypatch.setattr(plt, "close", lambda fig: None)
    main(["run", str(small_corpus), "--out", str(tmp_path / "results"), "--figures", str(tmp_path / "f"), "--quiet",
          "--no-cache"])
    ax = shown["dispersion_a0.png"].axes[0]
    offsets = sorted(x for c in ax.collections for x, _ in c.get_offsets())
    # "Ana Ortiz" opens the text, "Dockworkers Union" is word 5, "She" word 9: marks span the article
    assert offsets[0] < 2 and offsets[-1] >= 8 and len(set(offsets)) >= 3
    for name, fig in shown.items():
        title = fig.axes[0].get_title(loc="left") or fig.axes[0].get_title()
        assert "(constructed text)" in " ".join(title.split()), name  # both articles are constructed: true


def test_a_batch_never_drops_an_article(small_corpus, tmp_path):
    out = tmp_path / "results"
    assert main(["run", str(small_corpus), "--out", str(out), "--quiet", "--no-cache"]) == 1
    articles = pd.read_csv(out / "articles.csv")
    errors = pd.read_csv(out / "errors.csv")
    assert sorted(articles.article_id) == ["a0", "a1"]
    assert len(errors) == 3
    reasons = " | ".join(errors.message)
    assert "empty file" in reasons and "HTML" in reasons and "UTF-8" in reasons
    assert all(errors.source.str.contains("corpus/articles/"))


def test_sentences_and_mentions_index_the_article_text(seed_result, seed_article):
    text = seed_article.text
    for row in seed_result.sentences.itertuples():
        assert text[row.start : row.end] == row.text
    for row in seed_result.mentions.itertuples():
        assert text[row.start : row.end] == row.text
        assert 0 < row.confidence <= 1 and row.evidence


def test_seed_finds_the_four_actors_and_metonyms(seed_result):
    m = seed_result.mentions
    assert set(m.actor) >= {"exiles", "lukashenko", "putin", "nato", "other"}
    assert set(m[m.text.isin(["Minsk"])].actor) == {"lukashenko"}
    assert set(m[m.text.isin(["Kremlin", "Moscow"])].actor) == {"putin"}
    assert set(m[m.text == "Tichanovskaya"].actor) | set(m[m.text.str.contains("Tichanovskaya")].actor) == {"exiles"}


def test_unknown_actor_file_is_a_clear_error(small_corpus, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("actors:\n  mayor: {kind: person, nmes: [Ana Ortiz]}\n")
    code = main(["run", str(small_corpus), "--actors", str(bad), "--out", str(tmp_path / "r"), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err
    assert "bad.yaml, line 2" in err and "did you mean 'names'" in err
    assert "Traceback" not in err


def test_missing_corpus_is_a_clear_error(tmp_path, capsys):
    code = main(["run", str(tmp_path / "nowhere"), "--actors", "corpus/actors.yaml", "--out", str(tmp_path), "--quiet"])
    assert code == 2
    assert "nowhere" in capsys.readouterr().err


def test_kwic_command_rejects_an_unknown_actor(capsys):
    assert main(["kwic", "putn", "--quiet"]) == 2
    assert "did you mean 'putin'" in capsys.readouterr().err


def test_evaluate_prints_json(capsys):
    assert main(["evaluate", "mentions", "--json", "--quiet"]) == 0
    out = capsys.readouterr().out
    import json

    scores = {row["level"]: row for row in json.loads(out)["scores"]}
    assert set(scores) == {"sentence", "mention", "reference"}


# ---------------------------------------------------------------- no article lost (issue 12, item 1)

STAGE_FUNCTIONS = {
    "mentions": "find_mentions", "quotes": "extract_quotes", "coref": "resolve_references",
    "sentiment": "score_sentiment", "stance": "find_stance", "descriptors": "find_descriptors",
    "roles": "assign_roles", "frames": "_frame_rows",
}
STAGE_RECORDS = {"mentions": "mentions", "quotes": "quotes", "sentiment": "sentiment", "stance": "stance",
                 "descriptors": "descriptors", "roles": "roles", "frames": "frames"}
BUSY = ("Mayor Ana Ortiz, a tireless reformer, praised the Dockworkers Union. \u201cThe dockers are heroes,\u201d "
        "she said. The union thanked Ortiz for her support. She said the port would reopen.")


def _broken(*args, **kwargs):
    raise IndexError("list index out of range (planted by the test)")


@pytest.fixture(scope="module")
def busy_doc():
    from analysis.nlp import parse

    return parse(BUSY)


@pytest.mark.parametrize("stage", list(STAGE_FUNCTIONS))
def test_a_failing_stage_keeps_what_the_other_stages_found(stage, busy_doc, monkeypatch):
    import analysis.pipeline as pipeline
    from analysis.actors import parse_actors
    from analysis.types import Article

    registry = parse_actors(REGISTRY)
    article = Article(id="busy", text=BUSY, source="busy.md")
    whole = pipeline.analyze_doc(busy_doc, article, registry, sentiment_backend="lexicon")
    assert not whole.errors
    assert all(getattr(whole, name) for name in STAGE_RECORDS.values())  # every stage finds something here
    monkeypatch.setattr(pipeline, STAGE_FUNCTIONS[stage], _broken)
    done = pipeline.analyze_doc(busy_doc, article, registry, sentiment_backend="lexicon")
    (error,) = done.errors
    assert (error.article_id, error.source, error.stage) == ("busy", "busy.md", stage)
    assert error.message == "IndexError: list index out of range (planted by the test)"
    assert "Traceback" in done.tracebacks[0] and "_broken" in done.tracebacks[0]
    if stage in STAGE_RECORDS:
        assert getattr(done, STAGE_RECORDS[stage]) == ()
    # stages that do not need the failed stage's records keep all of them
    independent = {"sentiment": ["mentions", "quotes", "descriptors", "frames"],
                   "stance": ["mentions", "quotes", "sentiment", "descriptors", "roles", "frames"],
                   "descriptors": ["mentions", "quotes", "sentiment", "stance", "frames"],
                   "roles": ["mentions", "quotes", "sentiment", "stance", "descriptors", "frames"],
                   "frames": ["mentions", "quotes", "sentiment", "stance", "descriptors", "roles"],
                   "coref": ["frames"], "mentions": ["frames"], "quotes": ["frames"]}[stage]
    for name in independent:
        assert getattr(done, name) == getattr(whole, name), (stage, name)
    assert done.sentences == whole.sentences


def test_run_keeps_the_article_writes_the_stage_error_and_its_traceback(small_corpus, tmp_path, monkeypatch, capsys):
    import analysis.pipeline as pipeline

    monkeypatch.setattr(pipeline, "find_descriptors", _broken)
    out = tmp_path / "results"
    code = main(["run", str(small_corpus), "--out", str(out), "--quiet", "--no-cache", "--backend", "lexicon"])
    assert code == 1  # some inputs failed; the tables are written
    assert sorted(pd.read_csv(out / "articles.csv").article_id) == ["a0", "a1"]
    assert {"mayor", "union"} <= set(pd.read_csv(out / "mentions.csv").actor)
    assert len(pd.read_csv(out / "sentiment.csv")) and not len(pd.read_csv(out / "descriptors.csv"))
    errors = pd.read_csv(out / "errors.csv", keep_default_na=False)
    stage_rows = errors[errors.stage == "descriptors"]
    assert sorted(stage_rows.article_id) == ["a0", "a1"]
    assert all(stage_rows.source.str.endswith((".md",))) and all(stage_rows.message.str.startswith("IndexError: "))
    log = (out / "errors.log").read_text()
    assert log.count("Traceback (most recent call last)") == 2 and "planted by the test" in log
    err = capsys.readouterr().err
    assert "5 of 5 input(s) failed (3 not analysed, 2 analysed with a failed stage)" in err
    assert "a0 [descriptors] IndexError" in err and "Traceback" not in err


def test_exit_status_all_analysed_is_0(tmp_path):
    folder = tmp_path / "c"
    (folder / "articles").mkdir(parents=True)
    (folder / "actors.yaml").write_text(REGISTRY)
    (folder / "articles" / "a.md").write_text(ARTICLE.format(id="a", body="Ana Ortiz spoke."))
    assert main(["run", str(folder), "--out", str(tmp_path / "r"), "--quiet", "--no-cache",
                 "--backend", "lexicon"]) == 0


def test_exit_status_nothing_analysed_is_2_with_a_summary(small_corpus, tmp_path, capsys):
    bad = small_corpus / "articles" / "empty.md"
    code = main(["run", str(bad), "--actors", str(small_corpus / "actors.yaml"), "--out", str(tmp_path / "r"),
                 "--quiet", "--no-cache", "--backend", "lexicon"])
    assert code == 2
    err = capsys.readouterr().err
    assert "empty file" in err and "nothing was analysed" in err and "Traceback" not in err
    assert len(pd.read_csv(tmp_path / "r" / "errors.csv")) == 1  # the tables are still written


def test_exit_status_missing_pipeline_is_2(small_corpus, tmp_path, capsys):
    code = main(["run", str(small_corpus), "--out", str(tmp_path / "r"), "--quiet", "--no-cache",
                 "--backend", "lexicon", "--pipeline", "no_such_pipeline_xx"])
    assert code == 2
    err = capsys.readouterr().err
    assert "not installed" in err and len(err.strip().splitlines()) == 1  # one line, before the batch starts
    assert not (tmp_path / "r" / "articles.csv").exists()


def test_analyze_keeps_articles_with_a_failed_stage_for_notebooks(monkeypatch):
    import analysis.pipeline as pipeline
    from analysis.actors import parse_actors
    from analysis.types import Article

    monkeypatch.setattr(pipeline, "find_stance", _broken)
    with pytest.warns(UserWarning, match="1 article"):
        result = pipeline.analyze([Article(id="x", text=BUSY, source="x.md")], parse_actors(REGISTRY),
                                  cache_dir=False, progress=False, sentiment_backend="lexicon")
    assert result.articles.article_id.tolist() == ["x"] and len(result.mentions)
    assert result.errors[["article_id", "stage"]].values.tolist() == [["x", "stance"]]
    assert "planted by the test" in result.error_log[0]


def test_nonexistent_corpus_is_named_as_such(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nowhere"), "--out", str(tmp_path / "r"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "nowhere: no such file or folder" in err and "actors.yaml" not in err


# ------------------------------------------------------------ several articles, one model run

TEXTS = [BUSY,
         "The Dockworkers Union attacked Mayor Ana Ortiz. \u201cShe has betrayed every docker,\u201d the union said.",
         "Ana Ortiz thanked the dockers. The union praised her calm handling of the long and bitter strike."]


def _articles():
    from analysis.types import Article

    return [Article(id=f"t{i}", text=t, source=f"t{i}.md") for i, t in enumerate(TEXTS)]


def test_articles_analysed_together_get_the_records_each_gets_alone():
    import analysis.pipeline as pipeline
    from analysis.actors import parse_actors
    from analysis.nlp import parse
    from analysis.sentiment import forget_predictions

    registry = parse_actors(REGISTRY)
    docs = [parse(t) for t in TEXTS]
    forget_predictions()
    alone = [pipeline.analyze_doc(d, a, registry, sentiment_backend="model") for d, a in zip(docs, _articles())]
    forget_predictions()
    together = pipeline.analyze_docs(docs, _articles(), registry, sentiment_backend="model")
    assert [a.article.id for a in together] == ["t0", "t1", "t2"]
    for one, many in zip(alone, together, strict=True):
        assert (many.mentions, many.quotes, many.frames, many.roles) == (one.mentions, one.quotes, one.frames,
                                                                          one.roles)
        assert [(j.start, j.label, j.voice) for j in many.sentiment] == [(j.start, j.label, j.voice)
                                                                         for j in one.sentiment]
        assert max(abs(x.score - y.score) for x, y in zip(many.sentiment, one.sentiment, strict=True)) < 1e-3
        assert [(e.source_actor, e.stance, e.target_actor) for e in many.stance] == [
            (e.source_actor, e.stance, e.target_actor) for e in one.stance]
    assert any(j.label != "neutral" for a in together for j in a.sentiment)  # the model judged something


def test_a_failed_model_run_for_several_articles_loses_none(monkeypatch):
    import analysis.pipeline as pipeline
    from analysis.actors import parse_actors
    from analysis.nlp import parse

    calls = []

    def broken(items):
        calls.append(len(list(items)))
        raise RuntimeError("planted by the test")

    monkeypatch.setattr(pipeline, "prefetch_model_judgments", broken)
    done = pipeline.analyze_docs([parse(t) for t in TEXTS], _articles(), parse_actors(REGISTRY),
                                 sentiment_backend="model")
    assert calls == [3]  # it was tried, for all three at once
    assert [a.article.id for a in done] == ["t0", "t1", "t2"]
    assert all(a.sentiment and not a.errors for a in done)  # each article's own sentiment stage scored it


def test_analyze_keeps_input_order_across_chunks_and_failures(monkeypatch):
    """More articles than one model run takes, a load error and a parse failure among them, and a chunk
    whose joint analysis fails: every input ends up in order, analysed or as an error row."""
    import analysis.pipeline as pipeline
    from analysis.actors import parse_actors
    from analysis.types import Article, ArticleError

    n = pipeline.ARTICLES_PER_MODEL_RUN + 3
    items = [Article(id=f"a{i}", text=f"Ana Ortiz met the Dockworkers Union, day {i}.", source=f"a{i}.md")
             for i in range(n)]
    items.insert(2, ArticleError("bad.md", "empty file", "bad", "read"))
    real_parse = pipeline.parse_many

    def parse_many(texts, **kwargs):
        texts = list(texts)
        if "day 4." in texts[0]:
            raise ValueError("unparseable (planted by the test)")
        return real_parse(texts, **kwargs)

    real_docs = pipeline.analyze_docs

    def analyze_docs(docs, articles, *args, **kwargs):
        if any(a.id == "a9" for a in articles):
            raise RuntimeError("joint analysis failed (planted by the test)")
        return real_docs(docs, articles, *args, **kwargs)

    monkeypatch.setattr(pipeline, "parse_many", parse_many)
    monkeypatch.setattr(pipeline, "analyze_docs", analyze_docs)
    with pytest.warns(UserWarning, match="2 article"):
        result = pipeline.analyze(items, parse_actors(REGISTRY), cache_dir=False, progress=False,
                                  sentiment_backend="lexicon")
    assert result.articles.article_id.tolist() == [f"a{i}" for i in range(n) if i != 4]
    assert result.errors[["article_id", "stage"]].values.tolist() == [["bad", "read"], ["a4", "analyse"]]
    assert "unparseable" in result.error_log[1]
    assert set(result.mentions.article_id) == {f"a{i}" for i in range(n) if i != 4}
