"""Sentence vectors: all-MiniLM-L6-v2 run with onnxruntime, mean-pooled and L2-normalised.

The encoder of sentence-transformers' all-MiniLM-L6-v2, exported to ONNX with
int8 weights (``analysis/resources/encoder/``; ``bench/export_sentence_encoder.py``
rebuilds it). Run time needs only ``numpy``, ``onnxruntime`` and ``tokenizers``:
no torch, no download. Texts are cut to the model's maximum length, batched
by length, and each vector is the mean of the text's token states (padding
left out) scaled to length 1, as sentence-transformers computes it, so the dot
product of two vectors is their cosine.

Examples
--------
>>> vectors = encode(["The court rejected the appeal.", "Judges threw out the appeal.", "Rain is expected."])
>>> vectors.shape, vectors.dtype.name
((3, 384), 'float32')
>>> bool(vectors[0] @ vectors[1] > vectors[0] @ vectors[2])
True
"""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import AnalysisError
from .onnx_runtime import cpu_session, import_onnxruntime

__all__ = ["DEFAULT_ENCODER_DIR", "SentenceEncoder", "load_sentence_encoder", "encode"]

#: Folder of the shipped encoder (``model.onnx``, ``tokenizer.json``, ``config.json``, ``MODEL_CARD.md``).
DEFAULT_ENCODER_DIR = Path(__file__).resolve().parent / "resources" / "encoder"

_FILES = ("model.onnx", "tokenizer.json", "config.json")
# Padded tokens per forward pass: texts sorted by length fill a batch up to this
# (at most ``batch_size`` texts), so a batch of long texts stays small in memory.
_TOKENS_PER_BATCH = 4096


class SentenceEncoder:
    """An ONNX sentence encoder with its tokenizer; build it with :func:`load_sentence_encoder` (cached).

    Parameters
    ----------
    session : onnxruntime.InferenceSession
        The exported encoder; its output ``last_hidden_state`` has one row per token.
    tokenizer : tokenizers.Tokenizer
        The encoder's WordPiece tokenizer.
    config : dict
        ``config.json`` of the folder: ``id``, ``dimensions``, ``max_length``,
        ``pooling`` (``mean``) and ``normalize`` (``true``).
    model_dir : Path
        Where the files were read from.

    Notes
    -----
    Sentence-BERT mean pooling (Reimers & Gurevych, EMNLP 2019) over MiniLM
    (Wang et al., NeurIPS 2020). Weights are stored as int8 but computed in
    fp32, so a text's vector does not depend on the other texts in its batch
    (to about 1e-6; the tests check 1e-5).
    """

    def __init__(self, session, tokenizer, config: dict, model_dir: Path):
        self._session = session
        self._tokenizer = tokenizer
        self.config = config
        self.model_dir = Path(model_dir)
        self.id = str(config.get("id", ""))
        self.dimensions = int(config.get("dimensions", 384))
        self.max_length = int(config.get("max_length", 256))
        if config.get("pooling", "mean") != "mean" or not config.get("normalize", True):
            raise AnalysisError("this module pools by the mean over the attention mask and normalises; config.json "
                                f"asks pooling={config.get('pooling')!r}, normalize={config.get('normalize')!r}",
                                source=str(self.model_dir / "config.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(self.max_length)
        self._inputs = [i.name for i in session.get_inputs()]
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SentenceEncoder({str(self.model_dir)!r}, id={self.id!r})"

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """One unit-length vector per text, in input order.

        Parameters
        ----------
        texts
            Strings (an empty string gets the vector of an empty sentence).
        batch_size
            Most texts per forward pass (fewer when they are long: at most
            4,096 padded tokens per pass).

        Returns
        -------
        numpy.ndarray
            Shape ``(len(texts), dimensions)``, float32, each row of length 1.

        Raises
        ------
        TypeError
            If an item is not a string (its index is named).
        """
        texts = list(texts)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"texts[{i}] is {type(text).__name__}, not str")
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(texts)
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        start = 0
        while start < len(order):
            end = start + 1  # sorted by length: the last text of a batch is its longest
            while end < len(order) and end - start < batch_size and (end + 1 - start) * lengths[order[end]] <= \
                    _TOKENS_PER_BATCH:
                end += 1
            picked = order[start:end]
            out[picked] = self._pooled([encodings[i] for i in picked])
            start = end
        return out

    def _pooled(self, encodings) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        arrays = {k: np.zeros((len(encodings), width), dtype=np.int64)
                  for k in ("input_ids", "attention_mask", "token_type_ids")}
        for row, e in enumerate(encodings):
            arrays["input_ids"][row, : len(e.ids)] = e.ids
            arrays["attention_mask"][row, : len(e.ids)] = 1
            arrays["token_type_ids"][row, : len(e.ids)] = e.type_ids
        with self._lock:  # one session, used from one thread at a time
            (states,) = self._session.run(["last_hidden_state"], {k: arrays[k] for k in self._inputs})
        mask = arrays["attention_mask"][:, :, None].astype(np.float64)
        mean = (states.astype(np.float64) * mask).sum(axis=1) / mask.sum(axis=1)
        return (mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)).astype(np.float32)


@functools.lru_cache(maxsize=4)
def _load(folder: str, threads: int) -> SentenceEncoder:
    path = Path(folder)
    missing = [name for name in _FILES if not (path / name).is_file()]
    if missing:
        raise AnalysisError(f"the sentence encoder lacks {', '.join(missing)}; it should hold {', '.join(_FILES)} "
                            "(shipped in analysis/resources/encoder/; rebuild with bench/export_sentence_encoder.py)",
                            source=folder)
    try:
        import_onnxruntime()
        import tokenizers
    except ImportError as err:
        raise AnalysisError(f"the sentence encoder needs the {err.name!r} package, a dependency of the toolkit; "
                            "reinstall the toolkit (make setup)") from None
    try:
        config = json.loads((path / "config.json").read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise AnalysisError(f"config.json is not valid JSON ({exc})", source=folder) from None
    tokenizer = tokenizers.Tokenizer.from_file(str(path / "tokenizer.json"))
    return SentenceEncoder(cpu_session(path / "model.onnx", threads), tokenizer, config, path)


def load_sentence_encoder(model_dir: str | os.PathLike[str] | None = None, *,
                          intra_op_num_threads: int | None = None) -> SentenceEncoder:
    """The sentence encoder, loaded once per process (per folder and thread count).

    Parameters
    ----------
    model_dir
        Folder with ``model.onnx``, ``tokenizer.json`` and ``config.json``;
        default :data:`DEFAULT_ENCODER_DIR`.
    intra_op_num_threads
        Threads onnxruntime may use; default ``ANALYSIS_MODEL_THREADS`` (set
        by the batch runner to cores / jobs) or ``min(2, os.cpu_count())``,
        as for the sentiment model.

    Raises
    ------
    AnalysisError
        If the folder or one of its files is missing (naming them), or a
        run-time package is not installed.

    Examples
    --------
    >>> load_sentence_encoder() is load_sentence_encoder()
    True
    """
    folder = (Path(model_dir) if model_dir is not None else DEFAULT_ENCODER_DIR).expanduser().resolve()
    default = os.environ.get("ANALYSIS_MODEL_THREADS") or min(2, os.cpu_count() or 1)
    return _load(str(folder), int(intra_op_num_threads or default))


def encode(texts: Sequence[str], *, model_dir: str | os.PathLike[str] | None = None,
           batch_size: int = 64) -> np.ndarray:
    """Unit-length sentence vectors of ``texts``, shape ``(n, 384)``, float32 (:meth:`SentenceEncoder.encode`)."""
    return load_sentence_encoder(model_dir).encode(texts, batch_size=batch_size)
