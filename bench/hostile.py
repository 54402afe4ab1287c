"""Replay hostile inputs and bad settings through ``python -m analysis run`` and print a table.

A script, not a timed test (``tests/test_robustness.py`` and
``tests/test_faults.py`` hold the quick checks; ``bench/faults.py`` replays
crashes, kills and damaged parts). Each case writes a small corpus, runs the
command line in a fresh process with a time limit, and checks what a user
gets:

* input cases (a hostile article file beside a good one): no traceback, no
  hang, exit 0 or 1, every input in ``articles.csv`` or ``errors.csv``, and
  the case's own check (a name hidden by invisible characters is found, the
  GraphML parses, no CSV cell starts a formula, ...);
* setting cases (a bad option or file): exit 2 and one ``error:`` line on
  standard error, no traceback (when nothing could be analysed, the list of
  failed inputs comes first).

    python bench/hostile.py [--work DIR] [--only NAME ...] [--timeout 180]

Prints one row per case (case, exit, seconds, inputs accounted for, verdict,
and what the user reads: the errors.csv rows of an input case, the line on
standard error of a setting case) and a summary: cases passed, tracebacks, hangs, silent losses.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = [sys.executable, "-m", "analysis", "run"]

ACTORS = """actors:
  putin: {kind: person, names: [Vladimir Putin, Putin]}
  lukashenko: {kind: person, names: [Alexander Lukashenko, Lukashenko]}
  nato: {kind: organisation, names: [NATO]}
  trump: {kind: person, names: [Donald Trump, Trump]}
"""
GOOD = "---\nid: good\ntitle: A good article\n---\nPutin praised Lukashenko. NATO condemned Putin.\n"
BODY = "Lukashenko warmly thanked Putin for his support. NATO said nothing."
BOMB = ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n")


def md(article_id: str, body: str, title: str = "t", extra: str = "") -> str:
    return f"---\nid: {article_id}\ntitle: {title}\n{extra}---\n{body}\n"


@dataclass
class Outcome:
    code: int | None  # None: killed after the time limit
    seconds: float
    stderr: str
    out: Path


@dataclass
class Case:
    name: str
    kind: str  # "input" or "setting"
    make: Callable[[Path], tuple[list[str], int]]  # work folder -> (arguments after "run", number of inputs)
    check: Callable[[Outcome], str] | None = None  # "" when fine, else what is wrong


# ----------------------------------------------------------------- helpers

def corpus_with(work: Path, files: dict[str, bytes | str], actors: str = ACTORS) -> Path:
    corpus = work / "corpus"
    (corpus / "articles").mkdir(parents=True)
    (corpus / "actors.yaml").write_text(actors, encoding="utf-8")
    (corpus / "articles" / "good.md").write_text(GOOD, encoding="utf-8")
    for name, content in files.items():
        path = corpus / "articles" / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return corpus


def one_file(name: str, content: bytes | str) -> Callable[[Path], tuple[list[str], int]]:
    def make(work: Path):
        return [str(corpus_with(work, {name: content}))], 2
    return make


def table(out: Path, name: str) -> list[dict]:
    path = out / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def accounted(out: Path) -> int:
    errors = [r for r in table(out, "errors.csv") if r.get("stage") in ("load", "analyse")]
    return len(table(out, "articles.csv")) + len(errors)


def mentions_of(actor: str, article_id: str) -> Callable[[Outcome], str]:
    def check(o: Outcome) -> str:
        found = [r for r in table(o.out, "mentions.csv") if r["actor"] == actor and r["article_id"] == article_id]
        return "" if found else f"no mention of {actor} in {article_id}"
    return check


def error_row(article_hint: str = "") -> Callable[[Outcome], str]:
    def check(o: Outcome) -> str:
        rows = table(o.out, "errors.csv")
        hit = [r for r in rows if article_hint in (r.get("article_id", "") + r.get("source", ""))]
        return "" if hit else f"no errors.csv row for {article_hint or 'the file'}"
    return check


def graphml_parses(o: Outcome) -> str:
    path = o.out / "stance.graphml"
    if not path.is_file():
        return "no stance.graphml"
    try:
        ET.parse(path)
    except ET.ParseError as err:
        return f"stance.graphml does not parse: {err}"
    return ""


def no_formula_cells(o: Outcome) -> str:
    for path in sorted(o.out.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and cell[1:2].isalpha()):
                        return f"{path.name}: a cell starts a formula: {cell[:30]!r}"
    return ""


def both(*checks: Callable[[Outcome], str]) -> Callable[[Outcome], str]:
    def check(o: Outcome) -> str:
        return "; ".join(filter(None, (c(o) for c in checks)))
    return check


def setting(make_args: Callable[[Path], list[str]]) -> Callable[[Path], tuple[list[str], int]]:
    def make(work: Path):
        return make_args(work), 0
    return make


def good_corpus(work: Path) -> Path:
    return corpus_with(work, {})


# ------------------------------------------------------------------- cases

def _symlink_zero(work: Path):
    corpus = corpus_with(work, {})
    (corpus / "articles" / "zero.md").symlink_to("/dev/zero")
    return [str(corpus)], 2


def _fifo(work: Path):
    corpus = corpus_with(work, {})
    os.mkfifo(corpus / "articles" / "pipe.md")
    return [str(corpus)], 2


def _folder_named_md(work: Path):
    corpus = corpus_with(work, {})
    (corpus / "articles" / "folder.md").mkdir()
    return [str(corpus)], 1  # a folder is not an input: only good.md counts


def _jsonl(lines: list[str], n: int):
    def make(work: Path):
        work.mkdir(parents=True, exist_ok=True)
        (work / "actors.yaml").write_text(ACTORS, encoding="utf-8")
        path = work / "corpus.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return [str(path), "--actors", str(work / "actors.yaml")], n
    return make


def _csv_corpus(text: str, n: int):
    def make(work: Path):
        work.mkdir(parents=True, exist_ok=True)
        (work / "actors.yaml").write_text(ACTORS, encoding="utf-8")
        path = work / "corpus.csv"
        path.write_text(text, encoding="utf-8")
        return [str(path), "--actors", str(work / "actors.yaml")], n
    return make


def _many_files(n: int):
    def make(work: Path):
        corpus = corpus_with(work, {f"a{i:05d}.md": md(f"a{i:05d}", f"Putin met Lukashenko on day {i}.")
                                    for i in range(n)})
        return [str(corpus), "--backend", "lexicon"], n + 1
    return make


def _binary(work: Path, name: str, data: bytes) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    path = work / name
    path.write_bytes(data)
    return path


CASES = [
    # --- article files a researcher might drop in the folder
    Case("random binary bytes", "input", one_file("bin.md", os.urandom(4096)), error_row("bin")),
    Case("UTF-16 with BOM", "input", one_file("u16.md", md("u16", BODY).encode("utf-16"))),
    Case("UTF-16 without BOM", "input", one_file("u16le.md", md("u16le", BODY).encode("utf-16-le")),
         error_row("u16le")),
    Case("Latin-1 bytes", "input", one_file("latin.md", md("latin", "Lukashenko visited Besançon. " + BODY)
                                            .encode("latin-1")), error_row("latin")),
    Case("HTML page saved as .md", "input",
         one_file("page.md", "<!DOCTYPE html><html><head><title>x</title></head><body><p>" + BODY
                  + "</p></body></html>"), error_row("page")),
    Case("PDF saved as .md", "input", one_file("doc.md", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
         error_row("doc")),
    Case("empty file", "input", one_file("empty.md", b""), error_row("empty")),
    Case("front matter only, no text", "input", one_file("notext.md", "---\nid: notext\ntitle: t\n---\n"),
         error_row("notext")),
    Case("no front matter (plain text)", "input", one_file("plain.md", BODY + "\n"), error_row("plain")),
    Case("front matter never closed", "input", one_file("open.md", "---\nid: open\ntitle: t\n" + BODY + "\n"),
         error_row("open")),
    Case("front matter is a list", "input", one_file("list.md", "---\n- a\n- b\n---\n" + BODY + "\n"),
         error_row("list")),
    Case("billion laughs in front matter", "input", one_file("bomb.md", "---\nid: bomb\ntitle: t\n" + BOMB
                                                              + "---\n" + BODY + "\n"), error_row("bomb")),
    Case("!!python/object in front matter", "input",
         one_file("obj.md", "---\nid: obj\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n" + BODY),
         error_row("obj")),
    Case("empty title", "input", one_file("notitle.md", md("notitle", BODY, title="''")),
         mentions_of("putin", "notitle")),
    Case("id with path characters", "input", one_file("slash.md", md("'../../etc/x'", BODY)), None),
    Case("300-character id with --figures", "input",
         lambda work: ([str(corpus_with(work, {"long.md": md("a" * 300, BODY)})), "--figures",
                        str(work / "figures")], 2), None),
    Case("vertical tab inside a sentence", "input", one_file("vt.md", md("vt", "Lukashenko warmly\x0b thanked "
                                                                      "Putin for his support.")),
         both(graphml_parses, mentions_of("putin", "vt"))),
    Case("NUL after the first 8 KB", "input", one_file("nul.md", md("nul", ("Putin spoke. " * 700) + "\x00"
                                                                + " Lukashenko listened.")),
         both(graphml_parses)),
    Case("control characters everywhere", "input",
         one_file("ctl.md", md("ctl", "".join(chr(c) for c in range(1, 32) if chr(c) not in "\n\r\t") * 200)),
         None),
    Case("zero-width space inside a name", "input", one_file("zw.md", md("zw", "Pu\u200btin praised NATO.")),
         mentions_of("putin", "zw")),
    Case("soft hyphen inside a name", "input", one_file("shy.md", md("shy", "Lukashen\u00adko praised NATO.")),
         mentions_of("lukashenko", "shy")),
    Case("fullwidth letters", "input", one_file("fw.md", md("fw", "Putin criticised \uff2e\uff21\uff34\uff2f.")),
         mentions_of("nato", "fw")),
    Case("bidi controls around a name", "input",
         one_file("bidi.md", md("bidi", "\u202ePutin\u202c praised NATO.")), mentions_of("putin", "bidi")),
    Case("name cut by a line break", "input", one_file("brk.md", md("brk", "Critics praised President\n"
                                                                     "Donald Trump on Monday.")), None),
    Case("apposition of punctuation only", "input",
         one_file("app.md", md("app", "Putin, (\u2014), spoke to Lukashenko, , ; about NATO.")), None),
    Case("unbalanced quotation marks", "input",
         one_file("quo.md", md("quo", "\u201cPutin said \u201cno\u201d \" to NATO, Lukashenko said \u201d.")), None),
    Case("formula-like text and speaker", "input",
         one_file("frm.md", md("frm", "\u201c=HYPERLINK(\\\"x\\\")\u201d, said Putin. +1 said NATO. @Lukashenko "
                               "replied.", title="'=cmd|calc'")), no_formula_cells),
    Case("a 2 MB line without full stops", "input",
         one_file("line.md", md("line", "Putin spoke to NATO and " + "the delegates waited in the long hall and "
                                * 48_000 + "Lukashenko left")), mentions_of("lukashenko", "line")),
    Case("a 200 KB sentence full of names", "input",
         one_file("names.md", md("names", "Putin spoke to NATO and Lukashenko and " * 5_000 + "all left")), None),
    Case("symlink to /dev/zero", "input", _symlink_zero, error_row("zero")),
    Case("FIFO named .md", "input", _fifo, error_row("pipe")),
    Case("folder named .md", "input", _folder_named_md, None),
    Case("1,000 small files", "input", _many_files(1000), None),
    # --- other corpus formats
    Case("JSONL with \\u0000 in a text", "input",
         _jsonl([json.dumps({"id": "j1", "text": "Putin\u0000 praised Lukashenko."}),
                 json.dumps({"id": "j2", "text": BODY})], 2), graphml_parses),
    Case("JSONL with a broken line", "input",
         _jsonl([json.dumps({"id": "j1", "text": BODY}), "{not json", json.dumps({"id": "j3", "text": BODY})], 3),
         error_row("")),
    Case("JSONL without a text field", "input",
         _jsonl([json.dumps({"id": "j1", "body": BODY}), json.dumps({"id": "j2", "text": BODY})], 2), error_row("")),
    Case("CSV with an unterminated quote", "input",
         _csv_corpus('id,text\nq1,"unterminated quote Putin said\nq2,fine Putin text\n', 2), error_row("")),
    # --- bad settings: one line, exit 2
    Case("corpus path that does not exist", "setting", setting(lambda w: [str(w / "nowhere")])),
    Case("corpus without actors.yaml", "setting",
         setting(lambda w: [str(_binary(w / "c" / "articles", "a.md", md("a", BODY).encode()).parents[1])])),
    Case("actors.yaml billion laughs", "setting",
         setting(lambda w: [str(corpus_with(w, {}, actors="actors:\n  x: {kind: person, names: [X]}\n" + BOMB))])),
    Case("actors.yaml with !!python/object", "setting",
         setting(lambda w: [str(corpus_with(w, {}, actors="actors: !!python/object/apply:os.system ['true']\n"))])),
    Case("actors.yaml binary", "setting",
         setting(lambda w: [str(good_corpus(w)), "--actors", str(_binary(w, "a.yaml", os.urandom(2000)))])),
    Case("--out names an existing file", "setting",
         setting(lambda w: [str(good_corpus(w)), "--out", str(_binary(w, "file.txt", b"x"))])),
    Case("--schemes missing file", "setting",
         setting(lambda w: [str(good_corpus(w)), "--schemes", str(w / "missing.yaml")])),
    Case("--schemes binary file", "setting",
         setting(lambda w: [str(good_corpus(w)), "--schemes", str(_binary(w, "s.yaml", os.urandom(3000)))])),
    Case("--schemes unknown name", "setting", setting(lambda w: [str(good_corpus(w)), "--schemes", "mfc_polcy"])),
    Case("--lexicon missing file", "setting",
         setting(lambda w: [str(good_corpus(w)), "--backend", "lexicon", "--lexicon", str(w / "none.tsv")])),
    Case("--lexicon binary file", "setting",
         setting(lambda w: [str(good_corpus(w)), "--backend", "lexicon", "--lexicon",
                            str(_binary(w, "l.tsv", os.urandom(3000)))])),
    Case("--pipeline not installed", "setting",
         setting(lambda w: [str(good_corpus(w)), "--pipeline", "en_core_web_xx"])),
    Case("--jobs 0", "setting", setting(lambda w: [str(good_corpus(w)), "--jobs", "0"])),
    Case("--engine dask, nothing listens at --scheduler", "setting",
         setting(lambda w: [str(good_corpus(w)), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"])),
    Case("a single bad file as CORPUS", "setting",
         setting(lambda w: [str(_binary(w, "bad.md", os.urandom(500))), "--actors",
                            str(_binary(w, "actors.yaml", ACTORS.encode()))])),
    Case("unsupported corpus file type", "setting",
         setting(lambda w: [str(_binary(w, "c.docx", b"PK\x03\x04")), "--actors",
                            str(_binary(w, "actors.yaml", ACTORS.encode()))])),
]


# ------------------------------------------------------------------ runner

def replay(case: Case, work: Path, timeout: float) -> dict:
    args, n_inputs = case.make(work)
    out = work / "out"
    if "--out" not in args:
        args = [*args, "--out", str(out)]
    else:
        out = Path(args[args.index("--out") + 1])
    started = time.monotonic()
    try:
        done = subprocess.run([*RUN, *args, "--quiet", "--no-cache"], cwd=work, capture_output=True, text=True,
                              timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})
        outcome = Outcome(done.returncode, time.monotonic() - started, done.stderr, out)
    except subprocess.TimeoutExpired as err:
        stderr = err.stderr.decode(errors="replace") if isinstance(err.stderr, bytes) else (err.stderr or "")
        outcome = Outcome(None, time.monotonic() - started, stderr, out)
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    problems = []
    if outcome.code is None:
        problems.append(f"hang (killed after {timeout:.0f} s)")
    if "Traceback (most recent call last)" in outcome.stderr:
        problems.append("traceback")
    got = None
    if case.kind == "input":
        got = accounted(out) if outcome.code is not None else 0
        if outcome.code not in (0, 1):
            problems.append(f"exit {outcome.code}, expected 0 or 1")
        if got != n_inputs:
            problems.append(f"silent loss: {got} of {n_inputs} inputs accounted for")
        if case.check is not None and outcome.code is not None:
            problems += [p for p in [case.check(outcome)] if p]
    else:
        if outcome.code != 2:
            problems.append(f"exit {outcome.code}, expected 2")
        errors = [line for line in lines if line.startswith("error:")]
        if len(errors) != 1:
            problems.append(f"{len(errors)} 'error:' lines on standard error, expected 1")
        elif len(lines) > 1:  # nothing analysed: the failure listing, then the one error line
            lines = errors
    said = lines[0] if lines else ""
    if case.kind == "input":  # what the user reads about the hostile input: its errors.csv row(s)
        said = " / ".join(f"[{r.get('stage')}] {r.get('message', '')}" for r in table(out, "errors.csv")) or "no error"
    return {"case": case.name, "kind": case.kind, "exit": outcome.code, "seconds": round(outcome.seconds, 1),
            "accounted": "-" if got is None else f"{got}/{n_inputs}", "verdict": "; ".join(problems) or "ok",
            "stderr": said[:140]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", help="folder for the cases (default: a temporary folder, removed after)")
    parser.add_argument("--only", nargs="+", help="run only cases whose name contains one of these")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per case before it counts as a hang")
    args = parser.parse_args()
    base = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="hostile-"))
    cases = [c for c in CASES if not args.only or any(s in c.name for s in args.only)]
    rows = []
    for i, case in enumerate(cases):
        work = base / f"{i:02d}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        row = replay(case, work, args.timeout)
        rows.append(row)
        print(f"{row['case'][:44]:44s} {row['kind']:7s} exit {row['exit']!s:4s} {row['seconds']:6.1f}s "
              f"{row['accounted']:>9s}  {row['verdict']}  | {row['stderr']}", flush=True)
    if not args.work:
        shutil.rmtree(base, ignore_errors=True)
    bad = [r for r in rows if r["verdict"] != "ok"]
    print(f"\n{len(rows) - len(bad)} of {len(rows)} cases as promised; "
          f"tracebacks {sum('traceback' in r['verdict'] for r in rows)}, "
          f"hangs {sum('hang' in r['verdict'] for r in rows)}, "
          f"silent losses {sum('silent loss' in r['verdict'] for r in rows)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
