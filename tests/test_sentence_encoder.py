"""Tests for analysis.sentence_encoder: the shipped all-MiniLM-L6-v2 encoder, run with onnxruntime.

Every sentence here is written for the test.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from analysis.errors import AnalysisError
from analysis.sentence_encoder import DEFAULT_ENCODER_DIR, encode, load_sentence_encoder

SENTENCES = ["The city council voted to raise property taxes.",
             "A judge dismissed the lawsuit against the gun maker on Monday after a long hearing.",
             "Rain.",
             "",
             "Students walked out of class to demand stricter gun laws, and teachers joined them at the gates."]


def test_vectors_have_the_models_width_unit_length_and_repeat_exactly():
    vectors = encode(SENTENCES)
    assert vectors.shape == (5, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(encode(SENTENCES), vectors)  # the same input, the same numbers
    assert len({v.tobytes() for v in vectors}) == 5  # and different texts, different vectors
    assert encode([]).shape == (0, 384)


@pytest.mark.parametrize(("text", "paraphrase", "unrelated"), [
    ("The senator said the bill would protect hunters.", "According to the senator, the bill safeguards hunters.",
     "The senator's bakery sells bread on Sundays."),
    ("Police found two rifles in the suspect's car.", "Officers discovered a pair of rifles in the man's vehicle.",
     "The orchestra played two symphonies in the park."),
    ("Grocery prices rose for the third month in a row.", "Food has become more expensive three months running.",
     "The river flooded the village for the third time."),
])
def test_a_paraphrase_is_nearer_than_an_unrelated_sentence(text, paraphrase, unrelated):
    a, b, c = encode([text, paraphrase, unrelated])
    assert a @ b > a @ c + 0.2


def test_a_texts_vector_does_not_depend_on_its_batch():
    encoder = load_sentence_encoder()
    alone = np.vstack([encoder.encode([s]) for s in SENTENCES])
    together = encoder.encode(SENTENCES)
    wider = ("A much longer sentence that widens the batch, written so that every other text in it gets more "
             "padding than it had before, and then a few more words about the weather on the coast.")
    shuffled = encoder.encode([*SENTENCES[::-1], wider])
    in_pairs = encoder.encode(SENTENCES, batch_size=2)
    assert np.abs(together - alone).max() < 1e-5
    assert np.abs(shuffled[4::-1] - alone).max() < 1e-5
    assert np.abs(in_pairs - alone).max() < 1e-5


def test_long_texts_are_cut_at_the_maximum_length():
    encoder = load_sentence_encoder()
    assert encoder.max_length == 256
    long = "The committee heard evidence about the shooting. " * 60  # about 480 tokens
    vectors = encoder.encode([long, long + "An entirely different ending about the weather.", long[:400]])
    assert np.abs(vectors[0] - vectors[1]).max() < 1e-6  # the ending is past the cut
    assert np.abs(vectors[0] - vectors[2]).max() > 1e-3


def test_the_encoder_is_loaded_once_per_process():
    assert load_sentence_encoder() is load_sentence_encoder(DEFAULT_ENCODER_DIR)
    assert load_sentence_encoder().id == "all-MiniLM-L6-v2/onnx-int8-v1"


def test_a_folder_without_the_model_file_is_one_clear_error(tmp_path):
    for name in ("tokenizer.json", "config.json"):
        shutil.copy(DEFAULT_ENCODER_DIR / name, tmp_path / name)
    with pytest.raises(AnalysisError, match=r"the sentence encoder lacks model\.onnx; it should hold model\.onnx, "
                                            r"tokenizer\.json, config\.json") as err:
        load_sentence_encoder(tmp_path)
    assert str(tmp_path) in str(err.value) and "\n" not in str(err.value)


def test_a_text_that_is_not_a_string_is_named():
    with pytest.raises(TypeError, match=r"texts\[1\] is float, not str"):
        encode(["A sentence.", float("nan")])

