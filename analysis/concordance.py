"""Keyword in context (KWIC) and dispersion: where and how each actor appears.

:func:`kwic` lines up every mention of an actor found by the pipeline
(names, aliases, pronouns, descriptions: one row each) with its left and
right context. :func:`word_concordance` is the classic concordance of a word
form, built on NLTK's ``ConcordanceIndex``, for words that are not actors.
:func:`dispersion` gives the position of every mention, for dispersion plots
(:func:`analysis.plots.plot_dispersion`).

Examples
--------
>>> import pandas as pd
>>> from analysis.types import Article
>>> art = Article(id="a", text="Yesterday Putin met the press.")
>>> mentions = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [10], "end": [15],
...                          "text": ["Putin"], "actor": ["putin"], "method": ["name"], "confidence": [0.99]})
>>> kwic(mentions, [art], "putin", width=10)[["left", "mention", "right"]].values.tolist()
[['Yesterday ', 'Putin', ' met the p']]
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd
from nltk.text import ConcordanceIndex
from nltk.tokenize import NLTKWordTokenizer

from .types import OTHER_ACTOR, Article

__all__ = ["kwic", "word_concordance", "dispersion"]


def _texts(articles: Iterable[Article]) -> dict[str, str]:
    return {a.id: a.text for a in articles}


def _check_actor(mentions: pd.DataFrame, actor: str) -> None:
    known = sorted(set(mentions.actor))
    if actor not in known:
        close = difflib.get_close_matches(actor, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown actor {actor!r}; actors with mentions: {', '.join(map(repr, known))}{hint}")


def _flat(text: str) -> str:
    return " ".join(text.split()) if "\n" in text else text


def kwic(mentions: pd.DataFrame, articles: Iterable[Article], actor: str | None = None, *, width: int = 40,
         include_other: bool = False) -> pd.DataFrame:
    """One row per mention: ``left``, ``mention``, ``right`` context.

    Parameters
    ----------
    mentions
        ``mentions.csv`` rows (or ``Analysis.mentions``).
    articles
        The articles the mentions index into.
    actor
        Restrict to this actor id; an unknown id is an error listing valid ones.
    width
        Characters of context on each side (line breaks shown as spaces).
    include_other
        Keep mentions of entities the registry does not know.

    Returns
    -------
    DataFrame
        ``article_id, sentence_id, start, left, mention, right, actor, method, confidence``.
    """
    if actor is not None:
        _check_actor(mentions, actor)
        rows = mentions[mentions.actor == actor]
    else:
        rows = mentions if include_other else mentions[mentions.actor != OTHER_ACTOR]
    texts = _texts(articles)
    out = []
    for m in rows.itertuples():
        text = texts[m.article_id]
        left = _flat(text[max(0, m.start - width) : m.start]).rjust(width)
        right = _flat(text[m.end : m.end + width]).ljust(width)
        out.append((m.article_id, m.sentence_id, m.start, left, text[m.start : m.end], right, m.actor, m.method,
                    m.confidence))
    columns = ["article_id", "sentence_id", "start", "left", "mention", "right", "actor", "method", "confidence"]
    return pd.DataFrame(out, columns=columns)


def word_concordance(articles: Iterable[Article], word: str, *, width: int = 80) -> pd.DataFrame:
    """Concordance of a word form (case-insensitive) with NLTK's ``ConcordanceIndex``.

    >>> from analysis.types import Article
    >>> word_concordance([Article(id="a", text="The war began. The war goes on.")], "war", width=30).word.tolist()
    ['war', 'war']
    """
    tokenizer = NLTKWordTokenizer()
    out = []
    for article in articles:
        tokens = tokenizer.tokenize(article.text)
        index = ConcordanceIndex(tokens, key=lambda s: s.lower())
        for line in index.find_concordance(word, width=width):
            out.append((article.id, line.offset, line.left_print, line.query, line.right_print))
    return pd.DataFrame(out, columns=["article_id", "token_offset", "left", "word", "right"])


def dispersion(mentions: pd.DataFrame, articles: Iterable[Article], *, include_other: bool = False) -> pd.DataFrame:
    """Position of every mention: ``word_offset`` (words before it) and
    ``relative_position`` (0 = start of the article, 1 = end).

    Returns
    -------
    DataFrame
        ``article_id, actor, method, start, sentence_id, word_offset, n_words, relative_position``.
    """
    texts = _texts(articles)
    rows = mentions if include_other else mentions[mentions.actor != OTHER_ACTOR]
    out = []
    for m in rows.itertuples():
        text = texts[m.article_id]
        n_words = len(text.split())
        offset = len(text[: m.start].split())
        out.append((m.article_id, m.actor, m.method, m.start, m.sentence_id, offset, n_words,
                    round(offset / n_words, 4) if n_words else 0.0))
    columns = ["article_id", "actor", "method", "start", "sentence_id", "word_offset", "n_words", "relative_position"]
    return pd.DataFrame(out, columns=columns)
