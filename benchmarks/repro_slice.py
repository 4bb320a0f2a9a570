"""Reproducibility check: run the full pipeline twice on a corpus slice and compare every CSV.

Each run is a separate Python process with a different ``PYTHONHASHSEED``, so anything
that depends on set or dict iteration order of strings (or on unseeded randomness, or on
the wall clock) shows up as a difference. Both runs use the same options (topics and
events on, charts and reports too: the whole ``framing compare``).

    nice python benchmarks/repro_slice.py                # the Egyptian 2013 slice, 5000 documents
    python benchmarks/repro_slice.py CORPUS --outlet-field source --date-field crawl_time --limit 5000

Prints one row per CSV file (identical / different, the sha256 of each run) and the wall
time of each run; exits 1 if any CSV differs (the two output folders are then kept for
inspection), 0 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "egypt-2013" / "egypt-2013-02.jsonl.xz"


def _options(args: argparse.Namespace, out: Path) -> dict:
    return {"corpus": str(args.corpus), "out": str(out), "text_field": args.text_field,
            "outlet_field": args.outlet_field, "date_field": args.date_field, "id_field": args.id_field,
            "title_field": args.title_field, "limit": args.limit, "seed": args.seed,
            "topics": not args.no_topics, "events": not args.no_events}


def _run_one(options_json: str) -> None:
    """Child process: one full run with the given options."""
    sys.path.insert(0, str(ROOT))
    from framing.pipeline import CompareOptions, run_compare

    run_compare(CompareOptions(**json.loads(options_json)))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _csvs(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*.csv"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--text-field", default="text")
    parser.add_argument("--outlet-field", default="source")
    parser.add_argument("--date-field", default="crawl_time")
    parser.add_argument("--id-field", default="id")
    parser.add_argument("--title-field", default="title")
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-topics", action="store_true", help="skip the topic model (faster)")
    parser.add_argument("--no-events", action="store_true", help="skip event grouping (faster)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the two runs under this folder and keep them (default: a temp folder, "
                             "deleted unless the runs differ)")
    parser.add_argument("--run-one", default=None, help=argparse.SUPPRESS)  # internal: child process
    args = parser.parse_args(argv)

    if args.run_one is not None:
        _run_one(args.run_one)
        return 0
    if not args.corpus.exists():
        print(f"repro_slice: corpus not found: {args.corpus}", file=sys.stderr)
        return 2

    base = args.keep if args.keep is not None else Path(tempfile.mkdtemp(prefix="repro-slice-"))
    base.mkdir(parents=True, exist_ok=True)
    outs = [base / "run-a", base / "run-b"]
    times = []
    print(f"corpus: {args.corpus} (limit {args.limit}, outlet field {args.outlet_field!r}, "
          f"date field {args.date_field!r}, topics {'off' if args.no_topics else 'on'}, "
          f"events {'off' if args.no_events else 'on'}, seed {args.seed})", flush=True)
    for k, out in enumerate(outs):
        env = dict(os.environ, PYTHONHASHSEED=str(k + 1))  # different string hashing in each run
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, "--run-one", json.dumps(_options(args, out))],
                              env=env, cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            print(f"run {k + 1} failed (exit {proc.returncode}):\n{proc.stderr}", file=sys.stderr)
            return 2
        print(f"run {k + 1}: {times[-1]:.1f} s wall (PYTHONHASHSEED={k + 1}) -> {out}", flush=True)

    a, b = (_csvs(o) for o in outs)
    names = sorted(set(a) | set(b))
    rows = []
    for name in names:
        sa = _sha256(a[name]) if name in a else "(missing)"
        sb = _sha256(b[name]) if name in b else "(missing)"
        same = name in a and name in b and a[name].read_bytes() == b[name].read_bytes()
        rows.append((name, "identical" if same else "DIFFERENT", sa, sb))
    width = max(len(r[0]) for r in rows) if rows else 4
    print()
    print(f"{'file':<{width}}  {'result':<9}  {'sha256 run 1':<64}  sha256 run 2")
    for name, result, sa, sb in rows:
        print(f"{name:<{width}}  {result:<9}  {sa:<64}  {'(same)' if sa == sb else sb}")
    differ = [r[0] for r in rows if r[1] != "identical"]
    print()
    print(f"wall time: run 1 {times[0]:.1f} s, run 2 {times[1]:.1f} s")
    for k, out in enumerate(outs):
        try:
            manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
            c = manifest["corpus"]
            print(f"run {k + 1}: {c['documents_analysed']} documents analysed, {c['documents_skipped']} skipped, "
                  f"pipeline {manifest['elapsed_seconds']} s")
        except (OSError, ValueError, KeyError):
            pass
    if differ:
        print(f"{len(differ)} of {len(rows)} CSV files differ: {', '.join(differ)} (outputs kept in {base})")
        return 1
    print(f"all {len(rows)} CSV files are byte-identical")
    if args.keep is None:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
