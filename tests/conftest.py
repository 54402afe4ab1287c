"""Shared fixtures: the parsed seed article is built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _isolated_parse_cache(tmp_path_factory):
    """Parses made by the tests go to a temporary cache, not the user's."""
    folder = tmp_path_factory.mktemp("parse-cache")
    old = os.environ.get("ANALYSIS_CACHE_DIR")
    os.environ["ANALYSIS_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("ANALYSIS_CACHE_DIR", None)
    else:
        os.environ["ANALYSIS_CACHE_DIR"] = old


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="session")
def registry():
    from analysis import load_actors

    return load_actors(ROOT / "corpus" / "actors.yaml")


@pytest.fixture(scope="session")
def seed_article():
    from analysis import load_corpus

    (article,) = [a for a in load_corpus(ROOT / "corpus") if a.id == "belarus-exiles-cnn"]
    return article


@pytest.fixture(scope="session")
def seed_result(seed_article, registry):
    from analysis import analyze

    return analyze([seed_article], registry, cache_dir=False, progress=False)
