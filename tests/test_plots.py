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
