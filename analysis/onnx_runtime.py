"""ONNX Runtime for the shipped models: imported quietly, sessions on the CPU.

Both model runners (:mod:`analysis.sentiment_model`, :mod:`analysis.sentence_encoder`)
open their ``model.onnx`` through this module, so they import ONNX Runtime
the same way and give their sessions the same settings.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["import_onnxruntime", "cpu_session"]


def import_onnxruntime():
    """``onnxruntime``, imported with its telemetry turned off.

    Raises ``ImportError`` when it is not installed (callers say what needs it).

    Notes
    -----
    ONNX Runtime 1.32 starts a native telemetry client when it is imported: it
    resolves a remote host some seconds later and writes under
    ``~/.cache/Microsoft/``. The variable ``ORT_DISABLE_TELEMETRY=1`` must be set
    before the import to stop it (``onnxruntime.disable_telemetry_events()``
    after the import does not stop the DNS query: checked with
    ``strace -f -e trace=network``); both are done here, and
    ``tests/test_robustness.py`` checks a model run with strace.
    """
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    import onnxruntime

    disable = getattr(onnxruntime, "disable_telemetry_events", None)
    if disable is not None:
        disable()
    return onnxruntime


def cpu_session(model_path: str | os.PathLike[str], threads: int):
    """An ``onnxruntime.InferenceSession`` of the model on the CPU: ``threads`` for each operator, one
    operator at a time, warnings only."""
    ort = import_onnxruntime()
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    return ort.InferenceSession(str(Path(model_path)), options, providers=["CPUExecutionProvider"])
