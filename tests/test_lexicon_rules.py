"""Lexicons on text they were not written for: colliding entries, layered lexicons, proper
names and context rules (issue 13, items 2–5). Fixtures are sentences written for the tests."""

from __future__ import annotations

import json
import random
import time

import pytest
from typer.testing import CliRunner

from framing.cli import app
from framing.errors import LexiconError
from framing.lexicon import Lexicon, Matcher, collisions, load_lexicon, load_lexicons, overlap_lines
from framing.lexicon.explore import entry_stats, kwic
from framing.lexicon.model import Entry, match_rank
from framing.lexicon.validate import validate
from framing.normalize import name_forms, surface_forms

runner = CliRunner()

HEAD = """name: {name}
kind: framing
language: ar
version: "1"
description: test lexicon
categories:
  actor_label: a label
  loaded: loaded wording
actors:
  protesters: protesters
  police: police
  brotherhood: brotherhood
  syrian_government: sg
entries:
"""


def write(path, entries: list[str], name: str | None = None):
    path.write_text(HEAD.format(name=name or path.stem) + "".join(f"  - {e}\n" for e in entries), encoding="utf-8")
    return path


def lex(*entries: dict, name: str = "t") -> Lexicon:
    return Lexicon.from_entries(name, list(entries))


def terms(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    return [(h.term, h.matched) for h in matcher.find(text)]


def corpus_file(path, texts: list[str]):
    with path.open("w", encoding="utf-8") as fh:
        for i, t in enumerate(texts):
            fh.write(json.dumps({"id": f"d{i}", "outlet": "o", "text": t}, ensure_ascii=False) + "\n")
    return path


# --- 2. no silent shadowing -------------------------------------------------------------------

PROTESTERS = [
    {"term": "المتظاهرون", "actor": "protesters", "category": "actor_label"},
    {"term": "المتظاهرين", "actor": "protesters", "category": "actor_label"},
    {"term": "بلطجي", "actor": "protesters", "category": "actor_label", "stance": -0.9},
    {"term": "بلطجية", "actor": "protesters", "category": "actor_label", "stance": -0.9},
]


@pytest.mark.parametrize("order", [1, -1])
@pytest.mark.parametrize(("text", "expected"), [
    ("اعتقلت الشرطة المتظاهرين أمس", [("المتظاهرين", "المتظاهرين")]),
    ("وهتف المتظاهرون ضد الحكومة", [("المتظاهرون", "المتظاهرون")]),
    ("وطالب والمتظاهرين", [("المتظاهرين", "والمتظاهرين")]),
    ("هاجم بلطجية المعتصمين", [("بلطجية", "بلطجية")]),
    ("واعتدى البلطجية على السيارات", [("بلطجية", "البلطجية")]),
    ("أمسك الأهالي بلطجي المنطقة", [("بلطجي", "بلطجي")]),
    ("وقبض على البلطجي", [("بلطجي", "البلطجي")]),
])
def test_the_entry_written_as_in_the_text_counts(order, text, expected):
    # whichever comes first in the file: the text's own written form decides
    m = Matcher([lex(*PROTESTERS[::order])])
    assert terms(m, text) == expected
    hit = m.find(text)[0]
    assert hit.entry_id == f"t:{hit.term.replace('ة', 'ه')}"


def test_shared_forms_go_to_the_closer_spelling():
    m = Matcher([lex(*PROTESTERS)])
    # «بلطجيتهم» is a suffixed form of «بلطجية» (ة → ت) and, by the rules, of «بلطجي»: closer to بلطجية
    assert terms(m, "بلطجيتهم") == [("بلطجية", "بلطجيتهم")]
    e1, e2 = Entry("المتظاهرين", "x"), Entry("المتظاهرون", "x")
    assert match_rank(e1, ["للمتظاهرين"]) < match_rank(e2, ["للمتظاهرين"])
    assert match_rank(e2, ["المتظاهرون"]) < match_rank(e1, ["المتظاهرون"])


def test_lexicon_test_reports_no_false_dead_entries(tmp_path):
    path = corpus_file(tmp_path / "c.jsonl", ["اعتقلت الشرطة المتظاهرين.", "وهتف المتظاهرون.", "هاجم بلطجية الميدان.",
                                              "وقبض على البلطجي."])
    stats = entry_stats(path, [lex(*PROTESTERS)], broad=0.5)
    assert dict(zip(stats["term"], stats["hits"], strict=True)) == {
        "المتظاهرون": 1, "المتظاهرين": 1, "بلطجي": 1, "بلطجية": 1}
    assert set(stats["status"]) == {"ok"}


def test_kwic_names_the_entry_that_counts(tmp_path):
    path = corpus_file(tmp_path / "c.jsonl", ["اعتقلت الشرطة المتظاهرين.", "وهتف المتظاهرون."])
    rows = kwic("المتظاهرون", path, lexicons=[lex(*PROTESTERS)])
    assert list(zip(rows["match"], rows["covered_by"], strict=True)) == [
        ("المتظاهرين", "t:المتظاهرين"), ("المتظاهرون", "")]


def test_colliding_entries_that_disagree_are_an_error_naming_both_lines(tmp_path):
    path = write(tmp_path / "x.yaml", [
        "{term: الثوار, actor: protesters, category: actor_label, stance: 0.8}",
        "{term: المتظاهرين, actor: protesters, category: actor_label}",
        "{term: ثوار, actor: protesters, category: actor_label, stance: 0.5}",
    ])
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    msg = str(err.value)
    assert msg.startswith(f"{path}:17: 'ثوار' and 'الثوار' ({path}:15)") and "stance 0.8 vs 0.5" in msg
    # the same two with the same stance: both count, each where the text has it
    write(path, ["{term: الثوار, actor: protesters, category: actor_label, stance: 0.8}",
                 "{term: ثوار, actor: protesters, category: actor_label, stance: 0.8}"])
    assert len(load_lexicon(path)) == 2


def test_colliding_entries_across_lexicons_that_disagree_are_an_error(tmp_path):
    a = write(tmp_path / "a.yaml", ["{term: المتظاهرين, actor: protesters, category: actor_label, stance: 0.0}"])
    b = write(tmp_path / "b.yaml", ["{term: المتظاهرون, actor: police, category: actor_label, stance: 0.0}"])
    with pytest.raises(LexiconError) as err:
        load_lexicons([a, b])
    assert str(b) in str(err.value) and f"{a}:15" in str(err.value) and "actor 'protesters' vs 'police'" in str(err.value)
    issues = [i for i in validate([a, b]) if i.code == "collision"]
    assert [(i.path, i.line, i.severity) for i in issues] == [(str(b), 15, "error")]


def test_validate_says_which_entry_counts_where(tmp_path):
    path = write(tmp_path / "p.yaml", [
        "{term: المتظاهرون, actor: protesters, category: actor_label}",
        "{term: المتظاهرين, actor: protesters, category: actor_label}",
    ])
    (issue,) = [i for i in validate(path) if i.code == "overlap"]
    assert issue.line == 16 and issue.severity == "warning"
    assert "text written «المتظاهرون» counts under line 15, «المتظاهرين» under this entry" in issue.message
    assert "ties under line 15 (first)" in issue.message


def _brute_collisions(lexicon: Lexicon) -> set[tuple[str, str]]:
    forms = [(e, surface_forms(e.words, e.match)) for e in lexicon.entries]
    out = set()
    for i, (a, fa) in enumerate(forms):
        for b, fb in forms[i + 1:]:
            if len(fa) == len(fb) and all(x & y for x, y in zip(fa, fb, strict=True)):
                out.add((a.term, b.term))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_collision_finder_equals_listing_every_form(seed):
    # short random words over few letters, so that many entries collide through suffixes and ال
    rng = random.Random(seed)
    letters = "بتسلمنهوي"
    seen, entries = set(), []
    while len(entries) < 500:
        words = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 5))) for _ in range(rng.choice((1, 1, 2)))]
        if rng.random() < 0.4:
            words[0] = "ال" + words[0]
        if rng.random() < 0.3:
            words[-1] += rng.choice(("ه", "ون", "ين", "ات", "ي"))
        term = " ".join(words)
        if term not in seen:
            seen.add(term)
            entries.append({"term": term, "category": "c", "match": rng.choice(("affix", "affix", "exact", "name"))})
    lexicon = lex(*entries)
    found = {(c.first.term, c.second.term) for c in collisions([lexicon])}
    assert found == _brute_collisions(lexicon)
    assert len(found) >= 5


def test_collision_detection_is_linear_on_a_large_lexicon():
    rng = random.Random(7)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    entries = [{"term": " ".join("".join(rng.choice(letters) for _ in range(rng.randint(3, 8)))
                                 for _ in range(rng.choice((1, 2)))), "category": "c"} for _ in range(30_000)]
    lexicon = lex(*{e["term"]: e for e in entries}.values())
    t0 = time.perf_counter()
    collisions([lexicon])
    # a hang guard, not a speed goal (that is benchmarks/bench_lexicon_compile.py): comparing the
    # 30k entries pairwise (450M pairs) takes minutes, listing every form once about 2 s
    assert time.perf_counter() - t0 < 30.0


# --- 3. layering --------------------------------------------------------------------------------

MINE = "{term: قوات النظام, actor: syrian_government, category: actor_label, stance: -0.6}"


def test_layered_lexicons_count_a_span_once_and_the_first_wins():
    mine = lex({"term": "قوات النظام", "actor": "sg", "category": "actor_label", "stance": -0.2}, name="mine")
    syria = load_lexicon("lexicons/syria.yaml")
    hits = Matcher([mine, syria]).find("تقدمت قوات النظام نحو القرية")
    assert [(h.lexicon, h.term, h.stance) for h in hits] == [("mine", "قوات النظام", -0.2)]
    hits = Matcher([syria, mine]).find("تقدمت قوات النظام نحو القرية")
    assert [(h.lexicon, h.stance) for h in hits] == [("syria-conflict", -0.6)]


def test_compare_with_a_layered_lexicon_does_not_double_mentions(tmp_path):
    import framing

    mine = tmp_path / "mine"
    mine.mkdir()
    write(mine / "mine.yaml", [MINE])
    base = framing.compare("seeds", topics=False, events=False, attribution=False)
    with pytest.warns(Warning, match="1 term of mine.yaml also in syria.yaml; mine.yaml wins"):
        layered = framing.compare("seeds", lexicons=[str(mine), "lexicons"], topics=False, events=False,
                                  attribution=False)
    col = "mentions:syrian_government"
    assert list(layered.outlets[col]) == list(base.outlets[col])
    assert sum(base.outlets[col]) > 0
    assert (layered.hits["term"] == "قوات النظام").sum() == (base.hits["term"] == "قوات النظام").sum()
    assert set(layered.hits.loc[layered.hits["term"] == "قوات النظام", "lexicon"]) == {"mine"}


@pytest.mark.slow
def test_compare_says_when_lexicons_overlap(tmp_path):
    (tmp_path / "lx").mkdir()
    mine = write(tmp_path / "lx" / "mine.yaml", [MINE, "{term: المجاهدين, actor: syrian_government, category: actor_label, "
                                                "stance: -0.2}"])
    syria = load_lexicon("lexicons/syria.yaml")
    assert overlap_lines([load_lexicon(mine), syria]) == ["2 terms of mine.yaml also in syria.yaml; mine.yaml wins"]
    assert overlap_lines([syria]) == []
    r = runner.invoke(app, ["compare", "seeds", "-l", str(tmp_path / "lx"), "-l", "lexicons", "--no-topics", "--no-events",
                            "--no-charts", "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert "2 terms of mine.yaml also in syria.yaml; mine.yaml wins" in r.stderr


# --- 4. proper names ----------------------------------------------------------------------------

MORSI = {"term": "مرسي", "actor": "brotherhood", "category": "actor_label", "match": "name"}


@pytest.mark.parametrize(("text", "expected"), [
    ("قال الرئيس مرسي إن الحوار مفتوح", ["مرسي"]),
    ("وطالب ومرسي والمعارضة بالحوار", ["ومرسي"]),
    ("رسالة لمرسي من المعارضة", ["لمرسي"]),
    ("وثقة بمرسي تتراجع", ["بمرسي"]),
    ("وزير المالية المرسي حجازي يعرض الموازنة", []),
    ("اللواء عادل المرسي مدير الأمن", []),
    ("وللمرسي رأي آخر", []),
    ("مرسيهم", []),
])
def test_a_name_takes_no_article_and_no_suffix(text, expected):
    m = Matcher([lex(MORSI)])
    assert [h.matched for h in m.find(text)] == expected
    affix = Matcher([lex({**MORSI, "match": "affix"})])
    assert "المرسي" in {h.matched for h in affix.find("وزير المالية المرسي حجازي")}  # what a name avoids


def test_names_written_with_their_article_and_person_categories():
    assert {"للاسد", "والاسد", "بالاسد"} <= name_forms("الاسد") and "الاسدي" not in name_forms("الاسد")
    m = Matcher([lex({"term": "الأسد", "category": "actor_label", "match": "name"})])
    assert [h.matched for h in m.find("رسالة للأسد. وقال الأسدي")] == ["للأسد"]
    person = lex({"term": "بوتين", "category": "person"}).entries[0]
    assert person.match == "name"  # a person category makes a name unless match says otherwise
    assert lex({"term": "بوتين", "category": "person", "match": "affix"}).entries[0].match == "affix"


def test_bundled_lexicons_mark_their_persons():
    syria = load_lexicon("lexicons/syria.yaml")
    egypt = load_lexicon("docs/examples/egypt-2013.yaml")
    names = {e.term for lx in (syria, egypt) for e in lx.entries if e.match == "name"}
    assert {"بوتين", "أردوغان", "بشار الأسد", "الأسد", "مرسي", "محمد مرسي", "البرادعي"} <= names
    m = Matcher([egypt])
    assert [h.term for h in m.find("وزير المالية المرسي حجازي. والتقى الرئيس محمد مرسي بالبرادعي")] == [
        "محمد مرسي", "البرادعي"]
    assert m.find("مدينة مرسى مطروح") == []


# --- 5. context rules ---------------------------------------------------------------------------

REGIME = {"term": "النظام", "actor": "sg", "category": "actor_label", "stance": -0.4,
          "not_followed_by": ["التقليدي", "التعليمي"], "not_preceded_by": ["حفظ"]}


@pytest.mark.parametrize(("text", "expected"), [
    ("لا بالنظام التقليدي ولا بغيره", []),
    ("تطوير النظام التعليمية", []),  # the rule's words take suffixes too
    ("مهمة الشرطة حفظ النظام", []),
    ("قصفت طائرات النظام القرية", ["النظام"]),
    ("انتقد النظام، التقليدي في خطابه", ["النظام"]),  # punctuation between: not the phrase
    ("النظام التقليدي. النظام يقصف", ["النظام"]),
])
def test_not_followed_and_not_preceded_by(text, expected):
    assert [h.term for h in Matcher([lex(REGIME)]).find(text)] == expected


def test_sentence_rules():
    revolution = {"term": "الثورة", "category": "loaded", "in_sentence": ["سوريا", "السورية"],
                  "not_in_sentence": ["أم درمان"]}
    m = Matcher([lex(revolution)])
    assert [h.matched for h in m.find("انطلقت الثورة في سوريا عام 2011")] == ["الثورة"]
    assert m.find("انطلقت الثورة في مصر عام 2011") == []  # no required word in the sentence
    assert m.find("في سوريا شيء. والثورة بدأت") == []  # the required word is in another sentence
    assert m.find("حي الثورة في أم درمان بسوريا") == []  # an excluded word in the sentence
    excluded = []
    Matcher([lex(revolution)]).find("انطلقت الثورة في مصر", excluded=excluded)
    assert [(x.matched, x.describe()) for x in excluded] == [("الثورة", "excluded by rule in_sentence: سوريا / السورية")]


def test_a_rule_frees_the_span_for_another_entry():
    other = {"term": "النظام التقليدي", "category": "loaded"}
    assert [h.term for h in Matcher([lex(REGIME, other)]).find("لا بالنظام التقليدي")] == ["النظام التقليدي"]


@pytest.mark.parametrize(("entry", "message"), [
    ("{term: النظام, category: actor_label, not_folowed_by: [العام]}", "did you mean 'not_followed_by'?"),
    ("{term: النظام, category: actor_label, not_followed_by: 3}", "not_followed_by of 'النظام' must be a word"),
    ("{term: النظام, category: actor_label, in_sentence: [سوريا, '!!']}", "in_sentence of 'النظام' has '!!'"),
])
def test_rules_are_validated_with_file_and_line(tmp_path, entry, message):
    path = write(tmp_path / "r.yaml", ["{term: قوات, category: actor_label}", entry])
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    assert f"{path}:16" in str(err.value) and message in str(err.value)
    r = runner.invoke(app, ["lexicon", "validate", str(path)])
    assert r.exit_code == 1 and "r.yaml:16: error:" in r.stdout and message in r.stdout


@pytest.mark.parametrize(("text", "found"), [
    ("وقال إن النظام العام مهدد", []),
    ("لا بالنظام التقليدي", []),
    ("يعتمد النظام الغذائي على الخضار", []),
    ("قصفت قوات النظام ريف إدلب. وقال النظام إنه صد الهجوم", ["قوات النظام", "النظام"]),
    ("وقفة احتجاجية في حي الثورة", []),
    ("افتتح مستشفى الثورة بأم درمان", []),
    ("تحدث عن الثورة الصناعية", []),
    ("ذكرى الثورة السورية", ["الثورة السورية"]),
    ("انطلقت الثورة قبل عشر سنوات", ["ثورة"]),
    ("يقع حي المجاهدين جنوب الخرطوم", []),
    ("وتقدم المجاهدين نحو القرية", ["المجاهدين"]),
])
def test_bundled_syria_lexicon_rules(text, found):
    m = Matcher([load_lexicon("lexicons/syria.yaml")])
    assert [h.term for h in m.find(text) if h.category in ("actor_label", "legitimacy")] == found


def test_bundled_egypt_lexicon_rules():
    m = Matcher([load_lexicon("docs/examples/egypt-2013.yaml")])
    assert m.find("اجتماع لمناقشة الشؤون الداخلية للحزب") == []
    assert m.find("تحقيق الشرطة العسكرية") == []
    assert m.find("قال المرشد السياحي") == []
    assert [h.term for h in m.find("أعلنت الداخلية القبض على المتهمين")] == ["الداخلية"]


def test_kwic_shows_the_matches_a_rule_excluded(tmp_path):
    lexicons = tmp_path / "lx"
    lexicons.mkdir()
    write(lexicons / "r.yaml", ["{term: النظام, actor: syrian_government, category: actor_label, "
                                "not_followed_by: [التقليدي]}"])
    path = corpus_file(tmp_path / "c.jsonl", ["لا بالنظام التقليدي ولا بغيره.", "وقصفت طائرات النظام القرية."])
    rows = kwic("النظام", path, lexicons=str(lexicons))
    assert list(rows["excluded"]) == ["excluded by rule not_followed_by: التقليدي", ""]
    assert rows.attrs["hits"] == 1 and rows.attrs["excluded"] == 1
    r = runner.invoke(app, ["lexicon", "kwic", "النظام", str(path), "-l", str(lexicons)])
    assert r.exit_code == 0, r.output
    assert "[بالنظام] التقليدي ولا بغيره.   (excluded by rule not_followed_by: التقليدي)" in r.stdout
    assert "1 hits (and 1 excluded by a rule) in 1 of 2 documents" in r.stderr


# --- the indefinite accusative -ًا is a suffix (framing/normalize.py suffix_forms) -------------

ACCUSATIVE = lex({"term": "شبيح", "actor": "sg", "category": "actor_label", "stance": -0.9},
                 {"term": "إرهابي", "category": "loaded", "stance": -0.9},
                 {"term": "خطير", "category": "loaded", "stance": -0.6},
                 {"term": "اعتداء", "category": "loaded", "stance": -0.6})


@pytest.mark.parametrize(("text", "expected"), [
    ("اعتقلوا شبيحاً من الحي", [("شبيح", "شبيحاً")]),  # written with its tanwin
    ("اعتقلوا شبيحا من الحي", [("شبيح", "شبيحا")]),  # and without
    ("صنفته الحكومة إرهابياً خطيراً", [("إرهابي", "إرهابياً"), ("خطير", "خطيراً")]),
    ("شكل القرار تهديدا خطيرا وإرهابيا", [("خطير", "خطيرا"), ("إرهابي", "وإرهابيا")]),
    ("وصف الهجوم بأنه كان اعتداءً", [("اعتداء", "اعتداءً")]),  # ...اءً takes no alif
    ("وصف الهجوم بأنه كان اعتداءا", []),  # so «اعتداءا» is no form of it
    ("خطيرات وخطيرة", [("خطير", "خطيرات"), ("خطير", "وخطيرة")]),  # the other suffixes stay
])
def test_the_indefinite_accusative_alif_is_a_suffix(text, expected):
    assert terms(Matcher([ACCUSATIVE]), text) == expected


def test_accusative_forms_by_rule_not_by_hand():
    from framing.normalize import suffix_bases, suffix_forms

    assert "شبيحا" in suffix_forms("شبيح") and "شبيح" in suffix_bases("شبيحا")
    assert "حكومها" not in suffix_forms("حكومه")  # ة takes no alif: حكومةً normalizes to حكومه
    assert "اعتداءا" not in suffix_forms("اعتداء")
    lx = load_lexicon("lexicons/loaded-ar.yaml")
    listed = {e.term for e in lx.entries if e.match == "affix"}
    hand_typed = [t for t in listed if " " not in t and t.endswith("ا") and not t.endswith("ها") and t[:-1] in listed]
    assert hand_typed == [], f"{hand_typed} are forms of an entry by rule: remove them"


# --- the bundled loaded-language lexicon's context rules (lexicons/loaded-ar.yaml header) -----


@pytest.mark.parametrize(("text", "found"), [
    # شائعة: the rumour, not the adjective "common"
    ("نفت الوزارة الشائعة عن إغلاق المدارس", ["شائعة"]),
    ("من الأخطاء الشائعة في الترجمة", []),
    ("الأمراض الشائعة في الشتاء", []),
    # مسرحية: the metaphor, not a play at a theatre
    ("وصف المعارضون الانتخابات بأنها مسرحية", ["مسرحية"]),
    ("عرضت الفرقة مسرحية جديدة على خشبة المسرح القومي", []),
    # داهم: imminent danger, not the verb "raided"
    ("حذر من خطر داهم يهدد المنطقة", ["حذر", "داهم", "يهدد"]),
    ("داهم رجال الأمن المنزل فجرا", []),
    # قاتل: killer / deadly, not the verb "fought"
    ("اعتقلت الشرطة القاتل بعد ساعات", ["قاتل"]),
    ("قاتل في صفوف الجيش سنوات", []),
    # دعاية: propaganda, not advertising or an election campaign
    ("اتهم الوزير القناة ببث الدعاية المضللة", ["اتهم", "دعاية", "مضلل"]),
    ("بدأت الدعاية الانتخابية للمرشحين", []),
    ("أطلقت الشركة حملة دعاية لمنتجاتها الجديدة", []),
    # عميل: an agent, not a customer
    ("اتهمته الصحيفة بأنه عميل للمخابرات الأجنبية", ["اتهمت", "عميل"]),
    ("يستطيع العميل فتح حساب في البنك عبر التطبيق", []),
    # سيادة: the honorific, not sovereignty
    ("استقبل سيادة الرئيس الوفد", ["سيادة"]),
    ("تحترم كل دولة ذات سيادة جيرانها", []),
    ("أكد على سيادة القانون", []),
    # the accusative of a quantity is no praise; العناية الحثيثة is intensive care
    ("ينتج الحقل كميات كبيرة من الغاز", []),
    ("حقق المنتخب فوزا كبيرا", ["كبيرا"]),
    ("نقل المصاب إلى العناية الحثيثة", []),
    ("تدهورت حالته وأعلن الأطباء تدهور وضعه الصحي", []),
    ("حذر من تدهور الاقتصاد", ["حذر", "تدهور"]),
    # the article, suffixes and the accusative -ًا by rule: «خطيراً» from خطير
    ("شكل القرار تحديا خطيراً", ["خطير"]),
    # homographs found on Egyptian news (framing lexicon test): the eleventh, forces, a name, a charge
    ("بدأت الجلسة في الساعة الحادية عشرة", []),
    ("وجه انتقادا حادا للحكومة", ["انتقاد", "حادا"]),
    ("دفعت الحكومة بقوات إضافية", []),
    ("حاول بقوة أن يقنعهم", ["بقوة"]),
    ("التقى تامر بأصدقائه", []),
    ("وقف المتهم في قفص الاتهام", []),
    ("أحالت النيابة المتهمين إلى المحكمة بعد أن اتهمتهم بالسرقة", []),
    ("اتهم الحزب الحكومة بالتقصير", ["اتهم"]),
    ("ضرب مثلا بما حدث أمس", []),
    # استشهد: was martyred, not "cited"
    ("استشهد ثلاثة جنود في الهجوم", ["استشهد"]),
    ("استشهد الكاتب بقول الشاعر", []),
])
def test_bundled_loaded_lexicon_rules(text, found):
    m = Matcher([load_lexicon("lexicons/loaded-ar.yaml")])
    assert [h.term for h in m.find(text)] == found


def test_bundled_loaded_lexicon_rules_are_counted_by_kwic(tmp_path):
    """kwic shows which rule removed a match of a bundled entry (the loop of the walk-through)."""
    path = corpus_file(tmp_path / "c.jsonl", ["داهم رجال الأمن المنزل فجرا.", "حذر من خطر داهم."])
    rows = kwic("داهم", path, lexicons="lexicons/loaded-ar.yaml")
    assert rows.attrs["hits"] == 1 and rows.attrs["excluded"] == 1
    assert "excluded by rule not_followed_by" in " ".join(rows["excluded"])
