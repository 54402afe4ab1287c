"""Tests for analysis.resources: every loader of a data file reads it the same way.

A researcher's own cue list, lexicon, role scheme, portrayal rule, frame scheme
or actor registry that is missing, a folder or not UTF-8 gets the same one-line
error naming the file (an ``AnalysisError``), whichever loader reads it.
"""

from __future__ import annotations

import pytest

from analysis.actors import load_actors
from analysis.calibration import load_portrayal_rule
from analysis.errors import AnalysisError
from analysis.framing import load_frame_scheme
from analysis.quotes import load_reporting_verbs
from analysis.resources import read_text
from analysis.roles import load_roles
from analysis.sentiment import load_lexicon
from analysis.stance import load_relation_cues, load_stance_cues

LOADERS = [
    pytest.param(load_reporting_verbs, id="reporting verbs"),
    pytest.param(load_relation_cues, id="relation cues"),
    pytest.param(load_stance_cues, id="stance cues"),
    pytest.param(load_roles, id="role scheme"),
    pytest.param(load_portrayal_rule, id="portrayal rule"),
    pytest.param(load_lexicon, id="lexicon"),
    pytest.param(load_frame_scheme, id="frame scheme"),
    pytest.param(load_actors, id="actor registry"),
]


@pytest.mark.parametrize("load", LOADERS)
def test_a_missing_file_is_named_with_where_it_was_looked_for(load, tmp_path):
    missing = tmp_path / "mine.yaml"
    with pytest.raises(AnalysisError) as err:
        load(missing)
    message = str(err.value)
    assert message.startswith(f"{missing}: file not found (looked for {missing.resolve()}); give the path of ")
    assert "\n" not in message


@pytest.mark.parametrize("load", LOADERS)
def test_a_folder_is_not_a_data_file(load, tmp_path):
    with pytest.raises(AnalysisError, match="is a directory; give the path of "):
        load(tmp_path)


@pytest.mark.parametrize("load", LOADERS)
def test_a_file_that_is_not_utf8_names_its_line(load, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_bytes("# ok\n# caf\u00e9\n".encode("latin-1"))
    with pytest.raises(AnalysisError) as err:
        load(path)
    assert str(err.value).startswith(f"{path}, line 2: not UTF-8 text (byte 0xe9 at offset 10)")


def test_the_shipped_file_is_read_when_no_path_is_given():
    text, source = read_text(None, "sentiment/portrayal.json", what="a portrayal rule")
    assert source == "analysis/resources/sentiment/portrayal.json" and '"rule"' in text


def test_a_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "cues.txt"
    path.write_bytes("\ufeffnot_source pamphlet\n".encode())
    assert read_text(path, "stance_cues.txt", what="a stance cue file") == ("not_source pamphlet\n", str(path))
    assert load_stance_cues(path)["not_source"] == {"pamphlet"}
