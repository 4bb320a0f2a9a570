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


def outlet_palette(outlets: Sequence[str]) -> dict[str, tuple]:
    """One colour per outlet, assigned in sorted order so every chart agrees."""
    import seaborn as sns

    names = sorted(set(outlets))
    colours = sns.color_palette("tab10" if len(names) <= 10 else "tab20", n_colors=max(len(names), 1))
    return {name: colours[i % len(colours)] for i, name in enumerate(names)}


def _short(label: str, width: int = 28) -> str:
    label = str(label)
    return label if len(label) <= width else label[: width - 1] + "…"


def plot_stance_heatmap(outlets: pd.DataFrame, actors: Sequence[str], *, min_mentions: int = 1):
    """Outlet × actor heatmap of mean label stance (authorial voice), annotated with
    the stance and the number of mentions; cells with no mention are blank."""
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
                linewidths=0.5, linecolor="white", cbar_kws={"label": "mean stance (−1 delegitimizing … +1)"},
                annot_kws={"fontsize": 8})
    ax.set_xlabel("actor")
    ax.set_ylabel("outlet")
    ax.set_yticklabels([_short(t.get_text()) for t in ax.get_yticklabels()], rotation=0)
    ax.set_xticklabels(ax.get_xticklabels(), rotation=30, ha="right")
    ax.set_title("How each outlet labels each actor (authorial voice)")
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
            ax.set_yticklabels(sub["term"].tolist(), fontsize=10)
        ax.set_title(_short(outlet, 34), fontsize=10)
        ax.set_xlabel("z (log-odds)")
    for j in range(len(names), rows * cols):
        axes[j // cols][j % cols].axis("off")
    fig.suptitle("Words that distinguish each outlet from the others")
    fig.tight_layout()
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
    ax.set_xlabel("share of attributions")
    ax.set_title("Whom each outlet cites (source types)")
    ax.legend(bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig
