"""Tests for analysis.framing: frame schemes as data, sentence scores, article profiles.

Short texts are written for the test; only the last tests read the seed
article, and they check the leading frames, not single sentences.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from analysis import framing
from analysis.errors import AnalysisError
from analysis.framing import (
    FRAME_COLUMNS,
    PROFILE_COLUMNS,
    FrameSchemeError,
    available_schemes,
    frame_profile,
    leading_frames,
    load_frame_scheme,
    parse_frame_scheme,
    score_frames,
)
from analysis.nlp import parse, sentence_records

MFC_IDS = (
    "economic", "capacity_and_resources", "morality", "fairness_and_equality", "legality", "policy_prescription",
    "crime_and_punishment", "security_and_defense", "health_and_safety", "quality_of_life", "cultural_identity",
    "public_opinion", "political", "external_regulation", "other",
)
GENERIC_IDS = ("conflict", "human_interest", "economic_consequences", "morality", "responsibility")


def scheme_of(frames: str, scheme_id: str = "test") -> framing.FrameScheme:
    """A scheme from the YAML of its frames (indented under ``frames:``)."""
    return parse_frame_scheme(f"id: {scheme_id}\nframes:\n" + textwrap.indent(textwrap.dedent(frames), "  "))


def scored(text: str, scheme) -> list[tuple[int, str, float, str]]:
    rows = score_frames(parse(text, cache_dir=False), scheme, "t")
    return [(r.sentence_id, r.frame, r.score, r.indicators) for r in rows.itertuples()]


# ------------------------------------------------------------------ schemes


def test_available_schemes_lists_the_shipped_files():
    assert available_schemes() == ["generic_news", "mfc_policy"]


@pytest.mark.parametrize(("name", "ids"), [("mfc_policy", MFC_IDS), ("generic_news", GENERIC_IDS)])
def test_shipped_schemes_load_with_all_their_frames(name, ids):
    scheme = load_frame_scheme(name)
    assert scheme.id == name
    assert scheme.ids == ids
    assert scheme.citation and scheme.source.endswith(f"frames/{name}.yaml")
    for frame in scheme.frames:
        assert frame.label and frame.definition
        if frame.id != "other":
            assert 20 <= len(frame.indicators) <= 100, frame.id


def test_other_is_what_remains_and_never_scores():
    other = load_frame_scheme("mfc_policy").get("other")
    assert not other.scored
    frames = {row[1] for row in scored("Troops attacked.\nPrices rose.\nThe cat slept.", "mfc_policy")}
    assert frames == {"security_and_defense", "economic"}


def test_shipped_indicators_avoid_words_that_fire_everywhere():
    too_generic = {"say", "people", "year", "time", "new", "country", "state", "support", "leader"}
    for name in available_schemes():
        for frame in load_frame_scheme(name).frames:
            assert not too_generic & {i.lower() for i in frame.indicators}, (name, frame.id)


def test_a_scheme_file_loads_and_editing_it_changes_the_scores(tmp_path):
    path = tmp_path / "harbour.yaml"
    text = "id: harbour\nname: Harbour frames\nframes:\n  ships: {label: Ships, definition: Boats., indicators: [%s]}\n"
    sentence = "The ferry left the quay at dawn."
    path.write_text(text % "ferry", encoding="utf-8")
    first = load_frame_scheme(path)
    assert (first.name, first.source) == ("Harbour frames", str(path))
    assert scored(sentence, first) == [(0, "ships", 1.0, "ferry")]
    path.write_text(text % "quay, dawn", encoding="utf-8")
    assert scored(sentence, load_frame_scheme(str(path))) == [(0, "ships", 2.0, "quay; dawn")]


def test_a_frame_can_be_looked_up_and_a_wrong_id_is_explained():
    scheme = load_frame_scheme("generic_news")
    assert scheme.get("conflict").label == "Conflict"
    with pytest.raises(FrameSchemeError, match="did you mean 'conflict'"):
        scheme.get("conflikt")


def test_an_unknown_scheme_name_lists_the_valid_ones():
    with pytest.raises(FrameSchemeError) as err:
        load_frame_scheme("mfc_polcy")
    assert "'generic_news', 'mfc_policy'" in str(err.value)
    assert "did you mean 'mfc_policy'" in str(err.value)


def test_a_missing_scheme_file_is_named(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(FrameSchemeError, match="file not found") as err:
        load_frame_scheme(missing)
    assert str(err.value).startswith(str(missing))


GOOD_FRAME = "  a: {label: A, definition: D., indicators: [war]}\n"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("id: s\nframes:\n  a: {label: A, definition: D., indicators: [war\n", 3, "malformed YAML"),
        ("id: s\nframe:\n" + GOOD_FRAME, 2, "unknown key 'frame' in the top level.*did you mean 'frames'"),
        ("id: s\nframes:\n  a: {label: A, definition: D., indicator: [war]}\n", 3,
         "unknown key 'indicator' in frame 'a'.*did you mean 'indicators'"),
        ("id: s\nframes:\n  a:\n    definition: D.\n    indicators: [war]\n", 3, "frame 'a' has no 'label'"),
        ("id: s\nframes:\n  a:\n    label: A\n    indicators: [war]\n", 3, "frame 'a' has no 'definition'"),
        ("id: s\nframes:\n  a:\n    label: A\n    definition: D.\n    indicators: war\n", 6,
         "'indicators' of frame 'a' must be a list"),
        ("id: s\nframes:\n  a:\n    label: A\n    definition: D.\n    indicators: [war, 42]\n", 6,
         "must be text, not the number 42"),
        ("id: s\nframes:\n  a:\n    label: A\n    definition: D.\n    patterns:\n      - [{LEMA: pay}]\n", 7,
         "unknown token attribute 'LEMA'.*did you mean 'LEMMA'"),
        ("id: s\nframes:\n  a:\n    label: A\n    definition: D.\n    patterns:\n      - [{LOWER: on}]\n", 7,
         "invalid spaCy Matcher pattern.*put it in quotes"),
        ("id: s\nframes:\n  a:\n    label: A\n    definition: D.\n    patterns:\n      - [{OP: sometimes}]\n", 7,
         "invalid spaCy Matcher pattern"),
        ("id: s\nframes:\n  a:\n    label: A\n    definition: D.\n    patterns: [{LOWER: pay}]\n", 6,
         "wrap it in another list"),
        ("id: s\nframes:\n  a: {label: A, definition: D., indicators: [war], weight: -1}\n", 3,
         "'weight' of frame 'a' must be a positive number"),
        ("id: s\nframes:\n" + GOOD_FRAME + GOOD_FRAME, 4, "duplicate frame id 'a'.*first on line 3"),
        ("id: s\nframes:\n  Conflict: {label: A, definition: D., indicators: [war]}\n", 3, "invalid frame id"),
        ("name: S\nframes:\n" + GOOD_FRAME, 1, "no 'id'"),
        ("id: s\nframes:\n  a: {label: A, definition: D.}\n", 2, "nothing could ever match"),
    ],
)
def test_a_bad_scheme_file_is_reported_with_its_line(tmp_path, text, line, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameSchemeError, match=message) as err:
        load_frame_scheme(path)
    assert isinstance(err.value, AnalysisError)
    assert (err.value.source, err.value.line) == (str(path), line)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: !!python/object/apply:os.system [echo hi]\nframes: {}\n", "'id' must be text"),
        ("id: s\nframes:\n  a:\n    label: A\n    definition: D.\n    patterns:\n"
         "      - [{LOWER: !!python/object/apply:os.system [echo hi]}]\n", "has the YAML tag"),
    ],
)
def test_yaml_tags_are_never_turned_into_python_objects(text, message):
    with pytest.raises(FrameSchemeError, match=message):
        parse_frame_scheme(text)


# ---------------------------------------------------------- sentence level


@pytest.mark.parametrize(
    ("text", "scheme", "frame"),
    [
        ("Soldiers fought a fierce battle near the border.", "generic_news", "conflict"),
        ("Soldiers fought a fierce battle near the border.", "mfc_policy", "security_and_defense"),
        ("Rising prices and higher taxes hurt the economy.", "mfc_policy", "economic"),
        ("Rising prices and higher taxes hurt the economy.", "generic_news", "economic_consequences"),
        ("The court ruled the law unconstitutional.", "mfc_policy", "legality"),
        ("Police arrested two suspects after the robbery.", "mfc_policy", "crime_and_punishment"),
    ],
)
def test_short_sentences_score_their_frame_first(text, scheme, frame):
    rows = score_frames(parse(text, cache_dir=False), scheme, "t").sort_values("score", ascending=False)
    assert rows.iloc[0]["frame"] == frame


def test_rows_have_the_documented_columns_and_values():
    doc = parse("It was a calm morning.\nThen troops attacked the village and the war began.", cache_dir=False)
    rows = score_frames(doc, "mfc_policy", "demo")
    assert tuple(rows.columns) == FRAME_COLUMNS
    row = rows[rows.frame == "security_and_defense"].iloc[0]
    assert (row.article_id, row.scheme, row.level, row.sentence_id) == ("demo", "mfc_policy", "sentence", 1)
    assert row.indicators == "troops; attacked; war"
    assert row.score == 2.25  # "war" is an ambiguous word of the frame: it counts a quarter
    assert row.evidence == "Then troops attacked the village and the war began."
    assert row.confidence == 0.875


def test_a_text_without_indicators_gives_an_empty_table_with_the_columns():
    rows = score_frames(parse("The cat sat on the mat.", cache_dir=False), "generic_news")
    assert rows.empty and tuple(rows.columns) == FRAME_COLUMNS


LEMMAS = scheme_of("""
    a: {label: A, definition: D., indicators: [attack, ruling, NATO]}
""")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Rebels attacked the town.", "attacked"),
        ("The attacks continued.", "attacks"),
        ("ATTACK AT DAWN, he wrote.", "ATTACK"),
        ("The court's ruling stands.", "ruling"),  # an inflected indicator matches as written ...
        ("He ruled the country.", None),  # ... and not by its lemma ("rule")
        ("Nato met in Brussels.", "Nato"),  # proper nouns keep their case as lemma; matched ignoring case
    ],
)
def test_indicators_match_on_lemmas_ignoring_case(text, found):
    rows = scored(text, LEMMAS)
    assert [r[3] for r in rows] == ([found] if found else [])


def test_phrases_and_matcher_patterns_match():
    scheme = scheme_of("""
        a:
          label: A
          definition: D.
          indicators: [front line, take sides]
          patterns:
            - [{LEMMA: pay}, {POS: DET, OP: "?"}, {POS: ADJ, OP: "*"}, {LOWER: price}]
            - [{LEMMA: force, POS: NOUN}]
    """)
    assert scored("They reached the front lines.", scheme) == [(0, "a", 1.0, "front lines")]
    assert scored("Both towns took sides early.", scheme) == [(0, "a", 1.0, "took sides")]
    assert scored("They paid a heavy price.", scheme) == [(0, "a", 1.0, "paid a heavy price")]
    assert scored("Enemy forces withdrew.", scheme) == [(0, "a", 1.0, "forces")]
    assert scored("They were forced to leave.", scheme) == []


def test_overlapping_matches_of_a_frame_count_once_and_separate_ones_each():
    scheme = scheme_of("""
        a:
          label: A
          definition: D.
          indicators: [line, front line, war]
          patterns: [[{LOWER: front}]]
    """)
    assert scored("He held the front line.", scheme) == [(0, "a", 1.0, "front line")]
    assert scored("War after war.", scheme) == [(0, "a", 2.0, "War; war")]


def test_weight_multiplies_the_score_and_frames_do_not_share_overlaps():
    scheme = scheme_of("""
        a: {label: A, definition: D., indicators: [war], weight: 2.5}
        b: {label: B, definition: D., indicators: [war, civil war]}
    """)
    # within a sentence, frames come in the order of their first match
    assert scored("The civil war ended.", scheme) == [(0, "b", 1.0, "civil war"), (0, "a", 2.5, "war")]


def test_confidence_grows_with_distinct_indicator_words():
    rows = score_frames(parse("War. War, war. War and battle. War, battle and siege.", cache_dir=False),
                        scheme_of("a: {label: A, definition: D., indicators: [war, battle, siege]}"))
    assert rows.confidence.tolist() == [0.5, 0.5, 0.75, 0.875]


def test_matchers_are_compiled_once_per_scheme_and_vocabulary():
    doc = parse("War.", cache_dir=False)
    first, again = load_frame_scheme("generic_news"), load_frame_scheme("generic_news")
    assert framing._compile(first, doc.vocab) is framing._compile(again, doc.vocab)


def test_a_document_without_sentences_is_refused():
    from spacy.tokens import Doc

    vocab = parse("War.", cache_dir=False).vocab
    with pytest.raises(AnalysisError, match="is not parsed"):
        score_frames(Doc(vocab, words=["The", "war", "began", "."]), "generic_news")


# ----------------------------------------------------------- article level


def sentence_rows(rows: list[tuple]) -> pd.DataFrame:
    """Sentence rows from (article, scheme, frame, sentence, score, indicators)."""
    table = pd.DataFrame(rows, columns=["article_id", "scheme", "frame", "sentence_id", "score", "indicators"])
    return table.assign(level="sentence", evidence=[f"Sentence {i}." for i in table.sentence_id],
                        confidence=0.5)[list(FRAME_COLUMNS)]


HAND_MADE = sentence_rows([
    ("a", "s", "war", 0, 2.0, "war; troops"),
    ("a", "s", "war", 1, 1.0, "war"),
    ("a", "s", "war", 3, 1.0, "War"),
    ("a", "s", "money", 1, 1.0, "cost"),
    ("a", "s", "money", 2, 3.0, "cost; tax; price"),
    ("a", "s", "pity", 2, 1.0, "hope"),
    ("b", "s", "pity", 0, 1.0, "hope"),
    ("a", "t", "blame", 0, 1.0, "blame"),
])


def test_profile_shares_ranks_and_evidence():
    profile = frame_profile(HAND_MADE, {"a": 4, "b": 2})
    assert tuple(profile.columns) == PROFILE_COLUMNS
    assert set(profile.level) == {"article"} and set(profile.sentence_id) == {-1}
    got = [(r.article_id, r.scheme, r.frame, r.score, r.rank) for r in profile.itertuples()]
    assert got == [
        ("a", "s", "war", 0.75, 1),
        ("a", "s", "money", 0.5, 2),
        ("a", "s", "pity", 0.25, 3),
        ("a", "t", "blame", 0.25, 1),
        ("b", "s", "pity", 0.5, 1),
    ]
    war = profile.iloc[0]
    assert war.indicators == "war (3); troops (1)"
    assert war.evidence == "[0] Sentence 0. | [1] Sentence 1. | [3] Sentence 3."
    assert war.confidence == 0.75
    assert profile.iloc[1].evidence.startswith("[2] Sentence 2.")  # the highest-scoring sentence first


def test_equal_shares_are_ranked_by_summed_score():
    rows = sentence_rows([("a", "s", "x", 0, 1.0, "war"), ("a", "s", "y", 1, 3.0, "cost; tax; price")])
    assert frame_profile(rows, {"a": 2}).frame.tolist() == ["y", "x"]


def test_profile_checks_its_arguments():
    with pytest.raises(AnalysisError, match="no count for the articles 'b'"):
        frame_profile(HAND_MADE, {"a": 4})
    with pytest.raises(AnalysisError, match="positive whole number"):
        frame_profile(HAND_MADE, {"a": 4, "b": 0})
    with pytest.raises(AnalysisError, match="is 2, but sentence_rows has frame 'war' in 3"):
        frame_profile(HAND_MADE, {"a": 2, "b": 2})
    with pytest.raises(AnalysisError, match="lacks the columns 'confidence'"):
        frame_profile(HAND_MADE.drop(columns="confidence"), {"a": 4, "b": 2})


def test_empty_sentence_rows_give_an_empty_profile():
    profile = frame_profile(pd.DataFrame(columns=list(FRAME_COLUMNS)), {})
    assert profile.empty and tuple(profile.columns) == PROFILE_COLUMNS


def test_leading_frames_keeps_the_top_of_each_article():
    profile = frame_profile(HAND_MADE, {"a": 4, "b": 2})
    top = leading_frames(profile, "s", top=2)
    assert list(zip(top.article_id, top.frame)) == [("a", "war"), ("a", "money"), ("b", "pity")]
    with pytest.raises(FrameSchemeError, match="scheme 'u' is not in the profile; valid schemes in it: 's', 't'"):
        leading_frames(profile, "u")
    with pytest.raises(AnalysisError, match="top must be a positive whole number"):
        leading_frames(profile, "s", top=0)


# --------------------------------------------------------- the seed article


@pytest.fixture(scope="module")
def seed_profile(seed_article):
    doc = parse(seed_article.text)
    rows = pd.concat([score_frames(doc, name, seed_article.id) for name in available_schemes()])
    return frame_profile(rows, {seed_article.id: len(sentence_records(doc, seed_article.id))})


@pytest.mark.parametrize(("scheme", "leading"), [("generic_news", "conflict"), ("mfc_policy", "security_and_defense")])
def test_the_seed_article_is_framed_by_conflict_and_security(seed_profile, scheme, leading):
    top = leading_frames(seed_profile, scheme, top=2)
    assert top.frame.iloc[0] == leading
    # a clear lead, not a tie broken by chance
    assert top.score.iloc[0] >= 2 * top.score.iloc[1]


def test_indicator_words_inside_a_name_do_not_frame_the_sentence():
    scheme = scheme_of("""
        security: {label: S, definition: D., indicators: [rifle, defense]}
    """)
    rows = scored("The National Rifle Association met in Dallas on Monday. He bought a rifle.", scheme)
    assert rows == [(1, "security", 1.0, "rifle")]


def test_an_ambiguous_word_counts_a_quarter_and_a_clear_indicator_outranks_it():
    scheme = scheme_of("""
        safety: {label: S, definition: D., indicators: [lockdown], ambiguous: [school]}
        economy: {label: E, definition: D., indicators: [budget]}
    """)
    text = "The school budget grew."
    assert sorted(scored(text, scheme)) == [(0, "economy", 1.0, "budget"), (0, "safety", 0.25, "school")]
    profile = frame_profile(score_frames(parse(text, cache_dir=False), scheme, "t"), {"t": 1})
    assert list(profile.sort_values("rank").frame) == ["economy", "safety"]
    assert list(profile.sort_values("rank").score) == [1.0, 0.25]


def test_a_lower_case_abbreviated_title_matches_the_title_in_text():
    # the tokenizer keeps "Sen." whole but splits "sen." in two: the indicator must still find the title
    scheme = scheme_of("""
        politics: {label: P, definition: D., indicators: [sen., gov.]}
    """)
    assert scored("Sen. Ada Reyes and Gov. Tom Ulm spoke.", scheme) == [(0, "politics", 2.0, "Sen.; Gov.")]
    assert scored("The sen and the gov met.", scheme) == []


def test_ties_on_share_are_broken_by_evidence_not_by_the_frame_name():
    scheme = scheme_of("""
        aaa: {label: A, definition: D., indicators: [tax]}
        zzz: {label: Z, definition: D., indicators: [court, judge]}
    """)
    text = "The judge and the court ruled on the tax."
    profile = frame_profile(score_frames(parse(text, cache_dir=False), scheme, "t"), {"t": 1})
    assert list(profile.score) == [1.0, 1.0]
    assert list(profile.sort_values("rank").frame) == ["zzz", "aaa"]


def test_frame_rows_are_records_and_the_profile_ranks_them():
    from analysis.framing import profile_records, sentence_frame_records
    from analysis.types import FrameHit

    doc = parse("The rebels attacked the army. Prices rose and jobs were lost.", cache_dir=False)
    hits = sentence_frame_records(doc, "generic_news", "a")
    assert hits and all(isinstance(h, FrameHit) and h.level == "sentence" and h.rank is None for h in hits)
    profile = profile_records(hits, {"a": 2})
    assert [p.rank for p in profile] == list(range(1, len(profile) + 1))
    assert all(p.level == "article" and p.sentence_id == -1 for p in profile)
