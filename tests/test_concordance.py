import pandas as pd
import pytest

from analysis.concordance import dispersion, kwic, word_concordance
from analysis.types import Article


@pytest.fixture
def small():
    art = Article(id="a", text="The union met the mayor.\nLater the union walked out.")
    mentions = pd.DataFrame({
        "article_id": ["a", "a", "a"], "sentence_id": [0, 0, 1], "start": [4, 18, 35], "end": [9, 23, 40],
        "text": ["union", "mayor", "union"], "actor": ["union", "other", "union"],
        "method": ["name", "ner", "group_noun"], "confidence": [0.99, 0.6, 0.85],
    })
    return art, mentions


def test_kwic_lines_up_context(small):
    art, mentions = small
    lines = kwic(mentions, [art], "union", width=8)
    assert lines.mention.tolist() == ["union", "union"]
    assert lines.left.tolist() == ["    The ", "ter the "]
    assert lines.right.iloc[1] == " walked "
    assert "\n" not in "".join(lines.left) + "".join(lines.right)


def test_kwic_excludes_other_entities_unless_asked(small):
    art, mentions = small
    assert set(kwic(mentions, [art]).actor) == {"union"}
    assert set(kwic(mentions, [art], include_other=True).actor) == {"union", "other"}


def test_kwic_unknown_actor_lists_the_valid_ones(small):
    art, mentions = small
    with pytest.raises(ValueError, match=r"unknown actor 'unoin'.*'union'.*did you mean 'union'"):
        kwic(mentions, [art], "unoin")


def test_word_concordance_is_case_insensitive(small):
    art, _ = small
    lines = word_concordance([art], "UNION", width=40)
    assert len(lines) == 2 and set(lines.word) == {"union"}


def test_dispersion_positions(small):
    art, mentions = small
    data = dispersion(mentions, [art])
    assert data.word_offset.tolist() == [1, 7]
    assert data.n_words.unique().tolist() == [10]
    assert data.relative_position.is_monotonic_increasing and data.relative_position.max() < 1
