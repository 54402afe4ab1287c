"""Descriptors and roles: each descriptor form and each role rule, on short texts."""

import pytest
import records

from analysis.errors import AnalysisError
from analysis.nlp import parse
from analysis.roles import assign_roles, find_descriptors, load_roles
from analysis.types import MentionSentiment

#: Phrase -> (actor, canonical name): the mentions the mentions stage would find by name in these texts.
NAMES = {"Karl Vinter": ("vinter", "Karl Vinter"), "Vinter": ("vinter", "Karl Vinter"),
         "Ana Ortiz": ("ortiz", "Ana Ortiz"), "Ortiz": ("ortiz", "Ana Ortiz"),
         "Dockworkers Union": ("dockers", "Dockworkers Union"), "dockers": ("dockers", "dockers")}


def mentions_in(doc):
    return records.named_mentions(doc.text, NAMES, doc)


def judged(text, actor, score, voice, method, evidence):
    """A negative judgment of the mention ``text`` at the start of the article, as the sentiment stage gives it."""
    return MentionSentiment(article_id="t", sentence_id=0, start=0, end=len(text), text=text, actor=actor,
                            label="negative", score=score, confidence=0.9, voice=voice, method=method,
                            evidence=evidence)


def described(text):
    doc = parse(text, cache_dir=False)
    return [(d.actor, d.text, d.kind) for d in find_descriptors(doc, mentions_in(doc), "t")]


@pytest.mark.parametrize(
    ("text", "descriptor"),
    [
        ("Karl Vinter, a ruthless former general, spoke.", ("vinter", "a ruthless former general", "apposition")),
        ("Karl Vinter is a corrupt liar.", ("vinter", "a corrupt liar", "predicate")),
        ("The dockers are real heroes.", ("dockers", "real heroes", "predicate")),
        ("They fear Karl Vinter, often dubbed the iron mayor.", ("vinter", "the iron mayor", "label")),
        ("Harbour Minister Karl Vinter resigned.", ("vinter", "Harbour Minister", "title")),
    ],
)
def test_descriptor_forms(text, descriptor):
    assert descriptor in described(text)


def test_a_naming_verb_without_a_comma_is_not_a_label():
    assert described("Ana Ortiz called the dockers to join the talks.") == []


def test_quantifiers_are_not_titles():
    assert described("Other dockers joined.") == []


@pytest.mark.parametrize("text", ["Mr. Karl Vinter spoke at the dock.", "Sen. Ana Ortiz (D-Calif.) voted no.",
                                  "Ana Ortiz, R-Texas, voted no.", "Dr. Ana Ortiz declined."])
def test_honorifics_and_party_tags_are_no_descriptors(text):
    texts = [d for _, d, _ in described(text)]
    assert not [d for d in texts if d.strip("().,- ") in ("Mr.", "Mr", "D", "D-Calif.", "R-Texas", "Dr.", "Dr")], texts


def test_an_apposition_of_punctuation_only_is_skipped_not_a_crash():
    from spacy.tokens import Doc

    from analysis.types import Mention

    vocab = parse("x", cache_dir=False).vocab
    doc = Doc(vocab, words=["Vinter", ",", "—", "."], spaces=[False, True, False, False],
              heads=[0, 0, 0, 0], deps=["ROOT", "punct", "appos", "punct"], pos=["PROPN", "PUNCT", "NOUN", "PUNCT"],
              sent_starts=[True, False, False, False])
    mention = Mention("t", 0, 0, 6, "Vinter", "vinter", "name", 0.99)
    assert find_descriptors(doc, [mention], "t") == []


def roles_of(text, sentiment=()):
    doc = parse(text, cache_dir=False)
    mentions = mentions_in(doc)
    return {r.actor: r for r in assign_roles(doc, mentions, find_descriptors(doc, mentions, "t"), sentiment)}


def test_tyrant_from_descriptors_and_harm():
    role = roles_of("Karl Vinter, a ruthless dictator, crushed the protests.")["vinter"]
    assert (role.main_role, role.fine_role) == ("antagonist", "Tyrant")
    assert "agent of harm" in role.evidence and "dictator" in role.evidence


def test_protagonist_from_help_and_virtue():
    role = roles_of("The dockers, brave heroes of the port, rescued the crew and protected the town.")["dockers"]
    assert (role.main_role, role.fine_role) == ("protagonist", "Virtuous")


def test_innocent_from_being_harmed():
    role = roles_of("Police arrested Ana Ortiz. Guards attacked Ana Ortiz again, a victim of the purge.")["ortiz"]
    assert role.main_role == "innocent" and role.fine_role == "Victim"


def test_too_little_evidence_is_none():
    role = roles_of("Ana Ortiz arrived on Monday.")["ortiz"]
    assert (role.main_role, role.fine_role, role.confidence) == ("none", "", 0.0)


def test_portrayal_counts_as_evidence():
    negative = [judged("Ana Ortiz", "ortiz", -0.8, "author", "x", "e")] * 3
    text = "Ana Ortiz arrived on Monday, a terrorist."
    role = roles_of(text, negative)["ortiz"]
    assert role.main_role == "antagonist" and "portrayed negatively" in role.evidence


def test_changed_cue_file_changes_the_role(tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text("main_roles:\n  protagonist:\n    Guardian: [mayor]\n  antagonist: {}\n  innocent: {}\n"
                    "harm: []\nhelp: []\n", encoding="utf-8")
    doc = parse("Ana Ortiz, the mayor of the port, spoke. Ana Ortiz, a mayor again, spoke.", cache_dir=False)
    mentions = mentions_in(doc)
    role = assign_roles(doc, mentions, find_descriptors(doc, mentions), scheme=load_roles(path))[0]
    assert (role.main_role, role.fine_role) == ("protagonist", "Guardian")


def test_bad_role_file(tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text("main_roles:\n  hero: {Guardian: [a]}\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="unknown main role 'hero'"):
        load_roles(path)


def test_seed_article_roles_and_descriptors(seed_result):
    """Issue 6's bar: Lukashenko antagonist (Tyrant), the exiles protagonist, the descriptors found."""
    roles = seed_result.roles.set_index("actor")
    assert (roles.loc["lukashenko", "main_role"], roles.loc["lukashenko", "fine_role"]) == ("antagonist", "Tyrant")
    assert roles.loc["exiles", "main_role"] == "protagonist"
    d = seed_result.descriptors
    found = set(zip(d.actor, d.text, strict=True))
    assert ("lukashenko", "a Kremlin-backed Putin ally") in found
    assert ("lukashenko", "Europe’s last dictator") in found
    assert ("exiles", "real heroes") in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("The dockers were attacked by Karl Vinter.",
                     {"vinter": "agent of harm", "dockers": "harmed"}, id="passive agent of harm"),
        pytest.param("Ana Ortiz and Karl Vinter helped the dockers.",
                     {"vinter": "agent of help", "ortiz": "agent of help"}, id="conjoined agents of help"),
        pytest.param("Karl Vinter did not attack the dockers.", {"vinter": None, "dockers": None},
                     id="a negated act is no evidence"),
    ],
)
def test_agency_and_victimhood_are_evidence(text, expected):
    roles = roles_of(text)
    for actor, what in expected.items():
        if what is None:
            assert roles[actor].evidence == ""
        else:
            assert what in roles[actor].evidence


def test_one_piece_of_evidence_is_not_enough_two_are():
    assert roles_of("The dockers were attacked by Karl Vinter.")["vinter"].main_role == "none"
    two = roles_of("Karl Vinter, a ruthless dictator, attacked the dockers.")["vinter"]
    assert (two.main_role, two.fine_role) == ("antagonist", "Tyrant") and two.confidence > 0


def test_what_others_say_is_not_the_authors_portrayal():
    quoted = [judged("Karl Vinter", "vinter", -0.9, "Ana Ortiz", "model", "")
              for _ in range(3)]
    authored = [judged("Karl Vinter", "vinter", -0.9, "author", "model", "")
                for _ in range(3)]
    text = "Karl Vinter spoke at the harbour."
    assert "portrayed" not in roles_of(text, quoted)["vinter"].evidence
    assert "portrayed negatively in the author's voice" in roles_of(text, authored)["vinter"].evidence
