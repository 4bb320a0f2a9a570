"""Throughput of attribution extraction, and a sample of attributions to check by reading.

Runs :class:`framing.attribution.AttributionExtractor` over a corpus (default: the Egyptian
development corpus), reports MB/s (extraction only; reading the corpus is timed apart),
attributions per document and the mix of kinds and source types, then prints a seeded
random sample of attributions — the sentence with the attributed span in [[ ]] and the
speaker phrase in {{ }} — for a precision estimate by reading.

    python benchmarks/bench_attribution.py [../shared/corpora/egypt-2013/egypt-2013-02.jsonl.xz] \\
        [--limit N] [--sample 50] [--seed 7] [--lexicons DIR] [--outlet-field source]

With ``--baseline FILE`` (a copy of ``framing/attribution.py`` from another commit, e.g.
``git show 50abe04:framing/attribution.py > /tmp/attribution_old.py``) it instead times both
extractors in one process on the same texts — bodies (masked, as the analysis gives them) and titles
apart, each normalized and split into words once, as the analysis does before the extractor runs —
interleaved, ``--repeat`` rounds, and prints per group the medians (s and ms per document), the
speed-up and how many texts give different attributions::

    python benchmarks/bench_attribution.py /tmp/pf/s3k.jsonl --baseline /tmp/attribution_old.py --repeat 7

Last measured (1eaeef1..the commit after 45d3d4e, against 535ff15; CPU, interleaved, a 2-core machine at
load 12-23): titles 3k 0.050 → 0.024 ms/doc (**2.0x**, medians of 5), 10k 0.071 → 0.035 (2.0x, 3 rounds),
first 4,000 of 10k 0.048 → 0.027 (1.8x, 7 rounds); bodies 3k 1.03x-1.08x in six runs of 5 rounds, but
first 4,000 of 10k 0.654 → 0.665 ms/doc (0.98x, 7 rounds): no speed-up of the body beyond the noise;
no text of either slice gives different attributions. In the analysis (``benchmarks/bench_analysis.py``,
3k slice, a fresh run context per step, 535ff15 against 535ff15 with this module at 45d3d4e, 3
interleaved runs, medians): attribution 0.668 → 0.594 ms/doc, title 0.286 → 0.167, the whole
``analyze_document`` 2.571 → 2.473. What changed: a quick reject before preparing a text (no verb form,
no ``المصدر`` line, no sourcing word followed by what its cue needs, no quotation of six words or more:
nothing can be found — 2,667 of the 3k slice's 2,995 titles, 379 of its 3,000 bodies); a phrase's
source looked up once; constant unions and colon positions computed once; fewer scans in
``_prepare``. (Asking ``Matcher.might_match`` of each phrase before the sources pass saved 358 of 2,475
passes but cost more than it saved: 0.95x, taken out.) Where the body's time goes now: the sources
matcher pass ≈ 28 % (its ``Hit`` objects and sentence spans ≈ 40 % of that, unused here: a token-level
matcher call would save them), preparation ≈ 25 % (sentence spans, quotes, offsets), the
rest spread over ``_verb``/``_speaker``/``_np``/``_phrase_name``.

Earlier (commit 8cca417, 3,000-article slice of the Egyptian February corpus, 6,000 texts, a
loaded 2-core machine, CPU time, medians of 7): 50abe04 1.98 s, now 1.48 s — **1.34x** (target 1.5x
not met); 548 texts give different attributions, by the rules of the accuracy work (with the rules
alone off, the same output except one text whose ligature had shifted every word offset). Where the
time went: verbs are one dict lookup per word instead of a matcher pass, named sources are matched
per sentence only where a speaker phrase is looked up (about half of the text), one tokenization;
under cProfile ``_prepare`` fell from 10.2 s to 3.9 s, but part of its cost moved into the lookups.

Then (commits 0fe804b..86ba974 against 41f48ee; texts split as the analysis splits them; CPU, medians
of 3 processes × 3 rounds, interleaved, a loaded 2-core machine): 3k slice 2.05 → 1.90 s (**1.08x**),
10k slice 6.94 → 6.50 s (**1.07x**); identical attributions. A sentence's named sources come from one
matcher pass over the whole text, sliced (per-sentence passes cost more in set-up than in matching:
8,275 → 2,704 matcher calls per 3k documents); clause ends are looked for at the sorted positions of
the cue words. What is left is spread out: the sources matcher's hits (≈ 22 %), preparation (sentences,
quotes, offsets ≈ 30 %), the rules of ``_verb``/``_speaker``/``_np``; no single hot spot remains.

After the clause-structure rules (a82ad58..2fe11fd against c72d3c5; 3k slice, CPU, medians of 5, interleaved, a
loaded 2-core machine): 2.045 → 2.064 s (0.99x; 1.01x and 0.95x in two earlier rounds of the same code), within the
1.1x budget; 97 of 6,000 texts give different attributions (the new rules). The checks that run for every word of a
subject phrase test the word's shape first (plain string tests) and the head-noun sets only then: with the set unions
built per call, the first version was 0.86x.
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

from framing.attribution import AttributionExtractor  # noqa: E402
from framing.corpus import load_corpus  # noqa: E402
from framing.lexicon import load_lexicons  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpora" / "egypt-2013" / "egypt-2013-02.jsonl.xz"


def show(text: str, a, width: int = 260) -> str:
    """The attribution in context: [[attributed span]], {{speaker phrase}}, <<cue>>."""
    marks = [(a.quote_start, "[["), (a.quote_end, "]]")]
    if a.speaker_start >= 0:
        marks += [(a.speaker_start, "{{"), (a.speaker_end, "}}")]
    if a.cue_start >= 0:
        marks += [(a.cue_start, "<<"), (a.cue_end, ">>")]
    lo = max(0, min(p for p, _ in marks) - 60)
    hi = min(len(text), max(p for p, _ in marks) + 40)
    out, pos = [], lo
    for p, m in sorted(marks, key=lambda x: (x[0], x[1] in ("]]", "}}", ">>"))):
        if lo <= p <= hi:
            out.append(text[pos:p])
            out.append(m)
            pos = p
    out.append(text[pos:hi])
    s = "".join(out).replace("\n", " / ")
    if len(s) > 2 * width:
        s = s[:width] + " … " + s[-width:]
    return s


def ab_main(args) -> int:
    """Time the extractor of ``args.baseline`` against the current one, interleaved, in one process."""
    import importlib.util
    import statistics

    from framing.normalize import normalize_with_offsets

    spec = importlib.util.spec_from_file_location("attribution_baseline", args.baseline)
    base = importlib.util.module_from_spec(spec)
    sys.modules["attribution_baseline"] = base  # dataclasses look their module up
    spec.loader.exec_module(base)
    # the Arabic lexicons, as the pipeline gives the extractor (English ones go to framing.attribution_en)
    verbs = [lx for lx in load_lexicons(args.lexicons, kind="reporting_verbs") if lx.language != "en"]
    sources = [lx for lx in load_lexicons(args.lexicons, kind="sources") if lx.language != "en"]
    old, new = base.AttributionExtractor(verbs=verbs, sources=sources), AttributionExtractor(verbs=verbs, sources=sources)
    corpus = load_corpus(args.corpus, outlet_field=args.outlet_field, date_field=args.date_field,
                         boilerplate=False, repeated_lines=False)
    groups: dict[str, list] = {"body": [], "title": []}  # as the analysis gives them: masked body, title
    n_docs = 0
    for n, doc in enumerate(corpus.iter_documents()):
        if args.limit is not None and n >= args.limit:
            break
        n_docs += 1
        for name, text in (("body", doc.masked_text), ("title", doc.title or "")):
            if text.strip():
                norm = normalize_with_offsets(text)
                norm.pieces()  # split by the analysis (tokens) and the matcher before the extractor runs
                groups[name].append((doc.doc_id, text, norm))
    times: dict[tuple[str, str], list[float]] = {}
    for group, items in groups.items():
        olds = [old.extract(t, doc_id=i, normalized=m) for i, t, m in items]
        news = [new.extract(t, doc_id=i, normalized=m) for i, t, m in items]
        differ = sum(a != b for a, b in zip(olds, news, strict=True))
        print(f"{group}: {len(items):,} texts, {sum(map(len, news)):,} attributions; "
              f"{differ:,} texts give different attributions")
    for r in range(args.repeat):
        order = [("baseline", old), ("current", new)]
        for name, ex in (order if r % 2 == 0 else order[::-1]):
            for group, items in groups.items():
                t0 = time.process_time()
                for i, t, m in items:
                    ex.extract(t, doc_id=i, normalized=m)
                times.setdefault((name, group), []).append(time.process_time() - t0)
    for group in groups:
        a, b = statistics.median(times["baseline", group]), statistics.median(times["current", group])
        print(f"{group}: baseline {a:.3f} s ({a / n_docs * 1000:.3f} ms/doc), current {b:.3f} s "
              f"({b / n_docs * 1000:.3f} ms/doc) (CPU, medians of {args.repeat}): {a / b:.2f}x")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT))
    ap.add_argument("--limit", type=int, default=None, help="first N documents only")
    ap.add_argument("--sample", type=int, default=50, help="attributions to print for checking")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--lexicons", default=None, help="lexicon folder (default: the project's lexicons/)")
    ap.add_argument("--outlet-field", default="source")
    ap.add_argument("--date-field", default="crawl_time")
    ap.add_argument("--baseline", default=None, help="a copy of attribution.py to time against (A/B)")
    ap.add_argument("--repeat", type=int, default=5, help="--baseline: interleaved rounds")
    args = ap.parse_args(argv)
    if args.baseline:
        return ab_main(args)

    verbs = [lx for lx in load_lexicons(args.lexicons, kind="reporting_verbs") if lx.language != "en"]
    sources = [lx for lx in load_lexicons(args.lexicons, kind="sources") if lx.language != "en"]
    print(f"lexicons: {[lx.name for lx in verbs]} ({sum(map(len, verbs))} verb forms), "
          f"{[lx.name for lx in sources]} ({sum(map(len, sources))} sources)")
    t0 = time.perf_counter()
    ex = AttributionExtractor(verbs=verbs, sources=sources)
    t_init = time.perf_counter() - t0

    corpus = load_corpus(args.corpus, outlet_field=args.outlet_field, date_field=args.date_field,
                         boilerplate=False, repeated_lines=False)
    rng = random.Random(args.seed)
    reservoir: list[tuple[str, str, object]] = []  # (doc_id, outlet, attribution)
    seen = 0
    n_docs = n_bytes = n_chars = 0
    kinds: Counter = Counter()
    types: Counter = Counter()
    stances: Counter = Counter()
    with_attr = 0
    t_extract = 0.0
    texts: dict[str, str] = {}
    t_start = time.perf_counter()
    for doc in corpus.iter_documents():
        if args.limit is not None and n_docs >= args.limit:
            break
        text = doc.text
        t = time.perf_counter()
        attrs = ex.extract(text, doc_id=doc.doc_id)
        t_extract += time.perf_counter() - t
        n_docs += 1
        n_bytes += len(text.encode("utf-8"))
        n_chars += len(text)
        with_attr += bool(attrs)
        for a in attrs:
            kinds[a.kind] += 1
            types[a.source_type] += 1
            stances[a.cue_stance or "-"] += 1
            seen += 1
            if len(reservoir) < args.sample:
                reservoir.append((doc.doc_id, doc.outlet, a))
                texts[doc.doc_id] = text
            else:
                j = rng.randrange(seen)
                if j < args.sample:
                    old = reservoir[j][0]
                    reservoir[j] = (doc.doc_id, doc.outlet, a)
                    texts[doc.doc_id] = text
                    if all(r[0] != old for r in reservoir):
                        texts.pop(old, None)
    t_total = time.perf_counter() - t_start
    total = sum(kinds.values())
    print(f"documents: {n_docs:,}  ({n_bytes / 1e6:.1f} MB UTF-8, {n_chars:,} chars)")
    print(f"extractor init: {t_init * 1000:.0f} ms")
    print(f"extraction: {t_extract:.1f} s  → {n_bytes / 1e6 / t_extract:.2f} MB/s, "
          f"{n_docs / t_extract:,.0f} docs/s   (reading + extraction: {t_total:.1f} s)")
    print(f"attributions: {total:,}  ({total / max(n_docs, 1):.2f} per document; "
          f"{with_attr / max(n_docs, 1):.1%} of documents have one)")
    print("kinds:", ", ".join(f"{k} {v / total:.1%}" for k, v in kinds.most_common()) if total else "-")
    print("source types:", ", ".join(f"{k} {v / total:.1%}" for k, v in types.most_common()) if total else "-")
    print("cue stance:", ", ".join(f"{k} {v / total:.1%}" for k, v in stances.most_common()) if total else "-")
    print(f"\n--- random sample of {len(reservoir)} attributions (seed {args.seed}) ---")
    print("[[attributed span]]  {{speaker phrase}}  <<cue>>")
    for n, (doc_id, outlet, a) in enumerate(sorted(reservoir, key=lambda r: (r[0], r[2].attribution_id)), 1):
        print(f"\n#{n} {doc_id} ({outlet}) {a.kind} | speaker={a.speaker!r} [{a.source_type}] | cue={a.cue!r} "
              f"{a.cue_stance}")
        print("   ", show(texts[doc_id], a))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
