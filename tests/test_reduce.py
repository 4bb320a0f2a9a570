"""The reductions of the map stream (framing.reduce): what the main process keeps of the
packed batches must add up to exactly what it kept of the documents one by one — the same
term counts in the same order (outlets and terms first-seen), the same hit-count rows."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from framing.analysis import RunSpec, analyze_document, context_for
from framing.lexicon import load_lexicons
from framing.packing import BatchTerms, pack_results
from framing.records import Document
from framing.reduce import Reduction, TextSpill, _reduce_batches, _reduce_documents, _SparseRows, _TermStore

# short articles written for these tests: two outlets, one English document, one that fails
TEXTS = [
    ("a1", "الأهرام", "قالت وزارة الداخلية إن قوات الأمن فرقت المتظاهرين أمام قصر الاتحادية. والشرطة والمتظاهرين"),
    ("b1", "المصري اليوم", "أعلنت النيابة العامة فتح تحقيق في سحل المواطن حمادة صابر عند قصر الاتحادية."),
    ("a2", "الأهرام", "ارتفعت أسعار الذهب في السوق المصرية اليوم. وقال تاجر إن الطلب على الذهب تراجع والذهب."),
    ("e1", "الأهرام", "Security forces dispersed the protesters near the palace, witnesses said."),
    ("b2", "المصري اليوم", "يلتقي الأهلي والزمالك مساء الجمعة في مباراة قمة بالدوري. وقال المدرب إن الأهلي جاهز."),
    ("a3", "الأهرام", "..."),  # no term at all: the outlet is still listed
]


class _Null:
    """A stream that takes packed chunks and writes nothing."""

    formats = ("csv",)

    def write_chunk(self, chunk) -> None:
        pass

    def write(self, row) -> None:
        pass


@pytest.fixture(scope="module")
def results():
    spec = RunSpec.from_lexicons(load_lexicons(None))  # every stage on: units and event features too
    ctx = context_for(spec)
    docs = [Document(i, t, outlet=o, language="en" if i.startswith("e") else "ar") for i, o, t in TEXTS]
    out = [analyze_document(d, ctx) for d in docs]
    failed = out[1].__class__(doc_id="x1", outlet="الأهرام", date=None, title=None, source="f.jsonl:9",
                              error="ValueError: broken")
    return [*out[:3], failed, *out[3:]]


def _one_by_one(results) -> Reduction:
    red = Reduction(None)
    with TextSpill() as spill:
        _reduce_documents(red, iter(results), {"hits": _Null(), "attributions": None, "excluded": _Null()},
                          spill, None)
    return red


def _batched(results, size: int) -> Reduction:
    red = Reduction(None)
    batches = [pack_results(results[i:i + size], {"hits": ("csv",), "excluded": ("csv",)})
               for i in range(0, len(results), size)]
    with TextSpill() as spill:
        _reduce_batches(red, iter(batches), {"hits": _Null(), "attributions": None, "excluded": _Null()},
                        spill, None)
    return red


@pytest.mark.parametrize("size", [1, 2, 4, 64])
def test_batched_reduction_keeps_the_same_counts_in_the_same_order(results, size):
    want, got = _one_by_one(results), _batched(results, size)
    assert got.doc_ids == want.doc_ids == ["a1", "b1", "a2", "e1", "b2", "a3"]
    for name in ("term_counts", "term_counts_en"):
        a, b = getattr(want, name), getattr(got, name)
        assert list(a) == list(b)
        assert {o: list(c.items()) for o, c in a.items()} == {o: list(c.items()) for o, c in b.items()}
    assert list(got.term_counts) == ["الأهرام", "المصري اليوم"]
    assert got.term_counts["الأهرام"]["الذهب"] == 3  # الذهب ... الذهب ... والذهب
    assert list(got.term_counts_en) == ["الأهرام"] and got.term_counts_en["الأهرام"]["protesters"] == 1
    assert np.array_equal(got.counts_matrix(), want.counts_matrix())
    assert got.counts_matrix().shape[0] == 6 and got.counts_matrix().any()
    assert [p.doc_id for p in got.problems] == ["x1"]
    assert got.attr_cols == want.attr_cols and got.attr_cols["doc"]  # the run's index of each row's document
    assert got.units_frame().equals(want.units_frame()) and len(got.units)
    assert got.excluded_reasons == want.excluded_reasons and got.evidence == want.evidence
    assert got.base == want.base and got.languages == want.languages
    assert len(got.events) == len(want.events) == 6
    for name in ("title", "lead"):
        assert (got.events.matrix(name, 1 << 20) != want.events.matrix(name, 1 << 20)).nnz == 0


def test_a_packed_batch_sums_term_counts_per_language_and_outlet(results):
    batch = pack_results(results, {"hits": ("csv",)})
    keys = [(t.english, t.outlet) for t in batch.terms]
    assert keys == [(False, "الأهرام"), (False, "المصري اليوم"), (True, "الأهرام")]
    ahram = dict(zip(batch.terms[0].terms(), batch.terms[0].counts.tolist(), strict=True))
    assert ahram["الاتحاديه"] == 1  # normalized (ة → ه) and ahram["الذهب"] == 3 and ahram["المتظاهرين"] == 2
    assert "وزاره" in ahram and "إن" not in ahram and "في" not in ahram  # stop words left out
    assert batch.results == [] and len(batch) == 7  # the documents travel as columns
    assert batch.docs["doc_id"] == ["a1", "b1", "a2", "x1", "e1", "b2", "a3"]
    assert batch.docs["error"][3] == "ValueError: broken" and batch.docs["error"].count(None) == 6
    assert batch.counts.shape == (6, len(results[0].counts))  # the analysed documents' rows


def test_batch_terms_of_no_term_is_empty():
    t = BatchTerms.from_counts(False, "A", {})
    assert t.terms() == [] and len(t.counts) == 0


@pytest.mark.parametrize("fold_at", [1, 3, 1 << 16])
def test_term_store_folds_its_log_without_changing_counts_or_order(fold_at):
    rng = np.random.default_rng(7)
    words = ["الجيش", "الشرطة", "المتظاهرين", "الرئيس", "مرسي", "الإخوان", "القاهرة", "الاتحادية", "سحل"]
    store = _TermStore({}, [])
    store.FOLD_AT = fold_at
    want: dict[str, Counter] = {}
    for _ in range(200):
        outlet = str(rng.choice(["الأهرام", "الشروق", "الوطن"]))
        picked = list(dict.fromkeys(rng.choice(words, size=int(rng.integers(0, 6))).tolist()))
        counts = rng.integers(1, 5, size=len(picked)).tolist()
        store.add(outlet, picked, counts)
        c = want.setdefault(outlet, Counter())
        for w, n in zip(picked, counts, strict=True):
            c[w] += n
    got = store.counters()
    assert list(got) == list(want)
    assert {o: list(c.items()) for o, c in got.items()} == {o: list(c.items()) for o, c in want.items()}
    assert all(type(v) is int for c in got.values() for v in c.values())


def test_sparse_rows_added_as_a_block_equal_rows_added_one_by_one():
    rows = np.array([[0, 2.5, 0, 1], [0, 0, 0, 0], [3, 0, 0, -1.5]])
    one, block = _SparseRows(), _SparseRows()
    for r in rows:
        one.add(r)
    block.add(rows[0])
    block.add_rows(rows[1:])
    assert len(block) == 3
    assert np.array_equal(block.matrix(), rows) and np.array_equal(one.matrix(), rows)
