"""Stance between actors: who is for or against whom, with the evidence.

Sentiment says how the text portrays an actor; stance says where one actor
stands toward another. Edges source -> target (``favor | against | neutral``)
come from two kinds of evidence, never from the author's own voice:

* **quote**: what a speaker says about an actor in their own quoted (or
  reported) words; the label is the sentiment of that mention, which is in the
  speaker's voice ("real heroes", said Tikhanovskaya: exiles favor exiles is a
  self-edge and dropped; "Lukashenko's regime ... overthrown": exiles against
  Lukashenko).
* **relation**: one actor acts on another through a relation cue from
  ``resources/relation_cues.txt`` ("Putin thanked Lukashenko" -> putin favor
  lukashenko; "slammed Minsk with sanctions" -> the Biden government against
  lukashenko; "a Kremlin-backed Putin ally" -> lukashenko favor putin and
  putin favor lukashenko). A cue inside a quote with no subject of its own
  ("he must first be defeated") is the speaker's. A negated cue ("did not
  support") gives a neutral edge, noted in the evidence.

Edges are aggregated per article and over the corpus (:func:`summarize_stance`),
and turned into a networkx graph (:func:`stance_graph`) whose GraphML export
keeps every node and edge attribute, and an actor x actor matrix.

Examples
--------
>>> from analysis.actors import parse_actors
>>> from analysis.mentions import find_mentions
>>> from analysis.nlp import parse
>>> reg = parse_actors("actors:\\n  a: {kind: person, names: [Ann Kerr]}\\n  b: {kind: person, names: [Bo Lind]}")
>>> doc = parse("Ann Kerr thanked Bo Lind for his help.", cache_dir=False)
>>> [(e.source_actor, e.stance, e.target_actor, e.cue) for e in find_stance(doc, find_mentions(doc, reg))]
[('a', 'favor', 'b', 'thanked')]
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import networkx as nx
import pandas as pd
from spacy.tokens import Doc, Token

from .errors import AnalysisError
from .nlp import sentence_ids, sentence_records
from .spans import IntervalIndex
from .types import OTHER_ACTOR, ActorRegistry, Mention, MentionSentiment, Quote, StanceEdge

__all__ = [
    "load_relation_cues",
    "find_stance",
    "count_stance_into",
    "summarize_stance",
    "stance_graph",
    "stance_matrix",
    "write_graphml",
    "write_network",
    "SUMMARY_COLUMNS",
]

SUMMARY_COLUMNS = ["article_id", "source", "target", "source_actor", "target_actor", "favor", "against", "neutral",
                   "n", "net", "stance", "evidence"]
#: |net| at or above this makes an aggregated edge favor or against.
NET_BAND = 0.2
_TARGET_DEPS = ("dobj", "pobj", "dative", "attr", "oprd")
_SUBJECT_CLIMB = ("xcomp", "conj", "advcl", "acl")


@functools.lru_cache(maxsize=8)
def load_relation_cues(path: str | Path | None = None) -> dict[tuple[str, str], str]:
    """(lemma, verb|noun) -> favor|against, from a text file (see the shipped one).

    >>> load_relation_cues()[("thank", "verb")], load_relation_cues()[("ally", "noun")]
    ('favor', 'favor')
    """
    if path is None:
        text = resources.files("analysis.resources").joinpath("relation_cues.txt").read_text("utf-8")
        source = "analysis/resources/relation_cues.txt"
    else:
        text, source = Path(path).read_text("utf-8"), str(path)
    cues = {}
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        kind = words[2].lower() if len(words) > 2 else "verb"
        if len(words) not in (2, 3) or words[1] not in ("favor", "against") or kind not in ("verb", "noun"):
            raise AnalysisError(f"expected 'lemma favor|against [verb|noun]', got {line.strip()!r}", source=source,
                                line=number)
        cues[(words[0].lower(), kind)] = words[1]
    return cues


class _Who:
    """Which mention (registry actor or other entity) sits at a token."""

    def __init__(self, mentions: Iterable[Mention]):
        self.index = IntervalIndex((m.start, m.end, m) for m in mentions)

    def at(self, token: Token) -> Mention | None:
        hits = self.index.containing(token.idx)
        return max(hits, key=lambda m: (m.actor != OTHER_ACTOR, m.confidence)) if hits else None

    def of_phrase(self, token: Token) -> Mention | None:
        """The mention at the token, or the name inside its noun phrase ("The Biden government")."""
        found = self.at(token)
        if found is not None:
            return found
        for child in token.children:
            if child.dep_ in ("compound", "poss", "nmod") and child.i < token.i:
                found = self.at(child)
                if found is not None:
                    return found
        return None


def _with_conjuncts(token: Token) -> list[Token]:
    return [token, *[c for c in token.children if c.dep_ == "conj"]]


def _subjects(verb: Token) -> list[Token]:
    node, seen = verb, 0
    while seen < 4:
        for child in node.children:
            if child.dep_ == "nsubj":
                return _with_conjuncts(child)
            if child.dep_ == "agent":
                return [g for c in child.children if c.dep_ == "pobj" for g in _with_conjuncts(c)]
        if node.dep_ in _SUBJECT_CLIMB and node.head.i != node.i and not any(
                c.dep_ == "nsubjpass" for c in node.children):
            node, seen = node.head, seen + 1
        else:
            return []
    return []


def _objects(verb: Token) -> list[Token]:
    found = []
    for child in verb.children:
        if child.dep_ in ("dobj", "dative", "nsubjpass"):
            found += _with_conjuncts(child)
        elif child.dep_ in ("prep", "agent") and child.lower_ in ("against", "on", "with", "for", "to", "at"):
            found += [g for c in child.children if c.dep_ == "pobj" for g in _with_conjuncts(c)]
        elif child.dep_ == "xcomp":  # "asked Lukashenko to use his army": not a relation to the army's owner
            continue
    return found


def _negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in ("never", "not", "n't") for c in verb.children)


def _name(m: Mention) -> str:
    return m.canonical or m.text


def _edge(article_id, src: Mention | None, tgt: Mention, stance, cue, sent, evidence, confidence, basis,
          quote_id=-1, speaker: Quote | None = None) -> StanceEdge:
    if src is None:  # the speaker of the quote the cue is in
        source_actor, source_name = speaker.speaker_actor or OTHER_ACTOR, speaker.speaker or speaker.speaker_text
    else:
        source_actor, source_name = src.actor, _name(src)
    return StanceEdge(article_id, source_actor, tgt.actor, stance, cue, sent, evidence, round(confidence, 2),
                      source_name, _name(tgt), basis, quote_id)


def _keep(edge: StanceEdge) -> bool:
    """Drop self-edges and edges between two entities the registry does not know."""
    same = edge.source_actor == edge.target_actor and (edge.source_actor != OTHER_ACTOR
                                                        or edge.source_name == edge.target_name)
    return not same and not (edge.source_actor == OTHER_ACTOR and edge.target_actor == OTHER_ACTOR)


def _quote_edges(sentiment: Iterable[MentionSentiment], quotes: dict[int, Quote], text_of) -> list[StanceEdge]:
    stance_of = {"positive": "favor", "negative": "against", "neutral": "neutral"}
    edges = []
    for j in sentiment:
        quote = quotes.get(j.quote_id)
        if j.voice == "author" or quote is None or quote.speaker_start < 0:
            continue
        source = quote.speaker_actor or OTHER_ACTOR
        target = Mention(j.article_id, j.sentence_id, j.start, j.end, j.text, j.actor, "", 1.0, j.text)
        speaker = Mention(j.article_id, j.sentence_id, quote.speaker_start, quote.speaker_end, quote.speaker_text,
                          source, "", 1.0, quote.speaker or quote.speaker_text)
        cue = f"{quote.kind} quote {quote.quote_id}: {j.text!r} {j.label} in the speaker's words ({j.evidence})"
        edges.append(_edge(j.article_id, speaker, target, stance_of[j.label], cue, j.sentence_id,
                           text_of(j.sentence_id), j.confidence * quote.confidence, "quote", quote.quote_id))
    return edges


def _relation_edges(doc: Doc, who: _Who, quotes: IntervalIndex, cues, sent_of, text_of, article_id):
    edges = []
    for token in doc:
        lemma = token.lemma_.lower()
        if token.pos_ in ("VERB", "AUX") and (lemma, "verb") in cues and token.dep_ != "amod":
            polarity = cues[(lemma, "verb")]
            targets = [who.of_phrase(t) for t in _objects(token)]
            passive_target = [who.of_phrase(c) for c in token.children if c.dep_ == "nsubjpass"]
            sources = [who.of_phrase(t) for t in _subjects(token)]
            speaker = next(iter(quotes.containing(token.idx)), None)
            if not sources and speaker is not None and speaker.speaker_start >= 0:
                sources = [None]  # "he must first be defeated", in the speaker's words
            negated = _negated(token)
            stance = "neutral" if negated else polarity
            how = f"{token.text}" + (" (negated)" if negated else "")
            for tgt in [t for t in targets + passive_target if t is not None]:
                for src in sources:
                    if src is None and speaker is None:
                        continue
                    confidence = 0.75 if src is not None else 0.6
                    edges.append(_edge(article_id, src, tgt, stance, how, sent_of[token.i], text_of(sent_of[token.i]),
                                       confidence, "relation", speaker=speaker))
        elif token.dep_ == "amod" and (lemma, "verb") in cues:
            # "a Kremlin-backed Putin ally": the Kremlin backs the one the phrase describes
            agents = [who.at(c) for c in token.children if c.dep_ in ("npadvmod", "compound")]
            head = token.head
            described = who.at(head) or (who.at(head.head) if head.dep_ == "appos" else None)
            for src in [a for a in agents if a is not None]:
                if described is not None:
                    edges.append(_edge(article_id, src, described, cues[(lemma, "verb")], f"{token.text} (modifier)",
                                       sent_of[token.i], text_of(sent_of[token.i]), 0.65, "relation"))
        elif token.pos_ == "NOUN" and (lemma, "noun") in cues:
            edges += _noun_edges(token, who, cues[(lemma, "noun")], sent_of, text_of, article_id)
    return edges


def _noun_edges(noun: Token, who: _Who, polarity: str, sent_of, text_of, article_id) -> list[StanceEdge]:
    """"S, a T ally" / "S is T's ally" / "S, an ally of T": S's relation to T."""
    holder = None
    if noun.dep_ == "appos":
        holder = who.at(noun.head)
    elif noun.dep_ == "attr":
        holder = next((who.at(c) for c in noun.head.children if c.dep_ == "nsubj"), None)
    related = [who.at(c) for c in noun.children if c.dep_ in ("compound", "poss")]
    related += [who.at(g) for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
                for g in c.children if g.dep_ == "pobj"]
    edges = []
    for tgt in [r for r in related if r is not None]:
        if holder is not None:
            edges.append(_edge(article_id, holder, tgt, polarity, f"{noun.text} (noun)", sent_of[noun.i],
                               text_of(sent_of[noun.i]), 0.65, "relation"))
    return edges


def find_stance(
    doc: Doc,
    mentions: Iterable[Mention],
    quotes: Iterable[Quote] = (),
    sentiment: Iterable[MentionSentiment] = (),
    *,
    cues: dict | None = None,
    article_id: str = "",
) -> list[StanceEdge]:
    """Stance edges of one article, each with its cue, sentence and confidence.

    Parameters
    ----------
    doc
        The parsed article.
    mentions
        All mentions, other entities included (they can be sources: "the Biden
        government").
    quotes
        Quotes with speakers (for quote-based edges, and cues with no subject
        inside a quote).
    sentiment
        Per-mention sentiment (its voice and label give the quote-based edges).
    cues
        Relation cues; default :func:`load_relation_cues`.
    article_id
        Written into every record.
    """
    mentions = list(mentions)
    quotes = list(quotes)
    article_id = article_id or (mentions[0].article_id if mentions else "")
    sent_of = sentence_ids(doc)
    texts = {s.sentence_id: s.text for s in sentence_records(doc, article_id)}
    text_of = texts.get
    quote_index = IntervalIndex((q.start, q.end, q) for q in quotes)
    edges = _quote_edges(sentiment, {q.quote_id: q for q in quotes}, text_of)
    edges += _relation_edges(doc, _Who(mentions), quote_index, cues or load_relation_cues(), sent_of, text_of,
                             article_id)
    unique = {}
    for e in edges:  # one edge per (source, target, cue position)
        unique.setdefault((e.source_actor, e.source_name, e.target_actor, e.target_name, e.sentence_id, e.cue), e)
    return sorted((e for e in unique.values() if _keep(e)), key=lambda e: (e.sentence_id, e.basis, e.source_actor,
                                                                          e.target_actor))


# --------------------------------------------------------------------------- aggregation and network


def _node(actor: str, name: str) -> str:
    return actor if actor != OTHER_ACTOR else f"other:{name}"


def count_stance_into(counts: dict, rows: Iterable[dict]) -> dict:
    """Add ``stance.csv`` rows (dicts) to counts per (article, source node, target
    node), for each article and for the corpus (``(corpus)``)."""
    for row in rows:
        src, tgt = _node(row["source_actor"], row["source_name"]), _node(row["target_actor"], row["target_name"])
        for article_id in (row["article_id"], "(corpus)"):
            entry = counts.setdefault((article_id, src, tgt), {"favor": 0, "against": 0, "neutral": 0,
                                                                "source_actor": row["source_actor"],
                                                                "target_actor": row["target_actor"],
                                                                "evidence": []})
            entry[row["stance"]] += 1
            if len(entry["evidence"]) < 3:
                entry["evidence"].append(f"[{row['stance']}] {row['evidence']}")
    return counts


def summarize_stance(counts: dict) -> pd.DataFrame:
    """Aggregated edges: counts by stance, net = (favor - against) / n, and the
    overall stance (favor or against when |net| >= 0.2, else neutral)."""
    rows = []
    for (article_id, src, tgt) in sorted(counts):
        c = counts[(article_id, src, tgt)]
        n = c["favor"] + c["against"] + c["neutral"]
        net = (c["favor"] - c["against"]) / n
        stance = "favor" if net >= NET_BAND else "against" if net <= -NET_BAND else "neutral"
        rows.append([article_id, src, tgt, c["source_actor"], c["target_actor"], c["favor"], c["against"],
                     c["neutral"], n, round(net, 4), stance, " | ".join(c["evidence"])])
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    corpus = table.article_id == "(corpus)"
    return table.assign(_c=corpus).sort_values(["_c", "article_id", "source", "target"]).drop(
        columns="_c").reset_index(drop=True)


def stance_graph(summary: pd.DataFrame, registry: ActorRegistry | None = None, *,
                 article_id: str = "(corpus)") -> nx.DiGraph:
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
    """GraphML with every node and edge attribute (typed: int, float, bool, string)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(graph, path, infer_numeric_types=True)
    return path


def stance_matrix(summary: pd.DataFrame, *, article_id: str = "(corpus)") -> pd.DataFrame:
    """Source x target matrix of net stance (rows: who; columns: toward whom)."""
    rows = summary[summary.article_id == article_id]
    nodes = sorted(set(rows.source) | set(rows.target))
    matrix = rows.pivot_table(index="source", columns="target", values="net", aggfunc="first")
    return matrix.reindex(index=nodes, columns=nodes)



def write_network(summary: pd.DataFrame, out_dir: str | Path, registry: ActorRegistry | None = None) -> list[Path]:
    """Write ``stance_summary.csv``, the corpus ``stance_matrix.csv`` and ``stance.graphml``."""
    out = Path(out_dir)
    summary.to_csv(out / "stance_summary.csv", index=False, lineterminator="\n")
    stance_matrix(summary).to_csv(out / "stance_matrix.csv", lineterminator="\n")
    return [out / "stance_summary.csv", out / "stance_matrix.csv",
            write_graphml(stance_graph(summary, registry), out / "stance.graphml")]
