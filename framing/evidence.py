"""Term evidence: the sentences behind each distinguishing term, cut from the spilled texts of
the map (:class:`framing.reduce.TextSpill`), and the written form a normalized term shows most.

No document is normalized again: words are cut from the original (masked) text and each distinct
written word is normalized once.
"""

from __future__ import annotations

import re

import pandas as pd

from framing.normalize import article_clitic_variants, fold_article_clitics, normalize_ar
from framing.records import TERM_EVIDENCE_SCHEMA, column_names

__all__ = ["raw_word_re", "term_evidence_from_texts", "with_display_forms"]

TERM_EVIDENCE_COLUMNS = column_names(TERM_EVIDENCE_SCHEMA)


def term_evidence_from_texts(documents, terms: pd.DataFrame, *, per_term: int = 5) -> pd.DataFrame:
    """Sentences behind each distinguishing term: the first ``per_term`` occurrences of each
    (outlet, term) in that outlet's documents, with offsets into the original text.

    ``documents`` yields ``(doc_id, outlet, text_loader)`` in corpus order; a text is unpacked
    only for outlets still short of evidence. Words are cut from the original (masked) text
    with the characters normalization deletes (diacritics, tatweel, invisible marks) kept
    inside them, and each distinct written word is normalized once (a cache), so no document
    is normalized again. Stops as soon as every term has its evidence.
    """
    from framing.normalize import sentence_ends, sentence_of

    pending: dict[str, dict[str, str]] = {}  # outlet → {normalized variant: term}, for terms still short
    english: set[str] = set()  # outlets with English terms: their words are also looked up lower-cased
    languages = terms.get("language", [""] * len(terms))
    for outlet, term, language in zip(terms.get("outlet", []), terms.get("term", []), languages, strict=True):
        variants = pending.setdefault(outlet, {})
        if language == "en":  # an English term is a folded word (framing.english): "\0" keys it apart
            english.add(outlet)
            variants.setdefault("\0" + term, term)
            continue
        for v in article_clitic_variants(term):
            variants.setdefault(v, term)
    found: dict[tuple[str, str], int] = {}
    normalized: dict[str, str] = {}
    rows = []
    word_re = raw_word_re()
    for doc_id, outlet, load in documents:
        variants = pending.get(outlet)
        if not variants:
            if not any(pending.values()):
                break
            continue
        text = load()
        ends = None
        for m in word_re.finditer(text):
            raw = m.group()
            norm = normalized.get(raw)
            if norm is None:
                norm = normalize_ar(raw)
                if len(normalized) < 200_000:
                    normalized[raw] = norm
            term = variants.get(norm)
            if term is None and outlet in english:
                term = variants.get("\0" + norm.lower())
            if term is None:
                continue
            key = (outlet, term)
            start, end = m.span()
            if ends is None:
                ends = sentence_ends(text)
            s_start, s_end = sentence_of(text, start, ends)
            found[key] = found.get(key, 0) + 1
            rows.append({"outlet": outlet, "term": term, "doc_id": doc_id, "start": start, "end": end,
                         "matched": text[start:end], "sentence_start": s_start, "sentence_end": s_end,
                         "sentence": text[s_start:s_end]})
            if found[key] >= per_term:
                for v in [v for v, t in variants.items() if t == term]:
                    del variants[v]
                if not variants:
                    break
    return pd.DataFrame(rows, columns=TERM_EVIDENCE_COLUMNS)


def raw_word_re() -> re.Pattern[str]:
    """A word of the original text as normalization sees it: letters and digits, with the
    characters it deletes (diacritics, tatweel, zero-width marks) allowed inside."""
    from framing.normalize import _table

    deleted = re.escape("".join(chr(k) for k, v in _table(True, True, True, True).items() if v is None))
    return re.compile(f"(?:[^\\W_]|[{deleted}])*[^\\W_](?:[^\\W_]|[{deleted}])*")


def with_display_forms(terms: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """Add ``form``: the most common written form (e.g. السورية) of each normalized term (السوريه)."""
    terms = terms.copy()
    if evidence.empty or terms.empty:
        terms["form"] = terms["term"] if "term" in terms else pd.Series(dtype=str)
        return terms
    written = evidence.assign(form=evidence["matched"].map(lambda m: fold_article_clitics(_strip_diacritics(m))))
    best = {}
    for (outlet, term), group in written.groupby(["outlet", "term"], sort=True):
        counts = group["form"].value_counts()
        best[(outlet, term)] = sorted(counts.index, key=lambda f: (-counts[f], f))[0]
    terms["form"] = [best.get((o, t), t) for o, t in zip(terms["outlet"], terms["term"], strict=True)]
    return terms


def _strip_diacritics(text: str) -> str:
    return normalize_ar(text, alef=False, alef_maksura=False, teh_marbuta=False)
