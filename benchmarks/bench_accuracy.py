"""Accuracy on a corpus the project never used: the attribution figures of issue 13.

Runs the tool exactly as a researcher would (``framing.compare`` on the corpus with their own
framing lexicon; the default reporting verbs and the neutral sources lexicon come in by
themselves) and prints

* the share of attributions with no speaker (target ≤ 5 %) and the share typed ``other``,
  with the mix of source types and kinds;
* a seeded random sample of attributions to check by reading — the sentence with the
  attributed span in [[ ]], the speaker phrase in {{ }} and the cue in << >> — drawn from the
  documents after the first ``--dev-docs`` (the slice the rules were developed on), so the
  hand-checked figure is measured on text the rules were not tuned to.

    python benchmarks/bench_accuracy.py [CORPUS] [--lexicons docs/examples/egypt-2013.yaml]
        [--limit N] [--sample 50] [--seed 2013] [--dev-docs 1500]

Default corpus: the February 2013 Egyptian corpus (``../shared/corpora/egypt-2013``), read with
``text``/``source``/``title``/``crawl_time``/``id`` fields. Corpus text is printed, never saved.
Another part of the benchmark (mention counts against an independent matcher) can reuse
:func:`run_tool`.

Last measured (commit 652db45, whole February corpus, ``docs/examples/egypt-2013.yaml``): 85,676
documents, 274,527 attributions, no speaker 5.5 % (target ≤ 5 %; 5.1 % on the first 1,500
documents the rules were developed on), typed ``other`` 47.4 %. The seed-777 sample of 50 (documents
after the first 1,500), checked by reading: 34 fully right (span, speaker and cue). The 16 wrong:
6 garbage speaker phrases or spans after a verb that reports no speech there («عَلق في ذهن»,
«تحدث عن», «اعترف بحيازته», «تفيد حصيلة … بالاستناد الى», «نفت الرئاسة ذلك، ولكن …», «أكد
المشاركون ألا …»), 3 uncued quotations without a speaker (a headline, «ويتابع X، "…"», «X :"…"»),
2 relayed words credited to the relay («حسبما ذكرت قناة X» inside the speaker's sentence, «كما
ذكرت وكالة X» for a report), 2 possessives left as the name («مكتبه», «بيان لهما»), 1 object span
cut at a name («… الرئيس السوري | بشار الأسد …»), 1 subject split by a line break
(«مسؤولي الحكومة / اليمنية»), 1 bare title («الدكتور») not resolved.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import framing  # noqa: E402
from framing.corpus import load_corpus  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "egypt-2013" / "egypt-2013-02.jsonl.xz"
DEFAULT_LEXICON = ROOT / "docs" / "examples" / "egypt-2013.yaml"
FIELDS = {"text_field": "text", "outlet_field": "source", "title_field": "title", "date_field": "crawl_time",
          "id_field": "id"}


def run_tool(corpus: str | Path, lexicons: str | Path, *, limit: int | None = None, jobs: int | None = None):
    """``framing.compare`` on ``corpus`` with ``lexicons`` (no topics, no events): a :class:`framing.Result`."""
    return framing.compare(str(corpus), lexicons=str(lexicons), topics=False, events=False, limit=limit,
                           jobs=jobs, **FIELDS)


def attribution_figures(attributions) -> dict:
    """Shares of a run's attributions: no speaker, typed ``other``, per source type and kind."""
    n = len(attributions)
    if not n:
        return {"attributions": 0}
    speaker = attributions["speaker"].fillna("").astype(str)
    types = attributions["source_type"].fillna("other").astype(str)
    return {
        "attributions": n,
        "no_speaker": float((speaker == "").mean()),
        "typed_other": float((types == "other").mean()),
        "source_types": {k: v / n for k, v in Counter(types).most_common()},
        "kinds": {k: v / n for k, v in Counter(attributions["kind"].astype(str)).most_common()},
        "with_via": float((attributions["via"].fillna("").astype(str) != "").mean())
        if "via" in attributions else 0.0,
    }


def document_texts(corpus: str | Path, doc_ids: set[str], *, limit: int | None = None) -> dict[str, tuple[str, str]]:
    """(text, title) of the documents ``doc_ids``, read again from the corpus (for display only)."""
    out: dict[str, tuple[str, str]] = {}
    c = load_corpus(str(corpus), **FIELDS)
    for i, doc in enumerate(c.iter_documents()):
        if limit is not None and i >= limit:
            break
        if doc.doc_id in doc_ids:
            out[doc.doc_id] = (doc.masked_text, doc.title or "")
            if len(out) == len(doc_ids):
                break
    return out


def sample_attributions(attributions, documents, *, n: int = 50, seed: int = 2013, dev_docs: int = 0):
    """A seeded random sample of ``n`` attributions from documents after the first ``dev_docs``."""
    order = {d: i for i, d in enumerate(documents["doc_id"].astype(str))}
    pool = attributions[attributions["doc_id"].astype(str).map(lambda d: order.get(d, 0) >= dev_docs)]
    idx = sorted(random.Random(seed).sample(range(len(pool)), min(n, len(pool))))
    return pool.iloc[idx]


def show(text: str, a, width: int = 600) -> str:
    """The attribution in context: [[attributed span]], {{speaker phrase}}, <<cue>>."""
    marks = [(int(a.quote_start), "[["), (int(a.quote_end), "]]")]
    if int(a.speaker_start) >= 0:
        marks += [(int(a.speaker_start), "{{"), (int(a.speaker_end), "}}")]
    cue_start = int(getattr(a, "cue_start", -1) if getattr(a, "cue_start", None) is not None else -1)
    if cue_start >= 0:
        marks += [(cue_start, "<<"), (int(a.cue_end), ">>")]
    lo = max(0, min(p for p, _ in marks) - 80)
    hi = min(len(text), max(p for p, _ in marks) + 40)
    out, pos = [], lo
    for p, m in sorted(marks, key=lambda x: (x[0], x[1] in ("]]", "}}", ">>"))):
        if lo <= p <= hi:
            out.append(text[pos:p])
            out.append(m)
            pos = p
    out.append(text[pos:hi])
    s = "".join(out).replace("\n", " / ")
    return s if len(s) <= 2 * width else s[:width] + " … " + s[-width:]


def print_figures(fig: dict, docs: int, seconds: float) -> None:
    n = fig["attributions"]
    print(f"documents: {docs:,}   attributions: {n:,}   ({seconds:.0f} s)")
    if not n:
        return
    print(f"no speaker: {fig['no_speaker']:.1%}   (target ≤ 5%)")
    print(f"typed other: {fig['typed_other']:.1%}")
    print(f"relayed (via): {fig['with_via']:.1%}")
    print("source types:", ", ".join(f"{k} {v:.1%}" for k, v in fig["source_types"].items()))
    print("kinds:", ", ".join(f"{k} {v:.1%}" for k, v in fig["kinds"].items()))


def print_sample(sample, texts: dict[str, tuple[str, str]], seed: int) -> None:
    sample = sample.astype({c: object for c in ("speaker", "cue", "via") if c in sample}).fillna(
        {c: "" for c in ("speaker", "cue", "via") if c in sample})
    print(f"\n--- seeded sample of {len(sample)} attributions (seed {seed}) ---")
    print("[[attributed span]]  {{speaker phrase}}  <<cue>>")
    for i, a in enumerate(sample.itertuples(index=False), 1):
        text, title = texts.get(str(a.doc_id), ("", ""))
        if str(getattr(a, "field", "text") or "text") == "title":
            text = title
        via = f" via={a.via!r}" if getattr(a, "via", "") else ""
        print(f"\n#{i} {a.doc_id} ({a.outlet}) {a.kind} | speaker={a.speaker!r} [{a.source_type}]{via} | cue={a.cue!r}")
        print("   ", show(text, a) if text else a.quote_text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--lexicons", default=str(DEFAULT_LEXICON), help="the researcher's framing lexicon")
    ap.add_argument("--limit", type=int, default=None, help="first N documents only")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--sample", type=int, default=50, help="attributions to print for checking by reading")
    ap.add_argument("--seed", type=int, default=2013)
    ap.add_argument("--dev-docs", type=int, default=1500,
                    help="the first N documents were used to develop the rules: the sample skips them")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    result = run_tool(args.corpus, args.lexicons, limit=args.limit, jobs=args.jobs)
    attributions = result.attributions
    cols = list(attributions.columns)
    if "cue_start" not in cols:  # attributions.csv has no cue offsets: show the cue by name only
        attributions = attributions.assign(cue_start=-1, cue_end=-1)
    fig = attribution_figures(attributions)
    print_figures(fig, len(result.documents), time.perf_counter() - t0)
    if args.sample and len(attributions):
        sample = sample_attributions(attributions, result.documents, n=args.sample, seed=args.seed,
                                     dev_docs=args.dev_docs)
        texts = document_texts(args.corpus, set(sample["doc_id"].astype(str)), limit=args.limit)
        print_sample(sample, texts, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
