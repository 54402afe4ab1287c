"""Scoring, and the pipeline against our hand annotations of the seed article."""

from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import CorpusError
from analysis.evaluate import load_gold_mentions, read_polnear, score_attributions, score_by_type, score_mentions

ROOT = Path(__file__).resolve().parents[1]

GOLD = ROOT / "corpus" / "annotations"


def _frame(rows, columns):
    return pd.DataFrame(rows, columns=columns)


def test_scores_count_false_positives_and_misses():
    sents = _frame([("a", 0, 0, 20), ("a", 1, 21, 40)], ["article_id", "sentence_id", "start", "end"])
    gold = _frame([("a", 0, 5, "Putin", "putin", "name"), ("a", 25, 27, "he", "putin", "pronoun")],
                  ["article_id", "start", "end", "text", "actor", "type"])
    pred = _frame([("a", 0, 5, "Putin", "putin", "name"), ("a", 25, 27, "he", "nato", "pronoun"),
                   ("a", 30, 34, "NATO", "nato", "name")],
                  ["article_id", "start", "end", "text", "actor", "method"])
    scores = score_mentions(pred, gold, sents).set_index("level")
    assert scores.loc["mention", ["tp", "n_pred", "n_gold"]].tolist() == [1, 3, 2]
    assert scores.loc["sentence", "precision"] == pytest.approx(0.5)  # (1, nato) is wrong
    assert scores.loc["sentence", "recall"] == pytest.approx(0.5)  # (1, putin) is missed
    assert scores.loc["reference", "tp"] == 0
    by_type = score_by_type(pred, gold).set_index("type")
    assert by_type.loc["pronoun", "found"] == 0 and by_type.loc["name", "found"] == 1


def test_gold_must_match_the_article_text(tmp_path, seed_article):
    bad = tmp_path / "x.mentions.csv"
    bad.write_text("article_id,start,end,text,actor,type\nbelarus-exiles-cnn,0,7,Calling,putin,name\n"
                   "belarus-exiles-cnn,0,5,Putin,putin,name\n")
    with pytest.raises(CorpusError, match="does not match the article"):
        load_gold_mentions(bad, [seed_article])


def test_gold_file_needs_its_columns(tmp_path):
    bad = tmp_path / "x.mentions.csv"
    bad.write_text("start,end\n0,1\n")
    with pytest.raises(CorpusError, match="missing column"):
        load_gold_mentions(bad)


def test_seed_against_our_gold(seed_result, seed_article):
    """The issue's bar: sentence-level precision and recall of at least 0.9 (aim: F1 0.95)."""
    gold = load_gold_mentions(GOLD, [seed_article])
    assert len(gold) >= 80 and set(gold.actor) == {"exiles", "lukashenko", "putin", "nato"}
    scores = score_mentions(seed_result.mentions, gold, seed_result.sentences).set_index("level")
    assert scores.loc["sentence", "precision"] >= 0.9
    assert scores.loc["sentence", "recall"] >= 0.9
    assert scores.loc["sentence", "f1"] >= 0.95
    assert scores.loc["mention", "f1"] >= 0.9
    assert scores.loc["reference", "precision"] >= 0.9


# ------------------------------------------------------------ PolNeAR (quotes and speakers)

POLNEAR = ROOT.parent / "shared" / "data" / "polnear" / "dev.jsonl"


def _polnear_file(tmp_path):
    """A two-article file in PolNeAR's format, with texts written for the test."""
    import json

    text_a = 'Mayor Ortiz said the port would reopen. "We are ready," the union leader told reporters.'
    text_b = "The weather was fine."

    def part(words):
        start = text_a.index(words)
        return {"spans": [[start, start + len(words)]], "text": words}

    first = {"Source": [part("Mayor Ortiz")], "Cue": [part("said")], "Content": [part("the port would reopen")]}
    second = {"Source": [part("the union leader")], "Cue": [part("told")], "Content": [part('"We are ready,"')]}
    rows = [
        {"filename": "a", "annotator": "x2", "title": "", "text": text_a, "attributions": []},
        {"filename": "a", "annotator": "x1", "title": "T", "text": text_a, "attributions": [first, second]},
        {"filename": "b", "annotator": "x1", "title": "", "text": text_b, "attributions": []},
    ]
    path = tmp_path / "mini.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path, text_a


def test_read_polnear_keeps_one_annotation_per_article(tmp_path):
    path, _ = _polnear_file(tmp_path)
    articles, gold = read_polnear(path)
    assert [a.id for a in articles] == ["a", "b"]
    assert articles[0].title == "T"  # annotator x1 comes first
    assert len(gold) == 2 and gold.source_text.tolist()[0] == "Mayor Ortiz"


def test_score_attributions_counts_content_and_source(tmp_path):
    path, text = _polnear_file(tmp_path)
    articles, gold = read_polnear(path)
    content = text.index("the port")
    quote = text.index("We are")
    predicted = pd.DataFrame({
        "article_id": ["a", "a", "b"],
        "start": [content, quote, 0], "end": [content + len("the port would reopen"), quote + 6, 7],
        "speaker_start": [6, 0, -1], "speaker_end": [11, 5, -1],  # right source, wrong source, none
    })
    scores = score_attributions(predicted, gold, {a.id: a.text for a in articles})
    assert scores["content_overlap_precision"] == pytest.approx(2 / 3, abs=1e-3)
    assert scores["content_overlap_recall"] == 1.0
    assert scores["content_exact_recall"] == 0.5  # only the first content is exact
    assert scores["source_accuracy"] == 0.5


def test_evaluate_polnear_command(tmp_path, capsys):
    from analysis.cli import main

    path, _ = _polnear_file(tmp_path)
    assert main(["evaluate", "polnear", str(path), "--quiet", "--no-cache"]) == 0
    import json

    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["n_gold"] == 2 and last["n_articles"] == 2
    assert last["content_overlap_recall"] == 1.0 and last["source_accuracy"] == 1.0


def test_evaluate_polnear_needs_a_file(capsys):
    from analysis.cli import main

    assert main(["evaluate", "polnear", "--quiet"]) == 2
    assert "PolNeAR JSONL file" in capsys.readouterr().err


@pytest.mark.skipif(not POLNEAR.exists(), reason="PolNeAR dev data not present (../shared/data)")
def test_polnear_dev_scores():
    """Regression bar at the measured level (README): high precision, source accuracy >= 0.8."""
    from analysis.pipeline import quotes_of

    articles, gold = read_polnear(POLNEAR)
    scores = score_attributions(quotes_of(articles, progress=False), gold, {a.id: a.text for a in articles})
    assert scores["content_overlap_precision"] >= 0.93
    assert scores["content_overlap_f1"] >= 0.70
    assert scores["source_accuracy"] >= 0.80


# ------------------------------------------------------------ sentiment benchmarks (formats written for the test)


def test_evaluate_newsmtsc_command_prints_json_last(tmp_path, capsys):
    import json

    from analysis.cli import main

    rows = [{"sentence_normalized": "Voters praised Ann Kerr for her courage.",
             "targets": [{"from": 15, "to": 23, "mention": "Ann Kerr", "polarity": 6.0}]},
            {"sentence_normalized": "The court convicted Bo Lind of fraud.",
             "targets": [{"from": 20, "to": 27, "mention": "Bo Lind", "polarity": 2.0}]}]
    path = tmp_path / "mini.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert main(["evaluate", "newsmtsc", str(path), "--backend", "lexicon", "--quiet"]) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"f1_macro", "accuracy", "f1_pn", "n"} <= set(last) and last["n"] == 2
    assert last["backend"] == "lexicon"


def test_newsmtsc_span_mismatch_names_the_line(tmp_path):
    from analysis.evaluate import read_newsmtsc

    path = tmp_path / "bad.jsonl"
    path.write_text('{"sentence_normalized": "Ann spoke.", "targets": [{"from": 0, "to": 2, "mention": "Ann", '
                    '"polarity": 4.0}]}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.jsonl, line 1: not a NewsMTSC record"):
        read_newsmtsc(path)


def test_evaluate_persent_command(tmp_path, capsys):
    import json

    from analysis.cli import main

    frame = pd.DataFrame({
        "DOCUMENT_INDEX": ["1", "2"], "TITLE": ["a", "b"], "TARGET_ENTITY": ["Ann Kerr", "Bo Lind"],
        "DOCUMENT": ["Ann Kerr was praised as a brave and honest hero.", "Bo Lind was convicted of fraud and lies."],
        "MASKED_DOCUMENT": ["", ""], "TRUE_SENTIMENT": ["Positive", "Negative"],
    })
    path = tmp_path / "mini.csv"
    frame.to_csv(path, index=False)
    assert main(["evaluate", "persent", str(path), "--backend", "lexicon", "--quiet", "--no-cache"]) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["n"] == 2 and last["documents_with_target_found"] == 2 and last["accuracy"] == 1.0
