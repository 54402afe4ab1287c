"""Stance edges: the source's attitude to the target, with the evidence.

Records are built by hand (the stage is tested alone): mentions, quotes and
per-mention sentiment for short sentences written for these tests, parsed by
the spaCy backbone.
"""

from dataclasses import replace

import networkx as nx
import pandas as pd
import pytest
import records
from records import judged

from analysis.actors import parse_actors
from analysis.errors import AnalysisError
from analysis.nlp import parse
from analysis.stance import MIN_QUOTE_CONFIDENCE, find_stance, load_relation_cues, load_stance_cues
from analysis.summaries import count_stance_into, stance_graph, stance_matrix, summarize_stance, write_graphml

REGISTRY = parse_actors("""
actors:
  mayor: {kind: person, pronoun: she, names: [Ana Ortiz]}
  union: {kind: group, pronoun: they, names: [Dockworkers Union], members: [{name: Tomas Brennaker, pronoun: he}]}
  council: {kind: organisation, pronoun: it, names: [Harbour Council], metonyms: [Town Hall]}
  harbour: {kind: place, names: [Old Harbour]}
""")
#: Phrase -> (actor, canonical name) for the hand-made mentions below.
NAMES = {
    "Ana Ortiz": ("mayor", "Ana Ortiz"), "Ortiz": ("mayor", "Ana Ortiz"),
    "Dockworkers Union": ("union", "Dockworkers Union"), "Tomas Brennaker": ("union", "Tomas Brennaker"),
    "Brennaker": ("union", "Tomas Brennaker"), "Harbour Council": ("council", "Harbour Council"),
    "Town Hall": ("council", "Harbour Council"), "Old Harbour": ("harbour", "Old Harbour"),
}


def mention(text, phrase, actor=None, **kw):
    """A mention of the nth occurrence of ``phrase`` in ``text`` (its actor from NAMES, else other)."""
    return records.mention(text, phrase, actor, names=NAMES, **kw)


def quote(text, content, speaker, **kw):
    """A quote of ``content`` by the words ``speaker`` (their actor from NAMES, else other)."""
    return records.quote(text, content, speaker, names=NAMES, **kw)


def edges(text, mentions, quotes=(), sentiment=()):
    doc = parse(text, cache_dir=False)
    found = find_stance(doc, mentions, quotes, sentiment, registry=REGISTRY, article_id="t")
    return [(e.source_actor, e.stance, e.target_actor, e.basis) for e in found], found


def named_mentions(text):
    return records.named_mentions(text, NAMES)


# --------------------------------------------------------------------------- relation cues


@pytest.mark.parametrize(
    ("text", "edge"),
    [
        ("Ana Ortiz thanked the Dockworkers Union for their patience.", ("mayor", "favor", "union")),
        ("Ana Ortiz praised Tomas Brennaker.", ("mayor", "favor", "union")),
        ("The Harbour Council sanctioned the Dockworkers Union.", ("council", "against", "union")),
        ("The Dockworkers Union will fight against the Harbour Council.", ("union", "against", "council")),
        ("The Dockworkers Union condemned Ana Ortiz on Monday.", ("union", "against", "mayor")),
        ("The Town Hall was attacked by the Dockworkers Union.", ("union", "against", "council")),  # passive
        ("Ana Ortiz accused the Harbour Council of hiding the accounts.", ("mayor", "against", "council")),
        ("Tomas Brennaker blamed Ana Ortiz for the strike.", ("union", "against", "mayor")),
    ],
)
def test_relation_cues_give_the_subjects_judgment(text, edge):
    found, _ = edges(text, named_mentions(text))
    assert (*edge, "relation") in found


def test_negated_cue_is_neutral_and_says_so():
    text = "Ana Ortiz did not support the Dockworkers Union."
    found, records = edges(text, named_mentions(text))
    assert found == [("mayor", "neutral", "union", "relation")]
    assert "negated" in records[0].cue


def test_noun_relation_and_modifier():
    text = "Ana Ortiz, a Dockworkers Union ally, spoke first."
    assert ("mayor", "favor", "union", "relation") in edges(text, named_mentions(text))[0]
    text = "Ana Ortiz, a Town Hall-backed candidate, spoke first."
    assert ("council", "favor", "mayor", "relation") in edges(text, named_mentions(text))[0]


@pytest.mark.parametrize(
    ("text", "edge"),
    [
        ("Tomas Brennaker attacked Ana Ortiz, his opponent in the race.", None),  # the other side of a contest
        ("Tomas Brennaker, a Harbour Council rival, spoke.", None),
        ("Tomas Brennaker, a fierce opponent of the Harbour Council, spoke.", ("union", "against", "council")),
    ],
)
def test_an_opponent_in_a_contest_is_no_attitude_an_opponent_of_something_is(text, edge):
    # ("attacked" is an attitude of its own: union against mayor)
    found = [e[:3] for e in edges(text, named_mentions(text))[0] if e[:3] != ("union", "against", "mayor")]
    assert found == ([edge] if edge else []), found


@pytest.mark.parametrize(
    "text",
    [
        "Would Ana Ortiz support the Dockworkers Union?",  # a question
        "If Ana Ortiz supports the Dockworkers Union, the strike ends.",  # a condition
        "Ana Ortiz could support the Dockworkers Union next year.",  # a hypothetical
    ],
)
def test_no_relation_edge_from_what_is_not_asserted(text):
    assert edges(text, named_mentions(text))[0] == []


def test_a_cue_whose_subject_is_no_actor_is_not_the_speakers():
    # the subject "who" is the quote's topic, not the speaker: no favor edge from the speaker
    text = '"Ana Ortiz is a rival who helped the Harbour Council," Tomas Brennaker said.'
    q = quote(text, "Ana Ortiz is a rival who helped the Harbour Council,", "Tomas Brennaker")
    found, _ = edges(text, named_mentions(text), [q])
    assert ("union", "favor", "council", "relation") not in found


# --------------------------------------------------------------------------- quotes


def test_what_a_speaker_says_about_an_actor_is_a_quote_edge_with_evidence():
    text = '"The Harbour Council is corrupt and dishonest," Tomas Brennaker said.'
    q = quote(text, "The Harbour Council is corrupt and dishonest,", "Tomas Brennaker")
    council = mention(text, "Harbour Council")
    found, records = edges(text, named_mentions(text), [q], [judged(council, "negative", 0.97, q)])
    assert found == [("union", "against", "council", "quote")]
    edge = records[0]
    assert edge.quote_id == 0 and "speaker" in edge.cue and edge.evidence.startswith('"The Harbour Council')
    assert edge.confidence == pytest.approx(0.97 * 0.9, abs=0.01)


@pytest.mark.parametrize(("label", "confidence"), [("neutral", 0.99),
                                                   ("negative", MIN_QUOTE_CONFIDENCE["direct"]["against"] - 0.1),
                                                   ("positive", MIN_QUOTE_CONFIDENCE["direct"]["favor"] - 0.05)])
def test_bare_or_unclear_mentions_give_no_edge(label, confidence):
    text = '"The Harbour Council met on Monday," Tomas Brennaker said.'
    q = quote(text, "The Harbour Council met on Monday,", "Tomas Brennaker")
    sentiment = [judged(mention(text, "Harbour Council"), label, confidence, q)]
    assert edges(text, named_mentions(text), [q], sentiment)[0] == []


@pytest.mark.parametrize(
    ("text", "content", "speaker", "cue", "kind"),
    [
        ('"Do you fully support Ana Ortiz?" the reporter asked.', "Do you fully support Ana Ortiz?", "the reporter",
         "asked", "direct"),
        ('"If Ana Ortiz wins, the port is finished," Tomas Brennaker said.', "If Ana Ortiz wins, the port is finished,",
         "Tomas Brennaker", "said", "direct"),
        ('"Ana Ortiz might ruin the port," Tomas Brennaker said.', "Ana Ortiz might ruin the port,",
         "Tomas Brennaker", "said", "direct"),
        ('"We would never back sanctions against Ana Ortiz," Tomas Brennaker said.',
         "We would never back sanctions against Ana Ortiz,", "Tomas Brennaker", "said", "direct"),
        ("The Dockworkers Union fears Ana Ortiz may close the port.", "Ana Ortiz may close the port",
         "Dockworkers Union", "fears", "indirect"),
        ("The Dockworkers Union hopes that Ana Ortiz will keep her promise.", "Ana Ortiz will keep her promise",
         "Dockworkers Union", "hopes", "indirect"),
        ('"I don\'t question Ana Ortiz\'s honesty," Tomas Brennaker said.', "I don't question Ana Ortiz's honesty,",
         "Tomas Brennaker", "said", "direct"),
        ('"The inquiry failed to find evidence that Ana Ortiz lied," Tomas Brennaker said.',
         "The inquiry failed to find evidence that Ana Ortiz lied,", "Tomas Brennaker", "said", "direct"),
        ('"The union acts as though Ana Ortiz owned the port," Tomas Brennaker said.',
         "The union acts as though Ana Ortiz owned the port,", "Tomas Brennaker", "said", "direct"),
        ("Tomas Brennaker acknowledged that Ana Ortiz had not broken the law.", "Ana Ortiz had not broken the law",
         "Tomas Brennaker", "acknowledged", "indirect"),
        ("Ana Ortiz was arrested on Friday, Tomas Brennaker said.", "Ana Ortiz was arrested on Friday",
         "Tomas Brennaker", "said", "indirect"),
        ("Tomas Brennaker confirmed that Ana Ortiz had left the port.", "Ana Ortiz had left the port",
         "Tomas Brennaker", "confirmed", "indirect"),
        ('"I apologize to Ana Ortiz and anyone I offended," Tomas Brennaker said.',
         "I apologize to Ana Ortiz and anyone I offended,", "Tomas Brennaker", "said", "direct"),
        ('"The key is getting Ana Ortiz supporters on board," Tomas Brennaker said.',
         "The key is getting Ana Ortiz supporters on board,", "Tomas Brennaker", "said", "direct"),
        # a claim someone else makes, reported: the claimants' tone, not the speaker's
        ("Tomas Brennaker said there were accusations that Ana Ortiz hid the accounts.",
         "there were accusations that Ana Ortiz hid the accounts", "Tomas Brennaker", "said", "indirect"),
        # a relation noun relates its own holder ("anyone who is a critic") to the target: the noun rule's
        ('"Anyone who is a critic of Ana Ortiz should be careful," Tomas Brennaker said.',
         "Anyone who is a critic of Ana Ortiz should be careful,", "Tomas Brennaker", "said", "direct"),
        # what the speaker says a thing is not
        ("Tomas Brennaker said the letter was not an attempt to label Ana Ortiz as a liar.",
         "the letter was not an attempt to label Ana Ortiz as a liar", "Tomas Brennaker", "said", "indirect"),
        # an attitude named by a noun is its holder's: the critics' hatred, not the speaker's
        ('"The critics miss the point in their blind hatred of Ana Ortiz," Tomas Brennaker said.',
         "The critics miss the point in their blind hatred of Ana Ortiz,", "Tomas Brennaker", "said", "direct"),
        # what someone owes is no judgment of them
        ('"It is Ana Ortiz\'s job to keep the port open," Tomas Brennaker said.',
         "It is Ana Ortiz's job to keep the port open,", "Tomas Brennaker", "said", "direct"),
    ],
)
@pytest.mark.parametrize("label", ["negative", "positive"])
def test_questions_conditions_beliefs_and_denials_give_no_quote_edge(text, content, speaker, cue, kind, label):
    q = quote(text, content, speaker, cue=cue, kind=kind)
    sentiment = [judged(mention(text, "Ana Ortiz"), label, 0.99, q)]
    found, _ = edges(text, named_mentions(text), [q], sentiment)
    assert [f for f in found if f[3] == "quote"] == []


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("Ana Ortiz supported ending the Dockworkers Union.", "against"),  # for the ending of X is against X
        ("Ana Ortiz opposed abolishing the Dockworkers Union.", "favor"),
        ("Ana Ortiz supported the Dockworkers Union.", "favor"),
    ],
)
def test_a_cue_on_undoing_its_object_reverses(text, stance):
    found, records = edges(text, named_mentions(text))
    assert found == [("mayor", stance, "union", "relation")]
    assert ("reversed" in records[0].cue) is (stance != "favor" or "abolishing" in text)


def test_a_reflexive_object_or_a_duty_gives_no_edge():
    # a reflexive object is the subject itself, whoever coreference took it for
    text = "The Dockworkers Union defended themselves against the charges."
    mentions = [mention(text, "Dockworkers Union"), mention(text, "themselves", "mayor", method="pronoun")]
    assert edges(text, mentions)[0] == []
    # what a speaker owes is not their attitude
    text = '"I take my responsibility to protect the Dockworkers Union seriously," Ana Ortiz said.'
    q = quote(text, "I take my responsibility to protect the Dockworkers Union seriously,", "Ana Ortiz")
    assert edges(text, named_mentions(text), [q])[0] == []


@pytest.mark.parametrize(("text", "expected"), [
    ("The Dockworkers Union fought against Ana Ortiz.", [("union", "against", "mayor", "relation")]),
    ("The Dockworkers Union fought for Ana Ortiz.", []),
    ("The Dockworkers Union failed to fight for Ana Ortiz and her plan.", []),
])
def test_what_one_fights_for_is_no_opponent(text, expected):
    assert edges(text, named_mentions(text))[0] == expected


def test_welcoming_someones_exit_is_no_favour_to_them():
    text = "The Harbour Council praised Ana Ortiz's decision to step down."
    assert [f for f in edges(text, named_mentions(text))[0] if f[1] == "favor"] == []
    text = "The Harbour Council praised Ana Ortiz's decision to open the port."
    assert ("council", "favor", "mayor", "relation") in edges(text, named_mentions(text))[0]


def test_a_doers_warm_act_told_by_a_speaker_is_no_judgment_of_the_doer():
    """A spokesman's '"The mayor thanked X ..."' is the mayor's attitude to X, not the spokesman's to the mayor."""
    text = '"Ana Ortiz thanked the Dockworkers Union for their patience," Tomas Brennaker said.'
    q = quote(text, "Ana Ortiz thanked the Dockworkers Union for their patience,", "Tomas Brennaker")
    found, _ = edges(text, named_mentions(text), [q], [judged(mention(text, "Ana Ortiz"), "positive", 0.99, q)])
    assert found == [("mayor", "favor", "union", "relation")]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Ana Ortiz must confront the Harbour Council", []),  # a demand on her, not a judgment of her
        ("Ana Ortiz should apologize to the dockers", [("union", "against", "mayor", "quote")]),  # penance: one
    ],
)
def test_a_demand_on_the_target_is_no_judgment_unless_it_is_penance(content, expected):
    text = f'"{content}," Tomas Brennaker said.'
    q = quote(text, f"{content},", "Tomas Brennaker")
    sentiment = [judged(mention(text, "Ana Ortiz"), "negative", 0.99, q)]
    found, _ = edges(text, named_mentions(text), [q], sentiment)
    assert [f for f in found if f[3] == "quote"] == expected


def test_a_prediction_with_would_alone_is_an_attitude():
    """Measured on the BASIL development half: "would" without "if" mostly attacks or praises."""
    text = '"Ana Ortiz would ruin the port," Tomas Brennaker said.'
    q = quote(text, "Ana Ortiz would ruin the port,", "Tomas Brennaker")
    found, _ = edges(text, named_mentions(text), [q], [judged(mention(text, "Ana Ortiz"), "negative", 0.95, q)])
    assert found == [("union", "against", "mayor", "quote")]


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        ("A new poll said that Ana Ortiz is failing the port.", "A new poll", "said"),
        ("The letter said that Ana Ortiz is failing the port.", "The letter", "said"),
        ("The missive said that Ana Ortiz is failing the port.", "The missive", "said"),
        ("The tabloid said that Ana Ortiz is failing the port.", "The tabloid", "said"),
        ("The Harbour Gazette reported that Ana Ortiz is failing the port.", "The Harbour Gazette", "reported"),
        ("Those familiar with the talks said that Ana Ortiz is failing the port.", "Those", "said"),
    ],
)
def test_documents_polls_outlets_and_those_familiar_are_not_sources(text, speaker, cue):
    q = quote(text, "Ana Ortiz is failing the port", speaker, cue=cue, kind="indirect")
    found, _ = edges(text, named_mentions(text), [q], [judged(mention(text, "Ana Ortiz"), "negative", 0.99, q)])
    assert found == []


def test_a_text_whose_author_the_quotes_stage_named_is_the_authors_words():
    text = "The Dockworkers Union ad said that Ana Ortiz is failing the port."
    q = quote(text, "Ana Ortiz is failing the port", "The Dockworkers Union ad", kind="indirect")
    q = replace(q, speaker_actor="union", speaker="Dockworkers Union")
    found, _ = edges(text, named_mentions(text), [q], [judged(mention(text, "Ana Ortiz"), "negative", 0.99, q)])
    assert found == [("union", "against", "mayor", "quote")]


def test_a_person_speaking_the_same_words_is_a_source():
    text = "Tomas Brennaker said that Ana Ortiz is failing the port."
    q = quote(text, "Ana Ortiz is failing the port", "Tomas Brennaker", kind="indirect")
    found, _ = edges(text, named_mentions(text), [q], [judged(mention(text, "Ana Ortiz"), "negative", 0.99, q)])
    assert found == [("union", "against", "mayor", "quote")]


def test_a_registry_actor_of_a_kind_that_holds_no_attitude_is_not_a_source():
    text = "The Old Harbour condemned Ana Ortiz."
    assert edges(text, named_mentions(text))[0] == []


def test_a_cue_with_no_subject_inside_a_quote_is_the_speakers_and_beats_the_tone():
    text = '"Ana Ortiz must first be defeated," Tomas Brennaker said.'
    q = quote(text, "Ana Ortiz must first be defeated,", "Tomas Brennaker")
    # the words around the target may sound positive to a model: the cue with its argument decides
    found, _ = edges(text, named_mentions(text), [q], [judged(mention(text, "Ana Ortiz"), "positive", 0.99, q)])
    assert found == [("union", "against", "mayor", "relation")]


def test_an_accusation_of_harm_in_a_quote_is_against_the_doer():
    text = '"The Harbour Council keeps threatening our families," Tomas Brennaker said.'
    q = quote(text, "The Harbour Council keeps threatening our families,", "Tomas Brennaker")
    found, records = edges(text, named_mentions(text), [q],
                           [judged(mention(text, "Harbour Council"), "positive", 0.85, q)])
    assert found == [("union", "against", "council", "relation")]
    assert "accusation" in records[0].cue


@pytest.mark.parametrize(
    ("text", "content", "edge"),
    [
        ('"Ana Ortiz should resign," Tomas Brennaker said.', "Ana Ortiz should resign,",
         ("union", "against", "mayor", "relation")),
        ('"She must step down," Tomas Brennaker said of Ana Ortiz.', "She must step down,",
         ("union", "against", "mayor", "relation")),
    ],
)
def test_a_call_to_quit_is_against_the_one_called_on(text, content, edge):
    q = quote(text, content, "Tomas Brennaker")
    mentions = named_mentions(text)
    if "She" in text:
        mentions.append(mention(text, "She", "mayor", method="pronoun", canonical="Ana Ortiz"))
    found, records = edges(text, mentions, [q])
    assert edge in found and "a call to quit" in records[0].cue


def test_urging_someone_to_resign_is_the_urgers_attitude():
    text = "The Dockworkers Union urged Ana Ortiz to resign."
    found, _ = edges(text, named_mentions(text))
    assert found == [("union", "against", "mayor", "relation")]


@pytest.mark.parametrize(("text", "expected"), [
    ("The Dockworkers Union took aim at Ana Ortiz.", [("union", "against", "mayor", "relation")]),
    ("Ana Ortiz renewed her attack on the Harbour Council.", [("mayor", "against", "council", "relation")]),
    ("The Harbour Council's attack on Ana Ortiz was harsh.", [("council", "against", "mayor", "relation")]),
    ("Ana Ortiz voiced support for the Dockworkers Union.", [("mayor", "favor", "union", "relation")]),
    ("Ana Ortiz did not voice support for the Dockworkers Union.", [("mayor", "neutral", "union", "relation")]),
    ("Ana Ortiz lashed out at Tomas Brennaker on Monday.", [("mayor", "against", "union", "relation")]),
    # receiving an act, or undoing it, is not doing it
    ("Ana Ortiz drew criticism from the Dockworkers Union.", []),
    ("The Dockworkers Union withdrew its support for Ana Ortiz.", []),
])
def test_an_act_aimed_at_someone_is_the_doers_attitude(text, expected):
    found, records = edges(text, named_mentions(text))
    assert found == expected
    assert all(r.cue for r in records)


def test_endorsing_one_against_another_is_against_the_other():
    text = "Ana Ortiz endorsed the Dockworkers Union against the Harbour Council."
    found, _ = edges(text, named_mentions(text))
    assert set(found) == {("mayor", "favor", "union", "relation"), ("mayor", "against", "council", "relation")}


def test_many_mentions_of_one_target_in_one_quote_are_one_piece_of_evidence():
    text = '"Ana Ortiz is careless, and Ana Ortiz is rude," Tomas Brennaker said.'
    q = quote(text, "Ana Ortiz is careless, and Ana Ortiz is rude,", "Tomas Brennaker")
    mentions = [mention(text, "Ana Ortiz", nth=k) for k in (0, 1)] + [mention(text, "Tomas Brennaker")]
    sentiment = [judged(m, "negative", c, q) for m, c in zip(mentions[:2], (0.85, 0.95), strict=True)]
    found, records = edges(text, mentions, [q], sentiment)
    assert found == [("union", "against", "mayor", "quote")]
    assert records[0].confidence == pytest.approx(0.95 * 0.9, abs=0.01) and "2 mentions" in records[0].cue
    # favor and against toward one target in one quote, as often: no clear attitude, no edge
    sentiment = [judged(mentions[0], "negative", 0.99, q), judged(mentions[1], "positive", 0.99, q)]
    assert edges(text, mentions, [q], sentiment)[0] == []


def test_the_attitude_of_most_mentions_in_a_sentence_wins_when_twice_the_other():
    text = ('"Ana Ortiz is wrong, Ana Ortiz is careless and Ana Ortiz is rude, though the press is kind to Ana Ortiz," '
            'Tomas Brennaker said.')
    content = text[1:text.index('" Tomas')]
    q = quote(text, content, "Tomas Brennaker")
    mentions = [mention(text, "Ana Ortiz", nth=k) for k in range(4)] + [mention(text, "Tomas Brennaker")]
    labels = ("negative", "negative", "negative", "positive")
    sentiment = [judged(m, label, 0.99, q) for m, label in zip(mentions[:4], labels, strict=True)]
    found, records = edges(text, mentions, [q], sentiment)
    assert found == [("union", "against", "mayor", "quote")]
    assert "3 against, 1 favor" in records[0].cue


def test_each_sentence_of_a_long_quote_is_its_own_evidence():
    text = '"Ana Ortiz has ruined the port. Ana Ortiz is a fine cook. She lies," Tomas Brennaker said.'
    content = text[1:text.index('" Tomas')]
    q = quote(text, content, "Tomas Brennaker")
    mentions = [mention(text, "Ana Ortiz", nth=k) for k in (0, 1)] + [mention(text, "Tomas Brennaker")]
    doc = parse(text, cache_dir=False)
    sentence = {t.idx: k for k, s in enumerate(doc.sents) for t in s}
    sentiment = [replace(judged(m, label, 0.99, q), sentence_id=sentence[m.start])
                 for m, label in zip(mentions[:2], ("negative", "positive"), strict=True)]
    found = find_stance(doc, mentions, [q], sentiment, registry=REGISTRY, article_id="t")
    # one statement per sentence: a disagreement between sentences silences neither
    assert [(e.sentence_id, e.stance) for e in found] == [(0, "against"), (1, "favor")]


def test_a_reporters_negation_outside_a_direct_quote_denies_nothing_in_it():
    text = 'Tomas Brennaker did not back down, saying, "Ana Ortiz has a very bad record."'
    q = quote(text, "Ana Ortiz has a very bad record.", "Tomas Brennaker", cue="saying")
    ortiz = mention(text, "Ana Ortiz")
    found, _ = edges(text, named_mentions(text), [q], [judged(ortiz, "negative", 0.95, q)])
    assert found == [("union", "against", "mayor", "quote")]
    # the same negation inside the speaker's words still denies the criticism
    text = '"I do not question that Ana Ortiz has a bad record," Tomas Brennaker said.'
    q = quote(text, "I do not question that Ana Ortiz has a bad record,", "Tomas Brennaker")
    found, _ = edges(text, named_mentions(text), [q], [judged(mention(text, "Ana Ortiz"), "negative", 0.95, q)])
    assert found == []


def test_a_pronoun_in_a_paraphrase_that_agrees_with_the_speaker_is_the_speaker():
    text = "Two dockers claimed that they are careless and lazy."
    q = quote(text, "they are careless and lazy", "Two dockers", cue="claimed", kind="indirect")
    they = mention(text, "they", "council", canonical="Harbour Council", method="pronoun")
    assert edges(text, [they], [q], [judged(they, "negative", 0.95, q)])[0] == []
    # a singular speaker's "they" is someone else
    text = "Tomas Brennaker claimed that they are careless and lazy."
    q = quote(text, "they are careless and lazy", "Tomas Brennaker", cue="claimed", kind="indirect")
    they = mention(text, "they", "council", canonical="Harbour Council", method="pronoun")
    found, _ = edges(text, [*named_mentions(text), they], [q], [judged(they, "negative", 0.95, q)])
    assert found == [("union", "against", "council", "quote")]


def test_a_paraphrase_needs_a_surer_tone_than_the_speakers_own_words():
    sure = (MIN_QUOTE_CONFIDENCE["direct"]["against"] + MIN_QUOTE_CONFIDENCE["indirect"]["against"]) / 2
    assert MIN_QUOTE_CONFIDENCE["direct"]["against"] < sure < MIN_QUOTE_CONFIDENCE["indirect"]["against"]
    text = '"Ana Ortiz has ruined the port," Tomas Brennaker said.'
    q = quote(text, "Ana Ortiz has ruined the port,", "Tomas Brennaker")
    found, _ = edges(text, named_mentions(text), [q], [judged(mention(text, "Ana Ortiz"), "negative", sure, q)])
    assert found == [("union", "against", "mayor", "quote")]
    text = "Tomas Brennaker said that Ana Ortiz has ruined the port."
    q = quote(text, "Ana Ortiz has ruined the port", "Tomas Brennaker", kind="indirect")
    found, _ = edges(text, named_mentions(text), [q], [judged(mention(text, "Ana Ortiz"), "negative", sure, q)])
    assert found == []


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ('"Ana Ortiz says she wants to sell the port," Tomas Brennaker said.',
         "Ana Ortiz says she wants to sell the port,"),
        ('"I hoped Ana Ortiz would keep her word," Tomas Brennaker said.', "I hoped Ana Ortiz would keep her word,"),
    ],
)
def test_someone_elses_words_or_beliefs_inside_a_quote_give_no_quote_edge(text, content):
    q = quote(text, content, "Tomas Brennaker")
    found, _ = edges(text, named_mentions(text), [q], [judged(mention(text, "Ana Ortiz"), "positive", 0.99, q)])
    assert found == []


@pytest.mark.parametrize(
    ("speaker", "edge_expected"),
    [("A lawyer for Ana Ortiz", False), ("Ana Ortiz's spokesman", False), ("A critic of Ana Ortiz", True)],
)
def test_an_advocate_speaking_about_their_client_gives_no_edge(speaker, edge_expected):
    text = f"{speaker} said that the inquiry into Ana Ortiz was a disgrace."
    q = quote(text, "the inquiry into Ana Ortiz was a disgrace", speaker, kind="indirect")
    target = mention(text, "Ana Ortiz", nth=1)
    found, _ = edges(text, [mention(text, "Ana Ortiz"), target], [q], [judged(target, "negative", 0.95, q)])
    assert (("other", "against", "mayor", "quote") in found) is edge_expected


def test_a_group_within_an_actor_speaks_as_itself_not_as_the_actor():
    text = "A group of the Dockworkers Union said that the Harbour Council is corrupt."
    q = quote(text, "the Harbour Council is corrupt", "A group", kind="indirect")
    council = mention(text, "Harbour Council")
    found, records = edges(text, named_mentions(text), [q], [judged(council, "negative", 0.95, q)])
    assert found == [("other", "against", "council", "quote")]
    assert records[0].source_name == "A group of the Dockworkers Union"


@pytest.mark.parametrize("subject, part", [
    ("Five Dockworkers Union members", "Five Dockworkers Union"),
    ("A handful of the Dockworkers Union", "A handful of the Dockworkers Union"),
    ("Some of the Dockworkers Union", "Some of the Dockworkers Union"),
    ("Other Dockworkers Union", "Other Dockworkers Union"),
    ("The Dockworkers Union", ""),
])
def test_a_part_of_a_group_that_acts_is_not_the_whole_group(subject, part):
    text = f"{subject} criticized Ana Ortiz over the strike."
    _, records = edges(text, named_mentions(text))
    assert [(e.source_actor, e.source_name) for e in records] == (
        [("other", part)] if part else [("union", "Dockworkers Union")])


def test_a_numbered_part_of_a_group_quoted_speaks_as_itself():
    text = "Close to three dozen Dockworkers Union said the Harbour Council is corrupt."
    q = quote(text, "the Harbour Council is corrupt", "Close to three dozen Dockworkers Union", kind="indirect")
    q = replace(q, speaker_actor="union", speaker="Dockworkers Union")
    council = mention(text, "Harbour Council")
    found, records = edges(text, named_mentions(text), [q], [judged(council, "negative", 0.95, q)])
    assert found == [("other", "against", "council", "quote")]
    assert records[0].source_name == "Close to three dozen Dockworkers Union"


def test_a_judgment_of_someone_owned_is_not_of_the_owner():
    text = "Ana Ortiz blamed her rival for the strike."
    her = mention(text, "her", "mayor", method="pronoun", canonical="Ana Ortiz")
    voiced = judged(her, "negative", 0.95, voice="Ana Ortiz", voice_actor="mayor")
    found, _ = edges(text, [*named_mentions(text), her], (), [voiced])
    assert found == []


@pytest.mark.parametrize("belief", ["came to believe that", "thinks that", "fears that"])
def test_a_judgment_someone_believes_was_made_is_no_edge(belief):
    text = f"The harbour master {belief} Ana Ortiz called the Harbour Council a disgrace."
    council = mention(text, "Harbour Council")
    voiced = judged(council, "negative", 0.99, voice="Ana Ortiz", voice_actor="mayor")
    assert edges(text, named_mentions(text), (), [voiced])[0] == []
    plain = "Ana Ortiz called the Harbour Council a disgrace."
    voiced = judged(mention(plain, "Harbour Council"), "negative", 0.99, voice="Ana Ortiz", voice_actor="mayor")
    assert edges(plain, named_mentions(plain), (), [voiced])[0] == [("mayor", "against", "council", "relation")]


def test_a_place_does_not_hold_the_attitude_of_the_person_it_owns():
    from dataclasses import replace

    text = "Ostland's attorney general accused the Harbour Council of fraud."
    ostland = replace(mention(text, "Ostland"), ner_label="GPE")
    assert edges(text, [ostland, *named_mentions(text)])[0] == []
    # a place is still a target ("X's rules")
    text = "The Harbour Council condemned Ostland's port rules."
    ostland = replace(mention(text, "Ostland"), ner_label="GPE")
    assert edges(text, [ostland, *named_mentions(text)])[0] == [("council", "against", "other", "relation")]


def test_the_words_of_a_speech_or_a_line_are_not_a_source():
    text = "The line said that Ana Ortiz is failing the port."
    q = quote(text, "Ana Ortiz is failing the port", "The line", kind="indirect")
    assert edges(text, named_mentions(text), [q], [judged(mention(text, "Ana Ortiz"), "negative", 0.99, q)])[0] == []


def test_first_person_in_a_quote_is_the_speaker_and_gives_no_edge():
    text = '"We are proud of our work," Tomas Brennaker said.'
    q = quote(text, "We are proud of our work,", "Tomas Brennaker")
    we = mention(text, "We", "union", method="speaker", canonical="Tomas Brennaker")
    assert edges(text, [*named_mentions(text), we], [q], [judged(we, "positive", 0.99, q)])[0] == []


@pytest.mark.parametrize("preposition", ["of", "about"])
def test_said_of_names_whom_the_quotes_pronoun_is_about(preposition):
    text = f'"She is a disgrace," Tomas Brennaker said {preposition} Ana Ortiz.'
    q = quote(text, "She is a disgrace,", "Tomas Brennaker")
    she = mention(text, "She", "council", method="pronoun", canonical="Harbour Council")  # a wrong antecedent
    found, records = edges(text, [*named_mentions(text), she], [q], [judged(she, "negative", 0.95, q)])
    assert found == [("union", "against", "mayor", "quote")]
    assert "whom the quote is said of" in records[0].cue


def test_a_pronoun_in_an_indirect_quote_is_most_likely_the_speaker():
    text = "The harbour master said he was deeply sorry."
    q = quote(text, "he was deeply sorry", "The harbour master", kind="indirect")
    he = mention(text, "he", "union", method="pronoun", canonical="Tomas Brennaker")
    assert edges(text, [he], [q], [judged(he, "negative", 0.95, q)])[0] == []


def test_the_authors_own_voice_gives_no_edge():
    text = "The Harbour Council is corrupt and dishonest."
    council = mention(text, "Harbour Council")
    assert edges(text, [council], (), [judged(council, "negative", 0.99)])[0] == []


def test_a_judgment_in_an_evaluative_verbs_voice_is_its_subjects():
    """Item 2 of issue 18, both halves: the sentiment stage gives the judgment the
    verb's subject as its voice, and the stance stage makes it the subject's edge."""
    from analysis.sentiment import score_sentiment

    text = "Ana Ortiz called the Harbour Council a disgrace."
    doc = parse(text, cache_dir=False)
    mentions = named_mentions(text)
    (council,) = [j for j in score_sentiment(doc, mentions, backend="lexicon") if j.actor == "council"]
    assert (council.voice, council.voice_actor, council.label) == ("Ana Ortiz", "mayor", "negative")
    voiced = judged(mentions[-1] if mentions[-1].actor == "council" else mentions[0], "negative", 0.95,
                    voice="Ana Ortiz", voice_actor="mayor")  # as the model would judge it, sure of its label
    found, _ = edges(text, mentions, (), [voiced])
    assert found == [("mayor", "against", "council", "relation")]
    text = "The Harbour Council is a disgrace."
    (plain,) = score_sentiment(parse(text, cache_dir=False), named_mentions(text), backend="lexicon")
    assert plain.voice == "author"


def test_a_request_is_not_a_judgment():
    from analysis.sentiment import score_sentiment

    text = "Ana Ortiz called on the Harbour Council to veto the plan."
    doc = parse(text, cache_dir=False)
    (council,) = [j for j in score_sentiment(doc, named_mentions(text), backend="lexicon") if j.actor == "council"]
    assert council.voice == "author"


def test_self_edges_are_dropped():
    text = "Tomas Brennaker praised the Dockworkers Union."
    assert edges(text, named_mentions(text))[0] == []


def test_an_entity_the_registry_does_not_know_can_be_a_source():
    text = "The Biden government sanctioned the Harbour Council."
    found, records = edges(text, [mention(text, "Biden"), mention(text, "Harbour Council")])
    assert found == [("other", "against", "council", "relation")]
    assert records[0].source_name == "Biden"


def test_a_dateline_is_not_a_source():
    text = "HARTFORD, Conn. — Tomas Brennaker is defending Ana Ortiz."
    found, _ = edges(text, [mention(text, "HARTFORD"), *named_mentions(text)])
    assert ("other", "favor", "mayor", "relation") not in found


def test_researcher_cue_file(tmp_path):
    path = tmp_path / "cues.txt"
    path.write_text("snub against\n", encoding="utf-8")
    cues = load_relation_cues(path)
    assert cues == {("snub", "verb"): "against"}
    bad = tmp_path / "bad.txt"
    bad.write_text("snub maybe\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match=r"bad.txt, line 1: expected 'lemma favor"):
        load_relation_cues(bad)


def test_researcher_stance_cue_file(tmp_path):
    path = tmp_path / "stance.txt"
    path.write_text("# mine\nnot_source  pamphlet\nbelief_cue  dread\n", encoding="utf-8")
    cues = load_stance_cues(path)
    assert cues["not_source"] == {"pamphlet"} and cues["belief_cue"] == {"dread"} and cues["harm"] == frozenset()
    bad = tmp_path / "bad.txt"
    bad.write_text("nonsource pamphlet\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match=r"bad.txt, line 1: expected '<section> <word or phrase>'"):
        load_stance_cues(bad)
    with pytest.raises(AnalysisError, match=r"missing.txt: file not found .*; give the path of a stance cue file"):
        load_stance_cues(tmp_path / "missing.txt")


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
    assert "other:Other" in set(summary.source)


def test_summary_keeps_n_and_marks_single_evidence_edges():
    summary = summarize_stance(count_stance_into({}, _rows()))
    rows = summary[summary.article_id != "(corpus)"].set_index(["article_id", "source"])
    assert rows.loc[("b", "other:Other"), "n"] == 1
    assert rows.loc[("b", "other:Other"), "evidence"].startswith("(single evidence) [against] e")
    assert rows.loc[("a", "mayor"), "n"] == 3 and not rows.loc[("a", "mayor"), "evidence"].startswith("(single")


def test_graphml_keeps_every_attribute(tmp_path):
    summary = summarize_stance(count_stance_into({}, _rows()))
    graph = stance_graph(summary, REGISTRY)
    path = write_graphml(graph, tmp_path / "g.graphml")
    back = nx.read_graphml(path)
    assert back.nodes["mayor"] == {"label": "mayor", "kind": "person", "in_registry": True}
    assert back.nodes["other:Other"]["in_registry"] is False
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
    assert corpus.loc[("other:Biden", "lukashenko"), "stance"] == "against"


def test_seed_article_has_no_stance_from_hopes_fears_or_tone(seed_result):
    """"he must first be defeated" is not favour; "NATO fears the Kremlin may ...", "the
    exiles now hope that ..." state no attitude of NATO or the exiles."""
    rows = seed_result.stance[seed_result.stance.article_id == "belarus-exiles-cnn"]
    pairs = set(zip(rows.source_actor, rows.stance, rows.target_actor, strict=True))
    assert ("exiles", "favor", "putin") not in pairs and ("exiles", "favor", "lukashenko") not in pairs
    assert not (rows.source_actor == "nato").any()
    assert rows.confidence.between(0, 1).all() and rows.evidence.str.len().gt(0).all()


def test_hostile_quotes_about_nato_read_as_against(registry):
    """The constructed state-media text: every edge toward NATO is against."""
    from pathlib import Path

    from analysis import analyze, load_corpus

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    (article,) = [a for a in load_corpus(corpus) if a.id == "constructed-state-media"]
    stance = analyze([article], registry, cache_dir=False, progress=False).stance
    toward_nato = stance[stance.target_actor == "nato"]
    assert len(toward_nato) >= 1 and set(toward_nato.stance) == {"against"}


def test_part_of_a_group_speaking_of_the_group_is_not_a_stance_toward_it():
    text = "A group of the Dockworkers Union said they are ready to strike."
    q = quote(text, "they are ready to strike", "A group", kind="indirect")
    they = mention(text, "they", "union", method="pronoun", canonical="Dockworkers Union")
    found, _ = edges(text, [*named_mentions(text), they], [q], [judged(they, "positive", 0.97, q)])
    assert found == []


def test_an_attitude_reported_of_others_is_theirs_not_the_speakers():
    # "many farmers distrust X": the farmers' attitude, not Ortiz's, however negative the model reads X
    text = "Ana Ortiz said she understands why many farmers distrust the Harbour Council."
    q = quote(text, "she understands why many farmers distrust the Harbour Council", "Ana Ortiz", kind="indirect")
    council = mention(text, "Harbour Council")
    found, records = edges(text, [*named_mentions(text), mention(text, "farmers")], [q],
                           [judged(council, "negative", 0.97, q)])
    assert found == [("other", "against", "council", "relation")] and records[0].source_name == "farmers"


@pytest.mark.parametrize("text, expected", [
    ("The Dockworkers Union joined Ana Ortiz at the ceremony.", []),
    # the shared act is toward the council, not an attitude to Ortiz
    ("The Dockworkers Union joined Ana Ortiz in calling on the Harbour Council to resign.", []),
    ("Ana Ortiz wants to join the Dockworkers Union.", [("mayor", "favor", "union", "relation")]),
    ("Ana Ortiz worked at the port before she joined the Dockworkers Union.", []),  # a career, not an attitude
])
def test_joining_a_group_is_siding_with_it_joining_a_person_is_not(text, expected):
    assert edges(text, named_mentions(text))[0] == expected


@pytest.mark.parametrize("text, stance", [
    ("Ana Ortiz refused to support the Dockworkers Union.", "neutral"),
    ("Ana Ortiz did not want to support the Dockworkers Union.", "neutral"),
    ("Ana Ortiz wants to support the Dockworkers Union.", "favor"),
])
def test_a_cue_under_a_negated_or_refusing_verb_is_negated(text, stance):
    assert edges(text, named_mentions(text))[0] == [("mayor", stance, "union", "relation")]


def test_a_possessive_target_is_not_one_of_several_subjects():
    # "Ana Ortiz and others criticized his plan": "his" is someone else's, however it was resolved
    text = "Ana Ortiz and the Dockworkers Union criticized his plan."
    his = mention(text, "his", "mayor", method="pronoun", canonical="Ana Ortiz")
    found, _ = edges(text, [*named_mentions(text), his])
    assert ("union", "against", "mayor", "relation") not in found
    text = "The Dockworkers Union criticized her plan."  # one subject: "her" may well be Ortiz
    her = mention(text, "her", "mayor", method="pronoun", canonical="Ana Ortiz")
    assert edges(text, [*named_mentions(text), her])[0] == [("union", "against", "mayor", "relation")]


@pytest.mark.parametrize("text", [
    "A former Ana Ortiz campaign adviser praised the Dockworkers Union.",
    "Ana Ortiz supporters praised the Dockworkers Union.",
])
def test_the_act_of_someones_adviser_or_supporters_is_not_theirs(text):
    found, _ = edges(text, named_mentions(text))
    assert not [e for e in found if e[0] == "mayor"]


def test_a_cue_in_someone_elses_words_inside_a_quote_is_not_the_speakers():
    # Brennaker reports what Ortiz wrote; "we have defeated" is Ortiz's boast, not Brennaker's attack
    text = 'Tomas Brennaker said the vote was late, and Ana Ortiz wrote that "we have defeated the Harbour Council."'
    q = quote(text, 'the vote was late, and Ana Ortiz wrote that "we have defeated the Harbour Council."',
              "Tomas Brennaker", kind="indirect")
    found, _ = edges(text, named_mentions(text), [q])
    assert ("union", "against", "council", "relation") not in found
    # in his own words the same cue is his
    text = 'Tomas Brennaker said "we have defeated the Harbour Council."'
    q = quote(text, "we have defeated the Harbour Council.", "Tomas Brennaker")
    found, _ = edges(text, named_mentions(text), [q])
    assert ("union", "against", "council", "relation") in found


def test_someone_who_speaks_for_a_person_is_the_source_not_that_person():

    text = 'Ortiz spokeswoman Lena Vik said "the Harbour Council is a disgrace to the port."'
    q = replace(quote(text, "the Harbour Council is a disgrace to the port.", "Lena Vik"), speaker="Lena Vik",
                speaker_actor="mayor")  # the speaker stage credits the spokeswoman's words to Ortiz
    council = mention(text, "Harbour Council")
    found, records = edges(text, named_mentions(text), [q], [judged(council, "negative", 0.97, q)])
    assert ("other", "against", "council", "quote") in found and ("mayor", "against", "council", "quote") not in found
    assert [r.source_name for r in records if r.target_actor == "council"] == ["Lena Vik"]


def test_an_advocate_arguing_their_principals_side_gives_no_edge_to_the_principal():

    text = 'Ortiz lawyer Lena Vik said "the charges against Ana Ortiz are a disgrace."'
    q = replace(quote(text, "the charges against Ana Ortiz are a disgrace.", "Lena Vik"), speaker="Lena Vik",
                speaker_actor="mayor")
    ortiz = mention(text, "Ana Ortiz")
    found, _ = edges(text, named_mentions(text), [q], [judged(ortiz, "negative", 0.97, q)])
    assert not [e for e in found if e[2] == "mayor"]


def test_a_harm_in_a_clause_that_sets_the_scene_is_no_accusation():
    text = ("Ana Ortiz said the eyes of the nation are on this harbour where a docker was beaten and killed "
            "by the Harbour Council last month.")
    q = quote(text, "the eyes of the nation are on this harbour where a docker was beaten and killed by the "
              "Harbour Council last month", "Ana Ortiz", kind="indirect")
    found, _ = edges(text, named_mentions(text), [q])
    assert ("mayor", "against", "council", "relation") not in found
    # said of the council itself, the same act is an accusation
    text = "Ana Ortiz said the Harbour Council killed a docker last month."
    q = quote(text, "the Harbour Council killed a docker last month", "Ana Ortiz", kind="indirect")
    found, _ = edges(text, named_mentions(text), [q])
    assert ("mayor", "against", "council", "relation") in found


def test_a_cue_that_only_says_what_a_thing_is_for_is_not_the_speakers_act():
    # "the rules to support X": whoever bent the rules would support X, not the speaker
    text = '"The rules to support the Dockworkers Union were bent," Ana Ortiz said.'
    q = quote(text, "The rules to support the Dockworkers Union were bent,", "Ana Ortiz")
    found, _ = edges(text, named_mentions(text), [q])
    assert not [e for e in found if e[2] == "union" and e[1] == "favor"], found
    # the aim of an undertaking in the speaker's words is the speaker's side's
    text = '"Our volunteers are part of the effort to defeat the Harbour Council," Ana Ortiz said.'
    q = quote(text, "Our volunteers are part of the effort to defeat the Harbour Council,", "Ana Ortiz")
    found, _ = edges(text, named_mentions(text), [q])
    assert ("mayor", "against", "council", "relation") in found, found


def test_the_holder_of_a_feeling_named_in_a_quote_is_not_judged_by_the_speaker():
    text = 'Tomas Brennaker said the vote went ahead despite Ana Ortiz\'s disdain for the Harbour Council.'
    q = quote(text, "the vote went ahead despite Ana Ortiz's disdain for the Harbour Council", "Tomas Brennaker",
              kind="indirect")
    ortiz = mention(text, "Ana Ortiz")
    found, _ = edges(text, named_mentions(text), [q], [judged(ortiz, "negative", 0.99, q)])
    assert ("union", "against", "mayor", "quote") not in found, found
