"""The package's layout: stages meet only in the records and in ``pipeline.py``.

Read with the standard library's ``ast``, so the test sees every import,
including those inside functions.
"""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "analysis"
#: The analysis stages: none of them may import another.
STAGES = ("mentions", "quotes", "coref", "sentiment", "stance", "roles", "framing")


def _imports(module: str) -> list[tuple[str, str, int]]:
    """``(imported module, imported name, line)`` of each package-relative import of ``module``."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            relative = node.level == 1 or (node.module or "").startswith("analysis")
            if not relative:
                continue
            target = (node.module or "").removeprefix("analysis").lstrip(".").split(".")[0]
            for alias in node.names:
                found.append((target or alias.name, alias.name, node.lineno))
    return found


MODULES = sorted(p.stem for p in PACKAGE.glob("*.py"))


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_no_other_stage(stage):
    others = [(target, line) for target, _, line in _imports(stage) if target in STAGES and target != stage]
    assert others == [], f"analysis/{stage}.py imports other stages: {others}"


@pytest.mark.parametrize("module", MODULES)
def test_no_module_imports_a_private_name_of_another(module):
    private = [(target, name, line) for target, name, line in _imports(module)
               if name.startswith("_") and not name.startswith("__") and target != module]
    assert private == [], f"analysis/{module}.py imports private names: {private}"


def test_the_layout_test_sees_imports_inside_functions(tmp_path, monkeypatch):
    # a check that could not fail would prove nothing: a stage importing a stage inside a function is caught
    (tmp_path / "quotes.py").write_text("def f():\n    from .stance import _private\n    return _private\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path)
    assert _imports("quotes") == [("stance", "_private", 2)]


def test_the_package_re_exports_the_verbs_a_notebook_needs():
    import analysis

    assert {"load_corpus", "load_actors", "analyze", "summarize_sentiment", "stance_graph", "speaker_shares",
            "kwic"} <= set(analysis.__all__)
    for name in analysis.__all__:  # the very objects of the modules that define them, not copies
        value = getattr(analysis, name)
        module = __import__(value.__module__, fromlist=[name])
        assert getattr(module, name) is value, name
