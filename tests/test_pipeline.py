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
    assert code == 0
    for name, columns in TABLE_COLUMNS.items():
        table = pd.read_csv(out / f"{name}.csv")
        assert list(table.columns) == columns, name
    mentions = pd.read_csv(out / "mentions.csv")
    assert {"mayor", "union"} <= set(mentions.actor)
    she = mentions[mentions.text == "She"]
    assert she.actor.tolist() == ["mayor"] and she.method.tolist() == ["pronoun"]
    assert sorted(p.name for p in figures.glob("*.png")) == ["dispersion_a0.png", "dispersion_a1.png",
                                                              "speakers_a0.png"]  # a1 quotes nobody


def test_a_batch_never_drops_an_article(small_corpus, tmp_path):
    out = tmp_path / "results"
    assert main(["run", str(small_corpus), "--out", str(out), "--quiet", "--no-cache"]) == 0
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
