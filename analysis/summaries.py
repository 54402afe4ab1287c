"""Summaries of what the stages found: per-actor tone and portrayal, the stance
network, who speaks.

The stages judge one article at a time and write records (``sentiment.csv``,
``stance.csv``, ``quotes.csv``); this module turns those rows into the tables
and networks a researcher reads, per article and for the whole corpus
(``article_id`` ``(corpus)``):

* :func:`summarize_sentiment` (``actor_summary.csv``): mentions, counts by
  label, mean score and net tone with a bootstrap interval per actor and
  voice, and the calibrated portrayal label with the mentions that decided it;
  :func:`count_groups_into` and :func:`summarize_counts` do the same streaming,
  one article's rows at a time (what a batch run does);
* :func:`count_stance_into` and :func:`summarize_stance`
  (``stance_summary.csv``): stance edges aggregated per source and target;
  :func:`stance_graph`, :func:`stance_matrix`, :func:`write_graphml` and
  :func:`write_network` (``stance.graphml``, ``stance_matrix.csv``);
* :func:`speaker_shares`: quotes and quoted words per speaker.

Examples
--------
>>> rows = [{"article_id": "a", "source_actor": "x", "source_name": "X", "target_actor": "y",
...          "target_name": "Y", "stance": "against", "evidence": "X attacked Y."}]
>>> summarize_stance(count_stance_into({}, rows))[["article_id", "source", "target", "n", "stance"]].values.tolist()
[['a', 'x', 'y', 1, 'against'], ['(corpus)', 'x', 'y', 1, 'against']]
"""

from __future__ import annotations

import heapq
import zlib
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from .calibration import PortrayalRule, load_portrayal_rule
from .errors import AnalysisError
from .tables import replacing, write_csv, xml_safe
from .types import CORPUS_ROW, OTHER_ACTOR, SENTIMENT_LABELS, ActorRegistry

__all__ = [
    "SENTIMENT_SUMMARY_COLUMNS",
    "count_groups_into",
    "summarize_counts",
    "summarize_sentiment",
    "STANCE_SUMMARY_COLUMNS",
    "NET_BAND",
    "SINGLE_EVIDENCE",
    "stance_node",
    "count_stance_into",
    "summarize_stance",
    "stance_graph",
    "stance_matrix",
    "write_graphml",
    "write_network",
    "UNNAMED_SOURCE",
    "speaker_shares",
]


# --------------------------------------------------------------------------- tone and portrayal per actor

SENTIMENT_SUMMARY_COLUMNS = ["article_id", "actor", "voice", "voice_actor", "mentions", "negative", "neutral",
                             "positive", "mean_score", "net_tone", "net_tone_low", "net_tone_high", "label",
                             "label_confidence", "label_evidence"]
#: Mentions kept per group and direction as the evidence of its portrayal label.
_EVIDENCE_MENTIONS = 3


class _ToneTally:
    """What the summary needs from one group's mentions, gathered one row at a
    time (so a batch run streams): counts by label, the score sum, how many
    mentions are confidently negative / positive (``|score| >= band``) and the
    most negative and most positive mentions, as evidence."""

    __slots__ = ("confident", "highest", "labels", "lowest", "score_sum")

    def __init__(self):
        self.labels = [0, 0, 0]
        self.score_sum = 0.0
        self.confident = [0, 0]  # score <= -band, score >= band
        self.lowest: list = []  # heap of (-score, mention): the most negative mentions
        self.highest: list = []  # heap of (score, mention): the most positive mentions

    def add(self, label: str, score: float, mention: tuple, band: float) -> None:
        self.labels[SENTIMENT_LABELS.index(label)] += 1
        self.score_sum += score
        self.confident[0] += score <= -band
        self.confident[1] += score >= band
        for heap, key in ((self.lowest, -score), (self.highest, score)):
            if len(heap) < _EVIDENCE_MENTIONS:
                heapq.heappush(heap, (key, mention))
            else:
                heapq.heappushpop(heap, (key, mention))


def _mention_of(row: dict) -> tuple:
    """(article_id, sentence_id, start, text, score, voice): where a researcher finds the row in ``sentiment.csv``."""
    def number(key):
        value = row.get(key)
        return int(value) if isinstance(value, int | float) and value == value else -1

    text = row.get("text") if isinstance(row.get("text"), str) else ""
    return (str(row["article_id"]), number("sentence_id"), number("start"), text, round(float(row["score"]), 2),
            str(row.get("voice") or "author"))


def count_groups_into(counts: dict, rows: Iterable[dict], *, rule: PortrayalRule | None = None) -> dict:
    """Add sentiment rows (dicts with ``article_id, actor, voice, voice_actor,
    label, score`` and, for the evidence, ``sentence_id, start, text``) to
    ``counts``: (article_id, actor, voice, voice_actor) -> a tally, for each
    article and for the corpus, for all voices together and for each voice.
    ``rule`` (default: the shipped :func:`~analysis.calibration.load_portrayal_rule`)
    gives the band of a confident mention. Returns ``counts``."""
    band = (rule or load_portrayal_rule()).band
    for row in rows:
        voice_actor = row.get("voice_actor") if isinstance(row.get("voice_actor"), str) else ""
        score, mention = float(row["score"]), _mention_of(row)
        for article_id in (row["article_id"], CORPUS_ROW):
            for voice, vactor in (("all", ""), (row["voice"], voice_actor)):
                tally = counts.get((article_id, row["actor"], voice, vactor))
                if tally is None:
                    tally = counts[(article_id, row["actor"], voice, vactor)] = _ToneTally()
                tally.add(row["label"], score, mention, band)
    return counts


def _pointer(mention: tuple, corpus: bool) -> str:
    article_id, sentence_id, start, text, score, voice = mention
    where = f"{article_id} " if corpus else ""
    words = "" if voice == "author" else f" ({voice}'s words)"
    return f"[{where}s{sentence_id} @{start}] {text!r} {score:+.2f}{words}"


def _label_evidence(tally: _ToneTally, label: str, rule: PortrayalRule, corpus: bool) -> str:
    """The counts the rule read, the rule, and the mentions that decided."""
    n = sum(tally.labels)
    neg, pos = tally.confident
    counts = (f"{neg} of {n} mention(s) at score <= {-rule.band:+.2f}, {pos} at >= {rule.band:+.2f}")
    lowest = [m for _, m in sorted(tally.lowest, reverse=True) if m[4] <= -rule.band]
    highest = [m for _, m in sorted(tally.highest, reverse=True) if m[4] >= rule.band]
    if label == "negative":
        shown = "deciding: " + "; ".join(_pointer(m, corpus) for m in lowest)
    elif label == "positive":
        shown = "deciding: " + "; ".join(_pointer(m, corpus) for m in highest)
    else:
        strongest = [*lowest[:2], *highest[:2]]
        shown = ("strongest, not enough: " + "; ".join(_pointer(m, corpus) for m in strongest) if strongest
                 else "no confident non-neutral mention")
    return f"{label}: {counts} ({rule.describe(label)}); {shown}"


def summarize_counts(counts: dict, *, rng: np.random.Generator, n_boot: int = 1000,
                     rule: PortrayalRule | None = None) -> pd.DataFrame:
    """The summary table from the tallies of :func:`count_groups_into` (see
    :func:`summarize_sentiment`).

    The bootstrap resamples the group's mentions: with counts only, a resample
    is a multinomial draw of n labels with the observed shares, the same
    distribution as drawing mentions with replacement. Each group draws from
    its own generator, seeded by ``rng`` and the group's key, so a group gets
    the same interval however the counts were gathered (in memory or streamed
    from a batch run) and whichever other groups are summarised with it. ``label``,
    ``label_confidence`` and ``label_evidence`` come from ``rule`` (default:
    the shipped one; it must be the rule the counts were gathered with).
    """
    rule = rule or load_portrayal_rule()
    rows = []
    base = int(rng.integers(2**32))
    for key in sorted(counts):
        tally = counts[key]
        negative, neutral, positive = tally.labels
        n = negative + neutral + positive
        shares = np.array([negative, neutral, positive], dtype=float) / n
        own = np.random.default_rng([base, zlib.crc32("\x1f".join(map(str, key)).encode("utf-8"))])
        draws = own.multinomial(n, shares, size=n_boot)
        tones = (draws[:, 2] - draws[:, 0]) / n
        label, confidence = rule.decide(n, *tally.confident)
        rows.append([*key, n, negative, neutral, positive, round(tally.score_sum / n, 4),
                     round((positive - negative) / n, 4), round(float(np.percentile(tones, 2.5)), 4),
                     round(float(np.percentile(tones, 97.5)), 4), label, confidence,
                     _label_evidence(tally, label, rule, key[0] == CORPUS_ROW)])
    table = pd.DataFrame(rows, columns=SENTIMENT_SUMMARY_COLUMNS)
    rank = table.voice.map(lambda v: {"all": 0, "author": 1}.get(v, 2))
    corpus = table.article_id == CORPUS_ROW
    return table.assign(_c=corpus, _r=rank).sort_values(["_c", "article_id", "actor", "_r", "voice"]).drop(
        columns=["_c", "_r"]).reset_index(drop=True)


def summarize_sentiment(sentiment: pd.DataFrame, *, by: str = "speaker", n_boot: int = 1000,
                        seed: int = 0, rule: PortrayalRule | None = None) -> pd.DataFrame:
    """Per actor, per article and for the whole corpus: mentions, counts by label,
    mean score and net tone ((positive - negative) / n) with a 95% bootstrap
    interval, for all voices together, the author's voice, and each speaker's;
    and the **portrayal**: a label that most actors in news get as neutral,
    with its calibrated confidence and the mentions that decided it.

    Parameters
    ----------
    sentiment
        ``sentiment.csv`` rows.
    by
        ``speaker``: one voice per quoted person; ``actor``: quoted voices
        grouped by the speaker's actor (``voice`` then reads "quoted: exiles").
    n_boot, seed
        Bootstrap resamples and random seed (results are reproducible).
    rule
        The portrayal rule (:class:`~analysis.calibration.PortrayalRule`);
        default: the shipped ``resources/sentiment/portrayal.json``.

    Returns
    -------
    DataFrame
        ``article_id`` (``(corpus)`` for the corpus rows), ``actor``, ``voice``
        (``all``, ``author`` or a speaker), ``voice_actor``, ``mentions``,
        ``negative``, ``neutral``, ``positive``, ``mean_score``, ``net_tone``,
        ``net_tone_low``, ``net_tone_high``, ``label`` (negative / neutral /
        positive), ``label_confidence`` (the cross-validated precision of that
        label on BASIL), ``label_evidence`` (the counts the rule read, the rule,
        and up to three deciding mentions as ``[s<sentence_id> @<start>] 'text'
        score``, the keys of their ``sentiment.csv`` rows).

    Notes
    -----
    The portrayal rule (:mod:`analysis.calibration`) counts confidently
    negative and positive mentions (``|score| >= band``) and asks for enough of
    them, and a large enough share, before leaving neutral. It was fitted on
    the BASIL development half (Fan et al., EMNLP 2019) against the annotators'
    ``author_feeling`` labels, with cross-validation grouped by event triplet.
    Corpus rows apply the same rule to all of an actor's mentions in the corpus.
    """
    if by not in ("speaker", "actor"):
        raise AnalysisError(f"by={by!r}; valid: 'speaker', 'actor'", source="summarize_sentiment")
    if sentiment.empty:
        return pd.DataFrame(columns=SENTIMENT_SUMMARY_COLUMNS)
    data = sentiment.assign(voice_actor=sentiment.voice_actor.fillna(""))
    if by == "actor":
        quoted = data.voice != "author"
        data.loc[quoted, "voice"] = "quoted: " + data.loc[quoted, "voice_actor"].replace("", "unknown")
    rule = rule or load_portrayal_rule()
    counts = count_groups_into({}, data.to_dict("records"), rule=rule)
    return summarize_counts(counts, rng=np.random.default_rng(seed), n_boot=n_boot, rule=rule)

# --------------------------------------------------------------------------- the stance network

STANCE_SUMMARY_COLUMNS = ["article_id", "source", "target", "source_actor", "target_actor", "favor", "against",
                          "neutral", "n", "net", "stance", "evidence"]
#: |net| at or above this makes an aggregated edge favor or against.
NET_BAND = 0.2
#: Note added to the evidence of aggregated edges resting on one row only.
SINGLE_EVIDENCE = "(single evidence) "


def stance_node(actor: str, name: str) -> str:
    """A registry actor's id, or ``other:<Name>`` ("officials" and "Officials" are one node)."""
    return actor if actor != OTHER_ACTOR else f"other:{name[:1].upper()}{name[1:]}"


def count_stance_into(counts: dict, rows: Iterable[dict]) -> dict:
    """Add ``stance.csv`` rows (dicts) to counts per (article, source node, target
    node), for each article and for the corpus (``(corpus)``)."""
    for row in rows:
        src = stance_node(row["source_actor"], row["source_name"])
        tgt = stance_node(row["target_actor"], row["target_name"])
        for article_id in (row["article_id"], CORPUS_ROW):
            entry = counts.setdefault((article_id, src, tgt), {"favor": 0, "against": 0, "neutral": 0,
                                                                "source_actor": row["source_actor"],
                                                                "target_actor": row["target_actor"],
                                                                "evidence": []})
            entry[row["stance"]] += 1
            if len(entry["evidence"]) < 3:
                entry["evidence"].append(f"[{row['stance']}] {row['evidence']}")
    return counts


def summarize_stance(counts: dict) -> pd.DataFrame:
    """Aggregated edges: counts by stance, n, net = (favor - against) / n, the
    overall stance (favor or against when |net| >= 0.2, else neutral), and up
    to three pieces of evidence; an edge resting on one row (n = 1) has
    evidence starting with "(single evidence)"."""
    rows = []
    for (article_id, src, tgt) in sorted(counts):
        c = counts[(article_id, src, tgt)]
        n = c["favor"] + c["against"] + c["neutral"]
        net = (c["favor"] - c["against"]) / n
        stance = "favor" if net >= NET_BAND else "against" if net <= -NET_BAND else "neutral"
        evidence = (SINGLE_EVIDENCE if n == 1 else "") + " | ".join(c["evidence"])
        rows.append([article_id, src, tgt, c["source_actor"], c["target_actor"], c["favor"], c["against"],
                     c["neutral"], n, round(net, 4), stance, evidence])
    table = pd.DataFrame(rows, columns=STANCE_SUMMARY_COLUMNS)
    corpus = table.article_id == CORPUS_ROW
    return table.assign(_c=corpus).sort_values(["_c", "article_id", "source", "target"]).drop(
        columns="_c").reset_index(drop=True)


def stance_graph(summary: pd.DataFrame, registry: ActorRegistry | None = None, *,
                 article_id: str = CORPUS_ROW) -> nx.DiGraph:
    """A directed graph of the aggregated edges of one article (or the corpus).

    Nodes carry ``label``, ``kind`` and ``in_registry``; edges ``favor``,
    ``against``, ``neutral``, ``n``, ``net``, ``stance`` and ``evidence``.
    """
    graph = nx.DiGraph(article_id=article_id)
    rows = summary[summary.article_id == article_id]
    for node in sorted(set(rows.source) | set(rows.target)):
        known = registry is not None and node in registry.ids
        actor = registry.get(node) if known else None
        graph.add_node(node, label=actor.label if actor else node.removeprefix("other:"),
                       kind=actor.kind if actor else "other", in_registry=bool(known))
    for row in rows.itertuples():
        graph.add_edge(row.source, row.target, favor=int(row.favor), against=int(row.against),
                       neutral=int(row.neutral), n=int(row.n), net=float(row.net), stance=row.stance,
                       evidence=row.evidence)
    return graph


def write_graphml(graph: nx.DiGraph, path: str | Path) -> Path:
    """GraphML with every node and edge attribute (typed: int, float, bool, string).

    Characters XML cannot hold (control characters such as a vertical tab or
    NUL in an article) are replaced by U+FFFD in node ids and text attributes
    of the file only; the tables keep the original text. The file is written
    whole or not at all (a temporary file renamed into place).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    names: dict = {}
    for node in graph:  # control characters removed, names kept apart
        name = xml_safe(node) if isinstance(node, str) else node
        while name != node and (name in graph or name in names.values()):
            name = f"{name}\ufffd"
        names[node] = name
    safe = nx.relabel_nodes(graph, names, copy=True)
    for attrs in [safe.graph, *(a for _, a in safe.nodes(data=True)), *(a for _, _, a in safe.edges(data=True))]:
        for key, value in attrs.items():
            if isinstance(value, str):
                attrs[key] = xml_safe(value)
    with replacing(path) as tmp:
        nx.write_graphml(safe, tmp, infer_numeric_types=True)
    return path


def stance_matrix(summary: pd.DataFrame, *, article_id: str = CORPUS_ROW, values: str = "net") -> pd.DataFrame:
    """Source x target matrix of one ``stance_summary`` column (rows: who;
    columns: toward whom): ``net`` stance by default, ``n`` for the pieces of
    evidence behind each cell."""
    rows = summary[summary.article_id == article_id]
    nodes = sorted(set(rows.source) | set(rows.target))
    matrix = rows.pivot_table(index="source", columns="target", values=values, aggfunc="first")
    return matrix.reindex(index=nodes, columns=nodes)



def write_network(summary: pd.DataFrame, out_dir: str | Path, registry: ActorRegistry | None = None) -> list[Path]:
    """Write ``stance_summary.csv``, the corpus ``stance_matrix.csv`` and ``stance.graphml``."""
    out = Path(out_dir)
    return [write_csv(summary, out / "stance_summary.csv"),
            write_csv(stance_matrix(summary), out / "stance_matrix.csv", index=True),
            write_graphml(stance_graph(summary, registry), out / "stance.graphml")]

# --------------------------------------------------------------------------- who speaks

#: What ``speaker_shares`` calls quotes of unnamed and generic sources.
UNNAMED_SOURCE = "unnamed source"


def speaker_shares(quotes: pd.DataFrame, *, by: str = "speaker_actor") -> pd.DataFrame:
    """Who speaks and how much: quotes and quoted words per speaker, direct vs indirect.

    Parameters
    ----------
    quotes
        ``quotes.csv`` rows.
    by
        ``speaker_actor`` (actors; unnamed and generic sources become
        ``unnamed source``, unresolved or missing speakers ``unknown``) or
        ``speaker`` (each named person).

    Returns
    -------
    DataFrame
        ``article_id, <by>, kind, quotes, words, share``: ``share`` is the
        speaker's share of all quoted words in the article (direct and
        indirect together).

    >>> q = pd.DataFrame({"article_id": ["a", "a"], "speaker_actor": ["putin", ""], "kind": ["direct", "indirect"],
    ...                   "text": ["one two three", "four"]})
    >>> speaker_shares(q)[["speaker_actor", "kind", "words", "share"]].values.tolist()
    [['putin', 'direct', 3, 0.75], ['unknown', 'indirect', 1, 0.25]]
    """
    columns = ["article_id", by, "kind", "quotes", "words", "share"]
    if quotes.empty:
        return pd.DataFrame(columns=columns)
    data = quotes.assign(words=quotes.text.fillna("").str.split().str.len())
    data[by] = data[by].fillna("")
    if "speaker_kind" in data:  # unnamed sources ("officials", "a spokesman") apart from no speaker found
        data.loc[(data[by] == "") & (data.speaker_kind == "unnamed"), by] = UNNAMED_SOURCE
    data[by] = data[by].replace("", "unknown")
    table = data.groupby(["article_id", by, "kind"], as_index=False).agg(quotes=("text", "size"),
                                                                          words=("words", "sum"))
    totals = table.groupby("article_id").words.transform("sum")
    table["share"] = (table.words / totals).round(4)
    return table.sort_values(["article_id", "words"], ascending=[True, False], ignore_index=True)[columns]
