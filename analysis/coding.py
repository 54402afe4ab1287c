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
  agreement with the coders :func:`analysis.agreement.machine_agreement`
  reports and :func:`analysis.plots.plot_machine_agreement` draws.

The workflow: :func:`coding_sheet` -> :func:`save_sheet` (a UTF-8 CSV that
opens in any spreadsheet) -> code it in the spreadsheet or with
:func:`analysis.coding_form.coding_form` in a notebook -> :func:`merge_codes`
of every coder's file -> :func:`analysis.agreement.agreement` (and
:func:`~analysis.agreement.confusion`, :func:`analysis.plots.plot_confusion`)
against each other and against :func:`tool_labels`. This module makes and
reads the sheets; :mod:`analysis.agreement` computes the agreement,
:mod:`analysis.coding_form` is the form, and
:func:`analysis.exercises.simulate_coder` fills a sheet for teaching.

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
>>> merge_codes([sheet])[["unit_id", "coder", "label"]].values.tolist()
[['a:0-8:ann', 'ana', 'neutral'], ['a:17-24:bo', 'ana', 'positive']]

Notes
-----
* Semetko, H. A. and Valkenburg, P. M. (2000). Framing European politics: a
  content analysis of press and television news. *Journal of Communication*
  50(2), 93-109.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import AnalysisError
from .roles import MAIN_ROLES
from .summaries import NET_BAND, stance_node
from .types import OTHER_ACTOR, SENTIMENT_LABELS, STANCES

__all__ = [
    "TASKS",
    "QUESTIONS",
    "SHEET_COLUMNS",
    "UNIT_NOUNS",
    "CODER_COLUMNS",
    "TOOL",
    "MACHINE",
    "TARGET_OPEN",
    "TARGET_CLOSE",
    "coding_sheet",
    "tool_labels",
    "save_sheet",
    "load_codes",
    "carry_codes",
    "is_coded",
    "merge_codes",
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
#: Columns of a sheet that the coder fills.
CODER_COLUMNS = ("label", "coder", "note")
#: The marks around the target in a unit's context.
TARGET_OPEN, TARGET_CLOSE = "⟦", "⟧"
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
        out += [text[pos:a], TARGET_OPEN, text[a:b], TARGET_CLOSE]
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


def is_coded(frame: pd.DataFrame) -> pd.Series:
    """Which rows of a sheet hold a code (a non-blank ``label``)."""
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
        sheet = carry_codes(sheet, path)
    _atomic_write(sheet, path)
    return path


def carry_codes(sheet: pd.DataFrame, path: Path) -> pd.DataFrame:
    """``sheet`` with the codes already in ``path`` (same unit ids) filled in."""
    old = load_codes(path)
    old = old[is_coded(old)].drop_duplicates("unit_id", keep="last").set_index("unit_id")
    lost = sorted(set(old.index) - set(sheet.unit_id))
    if lost:
        raise AnalysisError(
            f"already holds {len(lost)} code(s) of units not on this sheet (e.g. {lost[0]!r}); "
            "save to another file, or pass overwrite=True to replace it", source=str(path))
    sheet = sheet.copy()
    for column in CODER_COLUMNS:
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


# --------------------------------------------------------------------------- every coder's codes


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
        parts.append(frame[is_coded(frame)][["unit_id", "coder", "label", "task", "source"]])
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
