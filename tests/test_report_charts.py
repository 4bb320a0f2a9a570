"""Charts: what each figure shows (annotations, labels, colours), on small real-looking tables."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from framing.report import charts

OUTLETS = ["مدونة هادي العبد الله", "unnamed outlet (003)", "المدن"]


@pytest.fixture
def outlets():
    return pd.DataFrame({
        "outlet": OUTLETS,
        "documents": [1, 1, 1],
        "mentions:russia": [6, 6, 7], "stance:russia": [-0.4167, 0.0, 0.0],
        "mentions:syrian_government": [4, 4, 5], "stance:syrian_government": [-0.5, 0.25, -0.6],
        "mentions:civilians": [0, 1, 4], "stance:civilians": [np.nan, 0.0, 0.3],
        "mentions:iran": [0, 0, 0], "stance:iran": [np.nan, np.nan, np.nan],
    })


def test_stance_heatmap_annotates_stance_and_mentions_and_hatches_missing(outlets):
    fig = charts.plot_stance_heatmap(outlets, ["russia", "syrian_government", "civilians", "iran"])
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "-0.42\n(n=6)" in texts and "+0.25\n(n=4)" in texts and "-0.60\n(n=5)" in texts
    # an actor nobody mentions is dropped; one outlet without a mention of civilians gets no number
    assert [t.get_text() for t in ax.get_xticklabels()] == ["russia", "syrian_government", "civilians"]
    assert len(texts) == 3 * 3 - 1
    assert ax.patch.get_hatch() == "///"  # the missing cell shows the hatched background
    plt.close(fig)


def test_outlet_colours_do_not_depend_on_order():
    a = charts.outlet_palette(OUTLETS)
    b = charts.outlet_palette([*reversed(OUTLETS), "المدن"])
    assert a == b and len(set(a.values())) == len(OUTLETS)


def test_distinguishing_terms_use_written_forms_and_leave_room_for_the_title():
    terms = pd.DataFrame({
        "outlet": ["المدن", "المدن", "unnamed outlet (003)"],
        "rank": [1, 2, 1],
        "term": ["التصعيد", "ريف", "السوريه"],
        "form": ["التصعيد", "ريف", "السورية"],
        "z": [2.6, 2.1, 2.8],
    })
    fig = charts.plot_distinguishing_terms(terms)
    def top_down(ax):
        return [t.get_text() for t in sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])]

    labels = {ax.get_title(): top_down(ax) for ax in fig.axes if ax.get_title()}
    assert labels["المدن"] == ["التصعيد", "ريف"]  # the strongest term on top
    assert labels["unnamed outlet (003)"] == ["السورية"]  # the written form, not the normalized «السوريه»
    plt.close(fig)


def test_distinguishing_terms_title_does_not_overlap_the_panels():
    words = ["التصعيد", "ريف", "الاحتلال", "الثوار", "النظام", "موسكو", "أنقرة", "الهدنة", "إدلب", "حماة"]
    terms = pd.DataFrame([{"outlet": f"outlet {o:02d}", "rank": r + 1, "term": w, "form": w, "z": 10.0 - r}
                          for o in range(13) for r, w in enumerate(words)])
    fig = charts.plot_distinguishing_terms(terms)
    fig.canvas.draw()
    title_bottom = fig._suptitle.get_window_extent().y0
    panel_titles_top = max(ax.title.get_window_extent().y1 for ax in fig.axes if ax.get_title())
    assert title_bottom > panel_titles_top
    plt.close(fig)


def test_source_types_list_outlets_top_down_like_the_tables():
    profile = pd.DataFrame({"outlet": sorted(OUTLETS), "share_russian_official": [0.4, 0.2, 0.0],
                            "share_turkish_official": [0.6, 0.8, 1.0], "share_media": [np.nan, 0.0, 0.0]})
    fig = charts.plot_source_types(profile)
    ax = fig.axes[0]
    top_down = [t.get_text() for t in sorted(ax.get_yticklabels(), key=lambda t: t.get_position()[1])]
    # y grows downwards (inverted axis): the smallest position is drawn on top
    assert ax.yaxis_inverted() and top_down == sorted(OUTLETS)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["russian_official", "turkish_official"]
    plt.close(fig)


def test_outlet_palette_is_seaborns_without_importing_it():
    import seaborn as sns

    for n in (1, 3, 10, 11, 20, 23):
        names = [f"منفذ {i:02d}" for i in range(n)]
        expected = sns.color_palette("tab10" if n <= 10 else "tab20", n_colors=n)
        pal = charts.outlet_palette(names)
        for i, name in enumerate(sorted(names)):
            assert pal[name] == pytest.approx(tuple(expected[i % len(expected)]), abs=1e-12)
