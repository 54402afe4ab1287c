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
    assert q.evidence == f"speaker is the subject of the reporting verb {cue!r}"
    assert q.confidence == 0.9
    assert (q.article_id, q.sentence_id) == ("t", 0)


@pytest.mark.parametrize(
    ("text", "content", "speaker_text", "actor"),
    [
        ('"The road will stay closed for weeks," according to the Town Hall.',
         "The road will stay closed for weeks,", "the Town Hall", "council"),
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
    assert "no cue of its own; continues the quote before it" in second.evidence


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
        "The so-called “reform” passed on Monday.",
        "Her “plan” for the valley fell apart.",
        "The “Iron Lady” of the valley retired last year.",  # three words, but no verb: a nickname
        "Nobody read the “tax on bread” leaflets.",
    ],
)
def test_scare_quotes_are_not_speech(text):
    assert quotes_in(text) == []


@pytest.mark.parametrize(
    ("text", "content", "cue", "speaker_text"),
    [
        ('The growers call it a "fair deal" for everyone.', "fair deal", "call", "The growers"),
        ("Officials called the plan a “disaster” on Monday.", "disaster", "called", "Officials"),
        ("The press dubbed her “the Iron Lady” last year.", "the Iron Lady", "dubbed", "The press"),
    ],
)
def test_a_quoted_label_after_a_naming_verb_is_the_namers_words(text, content, cue, speaker_text):
    (q,) = quotes_in(text)
    assert (q.kind, q.text, q.cue, q.speaker_text) == ("direct", content, cue, speaker_text)


@pytest.mark.parametrize(
    ("text", "speaker_text", "actor"),
    [
        ("From Helena Marlow: “The harvest is ruined beyond repair.”", "Helena Marlow", "marlow"),
        ("Marlow: “The harvest is ruined beyond repair.”", "Marlow", "marlow"),
        ("“The harvest is ruined beyond repair.” — Helena Marlow, mayor", "Helena Marlow", "marlow"),
        ("“The harvest is ruined beyond repair.” – Brennaker", "Brennaker", "growers"),
    ],
)
def test_colon_and_dash_attributed_quotes(text, speaker_text, actor):
    (q,) = quotes_in(text)
    check_offsets(text, [q])
    assert (q.text, q.speaker_text, q.speaker_actor) == ("The harvest is ruined beyond repair.", speaker_text, actor)
    assert "label" in q.evidence


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
    assert (q.speaker_text, q.speaker, q.speaker_actor) == ("a farmer", "a farmer", "")


def _attached(text, registry=VALLEY):
    doc = parse(text, cache_dir=False)
    named = find_mentions(doc, registry, "t")
    quotes = extract_quotes(doc, named, "t")
    return attach_speakers(quotes, named + resolve_references(doc, named, registry, quotes, "t"))


@pytest.mark.parametrize(
    ("text", "speaker", "actor", "kind"),
    [
        pytest.param('Valley Press Secretary Helena Marlow said, "The roads are closed."', "Helena Marlow", "marlow",
                     "named", id="title before the name gives the person"),
        pytest.param('"The roads are closed," the Northbridge governor said.', "the Northbridge governor", "",
                     "unnamed", id="a place in a description never speaks"),
        pytest.param('"The roads are closed," officials said.', "officials", "", "unnamed", id="generic source"),
        pytest.param('"The roads are closed," a spokesman told reporters.', "a spokesman", "", "unnamed",
                     id="unnamed spokesman"),
        pytest.param('"The roads are closed," he said.', "he", "", "unresolved", id="pronoun with no antecedent"),
        pytest.param('The roads are closed, "and nobody will come."', "", "", "none", id="no speaker"),
    ],
)
def test_speaker_kinds(text, speaker, actor, kind):
    (q,) = _attached(text)
    assert (q.speaker, q.speaker_actor, q.speaker_kind) == (speaker, actor, kind)


def test_shares_keep_unnamed_sources_apart_from_no_speaker_found():
    import pandas as pd

    from analysis.summaries import UNNAMED_SOURCE, speaker_shares

    quotes = pd.DataFrame({"article_id": ["a"] * 3, "speaker_actor": ["marlow", "", ""], "kind": ["direct"] * 3,
                           "speaker_kind": ["named", "unnamed", "none"], "text": ["a b", "c d e", "f"]})
    shares = speaker_shares(quotes).set_index("speaker_actor").words.to_dict()
    assert shares == {"marlow": 2, UNNAMED_SOURCE: 3, "unknown": 1}


def test_another_conflict_needs_only_another_registry():
    text = 'Ingrid Solvang told reporters: "We cannot feed our families."'
    (q,) = quotes_in(text, STRAIT)
    assert (q.speaker_text, q.speaker, q.speaker_actor) == ("Ingrid Solvang", "Ingrid Solvang", "fishers")


# ------------------------------------------------------------ reporting verbs


def test_researchers_own_reporting_verbs_make_a_new_cue_work(tmp_path):
    path = tmp_path / "verbs.txt"
    path.write_text("# verbs of complaint, for a study of grievances\n\ngrumble\n  Mutter  \n", encoding="utf-8")
    verbs = load_reporting_verbs(path)
    assert set(verbs) == {"grumble", "mutter"} and verbs["mutter"] == {"clause"}

    # a verb that reports a clause needs the list (a colon or a bare clause after a quote does not)
    text = 'Marlow grumbled that "the harvest is ruined beyond repair."'
    (default,) = quotes_in(text)
    assert default.speaker_start == -1  # "grumble" is not in the shipped list
    (own,) = quotes_in(text, reporting_verbs=verbs)
    assert (own.cue, own.speaker_text, own.speaker_actor) == ("grumbled", "Marlow", "marlow")
    assert quotes_in("Marlow grumbled that the harvest is ruined beyond repair.") == []
    (indirect,) = quotes_in("Marlow grumbled that the harvest is ruined beyond repair.", reporting_verbs=verbs)
    assert (indirect.kind, indirect.speaker_actor) == ("indirect", "marlow")


def test_reporting_verbs_file_with_structures(tmp_path):
    path = tmp_path / "verbs.txt"
    path.write_text("vow infinitive  # 'X vowed to ...'\nannounce clause object\n", encoding="utf-8")
    verbs = load_reporting_verbs(path)
    assert verbs.reports("vow", "xcomp") and not verbs.reports("vow", "ccomp")
    assert verbs.reports("announce", "dobj") and verbs.reports("announce", "ccomp")
    (q,) = quotes_in("Marlow vowed to rebuild the bridge.", reporting_verbs=verbs)
    assert (q.kind, q.text, q.speaker_actor) == ("indirect", "to rebuild the bridge", "marlow")


def test_reporting_verbs_file_with_a_bad_structure_names_the_line(tmp_path):
    path = tmp_path / "verbs.txt"
    path.write_text("say\nvow infinitve\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"verbs.txt, line 2: unknown structure 'infinitve'; valid: clause"):
        load_reporting_verbs(path)


# ------------------------------------------------------------ indirect speech


@pytest.mark.parametrize(
    ("text", "content", "cue", "speaker_text", "actor"),
    [
        pytest.param("Marlow said that the bridge would reopen in May.", "that the bridge would reopen in May",
                     "said", "Marlow", "marlow", id="said-that"),
        pytest.param("Marlow said the bridge would reopen in May.", "the bridge would reopen in May",
                     "said", "Marlow", "marlow", id="said-bare-clause"),
        pytest.param("Tomas Brennaker told the council the farmers were losing money.",
                     "the farmers were losing money", "told", "Tomas Brennaker", "growers", id="told-someone"),
        pytest.param("The bridge will reopen in May, Marlow said.", "The bridge will reopen in May",
                     "said", "Marlow", "marlow", id="clause-then-said"),
        pytest.param("The harvest, the growers say, cannot wait another week.", "cannot wait another week",
                     "say", "the growers", "", id="parenthetical-say"),
        pytest.param("According to the Town Hall, the bridge will reopen in May.", "the bridge will reopen in May",
                     "According", "the Town Hall", "council", id="according-to-before"),
        pytest.param("Marlow charged that the council had hidden the costs.", "that the council had hidden the costs",
                     "charged", "Marlow", "marlow", id="charged-that"),
    ],
)
def test_indirect_speech(text, content, cue, speaker_text, actor):
    found = quotes_in(text)
    check_offsets(text, found)
    (q,) = [q for q in found if q.kind == "indirect"]
    assert (q.text, q.cue, q.speaker_text, q.speaker_actor) == (content, cue, speaker_text, actor)
    assert 0 < q.confidence < 0.9  # reported speech is less certain than a direct quote
    assert q.evidence


def test_a_direct_quote_is_not_also_reported_as_indirect():
    found = quotes_in('"The bridge will reopen in May," Marlow said.')
    assert [q.kind for q in found] == ["direct"]


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        pytest.param('Marlow charged that the council had "hidden the costs of the bridge from every farmer."',
                     "that the council had", id="charged-that"),
        pytest.param("Marlow said the council “keeps hiding the costs of the bridge from the growers.”",
                     "the council", id="said-bare-clause"),
    ],
)
def test_reported_words_that_lead_into_a_quoted_fragment_are_the_speakers(text, lead):
    """"X charged that Y had “...”": the quoted fragment is a direct quote, and
    the reporter's words that lead into it are X's claim too (an indirect
    quote of its own, not the author's voice)."""
    found = quotes_in(text)
    check_offsets(text, found)
    assert sorted(q.kind for q in found) == ["direct", "indirect"]
    (q,) = [q for q in found if q.kind == "indirect"]
    assert (q.text, q.speaker_text, q.speaker_actor) == (lead, "Marlow", "marlow")
    assert "before the quoted part" in q.evidence


def test_an_actor_in_the_lead_is_judged_in_the_speakers_voice():
    text = 'Helena Marlow charged that the Town Hall had "hidden the costs of the bridge from every farmer."'
    result = analyze_doc(parse(text, cache_dir=False), Article(id="t", text=text, title="t"), VALLEY,
                         sentiment_backend="lexicon")
    (council,) = [j for j in result.sentiment if j.actor == "council"]
    assert council.voice == "Helena Marlow" and council.quote_id >= 0


def test_a_lead_of_one_word_is_no_quote_of_its_own():
    found = quotes_in('Marlow said that "the council has hidden the costs of the bridge."')
    assert [q.kind for q in found] == ["direct"]


def test_indirect_speech_without_a_subject_is_marked_unattributed():
    (q,) = quotes_in("It was reported that the bridge would reopen in May.")
    assert q.kind == "indirect" and q.speaker_start == -1 and "no speaker found" in q.evidence


def test_reporting_verb_inside_a_quote_is_not_a_second_report():
    found = quotes_in('"My neighbours said the river was rising," Marlow told reporters.')
    assert [q.kind for q in found] == ["direct"]


def test_quotes_are_numbered_in_text_order():
    text = 'Marlow said the bridge would reopen. "It will," Brennaker added.'
    found = quotes_in(text)
    assert [q.quote_id for q in found] == [0, 1]
    assert [q.kind for q in found] == ["indirect", "direct"]


def test_pronoun_in_reported_speech_may_be_the_speaker():
    """In "she said she would resign" the second "she" is the speaker herself."""
    text = "Helena Marlow met the growers. She said she would resign."
    doc = parse(text, cache_dir=False)
    named = find_mentions(doc, VALLEY, "t")
    quotes = extract_quotes(doc, named, "t")
    resolved = resolve_references(doc, named, VALLEY, quotes, "t")
    assert [(m.text, m.actor) for m in resolved if m.text.lower() == "she"] == [("She", "marlow"), ("she", "marlow")]


def test_seed_article_quotes(seed_result):
    """Issue 4's bar on the worked example: every direct quote with the right speaker
    actor, and the indirect reports the issue lists."""
    q = seed_result.quotes
    direct = q[q.kind == "direct"]
    assert len(direct) == 10
    by_start = {row.text[:25]: row.speaker_actor for row in direct.itertuples()}
    assert by_start["We did not start this war"] == "lukashenko"
    assert by_start["We never had any doubts t"] == "putin"
    assert by_start["All these Belarusian figh"] == "exiles"
    assert direct.speaker_actor.value_counts().to_dict() == {"exiles": 8, "lukashenko": 1, "putin": 1}
    indirect = q[q.kind == "indirect"]
    reports = {row.text: row.speaker_actor for row in indirect.itertuples()}
    assert reports.get("he must first be defeated in Ukraine") == "exiles"
    assert reports.get("four had been killed since the war began") == "exiles"
    belarus_resistance = "volunteer fighters are part of broader efforts to destabilize the Lukashenko regime"
    assert reports.get(belarus_resistance) == "exiles"


def test_passive_report_takes_the_agent_not_the_hearer():
    found = quotes_in("Marlow was told by Brennaker that the bridge would reopen.")
    (q,) = [q for q in found if q.kind == "indirect"]
    assert (q.speaker_text, q.speaker_actor) == ("Brennaker", "growers")


@pytest.mark.parametrize(
    ("text", "content", "speaker_text"),
    [
        pytest.param('“We cannot pay for such a wall!” Helena Marlow told reporters. “And it will be useless.”',
                     "And it will be useless.", "Helena Marlow", id="continues after the attribution sentence"),
        pytest.param('Helena Marlow wrote a letter to the council, saying they should “show a little courage.”',
                     "show a little courage.", "Helena Marlow", id="participle on the object of a verb"),
        pytest.param('Helena Marlow chided the council, accusing it of having “wasted another week.”',
                     "wasted another week.", "Helena Marlow", id="a quote inside an accusation"),
    ],
)
def test_more_ways_news_attributes_a_quote(text, content, speaker_text):
    quotes = quotes_in(text)
    match = [q for q in quotes if q.text == content]
    assert match and match[0].speaker_text == speaker_text, [(q.text, q.speaker_text) for q in quotes]


def test_a_quote_after_a_colon_takes_the_verb_before_it():
    text = "When the crowd was quiet, Helena Marlow asked: “What made us wait so long for the harvest?”"
    (q,) = quotes_in(text)
    assert (q.cue, q.speaker_text) == ("asked", "Helena Marlow")


def _attached_with_doc(text, registry=VALLEY):
    doc = parse(text, cache_dir=False)
    named = find_mentions(doc, registry, "t")
    quotes = extract_quotes(doc, named, "t")
    return attach_speakers(quotes, named + resolve_references(doc, named, registry, quotes, "t"), doc)


@pytest.mark.parametrize(
    ("text", "speaker", "actor"),
    [
        pytest.param('Green Valley Union spokesman John Miller said, "The roads are closed."', "John Miller", "growers",
                     id="role for a registry actor in the phrase"),
        pytest.param('John Miller, a spokesman for the Green Valley Union, said, "The roads are closed."',
                     "John Miller", "growers", id="role for a registry actor in an apposition"),
        pytest.param('John Miller, a friend of Helena Marlow, said, "The roads are closed."', "John Miller", "other",
                     id="no role: the person speaks for no one"),
        pytest.param('John Miller, who once worked with Helena Marlow, said, "The roads are closed."', "John Miller",
                     "other", id="a relative clause names no role"),
    ],
)
def test_a_person_outside_the_registry_speaks_for_whom_they_hold_a_role(text, speaker, actor):
    (q,) = _attached_with_doc(text)
    assert (q.speaker, q.speaker_actor, q.speaker_kind) == (speaker, actor, "named")
    assert ("speaks for" in q.evidence) == (actor != "other")


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        pytest.param('The Green Valley Union released an ad on Monday. "The roads are closed," the ad says.', "growers",
                     id="the subject of the verb that put the text out"),
        pytest.param('Helena Marlow spoke in a statement. "The roads are closed," the statement continued.', "marlow",
                     id="X spoke in a statement"),
        pytest.param('A letter was sent by the Green Valley Union. "The roads are closed," the letter says.', "growers",
                     id="passive agent"),
        pytest.param('"The roads are closed," the Green Valley Union letter says.', "growers",
                     id="author in the phrase"),
    ],
)
def test_a_text_that_speaks_speaks_for_its_author(text, actor):
    (q,) = _attached_with_doc(text)
    assert (q.speaker_actor, q.speaker_kind) == (actor, "named")


def test_a_text_without_a_named_author_stays_an_unnamed_source():
    (q,) = _attached_with_doc('A report came out on Monday. "The roads are closed," the letter says.')
    assert (q.speaker, q.speaker_actor, q.speaker_kind) == ("the letter", "", "unnamed")


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        pytest.param('"The roads are closed," Helena Marlow\'s spokesman said.', "marlow", id="a spokesman speaks for"),
        pytest.param('"The roads are closed," Helena Marlow\'s opponent said.', "", id="an opponent does not"),
        pytest.param('"The roads are closed," her successor said.', "", id="nor a successor"),
        pytest.param('"The roads are closed," Marlow supporters said.', "", id="nor her supporters"),
        pytest.param('"The roads are closed," Ms. Marlow\'s adoring fans said.', "", id="nor her fans"),
        pytest.param('"The roads are closed," two pro-Marlow activists said.', "", id="nor a pro-X modifier"),
        pytest.param('"The roads are closed," anti-Marlow protesters said.', "", id="nor an anti-X modifier"),
    ],
)
def test_a_modifier_of_the_speaker_speaks_only_through_those_who_act_for_it(text, actor):
    (q,) = _attached_with_doc('Helena Marlow toured the valley. ' + text)
    assert q.speaker_actor == actor


def test_a_pronoun_speaker_speaks_for_whom_the_person_it_refers_to_holds_a_role():
    text = 'John Miller, a spokesman for the Green Valley Union, toured the farms. "The roads are closed," he said.'
    (q,) = _attached_with_doc(text)
    assert (q.speaker, q.speaker_actor, q.speaker_kind) == ("John Miller", "growers", "named")
    assert "of 'John Miller' ('he' here)" in q.evidence


def test_a_surname_speaker_speaks_for_whom_the_full_name_holds_a_role():
    text = 'John Miller, a spokesman for the Green Valley Union, toured the farms. "The roads are closed," Miller said.'
    (q,) = _attached_with_doc(text)
    assert (q.speaker_actor, q.speaker_kind) == ("growers", "named")


def test_a_pronoun_speaker_outside_the_registry_stays_unresolved_with_a_note():
    (q,) = _attached_with_doc('John Miller toured the farms. "The roads are closed," he said.')
    assert (q.speaker, q.speaker_actor, q.speaker_kind) == ("he", "", "unresolved")
    assert "most likely refers to 'John Miller'" in q.evidence


def test_a_person_named_after_their_role_speaks_for_whom_they_hold_it():
    text = 'The reply came from the Green Valley Union\'s lawyer, John Miller. "The roads are closed," Miller said.'
    (q,) = _attached_with_doc(text)
    assert (q.speaker_actor, q.speaker_kind) == ("growers", "named")


# ------------------------------------------------------------ real-news typography and syntax


def test_a_curly_quote_closed_by_a_straight_mark_is_one_quote():
    text = 'Helena Marlow spoke on Monday. “We will not sell the harbour to anyone," Marlow said.'
    (q,) = quotes_in(text)
    assert q.text == "We will not sell the harbour to anyone," and q.speaker_text == "Marlow"
    assert "closing quotation mark missing" not in q.evidence


def test_a_statement_quoted_with_its_own_line_break_keeps_its_speaker():
    text = ('"The harbour was sold without a vote.\nWe will take the council to court," '
            'Helena Marlow wrote.\n"Shameful! The vote was a sham."')
    found = quotes_in(text)
    assert [q.text for q in found] == ["The harbour was sold without a vote.\nWe will take the council to court,",
                                       "Shameful! The vote was a sham."]
    assert {q.speaker_text for q in found} == {"Helena Marlow"}


def test_a_speaker_quick_to_reply_before_a_colon_is_the_speaker():
    text = 'Helena Marlow was quick to retort: "That is simply not true, and the council knows it."'
    (q,) = quotes_in(text)
    assert q.speaker_text == "Helena Marlow"


def test_a_word_of_the_quote_is_never_its_speaker():
    text = ('"Throughout his career, the mayor has left a record of debts and thousands of angry contractors '
            'who feel cheated," Helena Marlow said.')
    (q,) = quotes_in(text)
    assert q.speaker_text == "Helena Marlow"


def test_an_unclosed_quote_does_not_swallow_a_paragraph_that_opens_its_own():
    text = ('"Throw out the threat of a strike and you might win.\n\n'
            'Helena Marlow added that "the harbour will stay open for everyone."')
    assert [text[s.start:s.end] for s in quote_spans(text)] == [
        "Throw out the threat of a strike and you might win.", "the harbour will stay open for everyone."]


def test_he_added_goes_on_from_the_quote_before():
    def speakers(text):
        result = analyze_doc(parse(text, cache_dir=False), Article(id="t", text=text, title="t"), VALLEY,
                             sentiment_backend="lexicon")
        return [q for q in result.quotes if q.kind == "direct"]

    # "he added" goes on from Brennaker, though his own name in the quote rules him out for coreference
    text = ('Tomas Brennaker said he spoke for an hour on Monday. "We will not sell our land," Brennaker said, '
            'standing beside the truck of Daniel Hope. "Nobody works harder than Tomas Brennaker," he added.')
    first, second = speakers(text)
    assert first.speaker_actor == second.speaker_actor == "growers"
    # the article calls Marlow "she": "he" does not go on from her
    text = ('Helena Marlow said she spoke for an hour on Monday. "We will not sell our land," Marlow said. '
            '"The council has lied to us for years," he added.')
    first, second = speakers(text)
    assert first.speaker_actor == "marlow" and second.speaker_actor != "marlow"


def test_a_word_of_the_quote_hung_on_the_cue_is_passed_over_for_the_speaker():
    text = ('“All of the fools that are so focused on looking only at the harbour should start also looking '
            'in another direction, Northbridge,” Helena Marlow wrote.')
    (q,) = quotes_in(text)
    assert q.speaker_text == "Helena Marlow"


def test_a_new_paragraph_after_a_quote_is_not_its_attribution():
    text = ('"The harvest is ruined by the rain," Helena Marlow said. "Be careful, or we will sue the council!"\n\n'
            'Tomas Brennaker quickly retorted by saying that the union had done nothing wrong.')
    first, second = [q for q in quotes_in(text) if q.kind == "direct"]
    assert first.speaker_text == "Helena Marlow"
    assert second.speaker_text == "Helena Marlow"  # it goes on from her; the next paragraph is Brennaker's own


def test_a_quote_inside_the_narrators_sentence_does_not_go_on_from_the_quote_before():
    text = ('"The harvest is ruined by the rain," Helena Marlow said. '
            'Tomas Brennaker pleaded with the farmers not to "give in to fear or turn against each other."')
    quotes = [q for q in quotes_in(text) if q.kind == "direct"]
    assert quotes[0].speaker_text == "Helena Marlow"
    assert all(q.speaker_text != "Helena Marlow" for q in quotes[1:])


def _misparsed(words, heads, deps, pos, tags, ents=()):
    """A Doc with the parse spaCy sometimes gives real text: two subjects on one verb."""
    import spacy
    from spacy.tokens import Doc, Span

    doc = Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps, pos=pos, tags=tags,
              lemmas=[{"says": "say", "said": "say"}.get(w, w.lower()) for w in words],
              sent_starts=[True] + [False] * (len(words) - 1))
    doc.ents = [Span(doc, start, end, label) for start, end, label in ents]
    return doc


@pytest.mark.parametrize(
    ("words", "heads", "deps", "pos", "tags", "ents", "speaker"),
    [
        # "... the growth rate and the jobs he says the plan creates": a listed thing and a pronoun
        (["The", "rate", "he", "says", "the", "plan", "creates", "."], [1, 3, 3, 3, 5, 6, 3, 3],
         ["det", "nsubj", "nsubj", "ROOT", "det", "nsubj", "ccomp", "punct"],
         ["DET", "NOUN", "PRON", "VERB", "DET", "NOUN", "VERB", "PUNCT"],
         ["DT", "NN", "PRP", "VBZ", "DT", "NN", "VBZ", "."], [], "he"),
        # "Royce called for Trump to use ...": the subject of an infinitive after "for" is not the speaker
        (["Royce", "argued", "for", "Trump", "to", "act", "and", "said", "Putin", "lies", "."],
         [7, 0, 7, 7, 7, 7, 7, 7, 9, 7, 7],
         ["nsubj", "acl", "mark", "nsubj", "aux", "advcl", "cc", "ROOT", "nsubj", "ccomp", "punct"],
         ["PROPN", "VERB", "SCONJ", "PROPN", "PART", "VERB", "CCONJ", "VERB", "PROPN", "VERB", "PUNCT"],
         ["NNP", "VBD", "IN", "NNP", "TO", "VB", "CC", "VBD", "NNP", "VBZ", "."],
         [(0, 1, "PERSON"), (3, 4, "PERSON"), (8, 9, "PERSON")], "Royce"),
    ],
)
def test_of_two_subjects_a_misparse_gives_one_verb_the_speaker_is_the_one_who_can_speak(
        words, heads, deps, pos, tags, ents, speaker):
    doc = _misparsed(words, heads, deps, pos, tags, ents)
    found = [q for q in extract_quotes(doc) if q.kind == "indirect"]
    assert [q.speaker_text for q in found] == [speaker]


def test_a_bare_announcement_before_a_quote_names_its_speaker():
    # a colon turned into a full stop: the sentence before announces the quote
    text = 'Helena Marlow wrote in a post on Monday morning.\n\n"The council has lied to us for years about the water."'
    (q,) = [q for q in quotes_in(text) if q.kind == "direct"]
    assert (q.speaker_text, q.cue) == ("Helena Marlow", "wrote") and "sentence before" in q.evidence
    # a sentence that reports something of its own announces nothing
    text = 'Helena Marlow wrote that the harvest was late.\n\n"The council has lied to us for years about the water."'
    (q,) = [q for q in quotes_in(text) if q.kind == "direct"]
    assert q.speaker_text == ""


@pytest.mark.parametrize(
    "text, speaker_text, cue",
    [
        ("“The harvest is gone, and you knew it all along,” Marlow barked.", "Marlow", "barked"),
        ('"Nobody here is afraid of the river anymore," she surmised.', "she", "surmised"),
        ("“Really? After all these years of floods?” the old farmer had scoffed.", "the old farmer", "scoffed"),
        ('"Growers should keep their trucks at home," opined the Valley Gazette.', "the Valley Gazette", "opined"),
    ],
)
def test_a_bare_clause_right_after_a_quote_names_its_speaker_whatever_the_verb(text, speaker_text, cue):
    (q,) = quotes_in(text)
    check_offsets(text, [q])
    assert (q.speaker_text, q.cue) == (speaker_text, cue)


@pytest.mark.parametrize(
    "text",
    [
        # a relative clause after the quote, not an attribution
        "“The harvest is lost for good, and the banks know it,” which happened twice before, still haunts the valley.",
        # the verb after the quote opens the next quote
        "“Would you have told her that it was a bad idea?” He answered, “I have no idea at all.”",
        # the quote sits inside a clause of the narrator's
        "As Marlow put it, “the fields are gone and nobody cares,” Brennaker sighed at the meeting.",
    ],
)
def test_a_clause_after_a_quote_that_is_no_bare_attribution_names_no_speaker_by_that_rule(text):
    quotes = quotes_in(text)
    check_offsets(text, quotes)
    assert quotes[0].cue not in ("happened", "answered", "sighed")


def test_a_second_cue_joined_to_the_first_ones_clause_shares_the_first_ones_subject():
    # spaCy hangs "says" (and "conceded") on the clause reported by the first "says";
    # the subject of that clause ("the obvious answer", "the main goal") is not the speaker
    text = ("Brennaker says the obvious answer was to close the dam and says he wrote a bill to do that. "
            "Marlow says the main goal of the plan is “to keep the valley dry,” but conceded that the cost was high.")
    quotes = quotes_in(text)
    check_offsets(text, quotes)
    assert {q.speaker_text for q in quotes} == {"Brennaker", "Marlow"}
    assert any(q.cue == "conceded" for q in quotes)


@pytest.mark.parametrize(
    "text, speaker_text, cue",
    [
        ("Tomas Brennaker echoed:\n\n“The river took everything we had, and the council did nothing.”",
         "Tomas Brennaker", "echoed"),
        ("She then addressed the growers again: “Here is what I regret. Nobody listened to the farmers.”",
         "She", "addressed"),
        ('He also vowed, "We are going to rebuild every farm on this side of the river."', "He", "vowed"),
    ],
)
def test_a_clause_that_leads_into_a_quote_names_its_speaker_whatever_the_verb(text, speaker_text, cue):
    (q,) = quotes_in(text)
    check_offsets(text, [q])
    assert (q.speaker_text, q.cue) == (speaker_text, cue)


@pytest.mark.parametrize(
    "text",
    [
        # after a comma, only a bare clause before a sentence leads into a quote
        "Marlow fed the growers after a good, “peaceful protest every once in a while” that week.",
        "The union opened the season with a short film, “Saving the Valley,” in which farmers speak.",
    ],
)
def test_a_comma_after_a_clause_with_more_than_its_verb_names_no_speaker_by_that_rule(text):
    for q in quotes_in(text):
        assert q.cue not in ("fed", "opened")


def test_who_after_a_place_in_a_description_stands_for_the_person_described():
    # spaCy hangs "who said" on the town; "who" is never a place
    text = ("“The valley will flood again,” said Tomas Brennaker, a farmer from Northbridge, Ohio, "
            "who said he has lost three harvests to the river.")
    quotes = quotes_in(text)
    check_offsets(text, quotes)
    assert {q.speaker_text for q in quotes} == {"Tomas Brennaker"}
