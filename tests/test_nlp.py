import pytest
from spacy.tokens import Doc

from analysis import nlp
from analysis.errors import PipelineError


def test_missing_pipeline_is_a_clear_error_and_nothing_is_downloaded():
    with pytest.raises(PipelineError) as err:
        nlp.load_pipeline("xx_no_such_pipeline")
    message = str(err.value)
    assert "'xx_no_such_pipeline' is not installed" in message
    assert "Nothing is downloaded" in message


def test_pipeline_name_setting(monkeypatch):
    monkeypatch.delenv(nlp.PIPELINE_ENV, raising=False)
    assert nlp.pipeline_name() == nlp.DEFAULT_PIPELINE
    monkeypatch.setenv(nlp.PIPELINE_ENV, "en_core_web_sm")
    assert nlp.pipeline_name() == "en_core_web_sm"
    assert nlp.pipeline_name("my_model") == "my_model"


def test_line_breaks_start_sentences():
    doc = nlp.parse("The talks ended without a deal\nThe delegates went home.", cache_dir=False)
    records = nlp.sentence_records(doc, "t")
    assert [r.text for r in records] == ["The talks ended without a deal", "The delegates went home."]
    assert all(doc.text[r.start : r.end] == r.text for r in records)
    assert nlp.sentence_ids(doc)[-1] == 1


def test_cache_round_trip_keeps_the_parse(tmp_path):
    text = "The minister resigned on Friday. Her deputy took over."
    first = nlp.parse(text, cache_dir=tmp_path)
    files = list(tmp_path.rglob("*.spacy"))
    assert len(files) == 1
    again = nlp.parse(text, cache_dir=tmp_path)
    assert [t.dep_ for t in again] == [t.dep_ for t in first]
    assert [s.text for s in again.sents] == [s.text for s in first.sents]


def test_corrupt_cache_file_is_reparsed(tmp_path):
    text = "A short text about a ceasefire."
    nlp.parse(text, cache_dir=tmp_path)
    (path,) = tmp_path.rglob("*.spacy")
    path.write_bytes(b"not a docbin")
    doc = nlp.parse(text, cache_dir=tmp_path)
    assert isinstance(doc, Doc) and doc.text == text


def test_long_text_is_parsed_in_chunks_with_exact_offsets(monkeypatch):
    monkeypatch.setattr(nlp, "_CHUNK_CHARS", 120)
    paragraph = "The council met again on Monday. It voted to extend the mandate.\n"
    text = paragraph * 6 + "A last line without a break"
    pieces = nlp._chunks(text, 120)
    assert "".join(pieces) == text and len(pieces) > 1
    doc = nlp.parse(text, cache_dir=False)
    assert doc.text == text
    records = nlp.sentence_records(doc, "long")
    assert len(records) == 13
    assert all(text[r.start : r.end] == r.text for r in records)


def test_chunks_split_a_single_huge_line_at_spaces():
    text = "word " * 100
    pieces = nlp._chunks(text, 37)
    assert "".join(pieces) == text
    assert all(len(p) <= 37 for p in pieces)
