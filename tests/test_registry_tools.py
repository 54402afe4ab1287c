"""Drafting and checking an actor registry (texts and names written for the tests)."""

from __future__ import annotations

import pytest

from analysis.actors import parse_actors
from analysis.registry_tools import (
    check_registry,
    clean_entity,
    cluster_entities,
    draft_yaml,
    suggest_registry,
)
from analysis.types import Article


@pytest.mark.parametrize(("text", "label", "expected"), [
    ("Rep. Paul Ryan", "PERSON", ("Paul Ryan", None)),
    ("House Speaker Paul Ryan's", "PERSON", ("Paul Ryan", None)),
    ("Mr. Ryan", "PERSON", ("Ryan", "he")),
    ("Ms. Okafor", "PERSON", ("Okafor", "she")),
    ("former President Joseph R. Biden Jr.", "PERSON", ("Joseph R. Biden", None)),
    ("Sen. Dana Voss (D-Calif.)", "PERSON", ("Dana Voss", None)),
    ("the Harbour Authority", "ORG", ("Harbour Authority", None)),
    ("U.S.", "GPE", ("U.S.", None)),
    ("President", "PERSON", ("President", None)),  # a title alone is kept: nothing else is left
])
def test_clean_entity_strips_titles_honorifics_and_tags(text, label, expected):
    assert clean_entity(text, label) == expected


def _names(clusters):
    return {c.name: c.mentions for c in clusters}


def test_variants_of_one_person_cluster_together():
    clusters = cluster_entities([("a", "Paul Ryan", "PERSON"), ("a", "Rep. Paul Ryan", "PERSON"),
                                 ("a", "Mr. Ryan", "PERSON"), ("a", "Ryan", "PERSON"), ("a", "Paul D. Ryan", "PERSON")])
    assert _names(clusters) == {"Paul Ryan": 5}
    assert clusters[0].pronouns["he"] == 1 and clusters[0].kind == "person"


def test_a_bare_surname_goes_to_the_person_named_in_that_article():
    clusters = cluster_entities([
        ("a", "Paul Ryan", "PERSON"), ("a", "Ryan", "PERSON"), ("a", "Ryan", "PERSON"),
        ("b", "Tim Ryan", "PERSON"), ("b", "Ryan", "PERSON"),
        ("c", "Ryan", "PERSON"),  # both are in the corpus, neither in c: ambiguous, left out
        ("d", "Okafor", "PERSON"), ("e", "Grace Okafor", "PERSON"),  # only one Okafor in the corpus
    ])
    assert _names(clusters) == {"Paul Ryan": 3, "Tim Ryan": 2, "Grace Okafor": 2}


def test_suffixes_initials_particles_and_name_tails():
    clusters = cluster_entities([
        ("a", "Joseph R. Biden Jr.", "PERSON"), ("a", "Joseph Biden", "PERSON"),
        ("b", "Ursula von der Leyen", "PERSON"), ("b", "von der Leyen", "PERSON"),
        ("c", "Enrique Peña Nieto", "PERSON"), ("c", "Peña Nieto", "PERSON"),
    ])
    assert _names(clusters) == {"Joseph Biden": 2, "Ursula von der Leyen": 2, "Enrique Peña Nieto": 2}


def test_acronyms_plurals_and_surnames_mislabelled_as_organisations():
    clusters = cluster_entities([
        ("a", "the Harbour Workers Union", "ORG"), ("a", "HWU", "ORG"), ("a", "HWU", "ORG"),
        ("a", "Greens", "NORP"), ("a", "Greens", "NORP"), ("b", "Green", "NORP"),
        ("a", "Lena Marsh", "PERSON"), ("a", "Marsh", "PERSON"), ("b", "Marsh", "ORG"),
        ("c", "Medicaid", "ORG"),  # no person is called Medicaid: stays an organisation
    ])
    by_name = {c.name: c for c in clusters}
    assert by_name["HWU"].mentions == 3 and by_name["HWU"].kind == "organisation"
    assert by_name["Greens"].mentions == 3 and by_name["Greens"].kind == "group"
    assert by_name["Lena Marsh"].mentions == 3
    assert by_name["Medicaid"].kind == "organisation"


def test_draft_is_a_valid_registry_with_counts_as_comments():
    clusters = cluster_entities([
        ("a", "Paul Ryan", "PERSON"), ("a", "Ryan", "PERSON"), ("b", "Tim Ryan", "PERSON"), ("b", "Ryan", "PERSON"),
        ("a", "Harbour Authority", "ORG"), ("b", "the Harbour Authority", "ORG"), ("a", "Kell", "GPE"),
    ])
    text = draft_yaml(clusters, header="made for a test", top=10, min_mentions=2)
    registry = parse_actors(text)
    assert registry.ids == ("harbour_authority", "paul_ryan", "tim_ryan")  # Kell: one mention, left out
    assert registry.get("paul_ryan").names == ("Paul Ryan",) and not registry.get("paul_ryan").aliases
    assert "# made for a test" in text and "2 mentions in 2 article(s)" in text
    assert "shares the surname 'Ryan' with tim_ryan" in text


def test_suggest_registry_on_short_texts():
    articles = [
        Article(id="a1", text="Senator Maria Lopez met Governor Tom Becker in Chicago on Monday. "
                              "Lopez said the bridge would be rebuilt. Becker agreed with Maria Lopez."),
        Article(id="a2", text="Maria Lopez spoke in Chicago again. Ms. Lopez promised new trains."),
    ]
    text = suggest_registry(articles, top=5, min_mentions=2, cache_dir=False)
    registry = parse_actors(text)
    assert "maria_lopez" in registry.ids and "chicago" in registry.ids
    assert registry.get("maria_lopez").kind == "person" and registry.get("maria_lopez").names == ("Maria Lopez",)


REGISTRY = """
actors:
  paul_ryan: {kind: person, names: [Paul Ryan]}
  tim_ryan: {kind: person, names: [Tim Ryan]}
  harbour_union: {kind: organisation, names: [Harbour Workers Union]}
  city_council: {kind: group, group_nouns: [the city council]}
"""


def test_check_registry_reports_shared_surnames_without_a_corpus():
    report = check_registry(parse_actors(REGISTRY))
    assert report.shared.phrase.tolist() == ["ryan"]
    assert report.shared.actors.iloc[0] == "paul_ryan, tim_ryan"
    assert report.articles == 0 and report.unused.empty
    assert "Phrases and surnames shared by several actors: 1" in report.lines()


def test_check_registry_against_a_corpus():
    articles = [
        Article(id="a1", text="Paul Ryan met leaders of the Harbour Workers Union in Boston. "
                              "Sarah Ryan, a union organiser, said the Harbour Workers Union Council would vote."),
        Article(id="a2", text="Paul Ryan spoke in Boston. Sarah Ryan answered him in Boston."),
    ]
    report = check_registry(parse_actors(REGISTRY), articles, min_mentions=2, cache_dir=False)
    assert set(report.unused.actor) == {"tim_ryan", "city_council"}
    assert report.found.set_index("actor").loc["paul_ryan", "mentions"] >= 2
    unregistered = report.unregistered.set_index("name")
    assert "Boston" in unregistered.index and unregistered.loc["Boston", "mentions"] == 3
    # another person with a registry surname: listed, with the hint (the matcher gives her to no actor)
    assert unregistered.loc["Sarah Ryan", "mentions"] == 2
    assert "shares the surname 'Ryan' with paul_ryan, tim_ryan" in unregistered.loc["Sarah Ryan", "hint"]


def test_actors_commands(tmp_path, capsys):
    from analysis.cli import main

    folder = tmp_path / "corpus"
    folder.mkdir()
    for n, text in enumerate(["Maria Lopez visited Chicago. Lopez spoke.", "Maria Lopez left Chicago."]):
        (folder / f"a{n}.md").write_text(f"---\nid: a{n}\ntitle: t\n---\n{text}\n", encoding="utf-8")
    out = tmp_path / "draft.yaml"
    assert main(["actors", "suggest", str(folder), "--top", "5", "--out", str(out), "--no-cache"]) == 0
    assert "maria_lopez" in parse_actors(out.read_text(encoding="utf-8")).ids
    registry = tmp_path / "actors.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    assert main(["actors", "check", str(registry), str(folder), "--no-cache", "--min-mentions", "2"]) == 0
    printed = capsys.readouterr().out
    assert "'ryan': surname of 'Paul Ryan' (paul_ryan); surname of 'Tim Ryan' (tim_ryan)" in printed
    assert "Actors never found in the corpus (2 articles): 4" in printed
    assert main(["actors", "check", str(tmp_path / "missing.yaml")]) == 2


def test_check_registry_says_where_a_phrase_of_a_whole_and_its_part_goes():
    report = check_registry(parse_actors("""actors:
  democrats: {kind: group, names: [Democrats], group_nouns: [Democratic senators]}
  senate_democrats: {kind: group, names: [Senate Democrats], group_nouns: [Democratic senators], part_of: democrats}
"""))
    (row,) = report.shared.itertuples()
    assert row.phrase == "democratic senators" and "goes to 'senate_democrats'" in row.origins
