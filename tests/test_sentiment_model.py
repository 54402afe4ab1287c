"""The shipped target-sentiment model: behaviour on invented sentences, errors, dev scores."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analysis.evaluate import evaluate_newsmtsc
from analysis.sentiment_model import DEFAULT_MODEL_DIR, LABELS, load_sentiment_model

NEWSMTSC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "newsmtsc"
NEG, NEU, POS = (LABELS.index(label) for label in ("negative", "neutral", "positive"))


@pytest.fixture(scope="module")
def model():
    return load_sentiment_model()


def span_of(sentence: str, target: str) -> tuple[int, int]:
    start = sentence.index(target)
    return start, start + len(target)


# Sentences written for these tests: one target praised, one condemned, in the same sentence.
TWO_TARGETS = [
    (
        "Voters praised Senator Alma Reyes for her honesty, but they condemned Governor Piet Kroll for lying.",
        "Senator Alma Reyes",
        "Governor Piet Kroll",
    ),
    (
        "Governor Piet Kroll was denounced as a corrupt liar, while Senator Alma Reyes was hailed as a hero.",
        "Senator Alma Reyes",
        "Governor Piet Kroll",
    ),
    (
        "The mayor thanked the Harbour Union for its generous help and blamed the Delta Party for the chaos.",
        "the Harbour Union",
        "the Delta Party",
    ),
]


@pytest.mark.parametrize(("sentence", "praised", "condemned"), TWO_TARGETS)
def test_praised_target_is_more_positive_than_condemned_one(model, sentence, praised, condemned):
    probs = model.predict([sentence, sentence], [span_of(sentence, praised), span_of(sentence, condemned)])
    assert probs[0, POS] > probs[1, POS]
    assert probs[1, NEG] > probs[0, NEG]
    assert LABELS[int(probs[1].argmax())] == "negative"


def test_neutral_report_is_neutral(model):
    sentence = "Minister Lena Okafor will travel to Lisbon on Tuesday for the annual trade meeting."
    probs = model.predict([sentence], [span_of(sentence, "Minister Lena Okafor")])
    assert LABELS[int(probs[0].argmax())] == "neutral"


def test_probabilities_are_rows_that_sum_to_one(model):
    sentence = TWO_TARGETS[0][0]
    probs = model.predict([sentence] * 2, [span_of(sentence, TWO_TARGETS[0][1]), span_of(sentence, "they")])
    assert probs.shape == (2, 3)
    assert probs.dtype == np.float32
    assert np.all(probs >= 0) and np.all(probs <= 1)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_no_targets_gives_an_empty_array(model):
    assert model.predict([], []).shape == (0, 3)


def test_predictions_are_deterministic_and_keep_input_order(model):
    sentences = [s for s, _, _ in TWO_TARGETS for _ in range(2)]
    spans = [span_of(s, t) for s, p, c in TWO_TARGETS for t in (p, c)]
    first = model.predict(sentences, spans, batch_size=4)
    assert np.array_equal(first, model.predict(sentences, spans, batch_size=4))
    # Sorting by length inside predict must not shuffle the rows, and a
    # target's scores must not depend on the other targets in its batch.
    backwards = model.predict(sentences[::-1], spans[::-1], batch_size=4)[::-1]
    np.testing.assert_allclose(first, backwards, atol=1e-4)
    one_by_one = np.vstack([model.predict([s], [sp]) for s, sp in zip(sentences, spans)])
    np.testing.assert_allclose(first, one_by_one, atol=1e-4)


@pytest.mark.parametrize(
    ("span", "message"),
    [
        ((5, 2), r"span \(5, 2\) is out of range for a sentence of length 22"),
        ((-1, 4), r"span \(-1, 4\) is out of range for a sentence of length 22"),
        ((0, 99), r"span \(0, 99\) is out of range for a sentence of length 22"),
        ((3, 3), r"span \(3, 3\) is out of range"),
        ((9, 10), r"span \(9, 10\) covers only whitespace .* length 22"),
        ((1,), r"span \(1,\) must be a \(start, end\) pair .* length 22"),
    ],
)
def test_bad_spans_raise_a_clear_value_error(model, span, message):
    with pytest.raises(ValueError, match=message):
        model.predict(["Anna Berg won the race"], [span])


def test_bad_span_in_a_batch_is_named_by_position(model):
    sentence = "Anna Berg won the race"
    with pytest.raises(ValueError, match=r"spans\[1\] \(0, 50\) is out of range for a sentence of length 22"):
        model.predict([sentence, sentence], [(0, 9), (0, 50)])


def test_lists_of_different_length_are_refused(model):
    with pytest.raises(ValueError, match="2 sentences but 1 spans"):
        model.predict(["Anna Berg won.", "Anna Berg lost."], [(0, 9)])


def test_explain_gives_words_from_outside_the_target(model):
    sentence = "Voters condemned Mayor Tomas Brandt for the shameful corruption scandal."
    start, end = span_of(sentence, "Mayor Tomas Brandt")
    evidence = model.explain(sentence, (start, end), top_k=3)
    assert 1 <= len(evidence) <= 3
    target_words = set(sentence[start:end].split())
    for word, change in evidence:
        assert word in sentence and word not in target_words
        assert isinstance(change, float)
    changes = [abs(c) for _, c in evidence]
    assert changes == sorted(changes, reverse=True)
    # The prediction is negative; a sentiment word, not "the" or "for", carries it.
    assert {w for w, _ in evidence} & {"condemned", "shameful", "corruption", "scandal"}
    assert evidence[0][1] > 0


def test_explain_validates_the_span(model):
    with pytest.raises(ValueError, match="length 9"):
        model.explain("Ann lost.", (4, 20))


def test_loading_is_cached(model):
    assert load_sentiment_model() is model


def test_missing_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_sentiment_model(tmp_path / "nowhere")
    for name in ("tokenizer.json", "config.json"):
        shutil.copy(DEFAULT_MODEL_DIR / name, tmp_path / name)
    with pytest.raises(FileNotFoundError, match=r"lacks model\.onnx"):
        load_sentiment_model(tmp_path)


def test_shipped_config_matches_the_model():
    config = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    assert tuple(config["labels"]) == LABELS
    assert (DEFAULT_MODEL_DIR / "model.onnx").stat().st_size <= 30 * 2**20
    assert not list(DEFAULT_MODEL_DIR.glob("*.pkl")) and not list(DEFAULT_MODEL_DIR.glob("*.pickle"))


def test_importing_training_and_the_model_module_loads_no_heavy_package():
    # spaCy's thinc may import torch where torch is installed, so compare
    # the modules loaded before and after importing our two modules.
    code = (
        "import sys, analysis; before = set(sys.modules); "
        "import analysis.training, analysis.sentiment_model; "
        "new = {m.split('.')[0] for m in set(sys.modules) - before}; "
        "print(sorted(new & {'torch', 'transformers', 'onnxruntime', 'onnx', 'tokenizers'}))"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_evaluate_newsmtsc_counts_a_hand_made_file(tmp_path):
    class AlwaysNegative:
        def predict(self, sentences, spans, *, batch_size=64):
            return np.tile([1.0, 0.0, 0.0], (len(sentences), 1))

    records = [
        {
            "sentence_normalized": "Ann won and Bob lost.",
            "targets": [
                {"from": 0, "to": 3, "mention": "Ann", "polarity": 6.0},
                {"from": 12, "to": 15, "mention": "Bob", "polarity": 2.0},
            ],
        },
        {"sentence_normalized": "Cy spoke.", "targets": [{"from": 0, "to": 2, "mention": "Cy", "polarity": 4.0}]},
    ]
    path = tmp_path / "mini.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    scores = evaluate_newsmtsc(AlwaysNegative(), path)
    assert scores["n"] == 3
    assert scores["accuracy"] == pytest.approx(1 / 3)
    assert scores["confusion"] == [[1, 0, 0], [1, 0, 0], [1, 0, 0]]
    assert scores["f1_macro"] == pytest.approx((0.5 + 0 + 0) / 3)
    assert scores["f1_pn"] == pytest.approx(0.25)


# The shipped model scored 0.844 and 0.791 (the one before it 0.825 and 0.764):
# a floor a little under each, so that falling back to the older model fails.
@pytest.mark.parametrize(("split", "floor"), [("dev_rw", 0.83), ("dev_mt", 0.78)])
def test_newsmtsc_dev_macro_f1(model, split, floor):
    path = NEWSMTSC / f"{split}.jsonl"
    if not path.is_file():
        pytest.skip(f"NewsMTSC development data not found at {path}")
    scores = evaluate_newsmtsc(model, path)
    assert scores["n"] > 300
    assert scores["f1_macro"] >= floor, scores


# ------------------------------------------------------------------ the "spans" input: one pass per sentence


@pytest.fixture(scope="module")
def tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(DEFAULT_MODEL_DIR / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def _target_text(tokenizer, window, first, end):
    return tokenizer.decode(list(window.ids[first:end]))


def test_sentence_targets_share_one_window_and_keep_their_tokens(tokenizer):
    from analysis.sentiment_model import encode_sentence_targets

    sentence, praised, condemned = TWO_TARGETS[0]
    other = "Cy spoke to reporters."
    sentences = [sentence, other, sentence]
    spans = [span_of(sentence, condemned), span_of(other, "Cy"), span_of(sentence, praised)]
    windows = encode_sentence_targets(tokenizer, sentences, spans)
    assert len(windows) == 2  # two distinct sentences, each encoded once
    seen = {i: _target_text(tokenizer, w, a, b) for w in windows for i, a, b in w.targets}
    assert seen == {0: condemned.lower(), 1: "cy", 2: praised.lower()}


def test_a_long_sentence_is_cut_into_windows_that_hold_every_target(tokenizer):
    from analysis.sentiment_model import encode_sentence_targets

    filler = " ".join(["the committee met again and talked"] * 40)
    sentence = f"Senator Alma Reyes spoke first; {filler}; then Governor Piet Kroll replied."
    spans = [span_of(sentence, "Senator Alma Reyes"), span_of(sentence, "Governor Piet Kroll")]
    windows = encode_sentence_targets(tokenizer, [sentence, sentence], spans, max_length=64)
    assert len(windows) == 2 and all(len(w.ids) <= 64 for w in windows)
    found = {i: _target_text(tokenizer, w, a, b) for w in windows for i, a, b in w.targets}
    assert found == {0: "senator alma reyes", 1: "governor piet kroll"}
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    assert all(w.ids[0] == cls and w.ids[-1] == sep for w in windows)


def test_a_long_sentence_gives_a_target_the_same_window_whatever_its_companions(tokenizer, model):
    # A target near the end of another target's window used to be read from that
    # window, with no words after it; its window must follow from its own position.
    from analysis.sentiment_model import encode_sentence_targets

    sentence = ("Senator Alma Reyes spoke; " + "the committee met " * 39 + "and then Governor Piet Kroll was "
                "condemned and ridiculed by everyone for the corruption scandal and the lies; "
                + "the committee met " * 80 + ".")
    reyes, kroll = span_of(sentence, "Senator Alma Reyes"), span_of(sentence, "Governor Piet Kroll")
    alone = encode_sentence_targets(tokenizer, [sentence], [kroll])
    together = encode_sentence_targets(tokenizer, [sentence, sentence], [reyes, kroll])
    window_of = {i: (w.ids, a, b) for w in together for i, a, b in w.targets}
    assert window_of[1] == (alone[0].ids, alone[0].targets[0][1], alone[0].targets[0][2])
    np.testing.assert_allclose(model.predict([sentence], [kroll])[0],
                               model.predict([sentence, sentence], [reyes, kroll])[1], atol=1e-5)


def test_pad_windows_points_each_target_row_at_its_sentence(tokenizer):
    from analysis.sentiment_model import encode_sentence_targets, pad_windows

    sentence, praised, condemned = TWO_TARGETS[1]
    sentences = ["Cy spoke.", sentence, sentence]
    spans = [(0, 2), span_of(sentence, praised), span_of(sentence, condemned)]
    windows = encode_sentence_targets(tokenizer, sentences, spans)
    arrays, index = pad_windows(windows)
    assert arrays["input_ids"].shape[0] == 2 and arrays["target_mask"].shape == (3, arrays["input_ids"].shape[1])
    assert sorted(index.tolist()) == [0, 1, 2]
    for row, i in zip(arrays["target_row"], index):
        ids = arrays["input_ids"][row][arrays["target_mask"][list(index).index(i)] > 0]
        assert tokenizer.decode(ids.tolist()) == sentences[i][spans[i][0]:spans[i][1]].lower()


def test_teacher_targets_round_trip_and_bad_records_are_named(tmp_path):
    from analysis.training import read_teacher_targets, write_teacher_targets

    class Teacher:  # a stand-in with the predict interface: more positive for later spans
        def predict(self, sentences, spans):
            return np.array([[0.2, 0.5, 0.3], [0.1, 0.2, 0.7], [0.6, 0.3, 0.1]])[: len(sentences)]

    s1, s2 = "Mayor Ilse Varga opened the bridge.", "The council praised Varga and the engineers."
    sentences, spans = [s1, s2, s2], [span_of(s1, "Mayor Ilse Varga"), span_of(s2, "Varga"),
                                      span_of(s2, "the engineers")]
    path = tmp_path / "teacher.jsonl"
    assert write_teacher_targets(sentences, spans, path, teacher=Teacher()) == 3
    assert len(path.read_text().splitlines()) == 2  # one line per sentence
    read_sentences, read_spans, probs = read_teacher_targets(path)
    assert read_sentences == sentences and read_spans == spans
    np.testing.assert_allclose(probs, Teacher().predict(sentences, spans), atol=1e-5)
    path.write_text('{"sentence_normalized": "x y", "targets": [{"from": 0, "to": 1, "probabilities": [1, 1]}]}\n')
    with pytest.raises(ValueError, match=r"teacher.jsonl:1: not a teacher-target record"):
        read_teacher_targets(path)


def test_a_holdout_run_refuses_to_replace_the_shipped_model(tmp_path, capsys):
    from analysis.cli import main

    before = (DEFAULT_MODEL_DIR / "model.onnx").stat().st_mtime
    assert main(["train", "sentiment", "--data", str(tmp_path), "--holdout", "0.2"]) == 2
    assert "give --out DIR" in capsys.readouterr().err
    assert (DEFAULT_MODEL_DIR / "model.onnx").stat().st_mtime == before


def test_spans_training_needs_target_pooling(tmp_path):
    from analysis.training import train_sentiment

    with pytest.raises(ValueError, match="needs pooling='cls\\+target'"):
        train_sentiment(tmp_path, tmp_path / "out", input_format="spans", pooling="cls")


def test_distillation_targets_take_names_and_pronouns_of_whole_sentences():
    from analysis.training import distillation_targets

    text = ("Mayor Ilse Varga met the Harbour Union in Rotterdam on Monday. She thanked them for their help. "
            "It rained. The weather stayed grey and wet for the rest of the long week.")
    sentences, spans = distillation_targets([text, text], n_targets=1, seed=0)
    taken = {sentence[a:b] for sentence, (a, b) in zip(sentences, spans)}
    assert len(set(sentences)) == 1 and len(spans) >= 2  # one whole sentence, all its targets
    assert taken in ({"She", "them"}, {"Ilse Varga", "the Harbour Union", "Rotterdam"},
                     {"Ilse Varga", "Harbour Union", "Rotterdam"}), taken
    everything, _ = distillation_targets([text], n_targets=100)
    assert "It rained." not in everything  # too short, and no target
    assert not any("weather" in s for s in everything)  # no target
