"""Manual coding of the tool's units, and agreement between coders and the tool.

A researcher (or a class of students) labels the units the tool found with
the labels the tool gives, without seeing the tool's labels; agreement is then
computed between every pair of coders, between each coder and the tool, and
over all coders together.

Four tasks, one unit each:

* ``sentiment``: one actor mention. How does the text portray the actor here?
  (``negative | neutral | positive``)
* ``stance``: a source / target pair of actors in a sentence. Is the source for
  or against the target? (``favor | against | neutral``)
* ``role``: an actor in an article. How does the article cast the actor?
  (``protagonist | antagonist | innocent | none``)
* ``frame``: one sentence. Which generic news frame (Semetko & Valkenburg
  2000) does it use? (``conflict | human_interest | economic_consequences |
  morality | responsibility | none``); the tool's label is the top frame of
  the shipped ``generic_news`` scheme in the sentence. These codes can train
  a frame scheme of their own (:mod:`analysis.frame_learning`), whose
  agreement with the coders :func:`machine_agreement` reports and
  :func:`plot_machine_agreement` draws.

The workflow: :func:`coding_sheet` -> :func:`save_sheet` (a UTF-8 CSV that
opens in any spreadsheet) -> code it in the spreadsheet or with
:func:`coding_form` in a notebook -> :func:`merge_codes` of every coder's file
-> :func:`agreement` (and :func:`confusion`, :func:`plot_confusion`) against
each other and against :func:`tool_labels`.

Unit ids are built from the article id and the unit's offsets or ids, never
from row order, so sheets made at different times (or from a sample) can be
merged: ``belarus-exiles-cnn:23-40:exiles`` (a mention: offsets and actor),
``belarus-exiles-cnn:s11:exiles>putin`` (a pair in sentence 11),
``belarus-exiles-cnn:putin`` (an actor in an article),
``belarus-exiles-cnn:s11`` (sentence 11). In every context but a sentence's,
⟦ ⟧ marks the target.

Examples
--------
>>> text = "Ann Kerr thanked Bo Lind."
>>> tables = {
...     "sentences": pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0], "end": [25],
...                                "text": [text]}),
...     "sentiment": pd.DataFrame({"article_id": ["a", "a"], "sentence_id": [0, 0], "start": [0, 17],
...                                "end": [8, 24], "text": ["Ann Kerr", "Bo Lind"], "actor": ["ann", "bo"],
...                                "label": ["neutral", "positive"]}),
... }
>>> sheet = coding_sheet(tables, "sentiment", coder="ana")
>>> sheet[["unit_id", "context"]].values.tolist()
[['a:0-8:ann', '⟦Ann Kerr⟧ thanked Bo Lind.'], ['a:17-24:bo', 'Ann Kerr thanked ⟦Bo Lind⟧.']]
>>> "positive" in sheet.to_string()  # the tool's labels are not on the sheet
False
>>> sheet["label"] = ["neutral", "positive"]
>>> table = agreement(merge_codes([sheet]), tool=tool_labels(tables, "sentiment"))
>>> table[["a", "b", "n", "percent_agreement", "note"]].values.tolist()
[['ana', 'tool', 2, 100.0, ''], ['(all coders)', '', 0, nan, 'alpha needs at least 2 coders (found 1: ana)']]

Notes
-----
Percent agreement is not corrected for chance. Cohen's kappa (Cohen 1960)
corrects it with each coder's own label distribution; it is defined for two
coders who coded the same units, so it is reported per pair over the units
both coded. Krippendorff's alpha (Krippendorff 2004, ch. 11; 2011) compares
observed with expected disagreement over the pooled values; it takes any
number of coders and units coded by only some of them (units with a single
value are left out), and is reported per pair and over all human coders
together (the tool is left out of the overall alpha). Both are computed with
NLTK's :class:`~nltk.metrics.agreement.AnnotationTask` (notation of Artstein
and Poesio 2008), with nominal distance.

When both coders used one and the same label throughout, expected agreement
is 1 and kappa is 0/0: it is reported as NaN with a note (NLTK would return
1.0). Likewise alpha when every value is the same label (Krippendorff 2011:
no variation, no reliability to assess).

Krippendorff (2004, p. 241) suggests relying on variables with alpha >= .800
and drawing only tentative conclusions from .667 <= alpha < .800.

* Semetko, H. A. and Valkenburg, P. M. (2000). Framing European politics: a
  content analysis of press and television news. *Journal of Communication*
  50(2), 93-109.
* Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
  Chapman & Hall (percentile intervals, ch. 13).
* Cohen, J. (1960). A coefficient of agreement for nominal scales.
  *Educational and Psychological Measurement* 20(1), 37-46.
* Krippendorff, K. (2004). *Content Analysis: An Introduction to Its
  Methodology* (2nd ed.). Sage.
* Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*.
  Annenberg School for Communication, University of Pennsylvania.
* Artstein, R. and Poesio, M. (2008). Inter-coder agreement for computational
  linguistics. *Computational Linguistics* 34(4), 555-596.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import textwrap
import warnings
from collections.abc import Iterable, Mapping
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import AnalysisError
from .roles import MAIN_ROLES
from .stance import NET_BAND, stance_node
from .types import OTHER_ACTOR, SENTIMENT_LABELS, STANCES

__all__ = [
    "TASKS",
    "QUESTIONS",
    "SHEET_COLUMNS",
    "TOOL",
    "coding_sheet",
    "tool_labels",
    "save_sheet",
    "load_codes",
    "CodingSession",
    "coding_form",
    "merge_codes",
    "agreement",
    "confusion",
    "plot_confusion",
    "units_origin",
    "MACHINE",
    "machine_agreement",
    "plot_machine_agreement",
    "simulate_coder",
]

#: The frame scheme whose frames are the labels of the ``frame`` task (and whose top frame is the tool's label).
FRAME_SCHEME = "generic_news"
#: Valid labels of each coding task (the labels the tool gives).
TASKS: dict[str, tuple[str, ...]] = {
    "sentiment": tuple(SENTIMENT_LABELS),
    "stance": tuple(STANCES),
    "role": (*MAIN_ROLES, "none"),
    # the frame ids of analysis/resources/frames/generic_news.yaml, in its order (a test checks they match)
    "frame": ("conflict", "human_interest", "economic_consequences", "morality", "responsibility", "none"),
}
#: The question a coder answers for each unit, shown on the form.
QUESTIONS = {
    "sentiment": "How does the text portray the marked actor ⟦ ⟧ at this mention?",
    "stance": "In this sentence, is the source for or against the target ⟦ ⟧?",
    "role": "How does the article cast this actor (⟦ ⟧ marks its mentions)?",
    "frame": "Which generic news frame does this sentence use most (none if none)?",
}
#: What one unit of each task is, for figures ("20 actor mentions").
UNIT_NOUNS = {"sentiment": "actor mentions", "stance": "stance rows (a source and a target in a sentence)",
              "role": "actors in articles", "frame": "sentences"}
#: Columns of a coding sheet, per task; ``label``, ``coder`` and ``note`` are the coder's.
SHEET_COLUMNS = {
    "sentiment": ["unit_id", "task", "article_id", "sentence_id", "actor", "mention", "context", "label", "coder",
                  "note"],
    "stance": ["unit_id", "task", "article_id", "sentence_id", "source", "target", "context", "label", "coder",
               "note"],
    "role": ["unit_id", "task", "article_id", "actor", "context", "label", "coder", "note"],
    "frame": ["unit_id", "task", "article_id", "sentence_id", "context", "label", "coder", "note"],
}
#: Coder name of the tool's labels in agreement and confusion tables.
TOOL = "tool"
#: Coder name of a learned scheme's codes in :func:`machine_agreement`.
MACHINE = "machine"
_CODER_COLUMNS = ("label", "coder", "note")
_OPEN, _CLOSE = "⟦", "⟧"
_GAP = " … "


# --------------------------------------------------------------------------- units


def _check_task(task: str) -> tuple[str, ...]:
    if task not in TASKS:
        raise AnalysisError(f"unknown coding task {task!r}; valid tasks: {', '.join(TASKS)}", source="task")
    return TASKS[task]


def _table(tables, name: str, task: str) -> pd.DataFrame:
    """One table of an ``Analysis``, a dict of tables or a results folder."""
    if isinstance(tables, str | os.PathLike):
        path = Path(tables) / f"{name}.csv"
        if not path.is_file():
            raise AnalysisError(f"no {name}.csv: coding {task!r} needs it (write it with `python -m analysis run`)",
                                source=str(Path(tables)))
        return pd.read_csv(path, keep_default_na=False)
    table = tables.get(name) if isinstance(tables, Mapping) else getattr(tables, name, None)
    if table is None:
        raise AnalysisError(f"no {name!r} table: coding {task!r} needs it; pass an Analysis (from analyze), "
                            "a dict of its tables or a results folder", source="analysis_tables")
    return table


def _sentences(tables, task: str) -> dict[tuple[str, int], tuple[int, str]]:
    sent = _table(tables, "sentences", task)
    return {(str(r.article_id), int(r.sentence_id)): (int(r.start), str(r.text)) for r in sent.itertuples()}


def _mark(text: str, offset: int, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` (starting at ``offset`` in the article) with ⟦ ⟧ around each span,
    whitespace (line breaks too) collapsed so that a CSV row is one line."""
    out, pos = [], 0
    for start, end in sorted(set(spans)):
        a, b = start - offset, end - offset
        if a < pos or b > len(text) or a >= b:  # overlapping or outside the sentence: leave unmarked
            continue
        out += [text[pos:a], _OPEN, text[a:b], _CLOSE]
        pos = b
    out.append(text[pos:])
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _sentiment_units(tables) -> pd.DataFrame:
    rows = _table(tables, "sentiment", "sentiment")
    sentences = _sentences(tables, "sentiment")
    units = []
    for r in rows.itertuples():
        key = (str(r.article_id), int(r.sentence_id))
        start, text = sentences.get(key, (int(r.start), str(r.text)))
        units.append({
            "unit_id": f"{r.article_id}:{int(r.start)}-{int(r.end)}:{r.actor}", "article_id": str(r.article_id),
            "sentence_id": int(r.sentence_id), "actor": r.actor, "mention": r.text,
            "context": _mark(text, start, [(int(r.start), int(r.end))]), "tool": r.label,
            "_order": (str(r.article_id), int(r.start), int(r.end), str(r.actor)),
        })
    return pd.DataFrame(units)


def _stance_label(stances: list[str]) -> str:
    """Several edges of one pair in one sentence -> one label, by the rule of
    ``stance_summary``: net = (favor - against) / n, favor or against when
    |net| >= NET_BAND, else neutral."""
    net = (stances.count("favor") - stances.count("against")) / len(stances)
    return "favor" if net >= NET_BAND else "against" if net <= -NET_BAND else "neutral"


def _stance_units(tables) -> pd.DataFrame:
    edges = _table(tables, "stance", "stance")
    columns = ["unit_id", "article_id", "sentence_id", "source", "target", "context", "tool", "_order"]
    if edges.empty:
        return pd.DataFrame(columns=columns)
    sentences = _sentences(tables, "stance")
    mentions = _table(tables, "mentions", "stance")
    groups: dict[tuple, list[str]] = {}
    for e in edges.itertuples():
        key = (str(e.article_id), int(e.sentence_id), stance_node(e.source_actor, e.source_name),
               stance_node(e.target_actor, e.target_name), e.target_actor, e.target_name)
        groups.setdefault(key, []).append(e.stance)
    units = []
    for (article_id, sentence_id, source, target, target_actor, target_name), stances in groups.items():
        start, text = sentences.get((article_id, sentence_id), (0, ""))
        here = mentions[(mentions.article_id == article_id) & (mentions.sentence_id == sentence_id)
                        & (mentions.actor == target_actor)]
        if target_actor == OTHER_ACTOR:
            here = here[(here.text == target_name) | (here.canonical == target_name)]
        units.append({
            "unit_id": f"{article_id}:s{sentence_id}:{source}>{target}", "article_id": article_id,
            "sentence_id": sentence_id, "source": source, "target": target,
            "context": _mark(text, start, zip(here.start.astype(int), here.end.astype(int))),
            "tool": _stance_label(stances), "_order": (article_id, sentence_id, source, target),
        })
    return pd.DataFrame(units, columns=columns)


def _role_units(tables) -> pd.DataFrame:
    roles = _table(tables, "roles", "role")
    sentences = _sentences(tables, "role")
    mentions = _table(tables, "mentions", "role")
    units = []
    for r in roles.itertuples():
        own = mentions[(mentions.article_id == r.article_id) & (mentions.actor == r.actor)]
        parts = []
        for sentence_id, spans in own.groupby("sentence_id", sort=True):
            start, text = sentences.get((str(r.article_id), int(sentence_id)), (0, ""))
            parts.append(_mark(text, start, zip(spans.start.astype(int), spans.end.astype(int))))
        units.append({
            "unit_id": f"{r.article_id}:{r.actor}", "article_id": str(r.article_id), "actor": r.actor,
            "context": _GAP.join(parts), "tool": r.main_role, "_order": (str(r.article_id), str(r.actor)),
        })
    return pd.DataFrame(units)


def _frame_units(tables) -> pd.DataFrame:
    sentences = _table(tables, "sentences", "frame")
    frames = _table(tables, "frames", "frame")
    rows = frames[(frames.level == "sentence") & (frames.scheme == FRAME_SCHEME)]
    order = {frame: i for i, frame in enumerate(TASKS["frame"])}
    # top frame of each sentence: highest score, ties to the scheme's first frame (never by name)
    rows = rows.assign(_rank=rows.frame.map(order).fillna(len(order)), score=rows.score.astype(float))
    top = rows.sort_values(["score", "_rank"], ascending=[False, True]).drop_duplicates(["article_id", "sentence_id"])
    top = {(str(r.article_id), int(r.sentence_id)): str(r.frame) for r in top.itertuples()}
    # a run without the generic_news scheme says nothing about these frames: no tool label, not "none"
    default = "none" if (frames.scheme == FRAME_SCHEME).any() else ""
    units = [{
        "unit_id": f"{r.article_id}:s{int(r.sentence_id)}", "article_id": str(r.article_id),
        "sentence_id": int(r.sentence_id), "context": re.sub(r"\s+", " ", str(r.text)).strip(),
        "tool": top.get((str(r.article_id), int(r.sentence_id)), default),
        "_order": (str(r.article_id), int(r.sentence_id)),
    } for r in sentences.itertuples()]
    return pd.DataFrame(units)


_UNITS = {"sentiment": _sentiment_units, "stance": _stance_units, "role": _role_units, "frame": _frame_units}


def _units(tables, task: str) -> pd.DataFrame:
    _check_task(task)
    units = _UNITS[task](tables)
    if units.empty:
        return pd.DataFrame(columns=[*SHEET_COLUMNS[task], "tool"])
    units = units.iloc[sorted(range(len(units)), key=lambda i: units["_order"].iat[i])].drop(columns="_order")
    return units.drop_duplicates("unit_id", keep="first").reset_index(drop=True).assign(task=task)


def coding_sheet(analysis_tables, task: str, *, coder: str = "", sample: int | None = None,
                 seed: int = 0) -> pd.DataFrame:
    """The units of a task to code by hand, with the context a coder needs and
    an empty ``label`` column (the tool's labels are left out).

    Parameters
    ----------
    analysis_tables
        An :class:`~analysis.pipeline.Analysis`, a dict of its tables
        (``sentences`` and ``sentiment``, ``stance`` + ``mentions``,
        ``roles`` + ``mentions`` or ``frames``), or a results folder written
        by ``python -m analysis run``.
    task
        ``sentiment``, ``stance``, ``role`` or ``frame`` (see :data:`TASKS`).
    coder
        Name written in the ``coder`` column (each coder codes their own copy).
    sample
        Code a random sample of this many units (all units if ``None`` or more
        than there are). The sample depends only on the units and ``seed``,
        not on the order of the input rows.
    seed
        Seed of the sample.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SHEET_COLUMNS` ``[task]``, units in text order; ``context``
        is the sentence (for roles: every sentence mentioning the actor, joined
        by " … ") with the target marked ⟦ ⟧ (a frame unit is the sentence
        itself: nothing is marked).

    Examples
    --------
    >>> tables = {"roles": pd.DataFrame({"article_id": ["a", "a"], "actor": ["bo", "ann"],
    ...                                  "main_role": ["innocent", "protagonist"]}),
    ...           "mentions": pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0], "end": [3],
    ...                                     "actor": ["ann"]}),
    ...           "sentences": pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0], "end": [9],
    ...                                      "text": ["Ann left."]})}
    >>> coding_sheet(tables, "role", coder="ana")[["unit_id", "context", "label", "coder"]].values.tolist()
    [['a:ann', '⟦Ann⟧ left.', '', 'ana'], ['a:bo', '', '', 'ana']]
    """
    units = _units(analysis_tables, task)
    if sample is not None:
        if isinstance(sample, bool) or not isinstance(sample, int | np.integer) or sample < 1:
            raise AnalysisError(f"sample must be a whole number of units >= 1 or None, not {sample!r}",
                                source="sample")
        if sample < len(units):
            units = units.sample(n=int(sample), random_state=seed).sort_index()
    sheet = units.assign(label="", coder=coder, note="")[SHEET_COLUMNS[task]]
    return sheet.reset_index(drop=True)


def tool_labels(analysis_tables, task: str) -> pd.DataFrame:
    """The tool's label of every unit of a task, with the unit ids of :func:`coding_sheet`.

    A stance unit with several edges (e.g. a favorable quote and a hostile
    relation cue in one sentence) gets the aggregated label, by the rule of
    ``stance_summary`` (net = (favor - against) / n; favor or against when
    |net| >= 0.2, else neutral). A frame unit (a sentence) gets the frame of
    the ``generic_news`` scheme with the highest score in it (ties: the
    scheme's first), ``none`` when no frame matched, and no label when the
    run did not apply that scheme.

    Returns
    -------
    pandas.DataFrame
        Columns ``unit_id, coder, label, task``; ``coder`` is :data:`TOOL`, so
        the table can go wherever a coder's codes go.

    Examples
    --------
    >>> edges = pd.DataFrame({"article_id": ["a", "a"], "source_actor": ["ann", "ann"], "target_actor": ["bo", "bo"],
    ...                       "stance": ["favor", "against"], "sentence_id": [2, 2], "source_name": ["", ""],
    ...                       "target_name": ["", ""]})
    >>> tool_labels({"stance": edges, "sentences": pd.DataFrame(columns=["article_id", "sentence_id", "start",
    ...             "end", "text"]), "mentions": pd.DataFrame(columns=["article_id", "sentence_id", "start", "end",
    ...             "actor", "text", "canonical"])}, "stance").values.tolist()
    [['a:s2:ann>bo', 'tool', 'neutral', 'stance']]
    """
    units = _units(analysis_tables, task)
    return pd.DataFrame({"unit_id": units.unit_id, "coder": TOOL, "label": units.tool, "task": task},
                        columns=["unit_id", "coder", "label", "task"])


# --------------------------------------------------------------------------- files


def _atomic_write(frame: pd.DataFrame, path: Path) -> None:
    """A half-written sheet must never replace a coder's file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    # utf-8-sig: the byte-order mark makes Excel read UTF-8 (⟦ ⟧, accents);
    # LibreOffice, Google Sheets and pandas read it too.
    frame.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    os.replace(tmp, path)


def _coded(frame: pd.DataFrame) -> pd.Series:
    return frame["label"].fillna("").astype(str).str.strip() != ""


def save_sheet(sheet: pd.DataFrame, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a coding sheet as a UTF-8 CSV for spreadsheets, never losing codes.

    If ``path`` already holds codes (a coder's earlier work), they are kept:
    the labels, coder names and notes of the same units are carried into the
    file written. If the file holds codes of units that are not on ``sheet``
    (e.g. another sample), nothing is written and an error says so; pass
    ``overwrite=True`` to replace the file with ``sheet`` as it is.

    Parameters
    ----------
    sheet
        From :func:`coding_sheet` (or a coded copy of it).
    path
        ``.csv`` file; folders are created.
    overwrite
        Write ``sheet`` as it is, whatever the file holds.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> sheet = pd.DataFrame({"unit_id": ["a:bo"], "task": ["role"], "label": [""], "coder": ["ana"]})
    >>> path = Path(tempfile.mkdtemp()) / "role_ana.csv"
    >>> _ = save_sheet(sheet.assign(label="innocent"), path)
    >>> load_codes(save_sheet(sheet, path)).label.tolist()  # the code survives a second save
    ['innocent']
    """
    missing = [c for c in ("unit_id", "task", "label", "coder") if c not in sheet.columns]
    if missing:
        raise AnalysisError(f"not a coding sheet: missing column(s) {', '.join(missing)}; make one with "
                            "coding_sheet()", source="sheet")
    path = Path(path)
    sheet = sheet.copy()
    if path.exists() and not overwrite:
        sheet = _carry_codes(sheet, path)
    _atomic_write(sheet, path)
    return path


def _carry_codes(sheet: pd.DataFrame, path: Path) -> pd.DataFrame:
    """``sheet`` with the codes already in ``path`` (same unit ids) filled in."""
    old = load_codes(path)
    old = old[_coded(old)].drop_duplicates("unit_id", keep="last").set_index("unit_id")
    lost = sorted(set(old.index) - set(sheet.unit_id))
    if lost:
        raise AnalysisError(
            f"already holds {len(lost)} code(s) of units not on this sheet (e.g. {lost[0]!r}); "
            "save to another file, or pass overwrite=True to replace it", source=str(path))
    sheet = sheet.copy()
    for column in _CODER_COLUMNS:
        if column not in sheet.columns:
            sheet[column] = ""
        sheet[column] = sheet[column].fillna("").astype(str)
        if column in old.columns:
            carried = sheet.unit_id.map(old[column])
            sheet[column] = carried.where(sheet.unit_id.isin(old.index), sheet[column]).fillna("").astype(str)
    return sheet


def _rows(index: Iterable[int]) -> list[int]:
    """Spreadsheet row numbers of data rows (the header is row 1)."""
    return [int(i) + 2 for i in index]


def _validate(frame: pd.DataFrame, source: str, task: str | None, *, need_task: bool) -> pd.DataFrame:
    required = ["unit_id", "label", "coder"] + (["task"] if need_task and task is None else [])
    missing = [c for c in required if c not in frame.columns]
    if missing:
        hint = " (or pass task= to load_codes)" if "task" in missing else ""
        raise AnalysisError(f"missing column(s) {', '.join(repr(c) for c in missing)}{hint}; codes need the columns "
                            f"{', '.join(required)}", source=source)
    frame = frame.reset_index(drop=True).copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].fillna("").astype(str)
    frame["label"] = frame["label"].astype(str).str.strip().str.lower()
    frame["coder"] = frame["coder"].astype(str).str.strip()
    frame["unit_id"] = frame["unit_id"].astype(str).str.strip()
    if "task" in frame.columns:
        frame["task"] = frame["task"].astype(str).str.strip()
        found = sorted(set(frame.task) - {""})
        unknown = [t for t in found if t not in TASKS]
        if unknown:
            rows = _rows(frame.index[frame.task.isin(unknown)])
            raise AnalysisError(f"unknown task {unknown[0]!r} at row {rows[0]}; valid tasks: {', '.join(TASKS)}",
                                source=source)
        if task is not None and found and found != [task]:
            other = next(t for t in found if t != task)
            row = _rows(frame.index[frame.task == other])[0]
            raise AnalysisError(f"row {row} is a {other!r} unit, but task {task!r} was asked for", source=source)
        if task is None and len(found) > 1:
            raise AnalysisError(f"mixes tasks {', '.join(found)}; one file per task", source=source)
        task = task or (found[0] if found else None)
    if task is not None:
        _check_task(task)
        frame["task"] = task
    empty_id = frame.index[frame.unit_id == ""]
    if len(empty_id):
        raise AnalysisError(f"no unit_id at row(s) {', '.join(map(str, _rows(empty_id)))}", source=source)
    coded = frame.label != ""
    if task is not None:
        bad = frame.index[coded & ~frame.label.isin(TASKS[task])]
        if len(bad):
            listed = ", ".join(f"row {row} {frame.label[i]!r}" for row, i in zip(_rows(bad), bad))
            raise AnalysisError(f"{len(bad)} label(s) not valid for task {task!r}: {listed}; valid labels: "
                                f"{', '.join(TASKS[task])}", source=source)
    nameless = frame.index[coded & (frame.coder == "")]
    if len(nameless):
        raise AnalysisError(f"coded row(s) {', '.join(map(str, _rows(nameless)))} have no coder name; fill the "
                            "'coder' column", source=source)
    return frame


def load_codes(path: str | Path, *, task: str | None = None) -> pd.DataFrame:
    """Read a coded sheet (CSV) and check it.

    Labels are read case-insensitively (``Positive`` -> ``positive``) and
    empty labels mean "not coded yet". Every cell is read as text, so a role
    coded ``none`` stays ``none``.

    Parameters
    ----------
    path
        A CSV written by :func:`save_sheet` and filled in a spreadsheet or
        with :func:`coding_form`.
    task
        The task, if the file has no ``task`` column.

    Returns
    -------
    pandas.DataFrame
        The sheet, one row per unit in file order (uncoded rows included).

    Raises
    ------
    AnalysisError
        Naming the file and the spreadsheet row (the header is row 1): missing
        columns, unknown task, labels not valid for the task (all listed),
        coded rows with no coder name.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "codes.csv"
    >>> _ = path.write_text("unit_id,task,label,coder\\na:1-2:x,sentiment,Positive,ana\\na:3-4:y,sentiment,good,ana\\n")
    >>> load_codes(path)
    Traceback (most recent call last):
    ...
    analysis.errors.AnalysisError: ...codes.csv: 1 label(s) not valid for task 'sentiment': row 3 'good'; ...
    """
    path = Path(path)
    if not path.is_file():
        raise AnalysisError("no such coding sheet", source=str(path))
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise AnalysisError(f"not a readable UTF-8 CSV ({type(exc).__name__}: {exc}); save it from the "
                            "spreadsheet as 'CSV UTF-8'", source=str(path)) from exc
    return _validate(frame, str(path), task, need_task=True)


# --------------------------------------------------------------------------- coding in a notebook


class CodingSession:
    """The state of a coding form: one unit at a time, saved after every code.

    The widget of :func:`coding_form` only calls this class, so coding can be
    tested (and scripted) without a browser.

    Parameters
    ----------
    sheet
        From :func:`coding_sheet`.
    path
        The CSV to save to after every code (``None``: keep in memory). If it
        already holds codes of these units, the session resumes with them.
    coder
        The coder's name; by default the name on the sheet.

    Examples
    --------
    >>> sheet = pd.DataFrame({"unit_id": ["a:ann", "a:bo"], "task": "role", "context": ["..", ".."],
    ...                       "label": "", "coder": "ana", "note": ""})
    >>> session = CodingSession(sheet)
    >>> session.progress, session.current.unit_id
    ('1 / 2', 'a:ann')
    >>> session.code("protagonist").progress, session.n_coded
    ('2 / 2', 1)
    """

    def __init__(self, sheet: pd.DataFrame, path: str | Path | None = None, *, coder: str | None = None):
        if sheet.empty:
            raise AnalysisError("the coding sheet has no units", source="sheet")
        tasks = sorted(set(sheet["task"])) if "task" in sheet.columns else []
        if len(tasks) != 1 or tasks[0] not in TASKS:
            raise AnalysisError(f"a coding sheet needs one task in its 'task' column, found {tasks}; valid: "
                                f"{', '.join(TASKS)}", source="sheet")
        self.task = tasks[0]
        self.labels = TASKS[self.task]
        self.path = Path(path) if path is not None else None
        sheet = sheet.reset_index(drop=True).copy()
        for column in _CODER_COLUMNS:
            sheet[column] = sheet[column].fillna("").astype(str) if column in sheet.columns else ""
        if self.path is not None and self.path.exists():
            sheet = _carry_codes(sheet, self.path)
        names = sorted(set(sheet.coder) - {""})
        self.coder = (coder or (names[0] if len(names) == 1 else "")).strip()
        if not self.coder:
            raise AnalysisError("no coder name: pass coder= or fill the sheet's 'coder' column "
                                f"(found {names or 'none'})", source="coder")
        self.sheet = sheet
        uncoded = np.flatnonzero(~_coded(sheet).to_numpy())
        self.position = int(uncoded[0]) if len(uncoded) else 0

    @property
    def total(self) -> int:
        """Number of units on the sheet."""
        return len(self.sheet)

    @property
    def n_coded(self) -> int:
        """Number of units coded so far."""
        return int(_coded(self.sheet).sum())

    @property
    def current(self) -> pd.Series:
        """The unit shown now (a row of the sheet)."""
        return self.sheet.iloc[self.position]

    @property
    def progress(self) -> str:
        """Position as ``"12 / 40"`` (1-based)."""
        return f"{self.position + 1} / {self.total}"

    @property
    def done(self) -> bool:
        """Every unit is coded."""
        return self.n_coded == self.total

    def code(self, label: str) -> CodingSession:
        """Give the current unit ``label``, save, and move to the next unit."""
        label = str(label).strip().lower()
        if label not in self.labels:
            raise AnalysisError(f"{label!r} is not a {self.task} label; valid: {', '.join(self.labels)}",
                                source="label")
        self.sheet.loc[self.position, ["label", "coder"]] = [label, self.coder]
        self.save()
        self.next()
        return self

    def next(self) -> bool:
        """Move to the next unit; ``False`` (and stay) at the last one."""
        if self.position + 1 >= self.total:
            return False
        self.position += 1
        return True

    def back(self) -> bool:
        """Move to the previous unit; ``False`` (and stay) at the first one."""
        if self.position == 0:
            return False
        self.position -= 1
        return True

    def save(self) -> Path | None:
        """Write the sheet to ``path`` (nothing without a path)."""
        if self.path is None:
            return None
        return save_sheet(self.sheet, self.path, overwrite=True)


def _context_html(context: str) -> str:
    html = escape(context)
    return html.replace(_OPEN, "<mark><b>").replace(_CLOSE, "</b></mark>")


def coding_form(sheet: pd.DataFrame, path: str | Path, *, coder: str | None = None):
    """An ipywidgets form to code a sheet in a notebook, one unit at a time.

    Shows the question, the unit (actor, mention or source -> target) and its
    context with the target highlighted, one button per label (the unit's
    current label is highlighted), previous / next and the progress
    ("12 / 40 · 11 coded"). Every click on a label saves the sheet to ``path``
    and moves on; reopening the form resumes at the first uncoded unit.

    Parameters
    ----------
    sheet
        From :func:`coding_sheet`.
    path
        CSV to save to (a coder's own file); codes already in it are kept.
    coder
        The coder's name, if not on the sheet.

    Returns
    -------
    ipywidgets.VBox
        The form; its ``session`` attribute is the :class:`CodingSession`.
        Run headless (papermill, nbconvert) it renders nothing and waits for
        nothing.

    Examples
    --------
    >>> import tempfile
    >>> sheet = pd.DataFrame({"unit_id": ["a:ann", "a:bo"], "task": "role", "actor": ["ann", "bo"],
    ...                       "context": ["⟦Ann⟧ left.", "⟦Bo⟧ stayed."], "label": "", "coder": "ana", "note": ""})
    >>> path = Path(tempfile.mkdtemp()) / "role_ana.csv"
    >>> form = coding_form(sheet, path)
    >>> protagonist = form.children[4].children[0]
    >>> protagonist.click()
    >>> form.session.progress, load_codes(path).label.tolist()
    ('2 / 2', ['protagonist', ''])
    """
    try:
        import ipywidgets as w
    except ImportError as exc:  # optional in a bare install: the CSV route still works
        raise ImportError("coding_form needs ipywidgets (pip install ipywidgets, then restart the kernel); "
                          "or code the CSV from save_sheet() in a spreadsheet") from exc
    session = CodingSession(sheet, path, coder=coder)
    info_columns = [c for c in SHEET_COLUMNS[session.task] if c not in
                    ("unit_id", "task", "context", "label", "coder", "note", "sentence_id")]
    header, question = w.HTML(), w.HTML(f"<b>{escape(QUESTIONS[session.task])}</b>")
    info, context, status = w.HTML(), w.HTML(), w.HTML()
    buttons = [w.Button(description=label, tooltip=f"code as {label} and go on") for label in session.labels]
    back, forward = w.Button(description="◀ previous"), w.Button(description="next ▶")

    def show(message: str = "") -> None:
        unit = session.current
        header.value = (f"<b>{session.progress}</b> · {session.n_coded} coded · coder "
                        f"<code>{escape(session.coder)}</code> · unit <code>{escape(unit.unit_id)}</code>")
        info.value = " · ".join(f"{c}: <b>{escape(str(unit.get(c, '')))}</b>" for c in info_columns)
        context.value = f"<blockquote>{_context_html(str(unit.get('context', '')))}</blockquote>"
        for button in buttons:
            button.button_style = "info" if button.description == unit.label else ""
        status.value = escape(message)

    def on_label(button) -> None:
        was_last = session.position + 1 == session.total
        session.code(button.description)
        saved = f"saved to {session.path}"
        show(f"{saved}; every unit is coded" if session.done else f"{saved}; last unit" if was_last else saved)

    for button in buttons:
        button.on_click(on_label)
    back.on_click(lambda _: show("" if session.back() else "first unit"))
    forward.on_click(lambda _: show("" if session.next() else "last unit"))
    show()
    form = w.VBox([header, question, info, context, w.HBox(buttons), w.HBox([back, forward]), status])
    form.session = session
    return form


# --------------------------------------------------------------------------- agreement


def merge_codes(frames_or_paths) -> pd.DataFrame:
    """Every coder's codes in one long table: one row per (unit, coder).

    Parameters
    ----------
    frames_or_paths
        Coded sheets (paths to CSVs, read with :func:`load_codes`, or
        DataFrames with ``unit_id, coder, label``), one or a list. Coders may
        have coded different units; uncoded rows are dropped.

    Returns
    -------
    pandas.DataFrame
        ``unit_id, coder, label, task, source, note``; ``source`` is the file
        and row. A unit coded more than once by the same coder keeps the last
        code (in the order given) and says so in ``note``; a warning counts them.

    Examples
    --------
    >>> a = pd.DataFrame({"unit_id": ["u1", "u2", "u1"], "coder": "ana", "label": ["positive", "neutral", "negative"]})
    >>> b = pd.DataFrame({"unit_id": ["u2", "u3"], "coder": "ben", "label": ["neutral", "positive"]})
    >>> with warnings.catch_warnings(record=True):
    ...     merged = merge_codes([a, b])
    >>> merged[["unit_id", "coder", "label", "note"]].values.tolist()
    [['u1', 'ana', 'negative', 'coded 2 times by ana; kept the last (<frame 1> row 4)'],
     ['u2', 'ana', 'neutral', ''], ['u2', 'ben', 'neutral', ''], ['u3', 'ben', 'positive', '']]
    """
    if isinstance(frames_or_paths, pd.DataFrame | str | os.PathLike):
        frames_or_paths = [frames_or_paths]
    parts = []
    for n, item in enumerate(frames_or_paths, start=1):
        if isinstance(item, pd.DataFrame):
            source = f"<frame {n}>"
            frame = _validate(item, source, None, need_task=False)
        else:
            source = str(item)
            frame = load_codes(item)
        frame = frame.assign(source=[f"{source} row {row}" for row in _rows(frame.index)])
        if "task" not in frame.columns:
            frame["task"] = ""
        parts.append(frame[_coded(frame)][["unit_id", "coder", "label", "task", "source"]])
    columns = ["unit_id", "coder", "label", "task", "source", "note"]
    if not parts:
        return pd.DataFrame(columns=columns)
    codes = pd.concat(parts, ignore_index=True)
    tasks = sorted(set(codes.task) - {""})
    if len(tasks) > 1:
        where = {t: codes.source[codes.task == t].iloc[0] for t in tasks}
        raise AnalysisError("codes of different tasks: " + "; ".join(f"{t} ({where[t]})" for t in tasks),
                            source="merge_codes")
    counts = codes.groupby(["unit_id", "coder"]).unit_id.transform("size")
    codes = codes.drop_duplicates(["unit_id", "coder"], keep="last").copy()
    repeated = counts.loc[codes.index]
    codes["note"] = [f"coded {k} times by {c}; kept the last ({s})" if k > 1 else ""
                     for k, c, s in zip(repeated, codes.coder, codes.source)]
    if (repeated > 1).any():
        warnings.warn(f"{int((repeated > 1).sum())} unit(s) coded more than once by the same coder; kept the last "
                      "code of each (see the 'note' column)", UserWarning, stacklevel=2)
    return codes.sort_values(["unit_id", "coder"])[columns].reset_index(drop=True)


def _pair_stats(triples: list[tuple[str, str, str]], a: str, b: str) -> dict:
    """n, percent agreement, Cohen's kappa and alpha of two coders over their shared units."""
    from nltk.metrics.agreement import AnnotationTask

    n = len(triples) // 2
    row = {"a": a, "b": b, "n": n, "percent_agreement": math.nan, "kappa": math.nan, "alpha": math.nan, "note": ""}
    if n == 0:
        row["note"] = "no units coded by both"
        return row
    task = AnnotationTask(data=triples)
    row["percent_agreement"] = round(100 * task.Ao(a, b), 2)
    labels = sorted(task.K)
    notes = []
    if math.isclose(task.Ae_kappa(a, b), 1.0):
        notes.append(f"kappa undefined: both coded every unit {labels[0]!r} (chance agreement is 1)")
    else:
        row["kappa"] = task.kappa_pairwise(a, b)
    if len(labels) == 1:
        notes.append(f"alpha undefined: one label only ({labels[0]!r})")
    else:
        row["alpha"] = task.alpha()
    row["note"] = "; ".join(notes)
    return row


def _overall(codes: pd.DataFrame) -> dict:
    """Alpha over all coders; percent of pairable units on which all coders agree."""
    from nltk.metrics.agreement import AnnotationTask

    coders = sorted(set(codes.coder))
    per_unit = codes.groupby("unit_id").label.agg(["size", "nunique"])
    pairable = per_unit[per_unit["size"] >= 2]
    row = {"a": "(all coders)", "b": "", "n": len(pairable), "percent_agreement": math.nan, "kappa": math.nan,
           "alpha": math.nan, "note": ""}
    if len(coders) < 2:
        row["note"] = f"alpha needs at least 2 coders (found {len(coders)}{': ' if coders else ''}{', '.join(coders)})"
    elif pairable.empty:
        row["note"] = "no unit coded by 2 or more coders"
    else:
        row["percent_agreement"] = round(100 * float((pairable["nunique"] == 1).mean()), 2)
        values = codes[codes.unit_id.isin(pairable.index)]
        if values.label.nunique() == 1:
            row["note"] = f"alpha undefined: one label only ({values.label.iloc[0]!r})"
        else:
            row["alpha"] = AnnotationTask(data=list(zip(values.coder, values.unit_id, values.label))).alpha()
        row["note"] = "; ".join(filter(None, [row["note"], f"{len(coders)} coders; kappa is per pair"]))
    return row


def agreement(codes: pd.DataFrame, *, tool: pd.DataFrame | None = None) -> pd.DataFrame:
    """Agreement of every pair of coders, each coder and the tool, and all coders together.

    Parameters
    ----------
    codes
        Long form ``unit_id, coder, label`` (:func:`merge_codes`).
    tool
        The tool's labels ``unit_id, label`` (:func:`tool_labels`): adds a row
        per coder against :data:`TOOL`.

    Returns
    -------
    pandas.DataFrame
        ``a, b, n, percent_agreement, kappa, alpha, note``: one row per pair of
        coders (over the ``n`` units both coded), one per coder vs ``tool``,
        and a last row ``(all coders)`` with Krippendorff's alpha (nominal)
        over every human coder (``n`` units coded by two or more of them;
        percent agreement = share of those units on which all agree).
        Undefined values are NaN and the ``note`` says why.

    Examples
    --------
    >>> codes = pd.DataFrame({"unit_id": [1, 2, 3, 4] * 2, "coder": ["ana"] * 4 + ["ben"] * 4,
    ...                       "label": ["favor", "favor", "against", "neutral",
    ...                                 "favor", "against", "against", "neutral"]})
    >>> agreement(codes).round(3)[["a", "b", "n", "percent_agreement", "kappa", "alpha"]].values.tolist()
    [['ana', 'ben', 4, 75.0, 0.636, 0.667], ['(all coders)', '', 4, 75.0, nan, 0.667]]

    Notes
    -----
    Cohen's kappa (Cohen 1960) per pair; Krippendorff's alpha (Krippendorff
    2004, 2011) per pair and overall, both from NLTK's ``AnnotationTask``
    with ``(coder, unit, label)`` triples. See the module notes for the
    undefined cases and the reading of alpha.
    """
    missing = [c for c in ("unit_id", "coder", "label") if c not in codes.columns]
    if missing:
        raise AnalysisError(f"codes need the columns unit_id, coder, label; missing {', '.join(missing)}",
                            source="codes")
    codes = codes[_coded(codes)][["unit_id", "coder", "label"]].astype(str)
    doubled = codes[codes.duplicated(["unit_id", "coder"], keep=False)]
    if not doubled.empty:
        raise AnalysisError(f"coder {doubled.coder.iloc[0]!r} coded unit {doubled.unit_id.iloc[0]!r} more than once; "
                            "combine files with merge_codes()", source="codes")
    coders = sorted(set(codes.coder))
    if tool is not None and TOOL in coders:
        raise AnalysisError(f"a coder is named {TOOL!r}, the name of the tool's labels; rename the coder",
                            source="codes")
    by_coder = {c: dict(zip(g.unit_id, g.label)) for c, g in codes.groupby("coder")}
    pairs = list(itertools.combinations(coders, 2))
    if tool is not None:
        tool = tool[_coded(tool)]
        by_coder[TOOL] = dict(zip(tool.unit_id.astype(str), tool.label.astype(str)))
        pairs += [(c, TOOL) for c in coders]
    rows = []
    for a, b in pairs:
        shared = sorted(by_coder[a].keys() & by_coder[b].keys())
        triples = [(c, u, by_coder[c][u]) for u in shared for c in (a, b)]
        rows.append(_pair_stats(triples, a, b))
    rows.append(_overall(codes))
    table = pd.DataFrame(rows, columns=["a", "b", "n", "percent_agreement", "kappa", "alpha", "note"])
    return table.astype({"percent_agreement": float, "kappa": float, "alpha": float})


def _one_coder(codes: pd.DataFrame, coder: str | None, which: str) -> tuple[str, dict]:
    codes = codes[_coded(codes)]
    if coder is not None:
        codes = codes[codes.coder == coder]
        name = coder
    else:
        names = sorted(set(codes.coder)) if "coder" in codes.columns else []
        if len(names) > 1:
            raise AnalysisError(f"{which} holds codes of {len(names)} coders ({', '.join(names)}); pick one with "
                                f"coder_{which[-1]}=", source=which)
        name = names[0] if names else which
    return name, dict(zip(codes.unit_id.astype(str), codes.label.astype(str)))


def confusion(codes_a: pd.DataFrame, codes_b: pd.DataFrame, *, coder_a: str | None = None,
              coder_b: str | None = None, labels: Iterable[str] | None = None) -> pd.DataFrame:
    """Confusion table of two coders (or a coder and the tool) over the units both coded.

    Parameters
    ----------
    codes_a, codes_b
        Codes with ``unit_id, label`` (and ``coder``): e.g. :func:`merge_codes`
        and :func:`tool_labels`.
    coder_a, coder_b
        The coder to take from a table that holds several.
    labels
        Row and column order (default: the task's labels when the codes say
        their task, else the labels found, sorted). Labels never used still
        get a row and a column.

    Returns
    -------
    pandas.DataFrame
        Counts; rows are ``a``'s labels (index named after coder a), columns
        ``b``'s; the diagonal is agreement.

    Examples
    --------
    >>> a = pd.DataFrame({"unit_id": ["u1", "u2", "u3"], "coder": "ana", "label": ["favor", "against", "favor"]})
    >>> b = pd.DataFrame({"unit_id": ["u1", "u2", "u4"], "coder": "tool", "label": ["favor", "favor", "neutral"]})
    >>> confusion(a, b, labels=["favor", "against", "neutral"])
    tool     favor  against  neutral
    ana
    favor        1        0        0
    against      1        0        0
    neutral      0        0        0
    """
    name_a, a = _one_coder(codes_a, coder_a, "codes_a")
    name_b, b = _one_coder(codes_b, coder_b, "codes_b")
    shared = sorted(a.keys() & b.keys())
    if labels is None:
        tasks = {t for frame in (codes_a, codes_b) if "task" in frame.columns for t in frame.task if t in TASKS}
        labels = TASKS[tasks.pop()] if len(tasks) == 1 else sorted({a[u] for u in shared} | {b[u] for u in shared})
    labels = list(labels)
    table = pd.DataFrame(0, index=pd.Index(labels, name=name_a), columns=pd.Index(labels, name=name_b))
    for unit in shared:
        if a[unit] not in table.index or b[unit] not in table.columns:
            raise AnalysisError(f"unit {unit!r}: label {a[unit]!r} / {b[unit]!r} not among {labels}", source="labels")
        table.loc[a[unit], b[unit]] += 1
    return table


def units_origin(sheet: pd.DataFrame, articles: pd.DataFrame) -> str:
    """What a sheet's units are and where they come from, for a figure: how
    many from each real article's outlet and how many from texts we wrote
    ourselves.

    ``articles`` is the run's articles table (``article_id``, ``outlet``,
    ``constructed``).

    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["CNN", "x", "y"],
    ...                      "constructed": [False, True, True]})
    >>> units_origin(pd.DataFrame({"task": "sentiment", "article_id": ["a", "a", "b", "c"]}), arts)
    '4 actor mentions: 2 from CNN, 2 from 2 constructed texts'
    """
    meta = articles.set_index(articles.article_id.astype(str))
    parts, made = [], {}
    for article, n in sheet.article_id.astype(str).value_counts(sort=False).items():
        constructed = article in meta.index and bool(meta.loc[article, "constructed"])
        if constructed:
            made[article] = n
        else:
            outlet = str(meta.loc[article, "outlet"]) if article in meta.index else ""
            parts.append(f"{n} from {outlet or article}")
    if made:
        texts = "text" if len(made) == 1 else "texts"
        parts.append(f"{sum(made.values())} from {len(made)} constructed {texts}")
    tasks = set(sheet["task"]) if "task" in sheet else set()
    noun = UNIT_NOUNS.get(next(iter(tasks)), "units") if len(tasks) == 1 else "units"
    return f"{len(sheet)} {noun}: " + ", ".join(parts)


def plot_confusion(table: pd.DataFrame, *, title: str | None = None, task: str = "", units: str = "", ax=None):
    """Heatmap of a :func:`confusion` table, with the counts and the agreement in the
    title (which names the coding ``task``, e.g. "sentiment", where given, and
    where the units come from: ``units``, e.g. from :func:`units_origin`).

    Write it with :func:`analysis.plots.save_figure`.

    Examples
    --------
    >>> table = pd.DataFrame([[3, 1], [0, 2]], index=pd.Index(["favor", "against"], name="ana"),
    ...                      columns=pd.Index(["favor", "against"], name="tool"))
    >>> plot_confusion(table).axes[0].get_title(loc="left")
    'ana vs tool: 5 of 6 units agree (83%)'
    >>> " ".join(plot_confusion(table.rename_axis(index="simulated_1"), task="stance").axes[0].get_title(
    ...     loc="left").split())
    'DEMO, invented codes: stance codes, simulated_1 vs tool: 5 of 6 units agree (83%)'
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    from .plots import title_lines

    if ax is None:
        fig, ax = plt.subplots(figsize=(1.2 * len(table.columns) + 2.5, 1.0 * len(table.index) + 1.8))
    else:
        fig = ax.figure
    n = int(table.to_numpy().sum())
    agree = int(sum(table.loc[label, label] for label in table.index if label in table.columns))
    share = f" ({100 * agree / n:.0f}%)" if n else ""
    sns.heatmap(table, annot=True, fmt="d", cmap="Blues", cbar=False, linewidths=0.5, linecolor="white", ax=ax)
    for i, label in enumerate(table.index):  # outline the diagonal: where the two agree
        if label in table.columns:
            j = list(table.columns).index(label)
            ax.add_patch(plt.Rectangle((j, i), 1, 1, fill=False, edgecolor="#333333", linewidth=1.5))
    name_a, name_b = table.index.name or "a", table.columns.name or "b"

    def axis(name: str) -> str:
        return f"{name} (simulated coder, DEMO)" if str(name).startswith("simulated") else (
            f"{name} (the toolkit's label)" if name == TOOL else name)

    ax.set_ylabel(axis(name_a))
    ax.set_xlabel(axis(name_b))
    demo = "DEMO, invented codes: " if any(str(x).startswith("simulated") for x in (name_a, name_b)) else ""
    what = f"{task} codes, " if task else ""
    text = title or f"{demo}{what}{name_a} vs {name_b}: {agree} of {n} units agree{share}" + (
        f"; units: {units}" if units else "")
    ax.set_title(title_lines(text, fig, width=None), loc="left")
    ax.tick_params(axis="y", rotation=0)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- a machine among the coders


def _kappa_and_percent(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Cohen's kappa and percent agreement of two aligned label arrays (integer codes), as NLTK computes them."""
    observed = float(np.mean(a == b))
    size = int(max(a.max(), b.max())) + 1
    expected = float(np.bincount(a, minlength=size) @ np.bincount(b, minlength=size)) / len(a) ** 2
    kappa = (observed - expected) / (1 - expected) if not math.isclose(expected, 1.0) else math.nan
    return kappa, 100 * observed


def _bootstrap_intervals(a: list[str], b: list[str], n_boot: int, rng: np.random.Generator) -> dict:
    """95% percentile intervals of kappa and percent agreement over resampled units (Efron & Tibshirani 1993)."""
    nan = {"kappa": (math.nan, math.nan), "percent_agreement": (math.nan, math.nan)}
    if not a or n_boot < 1:
        return nan
    _, coded = np.unique(np.array(a + b, dtype=object), return_inverse=True)
    x, y = coded[: len(a)], coded[len(a):]
    draws = np.array([_kappa_and_percent(x[pick], y[pick])
                      for pick in rng.integers(0, len(a), size=(n_boot, len(a)))])
    intervals = {}
    for column, statistic in enumerate(("kappa", "percent_agreement")):
        values = draws[:, column][~np.isnan(draws[:, column])]
        intervals[statistic] = tuple(np.percentile(values, [2.5, 97.5])) if len(values) else (math.nan, math.nan)
    return intervals


def machine_agreement(codes: pd.DataFrame, machine: pd.DataFrame, *, teacher: str | None = None,
                      n_boot: int = 1000, seed: int = 13) -> pd.DataFrame:
    """Agreement of a machine's codes with each coder, beside the coders' agreement with each other.

    Every pair gets the same statistics, computed by :func:`agreement` over
    the units both coded: Cohen's kappa and percent agreement, each with a
    95% bootstrap interval over those units.

    Parameters
    ----------
    codes
        The human coders' codes, long form ``unit_id, coder, label``
        (:func:`merge_codes`).
    machine
        The machine's codes, ``unit_id, label`` (any ``coder`` column is
        ignored; it is named :data:`MACHINE`). To be reported, these must be
        codes of units the machine did not learn from (e.g. the cross-validated
        codes of :func:`analysis.frame_learning.learn_frame_scheme_from_coder`):
        on its own training units a model agrees with its teacher far more than
        on new text.
    teacher
        The coder whose codes the machine learned from: their pair is marked
        ``(teacher)`` and its note says so.
    n_boot
        Bootstrap resamples of the units of each pair (0: no intervals).
    seed
        Seed of the resamples.

    Returns
    -------
    pandas.DataFrame
        Long form, two rows per pair (``statistic`` ``kappa``, then
        ``percent_agreement``, 0-100): ``pair, a, b, statistic, value, low,
        high, n, note``. Pairs of coders come first, then the machine against
        each coder (the teacher first). ``n`` is the number of units both
        coded; an undefined value is NaN and ``note`` says why.

    Raises
    ------
    AnalysisError
        Missing columns, or a coder named :data:`MACHINE` (or ``teacher`` not
        among the coders), naming the argument.

    Examples
    --------
    >>> codes = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u4"] * 2, "coder": ["ana"] * 4 + ["ben"] * 4,
    ...                       "label": ["war", "war", "money", "none", "war", "money", "money", "none"]})
    >>> machine = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u4"], "label": ["war", "war", "money", "war"]})
    >>> table = machine_agreement(codes, machine, teacher="ana", n_boot=0)
    >>> table[table.statistic == "kappa"].round(3)[["pair", "value", "n"]].values.tolist()
    [['ana vs ben', 0.636, 4], ['machine vs ana (teacher)', 0.556, 4], ['machine vs ben', 0.273, 4]]

    Notes
    -----
    Kappa (Cohen 1960) and percent agreement are those of :func:`agreement`
    (NLTK's ``AnnotationTask``); the intervals are bootstrap percentile
    intervals (Efron & Tibshirani 1993) over the units of the pair,
    recomputing kappa with the same formula. They show how much the figures
    would move with another sample of units of the same size, not how far the
    codes are right.
    """
    for name, frame, needed in (("codes", codes, ("unit_id", "coder", "label")),
                                ("machine", machine, ("unit_id", "label"))):
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise AnalysisError(f"{name} need the columns {', '.join(needed)}; missing {', '.join(missing)}",
                                source=name)
    humans = codes[_coded(codes)][["unit_id", "coder", "label"]].astype(str)
    coders = sorted(set(humans.coder))
    if MACHINE in coders:
        raise AnalysisError(f"a coder is named {MACHINE!r}, the name of the machine's codes; rename the coder",
                            source="codes")
    if teacher is not None and teacher not in coders:
        raise AnalysisError(f"teacher {teacher!r} is not among the coders ({', '.join(coders) or 'none'})",
                            source="teacher")
    machine = machine[_coded(machine)][["unit_id", "label"]].astype(str).assign(coder=MACHINE)
    table = agreement(pd.concat([humans, machine], ignore_index=True))
    table = table[table.a != "(all coders)"]
    by_coder = {c: dict(zip(g.unit_id, g.label)) for c, g in pd.concat([humans, machine]).groupby("coder")}
    rng = np.random.default_rng(seed)
    human_pairs, machine_pairs = [], []
    for row in table.itertuples():
        a, b = (row.b, row.a) if row.b == MACHINE else (row.a, row.b)  # the machine first in its pairs
        shared = sorted(by_coder[a].keys() & by_coder[b].keys())
        intervals = _bootstrap_intervals([by_coder[a][u] for u in shared], [by_coder[b][u] for u in shared],
                                         n_boot, rng)
        is_teacher = a == MACHINE and b == teacher
        note = "; ".join(filter(None, [f"the machine learned from {b}'s codes" if is_teacher else "", row.note]))
        for statistic in ("kappa", "percent_agreement"):
            low, high = intervals[statistic]
            value = getattr(row, statistic)
            entry = {"pair": f"{a} vs {b}{' (teacher)' if is_teacher else ''}", "a": a, "b": b,
                     "statistic": statistic, "value": value, "low": low if not math.isnan(value) else math.nan,
                     "high": high if not math.isnan(value) else math.nan, "n": int(row.n), "note": note}
            (machine_pairs if a == MACHINE else human_pairs).append((not is_teacher, entry))
    rows = [entry for _, entry in human_pairs] + [entry for _, entry in sorted(machine_pairs, key=lambda e: e[0])]
    columns = ["pair", "a", "b", "statistic", "value", "low", "high", "n", "note"]
    return pd.DataFrame(rows, columns=columns).astype({"value": float, "low": float, "high": float, "n": int})


def plot_machine_agreement(table: pd.DataFrame, *, title: str | None = None, units: str = "",
                           scheme: str = "frame scheme"):
    """Dot plot of :func:`machine_agreement`: kappa and percent agreement per pair, with intervals and n.

    One panel per statistic, one row per pair (coders' pairs grey, the
    machine's orange), each value as a dot with its 95% bootstrap interval
    and written beside it; the number of units of each pair on the right.
    Titles say DEMO when a coder's name says ``simulated``; ``scheme`` names
    what was learned and ``units`` where the units come from (e.g. from
    :func:`units_origin`). Write it with :func:`analysis.plots.save_figure`.

    Examples
    --------
    >>> table = pd.DataFrame({"pair": ["ana vs ben", "ana vs ben", "machine vs ana", "machine vs ana"],
    ...                       "a": ["ana", "ana", "machine", "machine"], "b": ["ben", "ben", "ana", "ana"],
    ...                       "statistic": ["kappa", "percent_agreement"] * 2, "value": [0.6, 80.0, 0.5, 75.0],
    ...                       "low": [0.4, 70.0, 0.3, 65.0], "high": [0.8, 90.0, 0.7, 85.0], "n": [40] * 4})
    >>> fig = plot_machine_agreement(table)
    >>> [ax.get_xlabel() for ax in fig.axes]
    ["Cohen's kappa (0 = chance, 1 = perfect)", 'percent agreement (% of units)']
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    statistics = {"kappa": ("Cohen's kappa (0 = chance, 1 = perfect)", (-0.2, 1.0)),
                  "percent_agreement": ("percent agreement (% of units)", (0.0, 100.0))}
    unknown = sorted(set(table.statistic) - set(statistics))
    if unknown:
        raise AnalysisError(f"unknown statistic {unknown[0]!r}; plot_machine_agreement draws "
                            f"{', '.join(statistics)} (from machine_agreement)", source="table")
    pairs = list(dict.fromkeys(table.pair))
    shown = [s for s in statistics if s in set(table.statistic)]
    fig, axes = plt.subplots(1, len(shown), figsize=(5.2 * len(shown) + 2.2, 0.55 * len(pairs) + 2.2),
                             sharey=True, squeeze=False)
    colours = {"coders": "#7f7f7f", MACHINE: "#d55e00"}  # colour-blind safe (Okabe & Ito)
    for ax, statistic in zip(axes[0], shown):
        label, (low_limit, high_limit) = statistics[statistic]
        rows = table[table.statistic == statistic].set_index("pair")
        span = high_limit - low_limit
        for y, pair in enumerate(pairs):
            if pair not in rows.index:
                continue
            row = rows.loc[pair]
            colour = colours[MACHINE if row.a == MACHINE else "coders"]
            if pd.isna(row.value):
                ax.text(low_limit + 0.02 * span, y, "undefined (see the table's note)", va="center",
                        fontsize="small", color="#666666")
                continue
            if not (pd.isna(row.low) or pd.isna(row.high)):
                ax.plot([row.low, row.high], [y, y], color=colour, linewidth=2.2, solid_capstyle="butt")
            ax.plot(row.value, y, "o", color=colour, markersize=7, zorder=3)
            right = row.high if not pd.isna(row.high) else row.value
            ax.annotate(f"{row.value:.2f}" if statistic == "kappa" else f"{row.value:.0f}%", (right, y),
                        xytext=(5, 0), textcoords="offset points", va="center", fontsize="small")
        low_limit = min(low_limit, float(np.nanmin([*rows["low"], *rows["value"], low_limit])) - 0.05 * span)
        ax.set_xlim(low_limit, high_limit + 0.12 * span)
        if statistic == "kappa":
            ax.axvline(0, color="#999999", linewidth=0.8, linestyle="--", zorder=0)
        ax.set_xlabel(label)
        ax.grid(axis="x", color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    first, last = axes[0][0], axes[0][-1]
    first.set_yticks(range(len(pairs)))
    first.set_yticklabels(pairs)
    first.set_ylim(len(pairs) - 0.5, -0.5)
    first.tick_params(axis="y", length=0)
    n_of = table.drop_duplicates("pair").set_index("pair")["n"]
    for y, pair in enumerate(pairs):
        last.annotate(f"n={int(n_of[pair])} units", (1.0, y), xycoords=("axes fraction", "data"), xytext=(8, 0),
                      textcoords="offset points", va="center", fontsize="small", color="#555555")
    names = set(table.a) | set(table.b)
    demo = "DEMO, simulated coders: " if any(str(x).startswith("simulated") for x in names) else ""
    n_range = sorted({int(n) for n in table.n})
    n_text = f"{n_range[0]}" if len(n_range) == 1 else f"{n_range[0]}-{n_range[-1]}"
    fig.suptitle(title or f"{demo}does the learned {scheme} (machine) code like the coders?", x=0.01,
                 ha="left", fontsize="large", fontweight="bold")
    origin = f" ({units})" if units else ""  # "60 sentences: 28 from CNN, ..."
    first.set_title(textwrap.fill(
        f"Agreement per pair over the n = {n_text} units both coded{origin}; the machine's codes are held out "
        "(of units it did not learn from). Lines: 95% bootstrap intervals over units.", 120),
        loc="left", fontsize="small", color="#333333", pad=26)
    handles = [Line2D([], [], color=colours["coders"], marker="o", linewidth=2.2, label="coder vs coder"),
               Line2D([], [], color=colours[MACHINE], marker="o", linewidth=2.2, label="machine vs coder")]
    first.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False,
                 fontsize="small", borderaxespad=0.2)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- teaching device


def simulate_coder(sheet: pd.DataFrame, tool: pd.DataFrame, *, agreement_rate: float = 0.8, coder: str = "simulated",
                   seed: int = 0) -> pd.DataFrame:
    """DEMO ONLY: fill an empty sheet as a made-up coder would, for teaching.

    Each unit gets the tool's label with probability ``agreement_rate``, or
    else one of the task's other labels, drawn uniformly (units the tool did
    not label get a uniformly random label). The codes are invented: use them
    to try the agreement workflow when no human has coded yet (the notebooks
    do so when run by the test suite), never as data, and never on a sheet
    that holds real codes (refused).

    Parameters
    ----------
    sheet
        An uncoded sheet from :func:`coding_sheet`.
    tool
        :func:`tool_labels` of the same task.
    agreement_rate
        Probability of copying the tool's label, in [0, 1].
    coder
        Name of the made-up coder (keep "simulated" in it).
    seed
        Same seed, same codes.

    Returns
    -------
    pandas.DataFrame
        The sheet, coded, with ``note`` = ``SIMULATED (demo only)``.

    Examples
    --------
    >>> sheet = pd.DataFrame({"unit_id": ["u1", "u2", "u3"], "task": "stance", "label": "", "coder": "", "note": ""})
    >>> tool = pd.DataFrame({"unit_id": ["u1", "u2", "u3"], "label": ["favor", "against", "favor"]})
    >>> simulate_coder(sheet, tool, agreement_rate=1.0).label.tolist()
    ['favor', 'against', 'favor']
    """
    if not 0.0 <= agreement_rate <= 1.0:
        raise AnalysisError(f"agreement_rate must be in [0, 1], not {agreement_rate!r}", source="agreement_rate")
    if _coded(sheet).any():
        raise AnalysisError(f"simulate_coder fills empty sheets only; this sheet already holds "
                            f"{int(_coded(sheet).sum())} code(s)", source="sheet")
    tasks = sorted(set(sheet["task"])) if "task" in sheet.columns else []
    if len(tasks) != 1 or tasks[0] not in TASKS:
        raise AnalysisError(f"the sheet needs one task in its 'task' column, found {tasks}", source="sheet")
    labels = TASKS[tasks[0]]
    truth = dict(zip(tool.unit_id.astype(str), tool.label.astype(str)))
    rng = np.random.default_rng(seed)
    coded = []
    for unit in sheet.unit_id.astype(str):
        copy, pick = rng.random(), rng.integers(len(labels))
        true = truth.get(unit)
        if true in labels and copy < agreement_rate:
            coded.append(true)
        elif true in labels:
            others = [label for label in labels if label != true]
            coded.append(others[pick % len(others)])
        else:
            coded.append(labels[pick])
    return sheet.assign(label=coded, coder=coder, note="SIMULATED (demo only)")
