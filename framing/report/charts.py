"""Seaborn figures. Each function takes data frames and returns a matplotlib Figure;
only the report layer writes files.

Arabic labels are passed to matplotlib as they are: matplotlib ≥ 3.11 shapes and
orders Arabic itself (running them through arabic-reshaper/python-bidi breaks them).
Every chart uses one colour per outlet (:func:`outlet_palette`), stable across charts.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = [
    "outlet_palette",
    "plot_category_density",
    "plot_distinguishing_terms",
    "plot_source_types",
    "plot_stance_heatmap",
    "plot_topic_heatmap",
    "plot_topic_mix",
]

#: fonts tried first (Arabic coverage); matplotlib's bundled DejaVu Sans covers Arabic too
FONT_STACK = ["Noto Sans Arabic", "Noto Naskh Arabic", "Amiri", "DejaVu Sans"]


def _setup():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", font=FONT_STACK[-1])
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = FONT_STACK + list(plt.rcParams["font.sans-serif"])
    plt.rcParams["svg.hashsalt"] = "framing"  # deterministic SVG ids
    plt.rcParams["axes.unicode_minus"] = False
    return plt, sns


#: matplotlib's (and seaborn's) qualitative palettes "tab10" and "tab20", so the HTML page can
#: colour outlets like the charts without importing a plotting library
TAB10 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
         "#17becf")
TAB20 = ("#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728", "#ff9896", "#9467bd",
         "#c5b0d5", "#8c564b", "#c49c94", "#e377c2", "#f7b6d2", "#7f7f7f", "#c7c7c7", "#bcbd22", "#dbdb8d",
         "#17becf", "#9edae5")


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    return tuple(int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def outlet_palette(outlets: Sequence[str]) -> dict[str, tuple]:
    """One colour per outlet (RGB in [0, 1]), assigned in sorted order so every chart agrees:
    ``tab10`` up to 10 outlets, else ``tab20`` (cycled beyond 20).

    >>> outlet_palette(["b", "a"])["a"] == _rgb("#1f77b4")
    True
    """
    names = sorted(set(outlets))
    colours = TAB10 if len(names) <= 10 else TAB20
    return {name: _rgb(colours[i % len(colours)]) for i, name in enumerate(names)}


def _short(label: str, width: int = 28) -> str:
    label = str(label)
    return label if len(label) <= width else label[: width - 1] + "…"


def plot_stance_heatmap(outlets: pd.DataFrame, actors: Sequence[str], *, min_mentions: int = 1):
    """Outlet × actor heatmap of mean label stance (authorial voice), annotated with
    the stance and the number of mentions; cells with no mention are hatched grey."""
    plt, sns = _setup()
    actors = [a for a in actors if f"stance:{a}" in outlets]
    data = outlets.set_index("outlet")[[f"stance:{a}" for a in actors]].astype(float)
    counts = outlets.set_index("outlet")[[f"mentions:{a}" for a in actors]].astype(float)
    data.columns = actors
    counts.columns = actors
    keep = [a for a in actors if counts[a].sum() >= min_mentions]
    data, counts = data[keep], counts[keep]
    annot = data.copy().astype(object)
    for o in data.index:
        for a in keep:
            v = data.loc[o, a]
            annot.loc[o, a] = "" if pd.isna(v) else f"{v:+.2f}\n(n={int(counts.loc[o, a])})"
    fig, ax = plt.subplots(figsize=(1.3 * max(len(keep), 3) + 3, 0.7 * max(len(data), 2) + 2))
    sns.heatmap(data, ax=ax, cmap="RdBu", vmin=-1, vmax=1, center=0, annot=annot, fmt="",
                linewidths=0.5, linecolor="white", cbar_kws={"label": "mean stance\n−1 delegitimizing … +1 legitimizing"},
                annot_kws={"fontsize": 8})
    ax.grid(False)
    # no mention: a hatched grey cell, never confused with a neutral (white) one
    ax.patch.set_facecolor("#eeeeee")
    ax.patch.set_hatch("///")
    ax.patch.set_edgecolor("#bbbbbb")
    ax.set_xlabel("actor")
    ax.set_ylabel("outlet")
    ax.set_yticklabels([_short(t.get_text()) for t in ax.get_yticklabels()], rotation=0)
    ax.set_xticklabels(ax.get_xticklabels(), rotation=30, ha="right")
    ax.set_title("How each outlet labels each actor (authorial voice; hatched: no mention)")
    fig.tight_layout()
    return fig


def plot_category_density(outlets: pd.DataFrame, categories: Sequence[str]):
    """Grouped horizontal bars: hits per 1,000 tokens for each category and outlet,
    with bootstrap confidence intervals where an outlet has several documents."""
    plt, sns = _setup()
    rows = []
    for _, r in outlets.iterrows():
        for c in categories:
            rows.append({"outlet": r["outlet"], "category": c, "density": r.get(f"density:{c}", 0.0),
                         "lo": r.get(f"density_lo:{c}"), "hi": r.get(f"density_hi:{c}")})
    df = pd.DataFrame(rows)
    palette = outlet_palette(df["outlet"])
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(categories) * max(1, len(palette)) ** 0.5 + 2.5))
    sns.barplot(df, y="category", x="density", hue="outlet", hue_order=sorted(palette), palette=palette, ax=ax,
                orient="h")
    # error bars from the bootstrap
    bars = [p for p in ax.patches if p.get_height() > 0]
    ordered = df.sort_values(["outlet"], kind="stable")
    if len(bars) == len(ordered):
        for patch, (_, r) in zip(bars, ordered.iterrows(), strict=True):
            if pd.notna(r["lo"]) and pd.notna(r["hi"]):
                y = patch.get_y() + patch.get_height() / 2
                ax.plot([r["lo"], r["hi"]], [y, y], color="black", linewidth=1)
    ax.set_xlabel("hits per 1,000 tokens (authorial voice)")
    ax.set_ylabel("")
    ax.set_title("Loaded-term categories per outlet")
    ax.legend(title="outlet", bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_distinguishing_terms(terms: pd.DataFrame, *, per_outlet: int = 10, outlets: Sequence[str] | None = None):
    """Small multiples: each outlet's top distinguishing terms by z-score (log-odds,
    informative Dirichlet prior)."""
    plt, _ = _setup()
    names = sorted(outlets or terms["outlet"].unique())
    palette = outlet_palette(names)
    n = max(len(names), 1)
    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 0.32 * per_outlet * rows + 1.6 * rows), squeeze=False)
    for i, outlet in enumerate(names):
        ax = axes[i // cols][i % cols]
        sub = terms[terms["outlet"] == outlet].nsmallest(per_outlet, "rank")
        if sub.empty:
            ax.text(0.5, 0.5, "no distinguishing term", ha="center", va="center", transform=ax.transAxes)
        else:
            ax.barh(list(range(len(sub)))[::-1], sub["z"], color=palette[outlet])
            ax.set_yticks(list(range(len(sub)))[::-1])
            ax.set_yticklabels((sub["form"] if "form" in sub else sub["term"]).tolist(), fontsize=10)
        ax.set_title(_short(outlet, 34), fontsize=10)
        ax.set_xlabel("z (log-odds)")
    for j in range(len(names), rows * cols):
        axes[j // cols][j % cols].axis("off")
    fig.suptitle("Words that distinguish each outlet from the others")
    # keep a band of ~0.5 inch at the top for the title, whatever the figure height
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.5 / fig.get_figheight()))
    return fig


def plot_source_types(profile: pd.DataFrame):
    """Stacked horizontal bars: share of each outlet's attributions by source type."""
    plt, sns = _setup()
    share_cols = [c for c in profile.columns if c.startswith("share_")]
    data = profile.set_index("outlet")[share_cols].fillna(0.0)
    data.columns = [c[len("share_"):] for c in share_cols]
    data = data.loc[:, data.sum() > 0]
    fig, ax = plt.subplots(figsize=(9, 0.55 * max(len(data), 2) + 2))
    colours = sns.color_palette("Set2", n_colors=max(len(data.columns), 1))
    left = pd.Series(0.0, index=data.index)
    for k, col in enumerate(data.columns):
        ax.barh([_short(o) for o in data.index], data[col], left=left, color=colours[k % len(colours)], label=col)
        left += data[col]
    ax.set_xlim(0, 1)
    ax.invert_yaxis()  # outlets top to bottom in the tables' (sorted) order
    ax.set_xlabel("share of attributions")
    ax.set_title("Whom each outlet cites (source types)")
    ax.legend(bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


# --- topic charts (framing.topics; owned by the topics stage) -------------------------------------

#: colours of the topic-chart segments that are not a single topic
_TOPIC_OTHER_COLOUR = (0.80, 0.80, 0.80)
_TOPIC_OUTLIER_COLOUR = (0.55, 0.55, 0.55)


def _topic_name(topic: int, label: str, width: int = 44) -> str:
    """``T3 · word، word`` — label words dropped from the end (not cut) to fit ``width``."""
    if topic == -1:
        return "outlier"
    words = [w for w in str(label).split("، ") if w] or [str(label)]
    while len(words) > 1 and len(f"T{topic} · " + "، ".join(words)) > width:
        words.pop()
    # a Latin first letter keeps "T3" on the left of the Arabic label
    return _short(f"T{topic} · " + "، ".join(words), width)


def _topic_table(outlet_mix: pd.DataFrame, max_topics: int) -> tuple[pd.DataFrame, list[str]]:
    """Outlet × topic shares (columns: the ``max_topics`` largest topics, then "other
    topics" and "outlier" when present) and the column names."""
    df = outlet_mix.copy()
    df["topic"] = df["topic"].astype(int)
    names = {t: _topic_name(t, label) for t, label in df.groupby("topic")["label"].first().items()}
    wide = df.pivot_table(index="outlet", columns="topic", values="share", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(sorted(wide.index, key=str))
    real = [t for t in wide.columns if t != -1]
    # largest topics on average over outlets (each outlet counts the same); ties by id
    order = sorted(real, key=lambda t: (-round(float(wide[t].mean()), 12), t))
    keep = order[:max_topics]
    table = wide[keep].rename(columns=names)
    rest = [t for t in real if t not in keep]
    if rest:
        table["other topics"] = wide[rest].sum(axis=1)
    if -1 in wide.columns:
        table["outlier"] = wide[-1]
    return table, list(table.columns)


def plot_topic_mix(outlet_mix: pd.DataFrame, *, max_topics: int = 12):
    """Stacked horizontal bars: each outlet's text split by topic (shares of characters).

    ``outlet_mix`` has ``outlet, topic, label, share`` (:func:`framing.topics.outlet_topic_mix`).
    The ``max_topics`` largest topics get a colour each; the rest are summed as "other
    topics"; outliers (topic -1) are grey. Segments of 4 % or more are annotated.
    """
    plt, sns = _setup()
    table, columns = _topic_table(outlet_mix, max_topics)
    n_topics = sum(1 for c in columns if c not in ("other topics", "outlier"))
    colours = sns.color_palette("tab20" if n_topics > 10 else "tab10", n_colors=max(n_topics, 1))
    fig, ax = plt.subplots(figsize=(11, max(0.5 * len(table) + 1.8, 0.28 * len(columns) + 1.5, 3.5)))
    y = [_short(o) for o in table.index]
    left = pd.Series(0.0, index=table.index)
    for k, col in enumerate(columns):
        colour = (_TOPIC_OTHER_COLOUR if col == "other topics" else _TOPIC_OUTLIER_COLOUR if col == "outlier"
                  else colours[k % len(colours)])
        values = table[col]
        ax.barh(y, values, left=left, color=colour, label=col, edgecolor="white", linewidth=0.6)
        for i, (v, lft) in enumerate(zip(values, left, strict=True)):
            if v >= 0.04:
                shade = sum(colour[:3]) / 3
                ax.text(lft + v / 2, i, f"{v:.0%}", ha="center", va="center", fontsize=8,
                        color="white" if shade < 0.5 else "black")
        left += values
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.invert_yaxis()
    ax.set_xlabel("share of the outlet's text")
    ax.set_ylabel("")
    ax.set_title("Topic mix by outlet")
    ax.grid(axis="y", visible=False)
    ax.legend(bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=9, title="topic", frameon=False)
    fig.tight_layout()
    return fig


def plot_topic_heatmap(outlet_mix: pd.DataFrame, *, max_topics: int = 20):
    """Topics × outlets heatmap of shares (% of each outlet's text), largest topics on top.

    Only the ``max_topics`` largest topics are rows, so that the colour scale shows
    differences between outlets; the share of the other topics and of outliers per
    outlet is in the stacked bars (:func:`plot_topic_mix`) and noted in the title.
    """
    plt, sns = _setup()
    table, columns = _topic_table(outlet_mix, max_topics)
    topics = [c for c in columns if c not in ("other topics", "outlier")]
    data = table[topics].T * 100
    data.columns = [_short(c) for c in data.columns]  # outlet names: the same width as in the other charts
    fmt = ".1f" if data.to_numpy().max(initial=0) < 10 else ".0f"
    fig, ax = plt.subplots(figsize=(1.1 * max(len(data.columns), 3) + 5, 0.42 * max(len(data), 3) + 1.8))
    sns.heatmap(data, ax=ax, cmap="YlGnBu", vmin=0, annot=True, fmt=fmt, linewidths=0.5, linecolor="white",
                cbar_kws={"label": "% of the outlet's text"}, annot_kws={"fontsize": 8})
    ax.set_xlabel("outlet")
    ax.set_ylabel("")
    ax.set_xticklabels(ax.get_xticklabels(), rotation=30, ha="right")
    ax.set_yticklabels(ax.get_yticklabels(), rotation=0)
    title = "Topics by outlet (% of each outlet's text)"
    n_all = int((outlet_mix["topic"].astype(int) != -1).groupby(outlet_mix["topic"]).any().sum())
    notes = []
    if n_all > len(topics):
        notes.append(f"the {len(topics)} largest of {n_all} topics")
    if "outlier" in table:
        notes.append(f"outliers {table['outlier'].min():.0%}–{table['outlier'].max():.0%} of the text")
    if notes:
        title += "\n" + "; ".join(notes)
    ax.set_title(title)
    fig.tight_layout()
    return fig
