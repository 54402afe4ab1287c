"""Target-dependent sentiment: how a sentence speaks of one actor mention.

A small transformer (all-MiniLM-L6-v2) fine-tuned on NewsMTSC, exported to
ONNX and quantised to int8, run with onnxruntime. Run time needs only
``numpy``, ``onnxruntime`` and ``tokenizers``: no torch. The model files live in
``analysis/resources/sentiment/`` (``model.onnx``, ``tokenizer.json``,
``config.json``, ``MODEL_CARD.md``); :func:`analysis.training.train_sentiment`
rebuilds them.

Examples
--------
>>> model = load_sentiment_model()
>>> sentence = "Critics condemned Senator Vance, while voters praised Governor Osei."
>>> probs = model.predict([sentence, sentence], [(18, 31), (54, 67)])
>>> probs.shape
(2, 3)
>>> bool(probs[1, LABELS.index("positive")] > probs[0, LABELS.index("positive")])
True
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .onnx_runtime import cpu_session, import_onnxruntime

__all__ = [
    "DEFAULT_MODEL_DIR",
    "LABELS",
    "INPUT_FORMATS",
    "TargetSentimentModel",
    "load_sentiment_model",
    "check_span",
    "encode_targets",
    "pad_encodings",
    "EncodedTarget",
    "encode_sentence_targets",
    "pad_windows",
    "EncodedWindow",
    "model_inputs",
]

#: Folder of the shipped model (``model.onnx``, ``tokenizer.json``, ``config.json``).
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "resources" / "sentiment"
#: Class order of every probability array this module returns.
LABELS = ("negative", "neutral", "positive")
#: How a (sentence, target) pair is turned into model input:
#: ``markers`` -- the sentence with marker tokens around the target;
#: ``markers+pair`` -- the same, followed by the target text as a second segment;
#: ``spans`` -- the plain sentence, read once for all its targets, each target
#: read from its own tokens (one encoder pass per sentence, not per target).
INPUT_FORMATS = ("markers", "markers+pair", "spans")
#: Marker tokens around the target. They are unused entries of the BERT
#: vocabulary, so no embedding row has to be added; fine-tuning gives them
#: their meaning ("target starts" / "target ends").
MARKERS = ("[unused0]", "[unused1]")

_MODEL_FILES = ("model.onnx", "tokenizer.json", "config.json")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@dataclass(frozen=True)
class EncodedTarget:
    """One (sentence, target) as token ids, before padding.

    ``target_mask`` is 1 on the target's tokens and its two markers.
    """

    ids: tuple[int, ...]
    type_ids: tuple[int, ...]
    target_mask: tuple[int, ...]


@dataclass(frozen=True)
class EncodedWindow:
    """A sentence (or a window of a long one) as token ids, with its targets.

    ``targets`` holds ``(index, first, end)`` per target: its position in the
    caller's list and its tokens ``ids[first:end]``.
    """

    ids: tuple[int, ...]
    type_ids: tuple[int, ...]
    targets: tuple[tuple[int, int, int], ...]


def check_span(sentence: str, span, *, name: str = "span") -> tuple[int, int]:
    """Validate a target span and return it as ``(start, end)``, end exclusive.

    Raises
    ------
    ValueError
        If the span is not two integers with ``0 <= start < end <= len(sentence)``,
        or if ``sentence[start:end]`` is only whitespace.

    Examples
    --------
    >>> check_span("Putin spoke.", (0, 5))
    (0, 5)
    >>> check_span("Putin spoke.", (5, 40))
    Traceback (most recent call last):
    ...
    ValueError: span (5, 40) is out of range for a sentence of length 12: need 0 <= start < end <= 12
    """
    try:
        start, end = span
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} {span!r} must be a (start, end) pair of character offsets "
            f"into a sentence of length {len(sentence)}"
        ) from None
    if not 0 <= start < end <= len(sentence):
        raise ValueError(
            f"{name} {(start, end)!r} is out of range for a sentence of length {len(sentence)}: "
            f"need 0 <= start < end <= {len(sentence)}"
        )
    if not sentence[start:end].strip():
        raise ValueError(
            f"{name} {(start, end)!r} covers only whitespace ({sentence[start:end]!r}) "
            f"in a sentence of length {len(sentence)}; a target must contain text"
        )
    return start, end


def _marker_ids(tokenizer) -> tuple[int, int]:
    ids = tuple(tokenizer.token_to_id(m) for m in MARKERS)
    if None in ids:
        raise ValueError(f"the tokenizer does not know the target markers {MARKERS}")
    return ids  # type: ignore[return-value]


def _crop(ids: list[int], type_ids: list[int], first_len: int, start_pos: int, max_length: int):
    """Cut a too-long encoding to ``max_length`` tokens, keeping the target in view.

    The first segment (``[CLS] sentence [SEP]``, ``first_len`` tokens) loses
    tokens on both sides of a window centred on the start marker; the second
    segment (the target text) is cut from its end if it alone is too long.
    """
    first, second = ids[:first_len], ids[first_len:]
    first_t, second_t = type_ids[:first_len], type_ids[first_len:]
    if len(second) > max_length // 4:  # a very long target text: keep its head
        second = [*second[: max_length // 4 - 1], second[-1]]
        second_t = second_t[: len(second)]
    budget = max_length - len(second) - 2  # tokens of the sentence body we may keep
    body, body_t = first[1:-1], first_t[1:-1]
    if len(body) > budget:
        lo = max(0, min(start_pos - 1 - budget // 3, len(body) - budget))
        body, body_t = body[lo : lo + budget], body_t[lo : lo + budget]
    return [first[0], *body, first[-1], *second], [first_t[0], *body_t, first_t[-1], *second_t]


def encode_targets(
    tokenizer,
    sentences: list[str],
    spans: list[tuple[int, int]],
    *,
    input_format: str = "markers",
    max_length: int = 128,
) -> list[EncodedTarget]:
    """Turn sentences and target spans into model input, one :class:`EncodedTarget` each.

    The target is wrapped in the marker tokens ``[unused0] ... [unused1]``; with
    ``input_format="markers+pair"`` the target text follows as a second segment.
    Encodings longer than ``max_length`` are cut to a window around the target.
    Training (:mod:`analysis.training`) and prediction share this function, so
    the model always sees input made the same way.

    Parameters
    ----------
    tokenizer : tokenizers.Tokenizer
        A BERT WordPiece tokenizer that knows the marker tokens as special tokens.
    sentences, spans
        Parallel lists; spans are character offsets ``(start, end)``, end exclusive.
    input_format : {"markers", "markers+pair"}
    max_length : int
        Longest encoding, in tokens.

    Returns
    -------
    list of EncodedTarget
    """
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input_format={input_format!r}; valid: {', '.join(INPUT_FORMATS)}")
    start_id, end_id = _marker_ids(tokenizer)
    sep_id = tokenizer.token_to_id("[SEP]")
    marked, pairs = [], []
    for sentence, (a, b) in zip(sentences, spans):
        # A literal marker string in the text would be read as a marker: drop it.
        pieces = [_strip_markers(p) for p in (sentence[:a], sentence[a:b], sentence[b:])]
        marked.append(f"{pieces[0]} {MARKERS[0]} {pieces[1]} {MARKERS[1]} {pieces[2]}")
        pairs.append(" ".join(pieces[1].split()))
    if input_format == "markers+pair":
        batch = tokenizer.encode_batch(list(zip(marked, pairs)))
    else:
        batch = tokenizer.encode_batch(marked)
    out = []
    for enc in batch:
        ids, type_ids = list(enc.ids), list(enc.type_ids)
        first_len = type_ids.index(1) if 1 in type_ids else len(ids)
        start_pos = ids.index(start_id)
        if len(ids) > max_length:
            ids, type_ids = _crop(ids, type_ids, first_len, start_pos, max_length)
        mask = [0] * len(ids)
        inside = False
        for i, tok in enumerate(ids):
            if tok == sep_id:  # a target cut by cropping ends with the sentence
                break
            if tok == start_id:
                inside = True
            if inside:
                mask[i] = 1
            if tok == end_id:
                break
        out.append(EncodedTarget(tuple(ids), tuple(type_ids), tuple(mask)))
    return out


def _token_range(offsets, special, start: int, end: int) -> tuple[int, int]:
    """The tokens ``[first, end)`` of a character span: those that overlap it."""
    inside = [i for i, ((a, b), sp) in enumerate(zip(offsets, special)) if not sp and a < end and b > start]
    if inside:
        return inside[0], inside[-1] + 1
    # Characters the tokenizer drops (control or zero-width ones): the next word piece.
    after = [i for i, ((a, _), sp) in enumerate(zip(offsets, special)) if not sp and a >= start]
    words = [i for i, sp in enumerate(special) if not sp]
    first = after[0] if after else (words[-1] if words else 0)
    return first, first + 1


def encode_sentence_targets(
    tokenizer,
    sentences: list[str],
    spans: list[tuple[int, int]],
    *,
    max_length: int = 128,
) -> list[EncodedWindow]:
    """Turn (sentence, target) pairs into windows, one encoder pass per sentence.

    The pairs are grouped by sentence: a sentence with several targets is
    encoded once and each target is read from its own tokens (the ``spans``
    input format). A sentence longer than ``max_length`` tokens is cut, for
    each target, to a window that starts a third of a window before the
    target (or at the sentence's start, or ends at its end): the window
    depends on the target alone, and targets with the same window share it.
    Training and prediction share this function.

    Parameters
    ----------
    tokenizer : tokenizers.Tokenizer
        A BERT WordPiece tokenizer (``[CLS]`` and ``[SEP]`` added by its post-processor).
    sentences, spans
        Parallel lists; spans are character offsets ``(start, end)``, end exclusive.
    max_length : int
        Longest window, in tokens.

    Returns
    -------
    list of EncodedWindow
        Every input pair appears in exactly one window's ``targets``.
    """
    groups: dict[str, list[int]] = {}
    for i, sentence in enumerate(sentences):
        groups.setdefault(sentence, []).append(i)
    texts = list(groups)
    out = []
    budget = max_length - 2
    for text, enc in zip(texts, tokenizer.encode_batch(texts)):
        ids, type_ids, special = list(enc.ids), list(enc.type_ids), list(enc.special_tokens_mask)
        ranges = sorted((*_token_range(enc.offsets, special, *spans[i]), i) for i in groups[text])
        if len(ids) <= max_length:
            out.append(EncodedWindow(tuple(ids), tuple(type_ids), tuple((i, a, b) for a, b, i in ranges)))
            continue
        body, body_t = ids[1:-1], type_ids[1:-1]
        # Each target's window follows from its own position alone (a third of
        # the window before it), so its scores never depend on which other
        # targets of the sentence are scored with it; targets whose windows
        # coincide share one encoder pass.
        by_start: dict[int, list] = {}
        for a, b, i in ranges:
            by_start.setdefault(max(0, min(a - 1 - budget // 3, len(body) - budget)), []).append((a, b, i))
        for lo, taken in by_start.items():
            hi = lo + budget
            window = [ids[0], *body[lo:hi], ids[-1]]
            window_t = [type_ids[0], *body_t[lo:hi], type_ids[-1]]
            # a target cut by the window's end keeps its tokens inside the window
            targets = tuple((i, a - lo, min(b - lo, hi - lo + 1)) for a, b, i in taken)
            out.append(EncodedWindow(tuple(window), tuple(window_t), targets))
    return out


def pad_windows(windows: list[EncodedWindow]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Pad windows to the longest one for the ``spans`` model.

    Returns the model inputs (``input_ids``, ``attention_mask``,
    ``token_type_ids`` per window; ``target_mask`` and ``target_row`` per
    target) and the caller's index of each target row.
    """
    width = max(len(w.ids) for w in windows)
    n = sum(len(w.targets) for w in windows)
    arrays = {k: np.zeros((len(windows), width), dtype=np.int64)
              for k in ("input_ids", "attention_mask", "token_type_ids")}
    arrays["target_mask"] = np.zeros((n, width), dtype=np.float32)
    arrays["target_row"] = np.zeros(n, dtype=np.int64)
    index = np.zeros(n, dtype=np.int64)
    k = 0
    for row, w in enumerate(windows):
        arrays["input_ids"][row, : len(w.ids)] = w.ids
        arrays["attention_mask"][row, : len(w.ids)] = 1
        arrays["token_type_ids"][row, : len(w.ids)] = w.type_ids
        for i, a, b in w.targets:
            arrays["target_mask"][k, a:b] = 1.0
            arrays["target_row"][k] = row
            index[k] = i
            k += 1
    return arrays, index


def model_inputs(tokenizer, sentences: list[str], spans: list[tuple[int, int]], *, input_format: str,
                 max_length: int = 128):
    """The units the encoder reads, for prediction and training alike.

    Returns ``(units, lengths, batch)``: the encoded units (one per target, or
    for ``spans`` one per window of a sentence), their lengths in tokens, and
    ``batch(indices)`` giving the padded arrays of those units and, per row of
    the model's output, the index of its (sentence, span) pair.
    """
    if input_format == "spans":
        units = encode_sentence_targets(tokenizer, sentences, spans, max_length=max_length)

        def batch(idx):
            return pad_windows([units[i] for i in idx])
    else:
        units = encode_targets(tokenizer, sentences, spans, input_format=input_format, max_length=max_length)

        def batch(idx):
            return pad_encodings([units[i] for i in idx]), np.asarray(idx)
    return units, np.array([len(u.ids) for u in units]), batch


def _strip_markers(text: str) -> str:
    for m in MARKERS:
        text = text.replace(m, " ")
    return text


def pad_encodings(encodings: list[EncodedTarget]) -> dict[str, np.ndarray]:
    """Pad encodings to the longest one: ``input_ids``, ``attention_mask``, ``token_type_ids``, ``target_mask``."""
    width = max(len(e.ids) for e in encodings)
    arrays = {
        k: np.zeros((len(encodings), width), dtype=np.int64)
        for k in ("input_ids", "attention_mask", "token_type_ids", "target_mask")
    }
    for i, e in enumerate(encodings):
        n = len(e.ids)
        arrays["input_ids"][i, :n] = e.ids
        arrays["attention_mask"][i, :n] = 1
        arrays["token_type_ids"][i, :n] = e.type_ids
        arrays["target_mask"][i, :n] = e.target_mask
    return arrays


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class TargetSentimentModel:
    """Sentiment toward a target span in a sentence: negative, neutral or positive.

    Build it with :func:`load_sentiment_model` (cached), not directly.

    Parameters
    ----------
    session : onnxruntime.InferenceSession
        The exported classifier; its output ``logits`` has one column per label.
    tokenizer : tokenizers.Tokenizer
        The tokenizer saved with the model (with the target markers, for the marker formats).
    config : dict
        ``config.json`` of the model folder (input format, maximum length, labels).
    model_dir : Path
        Where the files were read from (shown in errors and ``repr``).

    Notes
    -----
    The label scheme is that of NewsMTSC (Hamborg & Donnay, "NewsMTSC: A Dataset
    for (Multi-)Target-dependent Sentiment Classification in Political News
    Articles", EACL 2021): the sentiment the sentence expresses *toward the
    target* (is the target described or treated positively or negatively?), not
    the tone of the sentence or the author's stance. The encoder is
    sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0; Wang et al.,
    "MiniLM", NeurIPS 2020), fine-tuned on NewsMTSC train; see
    ``resources/sentiment/MODEL_CARD.md`` for its scores and limits.

    The weights are stored as int8 and multiplied with each row's activations
    quantised to int8 on their own (per block of 32 inputs), so a target's
    probabilities do not depend on the other targets in its batch (to about
    1e-7), and the same input always gives the same numbers.
    """

    def __init__(self, session, tokenizer, config: dict, model_dir: Path):
        self._session = session
        self._tokenizer = tokenizer
        self.config = config
        self.model_dir = Path(model_dir)
        self.labels = tuple(config.get("labels", LABELS))
        if self.labels != LABELS:
            raise ValueError(f"{model_dir / 'config.json'}: labels {self.labels} differ from {LABELS}")
        self.input_format = config.get("input_format", "markers")
        self.max_length = int(config.get("max_length", 128))
        self._input_names = [i.name for i in session.get_inputs()]
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TargetSentimentModel({str(self.model_dir)!r}, input_format={self.input_format!r})"

    def predict(self, sentences: list[str], spans: list[tuple[int, int]], *, batch_size: int = 64) -> np.ndarray:
        """Probabilities of negative, neutral and positive toward each target.

        Parameters
        ----------
        sentences : list of str
            One sentence per target (repeat a sentence for each of its targets).
        spans : list of (int, int)
            Character offsets of each target in its sentence, end exclusive.
            A target that starts in its sentence but runs past its end (a name
            cut by the sentence splitter, "President | Trump") is cut at the
            sentence end.
        batch_size : int
            Inputs per forward pass: targets, or for the ``spans`` format
            windows (a sentence, read once for all its targets, or one
            window of a sentence over ``max_length`` tokens). Inputs are sorted
            by length internally so that a batch carries little padding; the
            output keeps input order.

        Returns
        -------
        numpy.ndarray
            Shape ``(len(sentences), 3)``, float32, columns in :data:`LABELS`
            order, each row summing to 1.

        Raises
        ------
        ValueError
            If the lists differ in length, or a span is out of range, empty or
            only whitespace (the message names the span and the sentence length).

        Examples
        --------
        >>> model = load_sentiment_model()
        >>> s = "The minister was praised for her calm handling of the crisis."
        >>> p = model.predict([s], [(0, 12)])
        >>> LABELS[int(p.argmax())]
        'positive'
        """
        sentences = list(sentences)
        spans = list(spans)
        if len(sentences) != len(spans):
            raise ValueError(f"got {len(sentences)} sentences but {len(spans)} spans; give one span per sentence")
        if batch_size < 1:
            raise ValueError(f"batch_size={batch_size!r}; it must be a positive integer")
        checked = []
        for i, (sentence, span) in enumerate(zip(sentences, spans)):
            if not isinstance(sentence, str):
                raise ValueError(f"sentences[{i}] is {type(sentence).__name__}, not str")
            checked.append(check_span(sentence, span, name=f"spans[{i}]" if len(spans) > 1 else "span"))
        out = np.zeros((len(sentences), len(LABELS)), dtype=np.float32)
        if not sentences:
            return out
        _, lengths, batch = model_inputs(self._tokenizer, sentences, checked, input_format=self.input_format,
                                         max_length=self.max_length)
        order = np.argsort(lengths, kind="stable")
        for b in range(0, len(order), batch_size):
            arrays, index = batch(order[b : b + batch_size])
            feeds = {name: arrays[name] for name in self._input_names}
            with self._lock:  # one session, used from one thread at a time
                (logits,) = self._session.run(["logits"], feeds)
            out[index] = _softmax(logits.astype(np.float64))
        return out

    def explain(self, sentence: str, span: tuple[int, int], top_k: int = 3,
                candidates: list[tuple[int, int]] | None = None) -> list[tuple[str, float]]:
        """The words outside the target that weigh most on the predicted label.

        Each word outside the target is deleted in turn (occlusion) and the
        sentence scored again; all variants go through the model in one batch.

        Parameters
        ----------
        sentence : str
        span : (int, int)
            The target, as in :meth:`predict`.
        top_k : int
            How many words to return.
        candidates : list of (int, int), optional
            Only try the words overlapping these character spans (e.g. the
            content words near the target), to bound the cost.

        Returns
        -------
        list of (str, float)
            Up to ``top_k`` words, largest effect first (ranked by the change
            in the log-probability of the predicted label), each with the drop
            in the predicted label's probability when the word is removed:
            positive when the word supports the label, negative when it argues
            against it.

        Examples
        --------
        >>> model = load_sentiment_model()
        >>> s = "Voters condemned Mayor Brandt for the corruption scandal."
        >>> words = [w for w, _ in model.explain(s, (17, 29))]
        >>> "Brandt" in words
        False
        """
        start, end = check_span(sentence, span)
        if top_k < 1:
            return []
        variants, spans, words = [sentence], [(start, end)], []
        for m in _WORD.finditer(sentence):
            a, b = m.span()
            if b > start and a < end:  # part of the target
                continue
            if candidates is not None and not any(a < ce and cs < b for cs, ce in candidates):
                continue
            # Delete the word and one adjacent space (never a character of the
            # target) so that the sentence stays well formed.
            a_cut, b_cut = a, b
            if b < len(sentence) and sentence[b] == " " and b != start:
                b_cut = b + 1
            elif a > 0 and sentence[a - 1] == " " and a != end:
                a_cut = a - 1
            text = sentence[:a_cut] + sentence[b_cut:]
            shift = b_cut - a_cut if b_cut <= start else 0
            variants.append(text)
            spans.append((start - shift, end - shift))
            words.append(m.group())
        if not words:
            return []
        probs = self.predict(variants, spans)
        label = int(probs[0].argmax())
        deltas = probs[0, label] - probs[1:, label]
        # Rank by the change in log-probability: near-certain predictions move
        # little in probability, but the log still tells the words apart.
        log_p = np.log(np.clip(probs[:, label].astype(np.float64), 1e-12, 1.0))
        weight = log_p[0] - log_p[1:]
        ranked = sorted(range(len(words)), key=lambda i: (-abs(float(weight[i])), i))
        return [(words[i], round(float(deltas[i]), 4)) for i in ranked[:top_k]]


_CACHE: dict[tuple[str, int], TargetSentimentModel] = {}
_CACHE_LOCK = threading.Lock()


def _onnxruntime():
    """``onnxruntime``, imported with its telemetry turned off (:func:`analysis.onnx_runtime.import_onnxruntime`)."""
    try:
        return import_onnxruntime()
    except ImportError:
        return _require("onnxruntime", "onnxruntime")  # the message says what needs it


def _require(module: str, pip_name: str):
    try:
        return __import__(module)
    except ImportError as err:
        raise ImportError(
            f"the target-sentiment model needs the {pip_name!r} package, a dependency of the toolkit, which is not "
            "installed: reinstall the toolkit (make setup, or pip install --require-hashes -r requirements.lock)"
        ) from err


def load_sentiment_model(
    model_dir: str | os.PathLike | None = None, *, intra_op_num_threads: int | None = None, cache: bool = True
) -> TargetSentimentModel:
    """Load the target-sentiment model (once per folder and thread count; later calls reuse it).

    Parameters
    ----------
    model_dir : path, optional
        Folder with ``model.onnx``, ``tokenizer.json`` and ``config.json``;
        default :data:`DEFAULT_MODEL_DIR`, the model shipped with the package.
    intra_op_num_threads : int, optional
        Threads onnxruntime may use; default ``min(2, os.cpu_count())``.
    cache : bool
        Reuse a model already loaded from the same folder with the same
        threads (default); ``False`` reads the files again, as after retraining.

    Returns
    -------
    TargetSentimentModel

    Raises
    ------
    ImportError
        If ``onnxruntime`` or ``tokenizers`` is not installed (the message names it).
    FileNotFoundError
        If the folder or one of its files is missing (the message names them).

    Examples
    --------
    >>> model = load_sentiment_model()
    >>> model is load_sentiment_model()
    True
    """
    folder = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
    folder = folder.expanduser().resolve()
    # batch workers share the cores: analysis.batch sets ANALYSIS_MODEL_THREADS to cores / jobs
    default = os.environ.get("ANALYSIS_MODEL_THREADS") or min(2, os.cpu_count() or 1)
    threads = int(intra_op_num_threads) if intra_op_num_threads else int(default)
    key = (str(folder), threads)
    with _CACHE_LOCK:
        if cache and key in _CACHE:
            return _CACHE[key]
        _onnxruntime()  # a missing package is named before anything else is read
        tokenizers = _require("tokenizers", "tokenizers")
        if not folder.is_dir():
            raise FileNotFoundError(
                f"sentiment model folder {folder} does not exist; it should hold {', '.join(_MODEL_FILES)}"
            )
        missing = [f for f in _MODEL_FILES if not (folder / f).is_file()]
        if missing:
            raise FileNotFoundError(
                f"sentiment model folder {folder} lacks {', '.join(missing)}; "
                "rebuild it with `python -m analysis train sentiment --data DIR --out DIR`"
            )
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        session = cpu_session(folder / "model.onnx", threads)
        model = TargetSentimentModel(session, tokenizer, config, folder)
        _CACHE[key] = model
        return model
