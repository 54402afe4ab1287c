"""Per-mention sentiment: the lexicon backend, voices, aggregation, portrayal per actor, bad spans."""

import json

import numpy as np
import pandas as pd
import pytest
import records

from analysis import sentiment
from analysis.calibration import PortrayalRule, fit_portrayal_rule, load_portrayal_rule
from analysis.calibration import main as calibration_main
from analysis.errors import AnalysisError
from analysis.nlp import parse
from analysis.sentiment import clause_scope, judge_target, load_lexicon, score_sentiment
from analysis.summaries import count_groups_into, summarize_counts, summarize_sentiment

#: Phrase -> (actor, canonical name): the mentions the mentions stage would find by name in these texts.
NAMES = {"Ana Ortiz": ("mayor", "Ana Ortiz"), "Dockworkers Union": ("union", "Dockworkers Union"),
         "dockers": ("union", "Dockworkers Union")}


def judged(text, backend="lexicon", quotes=(), extra=()):
    """The sentiment stage alone on hand-made records: the mentions by name of NAMES (plus ``extra``) and
    ``quotes``; returns the judgments by (mention text, actor)."""
    doc = parse(text, cache_dir=False)
    mentions = sorted([*records.named_mentions(text, NAMES, doc), *extra], key=lambda m: m.start)
    found = score_sentiment(doc, mentions, quotes, backend=backend, article_id="t")
    return {(j.text, j.actor): j for j in found}


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
    found = judged(text, quotes=[records.quote(text, '"The dockers are heroes,"', "Ana Ortiz", names=NAMES)])
    dockers = found[("dockers", "union")]
    assert (dockers.voice, dockers.voice_actor, dockers.label) == ("Ana Ortiz", "mayor", "positive")
    assert found[("Ana Ortiz", "mayor")].voice == "author"


def test_researchers_own_word_list_changes_the_judgment(tmp_path):
    words = tmp_path / "words.tsv"
    words.write_text("# my study's words\nstrikebreaker\t-2.5\n", encoding="utf-8")
    lexicon = load_lexicon(words)
    text = "Ana Ortiz hired a strikebreaker."
    doc = parse(text, cache_dir=False)
    mentions = records.named_mentions(text, NAMES, doc)
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


# --------------------------------------------------------------------------- portrayal per actor

RULE = PortrayalRule(band=0.8, min_negative=3, min_negative_share=0.2, min_positive=2, min_positive_share=0.3,
                     confidence={"negative": 0.6, "neutral": 0.85, "positive": 0.4})


def mention_rows(article_id, actor, scores, voice="author"):
    """Hand-made sentiment rows: one per score, labels by the sign at 0.5."""
    return [{"article_id": article_id, "actor": actor, "voice": voice, "voice_actor": "", "sentence_id": i,
             "start": 10 * i, "text": f"{actor}{i}", "score": s,
             "label": "positive" if s >= 0.5 else "negative" if s <= -0.5 else "neutral"}
            for i, s in enumerate(scores)]


def test_one_confident_description_does_not_make_an_actor_praised():
    """A plain description read as positive at 0.95 (the seed's "Among them are ...")
    is one mention: the actor stays neutral, and the evidence names it."""
    rows = pd.DataFrame(mention_rows("a", "exiles", [0.95, 0.1, 0.0, -0.2, 0.3, 0.0]))
    row = summarize_sentiment(rows, n_boot=50, rule=RULE).query("article_id == 'a' and voice == 'all'").iloc[0]
    assert row.positive == 1 and row.net_tone > 0  # the net tone alone would read as praise
    assert (row.label, row.label_confidence) == ("neutral", 0.85)
    assert "'exiles0' +0.95" in row.label_evidence and "not enough" in row.label_evidence


def test_many_confident_negative_mentions_make_a_negative_portrayal_with_their_evidence():
    rows = pd.DataFrame(mention_rows("a", "mayor", [-0.99, -0.9, -0.85, -0.3, 0.0, -0.7, 0.95]))
    table = summarize_sentiment(rows, n_boot=50, rule=RULE)
    row = table.query("article_id == 'a' and voice == 'all'").iloc[0]
    assert (row.label, row.label_confidence) == ("negative", 0.6)
    evidence = row.label_evidence
    assert evidence.startswith("negative: 3 of 7 mention(s) at score <= -0.80, 1 at >= +0.80")
    # the deciding mentions, most negative first, with their sentiment.csv keys (sentence, start)
    assert evidence.index("[s0 @0] 'mayor0' -0.99") < evidence.index("[s1 @10] 'mayor1' -0.90")
    assert "'mayor5'" not in evidence  # -0.7 is inside the band: it did not decide
    corpus = table.query("article_id == '(corpus)' and voice == 'all'").iloc[0]
    assert corpus.label == "negative" and "[a s0 @0]" in corpus.label_evidence  # corpus rows name the article


def test_positive_needs_a_share_as_well_as_a_count():
    many = mention_rows("a", "mayor", [0.9, 0.9] + [0.0] * 8)  # 2 of 10: below the 30% share
    few = mention_rows("b", "mayor", [0.9, 0.9, 0.1, 0.0])  # 2 of 4
    table = summarize_sentiment(pd.DataFrame(many + few), n_boot=50, rule=RULE).query("voice == 'all'")
    assert table.set_index("article_id").label.to_dict() == {"a": "neutral", "b": "positive", "(corpus)": "neutral"}


def test_quoted_mentions_are_labelled_per_voice_and_say_whose_words():
    rows = pd.DataFrame(mention_rows("a", "mayor", [-0.95, -0.9, -0.9], voice="Ann Kerr")
                        + mention_rows("a", "mayor", [0.0, 0.1]))
    table = summarize_sentiment(rows, n_boot=50, rule=RULE).query("article_id == 'a'").set_index("voice")
    assert table.loc["author", "label"] == "neutral"
    assert table.loc["Ann Kerr", "label"] == "negative" and table.loc["all", "label"] == "negative"
    assert "(Ann Kerr's words)" in table.loc["all", "label_evidence"]


def test_streamed_counts_give_the_same_labels_as_one_pass():
    rows = mention_rows("a", "mayor", [-0.99, -0.9, -0.85, 0.2]) + mention_rows("b", "union", [0.9, 0.95, 0.0])
    whole = summarize_counts(count_groups_into({}, rows, rule=RULE), rng=np.random.default_rng(0), rule=RULE)
    counts = {}
    for chunk in (rows[:3], rows[3:5], rows[5:]):
        count_groups_into(counts, chunk, rule=RULE)
    pd.testing.assert_frame_equal(whole, summarize_counts(counts, rng=np.random.default_rng(0), rule=RULE))


def test_the_shipped_rule_loads_and_leaves_a_single_confident_mention_neutral():
    rule = load_portrayal_rule()
    assert 0 < rule.band < 1 and set(rule.confidence) == {"negative", "neutral", "positive"}
    assert all(0 <= c <= 1 for c in rule.confidence.values())
    assert rule.decide(n=6, negative=0, positive=1)[0] == "neutral"
    assert rule.decide(n=6, negative=1, positive=0)[0] == "neutral"


def test_a_rule_file_with_a_missing_field_is_named(tmp_path):
    bad = tmp_path / "rule.json"
    bad.write_text(json.dumps({"rule": {"band": 0.8}, "label_confidence": {}}), encoding="utf-8")
    with pytest.raises(AnalysisError, match="min_negative"):
        load_portrayal_rule(bad)
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(AnalysisError, match="not JSON"):
        load_portrayal_rule(bad)


def synthetic_portrayals(n_groups=30, seed=0):
    """Articles whose gold follows a hidden rule (>= 4 mentions at <= -0.9: negative),
    with noise mentions, in triplets: (sentiment rows, gold table)."""
    rng = np.random.default_rng(seed)
    rows, gold = [], []
    for g in range(n_groups):
        for k in range(3):
            article = f"t{g}_{k}"
            strong = int(rng.integers(0, 8))
            scores = [-0.95] * strong + list(rng.uniform(-0.6, 0.6, size=int(rng.integers(2, 10))))
            rows += mention_rows(article, "x", scores)
            gold.append({"article_id": article, "actor": "x", "label": "negative" if strong >= 4 else "neutral",
                         "group": f"t{g}"})
    return pd.DataFrame(rows), pd.DataFrame(gold)


def test_fitting_recovers_a_hidden_rule_and_reports_cross_validated_figures():
    sentiment, gold = synthetic_portrayals()
    rule, report = fit_portrayal_rule(sentiment, gold, bands=(0.5, 0.9), counts=(1, 2, 4, 6), shares=(0.0, 0.3),
                                      seeds=(0,))
    assert rule.band == 0.9 and rule.min_negative == 4
    cv = report["cross_validated"]
    assert cv["mean"]["accuracy"] > 0.95 and cv["baseline"]["f1_macro"] < cv["mean"]["f1_macro"]
    assert cv["confidence"]["negative"] > 0.9 and report["pairs"] == len(gold)


def test_cross_validation_keeps_a_triplet_in_one_fold():
    from analysis.calibration import _folds

    groups = np.array(["a", "a", "a", "b", "b", "c", "d", "d", "e"])
    fold = _folds(groups, 3, seed=1)
    for g in set(groups):
        assert len(set(fold[groups == g])) == 1
    assert len(set(fold)) == 3


def test_fitting_command_writes_a_rule_that_loads(tmp_path):
    sentiment, gold = synthetic_portrayals(n_groups=12, seed=3)
    run = tmp_path / "run"
    run.mkdir()
    sentiment.to_csv(run / "sentiment.csv", index=False)
    gold.to_csv(tmp_path / "gold.csv", index=False)
    out = tmp_path / "portrayal.json"
    assert calibration_main(["--run", str(run), "--gold", str(tmp_path / "gold.csv"), "--out", str(out)]) == 0
    rule = load_portrayal_rule(out)
    written = json.loads(out.read_text("utf-8"))
    assert "--gold" in written["fitted"]["command"] and "cross_validated" in written["fitted"]
    assert rule.decide(n=8, negative=7, positive=0)[0] == "negative"


def test_a_very_long_sentence_reaches_the_model_as_a_window_around_each_target():
    # A page without full stops is one sentence; each mention must not cost the whole page (issue 13).
    text = "Ana Ortiz met the Dockworkers Union and " * 400 + "Ana Ortiz left"
    doc = parse(text, cache_dir=False)
    assert len(list(doc.sents)) == 1 and len(text) > sentiment._LONG_SENTENCE
    targets = [doc.char_span(0, 9), doc.char_span(len(text) - 14, len(text) - 5)]
    for target, (window, (start, end), offset) in zip(targets, sentiment._model_inputs(targets), strict=True):
        assert window[start:end] == target.text == "Ana Ortiz"
        assert len(window) <= 2 * sentiment._WINDOW + len(target.text)
        assert text[offset:offset + len(window)] == window
        assert not window[:1].isspace() and (offset == 0 or text[offset - 1] == " ")  # cut at a space
    short = parse("Ana Ortiz met the Dockworkers Union.", cache_dir=False)
    ((window, span, offset),) = sentiment._model_inputs([short.char_span(0, 9)])
    assert (window, span, offset) == ("Ana Ortiz met the Dockworkers Union.", (0, 9), 0)


@pytest.mark.parametrize(
    "text",
    [
        "Ana Ortiz accused the Dockworkers Union of lying.",
        "Calling the Dockworkers Union a band of liars, Ana Ortiz left the hall.",
    ],
)
def test_a_judgment_by_a_judging_verb_is_in_its_subjects_voice(text):
    union = judged(text)[("Dockworkers Union", "union")]
    assert (union.voice, union.voice_actor) == ("Ana Ortiz", "mayor")


def test_the_speaker_named_in_an_attribution_is_not_judged_by_the_quotes_tone():
    text = '"We are thrilled and grateful, this is wonderful news," Ana Ortiz told reporters.'
    quote = records.quote(text, text[:text.index(" Ana")], "Ana Ortiz", names=NAMES, cue="told")
    we = records.mention(text, "We", "mayor", method="speaker", canonical="Ana Ortiz")
    said = judged(text, "model", quotes=[quote], extra=[we])
    speaker = said[("Ana Ortiz", "mayor")]
    assert (speaker.voice, speaker.label, speaker.score) == ("author", "neutral", 0.0)
    assert "the speaker of quote 0" in speaker.evidence and "model p(" in speaker.evidence
    assert said[("We", "mayor")].label == "positive"  # the speaker's own words about themselves stay theirs
    # the lexicon backend: its own confidence in a neutral with no valenced word, not a model probability
    text = '"This is a terrible, cruel disaster," said Ana Ortiz, furious.'
    lexical = judged(text, "lexicon", quotes=[records.quote(text, text[:text.index(" said")], "Ana Ortiz",
                                                            names=NAMES)])
    speaker = lexical[("Ana Ortiz", "mayor")]
    assert (speaker.label, speaker.score, speaker.confidence) == ("neutral", 0.0, 0.6)
    assert "the speaker of quote 0" in speaker.evidence
    # the author's own judgment of the same person, outside any attribution, stays
    described = judged("Ana Ortiz, a corrupt and cruel tyrant, ruined the port.", "model")
    assert described[("Ana Ortiz", "mayor")].label == "negative"


def test_a_judge_named_by_a_place_or_body_outside_the_registry_keeps_its_own_words():
    # "Top Senate leaders condemned X": the leaders judge, not the Senate (not a registry actor)
    union = judged("Top Harbour Board leaders condemned the Dockworkers Union.")[("Dockworkers Union", "union")]
    assert (union.voice, union.voice_actor) == ("Top Harbour Board leaders", "")


@pytest.mark.parametrize(
    ("text", "voice"),
    [
        ("A Dockworkers Union post criticized Ana Ortiz.", ("A Dockworkers Union post", "")),  # where it appeared
        ("The Dockworkers Union's letter criticized Ana Ortiz.", ("Dockworkers Union", "union")),  # whose it is
        ("The Dockworkers Union leadership criticized Ana Ortiz.", ("Dockworkers Union", "union")),  # a body of it
    ],
)
def test_a_text_judges_as_its_owner_not_as_where_it_appeared(text, voice):
    mayor = judged(text)[("Ana Ortiz", "mayor")]
    assert (mayor.voice, mayor.voice_actor) == voice


def test_a_name_people_give_themselves_is_no_judgment_in_their_voice():
    found = judged("Calling themselves the Dockworkers Union, the dockers marched to the hall.")
    assert found[("Dockworkers Union", "union")].voice == "author"



def test_forget_predictions_makes_the_model_score_again():
    judge_target("Ana Ortiz won the vote.", (0, 9), backend="model")
    assert sentiment._PREDICTIONS
    sentiment.forget_predictions()
    assert not sentiment._PREDICTIONS
    again = judge_target("Ana Ortiz won the vote.", (0, 9), backend="model")
    assert sentiment._PREDICTIONS and again.label in ("positive", "neutral", "negative")
