"""Tests for analysis.actors: reading and checking the actor registry."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from analysis.actors import (
    ACTOR_KEYS,
    MEMBER_KEYS,
    check_actor,
    load_actors,
    parse_actors,
)
from analysis.errors import ActorConfigError
from analysis.types import Actor, ActorRegistry, Member, Metonym

REAL_REGISTRY = Path(__file__).resolve().parents[1] / "corpus" / "actors.yaml"


def yaml_text(text: str) -> str:
    """Inline YAML written indented in a test; line 1 is its first non-blank line."""
    return textwrap.dedent(text).lstrip("\n")


def config_error(text: str) -> ActorConfigError:
    with pytest.raises(ActorConfigError) as info:
        parse_actors(yaml_text(text), source="test.yaml")
    return info.value


# ----------------------------------------------------------- the real registry


@pytest.fixture(scope="module")
def real() -> ActorRegistry:
    return load_actors(REAL_REGISTRY)


def test_real_registry_ids_in_file_order(real):
    assert real.ids == ("exiles", "lukashenko", "putin", "nato")
    assert real.source == str(REAL_REGISTRY)


def test_real_registry_exiles_members(real):
    exiles = real.get("exiles")
    assert exiles.kind == "group"
    assert exiles.pronoun == "they"
    assert exiles.label == "Belarusian exiles"
    members = {member.name: member for member in exiles.members}
    assert {"Vadim Prokopiev", "Svetlana Tikhanovskaya"} <= set(members)
    assert "Svetlana Tichanovskaya" in members["Svetlana Tikhanovskaya"].aliases
    assert members["Svetlana Tikhanovskaya"].pronoun == "she"
    assert members["Vadim Prokopiev"].kind == "person"  # the default
    assert members["Belarus Resistance"].kind == "organisation"
    assert "foreign volunteers" in exiles.exclude
    assert "the exiles" in exiles.group_nouns


def test_real_registry_metonyms(real):
    minsk = [m for m in real.get("lukashenko").metonyms if m.text == "Minsk"]
    assert minsk == [Metonym("Minsk", "the Belarusian government under Lukashenko")]
    assert "the Kremlin" in [m.text for m in real.get("putin").metonyms]
    assert "the Kremlin" not in [m.text for m in real.get("lukashenko").metonyms]


def test_real_registry_is_frozen_records_with_tuples(real):
    for actor in real.actors:
        assert isinstance(actor, Actor)
        for field in ("names", "aliases", "members", "group_nouns", "metonyms", "descriptors", "exclude"):
            assert isinstance(getattr(actor, field), tuple), (actor.id, field)
        assert all(isinstance(member, Member) and isinstance(member.aliases, tuple) for member in actor.members)
    with pytest.raises(dataclasses.FrozenInstanceError):
        real.actors[0].kind = "state"


def test_actor_keys_cover_the_data_model():
    # every Actor field but the id can be set from the file; 'description' is for readers only
    fields = {f.name for f in dataclasses.fields(Actor)} - {"id"}
    assert set(ACTOR_KEYS) == fields | {"description"}
    assert set(MEMBER_KEYS) == {f.name for f in dataclasses.fields(Member)}


# ------------------------------------------------- another study, no code change


OTHER_STUDY = """
    version: 2
    description: Fishing dispute, invented for the test.
    actors:
      fishers:
        kind: group
        group_nouns: [the fishers, "  local   fishermen "]
        members:
          - name: Ana   Duarte
            aliases: Ana D.
            pronoun: she
          - name: Harbour Cooperative
            kind: organisation
        exclude: foreign trawlers
        fuzzy: false
      ministry:
        label: Fisheries Ministry
        kind: organisation
        pronoun: it
        names: [Ministry of Fisheries, Ministry of Fisheries, Fisheries Ministry]
        aliases: [the ministry, The Ministry]
        metonyms:
          - Port Authority
          - text: Harbour House
            stands_for: the minister's office
        descriptors: [regulator]
"""


def test_another_study_loads_without_code_change():
    registry = parse_actors(yaml_text(OTHER_STUDY), source="fish.yaml")
    assert registry.ids == ("fishers", "ministry")
    assert registry.source == "fish.yaml"

    fishers = registry.get("fishers")
    assert fishers.label == "fishers"  # defaults to the id
    assert fishers.pronoun is None
    assert fishers.fuzzy is False
    assert fishers.group_nouns == ("the fishers", "local fishermen")  # stripped, spaces normalised
    assert fishers.members == (
        Member(name="Ana Duarte", aliases=("Ana D.",), kind="person", pronoun="she"),
        Member(name="Harbour Cooperative", kind="organisation"),
    )
    assert fishers.exclude == ("foreign trawlers",)  # one text becomes a one-item tuple

    ministry = registry.get("ministry")
    assert ministry.label == "Fisheries Ministry"
    assert ministry.fuzzy is True
    # exact repeats within one actor are dropped, first-seen order kept;
    # the same phrase in names and aliases of one actor is harmless
    assert ministry.names == ("Ministry of Fisheries", "Fisheries Ministry")
    assert ministry.aliases == ("the ministry", "The Ministry")
    assert ministry.metonyms == (Metonym("Port Authority"), Metonym("Harbour House", "the minister's office"))
    assert ministry.descriptors == ("regulator",)


@pytest.mark.parametrize("actor_id", ["Putin", "2nd_army", "u.s._congress", "chick-fil-a", "George W. Bush"])
def test_ids_from_data_sets_are_accepted(actor_id):
    registry = parse_actors(f"actors:\n  {actor_id}: {{kind: person, names: [Some Body]}}\n")
    assert registry.ids == (actor_id,)


@pytest.mark.parametrize(("given", "kind"), [("organization", "organisation"), ("organisation", "organisation"),
                                             ("event", "event"), ("policy", "policy"), ("law", "law"),
                                             ("place", "place"), ("other", "other")])
def test_kinds_for_real_studies(given, kind):
    registry = parse_actors(f"actors:\n  x: {{kind: {given}, names: [Affordable Care Act]}}\n")
    assert registry.get("x").kind == kind


def test_surnames_can_be_turned_off():
    registry = parse_actors("actors:\n  x: {kind: person, names: [Jesse Jackson], surnames: false}\n")
    assert registry.get("x").surnames is False
    assert parse_actors("actors:\n  x: {kind: person, names: [Jesse Jackson]}\n").get("x").surnames is True


def test_key_without_value_counts_as_not_given():
    registry = parse_actors(
        yaml_text(
            """
            actors:
              a:
                kind: person
                names: [Ada]
                aliases:
                pronoun:
                label:
            """
        )
    )
    actor = registry.get("a")
    assert (actor.aliases, actor.pronoun, actor.label) == ((), None, "a")


# ------------------------------------------------------------------ bad input


BAD_REGISTRIES = {
    "bad indentation": (
        """
        actors:
          a:
            kind: person
           names: [A]
        """,
        4,
        ["malformed YAML", "expected <block end>", "while parsing a block mapping that starts on line 2"],
    ),
    "unclosed bracket": (
        """
        actors:
          a:
            kind: person
            names: [A, B
          b:
            kind: group
        """,
        5,
        ["malformed YAML", "expected ',' or ']'", "flow sequence that starts on line 4"],
    ),
    "tab indentation": ("actors:\n\ta: 1\n", 2, ["malformed YAML", "not tabs"]),
    "unknown top-level key": (
        """
        actors:
          a: {kind: person, names: [A]}
        versoin: 1
        """,
        3,
        [
            "unknown key 'versoin'",
            "valid top-level keys: 'actors', 'version', 'description'",
            "did you mean 'version'?",
        ],
    ),
    "no actors key": ("version: 1\n", 1, ["no 'actors' key"]),
    "actors without value": ("description: x\nactors:\n", 2, ["'actors' is empty"]),
    "top level a list": ("- actors\n", 1, ["must be a mapping with an 'actors' key, not a list"]),
    "unknown actor key, near miss": (
        """
        actors:
          a:
            kind: person
            nmes: [A]
        """,
        4,
        ["unknown key 'nmes' in actor 'a'", "valid actor keys: 'label', 'kind',", "'fuzzy'", "did you mean 'names'?"],
    ),
    "missing kind": (
        """
        actors:
          a:
            names: [A]
        """,
        2,
        ["actor 'a' has no 'kind'", "valid kinds: 'person', 'group', 'organisation', 'state'"],
    ),
    "bad kind": (
        """
        actors:
          a:
            names: [A]
            kind: Group
        """,
        4,
        [
            "invalid kind 'Group' of actor 'a'",
            "valid kinds: 'person', 'group', 'organisation', 'state'",
            "did you mean 'group'?",
        ],
    ),
    "bad pronoun": (
        """
        actors:
          a:
            kind: person
            names: [A]
            pronoun: him
        """,
        5,
        ["invalid pronoun 'him' of actor 'a'", "valid pronouns: 'he', 'she', 'they', 'it'"],
    ),
    "bad member kind": (
        """
        actors:
          a:
            kind: group
            members:
              - name: Bo
                kind: persn
        """,
        6,
        ["invalid kind 'persn' of member 'Bo' of actor 'a'", "did you mean 'person'?"],
    ),
    "number where list expected": (
        """
        actors:
          a:
            kind: person
            names: 42
        """,
        4,
        ["'names' of actor 'a' must be a list of text, not the number 42", "quotes"],
    ),
    "yes/no read as boolean in a list": (
        """
        actors:
          a:
            kind: state
            aliases:
              - Norway
              - NO
        """,
        6,
        ["an item of 'aliases' of actor 'a' must be text, not the true/false value 'NO'", "put it in quotes"],
    ),
    "mapping where text expected": (
        """
        actors:
          a:
            kind: person
            names: [A]
            label: {short: A}
        """,
        5,
        ["'label' of actor 'a' must be text, not a mapping"],
    ),
    "fuzzy not a boolean": (
        """
        actors:
          a:
            kind: person
            names: [A]
            fuzzy: maybe
        """,
        5,
        ["'fuzzy' of actor 'a' must be true or false"],
    ),
    "members not a list": (
        """
        actors:
          a:
            kind: group
            members: Bo
        """,
        4,
        ["'members' of actor 'a' must be a list of mappings"],
    ),
    "member without name": (
        """
        actors:
          a:
            kind: group
            members:
              - name: Bo
              - aliases: [Cy]
        """,
        6,
        ["a member of actor 'a' has no 'name'", "valid member keys: 'name', 'aliases', 'kind', 'pronoun'"],
    ),
    "unknown member key": (
        """
        actors:
          a:
            kind: group
            members:
              - name: Bo
                alias: [B.]
        """,
        6,
        ["unknown key 'alias' in a member of actor 'a'", "did you mean 'aliases'?"],
    ),
    "metonym mapping without text": (
        """
        actors:
          a:
            kind: person
            names: [A]
            metonyms:
              - text: Capital
              - stands_for: the government
        """,
        7,
        ["a metonym of actor 'a' has no 'text'", "valid metonym keys: 'text', 'stands_for'"],
    ),
    "metonym key near miss": (
        """
        actors:
          a:
            kind: person
            names: [A]
            metonyms:
              - text: Capital
                stands-for: the government
        """,
        7,
        ["unknown key 'stands-for'", "did you mean 'stands_for'?"],
    ),
    "duplicate actor id": (
        """
        actors:
          a: {kind: person, names: [A]}
          b: {kind: person, names: [B]}
          a: {kind: person, names: [C]}
        """,
        4,
        ["duplicate actor id 'a'", "first on line 2"],
    ),
    "duplicate actor key": (
        """
        actors:
          a:
            kind: person
            names: [A]
            names: [B]
        """,
        5,
        ["duplicate key 'names' in actor 'a'", "first on line 4"],
    ),
    "reserved id other": (
        """
        actors:
          a: {kind: person, names: [A]}
          other: {kind: person, names: [B]}
        """,
        3,
        ["actor id 'other' is reserved", "the registry does not know"],
    ),
    "id with a trailing space": (
        """
        actors:
          "putin ": {kind: person, names: [Vladimir Putin]}
        """,
        2,
        ["invalid actor id 'putin '", "without leading or trailing spaces"],
    ),
    "id with a line break": (
        'actors:\n  "army\\n2": {kind: group, names: [Second Army]}\n',
        2,
        ["invalid actor id 'army\\n2'", "line breaks or control characters"],
    ),
    "actor not a mapping": ("actors:\n  a: [A]\n", 2, ["actor 'a' must be a mapping", "not a list"]),
    "unmatchable actor": (
        """
        actors:
          a: {kind: person, names: [A]}
          b:
            kind: person
            descriptors: [leader]
            exclude: [B]
        """,
        3,
        ["actor 'b' can never be matched", "'names', 'aliases', 'members', 'group_nouns', 'metonyms'"],
    ),
    "same phrase under two actors": (
        """
        actors:
          putin:
            kind: person
            names: [Vladimir Putin]
            metonyms: [the Kremlin]
          russia:
            kind: state
            names:
              - Russia
              - KREMLIN
        """,
        10,
        ["phrase 'KREMLIN' of actor 'russia'", "already listed under actor 'putin' as 'the Kremlin' (line 5)"],
    ),
    "member alias of one actor is another's name": (
        """
        actors:
          exiles:
            kind: group
            members:
              - name: Svetlana Tikhanovskaya
                aliases: [Tikhanovskaya]
          leader:
            kind: person
            names: [tikhanovskaya]
        """,
        9,
        ["phrase 'tikhanovskaya' of actor 'leader'", "under actor 'exiles' as 'Tikhanovskaya' (line 6)"],
    ),
}


@pytest.mark.parametrize(("text", "line", "fragments"), BAD_REGISTRIES.values(), ids=BAD_REGISTRIES.keys())
def test_bad_registry_names_line_and_problem(text, line, fragments):
    err = config_error(text)
    assert err.source == "test.yaml"
    assert err.line == line
    assert str(err).startswith(f"test.yaml, line {line}: ")
    for fragment in fragments:
        assert fragment in str(err)


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_empty_registry_text(text):
    with pytest.raises(ActorConfigError, match="registry is empty") as info:
        parse_actors(text, source="test.yaml")
    assert info.value.source == "test.yaml"


def test_parse_actors_refuses_bytes_with_a_hint():
    with pytest.raises(TypeError, match="load_actors"):
        parse_actors(b"actors: {}")


# ---------------------------------------------------------------- file errors


def test_empty_file(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text("\n", encoding="utf-8")
    with pytest.raises(ActorConfigError) as info:
        load_actors(path)
    assert str(info.value).startswith(f"{path}: empty file")


def test_missing_file(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(ActorConfigError) as info:
        load_actors(path)
    assert info.value.source == str(path)
    assert "file not found" in str(info.value)


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(ActorConfigError, match="is a directory"):
        load_actors(tmp_path)


def test_non_utf8_file(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_bytes("actors:\n  a:\n    kind: person\n    names: [Lukašenka]\n".encode("cp1250"))
    with pytest.raises(ActorConfigError) as info:
        load_actors(path)
    assert info.value.source == str(path)
    assert info.value.line == 4
    assert "not UTF-8" in str(info.value)
    assert "0x9a" in str(info.value)  # the offending byte


def test_file_errors_name_the_file(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text("actors:\n  a:\n    kind: person\n    nmes: [A]\n", encoding="utf-8")
    with pytest.raises(ActorConfigError) as info:
        load_actors(path)
    assert str(info.value).startswith(f"{path}, line 4: unknown key 'nmes'")


def test_file_with_byte_order_mark_loads(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_bytes(b"\xef\xbb\xbfactors:\n  a: {kind: person, names: [A]}\n")
    assert load_actors(path).ids == ("a",)


# ---------------------------------------------------------------- check_actor


def test_check_actor_returns_a_valid_id(real):
    assert check_actor(real, "putin") == "putin"
    assert check_actor(real, "exiles") == "exiles"


def test_check_actor_unknown_id_lists_valid_ids_and_suggests(real):
    with pytest.raises(ActorConfigError) as info:
        check_actor(real, "putn")
    assert info.value.line is None
    assert str(info.value) == (
        "unknown actor 'putn'; valid actors: 'exiles', 'lukashenko', 'putin', 'nato' "
        f"(from {REAL_REGISTRY}); did you mean 'putin'?"
    )


@pytest.mark.parametrize("actor_id", ["zelensky", "other", "", None])
def test_check_actor_rejects_ids_not_in_the_registry(real, actor_id):
    with pytest.raises(ActorConfigError) as info:
        check_actor(real, actor_id)
    assert f"unknown actor {actor_id!r}" in str(info.value)
    assert "'exiles', 'lukashenko', 'putin', 'nato'" in str(info.value)
    assert "did you mean" not in str(info.value)


# ------------------------------------------------------------ part_of: nested groups


NESTED = yaml_text("""
    actors:
      democrats: {kind: group, names: [Democrats], group_nouns: [Democratic senators]}
      senate_democrats:
        kind: group
        names: [Senate Democrats]
        group_nouns: [Democratic senators]
        part_of: democrats
      leaders: {kind: group, group_nouns: [Senate Democratic leaders], part_of: [senate_democrats]}
""")


def test_a_phrase_may_belong_to_a_group_and_to_its_part():
    registry = parse_actors(NESTED)
    assert registry.get("senate_democrats").part_of == ("democrats",)
    assert registry.wholes("leaders") == ("senate_democrats", "democrats")  # nearest first, transitively
    assert registry.wholes("democrats") == ()


@pytest.mark.parametrize(("text", "expected"), [
    ("actors:\n  a: {kind: group, names: [X], part_of: b}\n", "names an unknown actor 'b'"),
    ("actors:\n  a: {kind: group, names: [X], part_of: b}\n  b: {kind: group, names: [Y], part_of: a}\n",
     "is part of itself"),
    ("actors:\n  a: {kind: group, names: [X]}\n  b: {kind: group, names: [X]}\n",
     "or say that one is part of the other"),
])
def test_part_of_is_checked(text, expected):
    assert expected in str(config_error(text))
