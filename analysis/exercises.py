"""Classroom exercises: self-check feedback, and the build of exercise and solution notebooks.

Each exercise is written once, as a source notebook in
``notebooks/exercises/source/``, whose answer cells are tagged ``solution``.
:func:`build_exercises` writes two notebooks from it: the exercise (each
solution cell replaced by the starting point in its ``exercise`` metadata)
and the solutions. ``python -m analysis exercises`` runs it; a test checks
that the committed notebooks are up to date with their sources.

The self-check functions compare a student's answer with what the toolkit
finds and print feedback. The tool is not the truth: where the student and the
tool disagree, the feedback says so and asks the student to look at the
evidence, which is the point of the exercise.

Examples
--------
>>> print(_verdict(3, 4))
3 of 4 (75%)
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd

from .coding import TASKS, is_coded
from .errors import AnalysisError
from .summaries import UNNAMED_SOURCE, speaker_shares
from .types import OTHER_ACTOR

__all__ = ["build_exercises", "check_aliases", "check_voices", "check_framing", "NAMED_METHODS", "simulate_coder"]

#: Mention methods that are ways of naming an actor (not resolved references).
NAMED_METHODS = ("name", "alias", "member", "group_noun", "metonym")


def _verdict(hits: int, total: int) -> str:
    return f"{hits} of {total} ({hits / total:.0%})" if total else "nothing to compare"


def _unanswered(answer) -> bool:
    return answer is None or answer is ... or (hasattr(answer, "__len__") and len(answer) == 0)


def _norm(text: str) -> str:
    text = " ".join(str(text).lower().replace("’", "'").split())
    return text[4:] if text.startswith("the ") else text


def _accepted(accepted: dict | None, key: str) -> dict[str, str]:
    """The defensible alternatives listed for one answer: normalised answer -> why it is defensible."""
    return {_norm(k): v for k, v in ((accepted or {}).get(key) or {}).items()}


def _short(text: object, width: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + " …"


def check_aliases(answer: dict | None, mentions: pd.DataFrame, article_id: str, *, goal: float = 0.8,
                  accepted: dict | None = None) -> bool:
    """Exercise 1: every way the article names each actor.

    Parameters
    ----------
    answer
        Actor id -> the names, aliases, metonyms and group nouns the student
        found in the article.
    mentions
        The tool's ``mentions`` table.
    article_id
        The article of the exercise.
    goal
        Share of the tool's names a student should find.
    accepted
        Actor id -> {name: why a careful reader may count it}: answers the
        exercise accepts although the tool does not match them.

    Returns
    -------
    bool
        Whether every actor of the answer reaches the goal.

    Notes
    -----
    The tool's answer is shown with its evidence (which registry entry
    matched), and every disagreement is put as a question: the tool is not
    the answer key.
    """
    if _unanswered(answer) or not any(answer.values()):
        print("Not answered yet: fill in the names you found, then run this cell again.")
        return False
    rows = mentions[(mentions.article_id == article_id) & mentions.method.isin(NAMED_METHODS)]
    ok = True
    for actor, names in answer.items():
        own = rows[rows.actor == actor]
        tool = {_norm(t) for t in own.text}
        mine = {_norm(n) for n in names}
        defensible = _accepted(accepted, actor)
        both, only_me, only_tool = mine & tool, sorted(mine - tool), sorted(tool - mine)
        reached = len(both) >= goal * len(tool)
        ok &= reached
        print(f"{actor}: you found {_verdict(len(both), len(tool))} of the names the tool matched"
              + (" - well done." if reached else "."))
        for name in only_tool:
            first = own[own.text.map(_norm) == name].iloc[0]
            why = f" ({first.evidence})" if "evidence" in own.columns and str(first.evidence) else ""
            print(f"  the tool also matched {name!r}{why}. Find it in the text: does it name {actor} there?")
        for name in only_me:
            inside = sorted(t for t in tool if t and t in name)
            if name in defensible:
                print(f"  {name!r}: the tool does not match it, but it is a defensible answer: {defensible[name]}")
            elif inside:
                print(f"  {name!r}: the tool matches only {', '.join(repr(t) for t in inside)} inside it (the "
                      "registry lists names, not every phrase around them). Counting the whole phrase is a "
                      "choice: say why you would.")
            else:
                print(f"  {name!r}: the tool did not match it. Is it in the text exactly so, and does it name "
                      f"{actor}? If both, the actor registry lacks it: add it to actors.yaml and run again.")
    return ok


def check_voices(answer: dict | None, quotes: pd.DataFrame, mentions: pd.DataFrame, article_id: str, *,
                 accepted: dict | None = None) -> bool:
    """Exercise 2: who speaks most, and who is only spoken about.

    ``answer`` has ``speaks_most`` (an actor id) and ``only_spoken_about`` (a
    list of actor ids that are mentioned but never quoted). ``accepted``
    maps ``speaks_most`` / ``only_spoken_about`` to {actor id: why a careful
    reader may answer so}. The feedback shows the quotes behind the tool's
    answer, so a student can disagree with reasons.
    """
    if _unanswered(answer) or not answer.get("speaks_most"):
        print("Not answered yet: fill in speaks_most and only_spoken_about, then run this cell again.")
        return False
    own = quotes[quotes.article_id == article_id]
    shares = speaker_shares(own)
    shares = shares[~shares.speaker_actor.isin(["unknown", UNNAMED_SOURCE, OTHER_ACTOR])]
    by_actor = shares.groupby("speaker_actor").words.sum().sort_values(ascending=False, kind="stable")
    most = by_actor.index[0] if len(by_actor) else None
    mentioned = set(mentions[(mentions.article_id == article_id) & (mentions.actor != OTHER_ACTOR)].actor)
    silent = sorted(mentioned - set(by_actor.index))
    counts = ", ".join(f"{a} {int(w)} words in {int((own.speaker_actor == a).sum())} quote(s)"
                       for a, w in by_actor.items())
    mine_most = _norm(answer["speaks_most"])
    ok = mine_most == most
    if ok:
        print(f"Right: by quoted words, {most} speaks most ({counts}).")
    elif mine_most in _accepted(accepted, "speaks_most"):
        ok = True
        print(f"The tool says {most} ({counts}); your {mine_most!r} is defensible: "
              f"{_accepted(accepted, 'speaks_most')[mine_most]}")
    else:
        print(f"The tool says {most}, because of the words it attributes: {counts}. You wrote {mine_most!r}: "
              "look at the speaker of each quote in the table above. Do you agree with the tool?")
    mine = {_norm(a) for a in answer.get("only_spoken_about") or ()}
    defensible = _accepted(accepted, "only_spoken_about")
    if mine == set(silent):
        print(f"Right: {', '.join(silent) or 'nobody'} is mentioned but never quoted.")
        return ok
    print(f"The tool finds these actors mentioned but never quoted: {', '.join(silent) or 'none'}; "
          f"you wrote: {', '.join(sorted(mine)) or 'none'}.")
    for actor in sorted(mine ^ set(silent)):
        if actor in mine:  # the student says silent; the tool has quotes
            said = own[own.speaker_actor == actor]
            lines = "; ".join(f"[{q.kind}] {_short(q.text, 70)}" for q in said.head(3).itertuples())
            evidence = f" The tool counts these as {actor}'s words: {lines}." if len(said) else ""
        else:
            n = int(((mentions.article_id == article_id) & (mentions.actor == actor)).sum())
            evidence = f" The tool finds {actor} mentioned {n} time(s) and no quote with {actor} as the speaker."
        if actor in defensible:
            print(f"  {actor}: defensible: {defensible[actor]}.{evidence}")
        else:
            ok = False
            print(f"  {actor}:{evidence} Do you agree? Check who speaks in each quote.")
    return ok


def check_framing(answer: dict | None, frames: pd.DataFrame, roles: pd.DataFrame, article_a: str, article_b: str,
                  *, scheme: str = "generic_news", actor: str = "lukashenko", accepted: dict | None = None) -> bool:
    """Exercise 3: how the framing changes between two versions of a story.

    ``answer`` has ``leading_frame_a``, ``leading_frame_b`` (frame ids of the
    scheme) and ``role_a``, ``role_b`` (the main role of ``actor`` in each);
    ``accepted`` maps each of these keys to {answer: why it is defensible}.
    The feedback gives the tool's answer with its evidence (indicator words,
    role evidence).
    """
    if _unanswered(answer) or not answer.get("leading_frame_a"):
        print("Not answered yet: fill in the four answers, then run this cell again.")
        return False
    ok = True
    for side, article in (("a", article_a), ("b", article_b)):
        lead = frames[(frames.article_id == article) & (frames.level == "article") & (frames.scheme == scheme)
                      & (frames["rank"] == 1)]
        role = roles[(roles.article_id == article) & (roles.actor == actor)]
        frame_evidence = (f"indicator words: {_short(lead.indicators.iloc[0], 80)}"
                          if len(lead) and "indicators" in lead.columns else "")
        role_evidence = (f"evidence: {_short(role.evidence.iloc[0], 120)}"
                         if len(role) and "evidence" in role.columns else "")
        for key, what, tool, because in (
                (f"leading_frame_{side}", "leading frame", lead.frame.iloc[0] if len(lead) else None, frame_evidence),
                (f"role_{side}", f"role of {actor}", role.main_role.iloc[0] if len(role) else None, role_evidence)):
            mine = answer.get(key)
            defensible = _accepted(accepted, key)
            if mine == tool:
                print(f"article {side} ({article}), {what}: right ({tool}; {because})" if because else
                      f"article {side} ({article}), {what}: right")
            elif mine is not None and _norm(mine) in defensible:
                print(f"article {side} ({article}), {what}: the tool says {tool!r}; your {mine!r} is defensible: "
                      f"{defensible[_norm(mine)]}")
            else:
                ok = False
                print(f"article {side} ({article}), {what}: the tool says {tool!r}"
                      + (f" ({because})" if because else "")
                      + f", you wrote {mine!r} - read the evidence and decide who is right")
    return ok


def _exercise_cell(cell: dict) -> dict:
    new = copy.deepcopy(cell)
    new["source"] = cell.get("metadata", {}).get("exercise", "# Your answer here\n")
    new["metadata"] = {k: v for k, v in cell["metadata"].items() if k != "exercise"}
    return new


def build_exercises(source_dir: str | Path, out_dir: str | Path) -> list[Path]:
    """Write ``<name>.ipynb`` (exercise) and ``<name>_solutions.ipynb`` from each
    source notebook; returns the files written."""
    import nbformat

    written = []
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for source in sorted(Path(source_dir).glob("*.ipynb")):
        nb = nbformat.read(source, as_version=4)
        solution = copy.deepcopy(nb)
        exercise = copy.deepcopy(nb)
        exercise.cells = [_exercise_cell(c) if "solution" in c.metadata.get("tags", []) else c for c in nb.cells]
        if solution.cells and solution.cells[0].cell_type == "markdown":
            first = solution.cells[0]
            lines = first.source.split("\n", 1)
            first.source = lines[0] + " — solutions" + ("\n" + lines[1] if len(lines) > 1 else "")
        for variant, name in ((exercise, f"{source.stem}.ipynb"), (solution, f"{source.stem}_solutions.ipynb")):
            for cell in variant.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
            path = out / name
            nbformat.write(variant, path)
            written.append(path)
    return written


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
    if is_coded(sheet).any():
        raise AnalysisError(f"simulate_coder fills empty sheets only; this sheet already holds "
                            f"{int(is_coded(sheet).sum())} code(s)", source="sheet")
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
