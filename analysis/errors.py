"""Exceptions raised for bad input, each naming the file, line or argument at fault.

Every message says *where* the problem is (a path, a line number, an argument)
and *what would be valid*, so that a researcher can fix the input without
reading a traceback.

Examples
--------
>>> err = CorpusError("empty file", source="corpus/articles/a.md")
>>> str(err)
'corpus/articles/a.md: empty file'
>>> str(ActorConfigError("unknown key 'nmes'", source="actors.yaml", line=12))
"actors.yaml, line 12: unknown key 'nmes'"
"""

from __future__ import annotations

__all__ = ["AnalysisError", "CorpusError", "ActorConfigError", "PipelineError", "OutputError"]


class AnalysisError(ValueError):
    """Base class: a problem with the user's input, reported in one line.

    Parameters
    ----------
    message
        What is wrong and, where possible, what would be valid.
    source
        The file (or other input) the problem is in.
    line
        1-based line number inside ``source``, when known.
    """

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        self.message = message
        self.source = source
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        where = self.source or ""
        if self.line is not None:
            where = f"{where}, line {self.line}" if where else f"line {self.line}"
        return f"{where}: {self.message}" if where else self.message


class CorpusError(AnalysisError):
    """An article or corpus file cannot be read (empty, binary, not UTF-8, HTML,
    missing or malformed front matter, duplicate id, ...)."""


class ActorConfigError(AnalysisError):
    """The actor registry file is malformed or names something unknown."""


class PipelineError(AnalysisError):
    """A setting of the pipeline is unusable (e.g. spaCy pipeline not installed)."""


class OutputError(AnalysisError):
    """The output folder cannot be used: it is a file, read-only, full, or
    another run is writing to it. Earlier tables in it are left as they were."""
