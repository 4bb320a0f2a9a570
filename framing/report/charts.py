"""The report's figures. Each function takes data frames and returns a matplotlib Figure;
only the report layer writes files. They are drawn with seaborn on matplotlib; seaborn (without
the scipy.stats it would import, :func:`_import_seaborn`) is imported only here, when a chart is
drawn — in the report's second process when a core is idle (:mod:`framing.report.render`).

Arabic labels are passed to matplotlib as they are: matplotlib ≥ 3.11 shapes and
orders Arabic itself (running them through arabic-reshaper/python-bidi breaks them).
Every chart uses one colour per outlet (:func:`outlet_palette`, :data:`OUTLET_COLOURS`: 15
colours told apart with normal vision and the three colour-vision deficiencies), stable across
charts and the HTML page.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "OUTLET_COLOURS",
    "outlet_palette",
    "plot_category_density",
    "plot_distinguishing_terms",
    "plot_keyness",
    "plot_label_shares",
    "plot_source_types",
    "plot_stance_heatmap",
    "plot_stance_intervals",
    "plot_timeline",
    "plot_topic_heatmap",
    "plot_topic_mix",
]

#: the resolution charts are measured and drawn at (dots per inch; the report writes PNGs at it)
CHART_DPI = 150
#: fonts tried first (Arabic coverage); matplotlib's bundled DejaVu Sans covers Arabic too
FONT_STACK = ["Noto Sans Arabic", "Noto Naskh Arabic", "Amiri", "DejaVu Sans"]


def _import_seaborn():
    """``import seaborn`` without the scipy.stats it imports for its kernel density estimate (a
    chart kind the report never draws; seaborn falls back to its bundled copy when scipy.stats
    cannot be imported): scipy.stats costs ~0.7 s of CPU in each process that draws charts, more
    than seaborn and matplotlib together. If scipy.stats is already imported, it is used as is;
    later imports of scipy.stats work as usual."""
    import sys

    if "seaborn" in sys.modules or "scipy.stats" in sys.modules:
        import seaborn as sns

        return sns
    sys.modules["scipy.stats"] = None  # type: ignore[assignment]  # "import scipy.stats" raises ImportError
    try:
        import seaborn as sns
    finally:
        if sys.modules.get("scipy.stats", 0) is None:
            del sys.modules["scipy.stats"]
    return sns


def _setup():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    sns = _import_seaborn()

    sns.set_theme(style="whitegrid", context="notebook", font=FONT_STACK[-1])
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = FONT_STACK + list(plt.rcParams["font.sans-serif"])
    plt.rcParams["svg.hashsalt"] = "framing"  # deterministic SVG ids
    plt.rcParams["axes.unicode_minus"] = False
    return plt, sns


def _heatmap(sns, data, **kw):
    """``sns.heatmap`` without the PendingDeprecationWarning of matplotlib >= 3.11 that seaborn 0.13
    raises itself (it calls ``cmap.set_bad`` on its own copy of the colormap; nothing of ours to change)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The set_bad function", category=PendingDeprecationWarning)
        return sns.heatmap(data, **kw)


#: matplotlib's (and seaborn's) qualitative palettes "tab10" and "tab20", so the HTML page can
#: colour outlets like the charts without importing a plotting library
TAB10 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
         "#17becf")
TAB20 = ("#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728", "#ff9896", "#9467bd",
         "#c5b0d5", "#8c564b", "#c49c94", "#e377c2", "#f7b6d2", "#7f7f7f", "#c7c7c7", "#bcbd22", "#dbdb8d",
         "#17becf", "#9edae5")


#: the outlet colours, drawn from Okabe–Ito and Paul Tol's colour-blind-safe schemes (none too pale
#: to read on white): every pair is at least 10 CIEDE2000 apart with normal vision and under
#: simulated protanopia, deuteranopia and tritanopia (Machado et al. 2009; Okabe–Ito's own 7
#: colours reach 10.9), ordered so that the first few are the farthest apart (tested)
OUTLET_COLOURS = ("#0072B2", "#DDCC77", "#000000", "#666633", "#66CCEE", "#222255", "#EE6677", "#225555",
                  "#BBBBBB", "#AAAA00", "#997700", "#AA3377", "#663333", "#CC79A7", "#009E73")


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    return tuple(int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def outlet_palette(outlets: Sequence[str]) -> dict[str, tuple]:
    """One colour per outlet (RGB in [0, 1]) from :data:`OUTLET_COLOURS`, assigned in sorted
    order so every chart (and the HTML page) agrees; cycled beyond 15 outlets.

    >>> outlet_palette(["b", "a"])["a"] == _rgb("#0072B2")
    True
    """
    names = sorted(set(outlets))
    return {name: _rgb(OUTLET_COLOURS[i % len(OUTLET_COLOURS)]) for i, name in enumerate(names)}


def _text_colour(rgb) -> str:
    """Black or white, whichever reads better on ``rgb`` (relative luminance)."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb[:3])
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.22 else "white"


def _measure_ready(fig) -> None:
    """Make ``fig`` measurable without drawing it: the resolution it is drawn at, autoscaled limits resolved."""
    fig.set_dpi(CHART_DPI)
    for ax in fig.axes:
        ax.get_xlim(), ax.get_ylim()


def _drop_overflowing(fig, labels) -> None:
    """Fit every (text, x0, x1[, shorter]) label to its segment [x0, x1] (data coordinates): a label
    wider than its segment is replaced by ``shorter`` when given and that fits, else removed, so that
    no annotation spills over a neighbour. Measured with the canvas's renderer, without drawing the
    figure (the layout is final: limits set, ``tight_layout`` done)."""
    _measure_ready(fig)
    renderer = fig.canvas.get_renderer()
    for text, x0, x1, *shorter in labels:
        ax = text.axes
        px0, px1 = (ax.transData.transform((x, 0))[0] for x in (x0, x1))
        room = abs(px1 - px0) - 3
        if text.get_window_extent(renderer).width <= room:
            continue
        if shorter and shorter[0]:
            text.set_text(shorter[0])
            if text.get_window_extent(renderer).width <= room:
                continue
        text.remove()


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
    _heatmap(sns, data, ax=ax, cmap="RdBu", vmin=-1, vmax=1, center=0, annot=annot, fmt="",
             linewidths=0.5, linecolor="white", cbar_kws={"label": "mean stance\n−1 delegitimizing … +1 legitimizing"},
             annot_kws={"fontsize": 8, "in_layout": False})
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


def plot_stance_intervals(outlets: pd.DataFrame, actors: Sequence[str], *, max_actors: int = 8):
    """Mean label stance per outlet with its 95 % bootstrap interval (``stance_lo:`` / ``stance_hi:``
    of ``outlets.csv``), one panel per actor (the most mentioned first), outlets as rows in the
    tables' order, each in its outlet colour; ``n`` = authorial mentions. An outlet with one
    document has no interval (a dot only); one without a mention is left out of the panel.
    """
    plt, _ = _setup()
    actors = [a for a in actors if f"stance:{a}" in outlets and outlets[f"mentions:{a}"].fillna(0).sum() > 0]
    actors = sorted(actors, key=lambda a: (-outlets[f"mentions:{a}"].fillna(0).sum(), a))[:max_actors]
    names = outlets["outlet"].astype(str).tolist()
    palette = outlet_palette(names)
    n = max(len(actors), 1)
    cols = min(n, 4)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.3 * cols + 2.2, (0.32 * len(names) + 1.1) * rows),
                             squeeze=False, sharey=True)
    # one x range for every panel: the data and 0, at least ±0.25 wide, never beyond ±1
    ends = [outlets[f"{k}:{a}"] for a in actors for k in ("stance", "stance_lo", "stance_hi") if f"{k}:{a}" in outlets]
    values = pd.concat(ends).dropna() if ends else pd.Series([0.0])
    half = min(max(float(values.abs().max()) if len(values) else 0.0, 0.2) * 1.15 + 0.05, 1.05)
    xlim = (-half, half)
    for i, actor in enumerate(actors):
        ax = axes[i // cols][i % cols]
        for y, (_, r) in enumerate(outlets.iterrows()):
            s, m = r.get(f"stance:{actor}"), r.get(f"mentions:{actor}", 0)
            if s is None or pd.isna(s) or not m:
                continue
            lo, hi = r.get(f"stance_lo:{actor}"), r.get(f"stance_hi:{actor}")
            colour = palette[str(r["outlet"])]
            if lo is not None and hi is not None and pd.notna(lo) and pd.notna(hi):
                ax.errorbar(s, y, xerr=[[max(s - lo, 0)], [max(hi - s, 0)]], fmt="none", ecolor=colour,
                            elinewidth=1.6, capsize=3)
            ax.plot(s, y, "o", color=colour, markeredgecolor="black", markeredgewidth=0.6, markersize=6)
            ax.annotate(f"n={int(m)}", (1.0, y), xycoords=("axes fraction", "data"), xytext=(3, 0),
                        textcoords="offset points", va="center", ha="left", fontsize=7, color="#444444")
        ax.axvline(0, color="#888888", linewidth=0.8, zorder=0)
        ax.set_xlim(*xlim)
        ax.set_ylim(len(names) - 0.5, -0.5)  # the first outlet on top, as in the tables
        ax.set_title(actor, fontsize=10)
        ax.set_xlabel("mean stance (95 % CI)")
        ax.grid(axis="y", visible=False)
    axes[0][0].set_yticks(range(len(names)))
    axes[0][0].set_yticklabels([_short(o) for o in names])
    for j in range(len(actors), rows * cols):
        axes[j // cols][j % cols].axis("off")
    fig.suptitle("Mean label stance per outlet with 95 % bootstrap intervals (authorial voice; −1 … +1)")
    fig.tight_layout(w_pad=2.5)
    return fig


#: the colour of the "other labels" segment (not a stance)
_OTHER_LABELS = (0.62, 0.62, 0.62, 1.0)


#: letters that stand for a label in a segment too narrow for its name (the panel's key spells them out)
_LABEL_KEYS = "abcdefghijklmnopqrstuvwxyz"


def _label_cells(rows: pd.DataFrame) -> dict[str, dict[str, tuple[float, float, int]]]:
    """outlet → term → (share, mean stance, count) of one actor's rows of ``labels.csv``, terms in
    the rows' order (one pass over plain columns, not a frame lookup per segment). A term that two
    entries share is one label: shares and counts added, stances weighted by their counts."""
    cells: dict[str, dict[str, tuple[float, float, int]]] = {}
    for outlet, term, share, stance, count in zip(rows["outlet"].tolist(), rows["term"].tolist(),
                                                  rows["share"].tolist(), rows["mean_stance"].tolist(),
                                                  rows["count"].tolist(), strict=True):
        cell = cells.setdefault(outlet, {})
        count = int(count)
        if term in cell:
            s0, m0, c0 = cell[term]
            known = [(m, c) for m, c in ((m0, c0), (stance, count)) if not pd.isna(m)]
            mean = sum(m * c for m, c in known) / sum(c for _, c in known) if known else np.nan
            cell[term] = (s0 + share, mean, c0 + count)
        else:
            cell[term] = (share, stance, count)
    return cells


def plot_label_shares(labels: pd.DataFrame, *, voice: str = "authorial", actors: Sequence[str] | None = None,
                      outlets: Sequence[str] | None = None, max_actors: int = 6, threshold: float = 0.06,
                      max_labels: int = 8):
    """Which label each outlet uses for each actor: one panel per actor, outlets as rows, each row
    the outlet's mentions of the actor split by label (stacked shares), coloured by the label's
    stance on a diverging scale (red −1 … blue +1).

    Within a panel every row stacks the labels in the same order (the actor's most used label first,
    over all outlets), so a label sits in the same place from one outlet to the next. Each label has
    a letter, spelled out in the panel's key (``a الشرطة · b قوات الأمن …``, over the panel); a
    segment shows the label's name (in Arabic, as written in the lexicon) where its share is ≥
    ``threshold`` and the name fits, else its letter where that fits. Beyond ``max_labels`` labels
    for an actor, the least used are one grey "N other labels" segment at the end of each row.

    ``labels`` is ``labels.csv`` (:func:`framing.report.tables.label_shares`); ``voice`` selects
    authorial or reported mentions; ``actors`` (default: the most mentioned ``max_actors``).
    """
    plt, _ = _setup()
    from matplotlib import cm, colors

    df = labels[labels["voice"] == voice]
    if actors is None:
        totals = df.groupby("actor")["count"].sum()
        actors = sorted(totals.index, key=lambda a: (-totals[a], a))[:max_actors]
    actors = [a for a in actors if (df["actor"] == a).any()]
    names = list(outlets) if outlets is not None else sorted(df["outlet"].unique())
    cmap, norm = plt.get_cmap("RdBu"), colors.Normalize(vmin=-1, vmax=1)
    n = max(len(actors), 1)
    fig, axes = plt.subplots(n, 1, figsize=(11, max(n * (0.34 * len(names) + 1.2) + 0.6, 3.4)), squeeze=False)
    annotations = []
    for i, actor in enumerate(actors):
        ax = axes[i][0]
        sub = df[df["actor"] == actor]
        used = sub.groupby("term")["count"].sum()
        order = sorted(used.index, key=lambda t: (-used[t], str(t)))
        kept = order if len(order) <= max_labels else order[:max_labels - 1]
        keys = {t: _LABEL_KEYS[k % len(_LABEL_KEYS)] for k, t in enumerate(kept)}
        bars: list[tuple] = []  # (row, share, left, colour): one barh call per panel
        cells = _label_cells(sub)
        for y, outlet in enumerate(names):
            rows = cells.get(outlet, {})
            segments = [(t, *rows[t]) for t in kept if t in rows]
            rest = [v for t, v in rows.items() if t not in keys]
            if rest:  # the labels beyond the kept ones, as one grey segment
                segments.append((f"{len(rest)} other label{'' if len(rest) == 1 else 's'}",
                                 float(np.sum([v[0] for v in rest])), None, sum(v[2] for v in rest)))
            left = 0.0
            for term, share, stance, _count in segments:
                colour = _OTHER_LABELS if term not in keys else cmap(norm(0.0 if pd.isna(stance) else float(stance)))
                bars.append((y, share, left, colour))
                key = keys.get(term)
                if share >= threshold or key:
                    t = ax.text(left + share / 2, y, str(term) if share >= threshold else key, ha="center",
                                va="center", fontsize=8, color=_text_colour(colour))
                    t.set_in_layout(False)  # inside its segment (or removed): no room to make for it
                    annotations.append((t, left, left + share, key if share >= threshold else None))
                left += share
            total = sum(c for *_, c in segments)
            if total:
                ax.annotate(f"n={total}", (1.0, y), xycoords=("axes fraction", "data"), xytext=(4, 0),
                            textcoords="offset points", va="center", ha="left", fontsize=8, color="#444444")
        if bars:
            ys, shares, lefts, colours = zip(*bars, strict=True)
            ax.barh(ys, shares, left=lefts, color=colours, edgecolor="#9a9a9a", linewidth=0.5, height=0.8)
        ax.set_xlim(0, 1)
        ax.set_ylim(len(names) - 0.5, -0.5)
        ax.set_yticks(range(len(names)))
        ax.set_yticklabels([_short(o) for o in names])
        ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
        ax.set_title(actor, fontsize=10, loc="left", pad=15)
        # the key, between the title and the bars: a Latin letter before each label keeps the labels in
        # order whatever their script
        key_text = " · ".join(f"{keys[t]} {_short(t, 24)}" for t in kept)
        if len(order) > len(kept):
            key_text += f" · grey: {len(order) - len(kept)} other labels"
        ax.annotate(key_text, (0.0, 1.0), xycoords="axes fraction", xytext=(0, 3), textcoords="offset points",
                    ha="left", va="bottom", fontsize=8, color="#333333")
        ax.grid(False)
        ax.tick_params(axis="x", labelbottom=i == len(actors) - 1)
        if i == len(actors) - 1:
            ax.set_xlabel(f"share of the outlet's {voice} mentions of the actor, by label")
    if not actors:
        axes[0][0].text(0.5, 0.5, "no actor label", ha="center", va="center", transform=axes[0][0].transAxes)
    fig.suptitle(f"Which label each outlet uses for each actor ({voice} voice; colour: the label's stance)")
    fig.tight_layout(rect=(0, 0, 0.88, 1 - 0.4 / fig.get_figheight()))
    cax = fig.add_axes((0.905, 0.25, 0.015, 0.5))  # its ticks and label stay inside the figure
    fig.colorbar(cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax,
                 label="label stance  −1 delegitimizing … +1 legitimizing")
    _drop_overflowing(fig, annotations)
    return fig


def plot_timeline(timeline: pd.DataFrame, actor: str, *, events: pd.DataFrame | None = None,
                  max_events: int = 5, trim: float = 0.005, max_bands: int = 5):
    """Framing of one actor over time: per outlet, the mean authorial stance per period (a line,
    with its 95 % interval as a band when there are at most ``max_bands`` outlets: more bands would
    cover each other) above the number of mentions per period; the ``max_events``
    largest events (most documents, from ``events.csv``) marked by numbered lines, listed below.

    The x axis spans the periods of all but the first and last ``trim`` of the documents (a few
    stray dates would squeeze a month of news into a corner); how many documents fall outside is
    written under the axis. ``timeline`` is ``timeline.csv`` (:func:`framing.report.tables.timeline`).
    """
    plt, _ = _setup()
    df = timeline[timeline["actor"] == actor].copy()
    df["when"] = pd.to_datetime(df["period_start"])
    gran = str(df["granularity"].iloc[0]) if len(df) else ""
    names = sorted(df["outlet"].unique())
    palette = outlet_palette(timeline["outlet"].unique())
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(11, 6.4), sharex=True, gridspec_kw={"height_ratios": [2.2, 1]})
    for outlet in names:
        d = df[df["outlet"] == outlet].sort_values("when")
        colour = palette[outlet]
        seen = d[d["mentions"] > 0]
        ax.plot(seen["when"], seen["stance"], "-o", color=colour, markersize=3.5, linewidth=1.4,
                label=_short(outlet))
        band = seen.dropna(subset=["stance_lo", "stance_hi"]) if len(names) <= max_bands else seen.iloc[0:0]
        if len(band):
            ax.fill_between(band["when"], band["stance_lo"], band["stance_hi"], color=colour, alpha=0.12,
                            linewidth=0)
        ax2.plot(d["when"], d["mentions"], "-o", color=colour, markersize=2.5, linewidth=1.1)
    ax.axhline(0, color="#888888", linewidth=0.8, zorder=0)
    # zoomed on the stances (at least ±0.25, never beyond ±1): bands wider than that are cut at the frame
    top = float(df.loc[df["mentions"] > 0, "stance"].abs().max()) if (df["mentions"] > 0).any() else 0.0
    half = min(max(top * 1.3, 0.25), 1.05)
    ax.set_ylim(-half, half)
    ax.set_ylabel("mean stance\n(95 % interval)" if len(names) <= max_bands else "mean stance\n(intervals: timeline.csv)")
    ax2.set_ylabel("mentions")
    ax2.set_ylim(0, max(float(df["mentions"].max()) if len(df) else 1.0, 1.0) * 1.18)
    xlabel = f"{gran} (start)" if gran else "period"
    lo = hi = None
    if len(df):
        docs = df.groupby("when")["documents"].sum().sort_index()
        cum = docs.cumsum() / docs.sum()
        lo, hi = cum.index[cum > trim][0], cum.index[cum >= 1 - trim][0]
        outside = int(docs[(docs.index < lo) | (docs.index > hi)].sum())
        if outside:
            step = pd.Timedelta(days={"day": 1, "week": 7}.get(gran, 31))
            ax2.set_xlim(lo - step / 2, hi + step / 2)
            xlabel += f" — {outside:,} of {int(docs.sum()):,} documents dated outside the range shown"
    ax2.set_xlabel(xlabel)
    if lo is not None:
        _date_ticks(ax2, gran, lo, hi)
    ax.set_title(f"{actor}: label stance over time by outlet (authorial voice, per {gran or 'period'})", pad=26)
    listed, marks = [], {}
    if events is not None and len(events) and "date_start" in events and lo is not None:
        ev = events.assign(_d=pd.to_datetime(events["date_start"], errors="coerce")).dropna(subset=["_d"])
        size = "n_docs" if "n_docs" in ev else None
        if size:
            ev = ev.sort_values([size, "_d"], ascending=[False, True], kind="stable")
        ev = ev.assign(_p=_periods_of(ev["_d"], gran))  # the period its documents are counted in
        ev = ev[(ev["_p"] >= lo) & (ev["_p"] <= hi)]
        for k, (_, e) in enumerate(ev.head(max_events).iterrows(), start=1):
            marks.setdefault(e["_p"], []).append(f"E{k}")
            # the date is listed already (and a date inside an Arabic label is reordered by the bidi rules)
            label = re.sub(r"\s*\([0-9\s–-]+\)\s*$", "", str(e.get("label", e.get("event_id", ""))))
            # a Latin first letter keeps each line left-to-right whatever the label's script
            listed.append(f"E{k} · {e['_d']:%Y-%m-%d} · {_short(label, 60)}"
                          + (f" ({int(e[size])} documents)" if size else ""))
    boxes = []
    for when, ids in sorted(marks.items()):
        for a in (ax, ax2):
            a.axvline(when, color="#555555", linestyle="--", linewidth=0.8, zorder=0)
        boxes.append(ax.annotate(" ".join(ids), (when, 1.0), xycoords=("data", "axes fraction"), xytext=(0, 2),
                                 textcoords="offset points", ha="center", va="bottom", fontsize=8,
                                 bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "#555555", "lw": 0.6}))
    ax.legend(bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8, title="outlet", frameon=False)
    ax.grid(axis="x", visible=False)
    fig.autofmt_xdate()
    if listed:
        low = 0.1 / fig.get_figheight()  # a margin under the list, as tight_layout leaves around the rest
        fig.text(0.01, low, "Largest events (most documents):\n" + "\n".join(listed), fontsize=8, va="bottom",
                 ha="left")
        fig.tight_layout(rect=(0, low + 0.035 + 0.026 * (len(listed) + 1), 1, 1))
    else:
        fig.tight_layout()
    _stagger(fig, boxes)
    return fig


def _date_ticks(ax, granularity: str, lo: pd.Timestamp, hi: pd.Timestamp, most: int = 10) -> None:
    """Ticks on whole periods (days, Mondays, first days of months), at most about ``most``."""
    from matplotlib import dates

    days = max((hi - lo).days, 1)
    if granularity == "month":
        locator, fmt = dates.MonthLocator(interval=max(1, -(-days // 30 // most))), "%Y-%m"
    elif granularity == "week":
        locator, fmt = dates.WeekdayLocator(byweekday=dates.MO, interval=max(1, -(-days // 7 // most))), "%Y-%m-%d"
    else:
        locator, fmt = dates.DayLocator(interval=max(1, -(-days // most))), "%Y-%m-%d"
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(dates.DateFormatter(fmt))


def _stagger(fig, boxes, step: float = 11.0, levels: int = 3) -> None:
    """Raise event labels that would overlap a neighbour to the next free level (``step`` points up)."""
    if not boxes:
        return
    _measure_ready(fig)
    renderer = fig.canvas.get_renderer()
    placed: list = []
    for box in boxes:
        for level in range(levels):
            box.set_position((0, 2 + step * level))
            extent = box.get_window_extent(renderer).padded(2)
            if not any(extent.overlaps(other) for other in placed):
                break
        placed.append(box.get_window_extent(renderer).padded(2))


def _periods_of(when: pd.Series, granularity: str) -> pd.Series:
    """The start of the day, ISO week or month holding each date (as in ``timeline.csv``)."""
    when = pd.to_datetime(when).dt.normalize()
    if granularity == "week":
        return when - pd.to_timedelta(when.dt.weekday, unit="D")
    if granularity == "month":
        return when.dt.to_period("M").dt.start_time
    return when


def plot_keyness(keyness: pd.DataFrame, *, n: int = 10, colours: tuple[str, str] = ("#0072B2", "#D55E00")):
    """Keyness of a target against a reference, like quanteda's ``textplot_keyness``: the ``n``
    strongest terms of the target (z > 0, on top) and of the reference (z < 0, below) as
    horizontal bars of their log-odds z-score, each labelled with the term at its end.

    ``keyness`` is one pair of :func:`framing.report.tables.keyness` (columns side, rank, term, z,
    target, reference; ``form`` is shown instead of ``term`` when present).
    """
    plt, _ = _setup()
    top = keyness[keyness["side"] == "target"].nsmallest(n, "rank")
    bottom = keyness[keyness["side"] == "reference"].nsmallest(n, "rank")
    rows = pd.concat([top, bottom.iloc[::-1]], ignore_index=True)
    target = str(keyness["target"].iloc[0]) if len(keyness) else "target"
    reference = str(keyness["reference"].iloc[0]) if len(keyness) else "reference"
    fig, ax = plt.subplots(figsize=(8.5, 0.3 * max(len(rows), 4) + 1.6))
    y = list(range(len(rows)))
    colour = [colours[0] if s == "target" else colours[1] for s in rows["side"]]
    ax.barh(y, rows["z"], color=colour, height=0.7)
    span = float(rows["z"].abs().max()) if len(rows) else 1.0
    words = rows["form"] if "form" in rows else rows["term"]
    for yi, z, w in zip(y, rows["z"], words, strict=True):
        ax.text(z + (0.02 if z >= 0 else -0.02) * span, yi, str(w), va="center",
                ha="left" if z >= 0 else "right", fontsize=9)
    ax.set_xlim(-1.35 * span if (rows["z"] < 0).any() else -0.1 * span,
                1.35 * span if (rows["z"] > 0).any() else 0.1 * span)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks([])
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel("z-score of the log-odds ratio (informative Dirichlet prior)")
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=colours[0], label=_short(target, 40)),
                       Patch(color=colours[1], label=_short(reference, 40))], loc="lower right", fontsize=8)
    ax.set_title(f"Keyness: {_short(target, 40)} against {_short(reference, 40)}")
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


#: the panels of :func:`plot_category_density`, one per category kind, in this order
CATEGORY_PANELS = (("loaded", "Loaded wording"), ("topic", "Topic markers (subjects, not loaded wording)"),
                   ("label", "Actor labels"))


def plot_category_density(outlets: pd.DataFrame, categories: Sequence[str],
                          kinds: Mapping[str, str] | None = None):
    """Grouped horizontal bars: hits per 1,000 tokens for each category and outlet, with
    bootstrap confidence intervals where an outlet has several documents; one panel per
    category kind (loaded wording, topic markers, actor labels: see :data:`CATEGORY_PANELS`),
    each on its own scale. ``kinds`` maps category → kind (``run.json``'s ``category_kinds``);
    without it every category but the actor labels is loaded."""
    from framing.lexicon.model import default_category_kind

    plt, sns = _setup()
    kinds = dict(kinds or {})
    panels = [(title, [c for c in categories if (kinds.get(c) or default_category_kind(c)) == kind])
              for kind, title in CATEGORY_PANELS]
    panels = [(t, cats) for t, cats in panels if cats]
    palette = outlet_palette(outlets["outlet"].astype(str)) if len(outlets) else {}
    per_cat = 0.5 * max(1, len(palette)) ** 0.5
    heights = [max(1.2, per_cat * len(cats)) for _, cats in panels] or [1.2]
    fig, axes = plt.subplots(len(heights), 1, figsize=(9, sum(heights) + 1.2 * len(heights) + 1),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, (title, cats) in zip(axes[:, 0], panels, strict=False):
        rows = []
        for _, r in outlets.iterrows():
            for c in cats:
                rows.append({"outlet": str(r["outlet"]), "category": c, "density": r.get(f"density:{c}", 0.0),
                             "lo": r.get(f"density_lo:{c}"), "hi": r.get(f"density_hi:{c}")})
        df = pd.DataFrame(rows)
        sns.barplot(df, y="category", x="density", hue="outlet", hue_order=sorted(palette), palette=palette,
                    ax=ax, orient="h", legend=ax is axes[0, 0])
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
        ax.set_title(title, loc="left", fontsize=10)
    if panels:
        axes[0, 0].legend(title="outlet", bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8)
    fig.suptitle("Category density per outlet")
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
    """Stacked horizontal bars: share of each outlet's attributions by source type, one colour per
    type (grey: ``other``)."""
    plt, sns = _setup()
    share_cols = [c for c in profile.columns if c.startswith("share_")]
    data = profile.set_index("outlet")[share_cols].fillna(0.0)
    data.columns = [c[len("share_"):] for c in share_cols]
    data = data.loc[:, data.sum() > 0]
    fig, ax = plt.subplots(figsize=(9, 0.55 * max(len(data), 2) + 2))
    named = [c for c in data.columns if c != "other"]
    # one colour per source type: Set2's 8 while they suffice, else tab20's 20 (Set2 repeats after 8);
    # "other" (no source type) is grey
    colours = sns.color_palette("Set2" if len(named) <= 8 else "tab20", n_colors=max(len(named), 1))
    left = pd.Series(0.0, index=data.index)
    for col in data.columns:
        colour = (0.72, 0.72, 0.72) if col == "other" else colours[named.index(col) % len(colours)]
        ax.barh([_short(o) for o in data.index], data[col], left=left, color=colour, label=col,
                edgecolor="white", linewidth=0.4)
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
    _heatmap(sns, data, ax=ax, cmap="YlGnBu", vmin=0, annot=True, fmt=fmt, linewidths=0.5, linecolor="white",
             cbar_kws={"label": "% of the outlet's text"}, annot_kws={"fontsize": 8, "in_layout": False})
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
