"""Check a lexicon against hand-coded text: precision, recall and F1 on gold spans.

A *gold* file holds texts with spans a person marked (``{start, end, label}``, character
offsets into the text). :func:`evaluate` runs the same :class:`~framing.lexicon.Matcher`
that ``framing compare`` scores with over every gold text and compares its hits with the
spans:

* **Overlap rule.** A hit and a gold span *overlap* when they share at least one character
  (``hit.start < span.end and span.start < hit.end``, half-open offsets into the original
  text). A hit is *correct* when it overlaps a relevant gold span; a gold span is
  *recalled* when a relevant hit overlaps it. One hit can recall several spans and one span
  can be recalled by several hits; every hit and every span is counted once.
* **Relevance.** Without a mapping every gold span is relevant to every category (the
  question is "does the lexicon fire where a person marked something?"). With
  ``mapping={technique: categories}`` only spans whose label is mapped count, and a span is
  relevant to a hit only when the hit's category is one it is mapped to (``*`` = any
  category); spans of unmapped labels are ignored in the scores but still listed by label.
* **Valenced hits** are hits with a non-zero stance in a category that is not a topic
  marker (``kind: topic``, docs/lexicon-format.md): the lexicon's claim that a wording is
  loaded. A topic marker's stance (a victim label's sympathy for its actor) claims no loaded
  wording, so its hits count in ``overall`` but not here. Their precision is reported on its
  own (``scope = valenced``); ``hits.csv`` has each hit's ``kind`` and ``valenced``.

Gold layouts read (see :func:`read_gold`): JSONL (or a JSON list) of ``{text, spans}``
records, the ArMPro layout (``paragraph`` + ``labels: [{technique, start, end, text}]``)
directly, and a BRAT folder of ``.ann`` + ``.txt`` files.

:func:`sample_hits` draws a seeded coding sheet of random hits from any corpus ``framing
compare`` reads, for a precision check where no gold exists.

>>> from framing.lexicon import Lexicon
>>> lex = Lexicon.from_entries("t", [{"term": "عصابة", "category": "name_calling", "stance": -0.8}])
>>> gold = [GoldDocument("d1", "هاجمت العصابة القرية.", (GoldSpan(6, 13, "Name_Calling"),))]
>>> result = evaluate(gold, lexicons=[lex])
>>> result.overall["precision"], result.overall["recall"]
(1.0, 1.0)
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import json
import lzma
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from framing.errors import ConfigError, CorpusError
from framing.lexicon import Lexicon, Matcher, load_lexicons
from framing.lexicon.model import category_kinds

__all__ = [
    "OVERLAP_RULE",
    "EvaluationResult",
    "GoldDocument",
    "GoldError",
    "GoldSpan",
    "evaluate",
    "parse_mapping",
    "read_gold",
    "sample_hits",
]

OVERLAP_RULE = ("a hit is correct when it shares at least one character with a relevant gold span "
                "(hit.start < span.end and span.start < hit.end); a span is recalled when a relevant hit "
                "overlaps it")

ANY_CATEGORY = "*"


class GoldError(CorpusError):
    """A gold file cannot be read: unknown layout, bad record, span outside its text."""


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """A hand-marked span ``[start, end)`` of a gold text with its label (e.g. a technique)."""

    start: int
    end: int
    label: str
    text: str = ""
    id: str = ""


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One hand-coded text. ``source`` names the file (and line) it came from."""

    doc_id: str
    text: str
    spans: tuple[GoldSpan, ...] = ()
    source: str = ""


# --- reading gold ----------------------------------------------------------------------------


def _open_text(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    elif raw[:6] == b"\xfd7zXZ\x00":
        raw = lzma.decompress(raw)
    elif raw[:3] == b"BZh":
        raw = bz2.decompress(raw)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GoldError(f"not UTF-8 ({exc.reason} at byte {exc.start})", path=path,
                        hint="save the gold file as UTF-8") from None


def _check_span(text: str, start: Any, end: Any, label: Any, span_text: Any, *, path: Path, line: int | None,
                what: str) -> GoldSpan:
    if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int):
        raise GoldError(f"{what}: start and end must be integers, not {start!r} and {end!r}", path=path, line=line,
                        hint="give character offsets into the text")
    if not isinstance(label, str) or not label:
        raise GoldError(f"{what}: no label", path=path, line=line, hint="give every span a label (or technique)")
    if not 0 <= start < end <= len(text):
        raise GoldError(f"{what} ({label} {start}–{end}) is outside the text (length {len(text)})", path=path,
                        line=line, hint="offsets count characters of the text, start < end")
    if span_text not in (None, "") and text[start:end] != span_text:
        raise GoldError(f"{what} ({label} {start}–{end}): the text at those offsets is {text[start:end]!r}, "
                        f"not {span_text!r}", path=path, line=line,
                        hint="offsets must count characters (code points) of the text, not bytes")
    return GoldSpan(start, end, label, text[start:end])


def _record_layout(rec: dict) -> str | None:
    if isinstance(rec.get("paragraph"), str) and isinstance(rec.get("labels"), list):
        return "armpro"
    if isinstance(rec.get("text"), str) and any(isinstance(rec.get(k), list) for k in ("spans", "labels", "label")):
        return "jsonl"
    return None


def _doc_from_record(rec: Any, *, path: Path, line: int) -> GoldDocument:
    if not isinstance(rec, dict):
        raise GoldError(f"a gold record must be a JSON object, not {type(rec).__name__}", path=path, line=line,
                        hint='write one {"text": ..., "spans": [{"start":..,"end":..,"label":..}]} per line')
    layout = _record_layout(rec)
    if layout is None:
        raise GoldError(f"unknown gold layout (fields {sorted(rec)[:8]})", path=path, line=line,
                        hint="give 'text' + 'spans' [{start, end, label}], or ArMPro's 'paragraph' + 'labels'")
    if layout == "armpro":
        text = rec["paragraph"]
        doc_id = str(rec.get("paragraph_id") or rec.get("id") or f"line{line}")
        raw_spans = rec["labels"]
    else:
        text = rec["text"]
        doc_id = str(rec.get("id") or rec.get("doc_id") or f"line{line}")
        raw_spans = next(rec[k] for k in ("spans", "labels", "label") if isinstance(rec.get(k), list))
    spans = []
    for k, s in enumerate(raw_spans, 1):
        what = f"span {k}"
        if isinstance(s, dict):
            label = s.get("label", s.get("technique"))
            spans.append(_check_span(text, s.get("start"), s.get("end"), label, s.get("text"), path=path,
                                     line=line, what=what))
        elif isinstance(s, (list, tuple)) and len(s) == 3:  # doccano: [start, end, label]
            spans.append(_check_span(text, s[0], s[1], s[2], None, path=path, line=line, what=what))
        else:
            raise GoldError(f"{what} is {s!r}", path=path, line=line,
                            hint="write spans as {start, end, label} (or [start, end, label])")
    return GoldDocument(doc_id, text, tuple(spans), f"{path}:{line}")


def _read_json_records(path: Path) -> list[GoldDocument]:
    text = _open_text(path)
    stripped = text.lstrip()
    docs: list[GoldDocument] = []
    if stripped.startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GoldError(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno,
                            hint="fix the JSON syntax") from None
        for i, rec in enumerate(records):
            docs.append(_doc_from_record(rec, path=path, line=i + 1))
        return docs
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"invalid JSON: {exc.msg}", path=path, line=lineno,
                            hint="one JSON object per line (JSONL)") from None
        docs.append(_doc_from_record(rec, path=path, line=lineno))
    return docs


_BRAT_T_RE = re.compile(r"^(T\S*)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t?(.*)$")


def _read_brat(folder: Path) -> list[GoldDocument]:
    anns = sorted(folder.glob("*.ann"))
    docs = []
    for ann in anns:
        txt = ann.with_suffix(".txt")
        if not txt.exists():
            raise GoldError("BRAT annotation without its text file", path=ann,
                            hint=f"put {txt.name} beside it (the text the offsets refer to)")
        text = _open_text(txt)
        spans = []
        for lineno, line in enumerate(_open_text(ann).splitlines(), 1):
            if not line.startswith("T"):
                continue  # relations, events, attributes, notes: not spans
            m = _BRAT_T_RE.match(line)
            if m is None:
                raise GoldError(f"unreadable BRAT text-bound line {line[:40]!r}", path=ann, line=lineno,
                                hint="write 'T1<TAB>Label START END<TAB>text'")
            tid, label, ranges, covered = m.groups()
            frags = [tuple(map(int, r.split())) for r in ranges.split(";")]
            for k, (start, end) in enumerate(frags):
                # a discontinuous span is one span per fragment (same id); check the text only when whole
                span = _check_span(text, start, end, label, covered if len(frags) == 1 else None, path=ann,
                                   line=lineno, what=f"span {tid}")
                spans.append(GoldSpan(span.start, span.end, label, span.text, tid if len(frags) == 1 else
                                      f"{tid}.{k + 1}"))
        docs.append(GoldDocument(ann.stem, text, tuple(spans), str(ann)))
    return docs


def read_gold(path: str | Path | Sequence[GoldDocument]) -> list[GoldDocument]:
    """Read span-annotated gold texts.

    ``path`` is a ``.jsonl`` file (optionally gzip/xz/bzip2-compressed; or a ``.json`` list)
    whose records are ``{"id"?, "text", "spans": [{"start", "end", "label", "text"?}]}``
    (``labels``/``label`` and doccano's ``[start, end, label]`` triples are accepted too), or
    ArMPro records (``paragraph_id``, ``paragraph``, ``labels: [{technique, start, end, text}]``),
    or a BRAT folder of ``NAME.ann`` + ``NAME.txt``. Offsets count characters of the text.
    Raises :class:`GoldError` (file:line) for an unknown layout, a span outside its text or
    offsets that do not match the span's own text.

    >>> docs = read_gold("ArMPro_span_dev_V2.jsonl")  # doctest: +SKIP
    >>> docs[0].spans[0].label  # doctest: +SKIP
    'Loaded_Language'
    """
    if not isinstance(path, (str, Path)):
        return list(path)
    p = Path(path)
    if not p.exists():
        raise GoldError("gold file or folder not found", path=p,
                        hint="give a .jsonl file of texts with spans, an ArMPro .jsonl or a BRAT folder")
    if p.is_dir():
        if not any(p.glob("*.ann")):
            raise GoldError("no BRAT .ann files in this folder", path=p,
                            hint="a gold folder holds NAME.ann + NAME.txt pairs; or give a .jsonl file")
        docs = _read_brat(p)
    else:
        docs = _read_json_records(p)
    if not docs:
        raise GoldError("no gold texts in this file", path=p, hint="one record per line with text and spans")
    return docs


# --- mapping ---------------------------------------------------------------------------------


def parse_mapping(items: Iterable[str] | Mapping[str, Any] | None) -> dict[str, frozenset[str]] | None:
    """``["Loaded_Language=loaded_language,aggression", "Doubt=*"]`` → ``{label: categories}``.

    Raises :class:`ConfigError` for an item that is not ``LABEL=CATEGORY[,CATEGORY…]``.
    """
    if items is None:
        return None
    out: dict[str, frozenset[str]] = {}
    pairs: Iterable[tuple[str, Any]]
    if isinstance(items, Mapping):
        pairs = items.items()
    else:
        pairs = []
        for item in items:
            label, sep, cats = str(item).partition("=")
            if not sep or not label.strip() or not cats.strip():
                raise ConfigError(f"--map {item!r} is not LABEL=CATEGORY",
                                  hint="write e.g. --map Loaded_Language=loaded_language (several: a,b; any: *)")
            pairs.append((label, cats))
    for label, cats in pairs:
        values = cats.split(",") if isinstance(cats, str) else list(cats)
        cset = frozenset(c.strip() for c in values if str(c).strip())
        if not cset:
            raise ConfigError(f"--map {label}= names no category", hint="give a category after '=' (or *)")
        out[str(label).strip()] = out.get(str(label).strip(), frozenset()) | cset
    return out


# --- evaluation ------------------------------------------------------------------------------


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    left = re.sub(r"\s+", " ", text[max(0, start - width):start]).lstrip()
    right = re.sub(r"\s+", " ", text[end:end + width]).rstrip()
    return left, right


def _framing_lexicons(lexicons: Any) -> list[Lexicon]:
    if lexicons is None or isinstance(lexicons, (str, Path)):
        loaded = load_lexicons(lexicons)
    elif isinstance(lexicons, Lexicon):
        loaded = [lexicons]
    else:
        items = list(lexicons)
        loaded = [x for x in items if isinstance(x, Lexicon)]
        paths = [x for x in items if not isinstance(x, Lexicon)]
        if paths:
            loaded += load_lexicons(paths)
    names: dict[str, Lexicon] = {}
    for lex in loaded:
        if lex.name in names:
            raise ConfigError(f"lexicon {lex.name!r} is given twice ({names[lex.name].path} and {lex.path})",
                              hint="pass each lexicon folder or file once")
        names[lex.name] = lex
    framing_lex = [lx for lx in loaded if lx.kind == "framing"]
    if not framing_lex:
        raise ConfigError("no framing lexicon (kind: framing) to evaluate",
                          hint="pass --lexicons DIR or FILE with a framing lexicon")
    return framing_lex


def _lexicon_language(lx: Lexicon) -> str:
    return "en" if lx.language == "en" else "ar"


def _doc_language(text: str) -> str:
    """``en`` for an English text, else ``ar`` (as the analysis reads every other text)."""
    from framing.language import detect_language

    return "en" if detect_language(text).language == "en" else "ar"


def _matchers(lexs: list[Lexicon], lemmatizer: Any) -> dict[str, Matcher]:
    """One matcher per language of the lexicons (``language: en`` lexicons match English texts
    with the English rules, the others Arabic texts), as ``framing compare`` matches them."""
    out: dict[str, Matcher] = {}
    for lang in ("ar", "en"):
        group = [lx for lx in lexs if _lexicon_language(lx) == lang]
        if group:
            out[lang] = Matcher(group, lemmatizer=lemmatizer if lang == "ar" else None)
    return out


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def _f1(p: float, r: float) -> float:
    if p != p or r != r or p + r == 0:  # NaN or both zero
        return float("nan") if (p != p or r != r) else 0.0
    return 2 * p * r / (p + r)


METRIC_COLUMNS = ["scope", "name", "hits", "correct_hits", "precision", "gold_spans", "recalled_spans",
                  "recall", "f1"]
TECHNIQUE_COLUMNS = ["label", "gold_spans", "recalled", "recall", "recalled_valenced", "recall_valenced",
                     "categories"]
HIT_COLUMNS = ["doc_id", "source", "lexicon", "entry_id", "term", "matched", "category", "kind", "stance", "valenced",
               "actor", "start", "end", "correct", "gold_labels", "left", "right"]
MISS_COLUMNS = ["doc_id", "source", "label", "start", "end", "text", "left", "right", "near_hits", "code", "note"]
ENTRY_COLUMNS = ["lexicon", "entry_id", "term", "category", "stance", "hits", "correct_hits", "precision"]
FP_COLUMNS = ["doc_id", "source", "lexicon", "entry_id", "term", "matched", "category", "stance", "start", "end",
              "gold_labels", "left", "right", "code", "note"]


@dataclass
class EvaluationResult:
    """What :func:`evaluate` measured. Every frame is a :class:`pandas.DataFrame`.

    * ``metrics``: one row per category (``scope = category``, ``name`` = the category), one
      ``overall`` and one ``valenced`` (hits with stance ≠ 0 outside topic markers), and per
      lexicon a ``lexicon`` and a ``lexicon_valenced`` row (``name`` = the lexicon) — ``hits, correct_hits, precision,
      gold_spans, recalled_spans, recall, f1``.
    * ``labels``: per gold label (technique): ``gold_spans, recalled, recall`` (by any hit
      of a relevant category), ``recalled_valenced, recall_valenced`` (by valenced hits).
    * ``hits``: every hit with ``correct`` and the gold labels it overlaps, in context.
    * ``misses``: relevant gold spans no relevant hit overlaps, in context (``near_hits``:
      hits of another category on them); ``false_positives``: hits that overlap no relevant
      span. Both have empty ``code``/``note`` columns for a researcher.
    * ``entries``: per lexicon entry that fired, ``hits, correct_hits, precision`` — the
      entries to check first when precision is low.
    """

    metrics: Any
    labels: Any
    hits: Any
    misses: Any
    false_positives: Any
    entries: Any = None
    documents: int = 0
    lexicons: list[str] = field(default_factory=list)
    mapping: dict[str, frozenset[str]] | None = None
    overlap_rule: str = OVERLAP_RULE

    def _row(self, scope: str) -> dict[str, Any]:
        rows = self.metrics[self.metrics["scope"] == scope]
        return rows.iloc[0].to_dict() if len(rows) else {}

    @property
    def overall(self) -> dict[str, Any]:
        """The ``overall`` metrics row as a dict."""
        return self._row("overall")

    @property
    def valenced(self) -> dict[str, Any]:
        """The ``valenced`` metrics row (hits with a non-zero stance) as a dict."""
        return self._row("valenced")

    def recall_of(self, label: str, *, valenced: bool = False) -> float:
        """Share of gold spans with ``label`` that a (valenced) hit recalls; NaN if none."""
        rows = self.labels[self.labels["label"] == label]
        if not len(rows):
            return float("nan")
        return float(rows.iloc[0]["recall_valenced" if valenced else "recall"])

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write ``metrics.csv``, ``labels.csv``, ``hits.csv``, ``misses.csv``, ``false_positives.csv``
        and ``entries.csv`` (UTF-8 with a BOM, so spreadsheets show Arabic) into ``out_dir``."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in (("metrics", self.metrics), ("labels", self.labels), ("hits", self.hits),
                            ("misses", self.misses), ("false_positives", self.false_positives),
                            ("entries", self.entries)):
            path = out / f"{name}.csv"
            frame.to_csv(path, index=False, encoding="utf-8-sig", float_format="%.4f")
            written.append(path)
        return written


def _relevant(mapping: dict[str, frozenset[str]] | None, label: str, category: str) -> bool:
    if mapping is None:
        return True
    cats = mapping.get(label)
    return cats is not None and (ANY_CATEGORY in cats or category in cats)


def evaluate(gold: str | Path | Sequence[GoldDocument], *, lexicons: Any = None,
             mapping: Iterable[str] | Mapping[str, Any] | None = None, width: int = 50,
             lemmatizer: Any = None) -> EvaluationResult:
    """Score the framing lexicons' hits against gold spans (see the module doc for the rules).

    ``gold``: a path :func:`read_gold` reads, or :class:`GoldDocument` objects. ``lexicons``:
    ``None`` (the default folder), a folder/file or a list of folders, files and
    :class:`~framing.lexicon.Lexicon` objects; only ``kind: framing`` lexicons are matched,
    with the same :class:`~framing.lexicon.Matcher` as ``framing compare`` (longest match per
    lexicon, never across a sentence). ``mapping``: ``{label: category or [categories]}`` or
    ``["LABEL=cat1,cat2", ...]``; ``*`` means any category. ``width``: characters of context.

    >>> r = evaluate("gold.jsonl", mapping=["Loaded_Language=*"])  # doctest: +SKIP
    >>> r.metrics  # doctest: +SKIP
    """
    import pandas as pd

    docs = read_gold(gold)
    lexs = _framing_lexicons(lexicons)
    cmap = parse_mapping(mapping)
    source = str(gold) if isinstance(gold, (str, Path)) else "gold"
    if cmap is not None:
        labels_in_gold = {s.label for d in docs for s in d.spans}
        known = {c for lx in lexs for c in lx.categories}
        for label, cats in cmap.items():
            if label not in labels_in_gold:
                raise ConfigError(f"--map {label}=…: no gold span has the label {label!r}", path=source,
                                  hint=f"labels in the gold: {', '.join(sorted(labels_in_gold)[:12])}")
            unknown = sorted(c for c in cats if c != ANY_CATEGORY and c not in known)
            if unknown:
                raise ConfigError(f"--map {label}=…: no lexicon declares the category {unknown[0]!r}",
                                  hint=f"categories: {', '.join(sorted(known))} (or * for any)")
    matchers = _matchers(lexs, lemmatizer)
    doc_matchers = [matchers.get(_doc_language(doc.text)) for doc in docs]
    used = {m for m in doc_matchers if m is not None}
    lexs = [lx for lx in lexs if matchers.get(_lexicon_language(lx)) in used]  # an English lexicon on Arabic gold: no row
    kinds = category_kinds(lexs)

    def valenced(h: Any) -> bool:
        return h.stance != 0 and kinds.get(h.category) != "topic"

    hit_rows: list[dict[str, Any]] = []
    miss_rows: list[dict[str, Any]] = []
    cat_hits: dict[str, list[int]] = {}  # category -> [hits, correct]
    lex_hits: dict[str, list[int]] = {lx.name: [0, 0, 0, 0] for lx in lexs}  # [hits, correct, valenced, correct]
    lex_gold: dict[str, list[int]] = {lx.name: [0, 0] for lx in lexs}  # spans recalled: by any / valenced hit
    cat_gold: dict[str, list[int]] = {}  # category -> [relevant spans, recalled by this category]
    label_rows: dict[str, list[Any]] = {}  # label -> [spans, recalled, recalled_valenced, categories]
    categories = sorted({c for lx in lexs for c in lx.categories})
    n_gold = n_gold_recalled = n_gold_val = 0
    n_hits = n_correct = n_val = n_val_correct = 0

    for doc, matcher in zip(docs, doc_matchers, strict=True):
        hits = matcher.find(doc.text, doc_id=doc.doc_id) if matcher is not None else []
        spans = doc.spans
        hit_correct = [False] * len(hits)
        hit_labels: list[set[str]] = [set() for _ in hits]
        span_by: list[list[int]] = [[] for _ in spans]  # hits overlapping each span
        for j, s in enumerate(spans):
            for i, h in enumerate(hits):
                if h.start < s.end and s.start < h.end:
                    span_by[j].append(i)
                    hit_labels[i].add(s.label)
                    if _relevant(cmap, s.label, h.category):
                        hit_correct[i] = True
        for i, h in enumerate(hits):
            n_hits += 1
            n_correct += hit_correct[i]
            if valenced(h):
                n_val += 1
                n_val_correct += hit_correct[i]
            lh = lex_hits[h.lexicon]
            lh[0] += 1
            lh[1] += hit_correct[i]
            if valenced(h):
                lh[2] += 1
                lh[3] += hit_correct[i]
            ch = cat_hits.setdefault(h.category, [0, 0])
            ch[0] += 1
            ch[1] += hit_correct[i]
            left, right = _context(doc.text, h.start, h.end, width)
            hit_rows.append({"doc_id": doc.doc_id, "source": doc.source, "lexicon": h.lexicon, "entry_id": h.entry_id,
                             "term": h.term, "matched": h.matched, "category": h.category,
                             "kind": kinds.get(h.category, ""), "stance": h.stance, "valenced": valenced(h),
                             "actor": h.actor or "", "start": h.start, "end": h.end, "correct": hit_correct[i],
                             "gold_labels": ";".join(sorted(hit_labels[i])), "left": left, "right": right})
        for j, s in enumerate(spans):
            by = [hits[i] for i in span_by[j]]
            rel = [h for h in by if _relevant(cmap, s.label, h.category)]
            lr = label_rows.setdefault(s.label, [0, 0, 0, set()])
            lr[0] += 1
            lr[1] += bool(rel)
            lr[2] += any(valenced(h) for h in rel)
            lr[3].update(h.category for h in rel)
            is_relevant = cmap is None or s.label in cmap
            if not is_relevant:
                continue
            n_gold += 1
            n_gold_recalled += bool(rel)
            n_gold_val += any(valenced(h) for h in rel)
            for name in {h.lexicon for h in rel}:
                lex_gold[name][0] += 1
            for name in {h.lexicon for h in rel if valenced(h)}:
                lex_gold[name][1] += 1
            for cat in categories:
                if _relevant(cmap, s.label, cat):
                    cg = cat_gold.setdefault(cat, [0, 0])
                    cg[0] += 1
                    cg[1] += any(h.category == cat for h in rel)
            if not rel:
                left, right = _context(doc.text, s.start, s.end, width)
                miss_rows.append({"doc_id": doc.doc_id, "source": doc.source, "label": s.label, "start": s.start,
                                  "end": s.end, "text": s.text, "left": left, "right": right,
                                  "near_hits": ";".join(f"{h.lexicon}:{h.term} ({h.category})" for h in by),
                                  "code": "", "note": ""})

    metric_rows = []
    for cat in sorted(set(cat_hits) | {c for c, g in cat_gold.items() if g[0]}):
        h, c = cat_hits.get(cat, [0, 0])
        g, r = cat_gold.get(cat, [0, 0])
        p, rc = _ratio(c, h), _ratio(r, g)
        metric_rows.append({"scope": "category", "name": cat, "hits": h, "correct_hits": c, "precision": p,
                            "gold_spans": g, "recalled_spans": r, "recall": rc, "f1": _f1(p, rc)})
    p, rc = _ratio(n_correct, n_hits), _ratio(n_gold_recalled, n_gold)
    metric_rows.append({"scope": "overall", "name": "", "hits": n_hits, "correct_hits": n_correct,
                        "precision": p, "gold_spans": n_gold, "recalled_spans": n_gold_recalled, "recall": rc,
                        "f1": _f1(p, rc)})
    p, rc = _ratio(n_val_correct, n_val), _ratio(n_gold_val, n_gold)
    metric_rows.append({"scope": "valenced", "name": "", "hits": n_val, "correct_hits": n_val_correct,
                        "precision": p, "gold_spans": n_gold, "recalled_spans": n_gold_val, "recall": rc,
                        "f1": _f1(p, rc)})
    for name, (h, c, vh, vc) in lex_hits.items():
        for scope, hh, cc, rr in (("lexicon", h, c, lex_gold[name][0]), ("lexicon_valenced", vh, vc, lex_gold[name][1])):
            p, rc = _ratio(cc, hh), _ratio(rr, n_gold)
            metric_rows.append({"scope": scope, "name": name, "hits": hh, "correct_hits": cc, "precision": p,
                                "gold_spans": n_gold, "recalled_spans": rr, "recall": rc, "f1": _f1(p, rc)})
    label_frame = pd.DataFrame(
        [{"label": k, "gold_spans": v[0], "recalled": v[1], "recall": _ratio(v[1], v[0]),
          "recalled_valenced": v[2], "recall_valenced": _ratio(v[2], v[0]), "categories": ";".join(sorted(v[3]))}
         for k, v in sorted(label_rows.items(), key=lambda kv: (-kv[1][0], kv[0]))], columns=TECHNIQUE_COLUMNS)
    hits_frame = pd.DataFrame(hit_rows, columns=HIT_COLUMNS)
    entries = (hits_frame.assign(correct=hits_frame["correct"].astype(int))
               .groupby(["lexicon", "entry_id", "term", "category", "stance"], sort=False)["correct"]
               .agg(hits="size", correct_hits="sum").reset_index())
    entries["precision"] = entries["correct_hits"] / entries["hits"]
    entries = entries.sort_values(["lexicon", "hits", "entry_id"], ascending=[True, False, True],
                                  kind="stable").reset_index(drop=True)[ENTRY_COLUMNS]
    fp = hits_frame[~hits_frame["correct"].astype(bool)].copy()
    fp["code"] = ""
    fp["note"] = ""
    return EvaluationResult(
        metrics=pd.DataFrame(metric_rows, columns=METRIC_COLUMNS),
        labels=label_frame,
        hits=hits_frame,
        misses=pd.DataFrame(miss_rows, columns=MISS_COLUMNS),
        false_positives=fp[FP_COLUMNS].reset_index(drop=True),
        entries=entries,
        documents=len(docs),
        lexicons=[lx.name for lx in lexs],
        mapping=cmap,
    )


# --- coding sheet for unannotated corpora -------------------------------------------------------

SAMPLE_COLUMNS = ["sample", "outlet", "doc_id", "start", "end", "left", "match", "right", "term", "category",
                  "stance", "lexicon", "entry_id", "correct", "note"]


def sample_hits(corpus: Any, n: int, *, seed: int = 0, lexicons: Any = None, width: int = 60,
                lemmatizer: Any = None, **fields: str):
    """A coding sheet of ``n`` random hits from a corpus, for a precision check by hand.

    ``corpus`` is anything ``framing compare`` reads (a path read with
    :func:`framing.corpus.load_corpus` and ``fields`` such as ``text_field="paragraph"``) or an
    iterable of :class:`~framing.records.Document`. Hits are found exactly as scoring finds
    them (framing lexicons, each document's ``masked_text``); ``n`` of them are drawn by
    seeded reservoir sampling (the same sheet for the same seed; bounded memory). Returns a
    DataFrame with ``SAMPLE_COLUMNS`` (``correct`` and ``note`` empty, for the coder), in
    corpus order; ``.attrs`` holds ``hits`` and ``documents`` seen.

    >>> sheet = sample_hits("corpus.jsonl.xz", 100, seed=1, outlet_field="source")  # doctest: +SKIP
    """
    import pandas as pd

    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise ConfigError(f"--sample must be a positive number of hits, not {n!r}")
    if isinstance(corpus, (str, Path)):
        from framing.corpus import load_corpus

        corpus = load_corpus(corpus, **fields)
    docs = corpus.iter_documents() if hasattr(corpus, "iter_documents") else iter(corpus)
    matchers = _matchers(_framing_lexicons(lexicons), lemmatizer)
    rng = random.Random(seed)
    chosen: list[tuple[int, int, dict[str, Any]]] = []
    total = 0
    n_docs = 0
    for d, doc in enumerate(docs):
        n_docs += 1
        text = doc.masked_text
        matcher = matchers.get("en" if getattr(doc, "language", "ar") == "en" else "ar")
        for h in matcher.find(text, doc_id=doc.doc_id) if matcher is not None else ():
            total += 1
            if len(chosen) < n:
                slot = len(chosen)
                chosen.append((0, 0, {}))
            else:
                slot = rng.randrange(total)
                if slot >= n:
                    continue
            left, right = _context(doc.text, h.start, h.end, width)
            chosen[slot] = (d, h.start, {
                "outlet": doc.outlet, "doc_id": doc.doc_id, "start": h.start, "end": h.end, "left": left,
                "match": h.matched, "right": right, "term": h.term, "category": h.category, "stance": h.stance,
                "lexicon": h.lexicon, "entry_id": h.entry_id, "correct": "", "note": ""})
    chosen.sort(key=lambda c: (c[0], c[1]))
    rows = [{"sample": k + 1, **row} for k, (_, _, row) in enumerate(chosen)]
    frame = pd.DataFrame(rows, columns=SAMPLE_COLUMNS)
    frame.attrs.update(hits=total, documents=n_docs, seed=seed)
    return frame


def split_half(doc_id: str) -> int:
    """0 or 1: a fixed, seed-free split of gold documents by a hash of their id (for
    writing a lexicon on one half and measuring it on the other)."""
    return hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest()[0] & 1
