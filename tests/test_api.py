"""framing.compare (a DataFrame, dicts, a path) → Result; Result.save / load_run round trips."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

import framing
from framing.errors import ConfigError, FramingError, RunError

# three short articles written for these tests, one per outlet
ARTICLES = [
    {"id": "a1", "outlet": "المدن", "date": "2019-05-14", "title": "قصف على ريف إدلب",
     "text": "قصفت قوات النظام بدعم من الاحتلال الروسي قرى ريف إدلب الجنوبي صباح اليوم.\n"
             "وتصدى الثوار لمحاولة تقدم على محور كفرنبودة."},
    {"id": "a2", "outlet": "روسيا اليوم", "date": "2019-05-14", "title": "الكرملين: الهدنة صامدة",
     "text": "قال الكرملين إن التشكيلات المسلحة المتطرفة تخرق الهدنة في إدلب.\n"
             "وأضاف أن الجيش السوري يرد على مصادر النيران."},
    {"id": "a3", "outlet": "الشرق الأوسط", "date": "2019-05-15", "title": "تركيا تدعو إلى التهدئة",
     "text": "دعت تركيا روسيا إلى وقف التصعيد في إدلب، فيما واصلت قوات النظام قصفها لبلدات الريف."},
]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.DataFrame(ARTICLES)


@pytest.fixture(scope="module")
def result(frame, tmp_path_factory):
    cwd = os.getcwd()
    empty = tmp_path_factory.mktemp("cwd")
    os.chdir(empty)  # nothing may be written to the working folder
    try:
        res = framing.compare(frame, topics=False)
    finally:
        os.chdir(cwd)
    assert list(empty.iterdir()) == []
    return res


def test_dataframe_gives_hits_with_offsets_into_the_texts(result, frame):
    texts = dict(zip(frame["id"], frame["text"], strict=True))
    titles = dict(zip(frame["id"], frame["title"], strict=True))
    hits = result.hits
    assert set(hits["doc_id"]) == {"a1", "a2", "a3"}
    assert set(hits["field"]) == {"text", "title"}
    for row in hits.itertuples():  # offsets index the field the hit is in
        assert (texts if row.field == "text" else titles)[row.doc_id][row.start:row.end] == row.matched
    a1 = hits[hits["doc_id"] == "a1"]
    assert {"قوات النظام", "الاحتلال الروسي", "الثوار"} <= set(a1["term"])
    assert a1.set_index("term").loc["الاحتلال الروسي", "actor"] == "russia"


def test_quoted_words_are_reported_voice_with_speaker(result):
    hits = result.hits
    quoted = hits[(hits["doc_id"] == "a2") & (hits["term"] == "التشكيلات المسلحة المتطرفة")]
    assert len(quoted) == 1
    assert quoted["voice"].iloc[0] == "reported"
    assert quoted["speaker"].iloc[0] == "الكرملين"
    att = result.attributions
    assert quoted["attribution_id"].iloc[0] in set(att["attribution_id"])
    # an authorial hit has no attribution: a real null in an integer column
    authorial = hits[hits["voice"] == "authorial"]
    assert authorial["attribution_id"].isna().all()
    assert str(hits["attribution_id"].dtype) == "Int64"


def test_documents_and_outlets_tables(result):
    docs = result.documents.set_index("doc_id")
    assert list(docs.index) == ["a3", "a1", "a2"]  # sorted by outlet, then id
    assert docs.loc["a1", "outlet"] == "المدن"
    assert docs.loc["a1", "mentions:syrian_government"] == 1
    assert docs.loc["a1", "stance:russia"] == pytest.approx(-1.0)
    assert str(docs["tokens"].dtype) == "Int64" and str(docs["independent"].dtype) == "boolean"
    outlets = result.outlets.set_index("outlet")
    assert sorted(outlets.index) == sorted(["المدن", "روسيا اليوم", "الشرق الأوسط"])
    assert outlets.loc["المدن", "documents"] == 1
    assert result.topics.empty  # topics=False
    assert result.problems.empty
    assert result.manifest["corpus"]["documents_analysed"] == 3
    assert result.manifest["corpus"]["path"] == "<pandas.DataFrame of 3 rows>"


def test_repr_counts_rows_per_table(result):
    text = repr(result)
    assert text.startswith("<framing.Result: 3 documents, 3 outlets, 2019-05-14 – 2019-05-15; not saved>")
    assert f"hits          {len(result.hits)}" in text
    assert "topics        0" in text
    page = result._repr_html_()  # what a notebook shows
    assert "<table>" in page and f"<td style='text-align:right'>{len(result.hits)}</td>" in page


def test_iterable_of_dicts_equals_the_dataframe(result):
    gen = (dict(a) for a in ARTICLES)  # a generator: read once
    other = framing.compare(gen, topics=False)
    pd.testing.assert_frame_equal(other.hits, result.hits)
    pd.testing.assert_frame_equal(other.documents, result.documents)
    assert other.manifest["corpus"]["path"] == "<iterable of 3 dicts>"


def test_custom_field_names(frame):
    renamed = frame.rename(columns={"text": "body", "outlet": "source"})
    res = framing.compare(renamed, text_field="body", outlet_field="source", topics=False, events=False,
                          attribution=False)
    assert sorted(res.documents["outlet"]) == sorted(frame["outlet"])
    assert res.attributions.empty


def test_ids_default_to_the_index_or_the_position(frame):
    indexed = frame.drop(columns=["id"]).set_axis(["x7", "y8", "z9"])
    res = framing.compare(indexed, topics=False, events=False, attribution=False)
    assert sorted(res.documents["doc_id"]) == ["x7", "y8", "z9"]
    assert res.problems.empty  # no "no id field" problem: the ids are the row labels
    dicts = [{k: v for k, v in a.items() if k != "id"} for a in ARTICLES]
    res = framing.compare(dicts, topics=False, events=False, attribution=False)
    by_id = res.documents.set_index("doc_id")["outlet"].to_dict()
    assert by_id == {"0": "المدن", "1": "روسيا اليوم", "2": "الشرق الأوسط"}


@pytest.mark.slow
def test_save_then_load_run_gives_equal_frames_and_dtypes(result, tmp_path):
    path = result.save(tmp_path / "run")
    assert result.saved_to == path and (path / "run.json").exists() and (path / "hits.parquet").exists()
    back = framing.load_run(path)
    for name in ("documents", "hits", "attributions", "outlets", "terms", "events", "problems"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(result, name), check_exact=True)
    assert back.manifest["options"]["out"] == str(path)  # run.json says where the run now lives
    assert {**back.manifest, "options": {}} == {**result.manifest, "options": {}}
    # a second save into the same place needs overwrite=True
    with pytest.raises(RunError, match="overwrite"):
        result.save(path)
    result.save(path, overwrite=True)
    assert framing.load_run(path).hits.shape == result.hits.shape


@pytest.mark.slow
def test_report_renders_html_into_the_saved_folder(result, tmp_path):
    with pytest.raises(RunError, match="not saved yet"):
        framing.compare([dict(ARTICLES[0])], topics=False, events=False).report()
    saved = result.save(tmp_path / "rep")
    assert not (saved / "report.html").exists()  # save: data, run.json, report.md only
    path = result.report(tmp_path / "rep")  # the folder it was saved to: rendered in place
    assert path == saved
    import hashlib
    import json

    manifest = json.loads((path / "run.json").read_text(encoding="utf-8"))
    assert {"report.html", "charts/stance_heatmap.png", "hits.parquet"} <= set(manifest["files"])
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((path / name).read_bytes()).hexdigest() == digest, name
    assert manifest["options"]["html"] is True and manifest["options"]["out"] == str(path)
    html = (path / "report.html").read_text(encoding="utf-8")
    assert "الاحتلال الروسي" in html
    assert (path / "charts" / "stance_heatmap.png").exists()


# --- user mistakes: FramingError subclasses with the fix -----------------------------------


def test_dataframe_without_text_column_names_the_fix(frame):
    with pytest.raises(ConfigError) as info:
        framing.compare(frame.drop(columns=["text"]), topics=False)
    message = str(info.value)
    assert "no column 'text'" in message and "text_field=" in message and "\n" not in message


@pytest.mark.parametrize(("corpus", "expected"), [
    (42, "cannot read a corpus from a int"),
    ({"text": "نص"}, "cannot read a corpus from a dict"),
    (["قوات النظام"], "corpus item 1 is a str, not a dict"),
    ([{"body": "قصفت قوات النظام"}], "no record has the field 'text'"),
])
def test_bad_corpus_objects(corpus, expected):
    with pytest.raises(ConfigError, match=expected):
        framing.compare(corpus, topics=False)


def test_bad_options(frame, tmp_path):
    with pytest.raises(ConfigError, match="unknown option 'n_topic'"):
        framing.compare(frame, n_topic=3)
    with pytest.raises(ConfigError, match="format 'xlsx'"):
        framing.compare(frame, format="xlsx")
    with pytest.raises(ConfigError, match="no column 'source'"):
        framing.compare(frame, outlet_field="source")
    with pytest.raises(FramingError):
        framing.compare(frame, lexicons=tmp_path / "no-such-lexicons")
    with pytest.raises(ConfigError, match="overwrite= needs out="):
        framing.compare(frame, overwrite=True)
    with pytest.raises(ConfigError, match="charts= needs out="):
        framing.compare(frame, charts=False)
    with pytest.raises(ConfigError, match=r"n_boot='many' has the wrong type \(expected int\)"):
        framing.compare(frame, n_boot="many")
    with pytest.raises(ConfigError, match=r"topics='no' has the wrong type \(expected bool\)"):
        framing.compare(frame, topics="no")
    with pytest.raises(ConfigError, match="lexicons= takes a folder or file path"):
        framing.compare(frame, lexicons=[framing.load_lexicons()[0]])
    with pytest.raises(FramingError):
        framing.compare(tmp_path / "missing.jsonl")


def test_load_run_refuses_folders_that_are_not_runs(tmp_path):
    with pytest.raises(RunError, match="no such run folder"):
        framing.load_run(tmp_path / "nothing")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "INCOMPLETE").write_text("x", encoding="utf-8")
    with pytest.raises(RunError, match="unfinished or interrupted"):
        framing.load_run(tmp_path / "half")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "run.json").write_text('{"name": "not ours"}', encoding="utf-8")
    with pytest.raises(RunError, match=r"not a run\.json written by framing"):
        framing.load_run(tmp_path / "other")


def test_unknown_table_name(result):
    with pytest.raises(ConfigError, match="no table named 'hit'"):
        result.table("hit")


def test_public_api_names():
    import framing.compare  # the outlet-statistics submodule does not shadow the function
    from framing.compare import outlet_scores

    assert callable(outlet_scores)
    assert framing.compare is framing.api.compare
    assert framing.load_run is framing.result.load_run
    assert {"compare", "load_run", "Result", "load_corpus"} <= set(framing.__all__)
    with pytest.raises(AttributeError):
        _ = framing.no_such_name


@pytest.mark.slow
def test_compare_a_path_with_every_stage(seeds_dir, tmp_path):
    res = framing.compare(seeds_dir)
    assert res.manifest["corpus"]["documents_analysed"] == 5
    assert len(res.topics) >= 2 and {"topic", "label", "top_words"} <= set(res.topics.columns)
    assert any(c.startswith("topic:") for c in res.outlets.columns)
    assert len(res.table("topic_mix")) > 0 and len(res.events) > 0
    back = framing.load_run(res.save(tmp_path / "all"))
    for name in ("topics", "events", "outlets"):
        pd.testing.assert_frame_equal(back.table(name), res.table(name))


def test_unwritable_target_is_a_run_error(result, tmp_path, monkeypatch):
    import shutil

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    loaded = framing.load_run(result.save(tmp_path / "saved"))
    with monkeypatch.context() as patch:  # a result held in memory: the tables are written
        patch.setattr(Path, "write_bytes", full)
        with pytest.raises(RunError, match="No space left on device"):
            result.save(tmp_path / "full")
    assert not (tmp_path / "full").exists()
    monkeypatch.setattr(shutil, "copyfile", full)  # a loaded run: its files are copied
    with pytest.raises(RunError, match="No space left on device"):
        loaded.save(tmp_path / "full")
    assert not (tmp_path / "full").exists()


def test_damaged_tables_are_a_one_line_run_error(result, tmp_path):
    path = result.save(tmp_path / "damaged")
    data = (path / "hits.parquet").read_bytes()
    (path / "hits.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(RunError, match=r"hits\.parquet.*cannot read this Parquet file") as info:
        _ = framing.load_run(path).hits
    assert "\n" not in str(info.value)
    (path / "attributions.parquet").unlink()
    csv = path / "attributions.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("\n", "\nنص,غير,صالح,للعدد\n", 1), encoding="utf-8")
    with pytest.raises(RunError, match=r"attributions\.csv.*cannot read this table"):
        _ = framing.load_run(path).attributions


def test_csv_only_run_reads_with_the_same_dtypes(frame, result):
    import tempfile

    csv_only = framing.compare(frame, topics=False, format="csv")
    assert f"hits          {len(result.hits)}" in repr(csv_only)  # held in memory
    with tempfile.TemporaryDirectory() as tmp:
        saved = framing.load_run(csv_only.save(Path(tmp) / "run"))
        assert "not loaded (hits.csv" in repr(saved)  # counted without reading the big table
        pd.testing.assert_frame_equal(saved.hits, result.hits)
    pd.testing.assert_frame_equal(csv_only.hits, result.hits)  # floats of the fixture survive %.6g
    assert csv_only.hits.dtypes.equals(result.hits.dtypes)


def test_some_columns_of_a_big_table_and_its_file(frame, result):
    part = result.table("excluded", ["doc_id", "reason"])  # not cached: a subset
    assert list(part.columns) == ["doc_id", "reason"]
    csv_only = framing.compare(frame, topics=False, events=False, format="csv")
    for res, suffix in ((result, ".parquet"), (csv_only, ".csv")):
        assert res.path("hits").suffix == suffix
        terms = res.table("hits", ["doc_id", "term"])
        assert list(terms.columns) == ["doc_id", "term"] and str(terms["term"].dtype) == "string"
        assert ("a1", "الاحتلال الروسي") in set(terms.itertuples(index=False, name=None))
        with pytest.raises(ConfigError, match="the hits table has no column 'speech'"):
            res.table("hits", ["doc_id", "speech"])
    assert result.path("topics") is None  # topics=False
    import duckdb

    n = duckdb.sql(f"SELECT count(*) FROM '{result.path('hits')}' WHERE voice = 'reported'").fetchall()[0][0]
    assert n == int((result.hits["voice"] == "reported").sum()) > 0


def test_carriage_returns_in_fields_do_not_split_csv_rows():
    records = [{"id": "r1", "outlet": "المدن\r", "title": "عنوان\rثان", "text": "قصفت قوات النظام ريف إدلب."},
               {"id": "r2", "outlet": "عنب بلدي", "title": "خبر", "text": "تصدى الثوار لهجوم على الريف."}]
    res = framing.compare(records, topics=False, events=False, format="csv")
    docs = res.documents.set_index("doc_id")
    assert len(docs) == 2
    assert docs.loc["r1", "title"] == "عنوان\nثان" and docs.loc["r1", "outlet"] == "المدن"


def test_input_problems_and_strict_mode(frame):
    import glob
    import tempfile

    from framing.errors import CorpusError, StrictModeError

    before = set(glob.glob(f"{tempfile.gettempdir()}/framing-result-*"))
    broken = pd.concat([frame, pd.DataFrame([{"id": "a4", "outlet": "المدن", "text": "   "}])], ignore_index=True)
    res = framing.compare(broken, topics=False, events=False)
    assert len(res.documents) == 3
    assert res.problems["action"].tolist() == ["skipped"] and res.problems["doc_id"].tolist() == ["a4"]
    with pytest.raises(StrictModeError, match="1 input problem"):
        framing.compare(broken, topics=False, events=False, strict=True)
    assert res.problems["source"].tolist() == ["<DataFrame>"] and res.problems["line"].tolist() == [4]
    assert res.manifest["problems"][0]["source"] == "<DataFrame>"
    with pytest.raises(CorpusError) as info:
        framing.compare(frame.assign(text=""), topics=False, events=False)
    assert "<DataFrame>:1 (empty document)" in str(info.value) and "dataframe.jsonl" not in str(info.value)
    del res
    import gc

    gc.collect()
    assert set(glob.glob(f"{tempfile.gettempdir()}/framing-result-*")) <= before  # private folders removed


@pytest.mark.slow
def test_out_streams_the_run_folder_that_save_writes(frame, result, tmp_path):
    res = framing.compare(frame, out=tmp_path / "direct", topics=False, charts=False, html=False)
    direct = tmp_path / "direct"
    assert res.saved_to == direct and (direct / "run.json").exists() and not (direct / "report.html").exists()
    assert res.manifest["corpus"]["path"] == "<pandas.DataFrame of 3 rows>"
    assert res.manifest["options"]["out"] == str(direct)
    pd.testing.assert_frame_equal(res.hits, result.hits)
    saved = result.save(tmp_path / "saved")
    names = sorted(p.name for p in direct.iterdir() if p.suffix in (".csv", ".parquet", ".md"))
    assert names == sorted(p.name for p in saved.iterdir() if p.suffix in (".csv", ".parquet", ".md"))
    assert {"hits.csv", "hits.parquet", "attributions.csv", "documents.csv", "outlets.csv", "report.md"} <= set(names)
    for name in names:  # streamed while analysing, or written from memory by save: the same bytes
        assert (direct / name).read_bytes() == (saved / name).read_bytes(), name
    with pytest.raises(RunError, match="overwrite"):
        framing.compare(frame, out=direct, topics=False)
    assert framing.load_run(direct).manifest == res.manifest
