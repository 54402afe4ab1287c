"""Per-mention sentiment: the lexicon backend, voices, aggregation, bad spans."""

import numpy as np
import pandas as pd
import pytest

from analysis import sentiment
from analysis.actors import parse_actors
from analysis.errors import AnalysisError
from analysis.nlp import parse
from analysis.pipeline import analyze_doc
from analysis.sentiment import clause_scope, judge_target, load_lexicon, score_sentiment, summarize_sentiment
from analysis.types import Article

HARBOUR = parse_actors("""
actors:
  mayor: {kind: person, pronoun: she, names: [Ana Ortiz]}
  union: {kind: organisation, pronoun: it, names: [Dockworkers Union], group_nouns: [the dockers]}
""")


def judged(text, backend="lexicon"):
    doc = parse(text, cache_dir=False)
    result = analyze_doc(doc, Article(id="t", text=text), HARBOUR, sentiment_backend=backend)
    return {(j.text, j.actor): j for j in result.sentiment}


@pytest.mark.parametrize(
    ("text", "target", "label"),
    [
        ("Ana Ortiz is a brave and honest leader.", ("Ana Ortiz", "mayor"), "positive"),
        ("Ana Ortiz is a corrupt dictator.", ("Ana Ortiz", "mayor"), "negative"),
        ("Ana Ortiz is not a corrupt leader.", ("Ana Ortiz", "mayor"), "positive"),  # negation through the parse
        ("Ana Ortiz has shown no remorse.", ("Ana Ortiz", "mayor"), "negative"),  # a phrase of our news lexicon
        ("Ana Ortiz met the Dockworkers Union on Monday.", ("Ana Ortiz", "mayor"), "neutral"),
    ],
)
def test_lexicon_labels(text, target, label):
    j = judged(text)[target]
    assert j.label == label
    assert j.method == "lexicon" and -1 <= j.score <= 1 and 0 < j.confidence <= 1
    assert j.evidence


def test_two_targets_in_one_sentence_are_judged_apart():
    """Clause scope: praise in one clause, condemnation in the other."""
    found = judged("The Dockworkers Union praised the plan, but Ana Ortiz was a terrible failure.")
    assert found[("Dockworkers Union", "union")].label == "positive"
    assert found[("Ana Ortiz", "mayor")].label == "negative"


def test_evidence_names_the_deciding_words():
    j = judged("Ana Ortiz is a corrupt dictator.")[("Ana Ortiz", "mayor")]
    assert "'corrupt'" in j.evidence and "'dictator'" in j.evidence


def test_voice_of_a_quoted_mention_is_the_speaker():
    text = '"The dockers are heroes," Ana Ortiz said.'
    found = judged(text)
    dockers = found[("dockers", "union")]
    assert (dockers.voice, dockers.voice_actor, dockers.label) == ("Ana Ortiz", "mayor", "positive")
    assert found[("Ana Ortiz", "mayor")].voice == "author"


def test_researchers_own_word_list_changes_the_judgment(tmp_path):
    words = tmp_path / "words.tsv"
    words.write_text("# my study's words\nstrikebreaker\t-2.5\n", encoding="utf-8")
    lexicon = load_lexicon(words)
    text = "Ana Ortiz hired a strikebreaker."
    doc = parse(text, cache_dir=False)
    from analysis.mentions import find_mentions

    mentions = find_mentions(doc, HARBOUR, "t")
    before = score_sentiment(doc, mentions, backend="lexicon")[0]
    after = score_sentiment(doc, mentions, backend="lexicon", lexicon=lexicon)[0]
    assert before.label == "neutral" and after.label == "negative"
    assert "'strikebreaker' -2.50" in after.evidence


def test_bad_word_list_names_the_line(tmp_path):
    words = tmp_path / "words.tsv"
    words.write_text("good\t2\nbad\tvery\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match=r"words.tsv, line 2: expected 'word<TAB>valence'"):
        load_lexicon(words)


@pytest.mark.parametrize(("span", "message"), [((5, 99), "out of range"), ((3, 4), "only whitespace"),
                                               ((4, 2), "out of range"), ("ab", "must be")])
def test_bad_spans_are_clear_errors(span, message):
    with pytest.raises(AnalysisError, match=message):
        judge_target("The mayor spoke.", span, backend="lexicon")


def test_unknown_backend_lists_the_valid_ones():
    with pytest.raises(AnalysisError, match="unknown sentiment backend 'vader'; valid: lexicon, model"):
        judge_target("The mayor spoke.", (4, 9), backend="vader")


def test_light_install_falls_back_to_the_lexicon(monkeypatch):
    def missing(*args, **kwargs):
        raise ImportError("No module named 'onnxruntime'")

    monkeypatch.setattr(sentiment, "_model_or_error", missing)
    assert sentiment.available_backends() == ["lexicon"]
    assert sentiment.default_backend() == "lexicon"
    assert judge_target("The mayor is a hero.", (4, 9)).method == "lexicon"


def test_clause_scope_stops_at_other_clauses():
    doc = parse("Ortiz said that the union is corrupt.", cache_dir=False)
    assert "corrupt" not in [t.text for t in clause_scope(doc[0:1])]
    assert "corrupt" in [t.text for t in clause_scope(doc[4:5])]


def test_clause_scope_terminates_on_verbless_text():
    doc = parse("Ana Ortiz, mayor of the port town.", cache_dir=False)
    assert clause_scope(doc[0:2])  # the nominal root has no verb above it


def test_summary_counts_net_tone_and_intervals():
    rows = pd.DataFrame({
        "article_id": ["a"] * 4 + ["b"], "actor": ["mayor"] * 5,
        "label": ["positive", "positive", "negative", "neutral", "negative"],
        "score": [0.5, 0.4, -0.6, 0.0, -0.3], "voice": ["author", "author", "Ann", "author", "author"],
        "voice_actor": ["", "", "union", "", ""],
    })
    table = summarize_sentiment(rows, n_boot=200, seed=1)
    a_all = table[(table.article_id == "a") & (table.voice == "all")].iloc[0]
    assert (a_all.mentions, a_all.positive, a_all.negative, a_all.neutral) == (4, 2, 1, 1)
    assert a_all.net_tone == pytest.approx(0.25)
    assert a_all.net_tone_low <= 0.25 <= a_all.net_tone_high
    corpus = table[(table.article_id == "(corpus)") & (table.voice == "all")].iloc[0]
    assert corpus.mentions == 5 and corpus.net_tone == pytest.approx(0.0)
    ann = table[(table.article_id == "a") & (table.voice == "Ann")].iloc[0]
    assert (ann.voice_actor, ann.net_tone) == ("union", -1.0)
    again = summarize_sentiment(rows, n_boot=200, seed=1)
    pd.testing.assert_frame_equal(table, again)  # seeded: reproducible


def test_seed_article_portrays_the_actors(seed_result):
    """Issue 5's bar on the worked example, with the default backend."""
    s = seed_result.sentiment
    dictator = s[(s.actor == "lukashenko") & (s.sentence_id == 33)]
    remorse = s[(s.actor == "lukashenko") & (s.sentence_id == 24)]
    heroes = s[(s.actor == "exiles") & (s.sentence_id == 29) & (s.text == "Belarusian fighters")]
    assert set(dictator.label) == {"negative"}
    assert "negative" in set(remorse.label)
    assert heroes.label.tolist() == ["positive"] and heroes.voice.tolist() == ["Svetlana Tikhanovskaya"]
    assert np.isfinite(seed_result.actor_summary.net_tone).all()
