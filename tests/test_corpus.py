"""Tests for analysis.corpus: the real corpus loads, and every bad input is refused clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.corpus import (
    ARTICLE_SUFFIXES,
    CORPUS_COLUMNS,
    load_corpus,
    parse_front_matter,
    read_article,
    scan_corpus,
)
from analysis.errors import CorpusError
from analysis.types import Article, ArticleError

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

GOOD = "---\nid: a1\ntitle: A title\n---\nPutin spoke in Minsk.\n"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """Write a test file (text as UTF-8) and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def refusal(path: Path, **kwargs) -> str:
    """The message ``read_article`` raises for ``path``; it must name the file."""
    with pytest.raises(CorpusError) as info:
        read_article(path, **kwargs)
    message = str(info.value)
    assert message.startswith(str(path)), message
    return message


# --------------------------------------------------------------------------
# The real corpus
# --------------------------------------------------------------------------


def test_real_corpus_loads_the_seed_article():
    articles = load_corpus(REPO / "corpus")
    ids = [a.id for a in articles]
    assert ids[0] == "belarus-exiles-cnn" and ids == sorted(ids)
    # every other text we bundle is written by us and says so
    assert all(a.constructed and a.outlet.startswith("Constructed") for a in articles[1:])
    article = articles[0]
    assert article.text.startswith("Calling themselves the Pohonia Battalion")
    assert article.source.endswith("articles/belarus-exiles-cnn.md")
    assert article.outlet == "CNN"
    assert article.constructed is False
    assert "note" in dict(article.extra)


def test_real_article_text_equals_the_seed_file():
    seed = SHARED / "seed" / "belarus-exiles-cnn.txt"
    if not seed.is_file():
        pytest.skip(f"shared seed file not available at {seed}")
    article = read_article(REPO / "corpus" / "articles" / "belarus-exiles-cnn.md")
    assert article.text == seed.read_text(encoding="utf-8").strip()


# --------------------------------------------------------------------------
# Good article files
# --------------------------------------------------------------------------


def test_read_article_fields_dates_extra_and_text(tmp_path):
    path = write(
        tmp_path,
        "a1.md",
        (
            "---\nid: a1\ntitle: T\noutlet: CNN\ndate: 2022-05-20\nconstructed: true\n"
            "zeta: 3\nalpha: x\n---\n\n\n  Indented first line.\nSecond.\n\n  \n"
        ),
    )
    article = read_article(path)
    assert article == Article(
        id="a1",
        text="  Indented first line.\nSecond.",
        title="T",
        outlet="CNN",
        date="2022-05-20",
        language="en",
        source=str(path),
        constructed=True,
        extra=(("alpha", "x"), ("zeta", "3")),
    )


def test_bom_and_crlf_are_normalised(tmp_path):
    path = write(
        tmp_path,
        "a1.txt",
        b"\xef\xbb\xbf---\r\nid: a1\r\ntitle: T\r\n---\r\nOne.\r\nTwo.\rThree.\r\n",
    )
    assert read_article(path).text == "One.\nTwo.\nThree."


def test_source_is_the_path_as_given(tmp_path, monkeypatch):
    write(tmp_path, "sub/a1.markdown", GOOD)
    monkeypatch.chdir(tmp_path)
    assert read_article("sub/a1.markdown").source == "sub/a1.markdown"


def test_parse_front_matter_returns_body_and_its_line():
    metadata, body, body_line = parse_front_matter("---\nid: a\ntitle: T\n---\nText\n", "x.md")
    assert metadata == {"id": "a", "title": "T"}
    assert body == "Text\n"
    assert body_line == 5


def test_front_matter_is_parsed_safely():
    with pytest.raises(CorpusError, match=r"x\.md, line 2: malformed YAML"):
        parse_front_matter("---\nid: !!python/object/apply:os.system ['true']\n---\nText\n", "x.md")


# --------------------------------------------------------------------------
# Bad article files: one clear message each, naming the file and the problem
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", "empty file", id="empty"),
        pytest.param(b"  \n\t\n \r\n", "empty file", id="whitespace-only"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text", id="nul-bytes"
        ),
        pytest.param(
            b"ab\x01\x02\x03 text " * 30, "binary file, not text (90 control", id="controls"
        ),
        pytest.param("\ufeffhi".encode("utf-16"), "UTF-16", id="utf-16"),
    ],
)
def test_unreadable_bytes_are_refused(tmp_path, content, expected):
    message = refusal(write(tmp_path, "bad.md", content))
    assert expected in message


def test_a_few_control_characters_are_still_text(tmp_path):
    text = "Paragraph one.\x0bParagraph two.\x1cThree, with enough words to be text."
    article = read_article(write(tmp_path, "ok.md", f"---\nid: a1\ntitle: T\n---\n{text}\n"))
    assert article.text == text


def test_latin1_bytes_give_line_and_offset(tmp_path):
    content = "---\nid: a1\ntitle: T\n---\nCaf\u00e9 in Minsk.\n".encode("latin-1")
    message = refusal(write(tmp_path, "latin.md", content))
    assert ", line 5: not UTF-8 text: byte 0xe9 at byte offset 27" in message
    assert "iconv -f latin1 -t utf-8" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            "Just the text.\n",
            "line 1: the file must start with a front-matter block (a line '---', then 'id: my-article'",
            id="missing-front-matter",
        ),
        pytest.param(
            "---\nid: a1\ntitle: T\nText.\n",
            "line 1: front matter opened on line 1 is not closed",
            id="unclosed",
        ),
        pytest.param(
            "---\nid: a1\ntitle: Kyiv: the siege\n---\nText.\n",
            "line 3: malformed YAML",
            id="malformed-yaml",
        ),
        pytest.param(
            "---\n- a1\n- T\n---\nText.\n",
            "front matter must be 'key: value' lines",
            id="not-a-mapping",
        ),
        pytest.param("---\n# nothing\n---\nText.\n", "empty front matter", id="empty-front-matter"),
        pytest.param("---\ntitle: T\n---\nText.\n", "front matter has no 'id'", id="missing-id"),
        pytest.param(
            "---\nid: a1\n---\nText.\n", "front matter has no 'title'", id="missing-title"
        ),
        pytest.param(
            "---\ntitle: T\nid: my article\n---\nText.\n",
            "line 3: id 'my article' is not valid: use letters, digits",
            id="bad-id",
        ),
        pytest.param(
            "---\nid: -a1\ntitle: T\n---\nText.\n",
            "id '-a1' is not valid",
            id="id-starts-with-dash",
        ),
        pytest.param(
            "---\nid: a1\ntitle: T\nconstructed: maybe\n---\nText.\n",
            "line 4: 'constructed' must be true or false",
            id="constructed-not-bool",
        ),
        pytest.param(
            "---\nid: a1\ntitle: T\n---\n\n  \n",
            "line 5: front matter but no article text",
            id="no-text",
        ),
    ],
)
def test_bad_front_matter_is_refused(tmp_path, content, expected):
    message = refusal(write(tmp_path, "bad.md", content))
    assert expected in message


def test_missing_key_message_lists_valid_keys(tmp_path):
    message = refusal(write(tmp_path, "bad.md", "---\nid: a1\n---\nText.\n"))
    assert "required: id, title; optional: outlet, date, url, language, constructed" in message


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("<!DOCTYPE html>\n<title>News</title>\nText", id="doctype"),
        pytest.param("<html lang='en'>\nText\n</html>", id="html-tag"),
        pytest.param("Intro\n<body class='article'>Text</body>", id="body-tag"),
        pytest.param("<p>One.</p>\n<p>Two <span>x</span>.</p>", id="block-tags"),
        pytest.param("Line one<br>\nLine two<br/>\n<div>Three</div>", id="br-and-div"),
    ],
)
def test_html_body_is_refused(tmp_path, body):
    message = refusal(write(tmp_path, "page.md", f"---\nid: a1\ntitle: T\n---\n{body}\n"))
    assert (
        "looks like HTML, not plain text: save the article's text, or convert the page first"
        in message
    )
    assert "python -m analysis import" in message


def test_html_error_points_at_the_line_of_the_first_tag(tmp_path):
    content = "---\nid: a1\ntitle: T\n---\nPlain intro.\n\n<p>One</p><p>Two</p>\n"
    assert ", line 7: looks like HTML" in refusal(write(tmp_path, "page.md", content))


@pytest.mark.parametrize(
    "body",
    [
        "Supporters sent <3 to the exiles.",
        "If a < b and c > d, the polls say a <b> c.",
        "The site's <p> tag was mentioned once, and <div> once.",
        "Protesters wrote <HEADER> and <bodyguard> on the placards.",
    ],
)
def test_html_ish_but_innocent_text_is_accepted(tmp_path, body):
    article = read_article(write(tmp_path, "ok.md", f"---\nid: a1\ntitle: T\n---\n{body}\n"))
    assert article.text == body


def test_missing_file_and_folder_are_refused(tmp_path):
    assert "file not found" in refusal(tmp_path / "missing.md")
    assert "is a folder, not an article file" in refusal(tmp_path)


def test_max_bytes_exceeded(tmp_path):
    path = write(tmp_path, "big.md", GOOD)
    size = path.stat().st_size
    message = refusal(path, max_bytes=10)
    assert f"file is {size:,} bytes, more than the limit of 10 (max_bytes)" in message
    assert read_article(path, max_bytes=size).id == "a1"


# --------------------------------------------------------------------------
# Folders
# --------------------------------------------------------------------------


def test_folder_is_read_in_name_order_recursively_skipping_hidden_files(tmp_path):
    for name in ["b.md", "a.txt", "sub/c.markdown", ".hidden.md", ".git/d.md"]:
        write(tmp_path, name, GOOD.replace("a1", Path(name).stem.strip(".")))
    assert [a.id for a in load_corpus(tmp_path)] == ["a", "b", "c"]


def test_articles_subfolder_is_preferred(tmp_path):
    write(tmp_path, "actors.yaml", "actors: []\n")
    write(tmp_path, "articles/a1.md", GOOD)
    assert [a.id for a in load_corpus(tmp_path)] == ["a1"]


def test_unsupported_file_in_folder_yields_an_error_row(tmp_path):
    write(tmp_path, "a1.md", GOOD)
    pdf = write(tmp_path, "b.pdf", b"%PDF-1.4")
    items = list(scan_corpus(tmp_path))
    assert isinstance(items[0], Article)
    error = items[1]
    assert isinstance(error, ArticleError)
    assert error.source == str(pdf)
    assert error.stage == "load"
    assert error.message.startswith(f"{pdf}: unsupported file type '.pdf'")
    assert ", ".join(ARTICLE_SUFFIXES) in error.message


def test_bad_article_in_folder_becomes_an_error_row_with_its_id(tmp_path):
    write(tmp_path, "a1.md", GOOD)
    bad = write(tmp_path, "b.md", "---\nid: b1\ntitle: T\n---\n")
    items = list(scan_corpus(tmp_path))
    assert [type(i) for i in items] == [Article, ArticleError]
    assert items[1] == ArticleError(
        source=str(bad),
        message=f"{bad}, line 5: front matter but no article text: put the text "
        "after the closing '---' line",
        article_id="b1",
        stage="load",
    )


def test_duplicate_ids_in_a_folder(tmp_path):
    first = write(tmp_path, "a.md", GOOD)
    second = write(tmp_path, "b.md", GOOD)
    items = list(scan_corpus(tmp_path))
    assert isinstance(items[0], Article)
    assert isinstance(items[1], ArticleError)
    assert items[1].article_id == "a1"
    assert items[1].source == str(second)
    assert f"duplicate id 'a1': already used by {first}" in items[1].message
    with pytest.raises(CorpusError, match=f"^{second}: duplicate id 'a1'"):
        load_corpus(tmp_path)


def test_load_corpus_raises_the_first_bad_article_message(tmp_path):
    bad = write(tmp_path, "a.md", "no front matter\n")
    write(tmp_path, "b.md", "")
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    assert str(info.value).startswith(
        f"{bad}, line 1: the file must start with a front-matter block"
    )


@pytest.mark.parametrize(
    "files", [[], ["notes.pdf", ".hidden.md"]], ids=["empty", "no-article-files"]
)
def test_folder_without_articles_is_refused_right_away(tmp_path, files):
    for name in files:
        write(tmp_path, name, GOOD)
    with pytest.raises(
        CorpusError, match=r"no article files \(\.md, \.markdown, \.txt\) in this folder"
    ):
        scan_corpus(tmp_path)
    with pytest.raises(CorpusError, match=f"^{tmp_path}: no article files"):
        load_corpus(tmp_path)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("missing", "no such file or folder"), ("corpus.docx", "unsupported input type '.docx'")],
)
def test_bad_corpus_path_is_refused(tmp_path, name, expected):
    if name.endswith(".docx"):
        write(tmp_path, name, b"PK\x03\x04")
    with pytest.raises(CorpusError) as info:
        scan_corpus(tmp_path / name)
    assert expected in str(info.value)
    assert ".jsonl" in str(info.value) and ".csv" in str(info.value)


def test_scan_corpus_is_a_lazy_stream(tmp_path):
    write(tmp_path, "a1.md", GOOD)
    stream = scan_corpus(tmp_path)
    (tmp_path / "a1.md").write_text(GOOD.replace("a1", "changed"), encoding="utf-8")
    assert next(stream).id == "changed"
    assert next(stream, None) is None


# --------------------------------------------------------------------------
# JSONL and CSV
# --------------------------------------------------------------------------


def test_jsonl_good_and_bad_lines(tmp_path):
    good = {"id": "j1", "text": "Putin spoke.\r\nThen left.", "title": "T", "constructed": True}
    lines = [
        json.dumps({**good, "topic": "war"}),
        "",
        "{not json",
        "[1, 2]",
        '{"id": "j2"}',
        '{"id": "j3", "text": "   "}',
        '{"id": "j4", "text": "<html><body>x</body></html>"}',
        '{"id": "j1", "text": "Again."}',
    ]
    path = write(tmp_path, "corpus.jsonl", "\n".join(lines) + "\n")
    items = list(scan_corpus(path))
    assert items[0] == Article(
        id="j1",
        text="Putin spoke.\nThen left.",
        title="T",
        source=f"{path}:1",
        constructed=True,
        extra=(("topic", "war"),),
    )
    errors = items[1:]
    assert all(isinstance(e, ArticleError) for e in errors)
    assert [e.source for e in errors] == [f"{path}:{n}" for n in (3, 4, 5, 6, 7, 8)]
    expected = [
        "not valid JSON",
        "not a JSON object but a list",
        "missing 'text'",
        "empty 'text'",
        "looks like HTML, not plain text",
        "duplicate id 'j1': already used by",
    ]
    for error, text in zip(errors, expected, strict=True):
        assert error.message.startswith(f"{error.source}: "), error.message
        assert text in error.message
    assert [e.article_id for e in errors] == ["", "", "", "j3", "j4", "j1"]


def test_jsonl_latin1_line_is_refused_and_later_lines_are_read(tmp_path):
    path = write(
        tmp_path, "c.jsonl", b'{"id": "a", "text": "Caf\xe9"}\n{"id": "b", "text": "Ok."}\n'
    )
    first, second = scan_corpus(path)
    assert first.message.startswith(f"{path}:1: not UTF-8 text: byte 0xe9")
    assert second.id == "b"


def test_empty_jsonl_yields_an_error(tmp_path):
    path = write(tmp_path, "c.jsonl", "\n\n")
    (error,) = scan_corpus(path)
    assert error.message.startswith(f"{path}: empty file")


def test_csv_good_rows_with_multiline_text(tmp_path):
    path = write(
        tmp_path,
        "c.csv",
        (
            "id,text,title,constructed,topic\n"
            'c1,"Putin spoke.\nThen, he left.",T1,true,war\n'
            "\n"
            "c2,Lukashenko waited.,,,\n"
        ),
    )
    first, second = scan_corpus(path)
    assert first == Article(
        id="c1",
        text="Putin spoke.\nThen, he left.",
        title="T1",
        source=f"{path}:2",
        constructed=True,
        extra=(("topic", "war"),),
    )
    assert second.source == f"{path}:5"
    assert (second.title, second.constructed, second.extra) == ("", False, ())


def test_csv_missing_column_is_one_error(tmp_path):
    path = write(tmp_path, "c.csv", "id,body\nc1,Text\nc2,More\n")
    (error,) = scan_corpus(path)
    assert error.message.startswith(
        f"{path}, line 1: missing column(s) text; the header row has 'id', 'body'"
    )
    assert "required: id, text" in error.message


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("c1,Text,extra\n", "row has 3 fields but the header has 2 columns"),
        (",Text\n", "missing 'id'"),
        ("c1,\n", "empty 'text'"),
        ("c 1,Text\n", "id 'c 1' is not valid"),
    ],
)
def test_csv_bad_row_names_its_line(tmp_path, rows, expected):
    path = write(tmp_path, "c.csv", "id,text\nok,Fine.\n" + rows)
    good, error = scan_corpus(path)
    assert good.id == "ok"
    assert error.source == f"{path}:3"
    assert error.message.startswith(f"{path}:3: ")
    assert expected in error.message


def test_csv_constructed_must_be_true_or_false(tmp_path):
    path = write(tmp_path, "c.csv", "id,text,constructed\nc1,Text,maybe\n")
    (error,) = scan_corpus(path)
    assert "'constructed' must be true or false, not 'maybe'" in error.message


def test_csv_text_over_max_bytes_is_refused(tmp_path):
    path = write(tmp_path, "c.csv", "id,text\nc1,0123456789\nc2,short\n")
    error, article = scan_corpus(path, max_bytes=8)
    assert "text is 10 bytes, more than the limit of 8 (max_bytes)" in error.message
    assert article.id == "c2"


def test_corpus_columns_are_documented_in_order():
    assert CORPUS_COLUMNS[:2] == ("id", "text")
    assert set(CORPUS_COLUMNS[2:]) == {"title", "outlet", "date", "url", "language", "constructed"}


# --------------------------------------------------------------------------
# Hostile files (issue 13): pipes, devices, anchor bombs, broken quotes
# --------------------------------------------------------------------------


def test_empty_title_is_kept_not_refused(tmp_path):
    article = read_article(write(tmp_path, "a.md", "---\nid: a1\ntitle: ''\n---\nPutin spoke.\n"))
    assert (article.id, article.title, article.text) == ("a1", "", "Putin spoke.")


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no named pipes on this system")
def test_a_fifo_is_refused_without_being_opened(tmp_path):
    import os

    fifo = tmp_path / "articles" / "x.md"
    fifo.parent.mkdir()
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes: the test would hang
    write(tmp_path / "articles", "y.md", GOOD.replace("a1", "y1"))
    first, second = scan_corpus(tmp_path)
    assert isinstance(first, ArticleError) and "named pipe (FIFO)" in first.message
    assert second.id == "y1"
    assert "not a regular file" in refusal(fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_link_to_a_device_is_refused(tmp_path):
    link = tmp_path / "zero.md"
    link.symlink_to("/dev/zero")
    assert "a device" in refusal(link)
    corpus_file = tmp_path / "zero.jsonl"
    corpus_file.symlink_to("/dev/zero")
    with pytest.raises(CorpusError, match="not a regular file"):
        list(scan_corpus(corpus_file))


def test_a_file_growing_past_the_check_is_capped(tmp_path, monkeypatch):
    """The size limit holds for the bytes read, not only for what stat said."""
    import analysis.corpus as corpus

    path = write(tmp_path, "a.md", GOOD + "x" * 100)
    real_check = corpus._check_regular_file

    def stale_size(p, source):
        status = real_check(p, source)
        return type("S", (), {"st_size": 10, "st_mode": status.st_mode})()

    monkeypatch.setattr(corpus, "_check_regular_file", stale_size)
    assert "more than the limit of 50" in refusal(path, max_bytes=50)


def test_a_symlink_loop_in_a_folder_is_not_followed_forever(tmp_path):
    folder = tmp_path / "articles"
    write(folder, "a.md", GOOD)
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder)
    items = list(scan_corpus(tmp_path))
    assert [i.id for i in items if isinstance(i, Article)] == ["a1"]


@pytest.mark.parametrize(
    "front",
    [
        pytest.param("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", id="billion-laughs"),
        pytest.param("x: &anchor v\n", id="anchor-only"),
    ],
)
def test_front_matter_refuses_anchors_and_aliases(tmp_path, front):
    message = refusal(write(tmp_path, "a.md", f"---\nid: a1\ntitle: T\n{front}---\nText.\n"))
    assert "anchors and aliases are not allowed" in message and ", line 4" in message


def test_a_real_anchor_bomb_is_refused_quickly(tmp_path):
    import time

    levels = [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    bomb = "\n".join(["l0: &l0 lol", *levels])
    start = time.perf_counter()
    message = refusal(write(tmp_path, "a.md", f"---\nid: a1\ntitle: T\n{bomb}\n---\nText.\n"))
    assert time.perf_counter() - start < 2 and "alias" in message


def test_quoted_ampersand_and_star_values_are_still_fine(tmp_path):
    article = read_article(write(tmp_path, "a.md", "---\nid: a1\ntitle: '*Stars* & more'\n---\nText.\n"))
    assert article.title == "*Stars* & more"


def test_jsonl_lone_surrogate_is_an_error_row(tmp_path):
    path = write(tmp_path, "c.jsonl", '{"id": "s1", "text": "Putin \\ud800 spoke."}\n{"id": "s2", "text": "Fine."}\n')
    error, good = scan_corpus(path)
    assert isinstance(error, ArticleError) and "lone surrogate" in error.message and error.source == f"{path}:1"
    assert good.id == "s2"


def test_jsonl_over_long_line_is_skipped_without_being_kept(tmp_path):
    big = '{"id": "big", "text": "' + "x" * 5000 + '"}\n'
    path = write(tmp_path, "c.jsonl", big + '{"id": "ok", "text": "Fine."}\n')
    error, good = scan_corpus(path, max_bytes=1000)
    assert f"line is {len(big):,} bytes, more than the limit of 1,000" in error.message and error.source == f"{path}:1"
    assert good.id == "ok" and good.source == f"{path}:2"


@pytest.mark.parametrize(
    ("rows", "kept"),
    [
        pytest.param('q1,"unterminated quote Putin said\nq2,fine\nq3,also fine\n', ["q2", "q3"], id="to-eof"),
        pytest.param('q1,"unterminated\nq2,"quoted"\nq3,ok\n', ["q2", "q3"], id="closed-by-next-quote"),
        pytest.param('q1,fine\nq2,"never closed', ["q1"], id="last-row"),
    ],
)
def test_csv_unterminated_quote_is_an_error_row_and_later_rows_survive(tmp_path, rows, kept):
    path = write(tmp_path, "c.csv", "id,text\n" + rows)
    items = list(scan_corpus(path))
    errors = [i for i in items if isinstance(i, ArticleError)]
    assert [i.id for i in items if isinstance(i, Article)] == kept
    assert len(errors) == 1 and "quoted field opened on line" in errors[0].message
    bad_line = 3 if rows.startswith("q1,fine") else 2
    assert errors[0].source == f"{path}:{bad_line}"


def test_csv_well_quoted_fields_are_not_flagged(tmp_path):
    path = write(tmp_path, "c.csv", 'id,text\nq1,"a ""quoted"" word\nline two"\nq2,5" screen\nq3,"x, y"\n')
    items = list(scan_corpus(path))
    assert [(i.id, i.text) for i in items] == [("q1", 'a "quoted" word\nline two'), ("q2", '5" screen'),
                                               ("q3", "x, y")]


def test_a_plain_text_file_is_refused_in_one_line_that_points_to_import(tmp_path):
    message = refusal(write(tmp_path, "plain.txt", "A plain article with no front matter.\n"))
    assert "\n" not in message and "python -m analysis import FILE --out FOLDER" in message
