"""Frames a coder agrees with: learn a frame scheme from coded units, apply it, and score any scheme.

A researcher codes a sample of units (headlines, sentences or paragraphs) with
their own codebook; :func:`learn_frame_scheme` fits a classifier on those
codes and writes a *learned scheme*: a YAML file in the format of
:mod:`analysis.framing` plus a ``model`` key naming a sibling ``.npz`` file
with the fitted model. ``python -m analysis run --schemes SCHEME.yaml``
applies it like a shipped scheme: one row per sentence (its most probable
code, unless that is the "none" code) and the article profile built from
those rows, with the probability as score and confidence, the words that
weighed most as ``indicators`` and the nearest coded example in ``evidence``.

Frame ids keep the code recoverable: code ``3`` becomes frame ``code_3``
(letters are lowercased and other characters become ``_``); labels and
definitions come from an optional codebook file.

:func:`learn_frame_scheme_from_coder` does the same from the long-form codes
of :mod:`analysis.coding` (one coder's codes of sentences or paragraphs) and
returns the machine's cross-validated codes, to set beside the coders'
agreement (:func:`analysis.agreement.machine_agreement`); :func:`machine_codes`
codes every unit of a corpus with a scheme.

:func:`evaluate_frame_scheme` scores any scheme (shipped id, scheme file or
learned scheme) against coded units with the same per-text scoring the
pipeline uses: each unit is parsed and treated as a small article, and its
top frame is the article-level frame of rank 1.

The model
---------
A multinomial logistic regression with an L2 penalty, fitted by L-BFGS, over
one of three kinds of features (:data:`FEATURES`):

``embedding``
    the unit's sentence vector from :mod:`analysis.sentence_encoder`
    (all-MiniLM-L6-v2, mean-pooled, length 1; ONNX, no torch);
``tfidf``
    TF-IDF on word unigrams and bigrams and on character 2-5-grams inside
    words (sublinear term frequency, smoothed idf, each block L2-normalised);
``both`` (the default)
    the two side by side.

5-fold cross-validated top-1 accuracy on the GVFC development headlines:
``tfidf`` 0.747, ``embedding`` 0.812, ``both`` 0.822; on its lead-3
summaries 0.628, 0.625 and 0.677 (macro-F1 and intervals, and how the
default and C were chosen, in ``analysis/resources/encoder/MODEL_CARD.md``). Regression and TF-IDF are
written here with numpy alone (no scikit-learn or scipy at run or training
time); the model is stored as plain arrays and JSON text in an ``.npz`` file
that is read with ``allow_pickle=False`` (with the coded units' sentence
vectors, for the nearest-example evidence); the scheme file holds the model
file's SHA-256, so a damaged or swapped model file is refused and a batch
run's part files are redone when the model changes. Model files written
before sentence vectors were added are TF-IDF models and still load.

Examples
--------
>>> model = train_frame_model(["tax cuts for firms", "budget and tax", "court ruling on guns", "judge rules"],
...                           ["econ", "econ", "law", "law"])
>>> model.classes
('econ', 'law')
>>> model.predict(["the judge and the court"])
['law']
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import itertools
import json
import math
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .errors import AnalysisError
from .framing import Frame, FrameScheme, FrameSchemeError, frame_profile, load_frame_scheme, score_frames
from .types import FrameHit

__all__ = [
    "CodedUnitsError",
    "CodedUnits",
    "FEATURES",
    "DEFAULT_FEATURES",
    "FrameModel",
    "LearnedFrameScheme",
    "LearnReport",
    "NONE_CODE",
    "MIN_CLASS_UNITS",
    "read_coded_units",
    "read_codebook",
    "read_code_map",
    "code_map_path",
    "code_frame_id",
    "train_frame_model",
    "cross_validate",
    "score_codes",
    "learn_frame_scheme",
    "CoderFrameScheme",
    "learn_frame_scheme_from_coder",
    "machine_codes",
    "parse_learned_scheme",
    "learned_frame_records",
    "unit_top_frames",
    "evaluate_frame_scheme",
]

#: The class that units coded with a ``--none`` value train (no frame row when predicted).
NONE_CODE = "(none)"
#: Classes with fewer coded units than this get a warning.
MIN_CLASS_UNITS = 10

#: What :func:`train_frame_model` can learn from: sentence vectors, TF-IDF of words and character n-grams, or both.
FEATURES = ("embedding", "tfidf", "both")
#: The features of ``frames learn`` unless told otherwise: the best cross-validated accuracy on the GVFC
#: development headlines (0.822; embedding 0.812, tfidf 0.747) and lead-3 summaries (0.677; 0.625, 0.628),
#: with macro-F1 level with embedding alone (``resources/encoder/MODEL_CARD.md``).
DEFAULT_FEATURES = "both"

_FEATURE_TEXT = {"embedding": "sentence vectors (all-MiniLM-L6-v2, analysis/resources/encoder)",
                 "tfidf": "TF-IDF (word 1-2-grams, character 2-5-grams)",
                 "both": "sentence vectors (all-MiniLM-L6-v2) and TF-IDF (word 1-2-grams, character 2-5-grams)"}
_MODEL_KIND = "frame-logreg-v2"
_TFIDF_KIND = "tfidf-logreg-v1"  # model files written before sentence vectors: TF-IDF, no "features" in params
_WORD = re.compile(r"(?u)\b\w\w+\b")
_CHAR_RANGE = (2, 5)
# Inverse L2 strength per feature kind, chosen by 5-fold CV on the GVFC development headlines and lead-3
# summaries over C in 1, 3, 10, 30 (bench/export_sentence_encoder.py measure; figures in the encoder's card).
_DEFAULT_C = {"tfidf": 3.0, "embedding": 10.0, "both": 3.0}
_EXPLAIN_WORDS = 5
_NEAREST_WIDTH = 160


class CodedUnitsError(AnalysisError):
    """A coded-units CSV, codebook or code map cannot be used (missing column, empty, one class...)."""


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class CodedUnits:
    """Coded units read from a CSV: text, first code, optional second code (``""`` when absent).

    ``codes`` and ``codes2`` hold the codes as written, except that codes given
    as ``none`` values are :data:`NONE_CODE`.
    """

    texts: tuple[str, ...]
    codes: tuple[str, ...]
    codes2: tuple[str, ...]
    source: str = ""
    skipped: int = 0


def _clean(value: object) -> str:
    text = "" if value is None else str(value).strip()
    return text[:-2] if re.fullmatch(r"-?\d+\.0", text) else text  # "3.0" from a spreadsheet is code 3


def _column(table: pd.DataFrame, name: str, argument: str, source: str) -> pd.Series:
    if name not in table.columns:
        import difflib

        close = difflib.get_close_matches(name, list(table.columns), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise CodedUnitsError(f"no column {name!r} ({argument}); the columns are "
                              f"{', '.join(map(repr, table.columns))}{hint}", source=source)
    return table[name]


def read_coded_units(path: str | os.PathLike[str], *, text: str, label: str, label2: str | None = None,
                     none: Iterable[str] = (), skip: Iterable[str] = ()) -> CodedUnits:
    """Read coded units from a CSV file.

    Parameters
    ----------
    path
        A UTF-8 CSV file with a header row.
    text, label, label2
        Column names: the unit's text, its code, and an optional second code
        that also counts as correct when scoring.
    none
        Codes meaning "no frame" (become :data:`NONE_CODE`; as ``label2`` they
        mean "no second code").
    skip
        Codes whose units are left out (e.g. ``99`` for "not coded").

    Returns
    -------
    CodedUnits
        Units with an empty text or an empty or skipped code are left out
        (counted in ``skipped``).

    Raises
    ------
    CodedUnitsError
        Missing file or column (with the columns there are), an empty file, or
        no coded unit left.
    """
    source = os.fspath(path)
    if not Path(source).is_file():
        raise CodedUnitsError("no such file; give a CSV file of coded units", source=source)
    try:
        table = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise CodedUnitsError("the file is empty; give a CSV with a header row and one coded unit per row",
                              source=source) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise CodedUnitsError(f"not a readable UTF-8 CSV file ({' '.join(str(exc).split())[:120]})",
                              source=source) from None
    texts = _column(table, text, "--text", source).map(lambda v: " ".join(str(v).split()))
    codes = _column(table, label, "--label", source).map(_clean)
    codes2 = _column(table, label2, "--label2", source).map(_clean) if label2 else pd.Series("", index=table.index)
    none_set, skip_set = {_clean(v) for v in none}, {_clean(v) for v in skip}
    keep = (texts != "") & (codes != "") & ~codes.isin(skip_set)
    codes = codes.where(~codes.isin(none_set), NONE_CODE)
    codes2 = codes2.where(~codes2.isin(none_set | skip_set), "")
    codes2 = codes2.where(codes2 != codes, "")
    if not keep.any():
        raise CodedUnitsError(f"no coded unit: every row has an empty {text!r} or an empty or skipped {label!r}",
                              source=source)
    return CodedUnits(tuple(texts[keep]), tuple(codes[keep]), tuple(codes2[keep]), source=source,
                      skipped=int((~keep).sum()))


def code_frame_id(code: str) -> str:
    """The frame id of a researcher's code: ``code_`` and the code, lowercased, other characters as ``_``.

    >>> code_frame_id("3"), code_frame_id("Gun control")
    ('code_3', 'code_gun_control')
    """
    slug = re.sub(r"[^a-z0-9]+", "_", str(code).lower()).strip("_")
    return f"code_{slug}" if slug else "code"


def read_codebook(path: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """Labels (and definitions) of codes: a CSV with ``code,label[,definition]`` or a YAML mapping.

    The YAML form maps each code to its label, or to ``{label: ..., definition: ...}``.
    """
    source = os.fspath(path)
    if not Path(source).is_file():
        raise CodedUnitsError("no such codebook file; give a CSV (code,label[,definition]) or a YAML mapping",
                              source=source)
    entries: dict[str, dict[str, str]] = {}
    if source.endswith((".yaml", ".yml")):
        try:
            data = yaml.safe_load(Path(source).read_text("utf-8")) or {}
        except yaml.YAMLError as exc:
            raise CodedUnitsError(f"not valid YAML ({' '.join(str(exc).split())[:120]})", source=source) from None
        if not isinstance(data, dict):
            raise CodedUnitsError("a YAML codebook maps each code to a label or to {label, definition}",
                                  source=source)
        for code, value in data.items():
            value = value if isinstance(value, dict) else {"label": value}
            entries[_clean(code)] = {k: str(value[k]).strip() for k in ("label", "definition") if value.get(k)}
        return entries
    try:
        table = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise CodedUnitsError("the codebook is empty; give columns code,label[,definition]", source=source) from None
    for name in ("code", "label"):
        _column(table, name, "codebook", source)
    for row in table.to_dict("records"):
        entries[_clean(row["code"])] = {k: str(row[k]).strip() for k in ("label", "definition")
                                        if str(row.get(k, "")).strip()}
    return entries


def code_map_path(name_or_path: str | os.PathLike[str]) -> Path:
    """The file of a code map: a path, or the name of a shipped one
    (``gvfc_mfc`` -> ``analysis/resources/evaluation/gvfc_mfc.yaml``)."""
    value = os.fspath(name_or_path)
    shipped = Path(__file__).parent / "resources" / "evaluation" / f"{value}.yaml"
    return shipped if not Path(value).exists() and "/" not in value and shipped.is_file() else Path(value)


def read_code_map(path: str | os.PathLike[str], scheme: FrameScheme | None = None) -> dict[str, tuple[str, ...]]:
    """A mapping of a coder's codes to a scheme's frame ids (a code may map to several frames).

    The YAML file (a path, or a shipped map's name: :func:`code_map_path`) has
    a ``map`` of code -> frame id or list of frame ids, and optionally
    ``scheme`` (the scheme it was written for) and ``labels``.

    Raises
    ------
    CodedUnitsError
        Malformed file, or a frame id the scheme does not have (listing the valid ones).
    """
    source = os.fspath(code_map_path(path))
    if not Path(source).is_file():
        raise CodedUnitsError("no such code map file; give a YAML file with 'map: {code: frame id or list}'",
                              source=source)
    try:
        data = yaml.safe_load(Path(source).read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise CodedUnitsError(f"not valid YAML ({' '.join(str(exc).split())[:120]})", source=source) from None
    if not isinstance(data, dict) or not isinstance(data.get("map"), dict) or not data["map"]:
        raise CodedUnitsError("a code map needs 'map:' mapping each code to a frame id or a list of frame ids",
                              source=source)
    mapping = {}
    for code, frames in data["map"].items():
        frames = [frames] if isinstance(frames, str) else frames
        if not isinstance(frames, list) or not frames or not all(isinstance(f, str) for f in frames):
            raise CodedUnitsError(f"code {code!r} must map to a frame id or a list of frame ids, not {frames!r}",
                                  source=source)
        if scheme is not None:
            unknown = [f for f in frames if f not in scheme.ids]
            if unknown:
                raise CodedUnitsError(f"code {code!r} maps to {unknown[0]!r}, which is not a frame of scheme "
                                      f"{scheme.id!r}; its frames: {', '.join(scheme.ids)}", source=source)
        mapping[_clean(code)] = tuple(frames)
    return mapping


# --------------------------------------------------------------- features


def _word_terms(text: str) -> list[str]:
    tokens = _WORD.findall(text.lower())
    return [f"w:{t}" for t in tokens] + [f"w:{a} {b}" for a, b in itertools.pairwise(tokens)]


def _char_terms(text: str) -> list[str]:
    low, high = _CHAR_RANGE
    terms = []
    for word in text.lower().split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if n > len(padded):
                break
            terms += [f"c:{padded[i:i + n]}" for i in range(len(padded) - n + 1)]
    return terms


def _terms(text: str) -> list[str]:
    return _word_terms(text) + _char_terms(text)


@dataclass(frozen=True)
class _Sparse:
    """A CSR matrix in three numpy arrays, with the two products logistic regression needs."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    @functools.cached_property
    def rows(self) -> np.ndarray:
        return np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))

    @functools.cached_property
    def _by_column(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Entry order sorted by column, the columns that have entries, and where each starts."""
        order = np.argsort(self.indices, kind="stable")
        columns, starts = np.unique(self.indices[order], return_index=True)
        return order, columns, starts

    @staticmethod
    def _segment_sums(part: np.ndarray, starts: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
        out = np.zeros((size, part.shape[1]))
        if len(part):
            out[groups] = np.add.reduceat(part, starts, axis=0)
        return out

    def dot(self, weights: np.ndarray) -> np.ndarray:
        """``X @ W`` for a dense ``W`` (features x classes)."""
        filled = np.flatnonzero(np.diff(self.indptr))
        part = self.data[:, None] * weights[self.indices]
        return self._segment_sums(part, self.indptr[filled], filled, self.shape[0])

    def tdot(self, values: np.ndarray) -> np.ndarray:
        """``X.T @ G`` for a dense ``G`` (rows x classes)."""
        order, columns, starts = self._by_column
        part = self.data[order, None] * values[self.rows[order]]
        return self._segment_sums(part, starts, columns, self.shape[1])

    def take(self, rows: np.ndarray) -> _Sparse:
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        picks = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends)]) if len(rows) else np.array([], int)
        indptr = np.concatenate([[0], np.cumsum(ends - starts)])
        return _Sparse(self.data[picks], self.indices[picks], indptr, (len(rows), self.shape[1]))

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.indptr[i], self.indptr[i + 1]
        return self.indices[start:end], self.data[start:end]


def _fit_vocabulary(texts: Sequence[str], min_df: int = 1) -> tuple[list[str], np.ndarray]:
    """Terms (sorted) with document frequency >= ``min_df``, and their smoothed idf."""
    df = Counter(term for text in texts for term in set(_terms(text)))
    terms = sorted(t for t, c in df.items() if c >= min_df)
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1 for t in terms])
    return terms, idf


def _vectorize(texts: Sequence[str], index: dict[str, int], idf: np.ndarray, is_char: np.ndarray) -> _Sparse:
    """Sublinear TF-IDF, L2-normalised separately over word and character terms."""
    data, indices, indptr = [], [], [0]
    for text in texts:
        counts = Counter(index[t] for t in _terms(text) if t in index)
        cols = np.fromiter(counts, int, len(counts))
        vals = (1 + np.log(np.fromiter(counts.values(), float, len(counts)))) * idf[cols]
        for block in (is_char[cols], ~is_char[cols]):
            norm = math.sqrt(float((vals[block] ** 2).sum()))
            if norm:
                vals[block] /= norm
        order = np.argsort(cols)
        data.append(vals[order])
        indices.append(cols[order])
        indptr.append(indptr[-1] + len(cols))
    return _Sparse(np.concatenate(data) if data else np.zeros(0), np.concatenate(indices) if indices else
                   np.zeros(0, int), np.array(indptr), (len(texts), len(idf)))


@dataclass(frozen=True)
class _Dense:
    """Dense rows (sentence vectors) with the two products logistic regression needs."""

    values: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape

    def dot(self, weights: np.ndarray) -> np.ndarray:
        return self.values @ weights

    def tdot(self, values: np.ndarray) -> np.ndarray:
        return self.values.T @ values


@dataclass(frozen=True)
class _Joined:
    """Feature blocks side by side (TF-IDF columns, then sentence-vector columns)."""

    blocks: tuple[_Sparse | _Dense, ...]

    @property
    def shape(self) -> tuple[int, int]:
        return self.blocks[0].shape[0], sum(b.shape[1] for b in self.blocks)

    def dot(self, weights: np.ndarray) -> np.ndarray:
        edges = np.cumsum([0, *(b.shape[1] for b in self.blocks)])
        return sum(b.dot(weights[lo:hi]) for b, lo, hi in zip(self.blocks, edges, edges[1:]))

    def tdot(self, values: np.ndarray) -> np.ndarray:
        return np.vstack([b.tdot(values) for b in self.blocks])


# ------------------------------------------------------------ regression


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def _fit_logistic(x: _Sparse | _Dense | _Joined, y: np.ndarray, n_classes: int, c: float, sample_weight: np.ndarray,
                  max_iter: int = 300, tol: float = 1e-5) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression, ``C * sum(w_i * loss_i) + ||W||^2 / 2`` minimised by L-BFGS.

    Returns ``(coef, intercept)`` with ``coef`` of shape (classes, features).

    Notes
    -----
    The objective of scikit-learn's ``LogisticRegression`` (multinomial, L2,
    unpenalised intercept); L-BFGS with a backtracking Armijo line search
    (Nocedal & Wright 2006, algorithms 7.4 and 3.1).
    """
    d = x.shape[1]
    onehot = np.eye(n_classes)[y]

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[: d * n_classes].reshape(d, n_classes), theta[d * n_classes:]
        logits = x.dot(w) + b
        logits -= logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(logits).sum(axis=1))
        loss = float(c * (sample_weight * (log_norm - (logits * onehot).sum(axis=1))).sum() + 0.5 * (w ** 2).sum())
        residual = c * sample_weight[:, None] * (np.exp(logits - log_norm[:, None]) - onehot)
        return loss, np.concatenate([(x.tdot(residual) + w).ravel(), residual.sum(axis=0)])

    theta = np.zeros(d * n_classes + n_classes)
    loss, grad = objective(theta)
    history: list[tuple[np.ndarray, np.ndarray]] = []
    for _ in range(max_iter):
        q = grad.copy()
        alphas = []
        for s, yv in reversed(history):
            a = s @ q / (yv @ s)
            alphas.append(a)
            q -= a * yv
        if history:
            s, yv = history[-1]
            q *= (s @ yv) / (yv @ yv)
        for (s, yv), a in zip(history, reversed(alphas)):
            q += s * (a - yv @ q / (yv @ s))
        direction = -q
        slope = grad @ direction
        if slope >= 0:  # not a descent direction: restart from steepest descent
            history.clear()
            direction, slope = -grad, -(grad @ grad)
        step = 1.0 if history else min(1.0, 1.0 / max(np.abs(grad).sum(), 1e-12))
        while True:
            new_theta = theta + step * direction
            new_loss, new_grad = objective(new_theta)
            if new_loss <= loss + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s, yv = new_theta - theta, new_grad - grad
        theta, grad, old_loss, loss = new_theta, new_grad, loss, new_loss
        if yv @ s > 1e-10:
            history = [*history[-9:], (s, yv)]
        if abs(old_loss - loss) <= tol * max(abs(loss), 1.0) or np.abs(grad).max() < 1e-6:
            break
    w, b = theta[: d * n_classes].reshape(d, n_classes), theta[d * n_classes:]
    return w.T.copy(), b.copy()


# ------------------------------------------------------------------ model


def _check_features(features: str) -> str:
    if features not in FEATURES:
        raise CodedUnitsError(f"features={features!r} is not a kind of features; valid: {', '.join(FEATURES)}")
    return features


def _sentence_vectors(texts: Sequence[str]) -> np.ndarray:
    from .sentence_encoder import encode

    return encode(texts)


def _encoder_id() -> str:
    from .sentence_encoder import load_sentence_encoder

    return load_sentence_encoder().id


@dataclass(frozen=True, eq=False)
class FrameModel:
    """A fitted logistic regression over a researcher's codes, on sentence vectors, TF-IDF or both.

    ``terms`` and ``idf`` are the TF-IDF vocabulary (empty for ``embedding``
    models); ``coef`` has one row per class and one column per term, then
    one per sentence-vector dimension. ``examples``, ``example_classes`` and
    ``example_vectors`` are the coded units it was fitted on, their classes
    and (unless ``tfidf``) their sentence vectors, for the nearest-example
    evidence. ``params`` holds the settings, ``features`` among them (a model
    file without it is a TF-IDF model).
    """

    classes: tuple[str, ...]
    terms: tuple[str, ...]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    examples: tuple[str, ...] = ()
    example_classes: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    params: dict = field(default_factory=dict)
    example_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))

    @property
    def features(self) -> str:
        """``embedding``, ``tfidf`` or ``both`` (:data:`FEATURES`)."""
        return self.params.get("features", "tfidf")

    @property
    def uses_vectors(self) -> bool:
        """Whether the model reads sentence vectors (``embedding`` or ``both``)."""
        return self.features != "tfidf"

    @functools.cached_property
    def _index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.terms)}

    @functools.cached_property
    def _is_char(self) -> np.ndarray:
        return np.array([t.startswith("c:") for t in self.terms], bool)

    def vectorize(self, texts: Sequence[str]) -> _Sparse:
        """TF-IDF rows of the texts over the model's terms."""
        return _vectorize(list(texts), self._index, self.idf, self._is_char)

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray | None:
        """The texts' sentence vectors as this model reads them (``None`` for a TF-IDF model).

        Raises
        ------
        FrameSchemeError
            If the installed sentence encoder is not the one the model was fitted with.
        """
        if not self.uses_vectors:
            return None
        fitted_with, installed = self.params.get("encoder", ""), _encoder_id()
        if fitted_with != installed:
            raise FrameSchemeError(f"the model was learned with the sentence encoder {fitted_with!r} but the one "
                                   f"installed is {installed!r}; learn the scheme again with 'frames learn'")
        return _sentence_vectors(texts)

    def _design(self, texts: Sequence[str], vectors: np.ndarray | None) -> _Sparse | _Dense | _Joined:
        if not self.uses_vectors:
            return self.vectorize(texts)
        vectors = self.sentence_vectors(texts) if vectors is None else np.asarray(vectors)
        if len(vectors) != len(texts):
            raise ValueError(f"got {len(texts)} texts but {len(vectors)} sentence vectors; give one per text")
        dense = _Dense(vectors.astype(float))
        return dense if self.features == "embedding" else _Joined((self.vectorize(texts), dense))

    def predict_proba(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Probabilities, one row per text, columns in :attr:`classes` order.

        ``vectors``: the texts' sentence vectors, if already computed
        (:meth:`sentence_vectors`); otherwise they are computed here.
        """
        if not len(texts):
            return np.zeros((0, len(self.classes)))
        return _softmax(self._design(texts, vectors).dot(self.coef.T) + self.intercept)

    def predict(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> list[str]:
        """The most probable code of each text."""
        return [self.classes[k] for k in self.predict_proba(texts, vectors).argmax(axis=1)]

    def weighed_words(self, text: str, class_index: int, top: int = _EXPLAIN_WORDS) -> list[str]:
        """The content words of ``text`` that pushed it most toward the class, strongest first.

        A model with TF-IDF features (``tfidf``, and the TF-IDF half of
        ``both``) adds up terms: each term's contribution is its TF-IDF value
        times the class weight minus the mean weight over classes (the
        softmax is unchanged by that shift); a word collects its own terms,
        its share of the bigrams it is in and of the character n-grams inside
        it. For ``both`` these are the words that weighed most in the TF-IDF
        half (exact and cheap; the sentence-vector half has no words to add
        up). A model on sentence vectors alone (``embedding``) has no terms:
        each content word is deleted in turn (every occurrence) and the text
        scored again (occlusion, as :meth:`analysis.sentiment_model.TargetSentimentModel.explain`;
        about fifteen times the cost of scoring); a word weighs by how much
        the class's log-probability drops without it, and only words whose
        deletion lowers it are listed. Function words
        (spaCy's English stop words such as "to" and "he") count in the model
        but are not listed: a reader learns nothing from them.
        """
        if self.features == "embedding":
            return self._occlusion_words([text], [class_index], top=top)[0]
        cols, vals = self.vectorize([text]).row(0)
        centred = self.coef[class_index, cols] - self.coef[:, cols].mean(axis=0)
        words = [m.group() for m in _WORD.finditer(text)]
        lower = [w.lower() for w in words]
        weight = Counter()
        for col, contribution in zip(cols, vals * centred):
            term = self.terms[col]
            if term.startswith("w:"):
                parts = term[2:].split(" ")
                owners = [i for i, w in enumerate(lower) if w in parts]
            else:
                fragment = term[2:].strip()
                owners = [i for i, w in enumerate(lower) if fragment and fragment in f" {w} "]
            for i in owners:
                weight[lower[i]] += contribution / len(owners)
        from spacy.lang.en.stop_words import STOP_WORDS

        shown = {w.lower(): w for w in reversed(words)}
        return [shown[w] for w, v in weight.most_common() if v > 0 and w not in STOP_WORDS][:top]

    def _occlusion_words(self, texts: Sequence[str], class_indices: Sequence[int], *,
                         probabilities: np.ndarray | None = None, top: int = _EXPLAIN_WORDS) -> list[list[str]]:
        """:meth:`weighed_words` by occlusion for several texts: every variant of every text in one encoder call."""
        from spacy.lang.en.stop_words import STOP_WORDS

        variants, owners = [], []
        for i, text in enumerate(texts):
            seen = set()
            for match in _WORD.finditer(text):
                word = match.group()
                if word.lower() in STOP_WORDS or word.lower() in seen:
                    continue
                seen.add(word.lower())
                pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
                variants.append(" ".join(pattern.sub(" ", text).split()))
                owners.append((i, word))
        if probabilities is None:
            probabilities = self.predict_proba(texts)
        classes = np.asarray(class_indices, int)
        before = np.log(np.clip(probabilities[np.arange(len(texts)), classes], 1e-12, 1.0))
        after = self.predict_proba(variants)
        ranked: list[list[tuple[float, str]]] = [[] for _ in texts]
        for (i, word), probs in zip(owners, after):
            drop = before[i] - math.log(max(float(probs[classes[i]]), 1e-12))
            if drop > 0:
                ranked[i].append((drop, word))
        return [[word for _, word in sorted(pairs, key=lambda p: -p[0])][:top] for pairs in ranked]

    @functools.cached_property
    def _example_columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The coded examples' TF-IDF matrix by column: (indptr, rows, values)."""
        x = self.vectorize(self.examples)
        order = np.argsort(x.indices, kind="stable")
        indptr = np.concatenate([[0], np.cumsum(np.bincount(x.indices, minlength=x.shape[1]))])
        return indptr, x.rows[order], x.data[order]

    def nearest_example(self, text: str, class_index: int | None = None,
                        vector: np.ndarray | None = None) -> tuple[int, float] | None:
        """The coded example most similar to ``text``, among one class if given.

        Similarity is the cosine of sentence vectors for a model that reads
        them (``vector``: the text's own, if already computed), of TF-IDF
        rows otherwise; ``None`` when no example is similar at all.
        """
        if not self.examples:
            return None
        if self.uses_vectors:
            vector = self.sentence_vectors([text])[0] if vector is None else np.asarray(vector)
            similarity = self.example_vectors.astype(np.float32) @ vector.astype(np.float32)
        else:
            indptr, rows, values = self._example_columns
            cols, vals = self.vectorize([text]).row(0)
            if not len(cols):
                return None
            pick = np.concatenate([np.arange(indptr[c], indptr[c + 1]) for c in cols])
            weights = np.repeat(vals, indptr[cols + 1] - indptr[cols]) * values[pick]
            similarity = np.bincount(rows[pick], weights, len(self.examples)) / 2  # two unit-norm blocks
        if class_index is not None:
            similarity = np.where(self.example_classes == class_index, similarity, -1.0)
        best = int(similarity.argmax())
        return (best, float(similarity[best])) if similarity[best] > 0 else None

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the model as a compressed ``.npz`` of plain arrays; returns its SHA-256.

        Sentence vectors of the examples are stored as float16 (similarities
        to about 1e-3: they are shown with two decimals).
        """
        meta = {"kind": _MODEL_KIND, "classes": list(self.classes), "terms": list(self.terms),
                "examples": list(self.examples), "params": self.params}
        arrays = {"idf": self.idf, "coef": self.coef.astype(np.float32),
                  "intercept": self.intercept.astype(np.float64),
                  "example_classes": self.example_classes.astype(np.int32)}
        if self.uses_vectors and len(self.example_vectors):
            arrays["example_vectors"] = self.example_vectors.astype(np.float16)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), np.uint8),
                            **arrays)
        data = buffer.getvalue()
        Path(path).write_bytes(data)
        return hashlib.sha256(data).hexdigest()


def _load_model(path: str, sha256: str) -> FrameModel:
    """Read a model file written by :meth:`FrameModel.save`, checking its hash (no pickles)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise FrameSchemeError("the learned scheme's model file is missing; keep the .npz file written by 'frames "
                               "learn' beside the scheme file (or learn the scheme again)", source=path) from None
    except OSError as exc:
        raise FrameSchemeError(f"cannot read the model file: {exc.strerror}", source=path) from None
    if sha256 and hashlib.sha256(data).hexdigest() != sha256:
        raise FrameSchemeError("the model file does not match the scheme's model_sha256 (damaged or replaced); "
                               "learn the scheme again with 'frames learn'", source=path)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
            params = meta.get("params", {})
            dimensions = int(params.get("dimensions", 0))
            vectors = (arrays["example_vectors"].astype(np.float32) if "example_vectors" in arrays.files
                       else np.zeros((0, dimensions), np.float32))
            model = FrameModel(classes=tuple(meta["classes"]), terms=tuple(meta["terms"]),
                               idf=arrays["idf"].astype(float), coef=arrays["coef"].astype(float),
                               intercept=arrays["intercept"].astype(float), examples=tuple(meta["examples"]),
                               example_classes=arrays["example_classes"].astype(int), params=params,
                               example_vectors=vectors)
    except (ValueError, KeyError, OSError, EOFError, UnicodeDecodeError, TypeError, AttributeError,
            zipfile.BadZipFile) as exc:
        raise FrameSchemeError(f"the model file is damaged or not a model of 'frames learn' ({type(exc).__name__})",
                               source=path) from None
    written_before_vectors = meta.get("kind") == _TFIDF_KIND and "features" not in params
    width = (len(model.terms) if model.features != "embedding" else 0) + (dimensions if model.uses_vectors else 0)
    if (not (meta.get("kind") == _MODEL_KIND or written_before_vectors) or model.features not in FEATURES
            or model.coef.shape != (len(model.classes), width)
            or len(model.example_vectors) not in (0, len(model.examples))):
        raise FrameSchemeError(f"the model file is not a {_MODEL_KIND} model of 'frames learn' or its arrays do "
                               "not fit together; learn the scheme again", source=path)
    return model


_load_model_cached = functools.lru_cache(maxsize=8)(_load_model)


def train_frame_model(texts: Sequence[str], codes: Sequence[str], *, features: str = DEFAULT_FEATURES,
                      c: float | None = None, balanced: bool = True, min_df: int = 1, keep_examples: bool = True,
                      vectors: np.ndarray | None = None) -> FrameModel:
    """Fit a logistic regression on coded texts, over sentence vectors, TF-IDF or both.

    Parameters
    ----------
    texts, codes
        The coded units and their codes (at least two distinct codes).
    features
        ``embedding`` (sentence vectors of :mod:`analysis.sentence_encoder`),
        ``tfidf`` (word 1-2-grams and character 2-5-grams) or ``both``;
        default :data:`DEFAULT_FEATURES`.
    c
        Inverse strength of the L2 penalty (as scikit-learn's ``C``); default
        the value chosen for the kind of features by cross-validation on
        the GVFC development data (3 for ``both`` and ``tfidf``, 10 for ``embedding``).
    balanced
        Weigh each unit by ``n / (classes * units of its class)``, so rare
        codes count as much as common ones (scikit-learn's ``class_weight="balanced"``).
    min_df
        Keep terms found in at least this many units.
    keep_examples
        Store the units (and their sentence vectors) in the model, for nearest-example evidence.
    vectors
        The texts' sentence vectors, if already computed
        (:func:`analysis.sentence_encoder.encode`); otherwise computed here
        when the features need them.
    """
    _check_features(features)
    classes = tuple(sorted(set(codes)))
    if len(classes) < 2:
        raise CodedUnitsError(f"the codes have only one class ({classes[0] if classes else 'none'!r}); a classifier "
                              "needs units of at least two codes")
    c = _DEFAULT_C[features] if c is None else float(c)
    y = np.array([classes.index(code) for code in codes])
    params: dict = {"features": features, "C": c, "balanced": balanced}
    terms, idf = ([], np.zeros(0)) if features == "embedding" else _fit_vocabulary(texts, min_df)
    if features != "embedding":
        params.update(min_df=min_df, char_ngrams=list(_CHAR_RANGE), word_ngrams=[1, 2])
    if features != "tfidf":
        if vectors is None:
            vectors = _sentence_vectors(texts)
        vectors = np.asarray(vectors, np.float32)
        params.update(encoder=_encoder_id(), dimensions=int(vectors.shape[1]))
    shell = FrameModel(classes, tuple(terms), idf, np.zeros((len(classes), 0)), np.zeros(len(classes)),
                       params=params)
    x = shell._design(texts, vectors)
    counts = np.bincount(y, minlength=len(classes))
    weight = len(y) / (len(classes) * counts[y]) if balanced else np.ones(len(y))
    coef, intercept = _fit_logistic(x, y, len(classes), c, weight)
    return FrameModel(classes, tuple(terms), idf, coef, intercept,
                      examples=tuple(texts) if keep_examples else (),
                      example_classes=y if keep_examples else np.zeros(0, int), params=params,
                      example_vectors=vectors if keep_examples and vectors is not None else
                      np.zeros((0, params.get("dimensions", 0)), np.float32))


# ----------------------------------------------------------------- scoring


def _macro_f1(gold: np.ndarray, predicted: np.ndarray, classes: np.ndarray) -> float:
    scores = []
    for k in classes:
        tp = np.sum((gold == k) & (predicted == k))
        denominator = np.sum(gold == k) + np.sum(predicted == k)
        scores.append(2 * tp / denominator if denominator else 0.0)
    return float(np.mean(scores)) if scores else float("nan")


def score_codes(gold: Sequence[str], predicted: Sequence[str], gold2: Sequence[str] | None = None, *,
                n_boot: int = 1000, seed: int = 13) -> dict:
    """Accuracy and macro-F1 of predicted codes, with bootstrap 95% intervals and a confusion table.

    A prediction equal to the second code counts as correct (and as that
    code in the confusion table and F1). Macro-F1 averages the F1 of the gold
    codes. :data:`NONE_CODE` as a prediction means "no frame".

    >>> s = score_codes(["a", "a", "b", "b"], ["a", "b", "b", "b"], n_boot=0)
    >>> s["accuracy"], round(s["macro_f1"], 3)
    (0.75, 0.733)
    """
    gold2 = list(gold2) if gold2 is not None else [""] * len(gold)
    effective = [p if p and p == g2 else g for g, g2, p in zip(gold, gold2, predicted)]
    g, p = np.array(effective, dtype=object), np.array(list(predicted), dtype=object)
    classes = np.array(sorted(set(effective)), dtype=object)
    n = len(g)
    correct = g == p
    result = {
        "n": n, "accuracy": float(correct.mean()) if n else float("nan"), "macro_f1": _macro_f1(g, p, classes),
        "no_frame_share": float(np.mean(p == NONE_CODE)) if n else float("nan"),
        "majority_code": Counter(gold).most_common(1)[0][0] if n else None,
    }
    result["majority_accuracy"] = float(np.mean([result["majority_code"] in (a, b) for a, b in zip(gold, gold2)]))
    rng = np.random.default_rng(seed)
    accs, f1s = [], []
    for _ in range(n_boot):
        pick = rng.integers(0, n, n)
        accs.append(correct[pick].mean())
        f1s.append(_macro_f1(g[pick], p[pick], np.unique(g[pick])))
    for key, values in (("accuracy", accs), ("macro_f1", f1s)):
        low, high = np.percentile(values, [2.5, 97.5]) if values else (float("nan"),) * 2
        result[f"{key}_low"], result[f"{key}_high"] = float(low), float(high)
    has_none = NONE_CODE in set(p) | set(classes)
    columns = [*(k for k in classes if k != NONE_CODE), *sorted(set(p) - set(classes) - {NONE_CODE}),
               *([NONE_CODE] if has_none else [])]
    confusion = pd.crosstab(pd.Categorical(g, categories=classes), pd.Categorical(p, categories=columns),
                            rownames=["gold"], colnames=["predicted"], dropna=False)
    result["confusion"] = confusion
    result["support"] = {k: int(np.sum(g == k)) for k in classes}
    result["per_code_f1"] = {k: _macro_f1(g, p, np.array([k], dtype=object)) for k in classes}
    return result


def _stratified_folds(codes: Sequence[str], folds: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    assigned = np.zeros(len(codes), int)
    offset = 0
    for code in sorted(set(codes)):
        members = rng.permutation(np.flatnonzero(np.array(codes, dtype=object) == code))
        assigned[members] = (offset + np.arange(len(members))) % folds
        offset += len(members)
    return assigned


def cross_validate(units: CodedUnits, *, folds: int = 5, seed: int = 13, n_boot: int = 1000,
                   vectors: np.ndarray | None = None, **model_options) -> dict:
    """Stratified k-fold cross-validation of :func:`train_frame_model` on coded units.

    ``model_options`` go to :func:`train_frame_model` (``features``, ``c``,
    ...); ``vectors`` are the units' sentence vectors if already computed
    (they are computed once, not per fold, when the features need them).

    Returns :func:`score_codes` of the out-of-fold predictions, plus
    ``folds``, ``seed`` and ``predicted`` (the out-of-fold code of each unit).
    """
    if folds < 2:
        raise CodedUnitsError(f"--folds must be at least 2, not {folds}")
    single = sorted(code for code, n in Counter(units.codes).items() if n < 2)
    if single:
        raise CodedUnitsError(f"code(s) {', '.join(map(repr, single))} have a single unit: cross-validation needs "
                              "at least 2 units of every code; code more units, or leave such codes out with --skip")
    if _check_features(model_options.get("features", DEFAULT_FEATURES)) != "tfidf" and vectors is None:
        vectors = _sentence_vectors(units.texts)
    assigned = _stratified_folds(units.codes, folds, seed)
    predicted = np.empty(len(units.codes), dtype=object)
    texts = np.array(units.texts, dtype=object)
    codes = np.array(units.codes, dtype=object)
    for k in range(folds):
        test = assigned == k
        if not test.any():
            continue
        model = train_frame_model(list(texts[~test]), list(codes[~test]), keep_examples=False,
                                  vectors=None if vectors is None else vectors[~test], **model_options)
        predicted[test] = model.predict(list(texts[test]), None if vectors is None else vectors[test])
    scores = score_codes(units.codes, list(predicted), units.codes2, n_boot=n_boot, seed=seed)
    scores.update(folds=folds, seed=seed, predicted=list(predicted))
    return scores


# ------------------------------------------------------ learned schemes


@dataclass(frozen=True)
class LearnedFrameScheme(FrameScheme):
    """A scheme whose frames are a researcher's codes, scored by a fitted model.

    ``model`` is the model file's path, ``model_sha256`` its hash and
    ``codes`` the code of each frame id (in frame order).
    """

    model: str = ""
    model_sha256: str = ""
    codes: tuple[tuple[str, str], ...] = ()

    def code_of(self, frame_id: str) -> str:
        """The researcher's code of a frame id."""
        return dict(self.codes).get(frame_id, frame_id)


_LEARNED_KEYS = ("id", "name", "citation", "description", "frames", "model", "model_sha256", "model_kind",
                 "none_codes", "training", "cross_validation")


def parse_learned_scheme(text: str, source: str = "<string>") -> LearnedFrameScheme:
    """Read a learned scheme file (written by :func:`learn_frame_scheme`); the model is read when first used.

    Raises
    ------
    FrameSchemeError
        Malformed file or unknown keys.
    """
    return _parse_learned_cached(text, source)


@functools.lru_cache(maxsize=16)
def _parse_learned_cached(text: str, source: str) -> LearnedFrameScheme:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FrameSchemeError(f"not valid YAML ({' '.join(str(exc).split())[:120]})", source=source) from None
    if not isinstance(data, dict) or not isinstance(data.get("frames"), dict) or not data["frames"]:
        raise FrameSchemeError("a learned scheme needs 'id', 'model' and a 'frames' mapping", source=source)
    unknown = [k for k in data if k not in _LEARNED_KEYS]
    if unknown:
        raise FrameSchemeError(f"unknown key {unknown[0]!r} in a learned scheme; valid keys: "
                               f"{', '.join(_LEARNED_KEYS)}", source=source)
    if not isinstance(data.get("model"), str) or not data["model"].strip():
        raise FrameSchemeError("'model' must name the model file (.npz) beside the scheme", source=source)
    frames, codes = [], []
    for frame_id, value in data["frames"].items():
        if not isinstance(value, dict) or "code" not in value:
            raise FrameSchemeError(f"frame {frame_id!r} of a learned scheme needs a 'code'", source=source)
        code = _clean(value["code"])
        frames.append(Frame(str(frame_id), str(value.get("label") or code),
                            str(value.get("definition") or f"Units coded {code}.")))
        codes.append((str(frame_id), code))
    model = Path(source).parent / data["model"] if source != "<string>" else Path(data["model"])
    scheme_id = str(data.get("id") or "learned")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", scheme_id):
        raise FrameSchemeError(f"invalid scheme id {scheme_id!r}; an id is a lowercase letter followed by "
                               "lowercase letters, digits or underscores", source=source)
    return LearnedFrameScheme(id=scheme_id, name=str(data.get("name") or scheme_id), frames=tuple(frames),
                              citation=str(data.get("citation") or ""),
                              description=str(data.get("description") or ""), source=source, model=str(model),
                              model_sha256=str(data.get("model_sha256") or ""), codes=tuple(codes))


def _scheme_model(scheme: LearnedFrameScheme) -> FrameModel:
    model = _load_model_cached(scheme.model, scheme.model_sha256)
    missing = [code for _, code in scheme.codes if code not in model.classes]
    if missing:
        raise FrameSchemeError(f"the scheme's code {missing[0]!r} is not a class of its model "
                               f"({', '.join(model.classes)})", source=scheme.source)
    return model


def learned_frame_records(doc, scheme: LearnedFrameScheme, article_id: str = "") -> list[FrameHit]:
    """Sentence rows (as :func:`analysis.framing.score_frames` gives them) of a learned scheme.

    One row per sentence whose most probable code is not :data:`NONE_CODE`:
    ``score`` and ``confidence`` are its probability, ``indicators`` the
    words that weighed most (:meth:`FrameModel.weighed_words`), ``evidence``
    the sentence and the nearest coded example of that code. A model on
    sentence vectors encodes all the document's sentences in one call, and
    (for ``embedding`` alone) the occlusion variants of the framed ones in
    one more.
    """
    from .nlp import sentence_records

    model = _scheme_model(scheme)
    sentences = sentence_records(doc, article_id)
    if not sentences:
        return []
    texts = [s.text for s in sentences]
    vectors = model.sentence_vectors(texts)  # one encoder call for the whole document (None for TF-IDF)
    probabilities = model.predict_proba(texts, vectors)
    frame_of = {code: frame_id for frame_id, code in scheme.codes}
    best = probabilities.argmax(axis=1)
    framed = [i for i, k in enumerate(best) if model.classes[k] != NONE_CODE and model.classes[k] in frame_of]
    if model.features == "embedding":  # occlusion: the variants of every framed sentence in one more encoder call
        words = dict(zip(framed, model._occlusion_words([texts[i] for i in framed], best[framed],
                                                        probabilities=probabilities[framed])))
    else:
        words = {i: model.weighed_words(texts[i], int(best[i])) for i in framed}
    rows = []
    for i in framed:
        sentence, k = sentences[i], int(best[i])
        code, probability = model.classes[k], float(probabilities[i, k])
        nearest = model.nearest_example(sentence.text, k, None if vectors is None else vectors[i])
        evidence = sentence.text
        if nearest is not None:
            example = model.examples[nearest[0]]
            example = example if len(example) <= _NEAREST_WIDTH else example[: _NEAREST_WIDTH - 1] + "…"
            evidence += f" [nearest coded example (code {code}, similarity {nearest[1]:.2f}): {example}]"
        rows.append(FrameHit(
            article_id=article_id, scheme=scheme.id, frame=frame_of[code], level="sentence",
            sentence_id=sentence.sentence_id, score=round(probability, 4), indicators="; ".join(words[i]),
            evidence=evidence, confidence=round(probability, 3),
        ))
    return rows


@dataclass(frozen=True)
class LearnReport:
    """What :func:`learn_frame_scheme` wrote and measured."""

    scheme_path: Path
    model_path: Path
    units: int
    cross_validation: dict
    warnings: tuple[str, ...]


def learn_frame_scheme(coded: str | os.PathLike[str], out: str | os.PathLike[str], *, text: str, label: str,
                       label2: str | None = None, none: Iterable[str] = (), skip: Iterable[str] = (),
                       codebook: str | os.PathLike[str] | None = None, folds: int = 5, seed: int = 13,
                       scheme_id: str | None = None, n_boot: int = 1000, **model_options) -> LearnReport:
    """Learn a frame scheme from coded units; write ``out`` (YAML) and its model (``.npz`` beside it).

    Parameters
    ----------
    coded
        CSV of coded units (:func:`read_coded_units` reads ``text``,
        ``label``, ``label2``, ``none`` and ``skip``).
    out
        The scheme file to write; the model goes to the same name with ``.npz``.
    codebook
        Optional labels and definitions of the codes (:func:`read_codebook`).
    folds, seed
        Stratified cross-validation (fixed seed) reported and stored in the scheme.
    scheme_id
        Default: the file name of ``out``, as an id.
    model_options
        Passed to :func:`train_frame_model`: ``features`` (default
        :data:`DEFAULT_FEATURES`), ``c``, ``balanced``, ``min_df``.

    Returns
    -------
    LearnReport
        Paths, cross-validated figures and one warning per code with fewer
        than :data:`MIN_CLASS_UNITS` units.

    Notes
    -----
    Supervised frame classification of news text follows Card et al. (2016)
    and, for GVFC, Liu et al. (CoNLL 2019); TF-IDF with a linear classifier
    is the standard strong baseline of text classification (Joachims 1998;
    Wang & Manning 2012 for n-gram features); a linear classifier on frozen
    sentence embeddings is the sentence-transformers route (Reimers &
    Gurevych 2019), here 6 to 7 points above TF-IDF on GVFC.
    """
    units = read_coded_units(coded, text=text, label=label, label2=label2, none=none, skip=skip)
    counts = Counter(units.codes)
    if len(counts) < 2:
        raise CodedUnitsError(f"column {label!r} has only one code ({next(iter(counts))!r}) after leaving out "
                              "empty and skipped units; a classifier needs at least two codes", source=units.source)
    warnings = tuple(f"code {code!r} has only {n} coded unit(s) (fewer than {MIN_CLASS_UNITS}): its figures are "
                     "unreliable and the model will rarely predict it" for code, n in sorted(counts.items())
                     if n < MIN_CLASS_UNITS)
    labels = read_codebook(codebook) if codebook else {}
    out = Path(out)
    if out.suffix not in (".yaml", ".yml"):
        raise CodedUnitsError("--out must be a .yaml file (the model is written beside it as .npz)", source=str(out))
    features = _check_features(model_options.pop("features", DEFAULT_FEATURES))
    vectors = _sentence_vectors(units.texts) if features != "tfidf" else None  # once for CV and the final fit
    scores = cross_validate(units, folds=min(folds, max(2, min(counts.values()))) if folds > 1 else folds,
                            seed=seed, n_boot=n_boot, features=features, vectors=vectors, **model_options)
    model = train_frame_model(list(units.texts), list(units.codes), features=features, vectors=vectors,
                              **model_options)
    out.parent.mkdir(parents=True, exist_ok=True)
    model_path = out.with_suffix(".npz")
    sha256 = model.save(model_path)
    frame_ids: dict[str, str] = {}
    for code in model.classes:
        if code == NONE_CODE:
            continue
        frame_id = code_frame_id(code)
        if frame_id in frame_ids.values():
            raise CodedUnitsError(f"codes {code!r} and {dict((v, k) for k, v in frame_ids.items())[frame_id]!r} "
                                  f"give the same frame id {frame_id!r}; rename one", source=units.source)
        frame_ids[code] = frame_id
    identifier = scheme_id or re.sub(r"[^a-z0-9_]+", "_", out.stem.lower()).strip("_")
    identifier = identifier if re.fullmatch(r"[a-z][a-z0-9_]*", identifier) else f"learned_{identifier}".rstrip("_")
    document = {
        "id": identifier,
        "name": f"Learned from {Path(units.source).name}",
        "description": (f"Frames learned by 'python -m analysis frames learn' from {len(units.codes)} coded units "
                        f"(column {label!r}); model: {_FEATURE_TEXT[features]} + logistic regression "
                        f"(C={model.params['C']:g}). Scores are probabilities."),
        "model": model_path.name,
        "model_sha256": sha256,
        "model_kind": _MODEL_KIND,
        "none_codes": sorted({_clean(v) for v in none}),
        "training": {"file": str(units.source), "text": text, "label": label, "label2": label2,
                     "features": features, "C": model.params["C"],
                     **({"encoder": model.params["encoder"]} if model.uses_vectors else {}),
                     "units": len(units.codes), "units_left_out": units.skipped,
                     "counts": {k: int(v) for k, v in sorted(counts.items())}},
        "cross_validation": {key: (round(scores[key], 4) if isinstance(scores[key], float) else scores[key])
                             for key in ("n", "folds", "seed", "accuracy", "accuracy_low", "accuracy_high",
                                         "macro_f1", "macro_f1_low", "macro_f1_high")},
        "frames": {frame_ids[code]: {"code": code, "label": labels.get(code, {}).get("label", f"Code {code}"),
                                     **({"definition": labels[code]["definition"]}
                                        if labels.get(code, {}).get("definition") else {})}
                   for code in model.classes if code != NONE_CODE},
    }
    header = ("# A learned frame scheme: apply it with  python -m analysis run CORPUS --schemes THIS_FILE\n"
              f"# Its model is {model_path.name} (same folder; plain arrays, no pickle); keep them together.\n")
    out.write_text(header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100), "utf-8")
    return LearnReport(out, model_path, len(units.codes), scores, warnings)


@dataclass(frozen=True, eq=False)
class CoderFrameScheme:
    """What :func:`learn_frame_scheme_from_coder` wrote, and the machine's codes of units it did not learn from.

    ``held_out_codes`` has the columns ``unit_id, coder, label, how``: one row
    per unit coded by anyone, ``how`` saying why the machine had not seen it
    (``cross-validated``: coded by a model fitted on the other folds;
    ``not learned from``: a unit outside the training units, coded by the
    final model). ``left_out_codes`` are the teacher's codes with too few
    units to learn (their units are among the ``not learned from``).
    """

    report: LearnReport
    coder: str
    training_file: Path
    held_out_codes: pd.DataFrame
    left_out_codes: tuple[str, ...] = ()


def _long_codes(codes: pd.DataFrame, units: pd.DataFrame, text: str) -> pd.DataFrame:
    """The coded rows of ``codes`` with each unit's text, checked."""
    for name, frame, needed in (("codes", codes, ("unit_id", "coder", "label")), ("units", units, ("unit_id", text))):
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise CodedUnitsError(f"{name} need the columns {', '.join(needed)}; missing {', '.join(missing)}"
                                  + (" (name the text column with text=)" if text in missing else ""), source=name)
    coded = codes.assign(unit_id=codes.unit_id.astype(str), label=codes.label.fillna("").astype(str).str.strip())
    coded = coded[coded.label != ""][["unit_id", "coder", "label"]]
    texts = units.assign(unit_id=units.unit_id.astype(str)).drop_duplicates("unit_id").set_index("unit_id")[text]
    texts = texts.fillna("").astype(str).map(lambda v: " ".join(v.split()))
    textless = sorted(set(coded.unit_id) - set(texts[texts != ""].index))
    if textless:
        raise CodedUnitsError(f"{len(textless)} coded unit(s) have no text in units (e.g. {textless[0]!r}); give "
                              "every coded unit's text", source="units")
    return coded.assign(text=coded.unit_id.map(texts))


def learn_frame_scheme_from_coder(codes: pd.DataFrame, units: pd.DataFrame, out: str | os.PathLike[str], *,
                                  coder: str, text: str = "text", none: Iterable[str] = ("none",), folds: int = 5,
                                  min_units: int | None = None, seed: int = 13, n_boot: int = 1000,
                                  **model_options) -> CoderFrameScheme:
    """Learn a frame scheme from one coder's codes, and code every coded unit with a model that did not see it.

    Writes the coder's units as a CSV (``unit_id, text, label``: the file
    :func:`learn_frame_scheme` reads, ``<out stem>.units.csv``), learns the
    scheme from it (``out`` and its ``.npz``, with stratified
    cross-validation), and returns the machine's *held-out* codes: each of
    the coder's units coded by the cross-validation model that left it out,
    and every other coded unit (another coder's, or a unit of a code left
    out) by the final model, which never saw it.

    Parameters
    ----------
    codes
        Long form ``unit_id, coder, label`` (e.g.
        :func:`analysis.coding.merge_codes`): every coder's codes.
    units
        ``unit_id`` and the unit's text (column ``text``), e.g. a coding
        sheet of the ``frame`` task (``text="context"``).
    out
        The scheme file to write (``.yaml``).
    coder
        The coder whose codes the scheme learns (the teacher).
    text
        The column of ``units`` holding the text.
    none
        Labels meaning "no frame" (a unit the scheme gives no frame).
    folds, seed, n_boot
        Cross-validation folds, seed of the folds and the bootstrap, and
        bootstrap resamples of :func:`learn_frame_scheme`.
    min_units
        Codes with fewer of the coder's units are left out of the scheme
        (default ``folds``: every code learned has a unit in each fold; the
        least is 2, as cross-validation needs).
    model_options
        Passed to :func:`train_frame_model`, as by :func:`learn_frame_scheme`
        (``features`` default :data:`DEFAULT_FEATURES`, as ``frames learn``).

    Returns
    -------
    CoderFrameScheme
        The :class:`LearnReport` (its warnings name the codes left out), the
        training file and the held-out codes.

    Raises
    ------
    CodedUnitsError
        Missing columns, a coder with no codes (listing the coders), coded
        units with no text, or fewer than two codes with ``min_units`` units.

    Examples
    --------
    >>> import tempfile
    >>> texts = [f"Troops fought near {t} again." for t in "ABCDEF"] + [f"Bread prices rose in {t}." for t in "ABCDEF"]
    >>> units = pd.DataFrame({"unit_id": [f"u{i}" for i in range(12)], "text": texts})
    >>> codes = units.assign(coder="ana", label=["conflict"] * 6 + ["economy"] * 6)
    >>> learned = learn_frame_scheme_from_coder(codes, units, Path(tempfile.mkdtemp()) / "ana.yaml", coder="ana",
    ...                                         folds=3, n_boot=0)
    >>> learned.held_out_codes.label.tolist() == codes.label.tolist(), learned.held_out_codes.how.unique().tolist()
    (True, ['cross-validated'])

    Notes
    -----
    The held-out codes are what may be set beside human coders: a model
    scored on the units it was fitted on agrees with its teacher far more
    than it will on new text (Hastie, Tibshirani & Friedman 2009, sec. 7.10).
    Learning from one coder rather than from the units two coders agree on
    keeps the hard units (dropping them makes the machine look better than it
    is) and leaves the other coders as independent judges.
    """
    coded = _long_codes(codes, units, text)
    mine = coded[coded.coder == coder]
    if mine.empty:
        coders = sorted(set(coded.coder))
        raise CodedUnitsError(f"coder {coder!r} has no codes; the coders are {', '.join(map(repr, coders)) or 'none'}",
                              source="coder")
    if mine.unit_id.duplicated().any():
        raise CodedUnitsError(f"coder {coder!r} coded unit {mine.unit_id[mine.unit_id.duplicated()].iloc[0]!r} more "
                              "than once; combine the files with analysis.coding.merge_codes()", source="codes")
    none = tuple(str(v) for v in none)
    least = max(2, folds if min_units is None else min_units)
    counts = Counter(mine.label)
    left_out = tuple(sorted(code for code, n in counts.items() if n < least))
    if len(counts) - len(left_out) < 2:
        raise CodedUnitsError(f"coder {coder!r} used fewer than two codes with at least {least} units each "
                              f"({dict(sorted(counts.items()))}); a classifier needs two; code more units",
                              source="codes")
    out = Path(out)
    training_file = out.with_name(f"{out.stem}.units.csv")
    training_file.parent.mkdir(parents=True, exist_ok=True)
    mine[["unit_id", "text", "label"]].to_csv(training_file, index=False, encoding="utf-8", lineterminator="\n")
    report = learn_frame_scheme(training_file, out, text="text", label="label", none=none, skip=left_out,
                                folds=folds, seed=seed, n_boot=n_boot, **model_options)
    if left_out:
        report = dataclasses.replace(report, warnings=(
            f"code(s) {', '.join(map(repr, left_out))} of {coder!r} have fewer than {least} units: left out of the "
            "scheme (the machine never gives them)", *report.warnings))
    # read_coded_units keeps the rows in file order, leaving out exactly the skipped codes
    learned = mine[~mine.label.isin(left_out)]

    def as_label(code: str) -> str:
        return none[0] if code == NONE_CODE and none else code

    rows = [{"unit_id": u, "label": as_label(code), "how": "cross-validated"}
            for u, code in zip(learned.unit_id, report.cross_validation["predicted"], strict=True)]
    unseen = coded[~coded.unit_id.isin(learned.unit_id)].drop_duplicates("unit_id")
    if len(unseen):
        model = _load_model(str(report.model_path), "")
        rows += [{"unit_id": u, "label": as_label(code), "how": "not learned from"}
                 for u, code in zip(unseen.unit_id, model.predict(list(unseen.text)))]
    held_out = pd.DataFrame(rows, columns=["unit_id", "label", "how"]).assign(coder="machine")
    return CoderFrameScheme(report, coder, training_file, held_out[["unit_id", "coder", "label", "how"]], left_out)


def machine_codes(units: pd.DataFrame, scheme: FrameScheme | str | os.PathLike[str], *, text: str = "text",
                  none_label: str = "none", coder: str = "machine", pipeline=None, cache_dir=False,
                  progress: bool = False) -> pd.DataFrame:
    """Code every unit with a scheme, as ``run`` frames a text: the unit's top frame.

    Parameters
    ----------
    units
        ``unit_id``, the unit's text (column ``text``) and any other columns
        to keep (``article_id``, ``sentence_id``): e.g. a coding sheet of
        the ``frame`` task (``text="context"``).
    scheme
        A learned scheme (its file, from :func:`learn_frame_scheme`), a
        shipped scheme id or a scheme file.
    none_label
        The label of a unit the scheme gives no frame.
    coder
        The ``coder`` column's value.

    Returns
    -------
    pandas.DataFrame
        The units' columns but the text (and a coding sheet's ``label``,
        ``coder`` and ``note``), then ``coder, label, score``:
        ``label`` is the researcher's code of the top frame (for a learned
        scheme; a frame id for other schemes) and ``score`` its article-level
        score (:func:`unit_top_frames`; a learned scheme's probability for a
        one-sentence unit).

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["s1", "s2"], "text": ["Troops attacked the town.", "It was sunny."]})
    >>> machine_codes(units, "generic_news")[["unit_id", "label"]].values.tolist()
    [['s1', 'conflict'], ['s2', 'none']]
    """
    if text not in units.columns or "unit_id" not in units.columns:
        raise CodedUnitsError(f"units need the columns unit_id and {text!r} (name the text column with text=); "
                              f"found {', '.join(map(repr, units.columns))}", source="units")
    scheme = scheme if isinstance(scheme, FrameScheme) else load_frame_scheme(scheme)
    texts = units[text].fillna("").astype(str).map(lambda v: " ".join(v.split())).tolist()
    tops = unit_top_frames(texts, scheme, pipeline=pipeline, cache_dir=cache_dir, progress=progress)
    code_of = scheme.code_of if isinstance(scheme, LearnedFrameScheme) else str
    kept = [c for c in units.columns if c not in (text, "label", "coder", "note", "score")]
    return units[kept].reset_index(drop=True).assign(
        coder=coder, label=[code_of(frame) if frame is not None else none_label for frame, _ in tops],
        score=[round(score, 4) for _, score in tops])


# ------------------------------------------------------------ evaluation


def unit_top_frames(texts: Sequence[str], scheme: FrameScheme | str | os.PathLike[str], *, pipeline=None,
                    cache_dir=False, progress: bool = False) -> list[tuple[str | None, float]]:
    """Each text's top frame as ``run`` finds it: parse, score its sentences, profile it as an article.

    Returns ``(frame id or None, article-level score)`` per text: the frame of
    rank 1 in :func:`analysis.framing.frame_profile`.
    """
    from tqdm.auto import tqdm

    from .nlp import parse_many, sentence_records

    tops = []
    docs = parse_many(texts, pipeline=pipeline, cache_dir=cache_dir)
    for i, doc in enumerate(tqdm(docs, total=len(texts), desc="Scoring units", unit="unit", disable=not progress)):
        unit = f"unit{i}"
        rows = score_frames(doc, scheme, unit)
        if not len(rows):
            tops.append((None, 0.0))
            continue
        profile = frame_profile(rows, {unit: max(1, len(sentence_records(doc, unit)))})
        first = profile[profile["rank"] == 1].iloc[0]
        tops.append((str(first["frame"]), float(first["score"])))
    return tops


def evaluate_frame_scheme(units: CodedUnits, scheme: FrameScheme | str | os.PathLike[str], *,
                          code_map: dict[str, tuple[str, ...]] | None = None, pipeline=None, cache_dir=False,
                          progress: bool = False, n_boot: int = 1000, seed: int = 13) -> dict:
    """Score a scheme's top frame per unit against the coders' codes.

    A unit is right when its top frame is one its code maps to (``code_map``;
    a learned scheme maps each code to its own frame; otherwise a code must
    equal a frame id), or one the second code maps to; a unit coded
    :data:`NONE_CODE` is right when it gets no frame. For the confusion table
    and macro-F1 a wrong top frame counts as the first code mapped to it
    (``[frame]`` when none is), and no frame as :data:`NONE_CODE`.

    Returns
    -------
    dict
        :func:`score_codes` figures plus ``scheme``, ``top_frames`` and
        ``unmapped_codes`` (gold codes the map does not cover).
    """
    scheme = scheme if isinstance(scheme, FrameScheme) else load_frame_scheme(scheme)
    if code_map is None:
        if isinstance(scheme, LearnedFrameScheme):
            code_map = {code: (frame_id,) for frame_id, code in scheme.codes}
        else:
            code_map = {frame_id: (frame_id,) for frame_id in scheme.ids}
    tops = unit_top_frames(units.texts, scheme, pipeline=pipeline, cache_dir=cache_dir, progress=progress)
    codes_of_frame: dict[str, str] = {}
    for code, frames in code_map.items():
        for frame in frames:
            codes_of_frame.setdefault(frame, code)
    predicted = []
    for (top, _), gold, gold2 in zip(tops, units.codes, units.codes2):
        if top is None:
            predicted.append(NONE_CODE)
        elif top in code_map.get(gold, ()):
            predicted.append(gold)
        elif gold2 and top in code_map.get(gold2, ()):
            predicted.append(gold2)
        else:
            predicted.append(codes_of_frame.get(top, f"[{top}]"))
    scores = score_codes(units.codes, predicted, units.codes2, n_boot=n_boot, seed=seed)
    scores.update(scheme=scheme.id, top_frames=[t for t, _ in tops],
                  unmapped_codes=sorted({c for c in units.codes if c not in code_map and c != NONE_CODE}))
    return scores
