"""Per-document framing scores from lexicon hits.

Columns of a document row (see :func:`score_document`):

- ``tokens``: normalized word tokens of the scorable text (boilerplate excluded)
- ``mentions:<actor>`` / ``stance:<actor>``: authorial hits naming the actor and the
  mean stance of the labels used (empty when the actor is not mentioned)
- ``density:<category>``: authorial hits of the category per 1,000 tokens
- the same with ``_reported`` (``mentions_reported:<actor>`` ...) for words inside
  quotations and reported speech, which are the speaker's, not the outlet's.

>>> from framing.records import Hit
>>> h = [Hit("d1", "lex", "الاحتلال الروسي", "الاحتلال الروسي", 0, 15, "actor_label", -1.0, actor="russia"),
...      Hit("d1", "lex", "روسيا", "روسيا", 20, 25, "actor_label", 0.0, actor="russia")]
>>> row = score_document(h, tokens=200, actors=["russia"], categories=["actor_label"])
>>> row["mentions:russia"], row["stance:russia"], row["density:actor_label"]
(2, -0.5, 10.0)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from framing.records import Hit

__all__ = ["count_columns", "hit_counts", "score_columns", "score_document", "scores_from_counts"]


def score_columns(actors: Sequence[str], categories: Sequence[str]) -> list[str]:
    """The score column names, in output order."""
    cols = []
    for suffix in ("", "_reported"):
        cols += [f"mentions{suffix}:{a}" for a in actors]
        cols += [f"stance{suffix}:{a}" for a in actors]
        cols += [f"density{suffix}:{c}" for c in categories]
    return cols


def score_document(hits: Sequence[Hit], *, tokens: int, actors: Sequence[str], categories: Sequence[str]
                   ) -> dict[str, float | int | None]:
    """Score one document's hits (see module docstring for the columns)."""
    row: dict[str, float | int | None] = {}
    for voice, suffix in (("authorial", ""), ("reported", "_reported")):
        vh = [h for h in hits if h.voice == voice]
        for actor in actors:
            ah = [h.stance for h in vh if h.actor == actor]
            row[f"mentions{suffix}:{actor}"] = len(ah)
            row[f"stance{suffix}:{actor}"] = round(sum(ah) / len(ah), 6) if ah else None
        for cat in categories:
            n = sum(1 for h in vh if h.category == cat)
            row[f"density{suffix}:{cat}"] = round(n / tokens * 1000.0, 6) if tokens else 0.0
    return row


def count_columns(actors: Sequence[str], categories: Sequence[str]) -> list[str]:
    """Names of the entries of :func:`hit_counts` (per voice: actor counts, actor stance sums, category counts)."""
    cols = []
    for voice in ("authorial", "reported"):
        cols += [f"{voice}:count:{a}" for a in actors]
        cols += [f"{voice}:stance_sum:{a}" for a in actors]
        cols += [f"{voice}:category:{c}" for c in categories]
    return cols


def hit_counts(hits: Sequence[Hit], *, actors: Sequence[str], categories: Sequence[str]) -> np.ndarray:
    """One document's hits as exact numbers (float64, :func:`count_columns` order): what the
    document and outlet scores are computed from, so no hit needs to stay in memory.

    >>> from framing.records import Hit
    >>> h = [Hit("d1", "lex", "روسيا", "روسيا", 0, 5, "actor_label", -0.5, actor="russia")]
    >>> hit_counts(h, actors=["russia"], categories=["actor_label"]).tolist()
    [1.0, -0.5, 1.0, 0.0, 0.0, 0.0]
    """
    a_index = {a: k for k, a in enumerate(actors)}
    c_index = {c: k for k, c in enumerate(categories)}
    n_a, n_c = len(actors), len(categories)
    width = 2 * n_a + n_c
    out = np.zeros(2 * width, dtype=np.float64)
    for h in hits:
        base = 0 if h.voice == "authorial" else width if h.voice == "reported" else -1
        if base < 0:
            continue
        k = a_index.get(h.actor) if h.actor else None
        if k is not None:
            out[base + k] += 1
            out[base + n_a + k] += h.stance
        j = c_index.get(h.category)
        if j is not None:
            out[base + 2 * n_a + j] += 1
    return out


def scores_from_counts(counts: np.ndarray, tokens: np.ndarray, *, actors: Sequence[str],
                       categories: Sequence[str]) -> dict[str, np.ndarray]:
    """The :func:`score_columns` of many documents at once from their :func:`hit_counts` rows
    (``counts``: documents × count columns) and token counts; same values as :func:`score_document`
    (mentions as integers, stance NaN where the actor is not mentioned)."""
    n_a, n_c = len(actors), len(categories)
    width = 2 * n_a + n_c
    counts = np.asarray(counts, dtype=np.float64).reshape(-1, 2 * width)
    tok = np.asarray(tokens, dtype=np.float64)
    out: dict[str, np.ndarray] = {}
    for v, suffix in enumerate(("", "_reported")):
        base = v * width
        for k, actor in enumerate(actors):
            out[f"mentions{suffix}:{actor}"] = counts[:, base + k].astype(np.int64)
        for k, actor in enumerate(actors):
            n = counts[:, base + k]
            with np.errstate(divide="ignore", invalid="ignore"):
                st = np.where(n > 0, counts[:, base + n_a + k] / n, np.nan)
            out[f"stance{suffix}:{actor}"] = np.round(st, 6)
        for j, cat in enumerate(categories):
            with np.errstate(divide="ignore", invalid="ignore"):
                d = np.where(tok > 0, counts[:, base + 2 * n_a + j] / tok * 1000.0, 0.0)
            out[f"density{suffix}:{cat}"] = np.round(d, 6)
    return out
