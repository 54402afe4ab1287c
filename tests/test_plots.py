import hashlib

from analysis.plots import article_dispersion_figure, highlight_mentions, save_figure


def test_dispersion_figure_explains_itself(seed_result, seed_article, registry):
    fig = article_dispersion_figure(seed_result.mentions, seed_article, registry)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert [label.split(" (n=")[0] for label in labels] == ["Belarusian exiles", "Lukashenko", "Putin", "NATO"]
    assert seed_article.title in ax.get_title(loc="left")
    assert "words" in ax.get_xlabel()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("pronoun" in t for t in legend)


def test_saved_figures_are_byte_identical(seed_result, seed_article, registry, tmp_path):
    digests = []
    for name in ("one.png", "two.png"):
        fig = article_dispersion_figure(seed_result.mentions, seed_article, registry)
        digests.append(hashlib.sha256(save_figure(fig, tmp_path / name).read_bytes()).hexdigest())
    assert digests[0] == digests[1]
    svg = save_figure(article_dispersion_figure(seed_result.mentions, seed_article, registry), tmp_path / "f.svg")
    assert "<dc:date>" not in svg.read_text()


def test_highlight_marks_resolved_mentions(seed_result, seed_article, registry):
    html = highlight_mentions(seed_article.text, seed_result.mentions, registry=registry)
    assert "putin · pronoun" in html and "lukashenko" in html
    assert "Belarus has been used" in html


def _validation_scores():
    import numpy as np
    import pandas as pd

    return pd.DataFrame({
        "stage": ["sentiment", "sentiment", "stance"], "data": ["demo"] * 3,
        "metric": ["macro-F1", "accuracy", "direction agrees"], "value": [0.8, 0.85, np.nan],
        "low": [0.7, 0.8, np.nan], "high": [0.9, 0.9, np.nan], "n": [40, 40, 0], "unit": ["targets"] * 2 + ["pairs"],
        "baseline": [0.2, 0.4, np.nan], "baseline_name": ["majority class"] * 2 + [""],
    })


def test_validation_forest_plot_groups_scores_and_marks_baselines(tmp_path):
    from analysis.plots import plot_validation_scores

    fig = plot_validation_scores(_validation_scores())
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Sentiment · demo", "macro-F1", "accuracy", "Stance · demo", "direction agrees"]
    texts = [t.get_text() for t in ax.texts]
    assert "nothing to score" in texts and "0.80" in texts
    notes = [t.get_text() for t in ax.texts] + [a.get_text() for a in ax.findobj(lambda o: hasattr(o, "xyann"))]
    assert "n=40 targets" in notes and "n=0 pairs" in notes
    crosses = [line for line in ax.lines if line.get_marker() == "x"]
    assert sorted(float(c.get_xdata()[0]) for c in crosses) == [0.2, 0.4]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("baseline" in t for t in legend) and any("95%" in t for t in legend)
    assert ax.get_xlim()[0] < 0 and ax.get_xlim()[1] > 1  # a score or baseline of 0 or 1 is not cut off
    assert save_figure(fig, tmp_path / "scores.png").stat().st_size > 0


def test_confusion_tables_show_counts_and_row_shares():
    import pandas as pd

    from analysis.plots import plot_confusion_tables

    table = pd.DataFrame([[8, 2], [0, 0]], index=["neg", "pos"], columns=["neg", "pos"])
    fig = plot_confusion_tables({"first": table, "second": table})
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["first", "second"]
    cells = [t.get_text() for t in fig.axes[0].texts]
    assert cells == ["8\n80%", "2\n20%", "0\n0%", "0\n0%"]  # an empty gold row does not divide by zero
