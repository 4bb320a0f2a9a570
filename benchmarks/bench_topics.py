"""Benchmark the topic stage on the Egyptian February 2013 corpus (85,676 articles).

Runs what ``framing topics`` runs — paragraph units, BERTopic fitted on a seeded sample
(UMAP on an exact cosine kNN graph + HDBSCAN at this size), every unit assigned in
batches, topic mix per document and per outlet — and prints the wall and CPU time of
each step and the load average (the machine may be shared), the peak memory (RSS
high-water mark), the clustering used and why, and the 10 largest topics of the
corpus (by share of all text) with their top words, then each outlet's 3 largest topics.
With ``--repeat`` it fits a second time and checks that ``topics.csv`` is identical.

    python benchmarks/bench_topics.py [CORPUS] [--limit N] [--max-fit-units 30000] [--seed 42]
        [--repeat] [--charts DIR] [--save-model DIR] [--stop-words FILE]

Measured on the full month (322,740 units of 85,606 documents, 30,000 fitted; 2 cores,
load average 1.4-2.1; ``fit_corpus_topics`` on the units the map cut): 57 s wall, 64 s
CPU, peak RSS 1.39 GB with UMAP on the exact cosine kNN graph — was 78 s wall, 74 s CPU,
1.62 GB with UMAP's NN-descent (on a machine at load 9-11 the same runs took 816 vs 919 s
wall for 91 vs 104 s CPU). 76 topics either way; 74 of the 76 share at least half their
top words with a topic of the other run. Two fits give identical ``topics.csv`` and
``topic_mix.csv``.

CORPUS defaults to ../shared/corpora/egypt-2013/egypt-2013-02.jsonl.xz next to the repo.
The stop words default to lexicons/stopwords-ar.txt, else the shared Arabic stop-word list.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from framing.corpus import load_corpus  # noqa: E402
from framing.topics import TopicModel, outlet_topic_mix, split_units, topic_mix  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpora" / "egypt-2013" / "egypt-2013-02.jsonl.xz"
STOPWORDS_FALLBACK = ROOT.parent / "shared" / "lexicon-resources" / "arabic-stop-words" / "list.txt"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT))
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents")
    ap.add_argument("--max-fit-units", type=int, default=30000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--stop-words", default=None)
    ap.add_argument("--repeat", action="store_true", help="fit twice and compare topics.csv")
    ap.add_argument("--charts", default=None, help="write topic_mix.png and topic_heatmap.png here")
    ap.add_argument("--save-model", default=None)
    ap.add_argument("--progress", action="store_true")
    args = ap.parse_args()

    stop_words = args.stop_words
    if stop_words is None and not (ROOT / "lexicons" / "stopwords-ar.txt").is_file():
        stop_words = str(STOPWORDS_FALLBACK)
    t_all = time.perf_counter()

    t = time.perf_counter()
    corpus = load_corpus(args.corpus, outlet_field="source", date_field="crawl_time")
    units = split_units(islice(corpus.iter_documents(), args.limit))
    t_units = time.perf_counter() - t
    print(f"units: {len(units):,} paragraphs of {units['doc_id'].nunique():,} documents "
          f"in {t_units:.1f} s (load + split)")

    params = dict(seed=args.seed, max_fit_units=args.max_fit_units, stop_words=stop_words, progress=args.progress)
    t, c = time.perf_counter(), time.process_time()
    model = TopicModel(**params).fit(units)
    t_fit = time.perf_counter() - t
    print(f"fit: {t_fit:.1f} s ({time.process_time() - c:.1f} s CPU) on {model.n_fit_units_:,} units — "
          f"{model.clustering_used_}: {model.clustering_reason_}")

    t, c = time.perf_counter(), time.process_time()
    assigned = model.transform(units)
    mix = topic_mix(model, units, assigned)
    outlets = outlet_topic_mix(mix)
    t_assign = time.perf_counter() - t
    print(f"assign + mix: {t_assign:.1f} s ({time.process_time() - c:.1f} s CPU) for {len(units):,} units")
    total = time.perf_counter() - t_all
    n_topics = int((model.topics_["topic"] != -1).sum())
    outliers = (assigned == -1).mean()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nTOTAL {total:.1f} s ({time.process_time():.1f} s CPU; load average {load} on {os.cpu_count()} cores), "
          f"peak RSS {peak_mb():,.0f} MB; {n_topics} topics; "
          f"{outliers:.2%} of units outliers (fit sample: "
          f"{model.topics_.set_index('topic')['size'].get(-1, 0) / model.n_fit_units_:.1%})")

    share = mix.groupby("topic")["chars"].sum() / mix["chars"].sum()
    table = model.topics_.set_index("topic").join(share.rename("share"))
    table = table[table.index != -1].sort_values("share", ascending=False)
    print("\nTop 10 topics (share of all text; fit-sample units):")
    for topic, r in table.head(10).iterrows():
        print(f"  T{topic:<3} {r['share']:6.1%} {r['size']:6,d}  {r['label']}\n         {r['top_words']}")

    print("\nEach outlet's 3 largest topics:")
    for outlet, sub in outlets[outlets["topic"] != -1].groupby("outlet"):
        top = sub.nlargest(3, "share")
        print(f"  {outlet:22s} " + " | ".join(f"T{t} {s:.0%} {lab}" for t, s, lab in
                                                zip(top["topic"], top["share"], top["label"], strict=True)))

    if args.charts:
        from framing.charts import plot_topic_heatmap, plot_topic_mix

        out = Path(args.charts)
        out.mkdir(parents=True, exist_ok=True)
        plot_topic_mix(outlets).savefig(out / "topic_mix.png", dpi=110, bbox_inches="tight")
        plot_topic_heatmap(outlets).savefig(out / "topic_heatmap.png", dpi=110, bbox_inches="tight")
        print(f"\ncharts in {out}/")
    if args.save_model:
        t = time.perf_counter()
        model.save(args.save_model)
        print(f"model saved to {args.save_model} in {time.perf_counter() - t:.1f} s")
    if args.repeat:
        t = time.perf_counter()
        again = TopicModel(**params).fit(units)
        same = again.topics_.to_csv(index=False) == model.topics_.to_csv(index=False)
        print(f"\nsecond fit: {time.perf_counter() - t:.1f} s; topics.csv identical: {same}")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
