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
import math
import textwrap
from pathlib import Path

import matplotlib
import matplotlib.lines
import matplotlib.patches
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
import seaborn as sns
from spacy import displacy

from .coding import MACHINE, TOOL
from .concordance import dispersion
from .errors import AnalysisError
from .types import CORPUS_ROW, OTHER_ACTOR, ActorRegistry, Article

__all__ = [
    "figure_text",
    "actor_palette",
    "article_labels",
    "article_caption",
    "title_lines",
    "plot_dispersion",
    "article_dispersion_figure",
    "highlight_mentions",
    "highlight_quotes",
    "plot_speaker_shares",
    "plot_tone_heatmap",
    "plot_tone_by_voice",
    "plot_stance_network",
    "plot_stance_matrix",
    "plot_frame_profile",
    "plot_stance_networks",
    "plot_speakers_by_article",
    "plot_validation_scores",
    "plot_confusion_tables",
    "plot_confusion",
    "plot_machine_agreement",
    "save_figure",
    "show_table",
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
    palette["unknown"] = "#e6e6e6"  # quotes whose speaker was not found
    palette["unnamed source"] = "#8c8c8c"  # "officials", "a spokesman": found, but not named
    return palette


def article_labels(articles, *, width: int = 48, by: str = "title") -> dict[str, str]:
    """Article id -> a label for figures and legends: the title shortened at a
    word boundary with its outlet (or the outlet alone, ``by="outlet"``; or
    :func:`article_caption`, ``by="caption"``), with "(constructed)" after
    every text we wrote ourselves, so a reader never takes it for real news.

    >>> from analysis.types import Article
    >>> article_labels([Article(id="a", text="x", title="A long title about a port strike in the north",
    ...                         constructed=True)], width=24)
    {'a': 'A long title about a … (constructed)'}
    """
    if by == "caption":
        return {article.id: article_caption(article, width=width) for article in articles}
    labels = {}
    for article in articles:
        text = (article.outlet if by == "outlet" else article.title) or article.title or article.id
        text = textwrap.shorten(" ".join(str(text).split()), width=width, placeholder=" …", break_on_hyphens=False)
        marked = article.constructed and "constructed" not in text.lower()
        if marked:
            text = f"{text} (constructed)"
        elif by != "outlet" and article.outlet and not article.constructed:
            text = f"{text} ({article.outlet})"
        labels[article.id] = text
    return labels


def article_caption(article, *, width: int = 70) -> str:
    """How a figure's title names one article: its title in quotation marks
    (shortened at a word boundary), then its outlet, or "constructed text" for
    a text we wrote ourselves.

    >>> from analysis.types import Article
    >>> article_caption(Article(id="a", text="x", title="Port strike ends", outlet="Harbour Times"))
    '“Port strike ends” (Harbour Times)'
    """
    text = textwrap.shorten(" ".join(str(article.title or article.id).split()), width=width, placeholder=" …",
                            break_on_hyphens=False)
    tail = "constructed text" if article.constructed else (article.outlet or "")
    return f"“{text}”" + (f" ({tail})" if tail else "")


#: Titles longer than this many characters wrap, so a title never makes a figure wider than its plot.
TITLE_WIDTH = 78


def title_lines(text: str, fig, width: int | None = TITLE_WIDTH) -> str:
    """``text`` wrapped for a title of ``fig``: at most ``width`` characters a
    line (None: no limit but the figure's), fewer in a narrow figure, so a
    title never widens its figure."""
    fits = max(40, int(fig.get_figwidth() * 10))
    return textwrap.fill(" ".join(str(text).split()), fits if width is None else min(width, fits))


def _title(ax, text: str, width: int = TITLE_WIDTH, **kwargs) -> None:
    ax.set_title(title_lines(text, ax.figure, width), loc="left", **kwargs)


def show_table(frame: pd.DataFrame, *, rows: int | None = None, width: str = "42em"):
    """A table for reading in a notebook: every row (or the first ``rows``),
    every text in full, wrapped and left-aligned, numbers rounded to 3 places.

    Returns a pandas ``Styler``; a notebook shows it when it is the cell's
    last expression (``show_table(quotes[["speaker", "text"]])``).
    """
    shown = frame if rows is None else frame.head(rows)
    texts = [c for c in shown.columns if shown[c].dtype == object or pd.api.types.is_string_dtype(shown[c])]
    styler = shown.style.hide(axis="index").format(precision=3, na_rep="")
    styler = styler.set_properties(**{"text-align": "left", "vertical-align": "top"})
    if texts:
        styler = styler.set_properties(subset=texts, **{"white-space": "pre-wrap", "max-width": width,
                                                        "word-break": "break-word"})
    return styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])


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
    _title(ax, name)
    fig.tight_layout()
    return fig


def article_dispersion_figure(mentions: pd.DataFrame, article: Article, registry: ActorRegistry | None = None,
                              *, n_words: int | None = None):
    """The dispersion plot of one article, titled with its title (as written by
    ``python -m analysis run --figures`` and shown in notebook 01).
    ``n_words`` overrides the length taken from ``article.text``."""
    data = dispersion(mentions[mentions.article_id == article.id], [article])
    if n_words is not None:
        data = data.assign(n_words=n_words)
    title = f"Where each actor is mentioned in {article_caption(article)}"
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


def highlight_quotes(text: str, quotes: pd.DataFrame, *, registry: ActorRegistry | None = None,
                     title: str | None = None) -> str:
    """The article as HTML with every quote highlighted in its speaker's colour,
    labelled "speaker (actor) · direct|indirect"; unattributed quotes in grey."""
    palette = actor_palette(registry.ids if registry is not None else list(dict.fromkeys(quotes.speaker_actor)))
    ents, colours, last_end = [], {}, -1
    for q in quotes.sort_values(["start", "end"]).itertuples():
        if q.start < last_end:
            continue
        actor = q.speaker_actor if isinstance(q.speaker_actor, str) and q.speaker_actor else ""
        who = q.speaker if isinstance(q.speaker, str) and q.speaker else "no speaker found"
        if not actor and getattr(q, "speaker_kind", "") == "unnamed":
            who = f"unnamed source: {who}"
        label = f"{who} ({actor}) · {q.kind}" if actor else f"{who} · {q.kind}"
        colours[label] = palette.get(actor, "#cccccc") + ("88" if q.kind == "direct" else "44")
        ents.append({"start": int(q.start), "end": int(q.end), "label": label})
        last_end = q.end
    page = {"text": text, "ents": ents, "title": html.escape(title) if title else None}
    return displacy.render(page, style="ent", manual=True, jupyter=False, options={"colors": colours})


def plot_speaker_shares(shares: pd.DataFrame, *, registry: ActorRegistry | None = None, title: str | None = None,
                        ax=None):
    """Horizontal stacked bars: each speaker actor's share of the quoted words,
    split into direct and indirect speech (:func:`analysis.summaries.speaker_shares`,
    one article or summed over several)."""
    data = shares.groupby(["speaker_actor", "kind"], as_index=False).words.sum()
    total = data.words.sum() or 1
    data["share"] = data.words / total
    wide = data.pivot_table(index="speaker_actor", columns="kind", values="share", fill_value=0.0)
    for kind in ("direct", "indirect"):
        if kind not in wide:
            wide[kind] = 0.0
    order = [a for a in (registry.ids if registry is not None else []) if a in wide.index]
    order += sorted(a for a in wide.index if a not in order)
    wide = wide.loc[order]
    palette = actor_palette(registry.ids if registry is not None else order)
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 0.55 * max(len(order), 1) + 1.6))
    else:
        fig = ax.figure
    names = {OTHER_ACTOR: "others (not in the actors file)", "unknown": "no speaker found",
             "unnamed source": "unnamed sources (officials, a spokesman ...)"}
    labels = [names.get(a) or _label(a, registry) for a in order]
    colours = [palette.get(a, "#999999") for a in order]
    ax.barh(labels, wide["direct"], color=colours, label="direct (in quotation marks)")
    ax.barh(labels, wide["indirect"], left=wide["direct"], color=colours, alpha=0.45, hatch="//",
            label="indirect (reported)")
    for y, (d, i) in enumerate(zip(wide["direct"], wide["indirect"], strict=True)):
        ax.text(d + i + 0.01, y, f"{d + i:.0%}", va="center", fontsize="small")
    ax.invert_yaxis()
    ax.set_xlim(0, min(1.0, float((wide["direct"] + wide["indirect"]).max()) + 0.12))
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(f"Share of all quoted words ({int(total)} words)")
    # neutral swatches below the axes: the bars' own colours belong to the speakers
    kinds = [matplotlib.patches.Patch(facecolor="#777777", label="direct (in quotation marks)"),
             matplotlib.patches.Patch(facecolor="#77777773", edgecolor="#444444", hatch="//",
                                      label="indirect (reported)")]
    _title(ax, title or "Who speaks: share of quoted words by speaker")
    fig.tight_layout()
    axes_inches = ax.get_position().height * fig.get_figheight()
    ax.legend(handles=kinds, loc="upper left", bbox_to_anchor=(0.0, -0.55 / max(axes_inches, 0.1)),
              ncol=2, frameon=False, fontsize="small")
    return fig


def plot_tone_heatmap(summary: pd.DataFrame, *, registry: ActorRegistry | None = None, voice: str = "all",
                      titles: dict | None = None, title: str | None = None, ax=None):
    """Actor x article heatmap of net tone ((positive - negative) / mentions).

    Parameters
    ----------
    summary
        ``actor_summary`` rows (:func:`analysis.summaries.summarize_sentiment`).
    voice
        ``all`` (every voice), ``author`` (the journalist's own words).
    titles
        Article id -> a shorter column label.

    Each cell shows the net tone and, below it, the number of mentions; the
    colour runs from red (-1, every mention negative) to blue (+1).
    """
    data = summary[(summary.voice == voice) & (summary.article_id != CORPUS_ROW)]
    tone = data.pivot_table(index="actor", columns="article_id", values="net_tone")
    count = data.pivot_table(index="actor", columns="article_id", values="mentions", fill_value=0)
    order = [a for a in (registry.ids if registry is not None else []) if a in tone.index]
    order += sorted(a for a in tone.index if a not in order)
    tone, count = tone.loc[order], count.loc[order]
    labels = tone.map(lambda v: "" if pd.isna(v) else f"{v:+.2f}") + count.loc[:, tone.columns].map(
        lambda n: f"\nn={int(n)}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.6 * max(len(tone.columns), 1) + 3, 0.7 * max(len(order), 1) + 1.8))
    else:
        fig = ax.figure
    sns.heatmap(tone, vmin=-1, vmax=1, center=0, cmap="RdBu", annot=labels.values, fmt="", ax=ax,
                cbar_kws={"label": "net tone: (positive - negative) / mentions\n(hatched: fewer than 3 mentions)"},
                linewidths=0.5)
    for r, actor in enumerate(tone.index):  # a cell resting on one or two mentions is hatched: read it with care
        for c, article in enumerate(tone.columns):
            if not pd.isna(tone.loc[actor, article]) and count.loc[actor, article] < 3:
                ax.add_patch(matplotlib.patches.Rectangle((c, r), 1, 1, fill=False, hatch="//", zorder=1.5,
                                                          edgecolor=(0.5, 0.5, 0.5, 0.35), linewidth=0))
    ax.set_yticklabels([_label(a, registry) for a in order], rotation=0)
    ax.set_xticklabels([textwrap.fill((titles or {}).get(c, c), 22) for c in tone.columns], rotation=0,
                       ha="center", fontsize="small")
    ax.set_xlabel("article")
    ax.set_ylabel("")
    who = {"all": "all voices", "author": "the author's own words"}.get(voice, voice)
    _title(ax, title or f"How each actor is portrayed ({who})")
    fig.tight_layout()
    return fig


def plot_tone_by_voice(summary: pd.DataFrame, *, article_id: str = CORPUS_ROW, registry: ActorRegistry | None = None,
                       title: str | None = None, ax=None):
    """Net tone toward each actor with its 95% bootstrap interval, in the author's
    voice and in the quoted voices: who portrays whom how. Give it a summary
    made with ``summarize_sentiment(..., by="actor")`` to group quoted voices
    by the speaker's actor (fewer, larger groups)."""
    data = summary[(summary.article_id == article_id) & (summary.voice != "all")].copy()
    data["voice_actor"] = data.voice_actor.fillna("").astype(str) if "voice_actor" in data else ""
    data["speaker"] = data.apply(
        lambda r: r.voice if r.voice == "author" or r.voice.startswith("quoted: ")
        else f"{r.voice} ({r.voice_actor or 'other'})", axis=1)
    ids = registry.ids if registry is not None else []
    order = [a for a in ids if a in set(data.actor)]
    order += sorted(a for a in set(data.actor) if a not in order)
    # each voice is drawn in its speaker's actor colour (the same colour as in every other figure)
    voice_actor = dict(zip(data.speaker, data.voice_actor, strict=True))
    rank = {a: i for i, a in enumerate(ids)}
    speakers = ["author", *sorted((v for v in set(data.speaker) if v != "author"),
                                  key=lambda v: (rank.get(voice_actor.get(v, ""), len(rank)), v))]
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.5, 0.9 * max(len(order), 1) + 1.8))
    else:
        fig = ax.figure
    palette = actor_palette(ids or sorted(set(voice_actor.values()) - {""}))
    colours = {v: "#333333" if v == "author" else palette.get(voice_actor.get(v) or OTHER_ACTOR, "#888888")
               for v in speakers}

    def legend_label(speaker: str) -> str:
        if speaker == "author":
            return "the author"
        if speaker.startswith("quoted: "):
            return f"quoted: {_label(speaker[len('quoted: '):], registry)}"
        return f"{speaker.rsplit(' (', 1)[0]} ({_label(voice_actor.get(speaker) or OTHER_ACTOR, registry)})"

    # the voices about one actor sit centred on that actor's row, in legend order
    present = {a: [v for v in speakers if ((data.actor == a) & (data.speaker == v)).any()] for a in order}
    step = {a: min(0.8 / max(len(vs), 1), 0.2) for a, vs in present.items()}
    for speaker in speakers:
        rows = data[data.speaker == speaker].set_index("actor")
        ys = [order.index(a) + step[a] * (present[a].index(speaker) - (len(present[a]) - 1) / 2) for a in rows.index]
        err = [rows.net_tone - rows.net_tone_low, rows.net_tone_high - rows.net_tone]
        ax.errorbar(rows.net_tone, ys, xerr=err, fmt="o", color=colours[speaker], capsize=3,
                    label=legend_label(speaker), markersize=6, zorder=3)
        for y, tone, low, high, n in zip(ys, rows.net_tone, rows.net_tone_low, rows.net_tone_high, rows.mentions,
                                         strict=True):
            # the count sits beyond its own interval's end, on its own line, clear of the other voices;
            # an interval spanning the whole axis gets it above its dot
            low, high = (tone if pd.isna(low) else low), (tone if pd.isna(high) else high)
            if high < 0.75:
                where, offset, align = high, (5, 0), "left"
            elif low > -0.75:
                where, offset, align = low, (-5, 0), "right"
            else:
                where, offset, align = tone, (0, 5), "center"
            ax.annotate(f"n={n}", (where, y), xytext=offset, textcoords="offset points", fontsize="x-small",
                        va="center" if offset[1] == 0 else "bottom", ha=align, zorder=2.5,
                        bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.9})
    ax.axvline(0, color="#999999", linewidth=0.8, zorder=1)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([_label(a, registry) for a in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel("net tone: (positive - negative) / mentions, with 95% bootstrap interval")
    ax.set_ylabel("actor portrayed")
    ax.legend(title="voice", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")
    _title(ax, title or "Who portrays whom how: the author and the quoted voices")
    fig.tight_layout()
    return fig


_STANCE_COLOURS = {"favor": "#1a9641", "against": "#d7191c", "neutral": "#999999"}


#: Node colours of the stance networks (the legend names them).
_REGISTRY_NODE, _OTHER_NODE = "#33415c", "#cccccc"


def _edge_bend(pos: dict, source, target, reciprocal: bool) -> str:
    """An edge's curve on the circle layout: bent toward the circle's centre, so that
    it does not run past the nodes between its ends on the circle; of two edges
    between the same actors, one bends the other way, so the two stay apart."""
    (x1, y1), (x2, y2) = pos[source], pos[target]
    # which side of the line source -> target the centre lies on (positive: left); matplotlib's arc3
    # bends a positive rad to the right of the direction of travel
    side = (x2 - x1) * (0 - y1) - (y2 - y1) * (0 - x1)
    rad = -0.18 if side > 0 else 0.18
    if reciprocal and str(source) > str(target):
        rad = -rad
    return f"arc3,rad={rad}"


def plot_stance_network(graph, *, title: str | None = None, ax=None, layout_nodes: list | None = None):
    """The stance network: arrows from source to target, green for favor, red
    for against, grey for neutral, width by the number of pieces of evidence,
    dashed where a single piece of evidence is all there is. Registry actors
    are large dark nodes; other entities small grey ones. The layout is a
    circle in node order, so the figure is the same at every run;
    ``layout_nodes`` (a superset of the graph's nodes) keeps every node in the
    same place across several panels."""
    import networkx as nx

    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 7.5))
    else:
        fig = ax.figure
    registry_node = {n: bool(graph.nodes[n].get("in_registry", False)) for n in graph.nodes}
    every = layout_nodes if layout_nodes is not None else list(graph.nodes)
    nodes = sorted(every, key=lambda n: (str(n).startswith("other:"), str(n)))  # the same order in every panel
    ordered = nx.DiGraph()
    ordered.add_nodes_from(nodes)
    pos = nx.circular_layout(ordered)
    known = [n for n in nodes if registry_node.get(n)]
    others = [n for n in nodes if n in graph.nodes and n not in known]
    nx.draw_networkx_nodes(graph, pos, nodelist=known, node_color=_REGISTRY_NODE, node_size=1500, ax=ax)
    nx.draw_networkx_nodes(graph, pos, nodelist=others, node_color=_OTHER_NODE, node_size=600, ax=ax)
    box = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
    for n in known + others:  # each label outside the circle, beside its node: nodes and arrowheads stay visible
        x, y = pos[n]
        r = math.hypot(x, y)
        lx, ly = (x * (r + 0.16) / r, y * (r + 0.16) / r) if r > 1e-9 else (0.0, -0.16)
        ax.text(lx, ly, textwrap.fill(str(graph.nodes[n].get("label", n)), 22), fontsize=9 if n in known else 8,
                fontweight="bold" if n in known else "normal", bbox=box, zorder=5,
                ha="left" if x > 0.3 else "right" if x < -0.3 else "center",
                va="bottom" if y > 0.3 else "top" if y < -0.3 else "center")
    style = {(u, v): _edge_bend(pos, u, v, graph.has_edge(v, u)) for u, v in graph.edges}
    for (u, v), d in graph.edges.items():
        n = int(d.get("n", 1))
        colour = _STANCE_COLOURS.get(d.get("stance"), "#999999")
        nx.draw_networkx_edges(graph, pos, edgelist=[(u, v)], edge_color=colour, width=1 + n, arrowsize=18,
                               style="dashed" if n == 1 else "solid", connectionstyle=style[(u, v)],
                               node_size=1500, ax=ax)
        if n > 1:  # dashed edges are n=1 (the legend says so); the others carry their count
            nx.draw_networkx_edge_labels(graph, pos, edge_labels={(u, v): f"n={n}"}, connectionstyle=style[(u, v)],
                                         font_size=7, font_color="#333333", ax=ax,
                                         bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                                               "edgecolor": "none", "alpha": 0.8})
    if not graph.number_of_edges():  # an empty panel says why it is empty
        ax.text(0, 0, "no stance found in this article", ha="center", va="center", fontsize=10, color="#555555",
                style="italic")
    handles = [plt.Line2D([], [], color=c, linewidth=3, label=s) for s, c in _STANCE_COLOURS.items()]
    handles.append(plt.Line2D([], [], color="#555555", linewidth=2, linestyle="--", label="single evidence"))
    handles += [plt.Line2D([], [], marker="o", linestyle="none", markersize=10, color=c, label=label)
                for c, label in ((_REGISTRY_NODE, "actor of the actors file"), (_OTHER_NODE, "not in the actors file"))]
    ax.legend(handles=handles, title="stance: arrow from source to target, width and label n: pieces of evidence",
              loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, frameon=False, fontsize="small")
    # the circle of the layout, whatever nodes a panel draws: every node in the same place in every panel
    ax.set_xlim(-1.8, 1.8)
    ax.set_ylim(-1.45, 1.45)
    ax.set_axis_off()
    _title(ax, title or "Who is for or against whom", width=64)
    fig.tight_layout()
    return fig


def plot_stance_networks(summary: pd.DataFrame, registry: ActorRegistry | None, article_ids: list[str], *,
                         titles: dict | None = None, columns: int = 2):
    """The stance networks of several articles side by side (one panel each),
    every node in the same place in every panel."""
    from .summaries import stance_graph

    rows = -(-len(article_ids) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(7 * columns, 6.5 * rows), squeeze=False)
    graphs = [stance_graph(summary, registry, article_id=a) for a in article_ids]
    every = list(dict.fromkeys(n for g in graphs for n in g.nodes))
    for ax, article_id, graph in zip(axes.flat, article_ids, graphs, strict=False):
        plot_stance_network(graph, ax=ax, title=(titles or {}).get(article_id, article_id),
                            layout_nodes=every)
    for ax in list(axes.flat)[len(article_ids):]:
        ax.set_axis_off()
    legends = [ax.get_legend() for ax in axes.flat if ax.get_legend() is not None]
    if legends:  # one legend for the figure, below the panels
        fig.legend(handles=legends[0].legend_handles, title=legends[0].get_title().get_text(), loc="lower center",
                   ncol=6, frameon=False, fontsize="small")
        for legend in legends:
            legend.remove()
    fig.suptitle("Who is for or against whom, article by article (every actor in the same place in each panel)",
                 x=0.01, ha="left", fontsize="large")
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    return fig


def plot_speakers_by_article(shares: pd.DataFrame, *, registry: ActorRegistry | None = None,
                             titles: dict | None = None, title: str | None = None, ax=None):
    """Stacked bars, one per article: each speaker actor's share of the article's
    quoted words (:func:`analysis.summaries.speaker_shares`, direct and indirect together)."""
    data = shares.groupby(["article_id", "speaker_actor"], as_index=False).share.sum()
    wide = data.pivot_table(index="article_id", columns="speaker_actor", values="share", fill_value=0.0)
    order = [a for a in (registry.ids if registry is not None else []) if a in wide.columns]
    order += sorted(a for a in wide.columns if a not in order)
    wide = wide[order]
    palette = actor_palette(registry.ids if registry is not None else order)
    names = {OTHER_ACTOR: "others (not in the actors file)", "unknown": "no speaker found",
             "unnamed source": "unnamed sources (officials, a spokesman ...)"}
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 0.6 * len(wide) + 2.6))
    else:
        fig = ax.figure
    left = pd.Series(0.0, index=wide.index)
    words = shares.groupby("article_id").words.sum() if "words" in shares else None
    labels = [(titles or {}).get(a, a) + (f" (n={int(words[a])} quoted words)" if words is not None else "")
              for a in wide.index]
    for actor in order:  # thin dark edges: every segment shows, the palest ("no speaker found") too
        ax.barh(labels, wide[actor], left=left, color=palette.get(actor, "#bbbbbb"), edgecolor="#555555",
                linewidth=0.6, label=names.get(actor) or _label(actor, registry))
        left += wide[actor]
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("share of the article's quoted words")
    # below the plot, so the bars get the figure's width
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, frameon=False, fontsize="small",
              title="speaker")
    _title(ax, title or "Who speaks, article by article")
    fig.tight_layout()
    return fig


def plot_stance_matrix(matrix: pd.DataFrame, *, registry: ActorRegistry | None = None, title: str | None = None,
                       n: pd.DataFrame | None = None, include_other: bool = False, ax=None):
    """Source x target heatmap of net stance ((favor - against) / n), rows: who,
    columns: toward whom; empty cells: no evidence.

    Parameters
    ----------
    matrix
        :func:`analysis.summaries.stance_matrix` (net stance).
    n
        The same matrix of evidence counts (``stance_matrix(..., values="n")``):
        each cell then shows its n (n=1: a single piece of evidence).
    include_other
        Keep entities outside the registry (``other:...``) as rows and columns;
        by default only the registry's actors are shown, in registry order.
    """
    ids = list(registry.ids) if registry is not None else []
    keep = [a for a in ids if a in matrix.index.union(matrix.columns)]
    if include_other or registry is None:
        keep += sorted(a for a in matrix.index.union(matrix.columns) if a not in keep)
    matrix = matrix.reindex(index=keep, columns=keep)
    matrix = matrix.loc[matrix.notna().any(axis=1), matrix.notna().any(axis=0)]  # no all-empty rows or columns
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.1 * max(len(matrix.columns), 1) + 3, 0.7 * max(len(matrix), 1) + 2))
    else:
        fig = ax.figure
    names = {a: _label(a, registry) for a in matrix.index.union(matrix.columns)}
    counts = n.reindex(index=matrix.index, columns=matrix.columns) if n is not None else None

    def cell(r: str, c: str) -> str:
        v = matrix.loc[r, c]
        if pd.isna(v):
            return ""
        if counts is None or pd.isna(counts.loc[r, c]):
            return f"{v:+.2f}"
        return f"{v:+.2f}\nn={int(counts.loc[r, c])}"

    if matrix.empty:
        ax.text(0.5, 0.5, "no stance between registry actors", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        _title(ax, title or "Stance between actors")
        return fig
    labels = [[cell(r, c) for c in matrix.columns] for r in matrix.index]
    shown = matrix.rename(index=names, columns=names)
    sns.heatmap(shown.astype(float), vmin=-1, vmax=1, center=0, cmap="RdYlGn", annot=labels, fmt="",
                linewidths=0.5, ax=ax, cbar_kws={"label": "net stance: (favor - against) / n"})
    ax.set_xlabel("toward (empty cell: no stance found)" if include_other
                  else "toward (empty cell: no stance found; entities outside the actors file are left out)")
    ax.set_ylabel("who")
    ax.tick_params(axis="y", labelrotation=0)
    _title(ax, title or "Stance between actors (net, all evidence)")
    fig.tight_layout()
    return fig


def plot_frame_profile(frames: pd.DataFrame, *, scheme: str, titles: dict | None = None, title: str | None = None,
                       labels: dict | None = None, top: int | None = 8, sentences: pd.DataFrame | None = None,
                       scheme_name: str | None = None, ax=None):
    """Frame profile: for each frame of a scheme, the share of each article's
    sentences in which it occurs (one bar per article), frames ordered by their
    share over all articles; frames found nowhere are left out.

    ``labels`` maps frame ids to readable names (default: the id in words,
    "security and defense"); ``top`` keeps the frames with the largest mean
    share (None: all). Articles get their own palette, never the actors' colours;
    with the ``sentences`` table, each article's legend entry says how many
    sentences the shares are of. ``scheme_name`` (the scheme's ``name``, e.g.
    "Media Frames Corpus policy frames") titles the figure with the scheme id.
    """
    data = frames[(frames.level == "article") & (frames.scheme == scheme)].copy()
    if data.empty:
        raise ValueError(f"no article-level rows for scheme {scheme!r}; schemes present: "
                         f"{sorted(set(frames.scheme))}")
    counts = sentences.groupby("article_id").size() if sentences is not None else {}
    data["article"] = data.article_id.map(
        lambda a: (titles or {}).get(a, a) + (f" (n={int(counts[a])} sentences)" if a in counts else ""))
    order = data.groupby("frame").score.mean().sort_values(ascending=False, kind="stable").index.tolist()
    left_out = len(order) - top if top is not None and len(order) > top else 0
    order = order[:top] if left_out else order
    data = data[data.frame.isin(order)]
    # a frame an article never shows is a 0% bar, drawn as a thin mark at 0 (not a gap that looks like missing data)
    articles = list(dict.fromkeys(data.article))
    shown = set(zip(data.article, data.frame, strict=True))
    zeros = [{"article": a, "frame": f, "score": 0.0} for a in articles for f in order if (a, f) not in shown]
    data = pd.concat([data, pd.DataFrame(zeros, columns=["article", "frame", "score"])], ignore_index=True)
    names = {f: (labels or {}).get(f) or f.replace("_", " ") for f in order}
    data["frame"] = data.frame.map(names)
    n_articles = max(1, data.article.nunique())
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 0.14 * len(order) * n_articles + 0.25 * len(order) + 1.4))
    else:
        fig = ax.figure
    sns.barplot(data=data, y="frame", x="score", hue="article", order=[names[f] for f in order], ax=ax, orient="h",
                hue_order=articles, palette=sns.color_palette("mako", n_articles + 1)[:n_articles])
    for bar in list(ax.patches):
        if bar.get_width() == 0 and bar.get_height() > 0:
            ax.plot([0, 0], [bar.get_y() + 0.15 * bar.get_height(), bar.get_y() + 0.85 * bar.get_height()],
                    color=bar.get_facecolor(), linewidth=2.5, solid_capstyle="butt")
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("share of the article's sentences with the frame's indicators (a mark at 0: none)")
    ax.set_ylabel("")
    more = f"; {left_out} less frequent frame(s) not shown" if left_out else ""
    named = f"{scheme_name} ({scheme})" if scheme_name else scheme.replace("_", " ")
    _title(ax, title or f"Frame profile: {named}{more}")
    fig.tight_layout()
    if n_articles == 1:
        ax.get_legend().remove()
    else:  # below the axes, so it never covers a bar
        axes_inches = ax.get_position().height * fig.get_figheight()
        ax.legend(title="article", fontsize="small", frameon=False, loc="upper left", ncol=1 if n_articles > 2 else 2,
                  bbox_to_anchor=(0.0, -0.55 / max(axes_inches, 0.1)))
    return fig


def figure_text(fig) -> dict[str, str]:
    """What a reader of the figure is told: ``Title`` (the figure's title, else its
    first panel's) and ``Description`` (each visible panel's title, axis labels,
    legend entries and category labels, one line each), as written into a PNG's metadata by
    :func:`save_figure` so that tests can check every figure explains itself."""
    def title_of(ax) -> str:
        return " ".join(" ".join(t.split()) for t in (ax.get_title(loc="left"), ax.get_title(),
                                                      ax.get_title(loc="right")) if t)

    panels = [ax for ax in fig.axes if ax.get_visible()]
    title = fig.get_suptitle() or next((title_of(ax) for ax in panels if title_of(ax)), "")
    def words(labels) -> list[str]:  # category labels, not numbers
        texts = [" ".join(t.get_text().split()) for t in labels]
        return [t for t in texts if t and not t.replace(".", "").replace("−", "").replace("-", "").isdigit()]

    lines = []
    for i, ax in enumerate(panels):
        legend = ax.get_legend()
        entries = words(legend.get_texts()) if legend is not None else []
        lines.append(f"panel {i}: title={title_of(ax)!r}; x={ax.get_xlabel()!r}; y={ax.get_ylabel()!r}; "
                     f"axis={'on' if ax.axison else 'off'}; legend={entries!r}; "
                     f"categories={words([*ax.get_xticklabels(), *ax.get_yticklabels()])!r}")
    for legend in fig.legends:
        lines.append(f"figure legend: {words(legend.get_texts())!r}")
    return {"Title": " ".join(title.split()), "Description": "\n".join(lines)}


def save_figure(fig, path: str | Path, *, dpi: int = 150) -> Path:
    """Write a figure with no timestamp or version in its metadata (PNG, SVG or PDF),
    so that regenerating it gives identical bytes. A PNG carries :func:`figure_text`
    (its title, and each panel's labels) in its metadata."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    metadata = {"png": {"Software": None, **figure_text(fig)}, "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}}
    with plt.rc_context({"svg.hashsalt": "analysis", "svg.fonttype": "none"}):
        fig.savefig(path, dpi=dpi, metadata=metadata.get(suffix.lstrip("."), {}), bbox_inches="tight")
    return path


#: Colour of each stage in the validation figures (colour-blind safe, fixed order).
_STAGE_ORDER = ("mentions", "sentiment", "quotes", "speakers", "portrayal", "stance")


def _stage_colours(stages) -> dict[str, str]:
    known = [*_STAGE_ORDER, *sorted(s for s in set(stages) if s not in _STAGE_ORDER)]
    colours = sns.color_palette("colorblind", len(known)).as_hex()
    return dict(zip(known, colours, strict=True))


def plot_validation_scores(scores: pd.DataFrame, *, title: str | None = None, sources: dict | None = None, ax=None):
    """Forest plot of validation scores: each score as a dot with its 95%
    bootstrap interval, grouped by stage and data set, its baseline as a dark
    tick under the dot where there is one, and, in a column on the right, how many units
    were scored.

    Parameters
    ----------
    scores
        :func:`analysis.validation.validation_scores` (columns ``stage, data,
        metric, value, low, high, n``, and ``unit``, ``baseline`` if present),
        drawn top to bottom in its order.
    sources
        Data name -> where it comes from (e.g. from
        :data:`analysis.validation.DATA_SOURCES`), printed under the figure for
        the data sets it shows.

    Examples
    --------
    >>> data = pd.DataFrame({"stage": ["sentiment"], "data": ["demo"], "metric": ["accuracy"], "value": [0.8],
    ...                      "low": [0.7], "high": [0.9], "n": [50], "unit": ["targets"], "baseline": [0.5],
    ...                      "baseline_name": ["majority class"]})
    >>> [t.get_text() for t in plot_validation_scores(data).axes[0].get_yticklabels()]
    ['Sentiment · demo', 'accuracy']
    """
    groups = list(dict.fromkeys(zip(scores.stage, scores.data, strict=True)))
    labels, rows, headers = [], [], []
    for stage, data in groups:
        headers.append(len(labels))
        labels.append(f"{stage.capitalize()} · {data}")
        for row in scores[(scores.stage == stage) & (scores.data == data)].itertuples():
            rows.append((len(labels), row))
            labels.append(row.metric)
    height = len(labels)
    if ax is None:
        fig, ax = plt.subplots(figsize=(11, 0.26 * max(height, 1) + 1.9))
    else:
        fig = ax.figure
    colours = _stage_colours(scores.stage)
    for i, start in enumerate(headers):
        end = headers[i + 1] if i + 1 < len(headers) else height
        if i % 2 == 0:
            ax.axhspan(start - 0.5, end - 0.5, color="#f2f2f2", zorder=0)
    has_baseline = False
    for y, row in rows:
        colour = colours[row.stage]
        unit = f" {row.unit}" if "unit" in scores.columns and row.unit else ""
        ax.annotate(f"n={row.n}{unit}", (1.0, y), xycoords=("axes fraction", "data"), xytext=(8, 0),
                    textcoords="offset points", va="center", fontsize="small", color="#555555")
        if pd.isna(row.value):
            ax.text(0.01, y, "nothing to score", va="center", fontsize="small", color="#666666")
            continue
        if not (pd.isna(row.low) or pd.isna(row.high)):
            ax.plot([row.low, row.high], [y, y], color=colour, linewidth=2.2, solid_capstyle="butt", zorder=2)
        # the dot above the baseline's tick, so a score equal to its baseline still shows
        ax.plot(row.value, y, "o", color=colour, markersize=6.5, markeredgecolor="white", markeredgewidth=0.8,
                zorder=4)
        baseline = getattr(row, "baseline", float("nan"))
        if not pd.isna(baseline):
            ax.plot(baseline, y, "|", color="#333333", markersize=13, markeredgewidth=2.2, zorder=3)
            has_baseline = True
        # the value beside its own dot and interval: to the right, or to the left where the baseline is right
        right = max(v for v in (row.value, row.high) if not pd.isna(v))
        left = min(v for v in (row.value, row.low) if not pd.isna(v))
        if not pd.isna(baseline) and right < baseline <= right + 0.09 and left > 0.12:
            ax.text(left - 0.02, y, f"{row.value:.2f}", va="center", ha="right", fontsize="small")
        else:
            ax.text(min(right, 1.0) + 0.02, y, f"{row.value:.2f}", va="center", fontsize="small")
    ax.set_yticks(range(height))
    ax.set_yticklabels(labels)
    for i in headers:
        ax.get_yticklabels()[i].set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(height - 0.5, -0.5)
    ax.set_xlim(-0.03, 1.12)
    ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("score: share of items right, precision, recall or F1 (1 = perfect)")
    handles = [matplotlib.lines.Line2D([], [], color="#555555", marker="o", linewidth=2.2,
                                       label="score with its 95% bootstrap interval")]
    if has_baseline:
        handles.append(matplotlib.lines.Line2D([], [], color="#333333", marker="|", linestyle="none",
                                               markersize=11, markeredgewidth=2.2,
                                               label="baseline with no skill (majority class, all neutral, "
                                                     "commonest direction)"))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False, fontsize="small",
              borderaxespad=0.2)
    _title(ax, title or "How far each stage can be trusted", pad=24 if height < 12 else 22)
    shown = [f"{name}: {cite}" for name, cite in (sources or {}).items()
             if any(str(d).startswith(name) for d in set(scores.data))]
    if shown:
        ax.annotate("\n".join(textwrap.fill(line, 150) for line in ["Data:", *shown]), (0, 0),
                    xycoords="axes fraction", xytext=(0, -36), textcoords="offset points", va="top",
                    fontsize="x-small", color="#444444")
    fig.tight_layout()
    return fig


def plot_confusion_tables(tables: dict, *, title: str | None = None):
    """Confusion tables side by side, one panel each: rows gold, columns found;
    each cell shows its count and its share of the row (shaded by the share),
    so the diagonal reads as recall per class.

    Parameters
    ----------
    tables
        Panel title -> table of counts (e.g. ``Validation.confusion["sentiment"]``).

    Examples
    --------
    >>> t = pd.DataFrame([[8, 2], [1, 9]], index=["neg", "pos"], columns=["neg", "pos"])
    >>> len(plot_confusion_tables({"demo": t}).axes)
    1
    """
    fig, axes = plt.subplots(1, max(len(tables), 1), figsize=(3.8 * max(len(tables), 1) + 0.6, 3.9), squeeze=False)
    for ax, (name, table) in zip(axes[0], tables.items(), strict=False):
        counts = table.astype(int)
        shares = counts.div(counts.sum(axis=1).replace(0, 1), axis=0)
        labels = [[f"{counts.iloc[r, c]}\n{shares.iloc[r, c]:.0%}" for c in range(counts.shape[1])]
                  for r in range(counts.shape[0])]
        sns.heatmap(shares, vmin=0, vmax=1, cmap="Blues", annot=labels, fmt="", cbar=False, linewidths=0.5,
                    linecolor="white", ax=ax, annot_kws={"fontsize": "small"})
        ax.set_title(f"{name} (n={int(counts.to_numpy().sum())})", loc="left", fontsize="medium")
        ax.set_xlabel(f"found ({counts.columns.name or 'predicted'})")
        ax.set_ylabel(f"gold ({counts.index.name or 'gold'})" if counts.index.name not in (None, "gold") else "gold")
        ax.tick_params(axis="y", labelrotation=0)
        ax.tick_params(axis="x", labelrotation=0)
    for ax in axes[0][len(tables):]:
        ax.set_axis_off()
    fig.suptitle(title or "Confusion tables: count and share of each gold row", x=0.01, ha="left")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- manual coding


def plot_confusion(table: pd.DataFrame, *, title: str | None = None, task: str = "", units: str = "", ax=None):
    """Heatmap of a :func:`confusion` table, with the counts and the agreement in the
    title (which names the coding ``task``, e.g. "sentiment", where given, and
    where the units come from: ``units``, e.g. from :func:`units_origin`).

    Write it with :func:`analysis.plots.save_figure`.

    Examples
    --------
    >>> table = pd.DataFrame([[3, 1], [0, 2]], index=pd.Index(["favor", "against"], name="ana"),
    ...                      columns=pd.Index(["favor", "against"], name="tool"))
    >>> plot_confusion(table).axes[0].get_title(loc="left")
    'ana vs tool: 5 of 6 units agree (83%)'
    >>> " ".join(plot_confusion(table.rename_axis(index="simulated_1"), task="stance").axes[0].get_title(
    ...     loc="left").split())
    'DEMO, invented codes: stance codes, simulated_1 vs tool: 5 of 6 units agree (83%)'
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.2 * len(table.columns) + 2.5, 1.0 * len(table.index) + 1.8))
    else:
        fig = ax.figure
    n = int(table.to_numpy().sum())
    agree = int(sum(table.loc[label, label] for label in table.index if label in table.columns))
    share = f" ({100 * agree / n:.0f}%)" if n else ""
    sns.heatmap(table, annot=True, fmt="d", cmap="Blues", cbar=False, linewidths=0.5, linecolor="white", ax=ax)
    for i, label in enumerate(table.index):  # outline the diagonal: where the two agree
        if label in table.columns:
            j = list(table.columns).index(label)
            ax.add_patch(plt.Rectangle((j, i), 1, 1, fill=False, edgecolor="#333333", linewidth=1.5))
    name_a, name_b = table.index.name or "a", table.columns.name or "b"

    def axis(name: str) -> str:
        return f"{name} (simulated coder, DEMO)" if str(name).startswith("simulated") else (
            f"{name} (the toolkit's label)" if name == TOOL else name)

    ax.set_ylabel(axis(name_a))
    ax.set_xlabel(axis(name_b))
    demo = "DEMO, invented codes: " if any(str(x).startswith("simulated") for x in (name_a, name_b)) else ""
    what = f"{task} codes, " if task else ""
    text = title or f"{demo}{what}{name_a} vs {name_b}: {agree} of {n} units agree{share}" + (
        f"; units: {units}" if units else "")
    ax.set_title(title_lines(text, fig, width=None), loc="left")
    ax.tick_params(axis="y", rotation=0)
    fig.tight_layout()
    return fig


def plot_machine_agreement(table: pd.DataFrame, *, title: str | None = None, units: str = "",
                           scheme: str = "frame scheme"):
    """Dot plot of :func:`machine_agreement`: kappa and percent agreement per pair, with intervals and n.

    One panel per statistic, one row per pair (coders' pairs grey, the
    machine's orange), each value as a dot with its 95% bootstrap interval
    and written beside it; the number of units of each pair on the right.
    Titles say DEMO when a coder's name says ``simulated``; ``scheme`` names
    what was learned and ``units`` where the units come from (e.g. from
    :func:`units_origin`). Write it with :func:`analysis.plots.save_figure`.

    Examples
    --------
    >>> table = pd.DataFrame({"pair": ["ana vs ben", "ana vs ben", "machine vs ana", "machine vs ana"],
    ...                       "a": ["ana", "ana", "machine", "machine"], "b": ["ben", "ben", "ana", "ana"],
    ...                       "statistic": ["kappa", "percent_agreement"] * 2, "value": [0.6, 80.0, 0.5, 75.0],
    ...                       "low": [0.4, 70.0, 0.3, 65.0], "high": [0.8, 90.0, 0.7, 85.0], "n": [40] * 4})
    >>> fig = plot_machine_agreement(table)
    >>> [ax.get_xlabel() for ax in fig.axes]
    ["Cohen's kappa (0 = chance, 1 = perfect)", 'percent agreement (% of units)']
    """
    statistics = {"kappa": ("Cohen's kappa (0 = chance, 1 = perfect)", (-0.2, 1.0)),
                  "percent_agreement": ("percent agreement (% of units)", (0.0, 100.0))}
    unknown = sorted(set(table.statistic) - set(statistics))
    if unknown:
        raise AnalysisError(f"unknown statistic {unknown[0]!r}; plot_machine_agreement draws "
                            f"{', '.join(statistics)} (from machine_agreement)", source="table")
    pairs = list(dict.fromkeys(table.pair))
    shown = [s for s in statistics if s in set(table.statistic)]
    fig, axes = plt.subplots(1, len(shown), figsize=(5.2 * len(shown) + 2.2, 0.55 * len(pairs) + 2.2),
                             sharey=True, squeeze=False)
    colours = {"coders": "#7f7f7f", MACHINE: "#d55e00"}  # colour-blind safe (Okabe & Ito)
    for ax, statistic in zip(axes[0], shown):
        label, (low_limit, high_limit) = statistics[statistic]
        rows = table[table.statistic == statistic].set_index("pair")
        span = high_limit - low_limit
        for y, pair in enumerate(pairs):
            if pair not in rows.index:
                continue
            row = rows.loc[pair]
            colour = colours[MACHINE if row.a == MACHINE else "coders"]
            if pd.isna(row.value):
                ax.text(low_limit + 0.02 * span, y, "undefined (see the table's note)", va="center",
                        fontsize="small", color="#666666")
                continue
            if not (pd.isna(row.low) or pd.isna(row.high)):
                ax.plot([row.low, row.high], [y, y], color=colour, linewidth=2.2, solid_capstyle="butt")
            ax.plot(row.value, y, "o", color=colour, markersize=7, zorder=3)
            right = row.high if not pd.isna(row.high) else row.value
            ax.annotate(f"{row.value:.2f}" if statistic == "kappa" else f"{row.value:.0f}%", (right, y),
                        xytext=(5, 0), textcoords="offset points", va="center", fontsize="small")
        low_limit = min(low_limit, float(np.nanmin([*rows["low"], *rows["value"], low_limit])) - 0.05 * span)
        ax.set_xlim(low_limit, high_limit + 0.12 * span)
        if statistic == "kappa":
            ax.axvline(0, color="#999999", linewidth=0.8, linestyle="--", zorder=0)
        ax.set_xlabel(label)
        ax.grid(axis="x", color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    first, last = axes[0][0], axes[0][-1]
    first.set_yticks(range(len(pairs)))
    first.set_yticklabels(pairs)
    first.set_ylim(len(pairs) - 0.5, -0.5)
    first.tick_params(axis="y", length=0)
    n_of = table.drop_duplicates("pair").set_index("pair")["n"]
    for y, pair in enumerate(pairs):
        last.annotate(f"n={int(n_of[pair])} units", (1.0, y), xycoords=("axes fraction", "data"), xytext=(8, 0),
                      textcoords="offset points", va="center", fontsize="small", color="#555555")
    names = set(table.a) | set(table.b)
    demo = "DEMO, simulated coders: " if any(str(x).startswith("simulated") for x in names) else ""
    n_range = sorted({int(n) for n in table.n})
    n_text = f"{n_range[0]}" if len(n_range) == 1 else f"{n_range[0]}-{n_range[-1]}"
    fig.suptitle(title or f"{demo}does the learned {scheme} (machine) code like the coders?", x=0.01,
                 ha="left", fontsize="large", fontweight="bold")
    origin = f" ({units})" if units else ""  # "60 sentences: 28 from CNN, ..."
    first.set_title(textwrap.fill(
        f"Agreement per pair over the n = {n_text} units both coded{origin}; the machine's codes are held out "
        "(of units it did not learn from). Lines: 95% bootstrap intervals over units.", 120),
        loc="left", fontsize="small", color="#333333", pad=26)
    handles = [plt.Line2D([], [], color=colours["coders"], marker="o", linewidth=2.2, label="coder vs coder"),
               plt.Line2D([], [], color=colours[MACHINE], marker="o", linewidth=2.2, label="machine vs coder")]
    first.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False,
                 fontsize="small", borderaxespad=0.2)
    fig.tight_layout()
    return fig
