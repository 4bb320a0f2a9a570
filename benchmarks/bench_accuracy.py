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
        [--limit N] [--sample 50] [--seed 2013 [--seed 777 ...]] [--dev-docs 1500]

Default corpus: the February 2013 Egyptian corpus (``../shared/corpora/egypt-2013``), read with
``text``/``source``/``title``/``crawl_time``/``id`` fields. Corpus text is printed, never saved.
With ``--mentions`` it prints instead the mention counts per actor of the tool (both voices, titles
included) against an independent plain matcher written here (:class:`PlainMatcher`: its own
normalization and clitic rules, not framing's), and per actor the Spearman correlation of the
outlets' mean stances (targets: counts within ±5 %, Spearman ≥ 0.95)::

    python benchmarks/bench_accuracy.py --mentions [--limit 20000] [--jobs 2] [--min-mentions 20]

Last measured (--mentions --limit 20000, 13 outlets): brotherhood 16,586 vs 16,862 (0.984,
Spearman 0.994), opposition 6,805 vs 6,739 (1.010, 1.000), police 19,142 vs 19,996 (0.957, 1.000),
protesters 13,498 vs 13,609 (0.992, 1.000): every actor within ±5 % and ≥ 0.95.
Whole February (85,676 documents, 212 s): brotherhood 60,187 vs 61,199 (0.983, 0.995), opposition
26,256 vs 25,845 (1.016, 1.000), police 54,698 vs 55,829 (0.980, 1.000), protesters 34,078 vs 34,228
(0.996, 1.000).

Last measured (attribution at commit 2fe11fd, the last rule change; whole February corpus,
``docs/examples/egypt-2013.yaml``, ``--seed 70111``, 374 s wall, 60 s user CPU in the parent, peak RSS 1.16 GB, shared
2-core machine): 85,676 documents, 280,690 attributions, **no speaker 4.6 %** (target ≤ 5 %), typed ``other`` 44.5 %,
relayed (``via``) 0.9 %; kinds: reported speech 71.4 %, direct quotes 25.5 %, sourcing 3.1 %. The rules of
a82ad58..2fe11fd (a clause-structure pass, not one-off phrases: where a subject ends and the verb's object starts —
an indefinite -ات plural after a definite noun, a definite -ين plural after a feminine head, a noun with «his» before
a preposition; where a bare name ends and its description starts — a title after a one-word name, a definite
participle, «أحد/أول», «التابع لـ», «الصادرة صباح …»; a cue word after a preposition is a verbal noun; «آن» is no
complementizer; «تدعو للريبة»/«مما دعا» give cause; relays «بحسب ما نقلته X عن Y» and «X نقلا عن Y» give Y via X;
«علي» after the verb before a surname and a comma; 21 tests in ``tests/test_attribution_clause.py``) were written from
dev samples of the 10k/20k slices (seeds 9101, 5151, 8282 of ``bench_attribution.py``) and checked against every
changed attribution of the 3k/10k slices; the extractor's CPU on the 3k slice is 0.99x–1.01x c72d3c5 (medians of 5,
interleaved). Seed 70111 was drawn once, after them (``date +%s | tail -c 6``): **30/50 fully right** on unseen
text at the strict reading below — the target of 45/50 is **not met**, and the figure equals the last one (30/50 for
70717): the clause rules fix what they were written for on the slices (≈ 1 % of attributions change, read as
fixes) but the errors of a fresh sample are mostly of other kinds. Wrong (20): a speaker from another clause for a
participle or a later verb («حيث أفادت المديرة» → الوزير, «بعد الهجوم مؤكدا» → الهجوم, «رحب بمبادرة … قائلا», «وفقا
للوكالة … حيث قال» → the agency, «وتفيد التقارير» → the minister before, «وأضافت» → «أمر الإحالة», «عنده»,
«بالقول», «رصد التلوث … مشيرا») ~9; a definite object kept in the subject («المتظاهرون الهتافات», «قطب كلمة
بنيابة») ~3; names cut or a common noun («مباحث قسم …» without «ضابط», «السفير البابوي المونسنيور» without the
name, «الجهاز») ~3; spans running on into a participle's quote (2), a quoted fragment inside reported speech with no
cue (1), a span missing the claim («تشير الدراسات إلى … مع توقعات بأن») (1) ~4; no speaker for «يذكر أن السعيد، قال» ~1.

Measured before it (attribution at commit 1f5b63c; whole February corpus,
``docs/examples/egypt-2013.yaml``, ``--seed 70717``, 300 s wall, 58 s user CPU in the parent, shared 2-core
machine): 85,676 documents, 281,157 attributions, **no speaker 4.6 %** (target ≤ 5 %; 4.1 % before: document
nouns such as «التحقيقات», «التحريات الأولية» with no author named now give no speaker), typed ``other`` 44.6 %
(46.7 %), relayed (``via``) 0.8 %; kinds: reported speech 71.3 %, direct quotes 25.5 %, sourcing 3.2 %. The rules of
809a422..1f5b63c (a name before «، TITLE،» or before an indefinite title is the speaker, typed by the title; a
second, definite title after a name ends it; «بيان لـX / أصدرته X / صادر عن X» name X; a participle cue after a
comma («، مشيرا إلى أن») ends the span before it; spaced ASCII quotation marks pair; a bare title takes the name it
had before; «نقلا عن» after a named speaker is the via; «تحدث/كشف/أعرب عن» name a topic; «رد فعل», law articles,
relative clauses, adverbs, «مثل», «حسب الله», headline rubrics and time phrases; 56 tests in
``tests/test_attribution_apposition.py``) were written from the errors of seeds 51791 and 33331 below and from
samples of the first 1,500 documents (the dev slice the sample skips); the extractor's CPU on the 3k slice is
1.01x the pre-session one (median of 3, interleaved). Seed 70717 was drawn once, after them: **30/50 fully right**
on unseen text at a strict reading (a title for a person named in the sentence, a padded or cut name, a span
missing or running past the claim all count as wrong) — the target of 45/50 is **not met**. The same 50 items run
through the pre-session extractor (5b925d9; the 48 body items, the 2 headlines aside): 42 the same, 6 differ (#29
now right, «صابر عبدالصادق» for «الهيئة العليا»; #18 padded either way; #4, #14, #16, #37 spans now end at the next
participle cue): 29/50 at the same reading, so the rules moved this sample by one item. Still wrong (20): a non-speech verb's or a clause's object
taken for its subject («دعت الأمن», «يقول الحقيقة», «تعتبر مثلا», «تدعو المطعون ضده», «دواد أوغلو العمل») ~6;
names padded, cut or a title for the named person («سى» for CNN, «ميدو المتحدث …», «مبعوث … وجامعة الدول»,
«عصام العريان زعيم الأغلبية», «لي جايمس آكتون», «سفير مصر» for ياسر عثمان) ~6; relays and nested subjects
(«ونقلت عنه الصحيفتان», «حكومة … المالكي تؤكد», a wrong earlier speaker for «فرد … قائلا», a document noun for the
complainant) ~4; a complementizer that reports nothing («الحاجة أن», «ما يود أن») ~2; no speaker for «وأكد» after
«وطالب الدكتور فلان» ~1; a garbled «?» ending the span ~1. After this reading, rules for some of these categories
were added (691d044: «سي إن إن», «قال لي X», «زعيم», «يود أن», «حتى يقول», subject relative clauses, an honorific
name earlier in the sentence, «بالـ» complements; 12 tests) — written from seed 70717's errors, so they are **not**
measured: the next figure needs a seed never drawn (extractor CPU on the 3k slice 1.03x the pre-session one at
9a08b4f, median of 3, interleaved; 1.01x at 1f5b63c).

Measured before it (attribution at commit 418762a; whole February corpus,
``docs/examples/egypt-2013.yaml``, ``--seed 51791 --seed 33331``, 389 s wall, 64 s user CPU in the parent, shared
2-core machine): 85,676 documents, 280,245 attributions, **no speaker 4.1 %** (target ≤ 5 %), typed ``other``
46.7 %, relayed (``via``) 0.9 %; kinds: reported speech 71.0 %, direct quotes 25.8 %, sourcing 3.2 %. The rules of
b68940e..418762a (speaker phrase boundaries: a second title, a statement or an agency after a name, «ما», a plural
verb's object, a name after a rank or an honorific; «أما X فـ», «ومضت X تقول», anchors for «وشدد X على …» before
«وأضاف»; addressees «لراديو/لأهل X»; «من ادعى», «ألا ترى», «وهي وظيفة قالت»; 43 tests in
``tests/test_attribution_boundaries.py``) were written from samples of the first 1,500 documents only (the dev
slice the sample skips); the extractor's CPU on the 3k slice is 1.03x the pre-session one (median of 3,
interleaved). Seed 51791 was drawn once, after them: **36/50 fully right** on unseen text — the target
of 45/50 is **not met**. Seed 33331 re-read at 418762a (other items than at c176ee7, where 33/50 were right):
**35/50**. Still wrong in 51791 (14): names padded or cut («أصدرته جبهة الإنقاذ …», «الخارجية الأمريكية» for the
spokeswoman named after it, «مكتب الرئيس … بيريز» for Peres, «بالفيديو.. مرسي», «اقتصادية امريكية») ~5; a
description, bare title or common noun for a person or body named before («الأمريكي السوري أستاذ العلوم
السياسية», «المحامي», «التحقيقات») ~3; quoted words or a chant's name taken for the speaker («كنا نود», «الهتافات
"يسقط …"») ~2; a nested cue resolved to the wrong speaker («القرارات … تؤكد», a relay read as the speaker) ~2;
«رد فعل» read as a cue ~1; a name alone between line breaks as the span ~1. In 33331 (15): a title instead of the
name after or before it ~3, padded names («لمجلس الوزراء», «مونتي مجددا», «كريمة قول الله تعالى») ~5, no speaker at
all (a time phrase before a headline colon, a law article, the passive «تُتهم») ~3, common nouns ~2, the wrong
earlier speaker ~2.

Measured before it (commit c176ee7; whole February corpus, ``docs/examples/egypt-2013.yaml``,
``--seed 33331``, 328 s wall, 63 s user CPU in the parent, shared 2-core machine): 85,676 documents, 281,482
attributions, **no speaker 4.1 %** (target ≤ 5 %), typed ``other`` 47.0 %, relayed (``via``) 1.0 %; kinds:
reported speech 70.8 %, direct quotes 25.9 %, sourcing 3.4 %. Seed 33331 was drawn once, after the last rule
change: **33/50 fully right** on unseen text — the target of 45/50 is **not met**; three fresh samples after
rule rounds give 33, 34, 33 (8191, 60601, 33331), the same level as 4242 (34) before them: the rules fix the
categories they were written for (each has a test) but each sample of unseen text brings new ones. Still
wrong (17): phrases that run into an object or past the name ~6; addressees, names cut or padded ~4;
no speaker where one is named before or after the quote ~3; common nouns ~2; quote marks after a comma ~1.

Measured before it (commit 4e5c5c7; whole February corpus, ``docs/examples/egypt-2013.yaml``,
``--seed 60601``, 350 s wall, 67 s user CPU in the parent, shared 2-core machine): 85,676 documents, 281,584
attributions, **no speaker 4.1 %** (target ≤ 5 %), typed ``other`` 47.0 %, relayed (``via``) 1.1 %; kinds:
reported speech 70.7 %, direct quotes 25.9 %, sourcing 3.4 %. Seed 60601 was drawn once, after the last rule
change (the rules of 4e5c5c7 came from reading seed 8191 below; its own errors were then read for the rules
of c176ee7): **34/50 fully right** on unseen text — the
target of 45/50 is **not met**. Still wrong (16): speaker phrases that run into an object or a verb the
lexicon lacks («رئاسة الجمهورية وفدا», «يصف روبرت رودريجز …», «شعبان ما تردد») ~6; a participle or bare
verb with no speaker although one is named before ~2; quoted names or lists taken for words ~3; «عن» of
«عضو … عن حزب» as a relay ~1; «على»/«علي» ~1; a bare common noun not resolved («الهيئة») ~1; headlines ~2.

Measured before it (commit 17d6dd6, whole February corpus, ``docs/examples/egypt-2013.yaml``, ``--seed 8191``,
402 s wall, 72 s user CPU in the parent on a shared 2-core machine): 85,676 documents, 282,738 attributions,
**no speaker 4.1 %** (target ≤ 5 %; 3.7 % at 39ea08d — document nouns such as «الدعوى», «المقال» with no
author named now give no speaker instead of the noun), typed ``other`` 46.8 %, relayed (``via``) 1.1 %;
kinds: reported speech 70.4 %, direct quotes 25.8 %, sourcing 3.8 %. Seed 8191 was drawn once, after the
rules of 3e437fa..17d6dd6 were written (they came from reading seeds 31 and 58 at 5d4660d and 4711 at
4c58d4f, --limit 12000: 27/50, 38/50, 28/50 before those rules): **33/50 fully right** on unseen text —
the target of 45/50 is **not met**, and the figure is within the spread of the earlier fresh samples
(34/50 for 4242). What is still wrong (17 items): speaker phrases that run into an object («الجبهة بيانا»)
or a relative clause ~3; names cut at five words or a title without the name («… حسام», «الأمين العام»,
«رئيس وفد حركة فتح للحوار» for عزام الأحمد) ~5; a common noun or a bare description as the speaker
(«التحقيقات», «الإعلامية», «وبسؤاله») or the wrong earlier source («التيار», «رئيس الجمهورية») ~5;
«طبقا لـ» before a non-source ~2; «علي» as a name ~1; a document's quoted words ~1.

Before that (commit 39ea08d, whole February corpus, ``docs/examples/egypt-2013.yaml``,
``--seed 4242 --seed 777 --seed 2026``, 736 s on a loaded 2-core machine): 85,676 documents, 285,417
attributions, **no speaker 3.7 %** (target ≤ 5 %; was 5.5 % at 652db45; 3.6 % on the first 1,500
documents, bodies only), typed ``other`` 46.7 %, relayed (``via``) 1.1 %; kinds: reported speech
69.8 %, direct quotes 26.5 %, sourcing 3.7 %. Samples of 50 from the documents after the first
1,500, each read by hand (span, speaker and cue all right = fully right; :data:`CHECKED` has the
verdict and the reason per item):

* seed 4242 (fresh, drawn after the rules were written): **34/50** fully right;
* seed 2026: 30/50 at 8bd85d4 (fresh then; its errors were then read for categories, so the 32/50
  at 39ea08d is not an unseen-text figure);
* seed 777 (re-check; other items than at 652db45, where 34/50 were right): **26/50**.

The target of 45/50 is **not met**. What the wrong ones are (all three samples at 39ea08d, 58 items):
speaker phrases that run past the name into an object or an adjunct («شهود عيان تجمع المئات»,
«الحكم احتجاجات فورية …», «نجاد الأجواء المتبلورة …») ~10; a participle or a bare verb resolved to
the wrong earlier speaker or to none («مرددين» → the witnesses, «وأشار إلى أن» with no speaker) ~10;
common nouns or bare titles that refer back to a named source left as the speaker («الصحيفة»,
«المذكرة», «الدعوى», «وزير», «مدير أمن») ~9; quoted names or titles taken for the words said
(«تمبكتو», «عمر», «أمير. س.ع» after «ويدعى», a march's name after «بعنوان») ~6; names cut or
padded («التيار», «الجهاز المركزي», «ياسر» for ياسر علي, «في بيان لمؤسسة الرئاسة») ~8; whom it
was said to taken as the speaker («أبلغ الكونجرس», «للفريق سامي عنان», «لـCNN») ~5; verbs that
report no speech there («كشف حساب», «نقلوا الناشط», «وأطلق … اسم») ~4; ASCII '' quotes and
line-broken names ~3. Commit 9e7204c fixes the Ali, قد-subject and addressee cases (7 of the 58,
tested on written sentences; not re-measured on the month).
"""

from __future__ import annotations

import argparse
import random
import re
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


#: Hand-checked samples: (seed, commit) → the items (1-50, in the printed order) not fully right and
#: why; every other item of the 50 was read and judged fully right (span, speaker and cue).
CHECKED: dict[tuple[int, str], dict[int, str]] = {
    # fresh (drawn once with `date +%s | tail -c 6`, after the last rule change at 2fe11fd; whole February corpus)
    (70111, "2fe11fd"): {
        1: "«المتظاهرون الهتافات» (definite object kept); span runs past the chants", 2: "«الوزير» for «حيث أفادت المديرة»",
        3: "no speaker for «يذكر أن السعيد، قال»", 4: "«مباحث قسم قصر النيل» («ضابط» cut)",
        9: "«الهجوم» for the ambassador («بعد الهجوم مؤكدا»)", 13: "«الجهاز» (common noun for the body named before)",
        14: "span runs on into «قائلا: …، محذرا …»", 16: "a quoted fragment inside reported speech, no cue",
        17: "«التلوث» (object of «رصد») for «مشيرا»", 21: "span runs on into «قائلا: \"…\"»",
        22: "«السفير البابوي المونسنيور» (name cut)", 24: "«أمر الإحالة» for «وأضافت» (the investigations)",
        25: "«رحب بمبادرة معاذ الخطيب» for الإبراهيمي", 31: "«السفير مخلص قطب كلمة بنيابة» (object kept)",
        34: "«المتظاهرون الهتافات المناهضة …» (definite object kept)", 38: "«الوكالة الأمريكية» for صدقي صبحي («حيث قال»)",
        39: "the minister before for «وتفيد التقارير»", 42: "span misses the claim (starts at «مع توقعات بأن»)",
        45: "«عنده» (a pronoun on a preposition)", 50: "«بالقول» for the Azhar official",
    },
    # fresh (drawn once, after the last rule change at 1f5b63c; whole February corpus)
    (70717, "1f5b63c"): {
        2: "span misses «الحاجة» (starts at the أن of «الحاجة أن»)", 6: "«سى» for «سى إن إن» (إن read as a complementizer)",
        7: "«الأمن وبوضوح» (object of «والتي دعت»)", 10: "a wrong earlier speaker for «فرد اللواء عبداللطيف قائلا»",
        14: "title «سفير مصر» for ياسر عثمان (name after «لدى فلسطين»)", 15: "«عنه الصحيفتان» for تيمرمان (ونقلت عنه)",
        18: "«ميدو المتحدث الرسمي باسم اخوان» (padded, cut)", 20: "«الحقيقة» (object of «يقول»)",
        22: "«أفضل بالنسبة للشركات» for برلسكوني («فيقدم برلسكوني مفاجأة قائلا»)",
        25: "«مثلا يحتذى به …» for «تعتبر» (not speech)", 26: "«لي جايمس آكتون» («قال لي» kept)",
        33: "«دواد أوغلو العمل طوال شهور» (object)", 34: "«مبعوث الامم المتحدة وجامعة الدول» (cut)",
        36: "«المطعون ضده الأول لإقالة» for «تدعو» (not speech)", 38: "«نوري المالكي» for his government (حكومة … تؤكد)",
        41: "span cut at a garbled «?» in the text", 43: "«البلاغ رقم 622» for the complainant («وأضاف فى بلاغه»)",
        45: "span «يطرحه» (أن of «ما يود أن»)", 46: "no speaker: the lawyer شوقي السيد named before «وأكد»",
        49: "«عصام العريان زعيم الأغلبية» (second title kept)",
    },
    # fresh (drawn once, after the last rule change at 418762a; whole February corpus)
    (51791, "418762a"): {
        5: "«رد فعل» (a noun) read as the cue «رد»", 6: "span: a name alone between line breaks (هاغل)",
        8: "«كنا نود» (the words, quote opened before them) as speaker", 13: "name «أصدرته جبهة الإنقاذ الوطني المعارضة»",
        15: "a description «الأمريكي السوري أستاذ العلوم السياسية» for the person named before",
        21: "«الهتافات ‹يسقط يسقط حكم المرشد›» (a chant quoted as a name) as speaker",
        22: "«تخص قطاع الصناعة» for a nested «تؤكد» (القرارات … تؤكد)", 30: "bare title «المحامي» for the lawyer named before",
        34: "«اقتصادية امريكية» (بيانات cut) and the wrong subject of «يشير»",
        35: "«الخارجية الأمريكية» for the spokeswoman فيكتوريا نولاند named after it",
        37: "«مكتب الرئيس الإسرائيلي شيمون بيريز» (the office) for Peres", 38: "the relay «سياسيين لبنانيين» for الأسد",
        43: "«التحقيقات» (common noun)", 45: "«بالفيديو.. مرسي» (padded headline name)",
    },
    # re-read at 418762a (other items than the c176ee7 sample of the same seed)
    (33331, "418762a"): {
        1: "«محامى شفيق» for the words Sultan wrote («عبارات قال فيها»)", 2: "headline time phrase «لليوم الثاني على التوالى» as speaker",
        4: "«لمجلس الوزراء» (ل kept)", 6: "«كريمة قول الله تعالى» (padded)", 7: "«التقرير» (common noun)",
        8: "title «عضو مجلس الشورى» for ممدوح رمزي", 9: "«مونتي مجددا» (adverb kept)", 12: "a law article as speaker",
        20: "«المستشار مصطفى دويدار المتحدث الرسمى» (padded)", 25: "title «رئيسة المجلس» for ميرفت التلاوي",
        26: "«التحريات الأولية» (common noun)", 28: "passive «تُتهم»: the government is accused, not speaking",
        38: "«المرشح الرئاسي السابق» from an earlier sentence for a nested «يؤكد»",
        44: "«11 منظمة حقوقية قبطية يوسف» (object) and a quoted topic", 45: "title «وزير الزراعة» for صلاح عبد المؤمن",
    },
    # fresh (drawn once, after the last rule change at c176ee7; whole February corpus)
    (33331, "c176ee7"): {
        4: "«الاتحاد» not resolved", 5: "addressee «إيران» (واشنطن حذرت إيران)", 7: "name cut «قناة» ((برس تي في))",
        8: "«كل ما نسب إليه، وقرر» (object)", 16: "span starts at the name موديبو تراوري after the title",
        19: "name cut «… هيثم» (مسؤول not a person head)", 22: "no speaker: «… »، يقول العتر» after the quote",
        24: "«الدعوى رقم 23559 …» (common noun phrase)", 26: "name padded «شاهر لوقا ممثل مجلس كنائس»",
        27: "«لكنه يستطيع»", 30: "«القرار معلومات مكذوبة»", 32: "«أهالى» for أحمد عبده («ويدعى» after a comma)",
        40: "quote opened after «،»: span from its middle", 41: "«مختتما كلمته بقوله» as speaker",
        44: "an idea in quotes, no speaker (الشاب named before)", 45: "«المراقبين» for «وقالت»",
        49: "«حركة حماس بقيادتها وصحفها» (object of رصدت) for «لافتا»",
    },
    # fresh (drawn once, after the last rule change at 4e5c5c7; whole February corpus)
    (60601, "4e5c5c7"): {
        1: "«تطلب الجبهة اذاعة الجلسة»; cue «تعلن» inside a clause", 5: "«يصف روبرت رودريجز شخصية …» (verb in the phrase)",
        7: "«الامم المتحدة اكثر» (padded)", 12: "a list of signatories' names taken as a quotation",
        19: "«عن» of «عضو مجلس الشعب عن حزب …» read as a relay (via)", 21: "no speaker for «وطلب»",
        23: "headline with ASCII '' quotes", 26: "title for علي الأحمدي («على» read as a preposition)",
        27: "«رئاسة الجمهورية وفدا» (object)", 29: "«الهيئة» not resolved to the body named before",
        30: "«شعبان ما تردد»", 31: "«الخراط المتخصص»", 33: "no speaker for «مشيرا» (خليل named before)",
        40: "a quoted name «الائتلاف الوطني …» taken as the words", 44: "«حصار» (a quoted word) as speaker",
        45: "«الكاتب بازدراء الأديان …»: اتهم's object as a source",
    },
    # fresh (drawn once, after the rules of 3e437fa..17d6dd6 were written; whole February corpus)
    (8191, "17d6dd6"): {
        2: "«الجبهة بيانا» (object)", 4: "«وأشار علي» read as على: credited to «مؤسسة الرئاسة»",
        5: "«رئيس الجمهورية» (of «مساعد رئيس الجمهورية») for عيسى", 7: "«وبسؤاله» as speaker",
        11: "«القوى السياسية … ضرورة إضافتها»; cue «ترى» in a relative clause", 12: "«طبقا لتعهدات …» is no source",
        14: "name cut «الأمين العام» (للأمم المتحدة)", 15: "a charter's words («التي تنص على») credited to «المجلس»",
        18: "«التيار» for the hospital staff («أكدوا»)", 21: "title, not the name عزام الأحمد after it",
        25: "«الإعلامية» for رشا الحامولي", 27: "«التحقيقات» (common noun)", 33: "no speaker for «وقال البيان»",
        39: "name cut «… حسام» (الشاعر)", 41: "no speaker for «الذين أكدوا» (the founders named before)",
        48: "«طبقا لنظام …» is no source", 50: "name cut «… حسين» (الشهرستاني)",
    },
    # study samples (--limit 12000), read to find the categories fixed at 3e437fa..17d6dd6: not unseen-text figures
    (31, "5d4660d"): {
        4: "«اوباما بغضب عندما طلب منه»", 5: "«الدين بروجردي وصف الشائعات»; cue in a relative clause",
        6: "«المتظاهرون بعض العبارات» (object)", 7: "span from «وتبين أنهم», not what كشف reported",
        9: "«المقال» (common noun)", 10: "name padded «… رئيس حزب»", 11: "«عليهم أن» cut: span misses the obligation",
        14: "quote opened with a space: span inside it", 15: "«رئيس الوزراء»; span starts at the name مارك روت",
        16: "the relay «قناة برس تي في» as speaker (حسبما نقلت)", 18: "no speaker for المغربي's quote",
        19: "«بحماسة شديدة» as speaker", 28: "«الوطن» (a quoted paper) for محمد البرغوثي",
        30: "verb «واستكملت» as speaker", 31: "addressee «شباب مصر» (ناشد)", 32: "ASCII '' quote: span opens at «بيانها،»",
        33: "«ويدعى» as cue, name cut", 36: "«معارضون مما وصفوه …» for كاميرون", 37: "quoted name «البلاك بلوك» as the words",
        39: "via «صادر» (تقرير صادر عن)", 44: "interrogative «هل» as speaker", 48: "quoted name «إرسيكا» as the words",
        49: "chants' speaker padded «المتظاهرون بالتحرير»",
    },
    (58, "5d4660d"): {
        6: "«نتائج دراسة جديدة أجراها باحثون»", 14: "noun «توقع» as cue", 15: "title, not the name السبسي after it",
        16: "«المتحدث الرسمي» cut before لوزارة الصحة د.أحمد عمر", 26: "topic «مبادرة د. سعد الكتاتني» (وحول) for عمران",
        29: "name cut «صحافية فرنسية …»", 30: "object «ارتباكا واضحا …» as speaker", 31: "«المعلومات الواردة»",
        32: "«التحرير شكوى التجار …»", 33: "impersonal «يرجح» as cue", 37: "«ما يردده سبيع» for البرغوثي",
        47: "name cut at 5 words «… سيد»",
    },
    (4711, "4c58d4f"): {
        2: "«نور الرئيس» (object)", 3: "«البرلمانية»", 6: "title, not نيمار after it", 9: "«رفضها خطاب …»",
        13: "ASCII '' quotes: span", 14: "addressee «لرويترز»", 15: "«الحسينى القوى السياسيه …» (object)",
        20: "«الناشط» for علاء عبدالفتاح", 22: "«د» as the words (د. حسن نافعة)", 24: "addressees after ناشدت",
        26: "headline quote, no speaker", 27: "«أيمن» for أيمن علي", 31: "«الروائى الكبير» bare title",
        32: "«وزير الدفاع» for جيم ميرفي", 35: "«وهناك دراسة أعدتها …»", 36: "«الناشط» (object of قتل)",
        37: "«الهيئات» (object of انتقد)", 41: "title for محسن هاشم", 42: "adverb «دائما» as speaker",
        43: "«الخارجية» for كلينتون", 47: "«الاجتماع»", 48: "«الكاتب»",
    },
    (4242, "39ea08d"): {
        1: "speaker «وزير» (title), not إبراهيم غنيم", 8: "name cut: «التيار» for التيار الشعبي",
        9: "name «في بيان لمؤسسة الرئاسة»; words relayed, no via", 11: "no speaker: «علي فرماوي» read as على",
        21: "«مدير أمن» from a far sentence", 25: "«مرددين» credited to the witnesses, not the thugs",
        26: "speaker «صدر» from «بيان صدر»", 28: "«مشيرا» credited to «الدراسة»",
        29: "a quoted term «كفاءات مستقلة», speaker «رئيس الحكومة»", 31: "quoted name «تمبكتو» with «كشف»",
        32: "«أفادت أنباء»: common noun as speaker", 33: "quoted name «عمر» taken for the words",
        34: "«ويدعى» (is called) read as يدعي, quote is a name", 36: "no speaker (headline-like «مشيرا»)",
        42: "a lecture title after «ويتحدث عن:»", 48: "no speaker for «أكدوا»",
    },
    (2026, "39ea08d"): {
        6: "sourcing «وفقا للبيانات» credited to the speaker", 7: "«لومباردي بالقول»; نفى is the cardinal's",
        9: "no speaker («معلقة:» not a cue)", 10: "title «اللواء طيار أركان حرب» for يونس حامد المصري",
        13: "«محافظ» for علي عبد الرحمن", 20: "name cut: «وكالة» for وكالة الأنباء السورية",
        22: "addressee «الكونجرس» (كيري قد أبلغ)", 25: "«نجاد الأجواء المتبلورة …»",
        26: "«إمبون لCNN»", 29: "«ياسر» for ياسر علي; sourcing «ووفقا» misread",
        31: "«فودة اسم في بيتنا جاسوس»", 35: "«رسالة السيدة»", 36: "«ليفني لنواب حزب الحركة»",
        42: "no speaker for «وذكر في بلاغه»", 43: "«الدعوى» for حمزة", 47: "«وأكدوا» credited to مصدر طبي",
        48: "addressee «الصحفيين»", 50: "cue «قالت» for the quote after «قائلا»",
    },
    (777, "39ea08d"): {
        3: "«خطورة الأوضاع، ويجب»", 4: "name cut «صحيفة»", 7: "«ياسر» for ياسر علي",
        8: "a march's name after «بعنوان» as the words", 9: "no speaker (Latin-script name)",
        15: "the statement's words credited to the spokesman", 17: "«الحكم احتجاجات فورية …»",
        18: "«عنه والدته»", 21: "«وزير» for وائل المعداوي", 22: "«الصحيفة» unresolved",
        24: "«كل الناس»", 26: "headline: «للمصالحة» as speaker, «الغريب» as words",
        27: "«اللواء نجيب للفريق سامى عنان»", 31: "«الشركة بيانا»", 33: "«شهود عيان تجمع المئات»",
        34: "«بالفيديو.. الجبهة السلفية»", 35: "«المركز» unresolved", 37: "«شفيق رسالة للحكم الحالي»",
        38: "name cut «المركزي»", 41: "«المذكرة»", 43: "«عليها جمال عبد الناصر»", 46: "«مراد» for مراد علي",
        48: "«الأمم المتحدة» for فيلتمان", 49: "«نقلوا الناشط» (carried) as a cue",
    },
    (2026, "8bd85d4"): {
        6: "via «عليه الدستور السويسري»", 7: "«المحكمة فور اعتلائها المنصة»", 8: "«فهم» (for they)",
        11: 'span opens inside «لـ"اليوم السابع "»', 12: "«تحليل لما يحدث»", 13: "«كشف حساب» (a programme)",
        16: "«المفاضلة»", 22: "«فإذا» (if)", 23: "«هذا الصراع»", 25: "the consulate's words credited to the minister",
        27: "«الصحيفة» unresolved", 31: "«دعا … ببداء»: object guessed", 33: "ASCII '' quotes: span from «، الأربعاء»",
        36: "«المقالة»", 38: "«المشاركون هتافات منها»", 41: "«صحفي للبيت الأبيض»", 44: "no speaker",
        45: "relay «موقع أخبار مصر» as speaker", 47: "span cut at «الإنقاذ»", 49: "title «الأمين العام»",
    },
}


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


# --- mention counts against an independent plain matcher (engineer L) ----------------------------
#
# A deliberately simple matcher written here, not framing's: its own normalization (diacritics,
# tatweel, hamza forms of alef, ى/ي, ة/ه), its own clitic rules (و/ف + ب/ل/ك + the article before
# the first word; a short list of suffixes after the last; persons (match: name) take only
# و/ف/ب/ل/ك), longest match first, never across a sentence, the lexicon's not_followed_by /
# not_preceded_by rules, titles included. It reads the corpus file itself (json + lzma).

_PLAIN_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_PLAIN_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_PLAIN_WORD = re.compile(r"[\u0621-\u064a\u0660-\u0669\w]+")
_PLAIN_SENTENCE = re.compile(r"[.!?؟\n]+")
_PLAIN_PLURAL = ("ين", "ون")
_PLAIN_SUFFIXES = ("يين", "يون", "ين", "ون", "ان", "ات", "يه", "ي", "ه", "ها", "هم", "هما", "هن", "كم", "نا")


def plain_normalize(text: str) -> str:
    """Presentation forms folded (NFKC), zero-width joiners, diacritics and tatweel removed,
    alef/yeh/teh-marbuta forms unified (the plain matcher's own)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text).replace("\u200c", "").replace("\u200d", "")
    return _PLAIN_DIACRITICS.sub("", text).translate(_PLAIN_LETTERS)


def _plain_bare(word: str) -> str:
    """A word without و/ف, ب/ل/ك and the article (for the context rules' neighbour words)."""
    for pre in ("وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال", "و", "ف", "ب", "ل", "ك"):
        if word.startswith(pre) and len(word) - len(pre) >= 3:
            return word[len(pre):]
    return word


def _plain_prefixes(word: str, *, name: bool) -> list[str]:
    """The forms a first word takes with proclitics (the word itself included)."""
    bases = {word}
    if not name and not word.startswith("ال"):
        bases.add("ال" + word)  # the article may be added (never removed: الشرطة is not شرطة)
    out = set()
    for b in bases:
        for conj in ("", "و", "ف"):
            for prep in ("", "ب", "ل", "ك"):
                if prep == "ل" and b.startswith("ال"):
                    out.add(conj + "ل" + b[1:])  # ل + ال → لل
                out.add(conj + prep + b)
    return sorted(out)


class PlainMatcher:
    """Counts lexicon entries in text: ``count(text) -> list[(actor, stance)]`` (one per match)."""

    def __init__(self, lexicon_path: str | Path):
        import yaml

        data = yaml.safe_load(Path(lexicon_path).read_text(encoding="utf-8"))
        #: first-word form → [(the remaining words, entry)], longest first
        self.index: dict[str, list[tuple[tuple[str, ...], dict]]] = {}
        self.actors: set[str] = set()
        for e in data.get("entries") or []:
            if not e.get("actor"):
                continue
            self.actors.add(e["actor"])
            name = e.get("match") == "name"
            words = _PLAIN_WORD.findall(plain_normalize(str(e["term"])))
            entry = {"actor": e["actor"], "stance": float(e.get("stance") or 0.0), "name": name,
                     "n": len(words), "term": e["term"],
                     "not_followed": [tuple(map(_plain_bare, _PLAIN_WORD.findall(plain_normalize(str(w)))))
                                      for w in e.get("not_followed_by") or []],
                     "not_preceded": [tuple(map(_plain_bare, _PLAIN_WORD.findall(plain_normalize(str(w)))))
                                      for w in e.get("not_preceded_by") or []]}
            for first in _plain_prefixes(words[0], name=name):
                self.index.setdefault(first, []).append((tuple(words[1:]), entry))
        for options in self.index.values():
            options.sort(key=lambda o: -o[1]["n"])

    @staticmethod
    def _last_ok(token: str, word: str, *, name: bool) -> bool:
        if token == word:
            return True
        if name:
            return False
        if token.startswith(word) and token[len(word):] in _PLAIN_SUFFIXES:
            return True
        # a plural ending is one of its case forms: المتظاهرين / المتظاهرون / المتظاهري (construct)
        return (len(word) > 4 and word.endswith(_PLAIN_PLURAL) and token != word[:-2]
                and token.startswith(word[:-2]) and token[len(word) - 2:] in (*_PLAIN_PLURAL, "ي"))

    def _match_at(self, toks: list[str], i: int):
        for first in (toks[i],):
            for rest, entry in self.index.get(first, ()):
                n = entry["n"]
                if i + n > len(toks):
                    continue
                if n == 1:
                    ok = True
                else:
                    ok = all(toks[i + k] == rest[k - 1] for k in range(1, n - 1)) and \
                        self._last_ok(toks[i + n - 1], rest[-1], name=entry["name"])
                if ok:
                    return entry, n
        # a one-word entry with a suffix on its only word ("الإخواني")
        if not toks[i]:
            return None, 0
        for cut in sorted({len(s) for s in _PLAIN_SUFFIXES}, reverse=True):
            w, suf = toks[i][:-cut], toks[i][-cut:]
            if len(w) < 2 or suf not in _PLAIN_SUFFIXES:
                continue
            for _rest, entry in self.index.get(w, ()):
                if entry["n"] == 1 and not entry["name"]:
                    return entry, 1
        # a one-word plural in another case: المتظاهرون for المتظاهرين
        tok = toks[i]
        stem = tok[:-2] if tok.endswith("ون") else tok[:-1] if tok.endswith("ي") else None
        if stem and len(stem) > 3:
            for _rest, entry in self.index.get(stem + "ين", ()):
                if entry["n"] == 1 and not entry["name"]:
                    return entry, 1
        return None, 0

    def count(self, text: str) -> list[tuple[str, float]]:
        """``(actor, stance)`` of every match in ``text``."""
        out = []
        for sentence in _PLAIN_SENTENCE.split(plain_normalize(text)):
            toks = _PLAIN_WORD.findall(sentence)
            i = 0
            while i < len(toks):
                entry, n = self._match_at(toks, i)
                if entry is None:
                    i += 1
                    continue
                after = tuple(_plain_bare(t) for t in toks[i + n:i + n + 4])
                before = tuple(_plain_bare(t) for t in toks[max(0, i - 4):i])
                if any(after[:len(w)] == w for w in entry["not_followed"]) or \
                        any(len(w) <= len(before) and before[len(before) - len(w):] == w
                            for w in entry["not_preceded"]):
                    i += 1
                    continue
                out.append((entry["actor"], entry["stance"]))
                i += n
        return out


def plain_counts(corpus: str | Path, lexicon: str | Path, doc_ids: set[str] | None = None, *,
                 titles: bool = True) -> dict[tuple[str, str], list[float]]:
    """(outlet, actor) → the stances of every plain match, over the corpus records ``doc_ids``
    (all when None): the JSONL (optionally .xz/.gz) read here with ``json``."""
    import gzip
    import json
    import lzma

    matcher = PlainMatcher(lexicon)
    path = str(corpus)
    opener = lzma.open if path.endswith(".xz") else gzip.open if path.endswith(".gz") else open
    out: dict[tuple[str, str], list[float]] = {}
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            if doc_ids is not None and str(rec.get(FIELDS["id_field"])) not in doc_ids:
                continue
            text = rec.get(FIELDS["text_field"])
            if not isinstance(text, str):
                continue
            outlet = str(rec.get(FIELDS["outlet_field"]) or "unknown")
            parts = [text]
            title = rec.get(FIELDS["title_field"])
            if titles and isinstance(title, str):
                parts.append(title)
            for part in parts:
                for actor, stance in matcher.count(part):
                    out.setdefault((outlet, actor), []).append(stance)
    return out


def tool_counts(hits) -> dict[tuple[str, str], list[float]]:
    """(outlet, actor) → the stances of every hit of a run (both voices, titles included)."""
    h = hits[hits["actor"].notna() & (hits["actor"].astype(str) != "")]
    out: dict[tuple[str, str], list[float]] = {}
    for (outlet, actor), g in h.groupby([h["outlet"].astype(str), h["actor"].astype(str)]):
        out[(outlet, actor)] = [float(s) for s in g["stance"]]
    return out


def compare_mentions(tool: dict, plain: dict, *, min_mentions: int = 20) -> list[dict]:
    """Per actor: mentions by the tool and by the plain matcher (ratio, within ±5 %?) and the
    Spearman correlation of outlet mean stances over outlets with ≥ ``min_mentions`` plain mentions."""
    from scipy.stats import spearmanr

    rows = []
    for actor in sorted({a for _, a in plain} | {a for _, a in tool}):
        outlets = sorted({o for o, a in plain if a == actor} | {o for o, a in tool if a == actor})
        n_tool = sum(len(tool.get((o, actor), [])) for o in outlets)
        n_plain = sum(len(plain.get((o, actor), [])) for o in outlets)
        keep = [o for o in outlets if len(plain.get((o, actor), [])) >= min_mentions
                and tool.get((o, actor))]
        x = [sum(tool[(o, actor)]) / len(tool[(o, actor)]) for o in keep]
        y = [sum(plain[(o, actor)]) / len(plain[(o, actor)]) for o in keep]
        rho = float(spearmanr(x, y).statistic) if len(keep) >= 3 and len(set(x)) > 1 and len(set(y)) > 1 \
            else float("nan")
        ratio = n_tool / n_plain if n_plain else float("nan")
        rows.append({"actor": actor, "tool": n_tool, "plain": n_plain, "ratio": ratio,
                     "within_5pct": bool(n_plain and abs(ratio - 1) <= 0.05), "outlets": len(keep),
                     "spearman": rho, "spearman_ok": bool(rho == rho and rho >= 0.95)})
    return rows


def print_mentions(rows: list[dict], docs: int, seconds: float) -> None:
    print(f"\nMention counts, tool vs an independent plain matcher (titles included), {docs:,} documents,"
          f" {seconds:.0f} s")
    print(f"{'actor':<12} {'tool':>8} {'plain':>8} {'ratio':>7} {'±5%':>4} {'outlets':>7} {'spearman':>9} {'≥0.95':>5}")
    for r in rows:
        print(f"{r['actor']:<12} {r['tool']:>8,} {r['plain']:>8,} {r['ratio']:>7.3f} "
              f"{'yes' if r['within_5pct'] else 'NO':>4} {r['outlets']:>7} {r['spearman']:>9.3f} "
              f"{'yes' if r['spearman_ok'] else 'NO':>5}")


def mentions_main(args) -> int:
    """``--mentions``: the tool's mentions per outlet and actor against the plain matcher's."""
    t0 = time.perf_counter()
    result = run_tool(args.corpus, args.lexicons, limit=args.limit, jobs=args.jobs)
    ids = set(result.documents["doc_id"].astype(str))
    plain = plain_counts(args.corpus, args.lexicons, ids)
    rows = compare_mentions(tool_counts(result.hits), plain, min_mentions=args.min_mentions)
    print_mentions(rows, len(ids), time.perf_counter() - t0)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--lexicons", default=str(DEFAULT_LEXICON), help="the researcher's framing lexicon")
    ap.add_argument("--limit", type=int, default=None, help="first N documents only")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--sample", type=int, default=50, help="attributions to print for checking by reading")
    ap.add_argument("--seed", type=int, action="append", default=None,
                    help="seed of a sample (repeat for several samples from one run; default 2013)")
    ap.add_argument("--dev-docs", type=int, default=1500,
                    help="the first N documents were used to develop the rules: the sample skips them")
    ap.add_argument("--mentions", action="store_true",
                    help="instead: mention counts per outlet and actor against an independent plain matcher")
    ap.add_argument("--min-mentions", type=int, default=20,
                    help="--mentions: outlets with fewer plain mentions of an actor leave its Spearman out")
    args = ap.parse_args(argv)
    if args.mentions:
        return mentions_main(args)

    t0 = time.perf_counter()
    result = run_tool(args.corpus, args.lexicons, limit=args.limit, jobs=args.jobs)
    attributions = result.attributions
    cols = list(attributions.columns)
    if "cue_start" not in cols:  # attributions.csv has no cue offsets: show the cue by name only
        attributions = attributions.assign(cue_start=-1, cue_end=-1)
    fig = attribution_figures(attributions)
    print_figures(fig, len(result.documents), time.perf_counter() - t0)
    if args.sample and len(attributions):
        seeds = args.seed or [2013]
        samples = [sample_attributions(attributions, result.documents, n=args.sample, seed=seed,
                                       dev_docs=args.dev_docs) for seed in seeds]
        texts = document_texts(args.corpus, {d for smp in samples for d in smp["doc_id"].astype(str)},
                               limit=args.limit)
        for seed, sample in zip(seeds, samples, strict=True):
            print_sample(sample, texts, seed)
            for (s, commit), wrong in CHECKED.items():
                if s == seed and len(sample) == 50:
                    print(f"\nread by hand at {commit}: {50 - len(wrong)}/50 fully right (valid for that commit's sample)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
