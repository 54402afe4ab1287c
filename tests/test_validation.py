"""Validation: scores with intervals, confusion tables and typical errors, checked against the scorers."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.datasets import read_polnear
from analysis.errors import AnalysisError
from analysis.evaluate import score_attributions, score_mentions
from analysis.validation import (
    SCORE_COLUMNS,
    Validation,
    _attribution_verdicts,
    _mention_counts,
    basil_validation,
    confusion_table,
    data_sources,
    mention_validation,
    missing_data_note,
    newsmtsc_validation,
    polnear_validation,
    typical_errors,
    validation_scores,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


# ------------------------------------------------------------ typical errors, tables


def test_typical_errors_share_the_rows_by_how_common_each_kind_is():
    errors = pd.DataFrame({"gold": ["neg"] * 60 + ["pos"] * 30 + ["neu"] * 10, "i": range(100)})
    picked = typical_errors(errors, by="gold", n=10)
    assert picked.gold.tolist() == ["neg"] * 6 + ["pos"] * 3 + ["neu"]
    assert picked.share.tolist()[0] == 0.6 and picked.share.tolist()[-1] == 0.1
    # seeded: the same rows again, other rows with another seed
    assert picked.i.tolist() == typical_errors(errors, by="gold", n=10).i.tolist()
    assert picked.i.tolist() != typical_errors(errors, by="gold", n=10, seed=1).i.tolist()


def test_typical_errors_gives_the_leftover_rows_to_the_largest_remainders():
    errors = pd.DataFrame({"kind": list("aaaabbbcc"), "i": range(9)})
    assert typical_errors(errors, by="kind", n=4).kind.tolist() == ["a", "a", "b", "c"]


def test_typical_errors_with_fewer_errors_than_asked_shows_them_all():
    errors = pd.DataFrame({"kind": ["x", "y", "y"], "i": [0, 1, 2]})
    assert sorted(typical_errors(errors, by="kind", n=10).i) == [0, 1, 2]
    assert sorted(typical_errors(errors, n=10).i) == [0, 1, 2]
    assert len(typical_errors(errors.head(0), by="kind")) == 0


def test_typical_errors_names_a_wrong_column():
    with pytest.raises(AnalysisError, match=r"no column 'gold'.*columns: kind"):
        typical_errors(pd.DataFrame({"kind": ["x"]}), by="gold")


def test_confusion_table_rows_are_gold_and_columns_predicted():
    table = confusion_table([[5, 1, 0], [2, 9, 1], [0, 3, 4]])
    assert table.loc["neutral", "negative"] == 2 and table.loc["negative", "neutral"] == 1
    assert (table.index.name, table.columns.name) == ("gold", "predicted")


def test_validation_scores_stack_in_order_and_keep_the_columns():
    def one(stage, value):
        frame = pd.DataFrame([{"stage": stage, "data": "d", "metric": "m", "value": value, "low": value,
                               "high": value, "n": 3, "unit": "u", "resampled": "r", "baseline": np.nan,
                               "baseline_name": ""}])
        return Validation(frame)

    stacked = validation_scores(one("quotes", 0.5), None, one("stance", 0.25))
    assert stacked.stage.tolist() == ["quotes", "stance"] and list(stacked.columns) == SCORE_COLUMNS
    assert validation_scores().empty and list(validation_scores().columns) == SCORE_COLUMNS


def test_missing_data_note_cites_the_papers_and_is_quiet_when_all_is_there(tmp_path):
    note = missing_data_note(tmp_path / "nowhere")
    for cited in ("Hamborg & Donnay, EACL 2021", "LREC 2018", "Fan et al., EMNLP 2019"):
        assert cited in note
    for rel in ("newsmtsc/dev_rw.jsonl", "newsmtsc/dev_mt.jsonl", "polnear/dev.jsonl"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    assert "BASIL dev missing" in missing_data_note(tmp_path) and "PolNeAR dev," not in missing_data_note(tmp_path)
    (tmp_path / "basil").mkdir()
    assert missing_data_note(tmp_path) is None
    assert data_sources(tmp_path).present.all()


# ------------------------------------------------------------ mentions: the counts behind the intervals


def _mention_frames():
    sents = pd.DataFrame([("a", 0, 0, 20, "s0"), ("a", 1, 21, 40, "s1"), ("a", 2, 41, 60, "s2")],
                         columns=["article_id", "sentence_id", "start", "end", "text"])
    gold = pd.DataFrame([("a", 0, 5, "Putin", "putin", "name"), ("a", 25, 27, "he", "putin", "pronoun"),
                         ("a", 30, 34, "NATO", "nato", "name")],
                        columns=["article_id", "start", "end", "text", "actor", "type"])
    pred = pd.DataFrame([("a", 0, 5, "Putin", "putin", "name"), ("a", 25, 27, "he", "nato", "pronoun"),
                         ("a", 45, 49, "NATO", "nato", "name"), ("a", 50, 54, "Kyiv", "other", "ner")],
                        columns=["article_id", "start", "end", "text", "actor", "method"])
    return pred, gold, sents


def test_mention_counts_by_sentence_add_up_to_the_scorer():
    pred, gold, sents = _mention_frames()
    counts, _, matched_gold = _mention_counts(pred, gold, sents)
    pooled = score_mentions(pred, gold, sents).set_index("level")
    assert len(counts) == 3  # one row per sentence: the bootstrap draws sentences
    for level in ("sentence", "mention", "reference"):
        assert [int(counts[f"{level}_{k}"].sum()) for k in ("tp", "pred", "gold")] == \
            pooled.loc[level, ["tp", "n_pred", "n_gold"]].tolist()
    # the sentence without gold keeps its found mention (a false positive), not the unknown entity
    assert counts.set_index("article_id").loc["a#2", "mention_pred"] == 1
    assert matched_gold.matched.tolist() == [True, False, False]


def test_mention_validation_on_the_worked_example():
    check = mention_validation(ROOT / "corpus", ROOT / "corpus" / "actors.yaml", ROOT / "corpus" / "annotations",
                               n_boot=200, cache_dir=False, sentiment_backend="lexicon")
    pooled = check.details["pooled"].set_index("level")
    scores = check.scores.set_index("metric")
    assert scores.loc["mention: recall", "value"] == pytest.approx(pooled.loc["mention", "recall"], abs=1e-4)
    assert scores.loc["actor in sentence: F1", "value"] == pytest.approx(pooled.loc["sentence", "f1"], abs=1e-4)
    assert (scores.low <= scores.value + 1e-9).all() and (scores.value <= scores.high + 1e-9).all()
    assert scores.loc["mention: recall", "n"] == pooled.loc["mention", "n_gold"]
    # every gold mention that was not matched is an error row, and sits in the confusion table
    missed = check.errors["mentions"]
    assert (missed.gold_actor != "").sum() == pooled.loc["mention", "n_gold"] - pooled.loc["mention", "tp"]
    assert check.confusion["actors"].to_numpy().sum() >= pooled.loc["mention", "n_gold"]
    assert {"description", "pronoun"} >= set(missed.gold_type[missed.gold_actor != ""])


# ------------------------------------------------------------ quotes (PolNeAR format, texts written for the test)


def _polnear_file(tmp_path):
    text = ('Councillor Berg said the bridge would close in May. "It is overdue," a spokesman added. '
            "Residents complained about the noise.")

    def part(words):
        start = text.index(words)
        return {"spans": [[start, start + len(words)]], "text": words}

    attributions = [
        {"Source": [part("Councillor Berg")], "Cue": [part("said")],
         "Content": [part("the bridge would close in May")]},
        {"Source": [part("a spokesman")], "Cue": [part("added")], "Content": [part('"It is overdue,"')]},
        {"Source": [part("Residents")], "Cue": [part("complained")], "Content": [part("about the noise")]},
    ]
    rows = [{"filename": "c", "annotator": "x1", "title": "T", "text": text, "attributions": attributions},
            {"filename": "d", "annotator": "x1", "title": "", "text": "Nothing was said.", "attributions": []}]
    path = tmp_path / "mini_polnear.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path, text


def test_attribution_verdicts_agree_with_score_attributions(tmp_path):
    path, text = _polnear_file(tmp_path)
    articles, gold = read_polnear(path)
    texts = {a.id: a.text for a in articles}
    content, quote, berg = text.index("the bridge"), text.index("It is"), text.index("Berg")
    predicted = pd.DataFrame({
        "article_id": ["c", "c", "d"],
        "start": [content, quote, 0], "end": [content + len("the bridge would close in May"), quote + 5, 7],
        "speaker_start": [berg, 0, -1], "speaker_end": [berg + 4, 10, -1],  # right, wrong, none
        "text": ["the bridge would close in May", "It is", "Nothing"], "speaker_text": ["Berg", "Councillor", ""],
        "cue": ["said", "added", ""],
    })
    gold_rows, quote_rows = _attribution_verdicts(predicted, gold, texts)
    pooled = score_attributions(predicted, gold, texts)
    assert gold_rows.found.sum() == pooled["n_gold_found"] == 2
    assert gold_rows.exact.tolist() == [True, False, False]
    assert gold_rows.source.tolist() == ["right", "wrong", "content missed"]
    assert quote_rows.matched.tolist() == [True, True, False]
    assert quote_rows.matched.mean() == pytest.approx(pooled["content_overlap_precision"], abs=1e-4)


def test_polnear_validation_scores_and_lists_the_errors(tmp_path):
    path, _ = _polnear_file(tmp_path)
    check = polnear_validation(path, cache_dir=False, n_boot=100)
    scores = check.scores.set_index("metric")
    pooled = check.details["pooled"]
    assert scores.loc["content (overlap): recall", "value"] == pytest.approx(pooled["content_overlap_recall"],
                                                                             abs=1e-4)
    assert scores.loc["content (overlap): recall", "n"] == 3
    assert set(check.scores.stage) == {"quotes", "speakers"} and (check.scores.resampled == "articles").all()
    errors = check.errors["quotes"]
    missed = errors[errors.error == "missed"]
    assert len(missed) == 3 - pooled["n_gold_found"]
    assert int(check.confusion["attributions"].to_numpy().sum()) == 3
    # a limit keeps the first articles only
    assert polnear_validation(path, limit=1, cache_dir=False, n_boot=0).details["pooled"]["n_articles"] == 1


# ------------------------------------------------------------ sentiment (NewsMTSC format, own sentences)


def test_newsmtsc_validation_lists_only_the_wrong_targets(tmp_path):
    records = [
        ("The minister praised the excellent, brilliant work of the nurses.", "nurses", 6.0),
        ("The council met on Tuesday.", "council", 4.0),
        ("The council met on Friday.", "council", 4.0),
        ("The corrupt, disgraceful governor was jailed.", "governor", 2.0),
    ]
    path = tmp_path / "mini_newsmtsc.jsonl"
    lines = []
    for sentence, target, polarity in records:
        start = sentence.index(target)
        lines.append(json.dumps({"primary_gid": target, "sentence_normalized": sentence, "targets": [
            {"from": start, "to": start + len(target), "mention": target, "polarity": polarity}]}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check = newsmtsc_validation(path, backend="lexicon", n_boot=50)
    scores = check.scores.set_index("metric")
    assert scores.loc["accuracy", "n"] == 4 and check.scores.data.iloc[0] == "NewsMTSC mini_newsmtsc"
    assert scores.loc["accuracy", "baseline"] == 0.5  # always "neutral", the commonest gold class
    assert scores.loc["accuracy", "baseline_name"] == "majority class (neutral)"
    confusion = check.confusion["sentiment"]
    assert int(confusion.to_numpy().sum()) == 4
    wrong = 4 - int(np.trace(confusion.to_numpy()))
    assert len(check.errors["sentiment"]) == wrong
    assert (check.errors["sentiment"].gold != check.errors["sentiment"].predicted).all()
    assert newsmtsc_validation(path, backend="lexicon", limit=2, n_boot=0).scores.n.iloc[0] == 2


# ------------------------------------------------------------ the development data (skipped without it)

needs_data = pytest.mark.skipif(missing_data_note(DATA) is not None,
                                reason="development data not present (../shared/data)")


@needs_data
def test_dev_data_scores_have_intervals_and_errors(tmp_path):
    sentiment = newsmtsc_validation(DATA / "newsmtsc" / "dev_rw.jsonl", backend="lexicon", limit=80, n_boot=100)
    quotes = polnear_validation(DATA / "polnear" / "dev.jsonl", limit=3, n_boot=100)
    basil = basil_validation(DATA / "basil", limit=3, run_dir=tmp_path / "run", backend="lexicon", n_boot=100)
    scores = validation_scores(sentiment, quotes, basil)
    assert set(scores.stage) == {"sentiment", "quotes", "speakers", "mentions", "portrayal", "stance"}
    shown = scores.dropna(subset=["value"])
    assert shown.value.between(0, 1).all()
    assert (shown.low <= shown.value + 1e-9).all() and (shown.value <= shown.high + 1e-9).all()
    # BASIL's figures are evaluate_basil's, with its n
    raw = basil.details["scores"]
    metric = "gold (article, entity) pairs with a mention (of the actor or a part)"
    coverage = basil.scores.set_index("metric").loc[metric]
    assert coverage.value == raw["coverage"] and coverage.n == raw["n_coverage"]
    assert raw["articles_analysed"] == 3 and (tmp_path / "run" / "mentions.csv").is_file()
    assert len(basil.errors["portrayal"]) == int((basil.confusion["portrayal"].to_numpy()).sum()
                                                 - np.trace(basil.confusion["portrayal"].to_numpy()))
    assert len(sentiment.errors["sentiment"]) == 80 - int(np.trace(sentiment.confusion["sentiment"].to_numpy()))
