"""Throughput of loading, normalizing and lexicon matching, against a naive baseline.

The naive baseline is what one writes first with camel-tools: ``normalize_unicode`` →
``dediac_ar`` → ``normalize_alef_ar`` → ``normalize_alef_maksura_ar`` →
``normalize_teh_marbuta_ar``, ``simple_word_tokenize``, then a dictionary lookup of
every token and every 2- and 3-token window against all surface forms of the lexicon
terms (the same forms our matcher accepts, so both find the same things). Both are
measured in the same run on the same texts; the report gives MB/s and the ratio.

    python benchmarks/bench_matching.py ../shared/corpora/egypt-2013/egypt-2013-02.jsonl.xz \\
        --outlet-field source --date-field crawl_time [--limit 20000] [--lexicons lexicons]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from framing.corpus import load_corpus  # noqa: E402
from framing.lexicon import Matcher, load_lexicons, surface_forms  # noqa: E402
from framing.normalize import normalize_ar  # noqa: E402


def naive_index(lexicons):
    index = {}
    for lex in lexicons:
        for e in lex.entries:
            forms = surface_forms(e.words, e.match)
            # expand to full surface strings (small lexicons: cartesian product is fine)
            combos = [""]
            for k, fs in enumerate(forms):
                combos = [(c + " " + f) if k else f for c in combos for f in fs]
            for c in combos:
                index.setdefault(c, []).append(e)
    return index


def naive_match(text, index):
    from camel_tools.tokenizers.word import simple_word_tokenize
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
        normalize_unicode,
    )

    norm = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(normalize_unicode(text)))))
    toks = simple_word_tokenize(norm)
    found = 0
    for i in range(len(toks)):
        for n in (1, 2, 3):
            if i + n <= len(toks) and " ".join(toks[i:i + n]) in index:
                found += 1
    return found


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared/corpora/egypt-2013/egypt-2013-02.jsonl.xz"))
    ap.add_argument("--outlet-field", default="source")
    ap.add_argument("--date-field", default="crawl_time")
    ap.add_argument("--lexicons", action="append", default=None)
    ap.add_argument("--limit", type=int, default=None, help="documents to use (default: all)")
    ap.add_argument("--baseline-limit", type=int, default=5000,
                    help="documents for the (slow) naive baseline; MB/s are compared")
    args = ap.parse_args(argv)

    corpus = load_corpus(args.corpus, outlet_field=args.outlet_field, date_field=args.date_field)
    tracemalloc.start()
    t0 = time.perf_counter()
    texts = []
    for i, doc in enumerate(corpus.iter_documents()):
        if args.limit is not None and i >= args.limit:
            break
        texts.append(doc.masked_text)
    t_load = time.perf_counter() - t0
    _, peak_load = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"corpus: {args.corpus}\ndocuments: {len(texts)}  text: {mb:.1f} MB")
    print(f"load (decompress, decode, boilerplate): {t_load:.1f} s  {mb / t_load:.2f} MB/s  "
          f"(peak traced memory {peak_load / 1e6:.0f} MB while collecting texts for the benchmark)")

    t0 = time.perf_counter()
    for t in texts:
        normalize_ar(t)
    t_norm = time.perf_counter() - t0
    print(f"normalize: {t_norm:.1f} s  {mb / t_norm:.1f} MB/s")

    lexicons = load_lexicons(args.lexicons, kind="framing")
    matcher = Matcher(lexicons)
    t0 = time.perf_counter()
    n_hits = 0
    for t in texts:
        n_hits += len(matcher.find(t))
    t_match = time.perf_counter() - t0
    print(f"framing normalize+match ({len(matcher)} entries): {t_match:.1f} s  {mb / t_match:.2f} MB/s  "
          f"{n_hits} hits")

    # naive vs ours on the same documents, interleaved in batches and timed in CPU seconds
    # of this process, so that other load on the machine affects both alike
    base = texts[: args.baseline_limit]
    base_mb = sum(len(t.encode("utf-8")) for t in base) / 1e6
    index = naive_index(lexicons)
    t_naive = t_ours = 0.0
    n_naive = n_ours = 0
    for b in range(0, len(base), 250):
        batch = base[b:b + 250]
        t0 = time.process_time()
        n_naive += sum(naive_match(t, index) for t in batch)
        t_naive += time.process_time() - t0
        t0 = time.process_time()
        n_ours += sum(len(matcher.find(t)) for t in batch)
        t_ours += time.process_time() - t0
    print(f"naive camel-tools baseline on {len(base)} docs ({base_mb:.1f} MB): {t_naive:.1f} s CPU  "
          f"{base_mb / t_naive:.2f} MB/s  ({n_naive} lookups hit; ours {n_ours} hits after longest-match)")
    print(f"same docs, framing matcher (normalize with offsets, clitics, longest match, sentences): "
          f"{t_ours:.2f} s CPU  {base_mb / t_ours:.2f} MB/s")
    print(f"RATIO matching vs naive baseline: {t_naive / t_ours:.1f}x")


if __name__ == "__main__":
    main()
