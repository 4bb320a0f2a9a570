"""Check the field mapping of the February 2013 Egyptian crawl (moved out of the tests: only
benchmarks read ``../shared``).

    python benchmarks/check_egypt_fields.py [CORPUS]
"""

from __future__ import annotations

import re
import sys
from itertools import islice
from pathlib import Path

from framing.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpora" / "egypt-2013" / "egypt-2013-02.jsonl.xz"
OUTLETS = {"fjp", "Alahram.Newspaper", "akhbarelyomgate", "almasryalyoum", "shorouknews", "ElWatanNews",
           "officialyoum77", "El.Dostor.News", "Tahrir.News.Official", "elfagr", "masrawy", "bbcarabicnews",
           "cnnarabic"}


def main(path: Path) -> int:
    corpus = load_corpus(path, outlet_field="source", date_field="crawl_time", repeated_lines=False)
    docs = list(islice(corpus.iter_documents(), 300))
    checks = {
        "300 documents read": len(docs) == 300,
        "outlets are the crawl's 13": {d.outlet for d in docs} <= OUTLETS,
        "crawl_time becomes an ISO date": all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.date or "") for d in docs),
        "feed and crawl_time kept as metadata": all(dict(d.meta).keys() == {"feed", "crawl_time"} for d in docs),
        "most documents have a title": sum(1 for d in docs if d.title) > 250,
    }
    for name, ok in checks.items():
        print(f"{'ok ' if ok else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
