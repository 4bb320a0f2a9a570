"""Outlet comparisons: aggregated framing scores with uncertainty, and term statistics.

Term-scoring statistics are strategy classes (scattertext style): each has a
``name`` and ``score(counts_a, counts_b) -> DataFrame`` indexed by term.

>>> import pandas as pd
>>> a = pd.Series({"الاحتلال": 9, "روسيا": 2, "قال": 10})
>>> b = pd.Series({"الاحتلال": 1, "روسيا": 8, "قال": 10})
>>> s = LogOddsDirichlet(alpha0=10).score(a, b)
>>> s.loc["الاحتلال", "z"] > 1.5 > s.loc["قال", "z"]
True
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "LogOddsDirichlet",
    "distinguishing_terms",
    "distinguishing_terms_by_language",
    "distinguishing_terms_from_table",
    "keyness",
    "outlet_scores",
    "outlet_scores_from_counts",
]


class LogOddsDirichlet:
    """Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008).

    The prior is the pooled frequency of each term in both groups scaled to ``alpha0``
    pseudo-counts; ``alpha0=None`` uses 1% of the pooled token count (at least 10), so the
    prior shrinks rare terms by the same relative amount on a 5-article or an 85k-article
    corpus. ``score`` returns, per term, the counts, the log-odds ratio
    ``delta`` (group a vs b), its variance and the z-score ``delta / sqrt(var)``.
    """

    name = "log_odds_dirichlet"

    def __init__(self, alpha0: float | None = None):
        self.alpha0 = alpha0

    def score(self, counts_a: pd.Series, counts_b: pd.Series) -> pd.DataFrame:
        vocab = counts_a.index.union(counts_b.index)
        ya = counts_a.reindex(vocab, fill_value=0).astype(float).to_numpy()
        yb = counts_b.reindex(vocab, fill_value=0).astype(float).to_numpy()
        return pd.DataFrame(self.score_arrays(ya, yb), index=vocab)

    def score_arrays(self, ya: np.ndarray, yb: np.ndarray) -> dict[str, np.ndarray]:
        """:meth:`score` on two aligned count arrays: ``count, count_rest, log_odds, variance, z``."""
        total = ya + yb
        a0 = self.alpha0 if self.alpha0 is not None else max(10.0, 0.01 * total.sum())
        alpha = a0 * total / total.sum() if total.sum() else np.zeros_like(total)
        a0 = alpha.sum()
        na, nb = ya.sum(), yb.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = (np.log((ya + alpha) / (na + a0 - ya - alpha))
                     - np.log((yb + alpha) / (nb + a0 - yb - alpha)))
            var = 1.0 / (ya + alpha) + 1.0 / (yb + alpha)
            z = delta / np.sqrt(var)
        return {"count": ya.astype(int), "count_rest": yb.astype(int), "log_odds": delta, "variance": var, "z": z}


def distinguishing_terms(counts: Mapping[str, Counter], *, strategy: LogOddsDirichlet | None = None,
                         top_n: int = 25, min_count: int = 3, z_min: float = 1.96) -> pd.DataFrame:
    """Terms that most distinguish each outlet from all the others.

    ``counts`` maps outlet → Counter of normalized terms. Returns one row per
    (outlet, term) among the ``top_n`` highest z-scores above ``z_min`` with at least
    ``min_count`` occurrences in the outlet. Columns: outlet, rank, term, count,
    count_rest, per_1000, log_odds, z, statistic.
    """
    outlets = sorted(counts)
    if len(outlets) < 2:
        return pd.DataFrame(columns=_TERM_COLUMNS)
    # one outlets × vocabulary matrix (vocabulary sorted), each outlet scored against the rest
    vocab = sorted({term for outlet in outlets for term in counts[outlet]})
    position = {term: i for i, term in enumerate(vocab)}
    matrix = np.zeros((len(outlets), len(vocab)), dtype=np.float64)
    for row, outlet in enumerate(outlets):
        c = counts[outlet]
        if c:
            matrix[row, [position[t] for t in c]] = list(c.values())
    return _distinguishing(outlets, matrix, np.asarray(vocab, dtype=object), strategy=strategy, top_n=top_n,
                           min_count=min_count, z_min=z_min)


def distinguishing_terms_from_table(table, *, strategy: LogOddsDirichlet | None = None, top_n: int = 25,
                                    min_count: int = 3, z_min: float = 1.96) -> pd.DataFrame:
    """:func:`distinguishing_terms` of a :class:`framing.reduce.TermTable` (outlets without a term
    left out), the same rows without a ``Counter`` or a dict of the vocabulary: the matrix is
    filled from the table's term numbers."""
    words = table.words
    rows = {outlet: r for outlet, r in table.rows.items() if len(r[0])}
    outlets = sorted(rows)
    if len(outlets) < 2:
        return pd.DataFrame(columns=_TERM_COLUMNS)
    rank = table.rank()
    present = np.unique(np.concatenate([rows[o][0] for o in outlets]).astype(np.int64))
    present = present[np.argsort(rank[present], kind="stable")]  # the vocabulary, sorted as strings
    position = np.full(len(words), -1, dtype=np.int64)
    position[present] = np.arange(len(present), dtype=np.int64)
    matrix = np.zeros((len(outlets), len(present)), dtype=np.float64)
    for row, outlet in enumerate(outlets):
        ids, counts = rows[outlet]
        matrix[row, position[ids]] = counts
    terms = np.asarray(words, dtype=object)[present] if len(present) else np.zeros(0, dtype=object)
    return _distinguishing(outlets, matrix, terms, strategy=strategy, top_n=top_n, min_count=min_count, z_min=z_min)


_TERM_COLUMNS = ["outlet", "rank", "term", "count", "count_rest", "per_1000", "log_odds", "z", "statistic"]


def _distinguishing(outlets: list[str], matrix: np.ndarray, terms: np.ndarray, *, strategy, top_n: int,
                    min_count: int, z_min: float) -> pd.DataFrame:
    """The rows of :func:`distinguishing_terms` from the outlets × vocabulary count matrix."""
    strategy = strategy or LogOddsDirichlet()
    columns = _TERM_COLUMNS
    total = matrix.sum(axis=0)
    frames = []
    for row, outlet in enumerate(outlets):
        ya = matrix[row]
        present = ya > 0
        if not present.any():
            continue
        scored = strategy.score_arrays(ya, total - ya)
        keep = (scored["count"] >= min_count) & (scored["z"] >= z_min)
        n_a = ya.sum()
        part = pd.DataFrame({k: v[keep] for k, v in scored.items()})
        part.insert(0, "term", terms[keep])
        part["per_1000"] = part["count"] / n_a * 1000.0
        part = part.sort_values(["z", "term"], ascending=[False, True]).head(top_n)
        part = part.assign(outlet=outlet, rank=np.arange(1, len(part) + 1), statistic=strategy.name)
        frames.append(part[columns])
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def distinguishing_terms_by_language(counts: Mapping[str, Mapping[str, Counter]], **options) -> pd.DataFrame:
    """:func:`distinguishing_terms` computed within each language, never across two: ``counts``
    maps language → outlet → Counter (the outlets of one language are compared with each
    other only; an outlet publishing in two languages has a list in each). The rows of every
    language follow one another (in the order given) with a ``language`` column after ``outlet``.

    >>> ar = {"A": Counter({"الاحتلال": 9, "روسيا": 1}), "B": Counter({"الاحتلال": 1, "روسيا": 9})}
    >>> en = {"A": Counter({"occupation": 9, "russia": 1}), "C": Counter({"occupation": 1, "russia": 9})}
    >>> t = distinguishing_terms_by_language({"ar": ar, "en": en}, min_count=3, z_min=1.0)
    >>> list(zip(t["language"], t["outlet"], t["term"]))
    [('ar', 'A', 'الاحتلال'), ('ar', 'B', 'روسيا'), ('en', 'A', 'occupation'), ('en', 'C', 'russia')]
    """
    frames = []
    for language, by_outlet in counts.items():
        if hasattr(by_outlet, "rank") and hasattr(by_outlet, "rows"):  # a framing.reduce.TermTable
            t = distinguishing_terms_from_table(by_outlet, **options)
        else:
            t = distinguishing_terms({o: c for o, c in by_outlet.items() if c}, **options)
        t.insert(1, "language", pd.Series([language] * len(t), index=t.index, dtype=object))
        frames.append(t)
    if not frames:
        t = distinguishing_terms({}, **options)
        t.insert(1, "language", pd.Series([], dtype=object))
        return t
    non_empty = [f for f in frames if len(f)]
    return pd.concat(non_empty, ignore_index=True) if non_empty else frames[0]


def keyness(counts_target: pd.Series, counts_reference: pd.Series, *, target: str = "target",
            reference: str = "reference", strategy: LogOddsDirichlet | None = None, top: int | None = 25,
            min_count: int = 3) -> pd.DataFrame:
    """Terms over-used (``side = "target"``, z > 0) and under-used (``side = "reference"``, z < 0)
    by a target group against a reference group, like quanteda's ``textstat_keyness``.

    ``counts_*`` are term-indexed counts. Each side keeps its ``top`` strongest terms (None: all)
    with at least ``min_count`` occurrences on that side, ranked by |z| (ties by term).
    Columns: target, reference, side, rank, term, count_target, count_reference,
    per_1000_target, per_1000_reference, log_odds, z, statistic.

    >>> a = pd.Series({"الثوار": 12, "النظام": 3, "قال": 20})
    >>> b = pd.Series({"الثوار": 1, "المتشددين": 9, "قال": 20})
    >>> k = keyness(a, b, min_count=2)
    >>> k[["side", "term"]].values.tolist()
    [['target', 'الثوار'], ['target', 'النظام'], ['reference', 'المتشددين'], ['reference', 'قال']]
    """
    strategy = strategy or LogOddsDirichlet()
    columns = ["target", "reference", "side", "rank", "term", "count_target", "count_reference",
               "per_1000_target", "per_1000_reference", "log_odds", "z", "statistic"]
    a = counts_target[counts_target > 0].astype(float)
    b = counts_reference[counts_reference > 0].astype(float)
    if a.empty or b.empty:
        return pd.DataFrame(columns=columns)
    s = strategy.score(a.sort_index(), b.sort_index())
    s = s.rename(columns={"count": "count_target", "count_rest": "count_reference"})
    s["term"] = s.index.astype(str)
    s.index.name = None
    s["per_1000_target"] = s["count_target"] / a.sum() * 1000.0
    s["per_1000_reference"] = s["count_reference"] / b.sum() * 1000.0
    frames = []
    for side, keep, ascending in (("target", (s["z"] > 0) & (s["count_target"] >= min_count), False),
                                  ("reference", (s["z"] < 0) & (s["count_reference"] >= min_count), True)):
        part = s[keep].sort_values(["z", "term"], ascending=[ascending, True], kind="stable")
        if top is not None:
            part = part.head(top)
        frames.append(part.assign(side=side, rank=np.arange(1, len(part) + 1)))
    out = pd.concat(frames, ignore_index=True)
    return out.assign(target=target, reference=reference, statistic=strategy.name)[columns]


#: bootstrap weights drawn at once: replicates × documents, at most this many cells (memory ≈ 16 bytes a cell)
BOOT_CELLS = 2_000_000


def _bootstrap_ratios(pairs: Sequence[tuple[np.ndarray, np.ndarray]], *, n_boot: int, rng: np.random.Generator,
                      level: float = 0.95) -> list[tuple[np.ndarray, np.ndarray]]:
    """Percentile bootstrap over documents (rows) of ``sum(num) / sum(den)``, column-wise, for
    each ``(num, den)`` pair; every pair uses the same resamples of the documents.

    A resample is ``n`` documents drawn with replacement, kept as how often each was drawn;
    the resamples are drawn a block at a time (:data:`BOOT_CELLS`), so memory does not grow
    with ``n_boot × documents``. Returns ``(lo, hi)`` per pair.
    """
    n = pairs[0][0].shape[0]
    if not n_boot:
        return [(np.full(num.shape[1], np.nan), np.full(num.shape[1], np.nan)) for num, _den in pairs]
    ratios = [np.empty((n_boot, num.shape[1])) for num, _den in pairs]
    block = max(1, min(n_boot, BOOT_CELLS // max(n, 1)))
    for start in range(0, n_boot, block):
        b = min(block, n_boot - start)
        drawn = rng.integers(0, n, size=(b, n)) + (np.arange(b) * n)[:, None]
        weights = np.bincount(drawn.ravel(), minlength=b * n).reshape(b, n).astype(float)  # (b, n)
        for out, (num, den) in zip(ratios, pairs, strict=True):
            with np.errstate(divide="ignore", invalid="ignore"):
                out[start:start + b] = (weights @ num) / (weights @ den)
    bounds = []
    with warnings.catch_warnings():  # a column never defined (no mention in any sample) is NaN, not a warning
        warnings.filterwarnings("ignore", "All-NaN slice encountered", RuntimeWarning)
        for r in ratios:
            bounds.append((np.nanquantile(r, (1 - level) / 2, axis=0), np.nanquantile(r, 1 - (1 - level) / 2, axis=0)))
    return bounds


def outlet_scores(documents: pd.DataFrame, hits: pd.DataFrame, *, actors: Sequence[str],
                  categories: Sequence[str], n_boot: int = 1000, seed: int = 0,
                  level: float = 0.95) -> pd.DataFrame:
    """Aggregate per-document framing to outlets, with bootstrap confidence intervals.

    ``documents`` needs columns doc_id, outlet, tokens; ``hits`` doc_id, actor, category,
    stance, voice. Per outlet and actor: ``mentions:<actor>`` (authorial hits),
    ``stance:<actor>`` (mean stance of those hits) with ``stance_lo:``/``stance_hi:``
    (percentile bootstrap over the outlet's documents; empty with one document);
    per category ``density:<category>`` (authorial hits per 1,000 tokens) with
    CI columns; and the reported-voice figures ``mentions_reported:``,
    ``stance_reported:``, ``density_reported:``.
    """
    rng = np.random.default_rng(seed)
    docs = documents[["doc_id", "outlet", "tokens"]].copy()
    rows = []
    for outlet, group in docs.groupby("outlet", sort=True):
        doc_index = pd.Index(group["doc_id"])
        row: dict[str, object] = {"outlet": outlet, "documents": len(group), "tokens": int(group["tokens"].sum())}
        h = hits[hits["doc_id"].isin(doc_index)] if len(hits) else hits
        for voice, suffix in (("authorial", ""), ("reported", "_reported")):
            hv = h[h["voice"] == voice] if len(h) else h
            # documents × actor matrices of stance sums and counts
            if len(hv):
                with_actor = hv[hv["actor"].notna() & (hv["actor"] != "")]
                cnt = pd.crosstab(with_actor["doc_id"], with_actor["actor"]).reindex(
                    index=doc_index, columns=list(actors), fill_value=0)
                ssum = with_actor.pivot_table(index="doc_id", columns="actor", values="stance", aggfunc="sum",
                                              fill_value=0.0).reindex(index=doc_index, columns=list(actors),
                                                                      fill_value=0.0)
                ccnt = pd.crosstab(hv["doc_id"], hv["category"]).reindex(
                    index=doc_index, columns=list(categories), fill_value=0)
            else:
                cnt = pd.DataFrame(0, index=doc_index, columns=list(actors))
                ssum = pd.DataFrame(0.0, index=doc_index, columns=list(actors))
                ccnt = pd.DataFrame(0, index=doc_index, columns=list(categories))
            cnt_a, ssum_a = cnt.to_numpy(float), ssum.to_numpy(float)
            tok = group["tokens"].to_numpy(float)[:, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                stance = ssum_a.sum(0) / cnt_a.sum(0)
                density = ccnt.to_numpy(float).sum(0) / tok.sum() * 1000.0
            do_ci = len(group) > 1 and n_boot > 0 and voice == "authorial"
            if do_ci:
                (s_lo, s_hi), (d_lo, d_hi) = _bootstrap_ratios(
                    [(ssum_a, cnt_a), (ccnt.to_numpy(float) * 1000.0, np.repeat(tok, len(categories), axis=1))],
                    n_boot=n_boot, rng=rng, level=level)
            for k, actor in enumerate(actors):
                row[f"mentions{suffix}:{actor}"] = int(cnt_a[:, k].sum())
                row[f"stance{suffix}:{actor}"] = stance[k]
                if voice == "authorial":
                    row[f"stance_lo:{actor}"] = s_lo[k] if do_ci else np.nan
                    row[f"stance_hi:{actor}"] = s_hi[k] if do_ci else np.nan
            for k, cat in enumerate(categories):
                row[f"density{suffix}:{cat}"] = density[k]
                if voice == "authorial":
                    row[f"density_lo:{cat}"] = d_lo[k] if do_ci else np.nan
                    row[f"density_hi:{cat}"] = d_hi[k] if do_ci else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def outlet_scores_from_counts(outlets: Sequence[str], tokens: np.ndarray, counts: np.ndarray, *,
                              actors: Sequence[str], categories: Sequence[str], n_boot: int = 1000,
                              seed: int = 0, level: float = 0.95, languages: Sequence[str] | None = None
                              ) -> pd.DataFrame:
    """:func:`outlet_scores` from per-document hit counts instead of a table of every hit.

    ``outlets`` and ``tokens`` give each document's outlet and token count (``languages``, if
    given, its language: the outlets get a ``language`` column, ``ar``, ``en`` or ``ar+en``
    for an outlet publishing in both); ``counts`` is the
    documents × :func:`framing.scoring.count_columns` matrix of :func:`framing.scoring.hit_counts`
    (what the per-document analysis keeps). Same columns and bootstrap as :func:`outlet_scores`.

    >>> import numpy as np
    >>> c = np.array([[2, -1.0, 2, 0, 0, 0], [1, 0.0, 1, 0, 0, 0]])
    >>> df = outlet_scores_from_counts(["A", "A"], np.array([100, 100]), c, actors=["russia"],
    ...                                categories=["actor_label"], n_boot=0)
    >>> df[["outlet", "documents", "mentions:russia", "density:actor_label"]].values.tolist()
    [['A', 2, 3, 15.0]]
    >>> round(df.loc[0, "stance:russia"], 4)
    -0.3333
    """
    rng = np.random.default_rng(seed)
    n_a, n_c = len(actors), len(categories)
    width = 2 * n_a + n_c
    counts = np.asarray(counts, dtype=np.float64).reshape(-1, 2 * width)
    outlet_arr = np.asarray(list(outlets), dtype=object)
    tokens = np.asarray(tokens, dtype=np.float64)
    language_arr = np.asarray(list(languages), dtype=object) if languages is not None else None
    rows = []
    for outlet in sorted(set(outlet_arr.tolist())):
        idx = np.flatnonzero(outlet_arr == outlet)
        row: dict[str, object] = {"outlet": outlet, "documents": len(idx)}
        if language_arr is not None:
            row["language"] = "+".join(sorted(set(language_arr[idx].tolist())))
        row["tokens"] = int(tokens[idx].sum())
        tok = tokens[idx][:, None]
        for v, (voice, suffix) in enumerate((("authorial", ""), ("reported", "_reported"))):
            base = v * width
            cnt_a = counts[idx, base:base + n_a]
            ssum_a = counts[idx, base + n_a:base + 2 * n_a]
            ccnt = counts[idx, base + 2 * n_a:base + width]
            with np.errstate(divide="ignore", invalid="ignore"):
                stance = ssum_a.sum(0) / cnt_a.sum(0)
                density = ccnt.sum(0) / tok.sum() * 1000.0
            do_ci = len(idx) > 1 and n_boot > 0 and voice == "authorial"
            if do_ci:
                (s_lo, s_hi), (d_lo, d_hi) = _bootstrap_ratios(
                    [(ssum_a, cnt_a), (ccnt * 1000.0, np.repeat(tok, n_c, axis=1))], n_boot=n_boot, rng=rng,
                    level=level)
            for k, actor in enumerate(actors):
                row[f"mentions{suffix}:{actor}"] = int(cnt_a[:, k].sum())
                row[f"stance{suffix}:{actor}"] = stance[k]
                if voice == "authorial":
                    row[f"stance_lo:{actor}"] = s_lo[k] if do_ci else np.nan
                    row[f"stance_hi:{actor}"] = s_hi[k] if do_ci else np.nan
            for k, cat in enumerate(categories):
                row[f"density{suffix}:{cat}"] = density[k]
                if voice == "authorial":
                    row[f"density_lo:{cat}"] = d_lo[k] if do_ci else np.nan
                    row[f"density_hi:{cat}"] = d_hi[k] if do_ci else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
