"""Benchmark and spot-check the event grouping on the Egyptian February 2013 corpus.

Prints the time of reading + per-document features (done by the map in ``framing compare``)
and of the grouping itself (the event stage: wall and CPU, with the load average), peak
memory (RSS high-water mark), the number of events and of
multi-outlet events, 20 sampled multi-outlet events (seeded) with each outlet's titles
for a by-eye coherence check, and the event(s) about the police beating of Hamada Saber
near the Ittihadiya palace (early February 2013).

    python benchmarks/bench_events.py [CORPUS] [--threshold 0.3] [--window-days 2] [--limit N]
        [--sample 20] [--seed 7] [--out assignments.csv] [--save-table PKL | --table PKL]

Measured on the full month (85,676 documents, features precomputed, 2 cores, load
average about 2): the grouping takes 16 s wall, 21 s CPU (was 32 s wall, 29 s CPU), with
byte-identical assignments and events.

Windowed grouping (rows weighted a date-ordered batch at a time, linkage over the components
of the strong pairs), grouping alone on a pickled feature table, load average 12-16 (so CPU,
not wall, is the measure): the month 23.5 → 22.1 s CPU (median of 5 and 4, interleaved),
grouping's own peak RSS about 670 → 390-480 MB; byte-identical events and assignments on the
10k and 20k slices, the month and ``--replicate 12`` of the 20k slice. Scaling, 20k slice
→ ``--replicate 12 --clamp-dates`` (240k): 5.1 → 56-71 s CPU (11-14×: linear; it was 5.6 → 73
s before). Without ``--clamp-dates`` (as ``bench_pipeline.py --million`` builds its corpus:
29-31 January becomes an invalid 29-31 February, 31 January 31 April, ...) 4,400 of the 240k
documents are undated and each is compared with every document: 152-211 s CPU (quadratic by
design; peak RSS 3,361 → 1,408 MB with undated rows multiplied in blocks sized to the corpus).

Per-document features (``EventFeaturizer.features``, called by the map with the analysis's
normalization and tokens): on the 10,709-article slice 5.46 s → 3.92 s CPU (median of 3,
interleaved, in the real map), 0.90 s → 0.54 s on 3,000 articles in isolation; the same
features bit for bit.

Grouping alone on the month's feature table as ``framing compare`` keeps it (captured from the
run, default lexicons), before/after interleaved, medians of 3, load average 9-12 (so CPU is the
measure; wall at that load 93 -> 66 s): 25.0 -> 17.2 s CPU (0.69x), byte-identical events and
assignments on the seeds, the 3k and 10k slices and the month. Of it: the window pairs 12.8 ->
6.9 s CPU (a numba kernel summing each later pair of a row's window in scipy's order: the same
floats bit for bit; numba's disk cache makes it 0.4 s to load after the first compilation), the
result tables 6.6 -> 4.8 s (titles normalized all at once for the labels).

The grouping alone, again and again on the same features: ``--save-table PKL`` pickles the
feature table (with its featurizer and the grouper's parameters) before grouping, ``--table PKL``
groups such a pickle without reading the corpus.

At 24b588c (rows' columns numbered once for the corpus, not per window; title codes without a
tuple per title), the month's feature table, before/after interleaved at load average 12-16 (so
only CPU is a measure, and a noisy one): grouping 25.95 -> 24.64 s CPU (window pairs 15.26 ->
15.12, result tables 6.75 -> 5.86, linkage 2.22 -> 2.00); ``_TitleCodes`` alone 3.26-3.55 ->
2.76-3.05 s; the window pairs (rows, cols, sims) and the linkage labels bit for bit the same on
the 20k slice and the month, events and assignments byte-identical.

After 8a9558f (title codes from one normalization per chunk of titles, each distinct spelling
looked up once; window pairs 500 rows per product), the month's feature table, grouping alone with
MALLOC_ARENA_MAX=1 (as the pipeline sets it), old/new interleaved, medians of 3, load 2.9-3.5:
17.55 -> 15.60 s CPU, peak RSS 600-613 -> 605-613 MB; the 20k slice 2.28 -> 2.17 s (load 3.5;
2.05 -> 1.88 at load 1.4 before the product size); events and assignments byte-identical. The
per-document features (lead words cut from the analysis's word split, unseen words found from its
word set): 0.234 -> 0.205 ms/doc CPU over 10,000 documents of a fresh featurizer.

CORPUS defaults to ../shared/corpora/egypt-2013/egypt-2013-02.jsonl.xz next to the repo.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import resource
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from framing.events import EventFeatureTable, EventGrouper  # noqa: E402
from framing.normalize import normalize_ar  # noqa: E402
from framing.records import Document  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpora" / "egypt-2013" / "egypt-2013-02.jsonl.xz"
STOPWORDS_FALLBACK = ROOT.parent / "shared" / "lexicon-resources" / "arabic-stop-words" / "list.txt"


def iter_docs(path: Path, limit: int | None, loader: str):
    """Documents of the corpus: through framing.corpus when it is there, else read directly."""
    if loader == "framing":
        try:
            from framing.corpus import load_corpus
        except ImportError:
            loader = "raw"
        else:
            corpus = load_corpus(path, outlet_field="source", date_field="crawl_time")
            yield from islice(corpus.iter_documents(), limit)
            return
    opener = lzma.open if str(path).endswith(".xz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in islice(fh, limit):
            r = json.loads(line)
            yield Document(doc_id=r["id"], text=r["text"], outlet=r["source"], date=r["crawl_time"],
                           title=r.get("title"))


def shift_months(day: str | None, k: int, *, clamp: bool) -> str | None:
    """``day`` (``YYYY-MM-DD…``) ``k`` whole months later; ``clamp``: a day the month lacks
    (31 April) becomes its last day, else it is kept as written (an invalid date: undated)."""
    if not day:
        return day
    month = int(day[5:7]) - 1 + k
    y, m = int(day[:4]) + month // 12, month % 12 + 1
    if clamp and len(day) >= 10 and day[8:10].isdigit():
        import calendar

        return f"{y:04d}-{m:02d}-{min(int(day[8:10]), calendar.monthrange(y, m)[1]):02d}{day[10:]}"
    return f"{y:04d}-{m:02d}{day[7:]}"


def replicate(table: EventFeatureTable, k: int, *, clamp: bool) -> EventFeatureTable:
    """The table ``k`` times: copy ``r`` with ids ``<id>~r`` and dates ``r`` months later (the
    way ``bench_pipeline.py --million`` builds its corpus, without reading the text again)."""
    import numpy as np

    from framing.events import EventFeatures

    meta = table.meta
    idx = {name: (np.frombuffer(table._idx[name], np.int32), np.frombuffer(table._off[name], np.int64))
           for name in ("title", "lead")}
    sigs = np.frombuffer(bytes(table._sig), np.uint32).reshape(len(table), -1)
    out = EventFeatureTable()
    for r in range(k):
        for i in range(len(table)):
            (ti, to), (li, lo) = idx["title"], idx["lead"]
            out.add(EventFeatures(meta.doc_ids[i] + (f"~{r}" if r else ""), meta.outlets[i],
                                  shift_months(meta.dates[i], r, clamp=clamp), meta.events[i], meta.titles[i],
                                  ti[to[i]:to[i + 1]], li[lo[i]:lo[i + 1]], sigs[i], table.shingles[i],
                                  table.exact[i]))
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT))
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--window-days", type=int, default=2)
    ap.add_argument("--lead-chars", type=int, default=None)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--loader", choices=["framing", "raw"], default="framing",
                    help="read through framing.corpus (boilerplate masking; default) or the JSONL directly")
    ap.add_argument("--out", help="write the assignments (doc_id, outlet, date, title, event_id, ...) here")
    ap.add_argument("--events-out", help="write the events table here")
    ap.add_argument("--replicate", type=int, default=1, metavar="K",
                    help="group K copies of the corpus (new ids, dates K months apart): the scaling of the grouping")
    ap.add_argument("--clamp-dates", action="store_true",
                    help="with --replicate: 31 April becomes 30 April (by default such dates stay invalid: undated)")
    ap.add_argument("--save-table", metavar="PKL",
                    help="pickle (feature table, featurizer, grouper parameters) here before grouping")
    ap.add_argument("--table", metavar="PKL",
                    help="group a table pickled by --save-table (CORPUS is not read): the grouping alone")
    args = ap.parse_args(argv)

    params = {"window_days": args.window_days}
    if args.threshold is not None:
        params["threshold"] = args.threshold
    if args.lead_chars is not None:
        params["lead_chars"] = args.lead_chars
    lex_stop = ROOT / "lexicons" / "stopwords-ar.txt"
    if not lex_stop.exists() and STOPWORDS_FALLBACK.exists():
        params["stopwords"] = str(STOPWORDS_FALLBACK)

    t0, c0 = time.time(), time.process_time()
    if args.table:
        import pickle

        with open(args.table, "rb") as fh:
            table, featurizer, saved = pickle.load(fh)
        grouper = EventGrouper(**{k: (tuple(v) if k == "place_cues" else v) for k, v in saved.items()})
    else:
        grouper = EventGrouper(**params)
        featurizer = grouper.featurizer()
        table = EventFeatureTable(featurizer.features(d)
                                  for d in iter_docs(Path(args.corpus), args.limit, args.loader))
    if args.replicate > 1:
        table = replicate(table, args.replicate, clamp=args.clamp_dates)
    if args.save_table:
        import pickle

        with open(args.save_table, "wb") as fh:
            pickle.dump((table, featurizer, grouper.get_params()), fh, protocol=5)
    rss_before = peak_rss_mb()
    t1, c1 = time.time(), time.process_time()
    grouper.fit_features(table, featurizer=featurizer)  # the event stage of `framing compare`
    wall, cpu = time.time() - t1, time.process_time() - c1
    res = grouper.result
    a, ev = res.assignments, res.events
    multi = res.multi_outlet()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"documents: {len(a)}  read + features: {t1 - t0:.1f} s ({c1 - c0:.1f} s CPU)  grouping: {wall:.1f} s "
          f"({cpu:.1f} s CPU; load average {load})  peak RSS: {peak_rss_mb():.0f} MB "
          f"({rss_before:.0f} MB before grouping)")
    print(f"events: {len(ev)}  multi-outlet events: {len(multi)}  "
          f"documents in multi-outlet events: {int(multi['n_docs'].sum())}  "
          f"copies flagged: {int((~a['independent']).sum())}  "
          f"pairs above floor: {res.info['pairs_compared_above_floor']}")
    sizes = ev["n_docs"]
    print(f"event sizes: singletons {int((sizes == 1).sum())}, 2-5 {int(((sizes >= 2) & (sizes <= 5)).sum())}, "
          f"6-20 {int(((sizes > 5) & (sizes <= 20)).sum())}, >20 {int((sizes > 20).sum())}, "
          f"largest {int(sizes.max())}")
    print("params:", json.dumps({k: v for k, v in res.info["params"].items() if k not in ("place_cues",)},
                                ensure_ascii=False, default=str))
    if args.out:
        a.to_csv(args.out, index=False)
    if args.events_out:
        ev.to_csv(args.events_out, index=False)

    def show(event_id: str, max_titles: int = 4) -> None:
        row = ev[ev["event_id"] == event_id].iloc[0]
        print(f"\n== {event_id}  {row['label']}  docs={row['n_docs']} independent={row['n_independent']} "
              f"outlets={row['n_outlets']}")
        docs = a[a["event_id"] == event_id]
        for outlet, g in docs.groupby("outlet"):
            for r in g.head(max_titles).itertuples():
                flag = f"  [copy of {r.duplicate_of} {r.duplicate_similarity:.2f}]" if not r.independent else ""
                print(f"   {outlet:22s} {r.date}  {str(r.title)[:110]}{flag}")
            if len(g) > max_titles:
                print(f"   {outlet:22s} … {len(g) - max_titles} more")

    sample = multi.sample(n=min(args.sample, len(multi)), random_state=args.seed).sort_values("event_id")
    print(f"\n##### {len(sample)} sampled multi-outlet events (seed {args.seed})")
    for eid in sample["event_id"]:
        show(eid)

    key = [normalize_ar(w) for w in ("حمادة صابر", "حماده صابر")]
    titles = a["title"].fillna("").map(normalize_ar)
    hit = a[titles.map(lambda t: any(k in t for k in key))]
    counts = hit["event_id"].value_counts()
    print(f"\n##### Hamada Saber: {len(hit)} documents with «حمادة صابر» in the title, in {len(counts)} events")
    for eid, c in counts.head(8).items():
        print(f"\n-- {c} of them in {eid}")
        show(eid, max_titles=3)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
