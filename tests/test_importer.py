"""Tests for analysis.importer: pages, texts and research files become corpus files that load."""

from __future__ import annotations

import csv
import dataclasses
import json
import socket
from itertools import islice
from pathlib import Path

import pytest

from analysis.corpus import load_corpus, read_article, scan_corpus
from analysis.errors import CorpusError
from analysis.importer import ImportResult, article_file_text, html_to_article, import_files, text_to_article
from analysis.types import Article, ArticleError

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
CONSTRUCTED = {
    "constructed-state-media": "Constructed: state-media voice",
    "constructed-wire-report": "Constructed: wire report",
    "constructed-opinion-long-odds": "Constructed: opinion column",
}

PARAGRAPHS = [
    "A small group of volunteers met in a forest outside Warsaw on Saturday to practise drills with wooden rifles.",
    "Their commander said the group would travel east once its papers were in order, and that nobody was paid.",
    "Officials in Minsk did not answer a request for comment on the training, which neighbours called quiet.",
]
PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<title>Exiles train in Poland | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta property="article:published_time" content="2022-05-20T10:00:00Z">
<link rel="canonical" href="https://example.org/news/exiles-train">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/subscribe">Subscribe now</a></li></ul></nav>
<article><h1>Exiles train in Poland</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Tweet this</a></div>
</article>
<footer><p>Copyright 2022 The Daily Example. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"""
EMPTY_PAGE = """<html><head><title>Nothing here | Site</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<footer><p>Copyright 2022 Site. All rights reserved.</p></footer></body></html>"""
BOILERPLATE = ("Home", "Subscribe", "Share on Facebook", "Tweet", "Copyright", "Privacy")


@pytest.fixture
def trafilatura():
    return pytest.importorskip("trafilatura")


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("the importer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def write(path: Path, content: str | bytes) -> Path:
    """Write a test input (text as UTF-8) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def assert_loads_cleanly(folder: Path) -> list[Article]:
    """Every file in ``folder`` reads with ``scan_corpus``, as UTF-8 with ``\\n`` line ends."""
    items = list(scan_corpus(folder))
    errors = [item for item in items if isinstance(item, ArticleError)]
    assert not errors, errors
    for file in folder.iterdir():
        assert not file.name.startswith("."), f"temporary file left behind: {file}"
        data = file.read_bytes()
        assert b"\r" not in data
        data.decode("utf-8")
    return items


def by_source_error(results: list[ImportResult]) -> dict[str, str]:
    return {r.source: r.error for r in results}


# --------------------------------------------------------------------------
# article_file_text: the round trip
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "article",
    [
        Article(id="a1", text="Putin spoke.", title="T"),
        Article(
            id="round-trip.2",
            text="“We see a window,” she said.\nMinsk: no comment.\n  An indented line.",
            title="Kyiv: the siege — day 3",
            outlet="Daily: Example",
            date="2022-05-20",
            url="https://example.org/a?b=1#c",
            language="be",
            constructed=True,
            extra=(("imported_from", "page.html"), ("note", "yes"), ("score", "1.0")),
        ),
        Article(id="2022", text="Numbers look like YAML values.", title="2022", date="2022", outlet="null"),
        Article(id="x", text="# not a heading\n---\nA line that looks like a fence.", title="'quoted' & [odd] {title}"),
    ],
    ids=["minimal", "everything", "yaml-lookalikes", "fence-in-body"],
)
def test_article_file_text_round_trips_through_read_article(tmp_path, article):
    path = write(tmp_path / "a.md", article_file_text(article))
    assert read_article(path) == dataclasses.replace(article, source=str(path))


def test_article_file_text_writes_keys_in_fixed_order():
    text = article_file_text(Article(id="a", title="T", text="T.", extra=(("b", "2"), ("a", "1"))))
    keys = [line.split(":")[0] for line in text.split("---\n")[1].splitlines()]
    assert keys == ["id", "title", "outlet", "date", "url", "language", "constructed", "a", "b"]
    assert text.endswith("---\nT.\n")


@pytest.mark.parametrize(
    ("article", "expected"),
    [
        (Article(id="bad id", title="T", text="T."), "is not valid"),
        (Article(id="a", title=" ", text="T."), "has no title"),
        (Article(id="a", title="T", text="\n \n"), "has no text"),
        (Article(id="a", title="T", text="T.", extra=(("id", "b"),)), "repeats a front-matter field"),
    ],
)
def test_article_file_text_refuses_what_would_not_read_back(article, expected):
    with pytest.raises(CorpusError, match=expected):
        article_file_text(article)


# --------------------------------------------------------------------------
# html_to_article
# --------------------------------------------------------------------------


def test_html_to_article_keeps_the_main_text_and_drops_boilerplate(trafilatura, no_network):
    article = html_to_article(PAGE, source="pages/exiles.html")
    assert article.text == "\n".join(PARAGRAPHS)
    for junk in BOILERPLATE:
        assert junk not in article.text
    assert (article.id, article.title) == ("exiles-train-in-poland", "Exiles train in Poland")
    assert (article.outlet, article.date, article.url) == (
        "The Daily Example", "2022-05-20", "https://example.org/news/exiles-train")
    assert article.source == "pages/exiles.html"


def test_html_to_article_takes_given_id_and_outlet(trafilatura):
    article = html_to_article(PAGE, source="p.html", article_id="exiles-2022", outlet="Example")
    assert (article.id, article.outlet) == ("exiles-2022", "Example")


@pytest.mark.parametrize("page", [EMPTY_PAGE, "", "<html><body><div id='app'></div></body></html>"])
def test_html_to_article_without_text_names_the_source(trafilatura, page):
    with pytest.raises(CorpusError, match=r"^empty\.html: no main text could be extracted"):
        html_to_article(page, source="empty.html")


def test_html_to_article_refuses_an_invalid_id(trafilatura):
    with pytest.raises(CorpusError, match="article_id 'no spaces' is not valid"):
        html_to_article(PAGE, source="p.html", article_id="no spaces")


# --------------------------------------------------------------------------
# text_to_article and ids
# --------------------------------------------------------------------------


def test_text_to_article_takes_the_first_line_as_title():
    raw = "\ufeffExiles meet in Warsaw\r\n\r\nThe volunteers met.\r\nThey trained.\r\n"
    article = text_to_article(raw, source="x.txt")
    assert (article.title, article.text) == ("Exiles meet in Warsaw", "The volunteers met.\nThey trained.")


@pytest.mark.parametrize(
    ("text", "title", "body"),
    [
        ("Only one line here.", "Only one line here.", "Only one line here."),
        (" ".join(["word"] * 40) + "\nSecond line.", " ".join(["word"] * 12) + " …",
         " ".join(["word"] * 40) + "\nSecond line."),
    ],
    ids=["single-line", "paragraph-not-headline"],
)
def test_text_to_article_keeps_a_first_line_that_is_not_a_headline(text, title, body):
    article = text_to_article(text, source="x.txt")
    assert (article.title, article.text) == (title, body)


def test_text_to_article_with_a_given_title_keeps_every_line():
    article = text_to_article("First line.\nSecond line.", source="x.txt", title="Given", article_id="g1")
    assert (article.id, article.title, article.text) == ("g1", "Given", "First line.\nSecond line.")


@pytest.mark.parametrize("text", ["", " \n\t\n"])
def test_text_to_article_refuses_empty_text(text):
    with pytest.raises(CorpusError, match=r"^notes/x\.txt: no text"):
        text_to_article(text, source="notes/x.txt")


@pytest.mark.parametrize(
    ("title", "source", "expected"),
    [
        ("Belarus: exiles' “battalion” trains", "x.txt", "belarus-exiles-battalion-trains"),
        ("Łukašenka und die Exilanten", "x.txt", "lukasenka-und-die-exilanten"),
        ("Беларусы за Украину", "exiles_2022.txt", "exiles-2022"),
        ("Беларусы", "Україна.txt", "article"),
        (" ".join(["volunteers"] * 20), "x.txt", "-".join(["volunteers"] * 5)),
    ],
    ids=["punctuation", "accents", "cyrillic-uses-stem", "nothing-latin", "long"],
)
def test_ids_are_valid_slugs(tmp_path, title, source, expected):
    article = text_to_article("Body text.", source=source, title=title)
    assert article.id == expected
    read_article(write(tmp_path / "a.md", article_file_text(article)))


# --------------------------------------------------------------------------
# import_files: pages and texts
# --------------------------------------------------------------------------


def test_import_files_writes_pages_and_texts_that_load(tmp_path, trafilatura, no_network):
    inputs = [
        write(tmp_path / "in" / "page.html", PAGE),
        write(tmp_path / "in" / "note.txt", "Minsk replies\nA spokesman said little.\n"),
        write(tmp_path / "in" / "draft.md", "Kremlin silent\n\nNo comment came from Moscow.\n"),
    ]
    out = tmp_path / "out"
    results = import_files(inputs, out, outlet="Tests", language="en")
    assert [(r.article_id, r.error) for r in results] == [
        ("exiles-train-in-poland", ""), ("minsk-replies", ""), ("kremlin-silent", "")]
    articles = {a.id: a for a in assert_loads_cleanly(out)}
    page = articles["exiles-train-in-poland"]
    assert page.text == "\n".join(PARAGRAPHS)
    assert page.outlet == "Tests"
    assert dict(page.extra)["imported_from"] == "page.html"
    assert articles["kremlin-silent"].text == "No comment came from Moscow."
    assert Path(results[0].path) == out / "exiles-train-in-poland.md"


def test_duplicate_ids_get_a_numeric_suffix(tmp_path):
    inputs = [write(tmp_path / "in" / f"{name}.txt", f"Minsk replies\nText {name}.\n") for name in "abc"]
    results = import_files(inputs, tmp_path / "out")
    assert [r.article_id for r in results] == ["minsk-replies", "minsk-replies-2", "minsk-replies-3"]
    assert len(assert_loads_cleanly(tmp_path / "out")) == 3


def test_an_id_used_by_another_file_in_the_output_folder_gets_a_suffix(tmp_path):
    out = write(tmp_path / "out" / "older.md", "---\nid: minsk-replies\ntitle: T\n---\nOld.\n").parent
    results = import_files([write(tmp_path / "in" / "a.txt", "Minsk replies\nNew.\n")], out)
    assert [(r.article_id, r.error) for r in results] == [("minsk-replies-2", "")]
    assert len(assert_loads_cleanly(out)) == 2


def test_existing_files_are_kept_unless_overwrite(tmp_path):
    source = write(tmp_path / "in" / "a.txt", "Minsk replies\nFirst version.\n")
    out = tmp_path / "out"
    assert import_files([source], out)[0].ok
    write(source, "Minsk replies\nSecond version.\n")
    (kept,) = import_files([source], out)
    assert (kept.path, kept.article_id) == ("", "minsk-replies")
    assert "already there" in kept.error and "overwrite" in kept.error
    assert read_article(out / "minsk-replies.md").text == "First version."
    (replaced,) = import_files([source], out, overwrite=True)
    assert replaced.ok
    assert read_article(out / "minsk-replies.md").text == "Second version."
    assert len(assert_loads_cleanly(out)) == 1


def test_a_batch_reports_every_bad_input_and_carries_on(tmp_path, trafilatura):
    inputs = [
        write(tmp_path / "in" / "empty.html", EMPTY_PAGE),
        write(tmp_path / "in" / "image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        write(tmp_path / "in" / "binary.txt", b"\x00\x01\x02binary"),
        write(tmp_path / "in" / "latin1.txt", "Café talks\nIn Minsk.\n".encode("latin-1")),
        write(tmp_path / "in" / "blank.txt", "\n  \n"),
        write(tmp_path / "in" / "data.xlsx", b"PK\x03\x04"),
        tmp_path / "in" / "missing.txt",
        write(tmp_path / "in" / "good.txt", "Minsk replies\nA spokesman said little.\n"),
    ]
    results = import_files(inputs, tmp_path / "out")
    errors = by_source_error(results)
    assert list(errors) == [str(p) for p in inputs]
    assert "no main text could be extracted" in errors[str(inputs[0])]
    assert "binary file" in errors[str(inputs[1])]
    assert "binary file" in errors[str(inputs[2])]
    assert "not UTF-8" in errors[str(inputs[3])] and "iconv" in errors[str(inputs[3])]
    assert "empty file" in errors[str(inputs[4])]
    assert "unsupported file type '.xlsx'" in errors[str(inputs[5])]
    assert errors[str(inputs[6])] == "file not found"
    assert errors[str(inputs[7])] == ""
    assert all(r.path == "" for r in results[:-1])
    assert [a.id for a in assert_loads_cleanly(tmp_path / "out")] == ["minsk-replies"]


def test_a_folder_is_read_file_by_file(tmp_path):
    write(tmp_path / "in" / "b.txt", "Second\nText.\n")
    write(tmp_path / "in" / "sub" / "a.txt", "First\nText.\n")
    write(tmp_path / "in" / ".hidden.txt", "Hidden\nText.\n")
    results = import_files(tmp_path / "in", tmp_path / "out")
    assert [r.article_id for r in results] == ["second", "first"]


def test_a_text_file_holding_html_is_imported_as_a_page(tmp_path, trafilatura):
    (result,) = import_files([write(tmp_path / "in" / "saved.txt", PAGE)], tmp_path / "out")
    assert result.ok and read_article(result.path).text == "\n".join(PARAGRAPHS)


# --------------------------------------------------------------------------
# import_files: files that already have front matter
# --------------------------------------------------------------------------

FRONT_MATTER_FILE = "---\nid: ready-1\ntitle: Ready\nconstructed: true\nnote: keep me\n---\nPutin spoke.\n"


def test_a_file_with_front_matter_is_copied_as_it_is(tmp_path):
    source = write(tmp_path / "in" / "ready.md", FRONT_MATTER_FILE)
    (result,) = import_files([source], tmp_path / "out", outlet="Ignored", language="de")
    assert (result.article_id, result.error) == ("ready-1", "")
    assert (tmp_path / "out" / "ready.md").read_text(encoding="utf-8") == FRONT_MATTER_FILE
    assert_loads_cleanly(tmp_path / "out")


def test_a_copied_file_gets_newline_line_ends(tmp_path):
    source = write(tmp_path / "in" / "ready.md", ("\ufeff" + FRONT_MATTER_FILE).replace("\n", "\r\n").encode())
    assert import_files([source], tmp_path / "out")[0].ok
    assert (tmp_path / "out" / "ready.md").read_bytes() == FRONT_MATTER_FILE.encode()


def test_a_file_in_the_output_folder_is_left_in_place(tmp_path):
    source = write(tmp_path / "out" / "ready.md", FRONT_MATTER_FILE)
    (result,) = import_files([source], tmp_path / "out")
    assert (result.path, result.error) == (str(source), "")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("---\nid: a\n---\nText.\n", "front matter has no 'title'"),
        ("---\nid: a\ntitle: T\nText without a closing fence.\n", "is not closed"),
        ("---\nid: a b\ntitle: T\n---\nText.\n", "is not valid"),
    ],
)
def test_a_file_with_bad_front_matter_is_an_error_row(tmp_path, content, expected):
    (result,) = import_files([write(tmp_path / "in" / "bad.md", content)], tmp_path / "out")
    assert expected in result.error and result.path == ""


def test_a_copied_file_whose_id_is_taken_is_an_error_row(tmp_path):
    out = write(tmp_path / "out" / "other.md", "---\nid: ready-1\ntitle: T\n---\nOld.\n").parent
    (result,) = import_files([write(tmp_path / "in" / "ready.md", FRONT_MATTER_FILE)], out)
    assert "id 'ready-1' is already used by" in result.error
    assert not (out / "ready.md").exists()


# --------------------------------------------------------------------------
# import_files: research formats (tiny records written for the test)
# --------------------------------------------------------------------------


def jsonl(path: Path, records: list) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return write(path, "\n".join(lines) + "\n")


def newsmtsc_record(gid: str | None, sentence: str, mention: str) -> dict:
    start = sentence.index(mention)
    record = {"sentence_normalized": sentence,
              "targets": [{"from": start, "to": start + len(mention), "mention": mention, "polarity": 4.0}]}
    if gid is not None:
        record["primary_gid"] = gid
    return record


def test_newsmtsc_sentences_are_grouped_into_articles(tmp_path):
    path = jsonl(tmp_path / "in" / "tiny.jsonl", [
        newsmtsc_record("src_1_9_4_Ana Ortiz_0_9", "Ana Ortiz thanked the volunteers.", "Ana Ortiz"),
        newsmtsc_record("src_2_7_0_Minsk_0_5", "Minsk denied the report.", "Minsk"),
        newsmtsc_record("src_1_9_1_Ana Ortiz_11_20", "On Monday Ana Ortiz spoke first.", "Ana Ortiz"),
        newsmtsc_record(None, "NATO said nothing.", "NATO"),
        "{not json",
        [1, 2],
        {"sentence_normalized": "", "targets": []},
    ])
    results = import_files([path], tmp_path / "out")
    assert [(r.source, r.article_id, bool(r.error)) for r in results] == [
        (f"{path}:1", "newsmtsc-src_1_9", False),
        (f"{path}:2", "newsmtsc-src_2_7", False),
        (f"{path}:4", "newsmtsc-tiny-line-4", False),
        (f"{path}:5", "", True),
        (f"{path}:6", "", True),
        (f"{path}:7", "", True),
    ]
    assert "not valid JSON" in results[3].error and "not a JSON object" in results[4].error
    assert "sentence_normalized" in results[5].error
    articles = {a.id: a for a in assert_loads_cleanly(tmp_path / "out")}
    grouped = articles["newsmtsc-src_1_9"]
    assert grouped.text == "On Monday Ana Ortiz spoke first.\nAna Ortiz thanked the volunteers."
    assert dict(grouped.extra)["imported_from"] == "NewsMTSC tiny.jsonl, lines 1, 3"


def test_polnear_articles_are_written_once_whatever_the_annotators(tmp_path):
    text = "Ana Ortiz said the plan would work. Critics disagreed."
    record = {"filename": "daily_2016-10-01_plan", "publisher": "daily", "publication_date": "2016-10-01",
              "title": "A plan", "text": text,
              "attributions": [{"Source": [{"spans": [[0, 9]], "text": "Ana Ortiz"}],
                                "Cue": [{"spans": [[10, 14]], "text": "said"}],
                                "Content": [{"spans": [[15, 35]], "text": "the plan would work."}]}]}
    path = jsonl(tmp_path / "in" / "polnear.jsonl", [
        {**record, "annotator": "b2"}, {**record, "annotator": "a1"},
        {**record, "filename": "daily_2016-10-02_other", "title": "Other", "annotator": "a1"},
    ])
    results = import_files([path], tmp_path / "out")
    assert [(r.article_id, r.error) for r in results] == [("daily_2016-10-01_plan", ""), ("daily_2016-10-02_other", "")]
    article = read_article(tmp_path / "out" / "daily_2016-10-01_plan.md")
    assert (article.text, article.title, article.outlet, article.date) == (text, "A plan", "daily", "2016-10-01")
    assert_loads_cleanly(tmp_path / "out")


def test_a_malformed_polnear_line_is_reported_with_its_line(tmp_path):
    path = jsonl(tmp_path / "in" / "polnear.jsonl", [
        {"filename": "f1", "annotator": "a", "text": "T.", "attributions": []}, {"text": "no filename"}])
    (result,) = import_files([path], tmp_path / "out")
    assert result.source == str(path) and result.error.startswith("line 2: not a PolNeAR record")


def persent_csv(path: Path, rows: list[dict]) -> Path:
    columns = ["DOCUMENT_INDEX", "TITLE", "TARGET_ENTITY", "DOCUMENT", "MASKED_DOCUMENT", "TRUE_SENTIMENT",
               "Paragraph0"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def test_persent_rows_become_articles_with_their_target(tmp_path):
    path = persent_csv(tmp_path / "in" / "persent.csv", [
        {"DOCUMENT_INDEX": "7", "TITLE": "Mayor opens bridge", "TARGET_ENTITY": "Ana Ortiz",
         "DOCUMENT": "Ana Ortiz opened the bridge, \"a fine day\", she said.\nCrowds cheered.",
         "TRUE_SENTIMENT": "Positive", "Paragraph0": "Positive"},
        {"DOCUMENT_INDEX": "8", "TITLE": "", "TARGET_ENTITY": "Ben Cole", "DOCUMENT": "Ben Cole lost.",
         "TRUE_SENTIMENT": "Negative"},
        {"DOCUMENT_INDEX": "9", "TITLE": "Empty", "TARGET_ENTITY": "Nobody", "DOCUMENT": "  ",
         "TRUE_SENTIMENT": "Neutral"},
    ])
    results = import_files([path], tmp_path / "out")
    assert [(r.article_id, bool(r.error)) for r in results] == [
        ("persent-7", False), ("persent-8", False), ("persent-9", True)]
    assert "not a valid corpus file" in results[2].error and "has no text" in results[2].error
    article = read_article(tmp_path / "out" / "persent-7.md")
    assert article.text == "Ana Ortiz opened the bridge, \"a fine day\", she said.\nCrowds cheered."
    assert dict(article.extra)["target_entity"] == "Ana Ortiz"
    assert dict(article.extra)["true_sentiment"] == "positive"
    assert read_article(tmp_path / "out" / "persent-8.md").title == "PerSenT document 8"
    assert_loads_cleanly(tmp_path / "out")


def test_corpus_jsonl_and_csv_records_keep_their_metadata(tmp_path):
    path = jsonl(tmp_path / "in" / "corpus.jsonl", [
        {"id": "c1", "title": "One", "text": "Putin spoke.", "language": "ru", "constructed": True},
        {"id": "bad id", "text": "x"},
    ])
    results = import_files([path], tmp_path / "out")
    assert [(r.article_id, bool(r.error)) for r in results] == [("c1", False), ("", True)]
    article = read_article(tmp_path / "out" / "c1.md")
    assert (article.language, article.constructed, article.title) == ("ru", True, "One")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("other.jsonl", '{"question": "q", "answer": "a"}\n', "not a known JSONL format"),
        ("other.csv", "a,b\n1,2\n", "not a known CSV format"),
        ("short.csv", "DOCUMENT,TARGET_ENTITY\nText.,Ana\n", "looks like PerSenT but has no column(s)"),
        ("binary.jsonl", b"\x00\x01\x02", "binary file"),
    ],
)
def test_unknown_research_formats_are_error_rows(tmp_path, name, content, expected):
    (result,) = import_files([write(tmp_path / "in" / name, content)], tmp_path / "out")
    assert expected in result.error and result.path == ""


# --------------------------------------------------------------------------
# The shared development data (read by path; skipped where it is absent)
# --------------------------------------------------------------------------


def shared_file(relative: str) -> Path:
    path = DATA / relative
    if not path.is_file():
        pytest.skip(f"shared development data not available at {path}")
    return path


def test_first_persent_records_import_cleanly(tmp_path):
    source = shared_file("persent/dev.csv")
    sample = tmp_path / "in" / "persent-sample.csv"
    sample.parent.mkdir()
    with source.open(encoding="utf-8", newline="") as handle, sample.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(islice(csv.reader(handle), 6))
    results = import_files([sample], tmp_path / "articles")
    assert len(results) == 5 and all(r.ok for r in results), results
    assert len(assert_loads_cleanly(tmp_path / "articles")) == 5


def test_first_newsmtsc_records_import_cleanly(tmp_path):
    source = shared_file("newsmtsc/dev_rw.jsonl")
    with source.open(encoding="utf-8") as handle:
        lines = list(islice(handle, 10))
    sample = write(tmp_path / "in" / "newsmtsc-sample.jsonl", "".join(lines))
    results = import_files([sample], tmp_path / "articles")
    assert results and all(r.ok for r in results), results
    articles = assert_loads_cleanly(tmp_path / "articles")
    assert sum(a.text.count("\n") + 1 for a in articles) == len({json.loads(x)["sentence_normalized"] for x in lines})


# --------------------------------------------------------------------------
# The constructed contrast articles in the repository's corpus
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("article_id", "outlet"), sorted(CONSTRUCTED.items()))
def test_constructed_articles_are_marked_and_short(article_id, outlet):
    article = read_article(REPO / "corpus" / "articles" / f"{article_id}.md")
    assert (article.id, article.outlet, article.constructed) == (article_id, outlet, True)
    assert (article.date, article.url, article.language) == ("2022", "", "en")
    note = dict(article.extra)["note"]
    assert "teaching material" in note and "invented" in note
    assert 150 <= len(article.text.split()) <= 300


def test_the_whole_corpus_folder_loads():
    ids = [a.id for a in load_corpus(REPO / "corpus")]
    assert "belarus-exiles-cnn" in ids
    assert set(CONSTRUCTED) <= set(ids)
    assert len(ids) == len(set(ids))


def test_the_same_article_from_a_page_and_a_text_file_is_flagged_as_a_repeat(tmp_path, trafilatura):
    (tmp_path / "exiles.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "exiles.txt").write_text("Exiles train in Poland\n" + "\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("Port strike ends\nThe dockers went back to work on Monday after a "
                                        "week-long strike over pay and hours.\n", encoding="utf-8")
    page, text, other = import_files([tmp_path / "exiles.html", tmp_path / "exiles.txt", tmp_path / "other.txt"],
                                     tmp_path / "out")
    assert page.ok and text.ok and other.ok  # all written: the researcher decides
    assert page.note == "" and other.note == ""
    assert text.note.startswith(f"same text as article {page.article_id!r}")
    # a later import into the same folder still sees the files already there
    (tmp_path / "retitled.txt").write_text("Volunteers drill near Warsaw\n" + "\n".join(PARAGRAPHS) + "\n",
                                           encoding="utf-8")
    (later,) = import_files([tmp_path / "retitled.txt"], tmp_path / "out")
    assert later.ok and later.note.startswith("same text as article")
    (elsewhere,) = import_files([tmp_path / "retitled.txt"], tmp_path / "elsewhere")
    assert elsewhere.ok and elsewhere.note == ""
