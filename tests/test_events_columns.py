"""The corpus-wide column numbering of the event rows gives the pairs the per-window one gave."""

from __future__ import annotations

import numpy as np
import pytest


def _counts(rng, n_docs, n_features, used, per_doc):
    from scipy import sparse

    rows = np.repeat(np.arange(n_docs), per_doc)
    cols = rng.choice(used, size=n_docs * per_doc)
    return sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_docs, n_features))


@pytest.mark.parametrize("window", [0, 1, 3])
def test_corpus_columns_give_the_same_pairs_bit_for_bit(window):
    from scipy import sparse

    from framing.events import _column_map, _idf, _join_columns, _tfidf, _window_pairs

    rng = np.random.default_rng(3)
    n, nf = 240, 1 << 16
    used_t = rng.choice(nf, size=60, replace=False)  # few features, far apart in the hashed space
    used_l = rng.choice(nf, size=150, replace=False)
    title, lead = _counts(rng, n, nf, used_t, 4), _counts(rng, n, nf, used_l, 12)
    idf_t = _idf(np.bincount(title.nonzero()[1], minlength=nf), n)
    idf_l = _idf(np.bincount(lead.nonzero()[1], minlength=nf), n)
    assert (idf_t == 0).any() and (idf_t > 0).any()  # some features are dropped, others kept
    w_t, w_l = np.float32(np.sqrt(0.5)), np.float32(np.sqrt(0.5))
    col_t, k_t = _column_map(idf_t)
    col_l, k_l = _column_map(idf_l)
    assert k_t == int((idf_t != 0).sum()) and col_t[np.flatnonzero(idf_t)].tolist() == list(range(k_t))

    def plain(idx):
        T, B = _tfidf(title[idx], 80, idf_t), _tfidf(lead[idx], 80, idf_l)
        return sparse.hstack([T * w_t, B * w_l]).tocsr()

    def joined(idx):
        T, B = _tfidf(title[idx], 80, idf_t), _tfidf(lead[idx], 80, idf_l)
        return _join_columns(T, w_t, col_t, k_t, B, w_l, col_l, k_l)

    X = joined(np.arange(n))
    assert X.shape == (n, k_t + k_l)
    # the same entries in the same order, only the column numbers changed (monotonically)
    P = plain(np.arange(n))
    assert X.data.tobytes() == P.data.tobytes() and X.indptr.tolist() == P.indptr.tolist()
    full = np.r_[col_t, col_l + k_t]
    assert X.indices.tolist() == full[P.indices].tolist()
    ordinals = np.sort(rng.integers(0, 12, size=n)).astype(np.int64)
    ordinals[rng.choice(n, size=5, replace=False)] = -1  # a few undated documents too
    a = _window_pairs(plain, ordinals, window, 0.05, max_undated=10, n_neighbors=5, batch=50, chunk=20)
    b = _window_pairs(joined, ordinals, window, 0.05, max_undated=10, n_neighbors=5, batch=50, chunk=20,
                      compact=False)
    assert len(a[2]) > 50  # the fixture has pairs to compare
    for x, y in zip(a[:3], b[:3], strict=True):
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
    assert a[3] == b[3]
