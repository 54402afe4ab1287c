"""Manual coding: unit ids, sheets, CSV checks, the coding session, merging and agreement (coders and machine)."""

import math
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.agreement import _kappa_and_percent, agreement, confusion, machine_agreement
from analysis.coding import (
    MACHINE,
    SHEET_COLUMNS,
    TASKS,
    coding_sheet,
    load_codes,
    merge_codes,
    save_sheet,
    tool_labels,
)
from analysis.coding_form import CodingSession, coding_form
from analysis.errors import AnalysisError
from analysis.exercises import simulate_coder
from analysis.framing import load_frame_scheme
from analysis.plots import plot_confusion, plot_machine_agreement, save_figure

TEXT_A = "Ann Kerr thanked Bo Lind.\nBo Lind criticised\nAnn Kerr and she left."
TEXT_B = "Bo Lind spoke."


def _span(text, needle, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


@pytest.fixture
def tables():
    """Hand-made tables of two short articles, as the pipeline writes them."""
    s0, s1 = (0, TEXT_A.index(".") + 1), (TEXT_A.index("Bo Lind criticised"), len(TEXT_A))
    sentences = pd.DataFrame([
        ["a", 0, *s0, TEXT_A[slice(*s0)]], ["a", 1, *s1, TEXT_A[slice(*s1)]], ["b", 0, 0, 14, TEXT_B],
    ], columns=["article_id", "sentence_id", "start", "end", "text"])
    spans = [("a", 0, _span(TEXT_A, "Ann Kerr"), "Ann Kerr", "ann"),
             ("a", 0, _span(TEXT_A, "Bo Lind"), "Bo Lind", "bo"),
             ("a", 1, _span(TEXT_A, "Bo Lind", 1), "Bo Lind", "bo"),
             ("a", 1, _span(TEXT_A, "Ann Kerr", 1), "Ann Kerr", "ann"), ("a", 1, _span(TEXT_A, "she"), "she", "ann"),
             ("b", 0, (0, 7), "Bo Lind", "bo")]
    mentions = pd.DataFrame([[a, s, st, en, t, actor, t] for a, s, (st, en), t, actor in spans],
                            columns=["article_id", "sentence_id", "start", "end", "text", "actor", "canonical"])
    sentiment = mentions.assign(label=["neutral", "positive", "neutral", "negative", "negative", "positive"],
                                score=[0.0, 0.8, 0.1, -0.7, -0.4, 0.6], confidence=0.9, voice="author",
                                method="model", evidence="SECRET-EVIDENCE")
    stance = pd.DataFrame([
        ["a", "ann", "bo", "favor", "thanked", 0], ["a", "bo", "ann", "against", "criticised", 1],
        ["a", "bo", "ann", "favor", "quote", 1], ["a", "bo", "ann", "favor", "quote", 1],
    ], columns=["article_id", "source_actor", "target_actor", "stance", "cue", "sentence_id"]).assign(
        source_name="", target_name="", evidence="SECRET-EVIDENCE", basis="relation")
    roles = pd.DataFrame([["a", "ann", "antagonist"], ["a", "bo", "none"], ["b", "bo", "protagonist"]],
                         columns=["article_id", "actor", "main_role"]).assign(evidence="SECRET-EVIDENCE")
    # sentence 0: human interest; sentence 1: a tie of conflict and morality (and a higher score in another
    # scheme, and an article row); article b: no frame
    frames = pd.DataFrame([
        ["a", "generic_news", "human_interest", "sentence", 0, 1.0],
        ["a", "generic_news", "morality", "sentence", 1, 2.0], ["a", "generic_news", "conflict", "sentence", 1, 2.0],
        ["a", "mfc_policy", "political", "sentence", 1, 5.0],
        ["a", "generic_news", "responsibility", "article", None, 9.0],
    ], columns=["article_id", "scheme", "frame", "level", "sentence_id", "score"]).assign(
        indicators="thanked", evidence="SECRET-EVIDENCE", confidence=1.0, rank=1)
    return {"sentences": sentences, "mentions": mentions, "sentiment": sentiment, "stance": stance, "roles": roles,
            "frames": frames}


def _codes(coder, labels, units=None):
    units = units or [f"u{i}" for i in range(len(labels))]
    return pd.DataFrame({"unit_id": units, "coder": coder, "label": labels})


# --------------------------------------------------------------------------- units and sheets


def test_unit_ids_come_from_offsets_not_row_order(tables):
    sheet = coding_sheet(tables, "sentiment")
    assert sheet.unit_id.tolist() == ["a:0-8:ann", "a:17-24:bo", "a:26-33:bo", "a:45-53:ann", "a:58-61:ann",
                                      "b:0-7:bo"]
    shuffled = {**tables, "sentiment": tables["sentiment"].sample(frac=1, random_state=3)}
    assert coding_sheet(shuffled, "sentiment").unit_id.tolist() == sheet.unit_id.tolist()
    assert coding_sheet(shuffled, "sentiment", sample=3, seed=7).unit_id.tolist() == \
        coding_sheet(tables, "sentiment", sample=3, seed=7).unit_id.tolist()
    assert coding_sheet(tables, "stance").unit_id.tolist() == ["a:s0:ann>bo", "a:s1:bo>ann"]
    assert coding_sheet(tables, "role").unit_id.tolist() == ["a:ann", "a:bo", "b:bo"]


def test_sample_is_seeded_and_in_text_order(tables):
    first = coding_sheet(tables, "sentiment", sample=3, seed=1).unit_id.tolist()
    assert first == coding_sheet(tables, "sentiment", sample=3, seed=1).unit_id.tolist()
    assert len(first) == 3 and set(first) < set(coding_sheet(tables, "sentiment").unit_id)
    order = coding_sheet(tables, "sentiment").unit_id.tolist()
    assert first == [u for u in order if u in first]
    assert {tuple(coding_sheet(tables, "sentiment", sample=3, seed=s).unit_id) for s in range(6)} != {tuple(first)}
    with pytest.raises(AnalysisError, match="sample"):
        coding_sheet(tables, "sentiment", sample=0)


@pytest.mark.parametrize("task", list(TASKS))
def test_sheet_hides_the_tools_labels(tables, task):
    sheet = coding_sheet(tables, task, coder="ana")
    text = sheet.to_csv()
    assert "SECRET-EVIDENCE" not in text
    assert sheet.columns.tolist() == SHEET_COLUMNS[task]
    assert (sheet.label == "").all() and (sheet.coder == "ana").all() and (sheet.task == task).all()
    tool = tool_labels(tables, task)
    assert tool.unit_id.tolist() == sheet.unit_id.tolist()
    assert not [c for c in sheet if sheet[c].astype(str).tolist() == tool.label.tolist()]
    assert tool.label.isin(TASKS[task]).all()


def test_context_marks_the_target_on_one_line(tables):
    sheet = coding_sheet(tables, "sentiment").set_index("unit_id")
    assert sheet.loc["a:58-61:ann", "context"] == "Bo Lind criticised Ann Kerr and ⟦she⟧ left."
    assert sheet.loc["a:17-24:bo", "context"] == "Ann Kerr thanked ⟦Bo Lind⟧."
    stance = coding_sheet(tables, "stance").set_index("unit_id")
    assert stance.loc["a:s1:bo>ann", "context"] == "Bo Lind criticised ⟦Ann Kerr⟧ and ⟦she⟧ left."
    assert stance.loc["a:s1:bo>ann", ["source", "target"]].tolist() == ["bo", "ann"]
    role = coding_sheet(tables, "role").set_index("unit_id")
    assert role.loc["a:bo", "context"] == "Ann Kerr thanked ⟦Bo Lind⟧. … ⟦Bo Lind⟧ criticised Ann Kerr and she left."


def test_frame_units_are_sentences_with_the_schemes_top_frame(tables):
    sheet = coding_sheet(tables, "frame", coder="ana")
    assert sheet.unit_id.tolist() == ["a:s0", "a:s1", "b:s0"]
    assert sheet.context.tolist()[1] == "Bo Lind criticised Ann Kerr and she left."  # one line, nothing marked
    tool = tool_labels(tables, "frame")
    # a tie goes to the scheme's first frame; other schemes and article rows do not count; no row: none
    assert tool.label.tolist() == ["human_interest", "conflict", "none"]
    other_schemes_only = {**tables, "frames": tables["frames"].assign(scheme="mfc_policy")}
    assert tool_labels(other_schemes_only, "frame").label.tolist() == ["", "", ""]  # not run: unknown, not none


def test_frame_labels_are_the_generic_news_frames_and_none():
    assert TASKS["frame"] == (*load_frame_scheme("generic_news").ids, "none")


def test_stance_unit_with_several_edges_gets_the_net_label(tables):
    tool = tool_labels(tables, "stance").set_index("unit_id").label
    assert tool.to_dict() == {"a:s0:ann>bo": "favor", "a:s1:bo>ann": "favor"}  # 2 favor, 1 against: net 1/3
    mixed = {**tables, "stance": tables["stance"].iloc[:3]}  # 1 favor, 1 against: net 0
    assert tool_labels(mixed, "stance").set_index("unit_id").label["a:s1:bo>ann"] == "neutral"


def test_other_actors_keep_their_names_in_unit_ids(tables):
    stance = tables["stance"].iloc[:1].assign(source_actor="other", source_name="Joe Biden")
    assert coding_sheet({**tables, "stance": stance}, "stance").unit_id.tolist() == ["a:s0:other:Joe Biden>bo"]


def test_a_results_folder_works_like_the_tables(tables, tmp_path):
    for name, table in tables.items():
        table.to_csv(tmp_path / f"{name}.csv", index=False)
    pd.testing.assert_frame_equal(coding_sheet(tmp_path, "stance"), coding_sheet(tables, "stance"))
    with pytest.raises(AnalysisError, match=r"unknown coding task 'tone'.*sentiment, stance, role"):
        coding_sheet(tables, "tone")
    with pytest.raises(AnalysisError, match="no 'roles' table"):
        coding_sheet({"sentences": tables["sentences"]}, "role")


# --------------------------------------------------------------------------- files


def test_csv_round_trip_keeps_every_cell(tables, tmp_path):
    sheet = coding_sheet(tables, "role", coder="ana").assign(label=["none", "innocent", ""], note=["NA", "", ""])
    path = save_sheet(sheet, tmp_path / "sub" / "role_ana.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    loaded = load_codes(path)
    assert loaded.label.tolist() == ["none", "innocent", ""]  # "none" and "NA" are not read as missing
    assert loaded.note.tolist() == ["NA", "", ""]
    assert loaded.context.tolist() == sheet.context.tolist()  # ⟦ ⟧ and … survive
    assert loaded.columns.tolist() == sheet.columns.tolist()


def test_saving_again_never_loses_codes(tables, tmp_path):
    sheet = coding_sheet(tables, "sentiment", coder="ana")
    path = save_sheet(sheet.assign(label=["positive"] + [""] * 5), tmp_path / "s.csv")
    save_sheet(sheet, path)  # e.g. the notebook is run again
    assert load_codes(path).label.tolist() == ["positive"] + [""] * 5
    with pytest.raises(AnalysisError, match=r"s\.csv: already holds 1 code\(s\) of units not on this sheet"):
        save_sheet(sheet.iloc[1:], path)
    save_sheet(sheet.iloc[1:], path, overwrite=True)
    assert (load_codes(path).label == "").all()


@pytest.mark.parametrize("content, message", [
    ("unit_id,task,label\nu1,sentiment,positive\n", r"bad\.csv: missing column\(s\) 'coder'"),
    ("unit_id,label,coder\nu1,positive,ana\n", r"bad\.csv: missing column\(s\) 'task' \(or pass task="),
    ("unit_id,task,label,coder\nu1,sentiment,positive,ana\nu2,sentiment,postive,ana\nu3,sentiment,,ana\n"
     "u4,sentiment,good,ana\n", r"bad\.csv: 2 label\(s\) not valid for task 'sentiment': row 3 'postive', "
                                r"row 5 'good'; valid labels: negative, neutral, positive"),
    ("unit_id,task,label,coder\nu1,stance,favor,ana\nu2,stance,against, \n", r"bad\.csv: coded row\(s\) 3 have no "
                                                                            r"coder name"),
    ("unit_id,task,label,coder\nu1,tone,favor,ana\n", r"bad\.csv: unknown task 'tone' at row 2"),
    ("unit_id,task,label,coder\nu1,stance,favor,ana\n,stance,favor,ana\n", r"bad\.csv: no unit_id at row\(s\) 3"),
    ("unit_id,task,label,coder\nu1,stance,favor,ana\nu2,role,none,ana\n", r"bad\.csv: mixes tasks role, stance"),
])
def test_load_codes_names_the_file_and_row(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AnalysisError, match=message):
        load_codes(path)


def test_load_codes_accepts_case_and_task_argument(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("unit_id,label,coder\nu1, Positive ,ana\nu2,,\n", encoding="utf-8")
    codes = load_codes(path, task="sentiment")
    assert codes.label.tolist() == ["positive", ""] and (codes.task == "sentiment").all()
    with pytest.raises(AnalysisError, match="row 2 is a 'sentiment' unit, but task 'stance'"):
        load_codes(save_sheet(codes, tmp_path / "with_task.csv"), task="stance")
    with pytest.raises(AnalysisError, match=r"nothere\.csv: no such coding sheet"):
        load_codes(tmp_path / "nothere.csv")


# --------------------------------------------------------------------------- the coding session and form


@pytest.fixture
def sheet(tables):
    return coding_sheet(tables, "role", coder="ana")


def test_session_navigates_codes_and_saves_every_time(sheet, tmp_path):
    path = tmp_path / "role_ana.csv"
    session = CodingSession(sheet, path)
    assert (session.progress, session.current.unit_id, session.n_coded) == ("1 / 3", "a:ann", 0)
    assert session.back() is False and session.position == 0
    session.code("Antagonist")
    assert session.progress == "2 / 3"  # moved on
    assert load_codes(path).label.tolist() == ["antagonist", "", ""]  # saved on the click
    assert session.next() and session.current.unit_id == "b:bo"
    assert session.next() is False and session.progress == "3 / 3"
    session.code("protagonist")
    assert session.progress == "3 / 3" and not session.done
    assert session.back() and session.current.unit_id == "a:bo"
    session.code("none")
    assert session.done and load_codes(path).label.tolist() == ["antagonist", "none", "protagonist"]
    with pytest.raises(AnalysisError, match="'hero' is not a role label; valid: protagonist, antagonist, innocent"):
        session.code("hero")


def test_session_resumes_at_the_first_uncoded_unit(sheet, tmp_path):
    path = tmp_path / "role_ana.csv"
    CodingSession(sheet, path).code("innocent")
    again = CodingSession(sheet, path)  # a fresh (uncoded) sheet, same file
    assert again.current.unit_id == "a:bo" and again.n_coded == 1
    assert again.sheet.label.tolist() == ["innocent", "", ""]


def test_session_needs_a_coder_name(sheet):
    with pytest.raises(AnalysisError, match="no coder name"):
        CodingSession(sheet.assign(coder=""))
    assert CodingSession(sheet.assign(coder=""), coder="ben").code("none").sheet.coder[0] == "ben"


def test_form_buttons_drive_the_session(sheet, tmp_path):
    path = tmp_path / "role_ana.csv"
    form = coding_form(sheet, path)
    header, buttons = form.children[0], form.children[4].children
    assert [b.description for b in buttons] == list(TASKS["role"])
    assert "1 / 3" in header.value and "⟦" not in form.children[3].value and "<mark>" in form.children[3].value
    buttons[1].click()  # antagonist
    assert load_codes(path).label.tolist() == ["antagonist", "", ""]
    assert "2 / 3" in header.value and "1 coded" in header.value
    form.children[5].children[0].click()  # previous
    assert "1 / 3" in header.value and buttons[1].button_style == "info" and buttons[0].button_style == ""


def test_form_says_what_to_install_without_ipywidgets(sheet, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match="pip install ipywidgets"):
        coding_form(sheet, tmp_path / "x.csv")


# --------------------------------------------------------------------------- merging and agreement


def test_merge_two_coders_with_partial_overlap(tables, tmp_path):
    sheet = coding_sheet(tables, "sentiment")
    a = save_sheet(sheet.iloc[:4].assign(coder="ana", label=["neutral", "positive", "neutral", "negative"]),
                   tmp_path / "ana.csv")
    b = save_sheet(sheet.iloc[2:].assign(coder="ben", label=["neutral", "positive", "", "positive"]),
                   tmp_path / "ben.csv")
    codes = merge_codes([a, b])
    assert len(codes) == 7  # ben left one unit uncoded
    assert codes.columns.tolist()[:3] == ["unit_id", "coder", "label"]
    assert codes.groupby("coder").size().to_dict() == {"ana": 4, "ben": 3}
    pair = agreement(codes).iloc[0]
    assert (pair.a, pair.b, pair.n, pair.percent_agreement) == ("ana", "ben", 2, 50.0)
    assert codes.source[codes.coder == "ben"].iloc[0].endswith("ben.csv row 2")


def test_merge_keeps_the_last_duplicate_and_says_so():
    first, second = _codes("ana", ["positive", "neutral"]), _codes("ana", ["negative"])
    with pytest.warns(UserWarning, match="1 unit"):
        codes = merge_codes([first, second])
    row = codes.set_index("unit_id").loc["u0"]
    assert row.label == "negative" and "coded 2 times by ana; kept the last (<frame 2> row 2)" == row.note
    assert codes.set_index("unit_id").loc["u1", "note"] == ""


def test_merge_refuses_mixed_tasks():
    with pytest.raises(AnalysisError, match=r"codes of different tasks: role .*; stance"):
        merge_codes([_codes("ana", ["favor"]).assign(task="stance"), _codes("ben", ["none"]).assign(task="role")])


def test_kappa_and_alpha_match_hand_computation():
    # 10 units, 7 agreements; both coders: 4 positive, 3 neutral, 3 negative.
    # Ao = .7, Ae = .4² + .3² + .3² = .34, kappa = .36 / .66 = .5455.
    # alpha: n = 20 values (8 pos, 6 neu, 6 neg), De = (400 - 136) / 380, Do = 6 / 20,
    # alpha = 1 - .3 / (264 / 380) = .5682.
    ana = ["positive"] * 4 + ["neutral"] * 3 + ["negative"] * 3
    ben = ["positive"] * 3 + ["neutral"] * 3 + ["negative"] * 3 + ["positive"]
    table = agreement(pd.concat([_codes("ana", ana), _codes("ben", ben)]))
    pair = table.iloc[0]
    assert (pair.a, pair.b, pair.n, pair.percent_agreement) == ("ana", "ben", 10, 70.0)
    assert pair.kappa == pytest.approx(0.36 / 0.66, abs=1e-9)
    assert pair.alpha == pytest.approx(1 - 0.3 / (264 / 380), abs=1e-9)
    overall = table.iloc[-1]
    assert overall.a == "(all coders)" and overall.alpha == pytest.approx(pair.alpha) and math.isnan(overall.kappa)


def test_alpha_with_three_coders_and_missing_values():
    # u1: pos pos pos; u2: neg neg (C missing); u3: pos neg pos; u4: one value, not pairable.
    # n = 8 values (5 pos, 3 neg); De = (64 - 25 - 9) / 56; Do = (2*1*2 / 2) / 8 = .25.
    codes = pd.DataFrame({"unit_id": ["u1"] * 3 + ["u2"] * 2 + ["u3"] * 3 + ["u4"],
                          "coder": ["A", "B", "C", "A", "B", "A", "B", "C", "A"],
                          "label": ["pos", "pos", "pos", "neg", "neg", "pos", "neg", "pos", "neu"]})
    table = agreement(codes)
    assert table[["a", "b"]].values.tolist() == [["A", "B"], ["A", "C"], ["B", "C"], ["(all coders)", ""]]
    overall = table.iloc[-1]
    assert overall.n == 3 and overall.percent_agreement == pytest.approx(200 / 3, abs=0.01)
    assert overall.alpha == pytest.approx(1 - 0.25 / (30 / 56), abs=1e-9)
    assert table.set_index(["a", "b"]).loc[("A", "C"), "n"] == 2  # u1, u3


def test_undefined_and_empty_cases_give_nan_with_a_note():
    same = agreement(pd.concat([_codes("ana", ["neutral"] * 4), _codes("ben", ["neutral"] * 4)])).iloc[0]
    assert same.percent_agreement == 100.0 and math.isnan(same.kappa) and math.isnan(same.alpha)
    assert "kappa undefined" in same.note and "alpha undefined" in same.note
    # one coder constant, the other not: kappa is defined (0), not NaN
    one_sided = agreement(pd.concat([_codes("ana", ["neutral"] * 4), _codes("ben", ["neutral", "positive"] * 2)]))
    assert one_sided.kappa.iloc[0] == pytest.approx(0.0)
    apart = agreement(pd.concat([_codes("ana", ["neutral"], ["u1"]), _codes("ben", ["neutral"], ["u2"])]))
    assert apart.n.iloc[0] == 0 and math.isnan(apart.percent_agreement.iloc[0])
    assert apart.note.iloc[0] == "no units coded by both"
    assert apart.note.iloc[-1] == "no unit coded by 2 or more coders"
    alone = agreement(_codes("ana", ["neutral", "positive"]))
    assert len(alone) == 1 and alone.note.iloc[0] == "alpha needs at least 2 coders (found 1: ana)"
    with pytest.raises(AnalysisError, match="merge_codes"):
        agreement(pd.concat([_codes("ana", ["neutral"]), _codes("ana", ["positive"])]))


def test_each_coder_against_the_tool(tables):
    tool = tool_labels(tables, "sentiment")  # neutral positive neutral negative negative positive
    ana = _codes("ana", ["neutral", "positive", "positive"], tool.unit_id[:3].tolist())
    ben = _codes("ben", ["negative", "negative"], tool.unit_id[4:6].tolist())
    table = agreement(pd.concat([ana, ben]), tool=tool).set_index(["a", "b"])
    assert table.loc[("ana", "tool"), ["n", "percent_agreement"]].tolist() == [3, pytest.approx(200 / 3, abs=0.01)]
    assert table.loc[("ben", "tool"), ["n", "percent_agreement"]].tolist() == [2, 50.0]
    assert table.loc[("ana", "ben"), "n"] == 0
    assert "tool" not in table.loc[("(all coders)", "")].note  # the tool is not in the overall alpha
    with pytest.raises(AnalysisError, match="a coder is named 'tool'"):
        agreement(_codes("tool", ["neutral"]), tool=tool)


def test_confusion_counts_shared_units_only(tables):
    tool = tool_labels(tables, "sentiment")
    ana = _codes("ana", ["neutral", "negative", "negative"], tool.unit_id[:3].tolist()).assign(task="sentiment")
    table = confusion(ana, tool)
    assert table.index.name == "ana" and table.columns.name == "tool"
    assert table.index.tolist() == list(TASKS["sentiment"]) == table.columns.tolist()
    assert table.loc["neutral", "neutral"] == 1 and table.loc["negative", "positive"] == 1
    assert table.loc["negative", "neutral"] == 1 and int(table.to_numpy().sum()) == 3
    both = pd.concat([ana, ana.assign(coder="ben")])
    with pytest.raises(AnalysisError, match=r"codes_a holds codes of 2 coders \(ana, ben\); pick one with coder_a="):
        confusion(both, tool)
    assert confusion(both, tool, coder_a="ben").index.name == "ben"


def test_plot_confusion_is_written_by_save_figure(tables, tmp_path):
    table = confusion(tool_labels(tables, "role"), tool_labels(tables, "role").assign(coder="copy"))
    fig = plot_confusion(table)
    assert fig.axes[0].get_title(loc="left") == "tool vs copy: 3 of 3 units agree (100%)"
    assert sorted(t.get_text() for t in fig.axes[0].texts).count("1") == 3
    assert save_figure(fig, tmp_path / "confusion.png").stat().st_size > 1000


# --------------------------------------------------------------------------- the demo coder


def test_simulated_coder_is_seeded_and_roughly_at_its_rate():
    units = [f"u{i}" for i in range(2000)]
    sheet = pd.DataFrame({"unit_id": units, "task": "stance", "label": "", "coder": "", "note": ""})
    tool = pd.DataFrame({"unit_id": units, "label": ["favor", "against", "neutral", "favor"] * 500})
    one = simulate_coder(sheet, tool, agreement_rate=0.8, seed=5)
    assert one.equals(simulate_coder(sheet, tool, agreement_rate=0.8, seed=5))
    assert not one.label.equals(simulate_coder(sheet, tool, agreement_rate=0.8, seed=6).label)
    assert 0.77 < (one.label == tool.label).mean() < 0.83
    assert (one.note == "SIMULATED (demo only)").all() and (one.coder == "simulated").all()
    never = simulate_coder(sheet, tool, agreement_rate=0.0, seed=1)
    assert not (never.label == tool.label).any() and never.label.isin(TASKS["stance"]).all()
    with pytest.raises(AnalysisError, match="fills empty sheets only"):
        simulate_coder(one, tool)


def test_real_pipeline_units_match_the_tools(seed_result):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for task in TASKS:
            sheet, tool = coding_sheet(seed_result, task), tool_labels(seed_result, task)
            assert len(sheet) > 0 and sheet.unit_id.is_unique
            assert sheet.unit_id.tolist() == tool.unit_id.tolist()
    sheet = coding_sheet(seed_result, "sentiment").merge(seed_result.sentiment.assign(
        unit_id=lambda d: d.article_id + ":" + d.start.astype(str) + "-" + d.end.astype(str) + ":" + d.actor))
    marked = sheet.context.str.extract("⟦(.*?)⟧")[0]
    assert (marked == sheet.text.str.replace(r"\s+", " ", regex=True)).all()


# --------------------------------------------------------------------------- a machine among the coders


UNITS = [f"u{i}" for i in range(12)]
ANA = ["war", "war", "war", "money", "money", "money", "none", "none", "none", "war", "money", "none"]
BEN = ["war", "war", "money", "money", "money", "none", "none", "none", "war", "war", "money", "money"]


def _humans():
    return pd.concat([_codes("ana", ANA, UNITS), _codes("ben", BEN, UNITS)], ignore_index=True)


def _stat(table, pair, statistic="kappa"):
    (row,) = table[(table.pair == pair) & (table.statistic == statistic)].itertuples()
    return row


def test_a_machine_that_copies_its_teacher_agrees_perfectly_and_like_the_teacher_with_others():
    table = machine_agreement(_humans(), _codes("any", ANA, UNITS), teacher="ana", n_boot=200)
    assert table.pair.drop_duplicates().tolist() == ["ana vs ben", "machine vs ana (teacher)", "machine vs ben"]
    assert table.columns.tolist() == ["pair", "a", "b", "statistic", "value", "low", "high", "n", "note"]
    copy = _stat(table, "machine vs ana (teacher)")
    assert copy.value == 1.0 and copy.low == copy.high == 1.0 and copy.n == 12
    assert _stat(table, "machine vs ana (teacher)", "percent_agreement").value == 100.0
    assert "learned from ana" in copy.note
    for statistic in ("kappa", "percent_agreement"):  # a copy of ana is ana: the same agreement with ben
        assert _stat(table, "machine vs ben", statistic).value == pytest.approx(_stat(table, "ana vs ben",
                                                                                      statistic).value)
    expected = agreement(_humans()).set_index("a").loc["ana"]
    assert _stat(table, "ana vs ben").value == pytest.approx(expected.kappa)
    assert _stat(table, "ana vs ben", "percent_agreement").value == expected.percent_agreement


def test_a_machine_that_disagrees_gets_lower_values_and_the_pairs_count_their_shared_units():
    shifted = {"war": "money", "money": "none", "none": "war"}
    wrong = [shifted[label] for label in ANA[:9]]  # never ana's label, on the first 9 units only
    table = machine_agreement(_humans(), _codes("machine", wrong, UNITS[:9]), n_boot=200)
    assert _stat(table, "machine vs ana").value < 0 < _stat(table, "ana vs ben").value
    assert _stat(table, "machine vs ana", "percent_agreement").value == 0.0
    assert _stat(table, "machine vs ana").n == 9 and _stat(table, "ana vs ben").n == 12
    assert "(teacher)" not in "".join(table.pair)
    kappa = _stat(table, "ana vs ben")
    assert kappa.low <= kappa.value <= kappa.high and kappa.high - kappa.low > 0.1  # 12 units: a wide interval


def test_bootstrap_kappa_is_the_kappa_of_agreement():
    codes = _humans()
    labels = {label: i for i, label in enumerate(sorted(set(codes.label)))}
    kappa, percent = _kappa_and_percent(np.array([labels[x] for x in ANA]), np.array([labels[x] for x in BEN]))
    row = agreement(codes).iloc[0]
    assert kappa == pytest.approx(row.kappa) and percent == pytest.approx(row.percent_agreement, abs=0.01)


def test_machine_agreement_is_seeded_and_says_when_kappa_is_undefined():
    one_label = pd.concat([_codes("ana", ["war"] * 4), _codes("ben", ["war"] * 4)])
    table = machine_agreement(one_label, _codes("machine", ["war"] * 4), n_boot=50)
    kappa = _stat(table, "machine vs ana")
    assert math.isnan(kappa.value) and math.isnan(kappa.low) and "kappa undefined" in kappa.note
    assert _stat(table, "machine vs ana", "percent_agreement").value == 100.0
    again = machine_agreement(_humans(), _codes("m", BEN, UNITS), n_boot=100, seed=3)
    pd.testing.assert_frame_equal(again, machine_agreement(_humans(), _codes("m", BEN, UNITS), n_boot=100, seed=3))
    assert machine_agreement(_humans(), _codes("m", BEN, UNITS), n_boot=0)[["low", "high"]].isna().all().all()


@pytest.mark.parametrize(("codes", "machine", "teacher", "message"), [
    (_codes(MACHINE, ["war"]), _codes("m", ["war"]), None, "a coder is named 'machine'"),
    (_codes("ana", ["war"]), _codes("m", ["war"]), "ben", "teacher 'ben' is not among the coders \\(ana\\)"),
    (_codes("ana", ["war"]), pd.DataFrame({"unit_id": ["u0"]}), None, "machine need the columns unit_id, label"),
])
def test_machine_agreement_names_what_is_wrong(codes, machine, teacher, message):
    with pytest.raises(AnalysisError, match=message):
        machine_agreement(codes, machine, teacher=teacher)


def test_the_machine_agreement_figure_explains_itself(tmp_path):
    simulated = _humans().replace({"coder": {"ana": "simulated_1", "ben": "simulated_2"}})
    table = machine_agreement(simulated, _codes("m", ANA, UNITS), teacher="simulated_1", n_boot=50)
    fig = plot_machine_agreement(table)
    kappa_ax, percent_ax = fig.axes
    assert fig._suptitle.get_text().startswith("DEMO, simulated coders:")
    assert "n = 12 units" in kappa_ax.get_title(loc="left")
    assert [t.get_text() for t in kappa_ax.get_yticklabels()] == [
        "simulated_1 vs simulated_2", "machine vs simulated_1 (teacher)", "machine vs simulated_2"]
    assert "kappa" in kappa_ax.get_xlabel() and "percent" in percent_ax.get_xlabel()
    assert [t.get_text() for t in percent_ax.texts].count("n=12 units") == 3
    assert "DEMO" not in plot_machine_agreement(machine_agreement(_humans(), _codes("m", ANA, UNITS),
                                                                  n_boot=0))._suptitle.get_text()
    assert save_figure(fig, tmp_path / "machine.png").stat().st_size > 10_000
    with pytest.raises(AnalysisError, match="unknown statistic 'alpha'"):
        plot_machine_agreement(table.assign(statistic="alpha"))
