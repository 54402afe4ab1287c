"""Agreement between coders, and between coders and the tool or a learned scheme.

The codes come from :func:`analysis.coding.merge_codes` (every coder's coded
sheet, one row per unit and coder); the tool's labels from
:func:`analysis.coding.tool_labels`. :func:`agreement` gives percent
agreement, Cohen's kappa and Krippendorff's alpha per pair and over all
coders, :func:`confusion` the table of two coders' labels (drawn by
:func:`analysis.plots.plot_confusion`), and :func:`machine_agreement` the
agreement of a learned frame scheme with each coder beside the coders'
agreement with each other, with bootstrap intervals (drawn by
:func:`analysis.plots.plot_machine_agreement`).

Examples
--------
>>> codes = pd.DataFrame({"unit_id": ["u1", "u2"], "coder": "ana", "label": ["neutral", "positive"]})
>>> tool = pd.DataFrame({"unit_id": ["u1", "u2"], "label": ["neutral", "positive"]})
>>> table = agreement(codes, tool=tool)
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
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .coding import MACHINE, TASKS, TOOL, UNIT_NOUNS, is_coded
from .errors import AnalysisError

__all__ = ["agreement", "confusion", "units_origin", "machine_agreement"]


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
    codes = codes[is_coded(codes)][["unit_id", "coder", "label"]].astype(str)
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
        tool = tool[is_coded(tool)]
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
    codes = codes[is_coded(codes)]
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
    humans = codes[is_coded(codes)][["unit_id", "coder", "label"]].astype(str)
    coders = sorted(set(humans.coder))
    if MACHINE in coders:
        raise AnalysisError(f"a coder is named {MACHINE!r}, the name of the machine's codes; rename the coder",
                            source="codes")
    if teacher is not None and teacher not in coders:
        raise AnalysisError(f"teacher {teacher!r} is not among the coders ({', '.join(coders) or 'none'})",
                            source="teacher")
    machine = machine[is_coded(machine)][["unit_id", "label"]].astype(str).assign(coder=MACHINE)
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
