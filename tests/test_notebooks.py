"""Every notebook runs top to bottom with its default parameters."""

from pathlib import Path

import nbformat
import papermill
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _outputs(notebook, output_type=None):
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            if output_type is None or out.output_type == output_type:
                yield out


_RUNS: dict = {}


def _execute(path: Path, tmp_path_factory):
    """Run a notebook once per session: (executed notebook, figures folder)."""
    if path not in _RUNS:
        tmp = tmp_path_factory.mktemp(path.stem)
        out = papermill.execute_notebook(
            str(path), str(tmp / path.name), cwd=str(path.parent), kernel_name="python3",
            parameters={"figures_dir": str(tmp / "figures")}, progress_bar=False,
        )
        _RUNS[path] = (out, tmp / "figures")
    return _RUNS[path]


def test_notebooks_are_committed_without_outputs():
    assert NOTEBOOKS, "no notebooks found"
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert not list(_outputs(nb)), f"{path.name} has outputs committed"
        tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_shows_its_figures(path, tmp_path_factory):
    out, figures = _execute(path, tmp_path_factory)
    assert not list(_outputs(out, "error"))
    assert [o for o in _outputs(out) if "image/png" in o.get("data", {})], f"{path.name} shows no figure"
    assert list(figures.glob("*.png")), f"{path.name} wrote no figure file"


def test_corpus_notebook_highlights_every_actor(tmp_path_factory):
    (path,) = [p for p in NOTEBOOKS if p.name.startswith("01_")]
    out, _ = _execute(path, tmp_path_factory)
    html = "".join(o["data"].get("text/html", "") for o in _outputs(out) if "data" in o)
    for label in ("exiles", "lukashenko", "putin", "nato", "putin · pronoun"):
        assert label in html, f"no {label!r} in the notebook's HTML output"
