"""Data files read at run time (cue verbs, lexicons, frame schemes); see README.md in this folder.

Every loader of a data file (the shipped one, or a researcher's own file of
the same format) reads it through :func:`read_text`: one place that finds the
file, and one set of error messages for a file that is missing, is a folder,
cannot be read or is not UTF-8, each an :class:`~analysis.errors.AnalysisError`
(or the loader's own subclass of it) naming the file.

>>> text, source = read_text(None, "reporting_verbs.txt", what="a reporting-verb list")
>>> source, "say" in text
('analysis/resources/reporting_verbs.txt', True)
>>> try:
...     read_text("no/such/cues.txt", "stance_cues.txt", what="a stance cue file")
... except Exception as err:
...     print(str(err).split(" (looked")[0])
no/such/cues.txt: file not found
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from ..errors import AnalysisError

__all__ = ["read_text", "SHIPPED"]

#: How the shipped files are named in ``source`` (errors, evidence, ``Lexicon.sources``).
SHIPPED = "analysis/resources"


def read_text(path: str | os.PathLike[str] | None, shipped: str, *, what: str,
              error: type[AnalysisError] = AnalysisError) -> tuple[str, str]:
    """``(text, source)`` of a data file.

    Parameters
    ----------
    path
        The researcher's file, or ``None`` for the shipped one.
    shipped
        The shipped file, relative to this folder (``"stance_cues.txt"``,
        ``"sentiment/portrayal.json"``).
    what
        What the file is, for the error message ("a stance cue file").
    error
        The error type to raise (a loader's own subclass of ``AnalysisError``).

    Returns
    -------
    tuple of str
        The text (a leading byte-order mark dropped) and the file's name for
        messages: ``analysis/resources/<shipped>`` or the path as given.

    Raises
    ------
    AnalysisError
        (``error``) if the file is missing, a folder, unreadable or not UTF-8.
    """
    if path is None:
        text = resources.files(__name__).joinpath(*shipped.split("/")).read_text("utf-8")
        return text, f"{SHIPPED}/{shipped}"
    source = os.fspath(path)
    file = Path(source)
    if file.is_dir():
        raise error(f"is a directory; give the path of {what}", source=source)
    if not file.is_file():
        raise error(f"file not found (looked for {file.resolve()}); give the path of {what}", source=source)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    try:
        return data.decode("utf-8-sig"), source
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file with UTF-8 "
                    "encoding", source=source, line=data[: exc.start].count(b"\n") + 1) from None
