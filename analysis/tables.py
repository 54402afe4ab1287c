"""Writing output files safely: whole or not at all, and harmless in a spreadsheet.

Every table and network file that ``python -m analysis run`` writes goes
through here:

* :func:`replacing` writes to a temporary file beside the target and renames
  it into place only when the writing succeeded, so a crash, a full disk or a
  kill midway leaves the earlier complete file (or none), never a truncated one;
* :func:`write_csv` escapes text cells that a spreadsheet would run as a
  formula (:func:`escape_formula`); the analysis records and DataFrames keep
  the original text;
* :func:`xml_safe` replaces the characters XML 1.0 cannot hold (most control
  characters) for the GraphML writer.

A table of records has the columns of its record type, in field order
(:func:`record_columns`): the data model in ``types.py`` is the one place
that says what a ``mentions.csv`` or a ``stance.csv`` holds.

Examples
--------
>>> escape_formula("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> escape_formula("-0.5"), escape_formula(-0.5), escape_formula("Putin")
("'-0.5", -0.5, 'Putin')
>>> xml_safe("warmly\\x0b thanked") == "warmly\\ufffd thanked"
True
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pandas as pd

__all__ = ["FORMULA_STARTS", "escape_formula", "escaped_frame", "write_csv", "replacing", "xml_safe",
           "record_columns"]

#: First characters that make a spreadsheet (Excel, LibreOffice, Google Sheets)
#: read a cell as a formula; OWASP's list ("CSV injection") adds tab and carriage return.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Characters XML 1.0 does not allow, even escaped: C0 controls but tab, line feed
# and carriage return; lone surrogates; U+FFFE and U+FFFF.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape_formula(value):
    """``value`` with a leading apostrophe if it is text a spreadsheet would run as a formula.

    Numbers (including negative ones) are returned unchanged: only ``str``
    values are escaped, so that ``-0.5`` in a score column stays a number.

    Notes
    -----
    The apostrophe is the escape spreadsheets themselves use for "this is
    text"; see OWASP, "CSV Injection". A reader of the CSV file in code sees
    the apostrophe: strip it from text cells that start with ``'`` followed by
    one of :data:`FORMULA_STARTS`.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _may_hold_text(dtype) -> bool:
    """Whether a column of this dtype can hold text (object or string; not numbers, booleans or dates)."""
    return dtype.kind not in "biufcmM"


def escaped_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and text index and column labels) escaped."""
    out = frame.copy()
    for position, dtype in enumerate(out.dtypes):
        if _may_hold_text(dtype):
            out.isetitem(position, out.iloc[:, position].map(escape_formula))
    if _may_hold_text(out.index.dtype):
        out.index = out.index.map(escape_formula)
    if _may_hold_text(out.columns.dtype):
        out.columns = out.columns.map(escape_formula)
    return out


@contextlib.contextmanager
def replacing(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed to ``path`` when the block ends without error.

    On an error the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, *, index: bool = False) -> Path:
    """Write ``frame`` as UTF-8 CSV with ``\\n`` line ends, formulas escaped, all or nothing."""
    with replacing(path) as tmp:
        escaped_frame(frame).to_csv(tmp, index=index, lineterminator="\n")
    return Path(path)


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _XML_INVALID.sub("\ufffd", text)


def record_columns(record_type) -> list[str]:
    """The columns of a table of ``record_type`` records: its fields, in order.

    >>> from analysis.types import Sentence
    >>> record_columns(Sentence)
    ['article_id', 'sentence_id', 'start', 'end', 'text']
    """
    return [f.name for f in fields(record_type)]
