"""Faults during a batch run (issue 13): damaged parts, crashes midway, a full
disk, a busy or unusable output folder, bad settings. Every case ends in
identical tables or one clear line, never a traceback or a lost article."""

from __future__ import annotations

import errno
import hashlib
import os
import sys
from pathlib import Path

import pandas as pd
import pytest

import analysis.batch as batch
from analysis.actors import load_actors
from analysis.batch import run_corpus
from analysis.cli import main
from analysis.errors import AnalysisError, OutputError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from synthetic import write_corpus

RUN = dict(progress=False, sentiment_backend="lexicon", cache_dir=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("synthetic"), articles=5, words=100, seed=7)


@pytest.fixture(scope="module")
def registry(corpus):
    return load_actors(corpus / "actors.yaml")


@pytest.fixture(scope="module")
def reference(corpus, registry, tmp_path_factory):
    """The tables of an uninterrupted run."""
    out = tmp_path_factory.mktemp("reference")
    run_corpus(corpus, out, registry, **RUN)
    return out


def _digests(out: Path) -> dict:
    names = sorted(p.name for p in out.iterdir() if p.is_file() and not p.name.startswith("."))
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in names}


def _copy_run(reference: Path, target: Path) -> Path:
    (target / ".parts").mkdir(parents=True)
    for part in (reference / ".parts").glob("*.json"):
        (target / ".parts" / part.name).write_bytes(part.read_bytes())
    return target


def test_reference_writes_tables_and_a_log(reference):
    names = set(_digests(reference))
    assert {"articles.csv", "errors.csv", "errors.log", "stance.graphml"} <= names
    assert not any(n.endswith(".tmp") for n in os.listdir(reference / ".parts"))


@pytest.mark.parametrize("damage", ["truncate", "edit", "garbage", "empty", "old-format"])
def test_a_damaged_part_is_detected_and_the_article_analysed_again(corpus, registry, reference, tmp_path, damage):
    out = _copy_run(reference, tmp_path / "out")
    part = sorted((out / ".parts").glob("*.json"))[2]
    data = part.read_bytes()
    if damage == "truncate":
        part.write_bytes(data[: len(data) // 2])
    elif damage == "edit":  # valid JSON, one number changed: only the checksum tells
        part.write_bytes(data.replace(b'"n_sentences": ', b'"n_sentences": 9', 1))
    elif damage == "garbage":
        part.write_bytes(b"\x00\xff" * 50)
    elif damage == "empty":
        part.write_bytes(b"")
    else:  # a part written by an earlier version: JSON without the checksum line
        part.write_bytes(data.partition(b"\n")[2])
    summary = run_corpus(corpus, out, registry, **RUN)
    assert (summary["resumed"], summary["redone"], summary["failed"]) == (4, 1, 0)
    assert _digests(out) == _digests(reference)


def test_error_results_are_retried_on_the_next_run(corpus, registry, reference, tmp_path, monkeypatch):
    import analysis.pipeline as pipeline

    out = tmp_path / "out"

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, fixed before the next run")

    monkeypatch.setattr(pipeline, "find_stance", broken)
    first = run_corpus(corpus, out, registry, **RUN)
    assert (first["analysed"], first["partial"]) == (5, 5)
    assert set(pd.read_csv(out / "errors.csv").stage) == {"stance"}
    monkeypatch.undo()
    second = run_corpus(corpus, out, registry, **RUN)
    assert (second["resumed"], second["redone"], second["failed"]) == (0, 5, 0)
    assert _digests(out) == _digests(reference)


def test_a_crash_while_writing_the_tables_leaves_the_earlier_ones(corpus, registry, reference, tmp_path,
                                                                  monkeypatch):
    out = tmp_path / "out"
    run_corpus(corpus, out, registry, **RUN)
    before = _digests(out)
    real = batch._TableWriter.write
    calls = []

    def crash_midway(self, name, rows):
        calls.append(name)
        if len(calls) > 12:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, name, rows)

    monkeypatch.setattr(batch._TableWriter, "write", crash_midway)
    (out / ".parts" / sorted(os.listdir(out / ".parts"))[0]).unlink()  # something to do
    with pytest.raises(OutputError, match="the earlier tables are unchanged"):
        run_corpus(corpus, out, registry, **RUN)
    assert _digests(out) == before == _digests(reference)
    assert not (out / ".staging").exists()


def test_a_full_disk_is_one_line_and_leaves_no_temporary_file(corpus, registry, tmp_path, monkeypatch, capsys):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full to simulate a full disk on this system")
    real_mkstemp = batch.tempfile.mkstemp
    made = []

    def full_disk(*args, **kwargs):  # the kernel's own ENOSPC: writes to /dev/full fail
        fd, name = real_mkstemp(*args, **kwargs)
        made.append(name)
        os.dup2(os.open("/dev/full", os.O_WRONLY), fd)
        return fd, name

    monkeypatch.setattr(batch.tempfile, "mkstemp", full_disk)
    out = tmp_path / "out"
    code = main(["run", str(corpus), "--out", str(out), "--quiet", "--no-cache", "--backend", "lexicon"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "No space left on device" in err and "Traceback" not in err
    assert made and not any(Path(name).exists() for name in made)
    assert not list((out / ".parts").glob("*"))


def test_a_second_run_into_the_same_folder_is_refused(corpus, registry, tmp_path, capsys):
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".lock", "w") as holder:  # as a running `run` holds it
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
        holder.write("4242")
        holder.flush()
        code = main(["run", str(corpus), "--out", str(out), "--quiet", "--no-cache", "--backend", "lexicon"])
    err = capsys.readouterr().err
    assert code == 2 and "another run is writing to this folder (pid 4242)" in err and err.count("\n") == 1
    assert not (out / "articles.csv").exists()
    # once the other run is over the folder is free again (the lock dies with its process)
    assert run_corpus(corpus, out, registry, **RUN)["analysed"] == 5


def test_leftovers_of_a_killed_run_are_cleaned(corpus, registry, reference, tmp_path):
    out = _copy_run(reference, tmp_path / "out")
    (out / ".parts" / "tmpabc.tmp").write_text("half a part")
    (out / ".staging").mkdir()
    (out / ".staging" / "articles.csv").write_text("half a table")
    run_corpus(corpus, out, registry, **RUN)
    assert not (out / ".parts" / "tmpabc.tmp").exists() and not (out / ".staging").exists()
    assert _digests(out) == _digests(reference)


@pytest.mark.parametrize("case", ["a-file", "under-a-file"])
def test_unusable_out_is_one_line_and_exit_2(corpus, tmp_path, capsys, case):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    out = target if case == "a-file" else target / "results"
    code = main(["run", str(corpus), "--out", str(out), "--quiet", "--no-cache", "--backend", "lexicon"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert ("is a file, not a folder" if case == "a-file" else "cannot create the output folder") in err


def test_read_only_out_is_one_line_and_exit_2(corpus, tmp_path, capsys):
    import subprocess

    mount = tmp_path / "ro"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(mount)],
                                           capture_output=True).returncode:
        pytest.skip("cannot mount a read-only file system here (needs root)")
    try:
        code = main(["run", str(corpus), "--out", str(mount / "results"), "--quiet", "--no-cache",
                     "--backend", "lexicon"])
        err = capsys.readouterr().err
    finally:
        subprocess.run(["umount", str(mount)], check=False)
    assert code == 2 and "Read-only file system" in err and err.count("\n") == 1


@pytest.mark.parametrize("what", ["missing", "binary"])
@pytest.mark.parametrize("option", ["--schemes", "--lexicon"])
def test_bad_scheme_or_lexicon_file_is_one_line(corpus, tmp_path, capsys, option, what):
    path = tmp_path / ("file.yaml" if option == "--schemes" else "words.tsv")
    if what == "binary":
        path.write_bytes(b"\xff\xfe\x00\x01" * 20)
    code = main(["run", str(corpus), "--out", str(tmp_path / "r"), "--quiet", "--no-cache", "--backend", "lexicon",
                 option, str(path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and str(path) in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()  # refused before any work


def test_unreachable_scheduler_is_one_line(corpus, tmp_path, capsys, monkeypatch):
    pytest.importorskip("dask.distributed")
    import socket

    monkeypatch.setattr(batch, "SCHEDULER_TIMEOUT", 2)
    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = main(["run", str(corpus), "--out", str(tmp_path / "r"), "--quiet", "--no-cache", "--backend", "lexicon",
                 "--engine", "dask", "--scheduler", f"tcp://127.0.0.1:{port}"])
    err = capsys.readouterr().err
    assert code == 2 and "no Dask scheduler answered within 2 s" in err and "Traceback" not in err


@pytest.mark.long  # starts a Dask LocalCluster: about 5 s
def test_dask_scratch_stays_under_the_output_folder(corpus, registry, reference, tmp_path, monkeypatch):
    pytest.importorskip("dask.distributed")
    import dask

    seen = {}
    real = batch._DaskEngine.submit

    def spy(self, *args):
        seen["temporary-directory"] = dask.config.get("temporary-directory")
        return real(self, *args)

    monkeypatch.setattr(batch._DaskEngine, "submit", spy)
    out = tmp_path / "out"
    run_corpus(corpus, out, registry, jobs=1, engine="dask", **RUN)
    assert seen["temporary-directory"] == str(out / ".dask-scratch")
    assert not (out / ".dask-scratch").exists()  # removed after the run
    assert _digests(out) == _digests(reference)


def test_over_long_ids_get_short_figure_names(tmp_path):
    folder = tmp_path / "c"
    (folder / "articles").mkdir(parents=True)
    long_id = "a" * 300
    body = "\u201cWe wait,\u201d Ana Ortiz said."
    (folder / "articles" / "a.md").write_text(f"---\nid: {long_id}\ntitle: T\n---\n{body}\n")
    (folder / "actors.yaml").write_text("actors:\n  mayor: {kind: person, names: [Ana Ortiz]}\n")
    figures = tmp_path / "figures"
    assert main(["run", str(folder), "--out", str(tmp_path / "r"), "--figures", str(figures), "--quiet",
                 "--no-cache", "--backend", "lexicon"]) == 0
    names = sorted(p.name for p in figures.iterdir())
    assert len(names) == 2 and all(len(n) < 160 and n.startswith(("dispersion_aaa", "speakers_aaa")) for n in names)


def test_errors_are_analysis_errors_with_one_line():
    err = OutputError("cannot write", source="results")
    assert isinstance(err, AnalysisError) and str(err) == "results: cannot write"
