"""The report's shortcuts give what the slow ways gave: CSV floats formatted once per distinct value,
a page written before its charts are drawn."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from framing.output import FLOAT_FORMAT, floats_as_text


def _pandas_csv(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return buf.getvalue()


def test_floats_as_text_writes_the_csv_pandas_float_format_writes():
    rng = np.random.default_rng(7)
    n = 400
    frame = pd.DataFrame({
        "doc_id": [f"مقال-{i}" for i in range(n)],
        "outlet": rng.choice(["الأهرام", "مدى مصر", "الوطن, القاهرة"], n),  # a comma: quoted
        "density:تخوين": rng.choice([0.0, -0.0, 2.2831, 1 / 3, 1e-7, 123456789.0, np.nan, np.inf, -np.inf], n),
        "stance:الجيش": np.where(rng.random(n) < 0.8, np.nan, rng.uniform(-1, 1, n)),
        "tokens": rng.integers(0, 5000, n),
        "short": rng.random(n).astype(np.float32),  # not float64: left to pandas
        "flag": rng.random(n) < 0.5,
    })
    assert floats_as_text(frame)["density:تخوين"].dtype == object
    assert _pandas_csv(floats_as_text(frame)) == _pandas_csv(frame)
    assert "-0" in floats_as_text(frame)["density:تخوين"].tolist()  # negative zero kept apart from 0


def test_floats_as_text_leaves_small_frames_and_frames_without_floats_alone():
    small = pd.DataFrame({"x": [0.5, np.nan]})
    assert floats_as_text(small) is small
    words = pd.DataFrame({"term": ["قال"] * 40, "n": range(40)})
    assert floats_as_text(words) is words


@pytest.mark.slow
def test_a_page_written_before_its_charts_are_drawn_is_the_same_page(tmp_path):
    """The chart process draws the tables' charts while this one writes the page around them:
    the figures go in once ``figures_ready`` returns; the plan names the charts drawn, in order."""
    import shutil
    from pathlib import Path

    from framing.report import build_tables, load_run, render_reports
    from framing.report.html import render_html
    from framing.report.render import render_charts, table_chart_plan

    run_dir = tmp_path / "run"
    shutil.copytree(Path(__file__).parent / "data" / "html" / "run", run_dir)
    render_reports(run_dir, jobs=1)
    tables = build_tables(load_run(run_dir))
    plan = table_chart_plan(tables)
    assert plan and all(path.exists() for path in (run_dir / f"charts/{name}.png" for _, name, *_ in plan))
    charts = [(t, f"charts/{name}.png") for t, name, *_ in plan]
    charts = render_charts(tables, lambda name, fig: [f"charts/{name}.png"]) + charts
    calls = []
    deferred = render_html(tables, charts, figures_ready=lambda: calls.append(1))
    assert calls == [1]
    assert deferred == render_html(tables, charts) == (run_dir / "report.html").read_text(encoding="utf-8")
    assert "\x00" not in deferred and deferred.count("data:image/png;base64,") == len(charts)
