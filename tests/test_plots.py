import hashlib

from analysis.plots import TITLE_WIDTH, article_dispersion_figure, highlight_mentions, save_figure


def test_dispersion_figure_explains_itself(seed_result, seed_article, registry):
    fig = article_dispersion_figure(seed_result.mentions, seed_article, registry)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert [label.split(" (n=")[0] for label in labels] == ["Belarusian exiles", "Lukashenko", "Putin", "NATO"]
    title = ax.get_title(loc="left")
    assert seed_article.title in " ".join(title.split()) and f"({seed_article.outlet})" in title
    assert max(len(line) for line in title.splitlines()) <= TITLE_WIDTH  # wrapped: never wider than the plot
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
    ticks = [line for line in ax.lines if line.get_marker() == "|"]
    assert sorted(float(c.get_xdata()[0]) for c in ticks) == [0.2, 0.4]
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert min(d.get_zorder() for d in dots) > max(t.get_zorder() for t in ticks)  # a score on its baseline shows
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("baseline" in t for t in legend) and any("95%" in t for t in legend)
    assert ax.get_xlim()[0] < 0 and ax.get_xlim()[1] > 1  # a score or baseline of 0 or 1 is not cut off
    assert save_figure(fig, tmp_path / "scores.png").stat().st_size > 0


def test_confusion_tables_show_counts_and_row_shares():
    import pandas as pd

    from analysis.plots import plot_confusion_tables

    table = pd.DataFrame([[8, 2], [0, 0]], index=["neg", "pos"], columns=["neg", "pos"])
    fig = plot_confusion_tables({"first": table, "second": table})
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["first (n=10)", "second (n=10)"]
    cells = [t.get_text() for t in fig.axes[0].texts]
    assert cells == ["8\n80%", "2\n20%", "0\n0%", "0\n0%"]  # an empty gold row does not divide by zero


def test_stance_network_labels_sit_beside_their_nodes_not_on_them():
    import networkx as nx

    from analysis.plots import plot_stance_network

    graph = nx.DiGraph()
    for n, registry_actor in (("a", True), ("b", True), ("other:Officials", False)):
        graph.add_node(n, label=n.removeprefix("other:"), in_registry=registry_actor)
    graph.add_edge("other:Officials", "a", stance="favor", n=1)
    graph.add_edge("a", "b", stance="against", n=2)
    ax = plot_stance_network(graph).axes[0]
    labels = {t.get_text(): t.get_position() for t in ax.texts if not t.get_text().startswith("n=")}
    assert set(labels) == {"a", "b", "Officials"}
    # an edge with more than one piece of evidence says how many; a dashed one (n=1) needs no label
    assert sorted(t.get_text() for t in ax.texts if t.get_text().startswith("n=")) == ["n=2"]
    # the layout is a circle of radius 1: every label lies outside it, so no node or arrowhead is under a label
    assert all((x * x + y * y) ** 0.5 > 1.1 for x, y in labels.values())


def test_an_empty_stance_panel_says_why_it_is_empty():
    import networkx as nx

    from analysis.plots import plot_stance_network

    graph = nx.DiGraph()
    graph.add_node("a", label="a", in_registry=True)
    texts = [t.get_text() for t in plot_stance_network(graph).axes[0].texts]
    assert "no stance found in this article" in texts
    graph.add_node("b", label="b", in_registry=True)
    graph.add_edge("a", "b", stance="against", n=1)
    assert "no stance found in this article" not in [t.get_text() for t in plot_stance_network(graph).axes[0].texts]
