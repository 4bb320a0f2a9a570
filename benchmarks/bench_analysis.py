"""CPU of the per-document analysis, step by step, in this process (what one worker of the map does).

Reads the corpus once (the main process's share: decoding, cleaning, boilerplate), then times
on the same documents, as CPU seconds (``time.process_time``, so a busy machine inflates them
less than wall time): normalization with offsets, tokens, lexicon matching, attribution, event
features, the title, the whole :func:`~framing.analysis.analyze_document` with a fresh run
context (cold caches, as a new worker), and the packing of the rows for the writers. Each step
is run ``--repeat`` times and the median is reported, with ms per document.

    python benchmarks/bench_analysis.py /tmp/lead_s10k.jsonl --outlet-field source --date-field crawl_time \\
        [--lexicons docs/examples/egypt-2013.yaml] [--limit 3000] [--repeat 3] [--warm]

``--warm`` times each step on a context that has seen the documents once (a worker well into a
run, where the matcher's and the term map's caches hold most tokens) instead of a fresh one.

Compare two trees by running each tree's copy of this file in turn (interleaved runs: the machine is noisy).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--outlet-field", default="outlet")
    ap.add_argument("--date-field", default="date")
    ap.add_argument("--lexicons", action="append", default=None, help="default: the bundled lexicons")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--warm", action="store_true",
                    help="time each step with the caches warm (one untimed pass first, one context for all "
                         "passes: a worker well into a run) instead of a fresh context per pass")
    a = ap.parse_args(argv)

    from framing import analysis, normalize, packing
    from framing.output import table_formats
    from framing.pipeline import CompareOptions, StageClock, _load_lexicons, _open_corpus, _run_spec

    opts = CompareOptions(corpus=a.corpus, outlet_field=a.outlet_field, date_field=a.date_field,
                          lexicons=a.lexicons, topics=False)
    clock = StageClock(None)
    setup = _load_lexicons(opts, clock, lambda message: None)
    corpus = _open_corpus(opts, clock)
    t = time.process_time()
    docs = []
    for doc in corpus.iter_documents():
        docs.append(doc)
        if a.limit is not None and len(docs) >= a.limit:
            break
    read = time.process_time() - t
    spec = _run_spec(opts, setup.used, setup.stopwords)
    texts = [d.masked_text for d in docs]
    formats = {name: table_formats("both") for name in ("hits", "attributions", "excluded")}

    def fresh():
        analysis._CONTEXT.clear()
        return analysis.context_for(spec)

    ctx = fresh()
    norms = [normalize.normalize_with_offsets(x) for x in texts]
    tokens = [n.pieces()[1::2] for n in norms]
    results = [analysis.analyze_safely(d, ctx) for d in docs]
    steps = {
        "normalize": lambda c: [normalize.normalize_with_offsets(x) for x in texts],
        "tokens": lambda c: [normalize.WORD_RE.findall(n.text) for n in norms],
        "match": lambda c: [c.matcher.find(x, normalized=n) for x, n in zip(texts, norms, strict=True)],
        "attribution": lambda c: c.extractor and [c.extractor.extract(x, normalized=n)
                                                  for x, n in zip(texts, norms, strict=True)],
        "events": lambda c: c.featurizer and [c.featurizer.features(d, masked=x, normalized=n, tokens=tk)
                                              for d, x, n, tk in zip(docs, texts, norms, tokens, strict=True)],
        "title": lambda c: [analysis._analyze_title(d, c, 0) for d in docs],
        "analyze_document": lambda c: [analysis.analyze_safely(d, c) for d in docs],
        "pack_results": lambda c: [packing.pack_results(results[i:i + 64], formats)
                                   for i in range(0, len(results), 64)],
    }
    out = {"read_corpus": read}
    for name, step in steps.items():
        times = []
        if a.warm:
            c = fresh()
            step(c)
        for _ in range(a.repeat):
            if not a.warm:
                c = fresh()  # cold caches each time, as a worker starting
            t = time.process_time()
            step(c)
            times.append(time.process_time() - t)
        out[name] = statistics.median(times)
    n = max(len(docs), 1)
    caches = "warm caches" if a.warm else "a fresh context each pass"
    print(f"{len(docs)} documents, CPU seconds (median of {a.repeat}, {caches}; read once)")
    for name, sec in out.items():
        print(f"  {name:18s} {sec:8.3f} s  {1000 * sec / n:7.3f} ms/doc")
    return out


if __name__ == "__main__":
    main()
