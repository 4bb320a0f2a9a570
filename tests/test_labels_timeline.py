"""Label shares (labels.csv) and framing over time (timeline.csv), on a small hand-made run.

Two outlets, five documents: «المدن» calls the Syrian government «قوات النظام» and «النظام»,
«الوطن» says «الجيش العربي السوري»; one document has no date; a quotation («قال الكرملين إن
…») holds a reported label.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.errors import ConfigError
from framing.report.run import RunData
from framing.report.tables import (
    LABEL_COLUMNS,
    TIMELINE_COLUMNS,
    build_tables,
    choose_granularity,
    label_shares,
    timeline,
)

MUDUN, WATAN = "المدن", "الوطن"


def _hit(doc, outlet, term, actor, stance, voice="authorial", category="actor_label", start=0):
    return {"doc_id": doc, "outlet": outlet, "lexicon": "syria", "entry_id": f"syria:{term}", "actor": actor,
            "category": category, "term": term, "matched": term, "start": start, "end": start + len(term),
            "stance": stance, "voice": voice, "sentence_start": 0, "sentence_end": 80, "sentence": f"… {term} …"}


def make_run(tmp_path: Path, dates=("2013-02-01", "2013-02-01", "2013-02-03", "2013-02-03", None),
             options=None) -> RunData:
    documents = pd.DataFrame({
        "doc_id": ["m1", "m2", "m3", "w1", "w2"],
        "outlet": [MUDUN, MUDUN, MUDUN, WATAN, WATAN],
        "date": list(dates),
        "tokens": [100, 100, 200, 100, 50],
    })
    hits = pd.DataFrame([
        _hit("m1", MUDUN, "قوات النظام", "syrian_government", -0.6),
        _hit("m1", MUDUN, "قوات النظام", "syrian_government", -0.6, start=20),
        _hit("m2", MUDUN, "النظام", "syrian_government", -0.4),
        _hit("m2", MUDUN, "قصف", None, -0.5, category="aggression", start=40),
        _hit("m3", MUDUN, "قوات النظام", "syrian_government", -0.6),
        _hit("m3", MUDUN, "الاحتلال الروسي", "russia", -1.0, start=30),
        _hit("m3", MUDUN, "الإرهابيين", "armed_opposition", -0.9, voice="reported", start=60),
        _hit("w1", WATAN, "الجيش العربي السوري", "syrian_government", 0.6),
        _hit("w1", WATAN, "الإرهابيين", "armed_opposition", -0.9, category="terrorism_framing", start=30),
        _hit("w2", WATAN, "الجيش العربي السوري", "syrian_government", 0.6),
    ])
    outlets = pd.DataFrame({"outlet": [MUDUN, WATAN], "documents": [3, 2], "tokens": [400, 150]})
    manifest = {"framing_run": 1, "actors": ["syrian_government", "russia", "armed_opposition"],
                "categories": ["actor_label", "aggression", "terrorism_framing"], "options": options or {}}
    return RunData(path=tmp_path, manifest=manifest, documents=documents, outlets=outlets, terms=pd.DataFrame(),
                   hits=hits, attributions=pd.DataFrame(), problems=pd.DataFrame())


def test_label_shares_count_each_label_and_sum_to_one_per_outlet_actor_voice(tmp_path):
    df = label_shares(make_run(tmp_path))
    assert list(df.columns) == LABEL_COLUMNS
    gov = df[(df["outlet"] == MUDUN) & (df["actor"] == "syrian_government")]
    # the most used label first: «قوات النظام» 3 of 4 mentions, «النظام» 1 of 4
    assert gov[["term", "count", "share"]].values.tolist() == [["قوات النظام", 3, 0.75], ["النظام", 1, 0.25]]
    assert gov["mean_stance"].tolist() == pytest.approx([-0.6, -0.4])
    assert gov["entry_id"].tolist() == ["syria:قوات النظام", "syria:النظام"]
    sums = df.groupby(["outlet", "actor", "voice"])["share"].sum()
    assert np.allclose(sums, 1.0) and len(sums) == 5
    # the quoted label is a reported mention, kept apart from the outlet's own words
    rep = df[df["voice"] == "reported"]
    assert rep[["outlet", "actor", "term", "count", "share"]].values.tolist() == [
        [MUDUN, "armed_opposition", "الإرهابيين", 1, 1.0]]
    # hits without an actor (loaded terms such as «قصف») are no label
    assert "قصف" not in set(df["term"])
    assert df["count"].sum() == 9


def test_label_shares_of_a_run_without_hits_is_an_empty_table_with_the_columns(tmp_path):
    run = make_run(tmp_path)
    run.hits = pd.DataFrame()
    assert list(label_shares(run).columns) == LABEL_COLUMNS and label_shares(run).empty


@pytest.mark.parametrize(("first", "last", "expected"), [
    ("2013-02-01", "2013-02-01", "day"),
    ("2013-02-01", "2013-04-02", "day"),     # 60 days
    ("2013-02-01", "2013-04-03", "week"),    # 61 days
    ("2012-01-01", "2013-12-31", "week"),    # 730 days
    ("2011-01-01", "2013-12-31", "month"),
])
def test_granularity_follows_the_date_range(first, last, expected):
    assert choose_granularity(pd.Series([first, None, last])) == expected


def test_timeline_per_day_counts_mentions_stance_and_loaded_density(tmp_path):
    tl = timeline(make_run(tmp_path))
    assert list(tl.columns) == TIMELINE_COLUMNS
    assert tl.attrs == {"granularity": "day", "undated_documents": 1, "documents": 5}
    gov = tl[tl["actor"] == "syrian_government"].set_index(["outlet", "period"])
    m = gov.loc[(MUDUN, "2013-02-01")]
    assert (m["documents"], m["mentions"], m["tokens"]) == (2, 3, 200)
    assert m["stance"] == pytest.approx((-0.6 - 0.6 - 0.4) / 3)
    sd = np.std([-0.6, -0.6, -0.4], ddof=1)
    assert m["stance_lo"] == pytest.approx(m["stance"] - 1.96 * sd / math.sqrt(3))
    # loaded wording: «قصف» (aggression) per 1,000 tokens; actor labels are not loaded terms
    assert (m["loaded_hits"], m["density"]) == (1, pytest.approx(5.0))
    # the undated document of الوطن is left out: one document, one mention on 2013-02-03
    w = gov.loc[(WATAN, "2013-02-03")]
    assert (w["documents"], w["mentions"], w["stance"], w["loaded_hits"]) == (1, 1, pytest.approx(0.6), 1)
    assert math.isnan(w["stance_lo"])  # one mention: no interval
    # every actor mentioned in the run has a row in every (outlet, period), 0 where not mentioned
    ru = tl[(tl["actor"] == "russia")].set_index(["outlet", "period"])["mentions"]
    assert ru.to_dict() == {(MUDUN, "2013-02-01"): 0, (MUDUN, "2013-02-03"): 1, (WATAN, "2013-02-03"): 0}
    # reported mentions are not the outlet's framing
    assert tl[tl["actor"] == "armed_opposition"]["mentions"].sum() == 1


def test_timeline_granularity_is_overridable_by_argument_and_by_the_run_option(tmp_path):
    dates = ("2013-02-04", "2013-02-10", "2013-02-11", "2013-03-01", "2013-03-31")
    weekly = timeline(make_run(tmp_path, dates), "week")
    assert sorted(set(weekly["period"])) == ["2013-W06", "2013-W07", "2013-W09", "2013-W13"]
    mud = weekly[(weekly["outlet"] == MUDUN) & (weekly["actor"] == "syrian_government")]
    # Monday 4 and Sunday 10 February are one ISO week starting on the 4th
    assert mud[["period", "period_start", "documents", "mentions"]].values.tolist() == [
        ["2013-W06", "2013-02-04", 2, 3], ["2013-W07", "2013-02-11", 1, 1]]
    monthly = timeline(make_run(tmp_path, dates, options={"timeline_granularity": "month"}))
    assert monthly.attrs["granularity"] == "month" and monthly.attrs["undated_documents"] == 0
    assert sorted(set(monthly["period"])) == ["2013-02", "2013-03"]
    with pytest.raises(ConfigError, match=r"unknown timeline granularity 'fortnight'.*day, week, month"):
        timeline(make_run(tmp_path), "fortnight")


def test_timeline_without_any_date_states_how_many_documents_were_left_out(tmp_path):
    tl = timeline(make_run(tmp_path, (None,) * 5))
    assert tl.empty and list(tl.columns) == TIMELINE_COLUMNS
    assert tl.attrs["undated_documents"] == 5


def test_build_tables_holds_the_new_tables_without_a_reference(tmp_path):
    t = build_tables(make_run(tmp_path))
    assert len(t.label_shares) == 6 and len(t.timeline) == 9 and t.keyness is None


def test_a_month_with_a_few_stray_dates_stays_a_month_of_days():
    """The February crawl: 85k documents in 28 days and a few hundred dated months off. The granularity
    follows the range of all but the first and last 0.5 % of the dates (as the chart shows them)."""
    month = pd.date_range("2013-02-01", "2013-02-28", freq="D").repeat(20)
    stray = pd.to_datetime(["2012-06-01", "2013-09-30"])
    assert choose_granularity(pd.Series(month.append(stray))) == "day"
    # strays that are more than a sliver of the corpus do widen the range
    assert choose_granularity(pd.Series(month.append(pd.DatetimeIndex(["2012-06-01"] * 60)))) == "week"


def test_a_bad_timeline_granularity_is_refused_before_the_run(tmp_path):
    """An unknown timeline granularity is a one-line error before any document is read (it used
    to surface only when the report was rendered, after the whole analysis), on the command line
    and in the API."""
    from typer.testing import CliRunner

    import framing
    from framing.cli import app
    from framing.errors import ConfigError

    out = tmp_path / "run"
    r = CliRunner().invoke(app, ["compare", "seeds", "--out", str(out), "--no-topics", "--no-events",
                                 "--timeline-granularity", "fortnight"])
    assert r.exit_code != 0
    assert "unknown timeline granularity 'fortnight'" in r.output and "Traceback" not in r.output
    assert not out.exists()
    read = []

    def docs():
        read.append(1)
        yield {"text": "قصفت قوات النظام ريف إدلب", "outlet": "المدن"}

    with pytest.raises(ConfigError, match="unknown timeline granularity"):
        framing.compare(docs(), topics=False, events=False, timeline_granularity="fortnight")
    assert read == []  # refused before the corpus was touched
