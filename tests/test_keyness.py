"""Keyness for chosen pairs: the statistic (compare.keyness), over a run's term counts
(report.tables.keyness), the run files (term_counts.parquet, keyness.csv) and `framing keyness`."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from framing.compare import LogOddsDirichlet, keyness
from framing.errors import ConfigError, RunError
from framing.report.render import term_counts_parquet
from framing.report.run import RunData
from framing.report.tables import KEYNESS_COLUMNS, KEYNESS_EVIDENCE_COLUMNS, keyness_evidence
from framing.report.tables import keyness as run_keyness

MUDUN, WATAN, SANA = "المدن", "الوطن", "سانا"


def test_keyness_scores_both_directions_with_the_dirichlet_log_odds():
    a = pd.Series({"الثوار": 12, "قوات النظام": 6, "قال": 20, "إدلب": 5})
    b = pd.Series({"الثوار": 1, "الإرهابيين": 9, "قال": 20, "الجيش": 4, "إدلب": 5})
    k = keyness(a, b, target=MUDUN, reference=WATAN, min_count=3)
    assert list(k.columns) == ["target", "reference", "side", "rank", "term", "count_target", "count_reference",
                               "per_1000_target", "per_1000_reference", "log_odds", "z", "statistic"]
    over = k[k["side"] == "target"]
    under = k[k["side"] == "reference"]
    assert over["term"].tolist()[:2] == ["الثوار", "قوات النظام"] and (over["z"] > 0).all()
    assert under["term"].tolist()[:2] == ["الإرهابيين", "الجيش"] and (under["z"] < 0).all()
    assert over["rank"].tolist() == list(range(1, len(over) + 1))
    # the same numbers as the strategy class, by hand for «الثوار»: prior = pooled share × alpha0
    row = over.set_index("term").loc["الثوار"]
    ya, yb, na, nb = 12.0, 1.0, a.sum(), b.sum()
    a0 = max(10.0, 0.01 * (na + nb))
    alpha = a0 * (ya + yb) / (na + nb)
    delta = math.log((ya + alpha) / (na + a0 - ya - alpha)) - math.log((yb + alpha) / (nb + a0 - yb - alpha))
    assert row["log_odds"] == pytest.approx(delta)
    assert row["z"] == pytest.approx(delta / math.sqrt(1 / (ya + alpha) + 1 / (yb + alpha)))
    assert (row["count_target"], row["count_reference"]) == (12, 1)
    assert row["per_1000_target"] == pytest.approx(12 / na * 1000)
    assert (k["statistic"] == LogOddsDirichlet.name).all()
    # «إدلب» is used at nearly the same rate by both: never on the over-used side
    assert "إدلب" not in set(over["term"])


def test_keyness_keeps_top_terms_per_side_with_enough_evidence():
    a = pd.Series({f"كلمة{i}": 10 + i for i in range(8)} | {"نادرة": 2})
    b = pd.Series({f"لفظ{i}": 10 + i for i in range(8)} | {"قليلة": 2})
    k = keyness(a, b, top=3, min_count=3)
    assert k.groupby("side").size().to_dict() == {"reference": 3, "target": 3}
    assert k[k["side"] == "target"]["term"].tolist() == ["كلمة7", "كلمة6", "كلمة5"]
    assert not {"نادرة", "قليلة"} & set(k["term"])  # two occurrences are too few evidence
    assert keyness(a, pd.Series(dtype=float)).empty


def _run(tmp_path, counts: dict[str, dict[str, int]], terms: pd.DataFrame | None = None) -> RunData:
    rows = [(o, t, n) for o, c in counts.items() for t, n in c.items()]
    run = RunData(path=tmp_path, manifest={"framing_run": 1}, documents=pd.DataFrame(), outlets=pd.DataFrame(),
                  terms=terms if terms is not None else pd.DataFrame(), hits=pd.DataFrame(),
                  attributions=pd.DataFrame(), problems=pd.DataFrame())
    (tmp_path / "term_counts.parquet").write_bytes(term_counts_parquet(
        {o: dict(c) for o, c in counts.items()}))
    assert len(pd.read_parquet(tmp_path / "term_counts.parquet")) == len(rows)
    return run


COUNTS = {
    MUDUN: {"الثوار": 14, "قوات النظام": 9, "قصف": 6, "قال": 30},
    WATAN: {"الإرهابيين": 11, "الجيش العربي السوري": 8, "قال": 30, "قصف": 1},
    SANA: {"الإرهابيين": 9, "الجيش العربي السوري": 12, "قال": 25},
}


def test_run_keyness_against_one_outlet_or_against_a_group(tmp_path):
    run = _run(tmp_path, COUNTS)
    pair = run_keyness(run, MUDUN, WATAN, min_count=3)
    assert list(pair.columns) == KEYNESS_COLUMNS
    assert set(pair["reference"]) == {WATAN} and set(pair["target"]) == {MUDUN}
    assert pair[pair["side"] == "target"]["term"].tolist()[0] == "الثوار"
    assert pair[pair["side"] == "reference"]["term"].tolist()[0] == "الإرهابيين"
    rest = run_keyness(run, MUDUN, min_count=3)  # every other outlet pooled: 11 + 9 «الإرهابيين»
    assert set(rest["reference"]) == {"all other outlets"}
    row = rest.set_index("term").loc["الإرهابيين"]
    assert (row["count_target"], row["count_reference"]) == (0, 20)
    group = run_keyness(run, SANA, [MUDUN, WATAN], min_count=3)
    assert set(group["reference"]) == {f"{MUDUN} + {WATAN}"}


def test_run_keyness_shows_the_written_form_from_terms_csv(tmp_path):
    counts = {MUDUN: {"المعارضه": 9, "قال": 10}, WATAN: {"الارهابيين": 9, "قال": 10}}
    terms = pd.DataFrame({"outlet": [MUDUN], "term": ["المعارضه"], "form": ["المعارضة"], "rank": [1], "z": [3.0]})
    k = run_keyness(_run(tmp_path, counts, terms), MUDUN, WATAN, min_count=3)
    forms = dict(zip(k["term"], k["form"], strict=True))
    assert forms["المعارضه"] == "المعارضة" and forms["الارهابيين"] == "الارهابيين"


def test_run_keyness_mistakes_are_one_line_errors(tmp_path):
    run = _run(tmp_path, COUNTS)
    with pytest.raises(ConfigError, match=f"no outlet 'الجزيرة' in this run — use one of: {MUDUN}, {WATAN}, {SANA}"):
        run_keyness(run, MUDUN, "الجزيرة")
    with pytest.raises(ConfigError, match="both the target and the reference"):
        run_keyness(run, MUDUN, [MUDUN, WATAN])
    (tmp_path / "term_counts.parquet").unlink()
    fresh = RunData(path=tmp_path, manifest={}, documents=pd.DataFrame(), outlets=pd.DataFrame(),
                    terms=pd.DataFrame(), hits=pd.DataFrame(), attributions=pd.DataFrame(), problems=pd.DataFrame())
    with pytest.raises(RunError, match=r"no per-outlet term counts.*re-run 'framing compare'"):
        run_keyness(fresh, MUDUN, WATAN)
    (tmp_path / "term_counts.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(RunError, match="damaged"):
        run_keyness(fresh, MUDUN, WATAN)


def test_term_counts_parquet_is_sorted_typed_and_leaves_out_zero_counts():
    data = term_counts_parquet({WATAN: {"قال": 3, "الجيش": 0}, MUDUN: {"قصف": 2, "الثوار": 5}})
    df = pd.read_parquet(io.BytesIO(data))
    assert df.values.tolist() == [[MUDUN, "الثوار", 5], [MUDUN, "قصف", 2], [WATAN, "قال", 3]]
    assert df["count"].dtype == np.int64
    assert term_counts_parquet({WATAN: {"قال": 3}}) == term_counts_parquet({WATAN: {"قال": 3}})  # reproducible


ARTICLES = pd.DataFrame({
    "text": ["قصفت قوات النظام ريف إدلب، وتصدى الثوار لمحاولة التقدم. قال الثوار إن الثوار صامدون والثوار منتصرون.",
             "تقدم الثوار في ريف حماة رغم قصف قوات النظام، وأكد الثوار أن قوات النظام تراجعت.",
             "قال الجيش العربي السوري إنه قضى على الإرهابيين في ريف إدلب، وإن الإرهابيين فروا.",
             "طهر الجيش العربي السوري قرى ريف حماة من الإرهابيين، وسلم الإرهابيون أسلحتهم للجيش."],
    "outlet": [MUDUN, MUDUN, WATAN, WATAN],
    "date": ["2019-05-14", "2019-05-15", "2019-05-14", "2019-05-16"],
})


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    import framing

    out = tmp_path_factory.mktemp("keyness") / "run"
    framing.compare(ARTICLES, topics=False, events=False, reference=WATAN).report(out)
    return out


@pytest.mark.slow
def test_a_run_keeps_every_term_count_and_writes_keyness_against_its_reference(run_dir):
    tc = pd.read_parquet(run_dir / "term_counts.parquet")
    counts = tc.set_index(["outlet", "term"])["count"]
    # «والثوار» is a token of its own in the term counts: 6 standalone «الثوار»
    assert counts[(MUDUN, "الثوار")] == 6 and counts[(WATAN, "الارهابيين")] == 3
    k = pd.read_csv(run_dir / "keyness.csv")
    assert set(k["target"]) == {MUDUN} and set(k["reference"]) == {WATAN}
    assert k[k["side"] == "target"]["term"].iloc[0] == "الثوار"
    assert (run_dir / "charts" / "keyness_01.png").exists()
    md = (run_dir / "report.md").read_text(encoding="utf-8")
    assert f"## Keyness against {WATAN}" in md and "الثوار (+" in md
    assert (run_dir / "labels.csv").exists() and (run_dir / "timeline.csv").exists()


def _sentences_run(tmp_path) -> RunData:
    """Two outlets' hits with their sentences (one title), one term_evidence row, and the term counts."""
    run = _run(tmp_path, COUNTS)
    s1 = "قصفت قوات النظام ريف إدلب وتصدى الثوار للهجوم."
    s2 = "قال الجيش العربي السوري إن الإرهابيين فروا من الريف."
    s3 = "بيان: والثوار صامدون في حماة"
    run.outlets = pd.DataFrame({"outlet": [MUDUN, WATAN, SANA], "documents": [2, 1, 1], "tokens": [20, 10, 10]})
    run.hits = pd.DataFrame({
        "doc_id": ["m1", "m2", "w1", "w1"], "outlet": [MUDUN, MUDUN, WATAN, WATAN],
        "field": ["text", "title", "text", "text"], "matched": ["قوات النظام", "الثوار", "الجيش العربي السوري",
                                                                  "الإرهابيين"],
        "start": [5, 7, 4, 26], "end": [16, 13, 23, 36], "sentence_start": [0, 0, 0, 0],
        "sentence": [s1, s3, s2, s2], "voice": "authorial", "actor": None, "term": None})
    run.tables["term_evidence.csv"] = pd.DataFrame({
        "outlet": [MUDUN], "term": ["قصف"], "doc_id": ["m1"], "start": [0], "end": [4], "matched": ["قصفت"],
        "sentence_start": [0], "sentence_end": [len(s1)], "sentence": [s1]})
    return run


def test_keyness_terms_get_their_sentences_in_both_directions(tmp_path):
    """Over-used terms in the target's sentences, under-used ones in the reference's, each word at its
    offsets (a clitic-glued «والثوار» in a title counts for «الثوار»); none read from the corpus."""
    run = _sentences_run(tmp_path)
    table = run_keyness(run, MUDUN, WATAN, min_count=3)
    ev = keyness_evidence(run, table, WATAN)
    assert list(ev.columns) == KEYNESS_EVIDENCE_COLUMNS
    got = {(r.side, r.term): r for r in ev.itertuples()}
    over, under = got[("target", "الثوار")], got[("reference", "الإرهابيين")]
    assert over.outlet == MUDUN and under.outlet == WATAN and set(ev["reference"]) == {WATAN}
    for r in ev.itertuples():  # the highlighted word is where the offsets say
        assert r.sentence[r.start - r.sentence_start:r.end - r.sentence_start] == r.matched
    assert {r.matched for r in ev.itertuples() if r.term == "الثوار"} == {"الثوار", "والثوار"}
    assert "title" in set(ev.loc[ev["term"] == "الثوار", "field"])
    assert got[("target", "قصف")].source == "term_evidence"  # the distinguishing terms' context first
    assert under.source == "hits" and under.matched == "الإرهابيين"
    assert ("target", "قوات النظام") not in got  # a term of two words is no word of a sentence
    # against every other outlet, an under-used term is looked up in all of them
    rest = keyness_evidence(run, run_keyness(run, MUDUN, min_count=3))
    assert set(rest.loc[rest["side"] == "reference", "outlet"]) <= {WATAN, SANA}
    assert ("reference", "الإرهابيين") in {(r.side, r.term) for r in rest.itertuples()}
    assert keyness_evidence(run, table.iloc[0:0]).empty and keyness_evidence(run, table, per_term=0).empty


def test_keyness_evidence_keeps_at_most_per_term_sentences(tmp_path):
    run = _sentences_run(tmp_path)
    s = "وتصدى الثوار للهجوم."
    extra = pd.DataFrame({"doc_id": [f"m{i}" for i in range(3, 9)], "outlet": MUDUN, "field": "text",
                          "matched": "الثوار", "start": 6, "end": 12, "sentence_start": 0, "sentence": s,
                          "voice": "authorial", "actor": None, "term": None})
    run.hits = pd.concat([run.hits, extra], ignore_index=True)
    ev = keyness_evidence(run, run_keyness(run, MUDUN, WATAN, min_count=3), WATAN, per_term=2)
    assert ev.groupby(["side", "term"]).size().max() == 2


@pytest.mark.slow  # its run_dir fixture is a whole compare run
def test_keyness_sentences_in_the_run_report_and_page(run_dir):
    ev = pd.read_csv(run_dir / "keyness_evidence.csv")
    assert list(ev.columns) == KEYNESS_EVIDENCE_COLUMNS
    sides = dict(zip(zip(ev["side"], ev["term"], strict=True), ev["outlet"], strict=True))
    assert sides[("target", "الثوار")] == MUDUN and sides[("reference", "الارهابيين")] == WATAN
    md = (run_dir / "report.md").read_text(encoding="utf-8")
    assert "### Keyness terms in context" in md and "**الثوار**" in md and "less: «الارهابيين»" in md
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    from framing.report.html import anchor

    for key in ((MUDUN, "target", "الثوار"), (MUDUN, "reference", "الارهابيين")):
        xid = anchor("xk", *key)
        assert f'data-x="{xid}"' in page and f'<template id="{xid}">' in page
    template = page[page.index(f'<template id="{anchor("xk", MUDUN, "reference", "الارهابيين")}">'):]
    template = template[:template.index("</template>")]
    assert "<mark>الإرهابيين</mark>" in template and "sentences of" in template


@pytest.mark.slow  # its run_dir fixture is a whole compare run
def test_framing_keyness_over_a_finished_run(run_dir):
    from framing.cli import app

    result = CliRunner().invoke(app, ["keyness", str(run_dir), WATAN, MUDUN, "--top", "3"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"over-used by {WATAN}: ") and "الارهابيين" in lines[0]
    assert lines[1].startswith(f"under-used by {WATAN}: ") and "الثوار" in lines[1]
    written = pd.read_csv(run_dir / f"keyness_{WATAN}_vs_{MUDUN}.csv")
    assert written.groupby("side").size().max() <= 3
    evidence = pd.read_csv(run_dir / f"keyness_{WATAN}_vs_{MUDUN}_evidence.csv")
    assert set(evidence["outlet"]) == {WATAN, MUDUN}  # both directions: each side in its own outlet's words
    assert f"keyness_{WATAN}_vs_{MUDUN}_evidence.csv" in result.output
    # the terminal shows a sentence for the strongest terms of each side, the word in brackets
    assert "in context:" in lines
    context = lines[lines.index("in context:") + 1:]
    assert any(ln.startswith("  more: ") and f"— {WATAN}: " in ln and "[" in ln for ln in context)
    assert any(ln.startswith("  less: ") and f"— {MUDUN}: " in ln and "[الثوار]" in ln for ln in context)
    assert (run_dir / "charts" / f"keyness_{WATAN}_vs_{MUDUN}.png").exists()
    bad = CliRunner().invoke(app, ["keyness", str(run_dir), "الجزيرة"])
    assert bad.exit_code != 0 and "no outlet 'الجزيرة' in this run" in bad.output
    assert "Traceback" not in bad.output and len(bad.output.strip().splitlines()) == 1
