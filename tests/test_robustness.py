"""Bad input never gives a traceback or a lost article (property-based, hypothesis)."""

import socket
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.actors import parse_actors
from analysis.batch import RunSettings, analyse_article, run_corpus
from analysis.corpus import scan_corpus
from analysis.errors import ActorConfigError, AnalysisError
from analysis.types import Article, ArticleError

REGISTRY = parse_actors("""
actors:
  mayor: {kind: person, pronoun: she, names: [Ana Ortiz]}
  union: {kind: group, names: [Dockworkers Union], group_nouns: [the dockers]}
""")
SETTINGS = dict(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

news_words = st.sampled_from(["Ana", "Ortiz", "said", "the", "dockers", "“", "”", '"', "he", "she", "they", "it",
                              "not", "no", "hero", "corrupt", ".", ",", ":", "—", "\n", "according", "to", "Union",
                              "Dockworkers", "«", "»", "'", "(", ")", "told", "reporters", "that", "we", "I"])
texts = st.one_of(st.text(min_size=1, max_size=400),
                  st.lists(news_words, min_size=1, max_size=120).map(" ".join))


@given(text=texts)
@settings(**SETTINGS)
def test_any_text_is_analysed_or_reported(text):
    result = analyse_article(Article(id="h", text=text, source="hypothesis"),
                             _settings())
    if "error" in result:
        assert result["error"]["message"]
    else:
        assert result["article"]["article_id"] == "h"
        for name in ("mentions", "quotes", "sentiment"):
            for row in result[name]:
                assert text[row["start"] : row["end"]] == row["text"]


def _settings():
    from analysis.batch import RunSettings

    return RunSettings(REGISTRY, cache_dir=False, sentiment_backend="lexicon")


@given(data=st.binary(min_size=0, max_size=300))
@settings(**SETTINGS)
def test_random_bytes_in_a_corpus_folder_become_error_rows_or_articles(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "a.md").write_bytes(data)
    (folder / "b.md").write_text("---\nid: b\ntitle: B\n---\nAna Ortiz spoke.\n", encoding="utf-8")
    items = list(scan_corpus(folder))
    assert len(items) == 2  # never a lost article
    assert isinstance(items[1], Article) and items[1].id == "b"
    assert isinstance(items[0], Article | ArticleError)


@given(front=st.text(max_size=80))
@settings(**SETTINGS)
def test_random_front_matter_is_an_error_row_or_an_article(tmp_path_factory, front):
    folder = tmp_path_factory.mktemp("front")
    (folder / "a.md").write_text(f"---\n{front}\n---\nSome text.\n", encoding="utf-8")
    (item,) = list(scan_corpus(folder))
    assert isinstance(item, Article | ArticleError)
    if isinstance(item, ArticleError):
        assert "a.md" in item.message or "a.md" in item.source


@given(yaml_text=st.text(max_size=200))
@settings(**SETTINGS)
def test_malformed_actor_files_give_one_clear_error(yaml_text):
    try:
        parse_actors(yaml_text, source="random.yaml")
    except ActorConfigError as err:
        assert str(err).startswith("random.yaml")


@given(case=st.sampled_from([("utf-16", "Le café est fermé."), ("latin-1", "Le café est fermé."),
                             ("cp1252", "Le café – fermé."), ("utf-32", "Le café est fermé."),
                             ("shift_jis", "東京の港は閉鎖された。"), ("cp1251", "Порт закрыт.")]))
@settings(**SETTINGS)
def test_unknown_encodings_are_error_rows(tmp_path_factory, case):
    encoding, body = case
    folder = tmp_path_factory.mktemp("enc")
    (folder / "a.md").write_bytes(f"---\nid: a\ntitle: T\n---\n{body}\n".encode(encoding))
    (item,) = list(scan_corpus(folder))
    assert isinstance(item, ArticleError)
    assert "UTF-8" in item.message or "binary" in item.message


@pytest.mark.long
def test_huge_sentence_and_unbalanced_quotes(tmp_path):
    text = "“" + " ".join(["Ana Ortiz said the dockers were heroes and"] * 400) + " nothing else."
    result = analyse_article(Article(id="big", text=text), _settings())
    assert "error" not in result
    assert result["quotes"] and result["quotes"][0]["evidence"].endswith("closing quotation mark missing")


@pytest.mark.slow
def test_a_5_mb_article_finishes(tmp_path):
    """Issue 8: a 5 MB article is analysed, not refused or crashed (a few minutes on 2 cores)."""
    import random
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from synthetic import REGISTRY as BENCH_REGISTRY
    from synthetic import article_text

    from analysis.batch import RunSettings

    text = article_text(random.Random(5), 880_000)
    assert len(text.encode("utf-8")) >= 5_000_000
    settings = RunSettings(parse_actors(BENCH_REGISTRY), cache_dir=False, sentiment_backend="lexicon")
    result = analyse_article(Article(id="huge", text=text), settings)
    assert "error" not in result, result.get("error")
    assert result["sentences"][-1]["end"] <= len(text)
    assert {m["actor"] for m in result["mentions"]} >= {"mayor", "council", "union", "minister"}


def test_pipeline_needs_no_network(tmp_path, monkeypatch):
    """No network at run time: any socket use fails this test."""
    def refuse(*args, **kwargs):
        raise AssertionError("the pipeline tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.md").write_text("---\nid: a\ntitle: A\n---\n“We are ready,” Ana Ortiz said.\n", encoding="utf-8")
    summary = run_corpus(folder, tmp_path / "out", REGISTRY, progress=False, sentiment_backend="lexicon",
                         cache_dir=tmp_path / "cache")
    assert summary["analysed"] == 1


def test_yaml_is_loaded_safely():
    with pytest.raises(ActorConfigError):
        parse_actors("actors: !!python/object/apply:os.system ['echo pwned']", source="evil.yaml")


def test_analysis_errors_are_one_line():
    with pytest.raises(AnalysisError) as err:
        parse_actors("actors:\n  a: {kind: nope, names: [A]}", source="x.yaml")
    assert "\n" not in str(err.value) and str(err.value).startswith("x.yaml, line 2")


# ---------------------------------------------------------------- hostile input through `run` (issue 13)

CONTROL_CHARACTERS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)] + ["\ufffe"]


def _read_every_output(out):
    """Every table and the GraphML parse back; returns the tables."""
    import networkx as nx
    import pandas as pd

    tables = {p.stem: pd.read_csv(p, keep_default_na=False) for p in sorted(out.glob("*.csv"))}
    graph = nx.read_graphml(out / "stance.graphml")
    return tables, graph


@given(control=st.sampled_from(CONTROL_CHARACTERS), where=st.sampled_from(["word", "name", "quote"]))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_control_characters_reach_every_output_file_safely(tmp_path_factory, control, where):
    import json

    folder = tmp_path_factory.mktemp("ctl")
    speaker = f"Ana{control}Ortiz" if where == "name" else "Ana Ortiz"
    text = (f"Mayor {speaker} warmly{control if where == 'word' else ''} thanked the Dockworkers Union. "
            f"\u201cThe dockers are {'her' + control + 'oes' if where == 'quote' else 'heroes'},\u201d "
            f"said {speaker}.")
    corpus = folder / "c.jsonl"
    corpus.write_text(json.dumps({"id": "ctl", "text": text}) + "\n", encoding="utf-8")
    out = folder / "out"
    summary = run_corpus(corpus, out, REGISTRY, progress=False, sentiment_backend="lexicon", cache_dir=False)
    tables, graph = _read_every_output(out)
    assert (summary["analysed"], summary["errors"]) == (1, 0)
    assert tables["articles"].article_id.tolist() == ["ctl"]
    if control not in ("\x00",):  # tables keep the original text (pandas reads NUL back as written, too)
        assert control in "".join(tables["sentences"].text)
    corpus_rows = tables["stance_summary"][tables["stance_summary"].article_id == "(corpus)"]
    assert graph.number_of_nodes() == len(set(corpus_rows.source) | set(corpus_rows.target))
    assert graph.number_of_edges() == len(corpus_rows)


def test_graphml_writer_replaces_xml_invalid_characters_only_in_the_file(tmp_path):
    import networkx as nx

    from analysis.summaries import write_graphml

    graph = nx.DiGraph(article_id="(corpus)")
    graph.add_node("other:Vin\x0bter", label="Vin\x0bter", kind="other", in_registry=False)
    graph.add_node("other:Vin\x0cter", label="Vin\x0cter", kind="other", in_registry=False)
    graph.add_node("mayor", label="Ana Ortiz", kind="person", in_registry=True)
    graph.add_edge("mayor", "other:Vin\x0bter", evidence="[favor] she thanked Vin\x00ter", n=1, net=1.0)
    graph.add_edge("mayor", "other:Vin\x0cter", evidence="[against] ok", n=1, net=-1.0)
    path = write_graphml(graph, tmp_path / "g.graphml")
    back = nx.read_graphml(path)
    assert back.number_of_nodes() == 3 and back.number_of_edges() == 2  # names kept apart
    assert "\x0b" in graph.nodes["other:Vin\x0bter"]["label"]  # the caller's graph is untouched
    assert {d["label"] for _, d in back.nodes(data=True)} == {"Ana Ortiz", "Vin\ufffdter"}


def test_formulas_are_escaped_in_csv_files_only(tmp_path):
    import pandas as pd

    from analysis.pipeline import analyze

    folder = tmp_path / "c"
    folder.mkdir()
    text = "=HYPERLINK(1) said the mayor. -Ana Ortiz spoke. @union +1 vote."
    (folder / "a.md").write_text(f"---\nid: a\ntitle: '=cmd|calc'\n---\n{text}\n", encoding="utf-8")
    out = tmp_path / "out"
    run_corpus(folder, out, REGISTRY, progress=False, sentiment_backend="lexicon", cache_dir=False)
    articles = pd.read_csv(out / "articles.csv", keep_default_na=False)
    sentences = pd.read_csv(out / "sentences.csv", keep_default_na=False)
    assert articles.title.tolist() == ["'=cmd|calc"]
    starts = [t[:2] for t in sentences.text]
    assert "'=" in starts and "'-" in starts and "'@" in starts
    assert all(not t.startswith(("=", "+", "-", "@")) for t in sentences.text)
    # numbers are not text: negative scores stay numbers
    assert pd.read_csv(out / "sentiment.csv").score.dtype.kind == "f"
    # the records and the notebook tables keep the original text
    result = analyze(scan_corpus(folder), REGISTRY, cache_dir=False, progress=False, sentiment_backend="lexicon")
    assert result.articles.title.tolist() == ["=cmd|calc"] and result.sentences.text.iloc[0].startswith("=")
    result.save(tmp_path / "saved")
    assert pd.read_csv(tmp_path / "saved" / "articles.csv").title.tolist() == ["'=cmd|calc"]


@given(cells=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"),
                               min_size=1, max_size=40), min_size=1, max_size=5),
       broken=st.booleans())
@settings(**SETTINGS)
def test_csv_quoting_never_loses_a_row_silently(tmp_path_factory, cells, broken):
    """Any text, quoted by a CSV writer, reads back row for row; an unterminated quote
    (a hand-edited file) is one error row and every well-formed row after it is still read."""
    import csv
    import io

    from hypothesis import assume

    # after an unterminated quote, a later field that itself spans lines is ambiguous
    # (its opening mark may close the broken one): a limit stated in the README
    assume(not broken or not any("\n" in cell for cell in cells))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "text"])
    for i, cell in enumerate(cells):
        writer.writerow([f"r{i}", cell + " Ana Ortiz spoke."])
    writer.writerow(["last", "The end."])
    header, rest = buffer.getvalue().split("\n", 1)
    text = header + "\n" + ('bad,"unterminated Ana Ortiz said\n' if broken else "") + rest
    path = tmp_path_factory.mktemp("csvq") / "c.csv"
    path.write_text(text, encoding="utf-8")
    items = list(scan_corpus(path))
    good = {i.id: i.text for i in items if isinstance(i, Article)}
    errors = [i for i in items if isinstance(i, ArticleError)]
    assert list(good) == [f"r{i}" for i in range(len(cells))] + ["last"]
    assert all(text.endswith("Ana Ortiz spoke.") for key, text in good.items() if key != "last")
    if broken:
        assert len(errors) == 1 and errors[0].source == f"{path}:2" and "quoted field opened on line 2" in (
            errors[0].message)
    else:
        assert not errors


def test_a_mention_across_a_sentence_break_is_judged_by_the_model():
    """Issue 12: spaCy split "President | Trump"; the model's span check raised ValueError."""
    pytest.importorskip("onnxruntime")
    from analysis.nlp import parse
    from analysis.sentiment import score_sentiment
    from analysis.types import Mention

    text = "Critics praised the President\nTrump spoke at the rally."
    doc = parse(text)
    assert len(list(doc.sents)) == 2
    start, end = text.index("President"), text.index("Trump") + len("Trump")
    mention = Mention(article_id="x", sentence_id=0, start=start, end=end, text=text[start:end], actor="trump",
                      method="name", confidence=1.0)
    (judged,) = score_sentiment(doc, [mention], backend="model")
    assert judged.label in ("negative", "neutral", "positive") and judged.method == "model"


_REAL_TEXT_PIECES = st.sampled_from([
    "President\nAna Ortiz said the port would reopen.", "Ana Ortiz, (—), spoke.", "A. B. Ortiz left.",
    "Mr. Ortiz, a reformer, praised the Dockworkers Union.", "Dr. J. R. Ortiz Jr. spoke.", "“We wait,” Ortiz said.",
    "The dockers, —, left.", "Ortiz (D-Calif.) said nothing.", "Ms.\nOrtiz spoke.", "(), ,", "Mayor\n\nOrtiz"])


@given(pieces=st.lists(_REAL_TEXT_PIECES, min_size=1, max_size=8))
@settings(max_examples=15, deadline=None)
def test_text_shaped_like_real_news_loses_no_stage(pieces):
    """Appositions of punctuation, names cut by line breaks, titles and initials: every stage runs."""
    backend = "model" if _has_model() else "lexicon"
    settings_ = RunSettings(REGISTRY, cache_dir=False, sentiment_backend=backend)
    result = analyse_article(Article(id="real", text=" ".join(pieces), source="hypothesis"), settings_)
    assert "error" not in result, result.get("error")
    assert result["errors"] == [], result["errors"]


def _has_model() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.long
def test_no_dns_query_from_a_long_model_run(tmp_path):
    """Issue 13: ONNX Runtime's native telemetry resolves a remote host some seconds
    after import; Python-level socket patches cannot see it, strace can. A run of the
    model backend lasting over 15 s must make no DNS query (nor any inet socket)."""
    import shutil
    import subprocess
    import sys
    import textwrap

    pytest.importorskip("onnxruntime")
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed (apt-get install strace); the native network check needs it")
    probe = subprocess.run([strace, "-f", "-e", "trace=network", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"strace cannot trace here (no ptrace permission?): {probe.stderr.strip()[:200]}")
    script = textwrap.dedent("""
        import sys, time
        from analysis.sentiment_model import load_sentiment_model
        model = load_sentiment_model()
        deadline = time.time() + 16
        while time.time() < deadline:  # keep the model busy past the telemetry's first upload
            model.predict(["Critics praised Ana Ortiz for the deal."], [(16, 25)])
            time.sleep(0.5)
    """)
    log = tmp_path / "strace.txt"
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in __import__("os").environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    env["HOME"] = str(home)
    subprocess.run([strace, "-f", "-e", "trace=network", "-o", str(log), sys.executable, "-c", script],
                   check=True, env=env, cwd=str(Path(__file__).resolve().parents[1]), timeout=180)
    outbound = _outbound_calls(log.read_text())
    assert not outbound, "network calls seen:\n" + "\n".join(outbound[:10])
    assert not (home / ".cache" / "Microsoft").exists()


def _outbound_calls(strace_log: str) -> list[str]:
    """Lines of an ``strace -e trace=network`` log that query DNS or reach past loopback.

    Python's own probe for IPv6 (a TCP socket bound to ``::1``) and Unix sockets are
    local and not counted; a UDP socket of an internet family, anything to port 53
    and a connect or send to a non-loopback address are.
    """
    found = []
    for line in strace_log.splitlines():
        inet = "AF_INET" in line
        loopback = "127.0.0.1" in line or '"::1"' in line
        if ("htons(53)" in line or (inet and "SOCK_DGRAM" in line)
                or (inet and not loopback and any(f"{call}(" in line for call in ("connect", "sendto", "sendmmsg")))):
            found.append(line)
    return found
