"""Regenerate every figure: run the main job's figures and every notebook, top to bottom.

``python -m analysis figures`` (``make figures``) executes each numbered
notebook in ``notebooks/`` with papermill, its ``figures_dir`` parameter set to
the figures folder, keeping the executed copies in ``build/notebooks`` (the
committed notebooks stay without outputs). Figures are written by package code
with no timestamps in their metadata, and every random choice is seeded, so
two runs give byte-identical files; :func:`figure_digests` lists their hashes
(a test compares two runs).

Examples
--------
>>> sorted(p.name for p in notebooks_to_run("notebooks"))[:2]
['00_quickstart.ipynb', '01_corpus_and_actors.ipynb']
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import AnalysisError

__all__ = ["notebooks_to_run", "run_notebooks", "figure_digests"]


def notebooks_to_run(folder: str | Path) -> list[Path]:
    """The numbered notebooks of a folder (``00_*.ipynb``, ``01_*.ipynb`` ...), in order."""
    found = sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise AnalysisError("no numbered notebooks (00_*.ipynb ...) found", source=str(folder))
    return found


def run_notebooks(folder: str | Path, figures_dir: str | Path, *, output_dir: str | Path = "build/notebooks",
                  parameters: dict | None = None, timeout: int = 900, progress: bool = True) -> list[Path]:
    """Execute every numbered notebook of ``folder`` with papermill.

    Parameters
    ----------
    folder
        The notebooks folder (each notebook runs with it as working directory).
    figures_dir
        Passed to every notebook as its ``figures_dir`` parameter (made absolute).
        The coding notebook's ``codes_dir`` goes under ``output_dir``, so a
        run writes nothing into the repository's folders.
    output_dir
        Where the executed copies go.
    parameters
        More parameters for every notebook (e.g. ``{"corpus_path": ...}``).
    timeout
        Seconds allowed per cell.

    Returns
    -------
    list of Path
        The executed notebooks.
    """
    import papermill

    figures = Path(figures_dir).resolve()
    figures.mkdir(parents=True, exist_ok=True)
    out = Path(output_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    done = []
    for notebook in notebooks_to_run(folder):
        target = out / notebook.name
        if progress:
            print(f"running {notebook.name}", flush=True)
        papermill.execute_notebook(
            str(notebook), str(target), cwd=str(notebook.parent), kernel_name="python3",
            parameters={"figures_dir": str(figures), "codes_dir": str(out / "coding"), **(parameters or {})},
            progress_bar=False,
            execution_timeout=timeout,
        )
        done.append(target)
    return done


def figure_digests(folder: str | Path) -> dict[str, str]:
    """SHA-256 of every figure file in a folder, by file name."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.suffix.lower() in (".png", ".svg", ".pdf")}

