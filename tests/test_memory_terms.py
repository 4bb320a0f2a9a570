"""The run's term counts as arrays (framing.reduce.TermTable): the distinguishing terms and
``term_counts.parquet`` come out exactly as from a ``Counter`` per outlet."""

import io
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from framing.compare import (
    distinguishing_terms,
    distinguishing_terms_by_language,
    distinguishing_terms_from_table,
)
from framing.reduce import Reduction, TermTable, _TermStore
from framing.report.render import term_counts_parquet

AHRAM, WATAN, SHORUQ = "الأهرام", "الوطن", "الشروق"


def _store(batches) -> tuple[_TermStore, list[str]]:
    words: list[str] = []
    store = _TermStore({}, words)
    for outlet, counts in batches:
        store.add(outlet, list(counts), list(counts.values()))
    return store, words


BATCHES = [
    (WATAN, {"الجيش": 4, "الثوار": 1, "قصف": 2}),
    (AHRAM, {"الرئيس": 5, "الجيش": 1}),
    (WATAN, {"الجيش": 3, "المعارضه": 6}),
    (SHORUQ, {"الثوار": 7, "قصف": 1, "الرئيس": 1}),
    (AHRAM, {"الدستور": 9, "الرئيس": 2, "قصف": 3}),
]


def _counters(batches) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for outlet, counts in batches:
        out.setdefault(outlet, Counter()).update(counts)
    return out


def test_a_term_table_gives_the_counters_back_in_first_seen_order():
    store, words = _store(BATCHES)
    table = TermTable(words, store.rows())
    got = table.counters()
    assert got == _counters(BATCHES)
    assert list(got) == [WATAN, AHRAM, SHORUQ]
    assert list(got[WATAN]) == ["الجيش", "الثوار", "قصف", "المعارضه"]
    assert got[WATAN]["الجيش"] == 7 and got[AHRAM]["الرئيس"] == 7


@pytest.mark.parametrize("min_count,z_min", [(1, 0.0), (3, 1.0), (2, -5.0)])
def test_distinguishing_terms_from_a_table_equal_those_from_counters(min_count, z_min):
    store, words = _store(BATCHES)
    table = TermTable(words, store.rows())
    want = distinguishing_terms(_counters(BATCHES), min_count=min_count, z_min=z_min)
    got = distinguishing_terms_from_table(table, min_count=min_count, z_min=z_min)
    pd.testing.assert_frame_equal(got, want)
    assert len(want)  # the fixture distinguishes something


def test_distinguishing_terms_of_one_outlet_or_none_are_empty_with_the_columns():
    store, words = _store(BATCHES[:1])
    got = distinguishing_terms_from_table(TermTable(words, store.rows()))
    assert got.empty and list(got.columns) == list(distinguishing_terms({}).columns)


def test_by_language_takes_tables_and_counters_alike():
    store, words = _store(BATCHES)
    en_store = _TermStore(store._vocab, words)
    en_store.add(SHORUQ, ["protesters", "army"], [4, 1])
    en_store.add(WATAN, ["army", "protesters"], [5, 1])
    tables = {"ar": TermTable(words, store.rows()), "en": TermTable(words, en_store.rows())}
    counters = {"ar": _counters(BATCHES), "en": {SHORUQ: Counter({"protesters": 4, "army": 1}),
                                                 WATAN: Counter({"army": 5, "protesters": 1})}}
    got = distinguishing_terms_by_language(tables, min_count=1, z_min=0.0)
    pd.testing.assert_frame_equal(got, distinguishing_terms_by_language(counters, min_count=1, z_min=0.0))
    assert set(got["language"]) == {"ar", "en"}


def test_term_counts_parquet_from_a_table_is_the_same_bytes_as_from_counters():
    red = Reduction(None)
    for outlet, counts in BATCHES:
        red._terms[False].add(outlet, list(counts), list(counts.values()))
    red._terms[True].add(AHRAM, ["army", "الجيش"], [2, 1])  # an outlet in both languages: counts added
    red._terms[True].add("Ahram Online", ["army"], [3])
    table = red.term_table()
    merged = {o: c.copy() for o, c in red.term_counts.items()}
    for o, c in red.term_counts_en.items():
        merged.setdefault(o, Counter()).update(c)
    assert table.parquet() == term_counts_parquet(merged)
    assert table.counters()[AHRAM]["الجيش"] == 2
    frame = pd.read_parquet(io.BytesIO(table.parquet()))
    assert list(frame["outlet"]) == sorted(frame["outlet"])
    assert frame["count"].dtype == np.int64


def test_an_empty_table_writes_an_empty_file_like_no_counters():
    red = Reduction(None)
    assert red.term_table().parquet() == term_counts_parquet({})
    assert not red.term_table()
