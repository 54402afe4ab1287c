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
import os
import shutil
import tempfile
import weakref
from pathlib import Path

from .errors import AnalysisError

__all__ = ["notebooks_to_run", "run_notebooks", "figure_digests", "kernel_manager_class", "write_run_figures",
           "figure_file_name"]


def kernel_manager_class():
    """The Jupyter kernel manager notebooks run with: on POSIX systems the kernel is
    reached through socket files in a private temporary folder (ZeroMQ IPC) instead
    of TCP ports on localhost, so no port is open while a notebook runs and the
    kernel has no "running over TCP without encryption" warning to print; elsewhere
    (Windows has no IPC transport) Jupyter's default."""
    from jupyter_client.manager import AsyncKernelManager

    if os.name != "posix":
        return AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            folder = tempfile.mkdtemp(prefix="analysis-kernel-")
            weakref.finalize(self, shutil.rmtree, folder, True)
            self.transport, self.ip = "ipc", os.path.join(folder, "kernel")

        async def _async_interrupt_kernel(self):
            # jupyter_client interrupts a kernel before asking it to shut down; a kernel still busy
            # with its last message (a widget's comm in notebook 07) then logs "ERROR | KeyboardInterrupt
            # caught in kernel". The shutdown request that follows is enough (a timeout still interrupts
            # through ``interrupt_kernel``, which is not this method).
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return IPCKernelManager


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
        Passed to every notebook as its ``figures_dir`` parameter (as a path
        relative to the notebook's folder; parameters a notebook does not
        declare are not passed).
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
    manager = kernel_manager_class()
    for notebook in notebooks_to_run(folder):
        target = out / notebook.name
        if progress:
            print(f"running {notebook.name}", flush=True)
        # only the parameters the notebook declares, as paths relative to the notebook's folder, so the
        # executed copy carries no path of this machine and papermill has no unknown parameter to warn about
        declared = set(papermill.inspect_notebook(str(notebook)))
        given = {"figures_dir": figures, "codes_dir": out / "coding", **(parameters or {})}
        chosen = {k: os.path.relpath(v, notebook.parent.resolve()) if isinstance(v, Path) else v
                  for k, v in given.items() if k in declared}
        papermill.execute_notebook(
            str(notebook), str(target), cwd=str(notebook.parent), kernel_name="python3",
            parameters=chosen,
            progress_bar=False,
            execution_timeout=timeout,
            kernel_manager_class=manager,
        )
        _drop_machine_paths(target, notebook)
        done.append(target)
    return done


def _drop_machine_paths(executed: Path, source: Path) -> None:
    """Papermill records the absolute input and output paths in the executed
    notebook's metadata; keep the file names only."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    record = nb.metadata.get("papermill", {})
    if record.get("input_path") or record.get("output_path"):
        record["input_path"], record["output_path"] = source.name, executed.name
        nbformat.write(nb, executed)


def figure_digests(folder: str | Path) -> dict[str, str]:
    """SHA-256 of every figure file in a folder, by file name."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.suffix.lower() in (".png", ".svg", ".pdf")}


def write_run_figures(out: Path, figures: Path, registry, corpus: str | Path) -> list[Path]:
    """Per-article figures (dispersion; who speaks) from the written tables and
    the texts of the corpus the run analysed (streamed, one article at a time).

    Articles that the run did not analyse (error rows) get no figure.
    ``python -m analysis run --figures`` and ``python -m analysis figures``
    write these beside the notebooks' figures.
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    from .corpus import scan_corpus
    from .plots import article_caption, article_dispersion_figure, plot_speaker_shares, save_figure
    from .summaries import speaker_shares
    from .types import Article

    analysed = pd.read_csv(out / "articles.csv", dtype={"article_id": str}, keep_default_na=False)
    analysed = set(analysed.article_id)
    mentions = pd.read_csv(out / "mentions.csv", dtype={"article_id": str})
    quotes = pd.read_csv(out / "quotes.csv", dtype={"article_id": str})
    written = []
    for art in scan_corpus(corpus):
        if not isinstance(art, Article) or art.id not in analysed:
            continue
        fig = article_dispersion_figure(mentions, art, registry)
        written.append(save_figure(fig, figures / figure_file_name("dispersion", art.id)))
        plt.close(fig)
        own = quotes[quotes.article_id == art.id]
        if len(own):
            fig = plot_speaker_shares(speaker_shares(own), registry=registry,
                                      title=f"Who speaks in {article_caption(art)}")
            written.append(save_figure(fig, figures / figure_file_name("speakers", art.id)))
            plt.close(fig)
    return written


#: Longest article id used whole in a figure's file name (file names stop at 255 bytes).
_MAX_ID_IN_NAME = 120


def figure_file_name(kind: str, article_id: str) -> str:
    """``<kind>_<article_id>.png``; a very long id is shortened and made unique with a hash."""
    if len(article_id.encode("utf-8")) > _MAX_ID_IN_NAME:
        digest = hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:12]
        article_id = f"{article_id[:_MAX_ID_IN_NAME - 13]}-{digest}"
    return f"{kind}_{article_id}.png"
