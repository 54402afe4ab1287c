"""Tests for analysis.quotes: direct quotations, their cues and speakers.

Texts are short sentences about invented people, written for the tests.
"""

from __future__ import annotations

import pytest

from analysis.actors import parse_actors
from analysis.coref import resolve_references
from analysis.mentions import find_mentions
from analysis.nlp import parse
from analysis.pipeline import analyze_doc
from analysis.quotes import attach_speakers, extract_quotes, load_reporting_verbs, quote_spans
from analysis.types import Article

VALLEY = parse_actors(
    """
actors:
  marlow: {kind: person, pronoun: she, names: [Helena Marlow]}
  growers:
    kind: group
    pronoun: they
    names: [Green Valley Union]
    members: [{name: Tomas Brennaker, pronoun: he}]
  council: {kind: organisation, pronoun: it, names: [Northbridge City Council], metonyms: [the Town Hall]}
""",
    source="valley.yaml",
)

# An invented maritime dispute: another study, no code change.
STRAIT = parse_actors(
    """
actors:
  fishers:
    kind: group
    pronoun: they
    names: [Coastal Fishers League]
    members: [{name: Ingrid Solvang, pronoun: she}]
""",
    source="strait.yaml",
)


def quotes_in(text, registry=VALLEY, **kwargs):
    doc = parse(text, cache_dir=False)
    return extract_quotes(doc, find_mentions(doc, registry, "t"), "t", **kwargs)


def check_offsets(text, quotes):
    for q in quotes:
        assert 0 <= q.start <= q.end <= len(text)
        assert text[q.start : q.end] == q.text
        if q.speaker_start >= 0:
            assert text[q.speaker_start : q.speaker_end] == q.speaker_text


# ------------------------------------------------------------ speakers


@pytest.mark.parametrize(
    ("text", "content", "cue", "speaker_text", "actor"),
    [
        pytest.param('"The harvest is ruined," Marlow said.', "The harvest is ruined,", "said", "Marlow",
                     "marlow", id="straight-said-after"),
        pytest.param("“The harvest is ruined,” Marlow said.", "The harvest is ruined,", "said", "Marlow",
                     "marlow", id="curly-said-after"),
        pytest.param('Marlow said: "The harvest is ruined by the rain."', "The harvest is ruined by the rain.",
                     "said", "Marlow", "marlow", id="straight-said-before"),
        pytest.param("Marlow said: “The harvest is ruined by the rain.”", "The harvest is ruined by the rain.",
                     "said", "Marlow", "marlow", id="curly-said-before"),
        pytest.param('"We lost the whole crop," Tomas Brennaker told reporters.', "We lost the whole crop,",
                     "told", "Tomas Brennaker", "growers", id="told-full-name"),
        pytest.param('Brennaker addressed the crowd, saying, "We will not give up our land."',
                     "We will not give up our land.", "saying", "Brennaker", "growers", id="participle-cue"),
        pytest.param('"Never," Marlow said.', "Never,", "said", "Marlow", "marlow", id="one-word-with-cue"),
    ],
)
def test_speaker_is_the_subject_of_the_reporting_verb(text, content, cue, speaker_text, actor):
    (q,) = quotes_in(text)
    check_offsets(text, [q])
    assert (q.text, q.kind, q.cue, q.speaker_text, q.speaker_actor) == (content, "direct", cue, speaker_text, actor)
    assert q.evidence == f"subject of the reporting verb {cue!r}"
    assert q.confidence == 0.9
    assert (q.article_id, q.sentence_id) == ("t", 0)


@pytest.mark.parametrize(
    ("text", "content", "speaker_text", "actor"),
    [
        ('"The road will stay closed for weeks," according to the Town Hall.',
         "The road will stay closed for weeks,", "Town Hall", "council"),
        ('According to Marlow, "the harvest is ruined beyond repair."',
         "the harvest is ruined beyond repair.", "Marlow", "marlow"),
    ],
)
def test_according_to_attributes_the_quote(text, content, speaker_text, actor):
    (q,) = quotes_in(text)
    check_offsets(text, [q])
    assert (q.text, q.speaker_text, q.speaker_actor) == (content, speaker_text, actor)
    assert q.cue.lower() == "according"


def test_split_quote_gives_two_quotes_with_the_same_speaker():
    text = 'Helena Marlow toured the valley. "The harvest is ruined," she said, "and the roads are closed."'
    first, second = quotes_in(text)
    check_offsets(text, [first, second])
    assert (first.text, second.text) == ("The harvest is ruined,", "and the roads are closed.")
    assert first.speaker_start == second.speaker_start == text.index("she")
    assert first.speaker_text == second.speaker_text == "she"
    assert first.cue == second.cue == "said"
    assert (first.quote_id, second.quote_id) == (0, 1)


def test_quote_continued_into_the_next_paragraph_is_one_quote():
    text = 'Marlow said: "The harvest is ruined and the roads are closed.\n"Nobody from the city has come to help us."'
    assert quote_spans(text) == [(text.index("The harvest"), len(text) - 1, True)]
    (q,) = quotes_in(text)
    check_offsets(text, [q])
    assert q.text.startswith("The harvest") and q.text.endswith("help us.")
    assert (q.speaker_text, q.speaker_actor, q.confidence) == ("Marlow", "marlow", 0.9)
    assert "missing" not in q.evidence


def test_paragraph_closed_with_a_mark_starts_a_new_quote():
    text = 'Marlow said: "The harvest is ruined and the roads are closed."\n"Nobody from the city has come to help us."'
    assert len(quote_spans(text)) == 2
    assert len(quotes_in(text)) == 2


def test_quote_without_a_cue_continues_the_previous_speaker_with_lower_confidence():
    text = '"We lost the whole crop this year," Brennaker said. "Nobody came to help us."'
    first, second = quotes_in(text)
    check_offsets(text, [first, second])
    assert second.text == "Nobody came to help us."
    assert (second.speaker_start, second.speaker_text, second.speaker_actor) == (
        first.speaker_start, "Brennaker", "growers"
    )
    assert second.cue == ""
    assert second.confidence < first.confidence
    assert "no cue of its own; continues quote 0" in second.evidence


def test_a_distant_quote_without_a_cue_does_not_inherit_a_speaker():
    text = '"We lost the crop," Brennaker said. The rain stopped. The river fell. "Nobody came to help us at all."'
    first, second = quotes_in(text)
    assert first.speaker_text == "Brennaker"
    assert (second.speaker_start, second.speaker_text, second.evidence) == (-1, "", "no speaker found")


# ------------------------------------------------------------ odd input


def test_unbalanced_mark_ends_the_quote_at_the_paragraph_end():
    unbalanced = 'Marlow said: "The harvest is ruined and nobody will help.\nThe council met on Tuesday.'
    balanced = unbalanced.replace("help.\n", 'help."\n')
    (q,) = quotes_in(unbalanced)
    (b,) = quotes_in(balanced)
    check_offsets(unbalanced, [q])
    assert q.end == unbalanced.index("\n")
    assert q.text == "The harvest is ruined and nobody will help."
    assert q.speaker_actor == "marlow"
    assert q.confidence < b.confidence
    assert "closing quotation mark missing" in q.evidence
    assert "missing" not in b.evidence


def test_unbalanced_mark_at_the_end_of_the_text():
    text = 'Marlow said: "The harvest is ruined and nobody will help'
    (q,) = quotes_in(text)
    assert q.end == len(text)
    assert "closing quotation mark missing" in q.evidence


@pytest.mark.parametrize(
    "text", ['"The harvest is ruined beyond any repair."', 'The river rose. "The harvest is ruined beyond repair."']
)
def test_quote_with_no_speaker(text):
    (q,) = quotes_in(text)
    check_offsets(text, [q])
    assert (q.speaker_start, q.speaker_end, q.speaker_text, q.speaker_actor) == (-1, -1, "", "")
    assert q.evidence == "no speaker found"


@pytest.mark.parametrize(
    "text",
    [
        "Marlow said: \"He told me 'the fields are gone' and then he left.\"",
        "Marlow said: “He told me ‘the fields are gone’ and then he left.”",
    ],
)
def test_nested_quote_stays_inside_the_outer_quote(text):
    (q,) = quotes_in(text)
    check_offsets(text, [q])
    assert q.text.startswith("He told me") and q.text.endswith("then he left.")
    assert q.speaker_actor == "marlow"


ODD_TEXTS = [
    "",
    "   ",
    '""',
    '"',
    "”",
    "“”„“",
    '" " " "',
    "«»",
    '"\n"\n"',
    'He wrote "" on the wall.',
    "He said “”.",
    'He said "',
    "Marlow said: “He told me “the fields are gone” and then he left.”",  # same marks nested
    '"The harvest," "is," "ruined," Marlow said.',
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_input_never_crashes(text):
    doc = parse(text, cache_dir=False)
    quotes = quotes_in(text)
    check_offsets(text, quotes)
    assert all(q.text.strip() for q in quotes)  # empty quotes are not returned
    result = analyze_doc(doc, Article(id="odd", text=text), VALLEY)
    check_offsets(text, result.quotes)


@pytest.mark.parametrize("text", ['""', '"', "“”„“", '" " " "', "«»", 'He wrote "" on the wall.'])
def test_empty_quotes_and_bare_marks_give_no_quotes(text):
    assert quotes_in(text) == []


@pytest.mark.parametrize(
    "text",
    [
        'The growers call it a "fair deal" for everyone.',
        "Officials called the plan a “disaster” on Monday.",
        "The press dubbed her “the Iron Lady” last year.",  # three words, but no verb: a nickname
        "The growers call the levy “a tax on bread” in their leaflets.",
    ],
)
def test_scare_quotes_are_not_speech(text):
    assert quotes_in(text) == []


# ------------------------------------------------------------ attach_speakers


def test_attach_speakers_gives_a_pronoun_speaker_its_actor():
    text = 'Helena Marlow toured the valley. "The harvest is ruined," she said, "and the roads are closed."'
    doc = parse(text, cache_dir=False)
    named = find_mentions(doc, VALLEY, "t")
    quotes = extract_quotes(doc, named, "t")
    assert [q.speaker_actor for q in quotes] == ["", ""]  # "she" is no named mention
    resolved = resolve_references(doc, named, VALLEY, quotes, "t")
    attached = attach_speakers(quotes, named + resolved)
    assert [(q.speaker, q.speaker_actor) for q in attached] == [("Helena Marlow", "marlow")] * 2
    assert [q.text for q in attached] == [q.text for q in quotes]


def test_attach_speakers_keeps_the_text_of_a_speaker_that_is_no_actor():
    text = '"We will stay," a farmer said.'
    doc = parse(text, cache_dir=False)
    (q,) = attach_speakers(extract_quotes(doc, (), "t"), [])
    assert (q.speaker_text, q.speaker, q.speaker_actor) == ("farmer", "farmer", "")


def test_another_conflict_needs_only_another_registry():
    text = 'Ingrid Solvang told reporters: "We cannot feed our families."'
    (q,) = quotes_in(text, STRAIT)
    assert (q.speaker_text, q.speaker, q.speaker_actor) == ("Ingrid Solvang", "Ingrid Solvang", "fishers")


# ------------------------------------------------------------ reporting verbs


def test_researchers_own_reporting_verbs_make_a_new_cue_work(tmp_path):
    path = tmp_path / "verbs.txt"
    path.write_text("# verbs of complaint, for a study of grievances\n\ngrumble\n  Mutter  \n", encoding="utf-8")
    verbs = load_reporting_verbs(path)
    assert verbs == frozenset({"grumble", "mutter"})

    text = 'Marlow grumbled: "The harvest is ruined beyond repair."'
    (default,) = quotes_in(text)
    assert default.speaker_start == -1  # "grumble" is not in the shipped list
    (own,) = quotes_in(text, reporting_verbs=verbs)
    assert (own.cue, own.speaker_text, own.speaker_actor) == ("grumbled", "Marlow", "marlow")
