"""Figures and highlighted text, drawn from the pipeline's tables.

Every figure a notebook shows comes from a function here and is written to
``figures/`` by :func:`save_figure`, which strips timestamps and software
versions from the file metadata so that two runs give identical bytes.

Examples
--------
>>> import pandas as pd
>>> data = pd.DataFrame({"article_id": ["a", "a"], "actor": ["putin", "nato"], "method": ["name", "pronoun"],
...                      "word_offset": [3, 40], "n_words": [100, 100]})
>>> fig = plot_dispersion(data, title="Demo")
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['putin (n=1)', 'nato (n=1)']
"""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from spacy import displacy

from .concordance import dispersion
from .types import OTHER_ACTOR, ActorRegistry, Article

__all__ = [
    "actor_palette",
    "plot_dispersion",
    "article_dispersion_figure",
    "highlight_mentions",
    "save_figure",
    "RESOLVED_METHODS",
]

#: Methods that resolve a reference rather than match a name.
RESOLVED_METHODS = ("pronoun", "description", "speaker")


def actor_palette(actors: list[str]) -> dict[str, str]:
    """A fixed colour per actor (colour-blind safe), in the order given.

    >>> actor_palette(["exiles", "putin"])["exiles"]
    '#0173b2'
    """
    colours = sns.color_palette("colorblind", max(len(actors), 1)).as_hex()
    palette = {actor: colours[i % len(colours)] for i, actor in enumerate(actors)}
    palette[OTHER_ACTOR] = "#bbbbbb"
    return palette


def _actor_order(data: pd.DataFrame, registry: ActorRegistry | None) -> list[str]:
    present = list(dict.fromkeys(data.actor))
    if registry is None:
        return present
    return [a for a in registry.ids if a in present] + [a for a in present if a not in registry.ids]


def _label(actor: str, registry: ActorRegistry | None) -> str:
    if registry is None or actor not in registry.ids:
        return actor
    return registry.get(actor).label


def plot_dispersion(data: pd.DataFrame, *, article_id: str | None = None, registry: ActorRegistry | None = None,
                    title: str | None = None, ax=None):
    """Dispersion plot: one row per actor, one tick per mention, by position.

    Ticks for mentions found by name (names, aliases, members, group nouns,
    metonyms) are solid; those resolved in context (pronouns, descriptions,
    quoted first persons) are hollow, so a reader sees how much the picture
    depends on resolution.

    Parameters
    ----------
    data
        :func:`analysis.concordance.dispersion` rows.
    article_id
        Plot this article (required if ``data`` holds several).
    registry
        For actor labels and order.
    title
        Figure title; default names the article.
    ax
        Draw into this axes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if article_id is not None:
        data = data[data.article_id == article_id]
    articles = sorted(set(data.article_id))
    if len(articles) > 1:
        raise ValueError(f"data holds {len(articles)} articles; pass article_id= one of {articles}")
    order = _actor_order(data, registry)
    palette = actor_palette(registry.ids if registry is not None else order)
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 0.6 * max(len(order), 1) + 1.6))
    else:
        fig = ax.figure
    for row, actor in enumerate(order):
        rows = data[data.actor == actor]
        named = rows[~rows.method.isin(RESOLVED_METHODS)]
        resolved = rows[rows.method.isin(RESOLVED_METHODS)]
        colour = palette.get(actor, "#555555")
        ax.scatter(named.word_offset, [row] * len(named), marker="|", s=400, linewidths=2.2, color=colour)
        ax.scatter(resolved.word_offset, [row] * len(resolved), marker="o", s=36, facecolors="none",
                   edgecolors=colour, linewidths=1.4)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([f"{_label(a, registry)} (n={int((data.actor == a).sum())})" for a in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    n_words = int(data.n_words.max()) if len(data) else 0
    ax.set_xlim(0, max(n_words, 1))
    ax.set_xlabel("Position in the article (words from the start)")
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    handles = [
        plt.Line2D([], [], marker="|", linestyle="none", markersize=12, markeredgewidth=2, color="#444444",
                   label="by name, alias, member, group noun or metonym"),
        plt.Line2D([], [], marker="o", linestyle="none", markersize=6, markerfacecolor="none",
                   markeredgecolor="#444444", label="resolved: pronoun, description, quoted speaker"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=2, frameon=False,
              fontsize="small")
    name = title or f"Where each actor is mentioned: {articles[0] if articles else ''}"
    ax.set_title(name, loc="left")
    fig.tight_layout()
    return fig


def article_dispersion_figure(mentions: pd.DataFrame, article: Article, registry: ActorRegistry | None = None):
    """The dispersion plot of one article, titled with its title (as written by
    ``python -m analysis run --figures`` and shown in notebook 01)."""
    data = dispersion(mentions[mentions.article_id == article.id], [article])
    constructed = " (constructed text)" if article.constructed else ""
    title = f"Where each actor is mentioned: {article.title or article.id}{constructed}"
    return plot_dispersion(data, article_id=article.id, registry=registry, title=title)


def highlight_mentions(text: str, mentions: pd.DataFrame, *, registry: ActorRegistry | None = None,
                       include_other: bool = False, title: str | None = None) -> str:
    """The article as HTML with every actor mention highlighted (spaCy displaCy).

    Mentions found by name are labelled with the actor; resolved ones with
    the actor and how ("putin · pronoun"). In a notebook,
    ``IPython.display.HTML(highlight_mentions(...))`` shows it.
    """
    rows = mentions if include_other else mentions[mentions.actor != OTHER_ACTOR]
    palette = actor_palette(registry.ids if registry is not None else list(dict.fromkeys(rows.actor)))
    ents, colours, last_end = [], {}, -1
    for m in rows.sort_values(["start", "end"]).itertuples():
        if m.start < last_end:
            continue  # displaCy cannot draw overlapping spans
        label = m.actor if m.method not in RESOLVED_METHODS else f"{m.actor} · {m.method}"
        colours[label] = palette.get(m.actor, "#dddddd") + ("55" if m.method in RESOLVED_METHODS else "aa")
        ents.append({"start": int(m.start), "end": int(m.end), "label": label})
        last_end = m.end
    page = {"text": text, "ents": ents, "title": html.escape(title) if title else None}
    return displacy.render(page, style="ent", manual=True, jupyter=False, options={"colors": colours})


def save_figure(fig, path: str | Path, *, dpi: int = 150) -> Path:
    """Write a figure with no timestamp or version in its metadata (PNG, SVG or PDF),
    so that regenerating it gives identical bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}}
    with plt.rc_context({"svg.hashsalt": "analysis", "svg.fonttype": "none"}):
        fig.savefig(path, dpi=dpi, metadata=metadata.get(suffix.lstrip("."), {}), bbox_inches="tight")
    return path
