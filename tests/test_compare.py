from collections import Counter

import numpy as np
import pandas as pd
import pytest

from framing.compare import LogOddsDirichlet, distinguishing_terms, outlet_scores
from framing.records import Hit
from framing.scoring import score_columns, score_document


def test_log_odds_direction_and_symmetry():
    a = pd.Series({"الاحتلال": 30, "روسيا": 5, "قال": 50, "ادلب": 20})
    b = pd.Series({"الاحتلال": 2, "روسيا": 40, "قال": 50, "ادلب": 20})
    s = LogOddsDirichlet(alpha0=100).score(a, b)
    assert s.loc["الاحتلال", "z"] > 3 and s.loc["روسيا", "z"] < -3
    assert abs(s.loc["قال", "z"]) < 1
    back = LogOddsDirichlet(alpha0=100).score(b, a)
    np.testing.assert_allclose(back["z"], -s["z"])
    assert LogOddsDirichlet.name == "log_odds_dirichlet"


def test_distinguishing_terms_per_outlet():
    counts = {
        "A": Counter({"الاحتلال": 20, "الثوار": 15, "قال": 40, "ادلب": 30}),
        "B": Counter({"الجيش": 25, "الارهابيين": 12, "قال": 40, "ادلب": 30}),
        "C": Counter({"قال": 40, "ادلب": 30, "الهدنه": 10}),
    }
    df = distinguishing_terms(counts, top_n=5, min_count=3)
    top = df[df["rank"] == 1].set_index("outlet")["term"].to_dict()
    assert top == {"A": "الاحتلال", "B": "الجيش", "C": "الهدنه"}
    assert "قال" not in set(df[df["outlet"] != "C"]["term"])  # equally frequent in A and B
    assert list(df.columns) == ["outlet", "rank", "term", "count", "count_rest", "per_1000", "log_odds", "z",
                                "statistic"]
    assert distinguishing_terms({"A": counts["A"]}).empty


def hit(doc, actor, stance, category="actor_label", voice="authorial"):
    return Hit(doc, "lex", "t", "t", 0, 1, category, stance, actor=actor, voice=voice)


def test_score_document_separates_voices():
    hits = [hit("d", "russia", -1.0), hit("d", "russia", 0.0), hit("d", "russia", -1.0, voice="reported"),
            hit("d", None, -0.5, category="aggression")]
    row = score_document(hits, tokens=500, actors=["russia", "turkey"], categories=["actor_label", "aggression"])
    assert row["mentions:russia"] == 2 and row["stance:russia"] == -0.5
    assert row["mentions_reported:russia"] == 1 and row["stance_reported:russia"] == -1.0
    assert row["mentions:turkey"] == 0 and row["stance:turkey"] is None
    assert row["density:aggression"] == 2.0 and row["density:actor_label"] == 4.0
    assert set(row) == set(score_columns(["russia", "turkey"], ["actor_label", "aggression"]))


def test_outlet_scores_with_bootstrap_ci():
    docs = pd.DataFrame({"doc_id": ["a1", "a2", "a3", "b1"], "outlet": ["A", "A", "A", "B"],
                         "tokens": [100, 100, 100, 100]})
    hits = pd.DataFrame([
        {"doc_id": "a1", "actor": "russia", "category": "actor_label", "stance": -1.0, "voice": "authorial"},
        {"doc_id": "a2", "actor": "russia", "category": "actor_label", "stance": -1.0, "voice": "authorial"},
        {"doc_id": "a3", "actor": "russia", "category": "actor_label", "stance": 0.0, "voice": "authorial"},
        {"doc_id": "b1", "actor": "russia", "category": "actor_label", "stance": 0.0, "voice": "authorial"},
        {"doc_id": "b1", "actor": "russia", "category": "actor_label", "stance": -1.0, "voice": "reported"},
    ])
    out = outlet_scores(docs, hits, actors=["russia"], categories=["actor_label"], n_boot=500, seed=1)
    a = out.set_index("outlet").loc["A"]
    b = out.set_index("outlet").loc["B"]
    assert a["stance:russia"] == pytest.approx(-2 / 3)
    assert -1.0 <= a["stance_lo:russia"] <= a["stance:russia"] <= a["stance_hi:russia"] <= 0.0
    assert a["density:actor_label"] == pytest.approx(10.0)
    assert b["stance:russia"] == 0.0 and np.isnan(b["stance_lo:russia"])  # one document: no CI
    assert b["mentions_reported:russia"] == 1 and b["stance_reported:russia"] == -1.0
    again = outlet_scores(docs, hits, actors=["russia"], categories=["actor_label"], n_boot=500, seed=1)
    pd.testing.assert_frame_equal(out, again)


def test_bootstrap_interval_matches_the_normal_approximation_and_is_drawn_in_blocks(monkeypatch):
    """The percentile bootstrap of a ratio of sums over 2,000 documents agrees with the delta
    method's 95 % interval, whatever the block size the resamples are drawn in (the blocks
    bound memory; a block of one resample gives the same interval as one of all of them)."""
    import importlib

    compare = importlib.import_module("framing.compare")  # framing.compare the attribute is the API function
    rng = np.random.default_rng(7)
    n = 2000
    den = rng.integers(1, 6, size=(n, 1)).astype(float)  # mentions per document
    num = (rng.random((n, 1)) < 0.3).astype(float) * den * -1.0  # stance sum: 30 % of documents hostile
    ratio = num.sum() / den.sum()
    # delta method for a ratio estimator of sums
    resid = num[:, 0] - ratio * den[:, 0]
    se = np.sqrt(n * resid.var(ddof=1)) / den.sum()
    [(lo, hi)] = compare._bootstrap_ratios([(num, den)], n_boot=2000, rng=np.random.default_rng(1))
    assert lo[0] == pytest.approx(ratio - 1.96 * se, abs=0.25 * se)
    assert hi[0] == pytest.approx(ratio + 1.96 * se, abs=0.25 * se)
    monkeypatch.setattr(compare, "BOOT_CELLS", n)  # one resample a block
    [(lo1, hi1)] = compare._bootstrap_ratios([(num, den)], n_boot=2000, rng=np.random.default_rng(1))
    np.testing.assert_allclose([lo1[0], hi1[0]], [lo[0], hi[0]])
    # two pairs share the resamples: the same pair twice gives the same interval twice
    (a, b) = compare._bootstrap_ratios([(num, den), (num, den)], n_boot=300, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a[0], b[0])
