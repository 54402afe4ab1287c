"""Stance edges: relation cues, quotes, negation, aggregation, the network export."""

import networkx as nx
import pandas as pd
import pytest

from analysis.actors import parse_actors
from analysis.errors import AnalysisError
from analysis.nlp import parse
from analysis.pipeline import analyze_doc
from analysis.stance import (
    count_stance_into,
    load_relation_cues,
    stance_graph,
    stance_matrix,
    summarize_stance,
    write_graphml,
)
from analysis.types import Article

REGISTRY = parse_actors("""
actors:
  mayor: {kind: person, pronoun: she, names: [Ana Ortiz]}
  union: {kind: group, pronoun: they, names: [Dockworkers Union], members: [{name: Tomas Brennaker, pronoun: he}]}
  council: {kind: organisation, pronoun: it, names: [Harbour Council], metonyms: [Town Hall]}
""")


def edges_of(text, backend="lexicon"):
    doc = parse(text, cache_dir=False)
    result = analyze_doc(doc, Article(id="t", text=text), REGISTRY, sentiment_backend=backend, explain=False)
    return [(e.source_actor, e.stance, e.target_actor, e.basis) for e in result.stance], result


@pytest.mark.parametrize(
    ("text", "edge"),
    [
        ("Ana Ortiz thanked the Dockworkers Union for their patience.", ("mayor", "favor", "union")),
        ("Ana Ortiz praised Tomas Brennaker.", ("mayor", "favor", "union")),
        ("The Harbour Council sanctioned the Dockworkers Union.", ("council", "against", "union")),
        ("The Dockworkers Union will fight against the Harbour Council.", ("union", "against", "council")),
        ("The Dockworkers Union condemned Ana Ortiz on Monday.", ("union", "against", "mayor")),
        ("The Town Hall was attacked by the Dockworkers Union.", ("union", "against", "council")),  # passive
        ("Ana Ortiz and Tomas Brennaker criticized the Harbour Council.", ("union", "against", "council")),
    ],
)
def test_relation_cues(text, edge):
    found, _ = edges_of(text)
    assert (*edge, "relation") in found


def test_negated_cue_is_neutral_and_says_so():
    found, result = edges_of("Ana Ortiz did not support the Dockworkers Union.")
    assert ("mayor", "neutral", "union", "relation") in found
    assert "negated" in result.stance[0].cue


def test_noun_relation_and_modifier():
    found, _ = edges_of("Ana Ortiz, a Dockworkers Union ally, spoke first.")
    assert ("mayor", "favor", "union", "relation") in found
    found, _ = edges_of("Ana Ortiz, a Council-backed candidate, spoke first.".replace("Council", "Town Hall"))
    assert ("council", "favor", "mayor", "relation") in found


def test_what_a_speaker_says_about_an_actor_is_a_quote_edge():
    found, result = edges_of('"The Harbour Council is corrupt and dishonest," Tomas Brennaker said.')
    assert ("union", "against", "council", "quote") in found
    edge = next(e for e in result.stance if e.basis == "quote")
    assert edge.quote_id == 0 and "speaker" in edge.cue and edge.evidence.startswith('"The Harbour Council')


def test_a_cue_with_no_subject_inside_a_quote_is_the_speakers():
    found, _ = edges_of('"The Harbour Council must be defeated," Tomas Brennaker said.')
    assert ("union", "against", "council", "relation") in found


def test_the_authors_own_voice_gives_no_edge():
    found, _ = edges_of("The Harbour Council is corrupt and dishonest.")
    assert found == []


def test_self_edges_are_dropped():
    found, _ = edges_of("Tomas Brennaker praised the Dockworkers Union.")
    assert found == []


def test_an_entity_the_registry_does_not_know_can_be_a_source():
    found, result = edges_of("The Biden government sanctioned the Harbour Council.")
    assert ("other", "against", "council", "relation") in found
    assert result.stance[0].source_name == "Biden"


def test_researcher_cue_file(tmp_path):
    path = tmp_path / "cues.txt"
    path.write_text("snub against\n", encoding="utf-8")
    cues = load_relation_cues(path)
    assert cues == {("snub", "verb"): "against"}
    bad = tmp_path / "bad.txt"
    bad.write_text("snub maybe\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match=r"bad.txt, line 1: expected 'lemma favor"):
        load_relation_cues(bad)


def _rows():
    base = dict(cue="c", sentence_id=0, evidence="e", confidence=0.7, basis="relation", quote_id=-1)
    return [dict(base, article_id=a, source_actor=s, target_actor=t, stance=st, source_name=s, target_name=t)
            for a, s, t, st in [("a", "mayor", "union", "favor"), ("a", "mayor", "union", "favor"),
                                ("a", "mayor", "union", "against"), ("b", "mayor", "union", "against"),
                                ("b", "other", "council", "against")]]


def test_summary_net_and_corpus_rows():
    summary = summarize_stance(count_stance_into({}, _rows()))
    a = summary[(summary.article_id == "a")].iloc[0]
    assert (a.favor, a.against, a.n, a.stance) == (2, 1, 3, "favor") and a.net == pytest.approx(1 / 3, abs=1e-4)
    corpus = summary[(summary.article_id == "(corpus)") & (summary.source == "mayor")].iloc[0]
    assert (corpus.favor, corpus.against, corpus.stance) == (2, 2, "neutral")
    assert "other:other" in set(summary.source)


def test_graphml_keeps_every_attribute(tmp_path):
    summary = summarize_stance(count_stance_into({}, _rows()))
    graph = stance_graph(summary, REGISTRY)
    path = write_graphml(graph, tmp_path / "g.graphml")
    back = nx.read_graphml(path)
    assert back.nodes["mayor"] == {"label": "mayor", "kind": "person", "in_registry": True}
    assert back.nodes["other:other"]["in_registry"] is False
    edge = back.edges["mayor", "union"]
    assert set(edge) == {"favor", "against", "neutral", "n", "net", "stance", "evidence"}
    assert (edge["favor"], edge["against"], edge["stance"]) == (2, 2, "neutral")
    matrix = stance_matrix(summary)
    assert matrix.loc["mayor", "union"] == 0.0 and pd.isna(matrix.loc["union", "mayor"])


def test_seed_article_stance(seed_result):
    """Issue 6's bar: exiles against Putin and Lukashenko, Putin favour Lukashenko, with evidence."""
    s = seed_result.stance_summary
    corpus = s[s.article_id == "(corpus)"].set_index(["source", "target"])
    assert corpus.loc[("exiles", "putin"), "stance"] == "against"
    assert corpus.loc[("exiles", "lukashenko"), "stance"] == "against"
    assert corpus.loc[("putin", "lukashenko"), "stance"] == "favor"
    assert "thanked Lukashenko" in corpus.loc[("putin", "lukashenko"), "evidence"]
