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
    python benchmarks/bench_english.py --hand-checked     # the 30 items of hand check 1, as found now

Measured (this session, 2 shared cores, commit 1f898ca + the 'other reported' rule): 804
documents, 0 skipped, 20–40 s without topics and events; 5,419 attributions (4,441 reported
speech, 606 direct quotes, 372 sourcing phrases; 26 of them headline colons, "Syrian
Coalition: ..." and the wires' "...: monitor"). FA-KES repeats some unit_ids: the reader renames
the repeats ``ID~2``, ``ID~3`` and lists each in problems.csv (``duplicate id``); the script maps
them back to their rows.

Stance table (excerpt; the script prints it whole): the wording splits the outlets as their
alignment says — Syrian state and allied outlets call the armed opposition "terrorists" and
"armed groups" (armed_opposition: sana −0.89, manar −0.76, tass −0.68, alalam −0.67, sputnik
−0.45) and the government by its state names (syrian_government: alalam +0.22, manar +0.20,
sputnik +0.12, sana +0.10); opposition, Turkish and Saudi-owned outlets the reverse
(syrian_government: etilaf −0.50, asharqalawsat −0.36, dailysabah −0.31, trt −0.31, alaraby
−0.22; armed_opposition: etilaf +0.08, asharqalawsat +0.06); the wires sit between (reuters
syrian_government +0.16 — "government forces" — armed_opposition −0.05).

Hand check 1 (commit 5b32443, ``--seed 31337 --sample 30`` on its 5,406 attributions: a seed
not looked at before the check; seeds 16, 5, 99, 2026 and 4242 were used to find errors). The
items are :data:`HAND_CHECKED`; ``--hand-checked`` prints them as the code finds them now. Each
item judged against its sentence: span = the attributed words and not much more; speaker = the
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

Re-check of the same 30 after stripped possessives ("Assads", c9760ec), headline colons and
"reported" after a determiner (1c88c2d, 1f898ca): 29 items unchanged (same span, speaker,
type and cue), and item 20 is gone — "the reported use" is no cue now, and nothing else is
attributed there (right). On the 29: span 24, speaker 25, cue 29, all three 21. The other
changes, over the whole run: 16 "reported" cues gone, all adjectives ("the reported use of
chemical weapons", "a reported air strike", "other reported incidents"); one re-attribution
after it ("... a monitor and rebels said" now covers the sentence before, its page furniture
included: span wrong); U.N. spokesman Nesirky named in full where the removed cue had been
his. Headlines: of the 27 distinct FA-KES titles with a colon, 23 get a colon attribution,
all with the right speaker and claim ("Abdah:" → Anas al-Abdah, "Syrian Coalition:" →
National Coalition, "...: EUs Mogherini" → Mogherini, "...: monitor Sylvia Westall" →
monitor, the byline cut); the 4 without are right too (two "Factbox:", "title: ...", and the
question "Syria: have the Chemical Weapons gloves come off?").

Hand check 2 (this code, ``--seed 31337``, the default: on 5,419 attributions the seed draws
other items than check 1), judged the same way:

  1. span ok, speaker WRONG ("We appeal ..." in the tribe head's video message given to the
     earlier "Tribal sources"), cue ok
  2. span ok, speaker WRONG ("A Facebook page run by Jayrud activists that publishes news about
     the town said": the relative clause hides the subject, an earlier speaker taken), cue ok
  3. span ok, speaker WRONG ("the Kurdish-dominated alliance" inside a dash apposition instead of
     the Raqa Revolutionaries Brigades), cue ok
  4. ok (page furniture cut)    5. ok ("It also said" = the Observatory)    6. ok
  7. ok (a glued headline and dateline cut)    8. ok    9. ok ("The claim ... said" = IS)
 10. ok ("he wrote" = the activist "Dr Partizan")
 11. span ok, speaker WRONG ("Alwaer in Homs" for "Activists in the district of Alwaer"), cue ok
 12. span WRONG (ends at "Deir ez-Zor and"), speaker WRONG ("Raqqa local media"), cue ok
 13. span ok, speaker WRONG ("But he said" resolved to Steinmeier, not Lavrov), cue ok
 14. ok    15. span WRONG (a glued headline "86 dead in suspected Syria chemical attack New
     toll" kept), speaker ok, cue ok
 16. ok    17. ok    18. all WRONG ("a ceasefire announced by Russia": a participle read as a
     cue)    19. ok    20. ok (al-Jarba, for the National Coalition)    21. ok    22. ok
 23. ok    24. ok    25. ok    26. ok    27. ok (a headline "Rescuers say ...")
 28. span ok, speaker WRONG ("A government source in the city told AFP" given to the earlier
     Captain Jeff Davis), cue ok
 29. ok (a date "14 Nov 2017" left before the clause)
 30. span ok, speaker WRONG ("Al-Qaedas branch in Syria Al-Nusra Front said" given to the
     earlier Abdel Rahman; the same without the possessive rule), cue ok

Totals: span right 27/30, speaker right 21/30, cue right 29/30; all three right 20/30. The
speaker is the weak part on unseen items: subjects the phrase rules do not parse (relative
clauses, dash appositions, "X in the district of Y") fall back to an earlier speaker of the
paragraph (1, 2, 3, 11, 13, 28, 30).
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

#: the 30 attributions of the hand check (``--seed 31337`` on the 5,406 attributions of commit
#: 5b32443) as (doc_id, field, quote_start): ``--hand-checked`` prints them as the code finds them
#: now, so a later change can be re-judged on the same items (the seeded sample moves whenever the
#: number of attributions changes)
HAND_CHECKED = [
    ("1926479355", "text", 628), ("1923848177", "text", 812), ("1924058090", "text", 400),
    ("1965495355", "text", 52), ("1919191745", "text", 1646), ("1923848241", "text", 422),
    ("1923848192", "text", 795), ("1924058100", "text", 696), ("1923102911", "text", 935),
    ("1962495688", "text", 894), ("1926479120", "text", 1283), ("1965495341", "text", 1854),
    ("1924058125", "text", 3060), ("1924058139", "text", 3954), ("1923848141", "text", 261),
    ("1914947538", "text", 2941), ("1923102847", "text", 1811), ("1924058059", "text", 1234),
    ("1962495701", "text", 1119), ("1926479334", "text", 2761), ("1965511161", "text", 753),
    ("1923848202", "text", 673), ("1915433684", "text", 2746), ("1923848146", "text", 3015),
    ("1926479264", "text", 121), ("1923848189", "text", 245), ("1926479327", "text", 3445),
    ("1923848149", "text", 1674), ("1924058105", "text", 545), ("1924058164", "title", 0),
]


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
    ap.add_argument("--hand-checked", action="store_true",
                    help="print the 30 hand-checked attributions (HAND_CHECKED) instead of a seeded sample")
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
    if args.hand_checked:
        key = {(str(d), f, int(q)): i for i, (d, f, q) in
               enumerate(zip(attr["doc_id"], attr["field"], attr["quote_start"], strict=True))}
        picks = [key.get(k) for k in HAND_CHECKED]
        print(f"\nthe {len(picks)} hand-checked attributions: ⟦span⟧ {{speaker}} <cue>")
    else:
        picks = random.Random(args.seed).sample(range(len(attr)), min(args.sample, len(attr)))
        print(f"\n{len(picks)} attributions (seed {args.seed}): ⟦span⟧ {{speaker}} <cue>")
    ex = english_extractor()  # attributions.csv has no cue offsets: the same extractor gives them
    for n, i in enumerate(picks, 1):
        if i is None:
            d, f, q = HAND_CHECKED[n - 1]
            print(f"{n:2}. (no attribution now at {d} {f} {q})")
            continue
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
