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

import pandas as pd

from .quotes import UNNAMED_SOURCE, speaker_shares
from .types import OTHER_ACTOR

__all__ = ["build_exercises", "check_aliases", "check_voices", "check_framing", "NAMED_METHODS"]

#: Mention methods that are ways of naming an actor (not resolved references).
NAMED_METHODS = ("name", "alias", "member", "group_noun", "metonym")


def _verdict(hits: int, total: int) -> str:
    return f"{hits} of {total} ({hits / total:.0%})" if total else "nothing to compare"


def _unanswered(answer) -> bool:
    return answer is None or answer is ... or (hasattr(answer, "__len__") and len(answer) == 0)


def _norm(text: str) -> str:
    text = " ".join(str(text).lower().replace("’", "'").split())
    return text[4:] if text.startswith("the ") else text


def check_aliases(answer: dict | None, mentions: pd.DataFrame, article_id: str, *, goal: float = 0.8) -> bool:
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

    Returns
    -------
    bool
        Whether every actor of the answer reaches the goal.
    """
    if _unanswered(answer) or not any(answer.values()):
        print("Not answered yet: fill in the names you found, then run this cell again.")
        return False
    rows = mentions[(mentions.article_id == article_id) & mentions.method.isin(NAMED_METHODS)]
    ok = True
    for actor, names in answer.items():
        tool = {_norm(t) for t in rows[rows.actor == actor].text}
        mine = {_norm(n) for n in names}
        both, only_me, only_tool = mine & tool, sorted(mine - tool), sorted(tool - mine)
        reached = len(both) >= goal * len(tool)
        ok &= reached
        print(f"{actor}: you found {_verdict(len(both), len(tool))} of the names the tool matched"
              + (" - well done." if reached else "."))
        if only_tool:
            print(f"  the tool also matched: {', '.join(only_tool)} (look for them in the text: do you agree?)")
        if only_me:
            print(f"  you found, the tool did not: {', '.join(only_me)} - is it in the text exactly so? If it "
                  "is, it is missing from the actor registry: add it to actors.yaml and run the analysis again.")
    return ok


def check_voices(answer: dict | None, quotes: pd.DataFrame, mentions: pd.DataFrame, article_id: str) -> bool:
    """Exercise 2: who speaks most, and who is only spoken about.

    ``answer`` has ``speaks_most`` (an actor id) and ``only_spoken_about`` (a
    list of actor ids that are mentioned but never quoted).
    """
    if _unanswered(answer) or not answer.get("speaks_most"):
        print("Not answered yet: fill in speaks_most and only_spoken_about, then run this cell again.")
        return False
    own = quotes[quotes.article_id == article_id]
    shares = speaker_shares(own)
    shares = shares[~shares.speaker_actor.isin(["unknown", UNNAMED_SOURCE, OTHER_ACTOR])]
    by_actor = shares.groupby("speaker_actor").words.sum().sort_values(ascending=False)
    most = by_actor.index[0] if len(by_actor) else None
    mentioned = set(mentions[(mentions.article_id == article_id) & (mentions.actor != OTHER_ACTOR)].actor)
    silent = sorted(mentioned - set(by_actor.index))
    ok = answer["speaks_most"] == most
    print(("Right: " if ok else "Not quite: ") + f"by quoted words, {most} speaks most "
          f"({int(by_actor.iloc[0])} of {int(shares.words.sum())} words by the study's actors).")
    mine = sorted(set(answer.get("only_spoken_about") or ()))
    if mine == silent:
        print(f"Right: {', '.join(silent) or 'nobody'} is mentioned but never quoted.")
    else:
        print(f"The tool finds these actors mentioned but never quoted: {', '.join(silent) or 'none'}; "
              f"you wrote: {', '.join(mine) or 'none'}. Check the quotes table: who is the speaker of each quote?")
        ok = False
    return ok


def check_framing(answer: dict | None, frames: pd.DataFrame, roles: pd.DataFrame, article_a: str, article_b: str,
                  *, scheme: str = "generic_news", actor: str = "lukashenko") -> bool:
    """Exercise 3: how the framing changes between two versions of a story.

    ``answer`` has ``leading_frame_a``, ``leading_frame_b`` (frame ids of the
    scheme) and ``role_a``, ``role_b`` (the main role of ``actor`` in each).
    """
    if _unanswered(answer) or not answer.get("leading_frame_a"):
        print("Not answered yet: fill in the four answers, then run this cell again.")
        return False
    ok = True
    for side, article in (("a", article_a), ("b", article_b)):
        lead = frames[(frames.article_id == article) & (frames.level == "article") & (frames.scheme == scheme)
                      & (frames["rank"] == 1)].frame.tolist()
        role = roles[(roles.article_id == article) & (roles.actor == actor)].main_role.tolist()
        got_frame, got_role = answer.get(f"leading_frame_{side}"), answer.get(f"role_{side}")
        for what, mine, tool in (("leading frame", got_frame, lead[0] if lead else None),
                                 (f"role of {actor}", got_role, role[0] if role else None)):
            good = mine == tool
            ok &= good
            print(f"article {side} ({article}), {what}: " + ("right" if good else
                  f"the tool says {tool!r}, you wrote {mine!r} - read the evidence column and decide who is right"))
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
