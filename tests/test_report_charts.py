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


# --- the outlet palette: 15 colours, colour-blind safe -------------------------------------------

def _linear(c):
    c = np.asarray(c, float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(rgb):
    xyz = _linear(rgb) @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                                   [0.0193, 0.1192, 0.9505]]).T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def _delta_e2000(lab1, lab2):
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005)."""
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    cbar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(cbar ** 7 / (cbar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1p)) % 360, np.degrees(np.arctan2(b2, a2p)) % 360
    dh = 0 if c1 * c2 == 0 else (h2 - h1 - 360 if h2 - h1 > 180 else h2 - h1 + 360 if h2 - h1 < -180 else h2 - h1)
    dH = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    lbar, cbarp = (L1 + L2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        hbar = h1 + h2
    elif abs(h1 - h2) <= 180:
        hbar = (h1 + h2) / 2
    else:
        hbar = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(hbar - 30)) + 0.24 * np.cos(np.radians(2 * hbar))
         + 0.32 * np.cos(np.radians(3 * hbar + 6)) - 0.20 * np.cos(np.radians(4 * hbar - 63)))
    rt = -np.sin(np.radians(60 * np.exp(-(((hbar - 275) / 25) ** 2)))) * 2 * np.sqrt(cbarp ** 7 / (cbarp ** 7 + 25 ** 7))
    sl = 1 + 0.015 * (lbar - 50) ** 2 / np.sqrt(20 + (lbar - 50) ** 2)
    sc, sh = 1 + 0.045 * cbarp, 1 + 0.015 * cbarp * t
    return float(np.sqrt(((L2 - L1) / sl) ** 2 + ((c2 - c1) / sc) ** 2 + (dH / sh) ** 2 + rt * (c2 - c1) / sc * dH / sh))


#: colour-vision deficiency simulation, severity 1 (Machado, Oliveira & Fernandes 2009), on linear RGB
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def _seen(rgb, vision):
    if vision == "normal":
        return np.asarray(rgb, float)
    lin = np.clip(_linear(rgb) @ np.array(CVD[vision]).T, 0, 1)
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)


def test_delta_e2000_matches_the_published_test_pairs():
    # Sharma, Wu & Dalal (2005), table 1: pairs 1 and 17
    assert _delta_e2000((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert _delta_e2000((50.0, 2.5, 0.0), (73.0, 25.0, -18.0)) == pytest.approx(27.1492, abs=1e-4)


@pytest.mark.parametrize("vision", ["normal", "protanopia", "deuteranopia", "tritanopia"])
def test_fifteen_outlet_colours_stay_apart_with_every_kind_of_colour_vision(vision):
    names = [f"منفذ {i:02d}" for i in range(15)]
    pal = charts.outlet_palette(names)
    labs = [_lab(_seen(pal[n], vision)) for n in names]
    dist = min(_delta_e2000(labs[i], labs[j]) for i in range(15) for j in range(i + 1, 15))
    assert dist >= 10.0, dist
    # and none so pale that it vanishes on the white background (CIE L* below 82)
    assert max(_lab(np.array(c))[0] for c in pal.values()) < 82


def test_outlet_palette_cycles_beyond_fifteen_and_the_first_colours_are_the_farthest_apart():
    pal = charts.outlet_palette([f"o{i:02d}" for i in range(17)])
    assert pal["o15"] == pal["o00"] and len(set(pal.values())) == 15
    labs = [_lab(np.array(charts._rgb(c))) for c in charts.OUTLET_COLOURS]
    first5 = min(_delta_e2000(labs[i], labs[j]) for i in range(5) for j in range(i + 1, 5))
    assert first5 > 20


# --- stance with intervals, label shares, over time, keyness --------------------------------------

def _overlaps(texts, renderer):
    boxes = [t.get_window_extent(renderer) for t in texts if t.get_text()]
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]


def test_stance_intervals_draw_the_bootstrap_interval_of_each_outlet(outlets):
    df = outlets.assign(documents=[4, 1, 9], **{"stance_lo:russia": [-0.7, np.nan, -0.2],
                                               "stance_hi:russia": [-0.1, np.nan, 0.3],
                                               "stance_lo:syrian_government": [-0.8, np.nan, -0.9],
                                               "stance_hi:syrian_government": [-0.2, np.nan, -0.3]})
    fig = charts.plot_stance_intervals(df, ["russia", "syrian_government", "civilians", "iran"])
    titled = {ax.get_title(): ax for ax in fig.axes if ax.get_title()}
    assert list(titled) == ["russia", "syrian_government", "civilians"]  # most mentioned first; iran never
    ax = titled["russia"]
    # one error bar per outlet with an interval (the one-document outlet has a dot only)
    segs = [seg for coll in ax.collections for seg in coll.get_segments()]
    spans = sorted((round(s[0][0], 4), round(s[1][0], 4), int(s[0][1])) for s in segs)
    assert spans == [(-0.7, -0.1, 0), (-0.2, 0.3, 2)]
    # outlets top-down in the table's order, each dot in its outlet colour
    first = fig.axes[0]
    assert [t.get_text() for t in first.get_yticklabels()] == OUTLETS and first.yaxis_inverted()
    pal = charts.outlet_palette(OUTLETS)
    dots = [ln for ln in ax.lines if ln.get_marker() == "o"]
    assert [tuple(matplotlib.colors.to_rgb(d.get_color())) for d in dots] == [pal[o] for o in OUTLETS]
    lo, hi = ax.get_xlim()  # the interval down to -0.9 is inside, 0 in the middle
    assert ax.get_xlabel() == "mean stance (95 % CI)" and -1.05 <= lo < -0.9 and hi == -lo
    assert {t.get_text() for t in ax.texts} == {"n=6", "n=7"}
    plt.close(fig)


def test_stance_intervals_zoom_on_stances_close_to_zero(outlets):
    small = outlets.assign(**{"stance:russia": [-0.05, 0.02, 0.1], "stance:syrian_government": [0.0, -0.12, 0.04],
                              "stance:civilians": [np.nan, 0.0, 0.08]})
    fig = charts.plot_stance_intervals(small, ["russia", "syrian_government", "civilians"])
    lo, hi = fig.axes[0].get_xlim()
    assert hi == -lo and 0.12 < hi < 0.4  # not ±1: differences of a tenth stay visible
    plt.close(fig)


@pytest.fixture
def labels():
    rows = [("المدن", "syrian_government", "قوات النظام", 6, -0.6), ("المدن", "syrian_government", "النظام", 3, -0.4),
            ("المدن", "syrian_government", "قوات الأسد", 1, -0.7),
            ("الوطن", "syrian_government", "الجيش العربي السوري", 8, 0.6),
            ("الوطن", "syrian_government", "الدولة السورية", 2, 0.3),
            ("المدن", "russia", "الاحتلال الروسي", 4, -1.0), ("الوطن", "russia", "روسيا", 5, 0.0)]
    df = pd.DataFrame(rows, columns=["outlet", "actor", "term", "count", "mean_stance"])
    df["voice"] = "authorial"
    df["share"] = df["count"] / df.groupby(["outlet", "actor"])["count"].transform("sum")
    return df


def test_label_shares_stack_each_outlets_labels_coloured_by_stance_and_name_the_big_ones(labels):
    fig = charts.plot_label_shares(labels, outlets=["المدن", "الوطن"], threshold=0.15)
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in panels] == ["syrian_government", "russia"]  # most mentioned first
    gov = panels[0]
    widths = {}
    for p in gov.patches:
        y = round(p.get_y() + p.get_height() / 2)
        widths[y] = widths.get(y, 0) + p.get_width()
    assert widths == {0: pytest.approx(1.0), 1: pytest.approx(1.0)}
    # the largest label of each outlet starts the row; red for a delegitimizing label, blue for a legitimizing one
    first = sorted(gov.patches, key=lambda p: (p.get_y(), p.get_x()))
    assert first[0].get_width() == pytest.approx(0.6) and first[0].get_facecolor()[0] > first[0].get_facecolor()[2]
    watan = [p for p in first if round(p.get_y() + p.get_height() / 2) == 1]
    assert watan[0].get_width() == pytest.approx(0.8) and watan[0].get_facecolor()[2] > watan[0].get_facecolor()[0]
    # shares of 15 % or more are named (in Arabic), smaller ones (قوات الأسد, 10 %) are not
    named = {t.get_text() for t in gov.texts}
    assert {"قوات النظام", "النظام", "الجيش العربي السوري", "الدولة السورية"} <= named
    assert "قوات الأسد" not in named and {"n=10"} <= named
    assert [t.get_text() for t in gov.get_yticklabels()] == ["المدن", "الوطن"] and gov.yaxis_inverted()
    fig.canvas.draw()
    assert not _overlaps(gov.texts, fig.canvas.get_renderer())
    assert panels[-1].get_xlabel() == "share of the outlet's authorial mentions of the actor, by label"
    assert any("label stance" in ax.get_ylabel() for ax in fig.axes)  # the colour bar is labelled
    plt.close(fig)


def test_label_shares_drop_a_name_that_does_not_fit_its_segment():
    long = "التشكيلات المسلحة المتطرفة في ريف إدلب الجنوبي"
    df = pd.DataFrame({"outlet": ["المدن"] * 3, "actor": ["armed_opposition"] * 3, "voice": ["authorial"] * 3,
                       "term": [long, "الثوار", "الفصائل"], "count": [2, 6, 2], "mean_stance": [-0.9, 0.8, 0.0]})
    df["share"] = df["count"] / 10
    fig = charts.plot_label_shares(df, threshold=0.15)
    named = [t.get_text() for t in fig.axes[0].texts]
    assert "الثوار" in named and "الفصائل" in named and long not in named
    plt.close(fig)


@pytest.fixture
def timeline():
    rows = []
    for outlet, base in (("المدن", -0.6), ("الوطن", 0.5)):
        for day in range(1, 8):
            n = 0 if (outlet, day) == ("الوطن", 4) else day
            s = np.nan if n == 0 else base + 0.02 * day
            rows.append({"outlet": outlet, "granularity": "day", "period": f"2013-02-{day:02d}",
                         "period_start": f"2013-02-{day:02d}", "actor": "syrian_government", "documents": 2,
                         "mentions": n, "stance": s, "stance_lo": s - 0.1, "stance_hi": s + 0.1})
    return pd.DataFrame(rows)


def _day(x) -> str:
    """A date on a time axis (a matplotlib date number or a Timestamp) as YYYY-MM-DD."""
    return (pd.Timestamp(x) if isinstance(x, pd.Timestamp) else matplotlib.dates.num2date(x)).strftime("%Y-%m-%d")


def test_timeline_draws_a_line_and_a_band_per_outlet_and_numbers_the_largest_events(timeline):
    events = pd.DataFrame({"event_id": ["e1", "e2", "e3"], "label": ["قصف حمص (2013-02-03)", "مؤتمر جنيف", "هدنة"],
                           "date_start": ["2013-02-03", "2013-02-05", "2013-02-06"], "n_docs": [12, 30, 2]})
    fig = charts.plot_timeline(timeline, "syrian_government", events=events, max_events=2)
    ax, ax2 = fig.axes[:2]
    lines = [ln for ln in ax.lines if ln.get_label() in ("المدن", "الوطن")]
    assert sorted(ln.get_label() for ln in lines) == ["المدن", "الوطن"]
    watan = next(ln for ln in lines if ln.get_label() == "الوطن")
    assert len(watan.get_xdata()) == 6  # the day without a mention is no point
    assert len(ax.collections) == 2  # one interval band per outlet
    # the two largest events (30 and 12 documents) are numbered from the largest; the small one is not
    marks = {t.get_text(): _day(t.xy[0]) for t in ax.texts}
    assert marks == {"E1": "2013-02-05", "E2": "2013-02-03"}
    listed = fig.texts[0].get_text().splitlines()
    assert listed[1] == "E1 · 2013-02-05 · مؤتمر جنيف (30 documents)"
    assert listed[2] == "E2 · 2013-02-03 · قصف حمص (12 documents)"  # the date in the label is not repeated
    assert ax.get_ylabel().startswith("mean stance") and ax2.get_ylabel() == "mentions"
    assert ax2.get_xlabel() == "day (start)"
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    assert not _overlaps([*ax.texts, ax.title], r)
    assert fig.texts[0].get_window_extent(r).y1 < ax2.xaxis.label.get_window_extent(r).y0
    plt.close(fig)


def test_keyness_puts_the_target_terms_above_the_reference_terms_in_two_colours():
    k = pd.DataFrame({
        "target": "المدن", "reference": "الوطن",
        "side": ["target", "target", "target", "reference", "reference"], "rank": [1, 2, 3, 1, 2],
        "term": ["الثوار", "قوات النظام", "الاحتلال", "الارهابيين", "الجيش"], "z": [4.2, 3.1, 2.0, -5.0, -2.5]})
    fig = charts.plot_keyness(k, n=10)
    ax = fig.axes[0]
    bars = sorted(ax.patches, key=lambda p: p.get_y())  # y grows downwards: the first bar is on top
    assert [round(p.get_width(), 1) for p in bars] == [4.2, 3.1, 2.0, -2.5, -5.0]
    assert len({p.get_facecolor() for p in bars[:3]}) == 1 and bars[0].get_facecolor() != bars[-1].get_facecolor()
    words = [t.get_text() for t in sorted(ax.texts, key=lambda t: t.get_position()[1])]
    assert words == ["الثوار", "قوات النظام", "الاحتلال", "الجيش", "الارهابيين"]
    # target terms labelled right of their bar, reference terms left of theirs
    assert all(t.get_ha() == ("left" if t.get_position()[0] > 0 else "right") for t in ax.texts)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["المدن", "الوطن"]
    assert ax.get_xlabel().startswith("z-score") and "المدن" in ax.get_title()
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    assert not _overlaps(ax.texts, r)
    frame = ax.get_window_extent(r)
    assert all(frame.x0 <= t.get_window_extent(r).x0 and t.get_window_extent(r).x1 <= frame.x1 for t in ax.texts)
    plt.close(fig)


def test_timeline_joins_events_of_one_day_and_keeps_stray_dates_from_squeezing_the_axis(timeline):
    stray = timeline.iloc[:1].assign(period="2012-11-02", period_start="2012-11-02", documents=1, mentions=1,
                                     stance=0.0, stance_lo=np.nan, stance_hi=np.nan)
    tl = pd.concat([stray, timeline], ignore_index=True).assign(documents=lambda d: d["documents"] * 50)
    tl.loc[0, "documents"] = 1
    events = pd.DataFrame({"event_id": ["a", "b", "c", "d"], "label": ["قصف حمص", "مؤتمر جنيف", "هدنة", "قديم"],
                           "date_start": ["2013-02-03", "2013-02-03", "2013-02-04", "2012-11-02"],
                           "n_docs": [30, 20, 10, 40]})
    fig = charts.plot_timeline(tl, "syrian_government", events=events)
    ax, ax2 = fig.axes[:2]
    lo, hi = (_day(x) for x in ax2.get_xlim())
    assert (lo, hi) == ("2013-01-31", "2013-02-07")  # half a day either side of 1–7 February
    assert "1 of 1,401 documents dated outside the range shown" in ax2.get_xlabel()
    # the stray event of November is off the axis: not marked; the two of 3 February share one mark
    assert sorted(t.get_text() for t in ax.texts) == ["E1 E2", "E3"]
    fig.canvas.draw()
    assert not _overlaps(ax.texts, fig.canvas.get_renderer())
    plt.close(fig)


def test_label_shares_merge_the_smallest_labels_of_a_long_row_into_one_grey_segment():
    terms = ["قوات النظام", "النظام", "قوات الأسد", "النظام السوري", "ميليشيات الأسد", "جيش النظام"]
    df = pd.DataFrame({"outlet": "المدن", "actor": "syrian_government", "voice": "authorial", "term": terms,
                       "count": [10, 5, 2, 1, 1, 1], "mean_stance": [-0.6, -0.4, -0.7, -0.5, -0.9, -0.6]})
    df["share"] = df["count"] / 20
    fig = charts.plot_label_shares(df, max_labels=4, threshold=0.1)
    ax = fig.axes[0]
    assert len(ax.patches) == 4
    grey = sorted(ax.patches, key=lambda p: p.get_x())[-1]
    assert grey.get_width() == pytest.approx(0.15) and grey.get_facecolor()[:3] == pytest.approx((0.62,) * 3)
    assert "3 other labels" in [t.get_text() for t in ax.texts]
    plt.close(fig)


# --- drawing a chart once (framing.report.render.figure_png) -----------------------------------------


def _png_pixels(data: bytes):
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        return im.mode, im.info.get("dpi"), np.asarray(im.convert("RGB")).astype(int)


def test_a_chart_is_drawn_once_into_a_palette_png_like_a_tight_savefig(outlets):
    """figure_png crops to the drawing as bbox_inches="tight" does, in 256 colours: the same picture
    (size within a few pixels, every pixel within a few levels), white kept white, 150 dpi recorded."""
    import io

    from framing.report.render import CHART_DPI, figure_png

    fig = charts.plot_stance_heatmap(outlets, ["russia", "syrian_government", "civilians"])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=CHART_DPI, bbox_inches="tight")
    data = figure_png(fig)
    plt.close(fig)
    _, _, tight = _png_pixels(buf.getvalue())
    mode, dpi, ours = _png_pixels(data)
    assert mode == "P" and round(dpi[0]) == CHART_DPI
    assert abs(ours.shape[0] - tight.shape[0]) <= 12 and abs(ours.shape[1] - tight.shape[1]) <= 12
    assert (ours[:4, :4] == 255).all()  # the margin is white
    # the drawing itself: the heatmap's cells, compared where both images have them (aligned by their ink)
    def ink_box(a):
        rows, cols = np.flatnonzero((a != 255).any(axis=(1, 2))), np.flatnonzero((a != 255).any(axis=(0, 2)))
        return a[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    a, b = ink_box(ours), ink_box(tight)
    assert a.shape == b.shape
    assert np.abs(a - b).max() <= 12 and np.abs(a - b).mean() < 1.0
    assert len(data) < len(buf.getvalue())


def test_a_chart_reaching_past_the_figure_edge_is_kept_whole():
    from framing.report.render import CHART_DPI, figure_png

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    fig.text(0.9, 0.5, "a label that runs well past the right edge of the figure")
    _, _, pixels = _png_pixels(figure_png(fig))
    plt.close(fig)
    assert pixels.shape[1] > 2 * CHART_DPI * 1.5  # widened to keep the text (bbox_inches="tight")
    assert (pixels[:, -3:] == 255).all()  # with a white margin after it


def test_charts_written_in_place_replace_an_earlier_svg(tmp_path):
    from framing.report.render import _chart_saver

    (tmp_path / "charts").mkdir()
    (tmp_path / "charts" / "stance_heatmap.svg").write_text("<svg/>")
    fig = plt.figure(figsize=(2, 1))
    assert _chart_saver(tmp_path, None)("stance_heatmap", fig) == ["charts/stance_heatmap.png"]
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == ["stance_heatmap.png"]


def test_label_shares_keep_one_label_order_per_actor_and_letter_the_narrow_segments():
    """Every outlet's row stacks the actor's labels in one order (most used overall first), so a
    label sits in the same place in each row; a segment too narrow for its name shows its letter,
    and the panel's key over the bars spells the letters out."""
    rows = [("المدن", "الشرطة", 2, -0.1), ("المدن", "قوات الأمن", 6, 0.0), ("المدن", "سحل", 1, -0.9),
            ("الوطن", "الشرطة", 30, -0.1), ("الوطن", "قوات الأمن", 1, 0.0), ("الوطن", "سحل", 1, -0.9)]
    df = pd.DataFrame(rows, columns=["outlet", "term", "count", "mean_stance"]).assign(actor="police",
                                                                                      voice="authorial")
    df["share"] = df["count"] / df.groupby("outlet")["count"].transform("sum")
    fig = charts.plot_label_shares(df, outlets=["المدن", "الوطن"])
    ax = fig.axes[0]
    by_row = {}
    for p in sorted(ax.patches, key=lambda p: p.get_x()):
        by_row.setdefault(round(p.get_y() + p.get_height() / 2), []).append(round(p.get_width(), 3))
    # order over both outlets: الشرطة (32), قوات الأمن (7), سحل (2) — in both rows
    assert by_row == {0: [round(2 / 9, 3), round(6 / 9, 3), round(1 / 9, 3)],
                      1: [round(30 / 32, 3), round(1 / 32, 3), round(1 / 32, 3)]}
    texts = [t.get_text() for t in ax.texts]
    assert "a الشرطة · b قوات الأمن · c سحل" in texts  # the key
    assert texts.count("الشرطة") == 2 and "قوات الأمن" in texts  # names where they fit
    assert "b" in texts and "c" in texts  # letters where only a letter fits (3 % of a row)
    fig.canvas.draw()
    assert not _overlaps([t for t in ax.texts if " · " not in t.get_text()], fig.canvas.get_renderer())
    plt.close(fig)


def test_timeline_of_many_outlets_draws_no_interval_bands(timeline):
    many = pd.concat([timeline.assign(outlet=f"{o} {k}") for k in range(3) for o in ("المدن", "الوطن")])
    fig = charts.plot_timeline(many, "syrian_government")
    ax = fig.axes[0]
    assert len([ln for ln in ax.lines if ln.get_marker() == "o"]) == 6 and len(ax.collections) == 0
    assert "timeline.csv" in ax.get_ylabel()
    plt.close(fig)
    fig = charts.plot_timeline(timeline, "syrian_government")
    assert len(fig.axes[0].collections) == 2 and "95 %" in fig.axes[0].get_ylabel()
    plt.close(fig)


def test_source_types_get_one_colour_each_beyond_eight_and_other_is_grey():
    """The Egyptian sources have 13 types and "other": Set2 repeated its 8 colours (media and other
    were the same yellow); every type now has its own colour."""
    types = ["anonymous", "expert", "government", "international", "judiciary", "media", "military", "ngo",
             "parliament", "party", "presidency", "security", "witness", "other"]
    profile = pd.DataFrame({"outlet": ["المدن", "الوطن"], **{f"share_{t}": [1 / len(types)] * 2 for t in types}})
    fig = charts.plot_source_types(profile)
    ax = fig.axes[0]
    handles, labels = ax.get_legend_handles_labels()
    colour = {lab: tuple(round(c, 3) for c in h.patches[0].get_facecolor()[:3]) for h, lab in
              zip(handles, labels, strict=True)}
    assert set(colour) == set(types) and len(set(colour.values())) == len(types)
    assert colour["other"] == (0.72, 0.72, 0.72)
    plt.close(fig)


def test_category_density_groups_each_categorys_bars_by_outlet_with_their_intervals():
    """As seaborn's barplot draws them: per category 0.8 split among the outlets in
    sorted order, muted outlet colours, the legend naming the outlets, a line for each interval."""
    outlets = pd.DataFrame({"outlet": ["مدى مصر", "الأهرام"], "documents": [3, 1],
                            "density:تخوين": [2.5, 1.0], "density_lo:تخوين": [1.5, np.nan],
                            "density_hi:تخوين": [3.5, np.nan], "density:إرهاب": [0.5, 4.0],
                            "density_lo:إرهاب": [0.1, np.nan], "density_hi:إرهاب": [0.9, np.nan]})
    fig = charts.plot_category_density(outlets, ["تخوين", "إرهاب"], {"تخوين": "loaded", "إرهاب": "loaded"})
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_height() > 0]
    # sorted outlets: الأهرام first (its two bars), then مدى مصر; categories top down as given
    assert [round(b.get_y(), 2) for b in bars] == [-0.4, 0.6, 0.0, 1.0]
    assert [b.get_width() for b in bars] == [1.0, 4.0, 2.5, 0.5]
    assert [round(b.get_height(), 2) for b in bars] == [0.4] * 4
    assert [t.get_text() for t in ax.get_yticklabels()] == ["تخوين", "إرهاب"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["الأهرام", "مدى مصر"]
    palette = charts.outlet_palette(outlets["outlet"])
    muted = bars[0].get_facecolor()[:3]
    assert muted != pytest.approx(palette["الأهرام"]) and sum(muted) == pytest.approx(sum(palette["الأهرام"]), abs=0.3)
    # only مدى مصر has several documents: its two intervals are drawn, at its bars' centres
    drawn = [ln for ln in ax.lines if not np.isnan(np.asarray(ln.get_xdata(), dtype=float)).all()]
    assert [tuple(ln.get_xdata()) for ln in drawn] == [(1.5, 3.5), (0.1, 0.9)]
    assert [ln.get_ydata()[0] for ln in drawn] == pytest.approx([0.2, 1.2])
    plt.close(fig)


def test_topic_heatmap_writes_each_share_dark_on_light_cells_and_white_on_dark_ones():
    mix = pd.DataFrame({"outlet": ["المدن", "المدن", "عنب بلدي", "عنب بلدي"], "topic": [0, 1, 0, 1],
                        "label": ["حلب، قصف", "مفاوضات، جنيف"] * 2, "share": [0.9, 0.1, 0.02, 0.98]})
    fig = charts.plot_topic_heatmap(mix)
    ax = fig.axes[0]
    cells = {(round(t.get_position()[0], 1), round(t.get_position()[1], 1)): (t.get_text(), t.get_color())
             for t in ax.texts}
    # rows: topics, the largest on average first (T1: 54 %), columns: outlets in sorted order
    assert cells[(0.5, 0.5)] == ("10", ".15") and cells[(1.5, 0.5)] == ("98", "w")
    assert cells[(0.5, 1.5)] == ("90", "w") and cells[(1.5, 1.5)] == ("2", ".15")
    assert ax.get_yticklabels()[0].get_text().startswith("T1 · ")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["المدن", "عنب بلدي"]
    assert ax.get_ylim() == (2.0, 0.0) and not any(s.get_visible() for s in ax.spines.values())
    assert fig.axes[1].get_ylabel() == "% of the outlet's text"  # the colour bar
    plt.close(fig)
