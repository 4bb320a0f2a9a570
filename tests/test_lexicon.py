import shutil
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.errors import LexiconError
from framing.lexicon import Lexicon, Matcher, load_lexicon, load_lexicons, surface_forms


@pytest.fixture(scope="module")
def mini(data_dir):
    return load_lexicon(data_dir / "lexicons" / "mini.yaml")


@pytest.fixture(scope="module")
def matcher(mini):
    return Matcher([mini])


def found(matcher, text):
    return [(h.term, h.matched) for h in matcher.find(text)]


def test_load_metadata_and_lines(mini):
    assert mini.name == "mini" and mini.kind == "framing" and mini.version == "0.1.0"
    assert len(mini) == 12
    first = mini.entries[0]
    assert first.term == "الاحتلال الروسي" and first.line == 17 and first.stance == -1.0
    assert mini.entries[-1].actor is None and mini.entries[-1].note == "no actor"
    assert len(mini.sha256) == 64
    assert "الارهابيين" in mini  # normalized lookup


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # proclitics and their combinations
        ("والاحتلال الروسي يقصف", [("الاحتلال الروسي", "والاحتلال الروسي")]),
        ("التقى بالجيش السوري", [("الجيش السوري", "بالجيش السوري")]),
        ("دعم للنظام", [("النظام", "للنظام")]),
        ("فالثوار صامدون", [("الثوار", "فالثوار")]),
        ("وللثوار حق", [("الثوار", "وللثوار")]),
        ("كالمتشددين", [("المتشددين", "كالمتشددين")]),
        ("وروسيا", [("روسيا", "وروسيا")]),
        # suffixes
        ("المتشددون في إدلب", [("المتشددين", "المتشددون")]),
        ("حكومتها", []),  # not the lexicon's (ال) term
        ("الحكومة السورية وحكومتها", [("الحكومة السورية", "الحكومة السورية")]),
        # diacritics, hamza forms, ta marbuta, tatweel inside terms
        ("الإرهابيّين", [("الإرهابيين", "الإرهابيّين")]),
        ("الارهابيين", [("الإرهابيين", "الارهابيين")]),
        ("الحكومه السوريه", [("الحكومة السورية", "الحكومه السوريه")]),
        ("قـــوات النظـــام", [("قوات النظام", "قـــوات النظـــام")]),
        # indefinite term matched with article
        ("تصعيد عدواني خطير", [("تصعيد عدواني", "تصعيد عدواني")]),
        # no match inside other words
        ("نظامي ونظاميون", []),
    ],
)
def test_clitics_suffixes_and_normalization(matcher, text, expected):
    assert found(matcher, text) == expected


def test_longest_match_wins(matcher):
    text = "تقدمت قوات النظام وميليشياتها نحو القرية"
    assert found(matcher, text) == [("قوات النظام وميليشياتها", "قوات النظام وميليشياتها")]
    # a shorter overlapping entry matches where the longer one does not
    assert found(matcher, "قوات النظام تتقدم") == [("قوات النظام", "قوات النظام")]


def test_never_across_sentence_boundary(matcher):
    assert found(matcher, "وصلت قوات. النظام يعلن") == [("النظام", "النظام")]
    assert found(matcher, "الاحتلال\nالروسي") == []
    assert found(matcher, "الاحتلال، الروسي") == []
    # a dash between words is not a boundary
    assert found(matcher, "الجيش - السوري") == [("الجيش السوري", "الجيش - السوري")]


def test_offsets_slice_original_and_sentence(matcher):
    text = "قال المصدر إن الطيران قصف.\nوتشهد إدلب تصعيداً من قِبل قوّاتِ النّظامِ وبدعمٍ من الاحتلالِ الروسيِّ."
    hits = matcher.find(text, doc_id="d1")
    assert [h.term for h in hits] == ["قوات النظام", "الاحتلال الروسي"]
    for h in hits:
        assert text[h.start:h.end] == h.matched
        assert h.doc_id == "d1" and h.voice == "authorial"
        assert text[h.sentence_start:h.sentence_end].startswith("وتشهد إدلب")
    assert hits[0].matched == "قوّاتِ النّظامِ"
    assert hits[1].stance == -1.0 and hits[1].actor == "russia"


def test_surface_forms_cover_clitic_combinations():
    forms = surface_forms(("النظام",))[0]
    assert {"النظام", "والنظام", "فالنظام", "بالنظام", "للنظام", "وللنظام", "فبالنظام", "كالنظام",
            "ونظامه"} - forms == {"ونظامه"}  # the article is part of the term
    assert surface_forms(("قال",), "exact") == (frozenset({"قال"}),)


def test_layered_lexicons_give_one_hit_per_span(mini):
    # the longest match wins across lexicons too: «النظام» of the second lexicon is inside it
    other = Lexicon.from_entries("other", [{"term": "النظام", "category": "x", "actor": "sg"}])
    hits = Matcher([mini, other]).find("قوات النظام")
    assert [(h.lexicon, h.term) for h in hits] == [("mini", "قوات النظام")]
    # the same term in both: the lexicon given first wins
    assert [(h.lexicon, h.actor) for h in Matcher([mini, other]).find("إن النظام")] == [("mini", "syrian_government")]
    assert [(h.lexicon, h.category) for h in Matcher([other, mini]).find("إن النظام")] == [("other", "x")]


# --- errors: every message names file:line and the fix -----------------------------------


def write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "bad.yaml"
    p.write_text(body, encoding="utf-8")
    return p


HEAD = "name: t\nkind: framing\ncategories:\n  actor_label: x\nactors:\n  russia: r\nentries:\n"


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        (HEAD + "  - {term: روسيا, category: actor_label, stance: 1.5}\n", "outside [-1, 1]", 8),
        (HEAD + "  - {term: روسيا, category: nope}\n", "unknown category 'nope'", 8),
        (HEAD + "  - {term: روسيا, category: actor_label, actor: iran}\n", "unknown actor 'iran'", 8),
        (HEAD + "  - {term: الإرهابيين, category: actor_label}\n  - {term: الارهابيين, category: actor_label}\n",
         "duplicates 'الإرهابيين' at line 8", 9),
        (HEAD + "  - {term: '؟؟', category: actor_label}\n", "can never match", 8),
        (HEAD + "  - {term: روسيا, category: actor_label, stance: high}\n", "not a number", 8),
        (HEAD + "  - {category: actor_label}\n", "no 'term'", 8),
        (HEAD + "  - {term: روسيا, category: actor_label, colour: red}\n", "unknown entry field", 8),
        (HEAD + "  - {term: روسيا, category: actor_label\n", "invalid YAML", None),
        ("kind: framing\nentries: []\n", "missing 'name'", 1),
        ("name: t\nkind: poetry\n", "unknown kind 'poetry'", 2),
    ],
)
def test_invalid_files_name_file_line_and_fix(tmp_path, body, message, line):
    path = write(tmp_path, body)
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    text = str(err.value)
    assert message in text
    assert str(path) in text
    if line is not None:
        assert f"{path}:{line}:" in text
    assert " — " in text  # a hint follows


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon(tmp_path / "none.yaml")
    with pytest.raises(LexiconError, match="not found"):
        load_lexicons(tmp_path / "nodir")


def test_duplicate_lexicon_names(tmp_path, data_dir):
    shutil.copy(data_dir / "lexicons" / "mini.yaml", tmp_path / "a.yaml")
    shutil.copy(data_dir / "lexicons" / "mini.yaml", tmp_path / "b.yaml")
    with pytest.raises(LexiconError, match="two lexicons are named 'mini'"):
        load_lexicons(tmp_path)


# --- properties: diacritics and tatweel never change a match; offsets always slice the text ---

SYRIA = Path(__file__).resolve().parents[1] / "lexicons" / "syria.yaml"
#: harakat, tanween, shadda, sukun (U+064B–U+0652) and tatweel
MARKS = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0640"]
CONTEXTS = [("وقالت المصادر إن ", " في المنطقة."), ("", ""), ("عاجل: ", "\nوأضاف المصدر أن الوضع هادئ.")]
NOISE = [*MARKS, "\u0653", "\u0654", "\u0670", "ﻻ", "ﷲ", "\ufeff", "\u200d", "\u00a0", "\r\n", "\n", ".", "،",
         "؟", " - ", "—", "«", "»", "“", "٣", "3.5", " ", "  "]


@lru_cache(maxsize=1)
def syria_matcher() -> tuple[Lexicon, Matcher]:
    lexicon = load_lexicon(SYRIA)
    return lexicon, Matcher([lexicon])


@st.composite
def decorated_terms(draw):
    """A syria.yaml entry, its term, and the term with marks inserted between its letters."""
    entry = draw(st.sampled_from(syria_matcher()[0].entries))
    term = entry.term
    out = [term[0]]
    for prev, char in pairwise(term):
        if prev.isalpha() and char.isalpha():
            out.extend(draw(st.lists(st.sampled_from(MARKS), max_size=3)))
        out.append(char)
    return entry, term, "".join(out)


def assert_offsets_hold(text: str, hits) -> None:
    for h in hits:
        assert 0 <= h.start < h.end <= len(text)
        assert text[h.start:h.end] == h.matched
        assert 0 <= h.sentence_start <= h.start and h.end <= h.sentence_end <= len(text)
    assert [h.start for h in hits] == sorted(h.start for h in hits)


@settings(max_examples=300, deadline=None)
@given(decorated_terms(), st.sampled_from(CONTEXTS))
def test_diacritics_and_tatweel_inside_a_term_do_not_change_the_match(decorated, context):
    entry, term, marked = decorated
    _lexicon, matcher = syria_matcher()
    before, after = context
    plain_text, marked_text = before + term + after, before + marked + after
    plain, found = matcher.find(plain_text), matcher.find(marked_text)
    assert [h.entry_id for h in found] == [h.entry_id for h in plain]
    covering = [h for h in found if h.start < len(before) + len(marked) and len(before) < h.end]
    assert [(h.entry_id, h.start, h.end) for h in covering] == [(entry.id, len(before), len(before) + len(marked))]
    assert covering[0].matched == marked
    assert_offsets_hold(marked_text, found)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_find_never_crashes_and_offsets_hold_on_any_text(text):
    assert_offsets_hold(text, syria_matcher()[1].find(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([e.term for e in syria_matcher()[0].entries]), st.sampled_from(NOISE),
                          st.text(max_size=3)), max_size=15).map("".join))
def test_offsets_hold_on_terms_mixed_with_noise(text):
    hits = syria_matcher()[1].find(text)
    assert_offsets_hold(text, hits)


# --- the index: a token matches exactly the surface forms ---------------------------------------

_HEADS = ["الاحتلال", "روسيا", "حكومه", "مسلحون", "نظام", "قوي", "الله", "اله", "مع", "جيش"]
_AFFIX = st.sampled_from(["", "و", "ف", "ب", "ل", "ك", "ال", "لل", "وال", "بال", "ولل", "فب", "وك"])
_SUFFIX = st.sampled_from(["", "ه", "ها", "هم", "هما", "ات", "ون", "ين", "ي", "يه", "يين", "تها", "اتهم", "تين", "و"])


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_HEADS), _AFFIX, _SUFFIX, st.booleans())
def test_a_one_word_entry_matches_exactly_its_surface_forms(head, prefix, suffix, exact):
    """The matcher analyses tokens back to entry words; whatever it finds must be what the
    forward rules (``surface_forms``) say, no more and no less."""
    mode = "exact" if exact else "affix"
    matcher = Matcher([Lexicon.from_entries("p", [{"term": head, "category": "c", "match": mode}])])
    token = prefix + head + suffix
    expected = token in surface_forms((head,), mode)[0]
    assert bool(matcher.find(f"قال {token} امس")) is expected, token


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_HEADS), _AFFIX, st.sampled_from(["السوري", "الروسي", "الوطني"]), _SUFFIX)
def test_a_two_word_entry_takes_proclitics_first_and_suffixes_last(head, prefix, second, suffix):
    matcher = Matcher([Lexicon.from_entries("p", [{"term": f"{head} {second}", "category": "c"}])])
    text = f"{prefix}{head} {second}{suffix}"
    forms = surface_forms((head, second))
    expected = prefix + head in forms[0] and second + suffix in forms[1]
    assert bool(matcher.find(text)) is expected, text


# --- the one YAML reader --------------------------------------------------------------------------


def test_yaml_reader_positions_flow_style_and_merge_keys():
    from framing.lexicon import read_yaml

    data = read_yaml(
        "base: &b {category: actor_label, stance: 0.0}\n"
        "entries:\n"
        "  - {<<: *b, term: روسيا}\n"
        "  - term: النظام\n"
        "    <<: *b\n"
        "    stance: -0.4\n"
        "flow: [1, 2]\n")
    first, second = data["entries"]
    assert first == {"category": "actor_label", "stance": 0.0, "term": "روسيا"}
    assert second == {"term": "النظام", "stance": -0.4, "category": "actor_label"}
    assert data["entries"].lc.item(1) == (3, 4) and data.lc.key("flow") == (6, 0)
    assert second.lc.key("stance") == (5, 4) and second.lc.value("stance") == (5, 12)
    assert data["flow"].fa.flow_style() and not data["entries"].fa.flow_style()


@pytest.mark.parametrize(("text", "message", "line"), [
    ("a: 1\n---\nb: 2\n", "more than one YAML document", 2),
    ("a: *nowhere\n", "unknown alias", 1),
    ("a: [1, 2\n", "invalid YAML", 2),
    ("a: 1\na: 2\n", r"duplicate key 'a' \(also line 1\)", 2),
])
def test_yaml_reader_refuses_with_the_line(text, message, line):
    from framing.lexicon import read_yaml

    with pytest.raises(LexiconError, match=message) as err:
        read_yaml(text, path="x.yaml")
    assert err.value.line == line and err.value.path == "x.yaml"


def test_reloading_an_unchanged_file_skips_parsing_but_sees_every_edit(tmp_path, monkeypatch):
    from framing.lexicon import model

    path = tmp_path / "mini.yaml"
    path.write_text("name: mini\nkind: framing\nactors: {russia: Russia}\ncategories: {actor_label: labels}\n"
                    "entries:\n  - {term: روسيا, actor: russia, category: actor_label, stance: 0}\n",
                    encoding="utf-8")
    first = load_lexicon(path)
    first.entries.clear()  # a caller editing its copy
    parsed = []
    real = model.lexicon_from_data
    monkeypatch.setattr(model, "lexicon_from_data", lambda *a, **k: parsed.append(1) or real(*a, **k))
    again = load_lexicon(path)
    assert parsed == [] and [e.term for e in again.entries] == ["روسيا"] and again.sha256 == first.sha256
    path.write_text(path.read_text(encoding="utf-8").replace("stance: 0", "stance: -1"), encoding="utf-8")
    edited = load_lexicon(path)
    assert parsed == [1] and edited.entries[0].stance == -1.0 and edited.sha256 != first.sha256
    monkeypatch.setenv("FRAMING_MAX_LEXICON_ENTRIES", "0")  # the bounds in force are part of the key
    with pytest.raises(LexiconError, match="more than the 0 entries"):
        load_lexicon(path)


# --- the matcher's token filter and caches ------------------------------------------------------

_FILTER_LEX = [
    {"term": "الجيش السوري", "actor": "sg", "category": "label"},
    {"term": "حكومة", "actor": "gov", "category": "label"},
    {"term": "مسلحون", "category": "label"},
    {"term": "مرسي", "actor": "morsi", "category": "label", "match": "name"},
    {"term": "الأسد", "actor": "assad", "category": "label", "match": "name"},
    {"term": "قوات الأمن", "actor": "police", "category": "label"},
    {"term": "الثورة", "category": "loaded", "match": "exact"},
]


@pytest.mark.parametrize("size", ["small", "big", "huge"])
def test_every_surface_form_of_a_first_word_starts_its_entry(size):
    """The token filters (the listed forms of a small lexicon; the peeled bases of a big one;
    the two-letter starts of a huge one) never drop a real form: every form the forward rules
    give finds its entry."""
    m = Matcher([Lexicon.from_entries("f", _FILTER_LEX)])
    if size != "small":
        m._forms = None  # as for a lexicon with too many forms to list
    if size == "huge":
        m._base_forms = m._suffixed_forms = None  # too many suffixed forms as well
    for heads in (m._exact_heads, m._name_heads, m._single_heads, m._multi_heads):
        for comps in heads.values():
            for comp in comps:
                for form in comp.forms[0]:
                    assert comp in m._heads(form), (comp.entry.term, form)
    assert m._heads("والحكومات") and m._heads("وبمرسي") and m._heads("للأسد".replace("أ", "ا"))
    assert not m._heads("المرسي") and not m._heads("حكم") and not m._heads("والثورة")


def test_small_and_big_lexicon_paths_find_the_same_hits():
    text = ("قالت حكومتنا إن مسلحين هاجموا قوات الأمن، وأعلن الجيش السوري وللجيش السوري بيانا. "
            "والتقى مرسي بمسلحيهم. وقال للأسد إن حكومات الثورة والثورة باقية")
    small = Matcher([Lexicon.from_entries("f", _FILTER_LEX)])
    big = Matcher([Lexicon.from_entries("f", _FILTER_LEX)])
    big._forms = None
    huge = Matcher([Lexicon.from_entries("f", _FILTER_LEX)])
    huge._forms = huge._base_forms = huge._suffixed_forms = None
    hits = small.find(text)
    assert hits == big.find(text) == huge.find(text)
    assert [h.matched for h in hits] == ["حكومتنا", "مسلحين", "قوات الأمن", "الجيش السوري", "وللجيش السوري",
                                         "مرسي", "بمسلحيهم", "للأسد", "حكومات", "الثورة"]
    info = small.cache_info()
    assert info["held"] <= len(small._forms) and 0 < info["misses"] <= info["lookups"]


def test_token_cache_is_bounded_and_forgets_nothing_it_needs(monkeypatch):
    import framing.lexicon.matcher as matcher_module

    monkeypatch.setattr(matcher_module, "_SEEN_LIMIT", 6)
    texts = ["قالت حكومة مصر إن مسلحين هاجموا الجيش السوري في حلب",
             "وقالت الحكومة المصرية إن الجيش السوري قصف ريف حلب الشمالي بالمدفعية",
             "أعلنت حكومتنا أن المسلحين انسحبوا من قرى ريف إدلب الجنوبي",
             "قالت حكومة مصر إن مسلحين هاجموا الجيش السوري في حلب"]
    m = Matcher([Lexicon.from_entries("f", _FILTER_LEX)])
    m._forms = None  # the generational cache of a big lexicon
    for text in texts * 2:
        fresh = Matcher([Lexicon.from_entries("f", _FILTER_LEX)])
        assert m.find(text) == fresh.find(text)
        longest = max(len(set(t.split())) for t in texts)
        assert m.cache_info()["held"] <= 2 * 6 + longest
    info = m.cache_info()
    assert info["hit_rate"] > 0  # the repeated texts came back from the old generation
