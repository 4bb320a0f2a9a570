"""English path on FA-KES (issue 16): outlet × actor stances and a hand-checked attribution sample.

Runs :func:`framing.compare` (what ``framing compare`` runs) on the FA-KES dataset — 804
English articles on the Syrian war from 15 outlets, punctuation partly stripped by its
authors (no commas, no apostrophes) — with the bundled lexicons, and prints

1. the outlet × actor table of mean label stance (authorial voice; n = mentions) for the
   actors shared by ``syria.yaml`` and ``syria-en.yaml``, so English stances read on the
   same scale as Arabic ones;
2. a seeded sample of English attributions, each as its sentence with the attributed span
   ``⟦…⟧``, the speaker's words ``{…}`` and the cue ``<…>`` marked.

    python benchmarks/bench_english.py                    # table + 30 attributions, seed 31337
    python benchmarks/bench_english.py --sample 50 --seed 3

Measured (this session, 2 shared cores, commit 5b32443): 804 documents, 0 skipped, 15–25 s
without topics and events; 5,406 attributions (4,427 reported speech, 607 direct quotes, 372
sourcing phrases). FA-KES repeats some unit_ids: the reader renames the repeats ``ID~2``, ``ID~3``
and lists each in problems.csv (``duplicate id``); the script maps them back to their rows.

Stance table (excerpt; the script prints it whole): the wording splits the outlets as their
alignment says — Syrian state and allied outlets call the armed opposition "terrorists" and
"armed groups" (armed_opposition: sana −0.89, manar −0.76, tass −0.68, alalam −0.67, sputnik
−0.45) and the government by its state names (syrian_government: alalam +0.22, manar +0.20,
sputnik +0.12, sana +0.10); opposition, Turkish and Saudi-owned outlets the reverse
(syrian_government: etilaf −0.54, asharqalawsat −0.38, dailysabah −0.33, trt −0.32, alaraby
−0.24; armed_opposition: etilaf +0.10, asharqalawsat +0.06); the wires sit between (reuters
syrian_government +0.15 — "government forces" — armed_opposition −0.05).

Hand check (``--seed 31337 --sample 30``, the default: a seed not looked at before the check,
run on the final code; seeds 16, 5, 99, 2026 and 4242 were used to find errors). Each item
judged against its sentence: span = the attributed words and not much more; speaker = the
person or body that speaks (an institution for its named official counts, a pronoun or "the
statement" must be resolved to the right one); cue = a verb or sourcing phrase that reports
speech here.

  1. ok        2. ok ("Syrias armed forces said")       3. ok
  4. ok (sourcing; one stray number of page furniture left before the clause)
  5. span ok, speaker WRONG ("Residents contacted in the city say" resolved to "regime"), cue ok
  6. ok ("the Britain-based monitoring group" referred back to the Observatory)
  7. span WRONG ("without giving the location ..." after "reported"), speaker ok, cue ok
  8. ok (the name keeps "of the Aleppo based Fastaqim opposition")
  9. span WRONG (the parenthetical "according to the medical source in the city who ..." is
     kept in the clause), speaker ok, cue ok
 10. span ok, speaker WRONG (a title fragment instead of Sergey Rudskoy), cue ok
 11. ok       12. ok       13. ok
 14. ok ('"..." he added' resolved to France's foreign minister)
 15. ok       16. ok       17. ok (Uzumcu)
 18. span WRONG (runs into a glued sub-heading), speaker ok ("they" = rebels), cue ok
 19. ok
 20. all WRONG ("the reported use of ...": an adjective read as a verb)
 21. ok ("the statement said" referred back to the YPG, whose statement it is)
 22. ok       23. ok ("The coalition which calls itself Ansar al-Sharia has said")
 24. ok
 25. span WRONG (ends with "a human rights monitoring group and"), speaker ok (one of two), cue ok
 26. ok
 27. span ok, speaker WRONG ("Several officials involved in ... discussions said" resolved to Trump), cue ok
 28. ok       29. ok
 30. span WRONG, speaker WRONG (a headline: "US-led raids kill 35 ISIS militants overnight monitor says"), cue ok

Totals: span right 24/30, speaker right 25/30, cue right 29/30; all three right 21/30.
The errors are mostly what the stripped punctuation hides: clause and phrase boundaries
without commas (7, 9, 18, 25, 30) and subjects the phrase rules do not parse (5, 10, 27);
one adjective read as a verb (20). An earlier check on seed 4242 (commit 2346de2, before the
anonymity formulas, "with X saying" and reduced passives) gave span 21, speaker 23, cue 28,
all three 17 of 30.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import framing
from framing.attribution_en import EnglishAttributionExtractor
from framing.lexicon import default_lexicon_dir, load_lexicon, load_lexicons

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "fa-kes" / "FA-KES-Dataset.csv"


def shared_actors() -> list[str]:
    """Actors of ``syria.yaml`` that ``syria-en.yaml`` labels too (in syria.yaml's order)."""
    folder = default_lexicon_dir()
    ar, en = load_lexicon(folder / "syria.yaml"), load_lexicon(folder / "syria-en.yaml")
    used = {e.actor for e in en.entries if e.actor}
    return [a for a in ar.actors if a in used]


def stance_table(outlets: pd.DataFrame, actors: list[str]) -> str:
    """Outlet × actor: mean authorial label stance and (n mentions), "–" without mentions."""
    rows = []
    head = ["outlet", "docs", *actors]
    for _, r in outlets.sort_values("outlet").iterrows():
        cells = [str(r["outlet"]), str(int(r.get("documents", r.get("docs", 0)) or 0))]
        for a in actors:
            n = r.get(f"mentions:{a}")
            s = r.get(f"stance:{a}")
            cells.append("–" if n is None or pd.isna(n) or not n or pd.isna(s) else f"{s:+.2f} ({int(n)})")
        rows.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(head, widths, strict=True)))]
    for c in rows:
        lines.append("  ".join(x.rjust(w) if i else x.ljust(w) for i, (x, w) in enumerate(zip(c, widths, strict=True))))
    return "\n".join(lines)


def english_extractor() -> EnglishAttributionExtractor:
    """The extractor a run uses for English documents (the bundled English verbs and sources)."""
    lexicons = [lx for lx in load_lexicons(default_lexicon_dir()) if lx.language == "en"]
    return EnglishAttributionExtractor([lx for lx in lexicons if lx.kind == "reporting_verbs"],
                                       [lx for lx in lexicons if lx.kind == "sources"])


def marked(text: str, a: pd.Series, cue_span: tuple[int, int] | None) -> str:
    """The sentence around attribution ``a`` with ⟦span⟧, {speaker} and <cue> marked."""
    marks = [(int(a.quote_start), "⟦"), (int(a.quote_end), "⟧")]
    if int(a.speaker_start) >= 0 and int(a.speaker_end) > int(a.speaker_start):
        marks += [(int(a.speaker_start), "{"), (int(a.speaker_end), "}")]
    if cue_span is not None and cue_span[0] >= 0:
        marks += [(cue_span[0], "<"), (cue_span[1], ">")]
    first = min(p for p, _ in marks)
    last = max(p for p, _ in marks)
    dot = text.rfind(". ", max(0, first - 160), max(0, first - 1))  # from the sentence start, at most 160 chars
    lo = dot + 2 if dot >= 0 else max(0, first - 160)
    dot = text.find(". ", last, last + 120)
    hi = dot + 1 if dot >= 0 else min(len(text), last + 120)
    out = text[lo:hi]
    for pos, m in sorted(marks, key=lambda x: (-x[0], x[1] in "⟦{<")):
        out = out[:pos - lo] + m + out[pos - lo:]
    return " ".join(out.split())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(CORPUS), help="FA-KES-Dataset.csv (default: ../shared/corpora/fa-kes/)")
    ap.add_argument("--sample", type=int, default=30, help="attributions to print (default 30)")
    ap.add_argument("--seed", type=int, default=31337, help="seed of the sample (default 31337, the hand-checked one)")
    ap.add_argument("--out", default=None, help="keep the run in this folder (default: a temporary one)")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_file():
        print(f"{corpus}: not found — pass --corpus", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out) if args.out else Path(tmp) / "fakes"
        res = framing.compare(str(corpus), out=out, text_field="article_content", outlet_field="source",
                              title_field="article_title", id_field="unit_id", topics=False, events=False,
                              charts=False, html=False, overwrite=True, format="csv")
        docs = res.table("documents")
        outlets = res.table("outlets")
        attr = res.table("attributions")
    elapsed = time.perf_counter() - t0
    print(f"{len(docs)} documents, {len(attr):,} attributions "
          f"({', '.join(f'{k} {v:,}' for k, v in attr['kind'].value_counts().items())}) · {elapsed:.0f} s\n")
    print("Mean label stance per actor (authorial voice; n = mentions)")
    print(stance_table(outlets, shared_actors()))
    src = pd.read_csv(corpus)
    by_id: dict[str, tuple[str, str]] = {}  # a repeated unit_id gets ~2, ~3 … (as the corpus reader does)
    for u, t, ti in zip(src["unit_id"].astype(str), src["article_content"], src["article_title"], strict=True):
        key, k = u, 1
        while key in by_id:
            k += 1
            key = f"{u}~{k}"
        by_id[key] = (str(t), str(ti))
    picks = random.Random(args.seed).sample(range(len(attr)), min(args.sample, len(attr)))
    ex = english_extractor()  # attributions.csv has no cue offsets: the same extractor gives them
    print(f"\n{len(picks)} attributions (seed {args.seed}): ⟦span⟧ {{speaker}} <cue>")
    for n, i in enumerate(picks, 1):
        a = attr.iloc[i]
        body, title = by_id.get(str(a.doc_id), ("", ""))
        text = title if a.get("field", "text") == "title" else body
        same = [r for r in ex.extract(text, doc_id=str(a.doc_id)) if r.attribution_id == int(a.attribution_id)]
        cue_span = (same[0].cue_start, same[0].cue_end) if same and same[0].quote_start == int(a.quote_start) else None
        print(f"{n:2}. [{a.kind}] speaker={a.speaker if isinstance(a.speaker, str) else ''!r} ({a.source_type}) "
              f"cue={a.cue if isinstance(a.cue, str) else ''!r} ({a.cue_stance if isinstance(a.cue_stance, str) else ''}) "
              f"· {a.outlet}\n    {marked(text, a, cue_span)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
