"""Bad input never gives a traceback or a lost article (property-based, hypothesis)."""

import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.actors import parse_actors
from analysis.batch import analyse_article, run_corpus
from analysis.corpus import scan_corpus
from analysis.errors import ActorConfigError, AnalysisError
from analysis.types import Article, ArticleError

REGISTRY = parse_actors("""
actors:
  mayor: {kind: person, pronoun: she, names: [Ana Ortiz]}
  union: {kind: group, names: [Dockworkers Union], group_nouns: [the dockers]}
""")
SETTINGS = dict(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

news_words = st.sampled_from(["Ana", "Ortiz", "said", "the", "dockers", "“", "”", '"', "he", "she", "they", "it",
                              "not", "no", "hero", "corrupt", ".", ",", ":", "—", "\n", "according", "to", "Union",
                              "Dockworkers", "«", "»", "'", "(", ")", "told", "reporters", "that", "we", "I"])
texts = st.one_of(st.text(min_size=1, max_size=400),
                  st.lists(news_words, min_size=1, max_size=120).map(" ".join))


@given(text=texts)
@settings(**SETTINGS)
def test_any_text_is_analysed_or_reported(text):
    result = analyse_article(Article(id="h", text=text, source="hypothesis"),
                             _settings())
    if "error" in result:
        assert result["error"]["message"]
    else:
        assert result["article"]["article_id"] == "h"
        for name in ("mentions", "quotes", "sentiment"):
            for row in result[name]:
                assert text[row["start"] : row["end"]] == row["text"]


def _settings():
    from analysis.batch import RunSettings

    return RunSettings(REGISTRY, cache_dir=False, sentiment_backend="lexicon")


@given(data=st.binary(min_size=0, max_size=300))
@settings(**SETTINGS)
def test_random_bytes_in_a_corpus_folder_become_error_rows_or_articles(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "a.md").write_bytes(data)
    (folder / "b.md").write_text("---\nid: b\ntitle: B\n---\nAna Ortiz spoke.\n", encoding="utf-8")
    items = list(scan_corpus(folder))
    assert len(items) == 2  # never a lost article
    assert isinstance(items[1], Article) and items[1].id == "b"
    assert isinstance(items[0], Article | ArticleError)


@given(front=st.text(max_size=80))
@settings(**SETTINGS)
def test_random_front_matter_is_an_error_row_or_an_article(tmp_path_factory, front):
    folder = tmp_path_factory.mktemp("front")
    (folder / "a.md").write_text(f"---\n{front}\n---\nSome text.\n", encoding="utf-8")
    (item,) = list(scan_corpus(folder))
    assert isinstance(item, Article | ArticleError)
    if isinstance(item, ArticleError):
        assert "a.md" in item.message or "a.md" in item.source


@given(yaml_text=st.text(max_size=200))
@settings(**SETTINGS)
def test_malformed_actor_files_give_one_clear_error(yaml_text):
    try:
        parse_actors(yaml_text, source="random.yaml")
    except ActorConfigError as err:
        assert str(err).startswith("random.yaml")


@given(case=st.sampled_from([("utf-16", "Le café est fermé."), ("latin-1", "Le café est fermé."),
                             ("cp1252", "Le café – fermé."), ("utf-32", "Le café est fermé."),
                             ("shift_jis", "東京の港は閉鎖された。"), ("cp1251", "Порт закрыт.")]))
@settings(**SETTINGS)
def test_unknown_encodings_are_error_rows(tmp_path_factory, case):
    encoding, body = case
    folder = tmp_path_factory.mktemp("enc")
    (folder / "a.md").write_bytes(f"---\nid: a\ntitle: T\n---\n{body}\n".encode(encoding))
    (item,) = list(scan_corpus(folder))
    assert isinstance(item, ArticleError)
    assert "UTF-8" in item.message or "binary" in item.message


def test_huge_sentence_and_unbalanced_quotes(tmp_path):
    text = "“" + " ".join(["Ana Ortiz said the dockers were heroes and"] * 400) + " nothing else."
    result = analyse_article(Article(id="big", text=text), _settings())
    assert "error" not in result
    assert result["quotes"] and result["quotes"][0]["evidence"].endswith("closing quotation mark missing")


@pytest.mark.slow
def test_a_5_mb_article_finishes(tmp_path):
    """Issue 8: a 5 MB article is analysed, not refused or crashed (a few minutes on 2 cores)."""
    import random
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from synthetic import REGISTRY as BENCH_REGISTRY
    from synthetic import article_text

    from analysis.batch import RunSettings

    text = article_text(random.Random(5), 880_000)
    assert len(text.encode("utf-8")) >= 5_000_000
    settings = RunSettings(parse_actors(BENCH_REGISTRY), cache_dir=False, sentiment_backend="lexicon")
    result = analyse_article(Article(id="huge", text=text), settings)
    assert "error" not in result, result.get("error")
    assert result["sentences"][-1]["end"] <= len(text)
    assert {m["actor"] for m in result["mentions"]} >= {"mayor", "council", "union", "minister"}


def test_pipeline_needs_no_network(tmp_path, monkeypatch):
    """No network at run time: any socket use fails this test."""
    def refuse(*args, **kwargs):
        raise AssertionError("the pipeline tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.md").write_text("---\nid: a\ntitle: A\n---\n“We are ready,” Ana Ortiz said.\n", encoding="utf-8")
    summary = run_corpus(folder, tmp_path / "out", REGISTRY, progress=False, sentiment_backend="lexicon",
                         cache_dir=tmp_path / "cache")
    assert summary["analysed"] == 1


def test_yaml_is_loaded_safely():
    with pytest.raises(ActorConfigError):
        parse_actors("actors: !!python/object/apply:os.system ['echo pwned']", source="evil.yaml")


def test_analysis_errors_are_one_line():
    with pytest.raises(AnalysisError) as err:
        parse_actors("actors:\n  a: {kind: nope, names: [A]}", source="x.yaml")
    assert "\n" not in str(err.value) and str(err.value).startswith("x.yaml, line 2")
