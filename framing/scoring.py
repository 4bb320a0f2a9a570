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

from framing.records import Hit

__all__ = ["score_columns", "score_document"]


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
