"""Coding in a notebook: one unit at a time, saved after every code.

:func:`coding_form` shows a sheet of :func:`analysis.coding.coding_sheet` as
an ipywidgets form (the unit's context with the target marked, the task's
question and labels, a note); every code is written to the sheet's CSV at
once, so closing the notebook loses nothing. :class:`CodingSession` holds the
form's state and can be scripted (and tested) without a browser.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

from .coding import (
    CODER_COLUMNS,
    QUESTIONS,
    SHEET_COLUMNS,
    TARGET_CLOSE,
    TARGET_OPEN,
    TASKS,
    carry_codes,
    is_coded,
    save_sheet,
)
from .errors import AnalysisError

__all__ = ["CodingSession", "coding_form"]


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
        for column in CODER_COLUMNS:
            sheet[column] = sheet[column].fillna("").astype(str) if column in sheet.columns else ""
        if self.path is not None and self.path.exists():
            sheet = carry_codes(sheet, self.path)
        names = sorted(set(sheet.coder) - {""})
        self.coder = (coder or (names[0] if len(names) == 1 else "")).strip()
        if not self.coder:
            raise AnalysisError("no coder name: pass coder= or fill the sheet's 'coder' column "
                                f"(found {names or 'none'})", source="coder")
        self.sheet = sheet
        uncoded = np.flatnonzero(~is_coded(sheet).to_numpy())
        self.position = int(uncoded[0]) if len(uncoded) else 0

    @property
    def total(self) -> int:
        """Number of units on the sheet."""
        return len(self.sheet)

    @property
    def n_coded(self) -> int:
        """Number of units coded so far."""
        return int(is_coded(self.sheet).sum())

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
    return html.replace(TARGET_OPEN, "<mark><b>").replace(TARGET_CLOSE, "</b></mark>")


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
    >>> from analysis.coding import load_codes
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
