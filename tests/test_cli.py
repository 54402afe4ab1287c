"""The command line: every bad argument or missing file is one ``error:`` line and exit status 2.

The commands' work is tested with the modules that do it; here only what the
command line itself promises: clear errors, nothing half-written, no traceback.
"""

import pytest

from analysis.cli import main


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["run", "{missing}", "--quiet"], "no such file or folder"),
        (["run", "corpus", "--actors", "{missing}.yaml", "--quiet"], "actor registry YAML file"),
        (["run", "corpus", "--schemes", "{missing}.yaml", "--quiet"], "frame scheme YAML file"),
        (["evaluate", "polnear"], "give the data file"),
        (["evaluate", "newsmtsc", "{missing}.jsonl"], "no such file"),
        (["evaluate", "persent"], "give the data file"),
        (["evaluate", "basil", "{missing}"], "give the BASIL folder"),
        (["evaluate", "basil", "corpus", "--lexicon", "words.tsv"], "--lexicon needs --backend lexicon"),
        (["evaluate", "frames", "{missing}.csv", "--scheme", "mfc_policy", "--text", "a", "--label", "b"],
         "no such file"),
        (["train", "teacher-targets"], "needs --texts"),
        (["actors", "check", "{missing}.yaml"], "actor registry YAML file"),
        (["frames", "learn", "{missing}.csv", "--text", "a", "--label", "b", "--out", "{tmp}/scheme"],
         "CSV file of coded units"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_bad_input_is_one_error_line_and_status_2(argv, says, tmp_path, capsys):
    argv = [a.format(missing=tmp_path / "nowhere", tmp=tmp_path) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert says in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing half-written


COMMANDS = ("run", "evaluate", "train", "figures", "import", "exercises", "actors", "frames", "kwic")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: ") and f" {command}" in out.splitlines()[0]


def test_the_overview_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(command in out for command in COMMANDS)


@pytest.mark.parametrize(
    "argv",
    [["kwic", "corpus", "--actor", "nobody"], ["run", "corpus", "--act", "a.yaml"],
     ["frames", "learn", "c.csv", "--text", "a", "--label", "b", "--out", "o", "--non", "0"]],
    ids=" ".join,
)
def test_an_option_is_taken_only_as_written_in_full(argv, capsys):
    """'--actor' is no abbreviation of '--actors': an unknown option, said so, not a missing registry."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert f"unrecognized arguments: {argv[-2]}" in capsys.readouterr().err
