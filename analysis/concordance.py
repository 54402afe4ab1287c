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
import math
import re
from collections import Counter
from collections.abc import Iterable

import pandas as pd
from nltk.text import ConcordanceIndex
from nltk.tokenize import NLTKWordTokenizer
from spacy.lang.en.stop_words import STOP_WORDS

from .types import OTHER_ACTOR, Article

__all__ = ["kwic", "word_concordance", "dispersion", "collocates", "keyness", "log_likelihood"]


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


_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")


def _words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, lower-case word) of every word (letters first; numbers and punctuation dropped)."""
    return [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]


def log_likelihood(a: int, b: int, total_a: int, total_b: int) -> float:
    """Dunning's log-likelihood G2 of a word seen ``a`` times in ``total_a``
    words and ``b`` times in ``total_b`` words (two-cell version, as in
    AntConc and Rayson & Garside 2000).

    >>> round(log_likelihood(10, 1, 1000, 1000), 2)
    8.55
    """
    expected_a = total_a * (a + b) / (total_a + total_b)
    expected_b = total_b * (a + b) / (total_a + total_b)
    g2 = 0.0
    for observed, expected in ((a, expected_a), (b, expected_b)):
        if observed > 0:
            g2 += observed * math.log(observed / expected)
    return 2 * g2


def collocates(mentions: pd.DataFrame, articles: Iterable[Article], actor: str, *, window: int = 5,
               min_count: int = 2, include_stopwords: bool = False) -> pd.DataFrame:
    """Words that keep company with an actor: counted within ``window`` words of
    its mentions, against their frequency in the rest of the corpus.

    Returns
    -------
    DataFrame
        ``word, near`` (count within the window), ``elsewhere``, ``g2``
        (log-likelihood, Dunning 1993), ``log_ratio`` (binary log of the
        relative frequencies; positive = more frequent near the actor),
        sorted by G2 among words more frequent near the actor.

    Notes
    -----
    As the collocates tool of AntConc (Anthony) or Voyant: a window of words
    left and right, here around every mention the pipeline found (pronouns
    included). Words of the mention itself are not counted.
    """
    _check_actor(mentions, actor)
    near, elsewhere = Counter(), Counter()
    spans = mentions[mentions.actor == actor]
    for article in articles:
        words = _words(article.text)
        own = [(s, e) for s, e in zip(spans[spans.article_id == article.id].start,
                                      spans[spans.article_id == article.id].end, strict=True)]
        inside, in_window = set(), set()
        for start, end in own:
            idx = [i for i, (ws, we, _) in enumerate(words) if ws < end and start < we]
            if not idx:
                idx = [min(range(len(words)), key=lambda i: abs(words[i][0] - start))] if words else []
            inside.update(i for i in idx if words[i][0] < end and start < words[i][1])
            if idx:
                in_window.update(range(max(0, idx[0] - window), min(len(words), idx[-1] + window + 1)))
        for i, (_, _, word) in enumerate(words):
            if i in inside or (not include_stopwords and word in STOP_WORDS):
                continue
            (near if i in in_window else elsewhere)[word] += 1
    total_near, total_else = sum(near.values()) or 1, sum(elsewhere.values()) or 1
    rows = []
    for word, count in near.items():
        if count < min_count:
            continue
        other = elsewhere.get(word, 0)
        ratio = math.log2(((count + 0.5) / total_near) / ((other + 0.5) / total_else))
        if ratio > 0:
            rows.append((word, count, other, round(log_likelihood(count, other, total_near, total_else), 3),
                         round(ratio, 3)))
    table = pd.DataFrame(rows, columns=["word", "near", "elsewhere", "g2", "log_ratio"])
    return table.sort_values(["g2", "word"], ascending=[False, True], ignore_index=True)


def keyness(group_a: Iterable[Article], group_b: Iterable[Article], *, min_count: int = 2,
            include_stopwords: bool = False) -> pd.DataFrame:
    """Keywords of one group of articles against another (log-likelihood G2).

    Returns
    -------
    DataFrame
        ``word, count_a, count_b, g2, log_ratio, key_for`` (``a`` or ``b``:
        the group where the word is relatively more frequent), sorted by G2.

    Notes
    -----
    The keyword list of corpus linguistics (Scott's WordSmith, AntConc): G2 after
    Dunning (1993) and Rayson & Garside (2000), effect size as binary log ratio
    (Hardie 2014), with 0.5 added to zero counts for the ratio.

    >>> from analysis.types import Article
    >>> a = [Article(id="a", text="war war war peace")]
    >>> b = [Article(id="b", text="trade trade trade peace")]
    >>> keyness(a, b, min_count=1)[["word", "key_for"]].values.tolist()[:2]
    [['trade', 'b'], ['war', 'a']]
    """
    counts = []
    for group in (group_a, group_b):
        c = Counter(w for article in group for _, _, w in _words(article.text)
                    if include_stopwords or w not in STOP_WORDS)
        counts.append(c)
    total_a, total_b = sum(counts[0].values()) or 1, sum(counts[1].values()) or 1
    rows = []
    for word in sorted(set(counts[0]) | set(counts[1])):
        a, b = counts[0].get(word, 0), counts[1].get(word, 0)
        if a + b < min_count:
            continue
        ratio = math.log2(((a + 0.5) / total_a) / ((b + 0.5) / total_b))
        rows.append((word, a, b, round(log_likelihood(a, b, total_a, total_b), 3), round(ratio, 3),
                     "a" if ratio > 0 else "b"))
    table = pd.DataFrame(rows, columns=["word", "count_a", "count_b", "g2", "log_ratio", "key_for"])
    return table.sort_values(["g2", "word"], ascending=[False, True], ignore_index=True)
