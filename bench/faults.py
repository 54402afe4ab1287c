"""Replay the faults of a batch run and say, for each, what a user gets.

A script, not a timed test (``tests/test_faults.py`` has the quick checks).
It writes a small synthetic corpus (``bench/synthetic.py``), makes the tables
of one uninterrupted run, then replays each fault with fresh
``python -m analysis run`` processes and prints one line per scenario:
``identical`` (the tables are byte-identical to the uninterrupted run) or the
one-line error the user saw, and whether that is what is promised.

    python bench/faults.py [--articles 30] [--words 300] [--work DIR] [--engine-dask]

Scenarios: kill -9 mid-run (1 and 2 jobs; Dask with ``--engine-dask``),
kill -9 while the tables are written, truncated / edited / garbage part
files, an error result retried after its cause is gone, a corrupted parse
cache, two concurrent runs into one folder, a full disk (a 300 KB tmpfs) and
a read-only output folder (tmpfs mounted read-only; both need root and
``mount``, else they are reported as skipped).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from synthetic import write_corpus  # noqa: E402

sys.path.insert(0, str(ROOT))
from analysis.batch import _read_part, _write_part  # noqa: E402

RUN = [sys.executable, "-m", "analysis", "run"]
COMMON = ["--backend", "lexicon", "--quiet"]


def digests(out: Path) -> dict[str, str]:
    """SHA-256 of every visible output file."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.iterdir()) if p.is_file() and not p.name.startswith(".")}


def run(corpus: Path, out: Path, *extra: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([*RUN, str(corpus), "--out", str(out), *COMMON, *extra], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def start(corpus: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([*RUN, str(corpus), "--out", str(out), *COMMON, *extra], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def kill_group(proc: subprocess.Popen) -> None:
    """kill -9 the run and its worker processes."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def wait_for(condition, proc: subprocess.Popen, limit: float = 600) -> bool:
    """Poll ``condition()`` until true (True) or the process ends first (False)."""
    deadline = time.time() + limit
    while time.time() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def n_parts(out: Path) -> int:
    return len(list((out / ".parts").glob("*.json"))) if (out / ".parts").exists() else 0


def verdict(out: Path, reference: dict, done: subprocess.CompletedProcess) -> str:
    if done.returncode != 0:
        return f"FAIL exit {done.returncode}: {done.stderr.strip().splitlines()[-1:]}"
    return "identical" if digests(out) == reference else "FAIL tables differ from the uninterrupted run"


def one_line(done: subprocess.CompletedProcess, expect: str) -> str:
    lines = done.stderr.strip().splitlines()
    ok = done.returncode == 2 and len(lines) == 1 and expect in lines[0] and "Traceback" not in done.stderr
    return f"{'ok' if ok else 'FAIL'} (exit {done.returncode}): {' | '.join(lines)[:220]}"


def copy_parts(src: Path, dst: Path) -> None:
    (dst / ".parts").mkdir(parents=True)
    for part in (src / ".parts").glob("*.json"):
        shutil.copy(part, dst / ".parts" / part.name)


@contextlib.contextmanager
def tmpfs(path: Path, options: str):
    """A tmpfs mounted at ``path`` (root only); yields False when it cannot be mounted."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        yield False
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True).returncode:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", str(path)], check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--work", help="work folder (default: a new temporary folder, removed at the end)")
    parser.add_argument("--engine-dask", action="store_true", help="also kill a run on a Dask LocalCluster")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="faults-"))
    work.mkdir(parents=True, exist_ok=True)
    results: list[tuple[str, str]] = []

    def report(name: str, outcome: str) -> None:
        results.append((name, outcome))
        print(f"{name:44s} {outcome}", flush=True)

    try:
        corpus = write_corpus(work / "corpus", articles=args.articles, words=args.words, seed=11)
        started = time.perf_counter()
        first = run(corpus, work / "reference", "--no-cache")
        if first.returncode != 0:
            sys.exit(f"the uninterrupted run failed: {first.stderr}")
        reference = digests(work / "reference")
        print(f"uninterrupted run: {args.articles} articles, {len(reference)} files, "
              f"{time.perf_counter() - started:.1f} s\n")

        kills = [("1 job", []), ("2 jobs", ["--jobs", "2"])]
        if args.engine_dask:
            kills.append(("Dask LocalCluster, 2 workers", ["--jobs", "2", "--engine", "dask"]))
        for label, extra in kills:
            out = work / f"kill-{label.split()[0]}"
            proc = start(corpus, out, "--no-cache", *extra)
            reached = wait_for(lambda out=out: n_parts(out) >= args.articles // 3, proc)
            kill_group(proc)
            before = n_parts(out)
            done = run(corpus, out, "--no-cache", *extra)
            note = f" (killed after {before} of {args.articles} parts)" if reached else " (finished before the kill)"
            report(f"kill -9 mid-run, {label}", verdict(out, reference, done) + note)

        out = work / "kill-assembly"
        shutil.copytree(work / "reference", out)
        for part in sorted((out / ".parts").glob("*.json"))[: args.articles // 2]:
            part.unlink()
        proc = start(corpus, out, "--no-cache")
        reached = wait_for(lambda: (out / ".staging").exists(), proc)
        kill_group(proc)
        untouched = digests(out) == reference
        done = run(corpus, out, "--no-cache")
        outcome = verdict(out, reference, done)
        report("kill -9 while writing the tables",
               f"{outcome}; earlier tables {'untouched' if untouched else 'CHANGED'} by the kill"
               + ("" if reached else " (the kill came after the tables were written)"))

        for damage in ("truncated", "edited", "garbage"):
            out = work / f"part-{damage}"
            copy_parts(work / "reference", out)
            part = sorted((out / ".parts").glob("*.json"))[1]
            data = part.read_bytes()
            part.write_bytes({"truncated": data[: len(data) // 3],
                              "edited": data.replace(b'"n_words": ', b'"n_words": 1', 1),
                              "garbage": os.urandom(200)}[damage])
            report(f"{damage} part file", verdict(out, reference, run(corpus, out, "--no-cache")))

        out = work / "error-retried"
        copy_parts(work / "reference", out)
        victim = sorted((out / ".parts").glob("*.json"))[0]
        part = _read_part(victim)  # a valid part (checksum and all) that holds a stage error
        part["errors"] = [{"source": "x", "message": "RuntimeError: since fixed", "article_id": "x", "stage": "stance"}]
        part["tracebacks"] = ["Traceback ..."]
        _write_part(victim, part)
        report("a stored error is retried", verdict(out, reference, run(corpus, out, "--no-cache")))

        cache = work / "cache"
        run(corpus, work / "warm", "--cache-dir", str(cache))
        files = [p for p in cache.rglob("*") if p.is_file()]
        for i, path in enumerate(files):
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2] if i % 2 else b"\x00garbage" * 10)
        out = work / "cache-corrupted"
        report(f"corrupted parse cache ({len(files)} files)",
               verdict(out, reference, run(corpus, out, "--cache-dir", str(cache))))

        out = work / "concurrent"
        procs = [start(corpus, out, "--no-cache") for _ in range(2)]
        for proc in procs:
            proc.wait(timeout=900)
        codes = sorted(p.returncode for p in procs)
        refused = [p.stderr.read().strip() for p in procs if p.returncode == 2]
        same = codes == [0, 2] and digests(out) == reference
        report("two concurrent runs into one --out",
               f"{'ok' if same else 'FAIL'}: exits {codes}, tables {'identical' if same else 'differ'}; "
               f"refused with: {refused[0] if refused else '-'}")

        with tmpfs(work / "small-disk", "size=300k") as mounted:
            if not mounted:
                report("full disk", "skipped: cannot mount a tmpfs here (needs root)")
            else:
                done = run(corpus, work / "small-disk" / "out", "--no-cache")
                leftovers = list((work / "small-disk" / "out").rglob("*.tmp"))
                report("full disk (300 KB tmpfs as --out)",
                       one_line(done, "No space left on device") + ("" if not leftovers else
                                                                   f"; FAIL {len(leftovers)} .tmp left"))
        with tmpfs(work / "read-only", "ro,size=64k") as mounted:
            if not mounted:
                report("read-only --out", "skipped: cannot mount a tmpfs here (needs root)")
            else:
                done = run(corpus, work / "read-only" / "out", "--no-cache")
                report("read-only --out (tmpfs mounted ro)", one_line(done, "Read-only file system"))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    failed = [name for name, outcome in results if "FAIL" in outcome]
    print(f"\n{len(results)} scenario(s), {len(failed)} failed" + (f": {', '.join(failed)}" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
