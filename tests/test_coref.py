"""Tests for analysis.coref: pronouns, definite descriptions and quoted first persons.

Mentions come from :func:`analysis.mentions.find_mentions`; quotes are built by
hand (the offsets of their content and speaker in the test text), so that this
stage is tested alone. Texts are short sentences about invented people.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from analysis.actors import parse_actors
from analysis.coref import resolve_references
from analysis.mentions import find_mentions
from analysis.nlp import parse
from analysis.types import Quote

VALLEY = parse_actors(
    """
actors:
  marlow:
    label: Marlow
    kind: person
    pronoun: she
    names: [Helena Marlow]
  growers:
    label: Growers' union
    kind: group
    pronoun: they
    names: [Green Valley Union]
    members:
      - name: Tomas Brennaker
        pronoun: he
    group_nouns: [the growers]
    descriptors: [group]
  hope:
    label: Hope
    kind: person
    pronoun: he
    names: [Daniel Hope]
  council:
    label: City council
    kind: organisation
    pronoun: it
    names: [Northbridge City Council]
    metonyms: [the Town Hall]
""",
    source="valley.yaml",
)

# An invented maritime dispute: another study, no code change.
STRAIT = parse_actors(
    """
actors:
  kestria: {kind: state, pronoun: it, names: [Republic of Kestria], aliases: [Kestria]}
  fishers:
    kind: group
    pronoun: they
    names: [Coastal Fishers League]
    members: [{name: Ingrid Solvang, pronoun: she}]
  pact: {kind: organisation, pronoun: it, names: [Northern Sea Pact], descriptors: [alliance]}
""",
    source="strait.yaml",
)


def quote(text: str, content: str, speaker: str, speaker_from: int = 0) -> Quote:
    """A hand-made quote record: ``content`` and its ``speaker`` (first found from
    ``speaker_from``) located in ``text``."""
    start = text.index(content)
    s_start = text.index(speaker, speaker_from)
    return Quote(
        article_id="t", quote_id=0, start=start, end=start + len(content), text=content, kind="direct",
        speaker_text=speaker, speaker_start=s_start, speaker_end=s_start + len(speaker), confidence=0.9,
    )


def resolve(text, registry=VALLEY, quotes=()):
    doc = parse(text, cache_dir=False)
    return resolve_references(doc, find_mentions(doc, registry, "t"), registry, quotes, "t")


def at(found, word):
    """The resolved mentions whose text is ``word``."""
    return [m for m in found if m.text == word]


# ------------------------------------------------------------------ pronouns


@pytest.mark.parametrize(
    ("text", "pronoun", "actor", "antecedent"),
    [
        # agreement beats salience: the subject of the first sentence is the wrong gender
        pytest.param("Helena Marlow met Tomas Brennaker. He praised the harvest.", "He", "growers",
                     "Tomas Brennaker", id="he"),
        pytest.param("Tomas Brennaker met Helena Marlow. She praised the harvest.", "She", "marlow",
                     "Helena Marlow", id="she"),
        pytest.param("The growers gathered in the square. They demanded fair prices.", "They", "growers",
                     "growers", id="they-group"),
        pytest.param("The Town Hall met. Its members voted.", "Its", "council", "Town Hall", id="its-metonym"),
        pytest.param("Northbridge City Council met. It approved the plan.", "It", "council",
                     "Northbridge City Council", id="it-organisation"),
        pytest.param("Brennaker said he would stay.", "he", "growers", "Brennaker", id="same-sentence"),
    ],
)
def test_pronoun_resolves_to_the_agreeing_antecedent(text, pronoun, actor, antecedent):
    (m,) = at(resolve(text), pronoun)
    assert (m.actor, m.method) == (actor, "pronoun")
    assert text[m.start : m.end] == pronoun
    assert f"-> {antecedent!r}" in m.evidence
    assert 0.5 <= m.confidence <= 0.95


@pytest.mark.parametrize(
    "sentence",
    ["It is important to finish the road.", "It's a prospect that worries everyone.",
     "It’s a prospect that worries everyone.", "It seems unlikely that the road will open."],
)
def test_pleonastic_it_is_not_an_actor(sentence):
    # "The Town Hall" is the only thing "it" could refer to (see the "It approved" case above)
    assert at(resolve(f"The Town Hall voted. {sentence}"), "It") == []


def test_object_pronoun_is_not_its_own_verbs_subject():
    (him,) = at(resolve("Daniel Hope arrived. Tomas Brennaker praised him."), "him")
    assert him.actor == "hope"
    assert "'Daniel Hope'" in him.evidence
    # with no other candidate, "him" stays unresolved rather than taking the subject
    assert resolve("Tomas Brennaker praised him.") == []


def test_reflexive_pronoun_takes_its_own_verbs_subject():
    (himself,) = at(resolve("Daniel Hope arrived. Tomas Brennaker praised himself."), "himself")
    assert himself.actor == "growers"
    # a subject no mention covers binds the reflexive all the same: nobody named before is "themselves"
    found = resolve("The Green Valley Union said it would sue. Marlow Farms organizers defend themselves against "
                    "the charges.")
    assert at(found, "themselves") == []


def test_object_pronoun_filter_blocks_the_subjects_earlier_mentions_too():
    # the filter rules out the subject's entity, not only its mention in this clause
    (him,) = at(resolve("Tomas Brennaker met Daniel Hope. Brennaker praised him."), "him")
    assert him.actor == "hope"


def test_third_person_pronoun_in_a_quote_is_not_its_speaker():
    text = 'Daniel Hope arrived. Tomas Brennaker said: "He is a good worker."'
    q = quote(text, "He is a good worker.", "Tomas Brennaker")
    (he,) = at(resolve(text, quotes=[q]), "He")
    assert he.actor == "hope"
    # without the quote record, the speaker (subject of the same sentence) would win
    (he,) = at(resolve(text), "He")
    assert he.actor == "growers"


def test_pronoun_in_a_quote_is_not_the_speaker_mentioned_earlier():
    # the earlier "Tomas Brennaker" is the speaker's entity too, so it is ruled out
    text = 'Tomas Brennaker met Daniel Hope. Brennaker said: "He is a good worker."'
    q = quote(text, "He is a good worker.", "Brennaker", speaker_from=text.index("Brennaker said"))
    (he,) = at(resolve(text, quotes=[q]), "He")
    assert he.actor == "hope"


def test_pronoun_whose_only_antecedents_are_not_actors_yields_nothing():
    assert resolve("The army moved north. It shelled the town.") == []
    # an actor further back does not take "it" from the nearer army
    assert resolve("The Town Hall voted. The army moved north. It shelled the town.") == []


# ------------------------------------------------------------ first persons


def test_first_person_in_a_quote_is_its_speaker():
    text = '"I will not resign and we will fight for our farms," Brennaker said.'
    q = quote(text, "I will not resign and we will fight for our farms,", "Brennaker")
    found = resolve(text, quotes=[q])
    assert [(m.text, m.actor, m.method) for m in found] == [
        ("I", "growers", "speaker"), ("we", "growers", "speaker"), ("our", "growers", "speaker")
    ]
    for m in found:
        assert text[m.start : m.end] == m.text
        assert m.canonical == "Tomas Brennaker"
        assert "spoken by 'Brennaker'" in m.evidence
        assert 0.5 <= m.confidence <= q.confidence


def test_first_person_outside_a_quote_is_not_resolved():
    text = 'Brennaker said: "We will stay." I doubt it.'
    q = quote(text, "We will stay.", "Brennaker")
    found = resolve(text, quotes=[q])
    assert [(m.text, m.actor) for m in found] == [("We", "growers")]
    assert resolve("Brennaker spoke at noon. I was not there.") == []


def test_first_person_in_a_quote_without_speaker_is_not_resolved():
    text = 'Brennaker arrived. "We will stay."'
    start = text.index("We")
    q = Quote(article_id="t", quote_id=0, start=start, end=start + len("We will stay."), text="We will stay.",
              kind="direct", confidence=0.9)
    assert resolve(text, quotes=[q]) == []


def test_first_person_goes_to_the_actor_a_pronoun_speaker_resolved_to():
    text = 'Helena Marlow toured the valley. "I saw the flooded fields," she said.'
    q = quote(text, "I saw the flooded fields,", "she")
    found = resolve(text, quotes=[q])
    assert [(m.text, m.actor, m.method) for m in found] == [("I", "marlow", "speaker"), ("she", "marlow", "pronoun")]


# ------------------------------------------------------------ descriptions


@pytest.mark.parametrize(
    ("text", "registry", "description", "actor", "antecedent"),
    [
        pytest.param("The Green Valley Union met on Monday. The group demanded higher prices.", VALLEY,
                     "The group", "growers", "Green Valley Union", id="the-group"),
        pytest.param("The Northern Sea Pact met in Geneva. The alliance was split.", STRAIT,
                     "The alliance", "pact", "Northern Sea Pact", id="the-alliance"),
    ],
)
def test_definite_description_with_a_descriptor_resolves(text, registry, description, actor, antecedent):
    (m,) = at(resolve(text, registry), description)
    assert (m.actor, m.method) == (actor, "description")
    assert f"-> {antecedent!r}" in m.evidence
    assert "descriptor" in m.evidence
    assert 0.5 <= m.confidence <= 0.95


@pytest.mark.parametrize(
    ("text", "registry"),
    [
        ("The Green Valley Union met on Monday. A group demanded higher prices.", VALLEY),
        ("The Northern Sea Pact met in Geneva. An alliance was split.", STRAIT),
    ],
)
def test_indefinite_description_is_not_resolved(text, registry):
    assert resolve(text, registry) == []


# ------------------------------------------------------ another conflict


def test_another_conflict_needs_only_another_registry():
    text = "Kestria closed the strait. Its navy patrolled the coast. Ingrid Solvang protested. She called it theft."
    found = resolve(text, STRAIT)
    assert [(m.text, m.actor, m.method) for m in found if m.text in ("Its", "She")] == [
        ("Its", "kestria", "pronoun"), ("She", "fishers", "pronoun")
    ]
    assert all(0.5 <= m.confidence <= 0.95 for m in found)


@pytest.mark.parametrize(
    ("text", "description"),
    [
        pytest.param("Valley Gov. Helena Marlow signed the order. Later the Valley governor left.",
                     "the Valley governor", id="abbreviated title, a name as modifier"),
        pytest.param("Helena Marlow, the harbour speaker, signed. Later the harbour speaker left.",
                     "the harbour speaker", id="apposition"),
        pytest.param("Rep. Helena Marlow signed the order. Later the four-term congresswoman left.",
                     "the four-term congresswoman", id="another word for the title's holder"),
    ],
)
def test_a_description_resolves_to_the_person_the_article_titles_so(text, description):
    found = resolve(text)
    hits = [m for m in found if m.text == description]
    assert hits and hits[0].actor == "marlow" and hits[0].method == "description"


def test_a_title_given_once_holds_for_the_whole_article():
    # the title comes with the first mention; the description is far from it, near bare surnames
    text = ("Rep. Helena Marlow resigned on Friday. The roads were closed. Trucks waited. Rain fell. Nobody moved. "
            "The port was quiet. Marlow had settled a lawsuit. Critics accused Marlow of waste. "
            "Later the four-term congresswoman left.")
    hits = [m for m in resolve(text) if m.text == "the four-term congresswoman"]
    assert hits and hits[0].actor == "marlow"


def test_a_title_the_article_never_gives_resolves_to_nobody():
    found = resolve("Helena Marlow signed the order. Later the governor left.")
    assert not [m for m in found if m.text == "the governor"]


def test_another_office_with_the_same_title_is_not_its_holder():
    found = resolve("Valley Gov. Helena Marlow signed the order. Later the lieutenant governor left.")
    assert not [m for m in found if m.text == "the lieutenant governor"]


def test_a_pronoun_finds_an_antecedent_five_sentences_back():
    text = ("Helena Marlow spoke first. The roads were closed. Trucks waited. Rain fell. "
            "Nobody moved. She left at noon.")
    found = resolve(text)
    assert [(m.text, m.actor) for m in found if m.text == "She"] == [("She", "marlow")]


def test_a_speaker_pronoun_refers_to_someone_the_narrative_names_not_the_quotes():
    # "Daniel Hope" is named only inside Brennaker's quote: "he added" is Brennaker, however near Hope is
    text = ('Tomas Brennaker spoke at the harbour on Monday morning. The roads were closed. Trucks waited. '
            '"I think this is a big mistake on the part of Daniel Hope." '
            '"It was a long day," he added.')
    start = text.index("I think")
    first = Quote(article_id="t", quote_id=0, start=start, end=text.index('"', start), kind="direct",
                  text=text[start:text.index('"', start)], confidence=0.9)
    second = quote(text, "It was a long day,", "he", speaker_from=text.index("he added"))
    (he,) = at(resolve(text, quotes=[first, second]), "he")
    assert he.actor == "growers"


def test_a_new_sentence_continues_the_main_clause_subject_not_a_subordinate_one():
    # Hope is the subject of the clause Marlow's worry is about; "He" in the next sentence is not Hope
    # when the main clause's subject agrees, and Hope would win on recency alone
    text = "Daniel Hope is not worried that Tomas Brennaker will win. He said so on Monday."
    (he,) = at(resolve(text), "He")
    assert he.actor == "hope"
    # the same two men, the roles swapped: the pronoun follows the main clause
    text = "Tomas Brennaker is not worried that Daniel Hope will win. He said so on Monday."
    (he,) = at(resolve(text), "He")
    assert he.actor == "growers"


def test_within_its_own_sentence_a_subordinate_subject_keeps_its_weight():
    text = "Helena Marlow doubted that Tomas Brennaker would keep his word."
    (his,) = at(resolve(text), "his")
    assert his.actor == "growers"


@pytest.mark.parametrize(
    ("text", "speaker", "actor"),
    [
        pytest.param('Helena Marlow won the vote. "We will build the road," the presumptive nominee said.',
                     "the presumptive nominee", "marlow", id="office of the person in the news"),
        pytest.param('Daniel Hope spoke at the harbour. "The road comes first," the Valley candidate said.',
                     "the Valley candidate", "hope", id="a place before the office"),
        pytest.param('Helena Marlow won the vote. "We will build the road," the Green Valley Union nominee said.',
                     "the Green Valley Union nominee", "marlow", id="the side a candidate runs for"),
    ],
)
def test_a_speaking_description_of_an_office_is_the_person_in_the_news(text, speaker, actor):
    found = resolve(text, quotes=[quote(text, text[text.index('"') + 1:text.rindex('"')], speaker)])
    hits = at(found, speaker)
    assert [(m.actor, m.method) for m in hits] == [(actor, "description")]
    assert "speaker described by the role" in hits[0].evidence


@pytest.mark.parametrize(
    "speaker",
    [
        pytest.param("the former nominee", id="another office"),
        pytest.param("the spokesman", id="a staff role brings in someone new"),
        pytest.param("the nominee, Ada Quill", id="a name in the phrase"),
        pytest.param("the Green Valley Union leader", id="a group's leader speaks for the group"),
    ],
)
def test_other_speaking_descriptions_are_not_resolved(speaker):
    text = f'Helena Marlow won the vote. "We will build the road," {speaker} said.'
    found = resolve(text, quotes=[quote(text, "We will build the road,", speaker)])
    assert not [m for m in found if m.actor == "marlow" and m.method == "description"]


def test_a_hyphenated_role_speaking_several_quotes_is_one_mention():
    # the tokenizer splits "front-runner"; the phrase speaks two quotes but is one mention of the person
    text = ('Helena Marlow won the vote. The Green Valley Union front-runner said "We will build the road" '
            'and "We will pay for it".')
    speaker = "The Green Valley Union front-runner"
    quotes = [quote(text, "We will build the road", speaker),
              replace(quote(text, "We will pay for it", speaker), quote_id=1)]
    hits = at(resolve(text, quotes=quotes), speaker)
    assert [(m.actor, m.method) for m in hits] == [("marlow", "description")]
    assert "role front-runner" in hits[0].evidence


def test_a_description_that_does_not_speak_is_not_resolved_as_a_speaker():
    found = resolve("Helena Marlow won the vote. Later the presumptive nominee left.")
    assert not at(found, "the presumptive nominee")


@pytest.mark.parametrize(
    ("text", "content", "speaker", "actor"),
    [
        pytest.param('Helena Marlow met Daniel Hope. "Daniel, if you close the road, your farms will suffer," '
                     'she said.', "Daniel, if you close the road, your farms will suffer,", "she", "hope",
                     id="called by name"),
        pytest.param('Helena Marlow told Daniel Hope, "You will regret it."', "You will regret it.", "Helena Marlow",
                     "hope", id="told X"),
        pytest.param('Helena Marlow wrote to the Northbridge City Council: "You have failed us."',
                     "You have failed us.", "Helena Marlow", "council", id="wrote to X"),
    ],
)
def test_the_second_person_in_a_quote_is_whom_it_is_addressed_to(text, content, speaker, actor):
    found = resolve(text, quotes=[quote(text, content, speaker, speaker_from=text.index(content) + len(content)
                                        if speaker == "she" else 0)])
    you = [m for m in found if m.text.lower() in ("you", "your")]
    assert you and {m.actor for m in you} == {actor}
    assert all("second person inside quote" in m.evidence for m in you)


@pytest.mark.parametrize(
    ("text", "content"),
    [
        pytest.param('Helena Marlow spoke to reporters. "If you grow apples, you need water," she said.',
                     "If you grow apples, you need water,", id="a generic you"),
        pytest.param('Helena Marlow said: "Your favourite farmer, Daniel Hope, has left."',
                     "Your favourite farmer, Daniel Hope, has left.", id="a name in apposition is not called"),
    ],
)
def test_a_quote_addressed_to_no_one_named_leaves_the_second_person_open(text, content):
    speaker = "she" if "she said" in text else "Helena Marlow"
    start = text.index(content) + len(content) if speaker == "she" else 0
    found = resolve(text, quotes=[quote(text, content, speaker, speaker_from=start)])
    assert not [m for m in found if m.text.lower() in ("you", "your")]


def test_a_long_block_quote_does_not_push_the_antecedent_out_of_reach():
    # six quoted sentences between a name and "She": the quote is one turn of the story, not six sentences
    words = "We build. We mend. We wait. We vote. We win. We stay."
    text = f'Helena Marlow wrote on Monday:\n\n"{words}"\n\nShe left the hall on Tuesday.'
    block = Quote(article_id="t", quote_id=0, start=text.index(words), end=text.index(words) + len(words),
                  text=words, kind="direct", speaker_text="Helena Marlow", speaker_start=0, speaker_end=13,
                  confidence=0.9)
    (she,) = at(resolve(text, quotes=[block]), "She")
    assert she.actor == "marlow"


def test_a_possessive_in_a_relative_clause_is_the_clauses_subject():
    # "who" is Brennaker; "his" in the clause it is the subject of is Brennaker, not the main subject Hope
    text = "Daniel Hope spoke on Monday. He called Tomas Brennaker a false friend who was misleading his crew."
    (his,) = at(resolve(text), "his")
    assert his.actor == "growers" and "who (Tomas Brennaker)" in his.evidence
