"""--since/--until/--outlets: documents filtered while the corpus is read, counted, never problems."""

import json

import pytest

from framing.corpus import load_corpus
from framing.corpus.filters import DocumentFilter, parse_day
from framing.errors import ConfigError, CorpusError

RECORDS = [
    {"id": "a1", "source": "المدن", "date": "2013-01-31 23:59:00",
     "text": "قصفت قوات النظام ريف إدلب الجنوبي، وقال ناشطون إن الغارات استهدفت سوقاً شعبية."},
    {"id": "a2", "source": "المدن", "date": "2013-02-01",
     "text": "تصدى الثوار لمحاولة تقدم قوات النظام على جبهة كفرنبودة في ريف حماة."},
    {"id": "b1", "source": "عنب بلدي", "date": "14/02/2013",
     "text": "أعلنت فصائل المعارضة سيطرتها على حاجز عسكري قرب مدينة معرة النعمان."},
    {"id": "b2", "source": "عنب بلدي", "date": "",
     "text": "نزحت مئات العائلات من قرى جبل الزاوية هرباً من القصف المتواصل."},
    {"id": "c1", "source": "روسيا اليوم", "date": "2013-02-28",
     "text": "قال الكرملين إن التشكيلات المسلحة المتطرفة تخرق الهدنة في إدلب."},
    {"id": "c2", "source": "روسيا اليوم", "date": "2013-03-01",
     "text": "بحث وزيرا الخارجية الروسي والتركي الوضع في شمال غربي سوريا هاتفياً."},
]


@pytest.fixture
def corpus_file(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    return path


def _ids(corpus):
    return [d.doc_id for d in corpus.iter_documents()]


def _load(path, **kw):
    return load_corpus(path, outlet_field="source", **kw)


def test_dates_are_inclusive_and_undated_documents_are_left_out_and_counted(corpus_file):
    corpus = _load(corpus_file, since="2013-02-01", until="2013-02-28")
    assert _ids(corpus) == ["a2", "b1", "c1"]  # both bounds kept; 14/02/2013 read day first
    assert corpus.filtered_out() == {"after until": 1, "before since": 1, "no date": 1}
    assert len(corpus) == 3
    assert not [p for p in corpus.problems if p.doc_id in ("a1", "b2", "c2")]  # counted, not problems


def test_outlets_comma_separated_or_repeated(corpus_file):
    assert _ids(_load(corpus_file, outlets="المدن,روسيا اليوم")) == ["a1", "a2", "c1", "c2"]
    corpus = _load(corpus_file, outlets=["عنب بلدي"])
    assert _ids(corpus) == ["b1", "b2"]  # no date filter: the undated document stays
    assert corpus.filtered_out() == {"outlet not selected": 4}


def test_an_unknown_outlet_is_an_error_naming_the_outlets(corpus_file):
    with pytest.raises(ConfigError, match=r"'الجزيرة' not in the corpus \(outlets: المدن, روسيا اليوم, عنب بلدي\)"):
        _load(corpus_file, outlets="الجزيرة,المدن").filtered_out()


def test_nothing_left_names_the_filter(corpus_file):
    with pytest.raises(CorpusError, match=r"no document passes --since 2014-01-01 \(5 before since, 1 no date\)"):
        _load(corpus_file, since="2014-01-01")


def test_without_a_filter_nothing_is_counted(corpus_file):
    corpus = _load(corpus_file)
    assert len(_ids(corpus)) == 6 and corpus.filtered_out() == {}


def test_partitions_apply_the_filter_like_the_iteration(tmp_path):
    for k in range(3):  # a glob of three shards, each read by a worker on its own
        (tmp_path / f"part-{k}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS[2 * k:2 * k + 2]), encoding="utf-8")
    corpus = _load(str(tmp_path / "part-*.jsonl"), until="2013-02-14", outlets=["المدن", "عنب بلدي"])
    streamed = _ids(corpus)
    parted = [d.doc_id for p in corpus.partitions() for d in p.iter_documents()]
    assert streamed == parted == ["a1", "a2", "b1"]


@pytest.mark.parametrize(("since", "until", "message"), [
    ("2013-13-01", None, "since='2013-13-01' is not a date"),
    ("1/2/2013", None, "write it as YYYY-MM-DD"),
    ("2013-03-01", "2013-02-01", "since=2013-03-01 is after until=2013-02-01"),
])
def test_bad_dates_are_config_errors(since, until, message):
    with pytest.raises(ConfigError, match=message):
        DocumentFilter.build(since=since, until=until)


def test_parse_day_takes_toml_dates():
    import datetime as dt

    assert parse_day(dt.date(2013, 2, 1), "since") == "2013-02-01"
    assert DocumentFilter.build() is None
