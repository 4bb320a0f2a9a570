"""The extractor's shortcuts give what the long way gives: the named sources of a sentence sliced
from one matcher pass over the whole text are those of a pass over the sentence alone."""

from __future__ import annotations

import pytest

from framing.attribution import _SOURCING_FIRST, AttributionExtractor, _SentenceSources
from framing.lexicon import load_lexicon
from framing.records import Hit


@pytest.fixture(scope="module")
def adir(data_dir):
    return data_dir / "attribution"


@pytest.fixture(scope="module")
def extractor(adir):
    return AttributionExtractor(verbs=[load_lexicon(adir / "reporting_verbs.yaml")],
                                sources=[load_lexicon(adir / "sources.yaml")])


@pytest.fixture(scope="module")
def bundled():
    return AttributionExtractor()  # the bundled reporting verbs and sources


#: sources in several sentences, a multi-word one at a sentence start and end, one over a line break
TEXTS = [
    "قال مسؤول في وزارة الداخلية إن الوضع هادئ. وأضاف المتحدث باسم الجيش أن القوات انسحبت.\n"
    "وذكرت وكالة رويترز أن الجيش نفى ذلك، بحسب مصادر أمنية.",
    "وزارة الداخلية\nالجيش أكد أن «الهدنة صامدة». ونقلت وكالة الأنباء عن مصدر عسكري قوله إن الهجوم فشل؟",
    "الجيش. الجيش، وزارة الداخلية - الجيش… مصادر أمنية",
]


def _sentences(doc):
    return range(len(doc.sent_starts))


@pytest.mark.parametrize("text", TEXTS)
def test_sliced_sources_equal_one_pass_per_sentence(bundled, text):
    doc = bundled._prepare(text, "d")
    sliced = doc.sentence_sources
    assert isinstance(sliced, _SentenceSources)
    found = 0
    for j in _sentences(doc):
        per_sentence = sliced._find(sliced._lo[j], sliced._hi[j])
        got = sliced(j)
        assert [(i0, i1, h.lexicon, h.entry_id) for i0, i1, h in got] == \
               [(i0, i1, h.lexicon, h.entry_id) for i0, i1, h in per_sentence]
        found += len(got)
    assert found >= 2  # the fixtures name sources: the comparison is not of empty lists
    assert sliced._firsts is not None  # (and the whole pass was used, not the fallback)


def test_seed_sources_equal_one_pass_per_sentence(extractor, adir):
    found = 0
    for n in range(5):
        text = (adir / f"seed_{n:03d}.txt").read_text(encoding="utf-8")
        doc = extractor._prepare(text, "d")
        sliced = doc.sentence_sources
        for j in _sentences(doc):
            found += len(sliced(j))
            assert [h[:2] for h in sliced(j)] == [h[:2] for h in sliced._find(sliced._lo[j], sliced._hi[j])]
    assert found >= 20


def _hit(i: int) -> Hit:
    return Hit(doc_id="d", lexicon="sources", term="الجيش", matched="الجيش", start=i, end=i + 1,
               category="military", stance=0.0, entry_id=f"e{i}", sentence_start=0, sentence_end=0)


def test_a_hit_across_a_sentence_end_falls_back_to_one_pass_per_sentence():
    calls = []
    whole = [(0, 1, _hit(0)), (2, 4, _hit(2)), (5, 6, _hit(5))]  # tokens 2–3 cross the end of sentence 0

    def find(lo=0, hi=None):
        calls.append((lo, hi))
        if hi is None:
            return whole
        return [h for h in whole if lo <= h[0] and h[1] <= hi]

    starts = [0, 5, 10, 15, 20, 25]  # six tokens; sentences [0, 3) and [3, 6) in tokens
    sliced = _SentenceSources(find, starts, [0, 15], [14, 29])
    assert [h[:2] for h in sliced(0)] == [(0, 1)]  # not the crossing hit: what a pass over tokens 0–2 gives
    assert [h[:2] for h in sliced(1)] == [(5, 6)]
    assert calls == [(0, None), (0, 3), (3, 6)]


def test_hits_within_sentences_are_sliced_from_one_pass():
    calls = []
    whole = [(0, 1, _hit(0)), (1, 3, _hit(1)), (4, 5, _hit(4))]

    def find(lo=0, hi=None):
        calls.append((lo, hi))
        return whole

    sliced = _SentenceSources(find, [0, 5, 10, 15, 20, 25], [0, 15], [14, 29])
    assert [h[:2] for h in sliced(1)] == [(4, 5)]
    assert [h[:2] for h in sliced(0)] == [(0, 1), (1, 3)]
    assert calls == [(0, None)]  # one pass for the whole text


@pytest.mark.parametrize("text, claims", [
    # the clause ends before a final sourcing phrase (found among the words a sourcing cue starts with)
    ("قال الوزير إن الجيش انسحب من المدينة، بحسب وكالة رويترز.", ["الجيش انسحب من المدينة"]),
    # and before a participle cue after a comma (found among the verb positions)
    ("وقال الوزير إن الهدنة صامدة، مشيرا إلى أن المفاوضات مستمرة.", ["الهدنة صامدة", "المفاوضات مستمرة"]),
    # no cut where the sourcing word has no comma before it, nor after a verb without one
    ("قال الوزير إن الجيش انسحب بحسب الخطة المتفق عليها.", ["الجيش انسحب بحسب الخطة المتفق عليها"]),
])
def test_clause_ends_found_from_the_cue_positions(bundled, text, claims):
    got = [a.quote_text for a in bundled.extract(text) if a.kind == "reported_speech"]
    assert got == claims
    doc = bundled._prepare(text, "d")
    assert doc.verb_positions() == sorted(doc.verbs)
    assert doc.sourcing_positions() == [k for k, t in enumerate(doc.norms) if t in _SOURCING_FIRST]


@pytest.mark.parametrize("wanted", [set(), {"قال"}, {"قال", "الجيش"}, {"قال", "الجيش", "مصدر", "ان"}])
def test_positions_for_few_and_many_words(wanted):
    from framing.attribution import _positions
    from framing.normalize import normalize_ar

    tokens = normalize_ar("قال الجيش إن مصدر قال إن الجيش انسحب وقال مصدر").split()
    assert _positions(tokens, wanted) == [i for i, t in enumerate(tokens) if t in wanted]


def _per_sentence(doc, s, e):
    """:meth:`_Doc.sources_in` the long way: each sentence of tokens s .. e-1, its sources starting in [s, e)."""
    import bisect

    j0 = max(0, bisect.bisect_right(doc.sent_starts, doc.starts[s]) - 1)
    j1 = bisect.bisect_right(doc.sent_starts, doc.starts[e - 1]) - 1
    return [h for j in range(j0, j1 + 1) for h in doc.sentence_sources(j) if s <= h[0] < e]


@pytest.mark.parametrize("text", TEXTS)
def test_sources_of_a_phrase_sliced_from_the_whole_pass(bundled, text):
    """Every token range's sources, cut from the whole pass at once, are those of its sentences' passes."""
    doc = bundled._prepare(text, "d")
    n = len(doc.norms)
    found = 0
    for s in range(n):
        for e in range(s + 1, n + 1):
            got = doc.sources_in(s, e)
            assert [(i0, i1, h.entry_id) for i0, i1, h in got] == \
                   [(i0, i1, h.entry_id) for i0, i1, h in _per_sentence(doc, s, e)]
            found += len(got)
    assert found > 0 and doc.sliced(0, n) is not None  # (the whole pass was sliced, not the fallback)


def test_sources_of_a_phrase_with_a_hit_across_a_sentence_end_go_by_sentence():
    whole = [(0, 1, _hit(0)), (2, 4, _hit(2)), (5, 6, _hit(5))]

    def find(lo=0, hi=None):
        return whole if hi is None else [h for h in whole if lo <= h[0] and h[1] <= hi]

    sliced = _SentenceSources(find, [0, 5, 10, 15, 20, 25], [0, 15], [14, 29])
    assert sliced.starting_in(0, 6) is None  # the caller matches sentence by sentence instead


@pytest.mark.parametrize("text, cue, speaker", [
    ("الحكومة فاشلة على حد تعبير وزير الخارجية.", "على حد تعبير", "وزير الخارجية"),
    ("انسحبت القوات من المدينة نقلا عن مصادر عسكرية.", "نقلا عن", "مصادر عسكرية"),
    ("قتل جندي في الهجوم استنادا إلى تقارير ميدانية.", "استنادا إلى", "تقارير ميدانية"),
])
def test_sourcing_words_need_their_next_word(bundled, text, cue, speaker):
    """«على»/«نقلا»/«استنادا» start a cue only before «حد»/«عن»/«إلى» (the check made first); before any other
    word ("وصل الوزير على متن طائرة", "نقلا مباشرا") they start none."""
    [a] = [a for a in bundled.extract(text) if a.kind == "sourcing"]
    assert (a.cue, a.speaker) == (cue, speaker)
    for other in ("وصل الوزير على متن طائرة خاصة، بحسب مصادر", "نقلا مباشرا للحدث، بحسب مصادر"):
        doc = bundled._prepare(other, "d")
        first = doc.sourcing_positions()[0]
        assert bundled._sourcing_cue(doc, first, doc.norms[first]) is None
        assert [x.cue for x in bundled.extract(other)] == ["بحسب"]
