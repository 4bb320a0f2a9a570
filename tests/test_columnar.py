"""Parquet outputs: declared column types, streaming row groups, --format, pandas and DuckDB readers."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from framing import pipeline
from framing.errors import ConfigError
from framing.output import ParquetStream, RunOutput, table_formats
from framing.pipeline import CompareOptions, run_compare
from framing.records import (
    ATTRIBUTION_SCHEMA,
    DOCUMENT_BASE_SCHEMA,
    EXCLUDED_SCHEMA,
    HIT_SCHEMA,
    Column,
    arrow_schema,
    column_names,
    document_schema,
)
from framing.result import read_table

BIG_TABLES = ("hits", "attributions", "documents", "excluded")


# --- the one declaration of columns ---------------------------------------------------------


def test_pipeline_column_lists_come_from_the_schemas():
    assert column_names(HIT_SCHEMA) == pipeline.HIT_COLUMNS
    assert column_names(ATTRIBUTION_SCHEMA) == pipeline.ATTRIBUTION_COLUMNS
    assert column_names(EXCLUDED_SCHEMA) == pipeline.EXCLUDED_COLUMNS
    assert column_names(DOCUMENT_BASE_SCHEMA) == pipeline.DOC_BASE_COLUMNS


@pytest.mark.parametrize(("name", "arrow"), [
    ("doc_id", pa.string()), ("start", pa.int64()), ("stance", pa.float64()), ("attribution_id", pa.int64()),
])
def test_arrow_types_of_hits(name, arrow):
    assert arrow_schema(HIT_SCHEMA).field(name).type == arrow


@pytest.mark.parametrize(("column", "kind"), [
    ("mentions:russia", "int64"), ("mentions_reported:turkey", "int64"), ("stance:russia", "float64"),
    ("stance_reported:russia", "float64"), ("density:aggression", "float64"), ("independent", "bool"),
    ("tokens", "int64"), ("title", "string"),
])
def test_document_columns_typed_by_name(column, kind):
    assert document_schema([column])[0].type == kind


def test_unknown_column_type_is_refused():
    with pytest.raises(ValueError, match="unknown type 'int'"):
        Column("x", "int")


# --- the streaming writer -------------------------------------------------------------------


def test_parquet_stream_writes_row_groups_with_nulls(tmp_path):
    path = tmp_path / "hits.parquet"
    stream = ParquetStream(path, HIT_SCHEMA, row_group=2)
    rows = [{"doc_id": f"d{i}", "term": "قوات النظام", "matched": "لقوات النظام", "start": 10 * i, "end": 10 * i + 12,
             "stance": -0.6 if i != 3 else float("nan"), "voice": "authorial" if i % 2 else "reported",
             "attribution_id": None if i % 2 else i} for i in range(5)]
    sizes = []
    for r in rows:
        stream.write(r)
        sizes.append(path.stat().st_size)
    # a row group goes to disk each time two rows have arrived: rows are not held until close()
    assert sizes[0] < sizes[1] == sizes[2] < sizes[3] == sizes[4]
    stream.close()
    meta = pq.read_metadata(path)
    assert meta.num_rows == 5 and meta.num_row_groups == 3  # 2 + 2 + 1: written as they filled
    table = pq.read_table(path)
    assert table.schema == arrow_schema(HIT_SCHEMA)
    assert table.column("stance").null_count == 1  # NaN is written as null
    assert table.column("attribution_id").to_pylist() == [0, None, 2, None, 4]
    assert table.column("actor").null_count == 5  # a column no row gave
    df = pd.read_parquet(path, dtype_backend="numpy_nullable")
    assert str(df["start"].dtype) == "Int64" and df["term"].iloc[0] == "قوات النظام"


def test_table_formats():
    assert table_formats("both") == ("csv", "parquet")
    assert table_formats("parquet") == ("parquet",)
    with pytest.raises(ConfigError, match="--format csv"):
        table_formats("json")


def test_write_table_csv_is_exactly_write_csv(tmp_path):
    frame = pd.DataFrame({"doc_id": ["d1", "d2"], "outlet": ["المدن", "عنب بلدي"], "tokens": [120, 45],
                          "stance:russia": [-1.0, None], "mentions:russia": [2, 0]})
    out = RunOutput(tmp_path / "run")
    out.write_csv("plain.csv", frame)
    out.write_table("documents", frame, document_schema(frame.columns), ("csv", "parquet"))
    final = out.commit()
    assert (final / "plain.csv").read_bytes() == (final / "documents.csv").read_bytes()
    back = read_table(final, "documents")
    assert str(back["mentions:russia"].dtype) == "Int64" and back["stance:russia"].isna().tolist() == [False, True]


# --- whole runs -----------------------------------------------------------------------------


# three short articles written for these tests; the first has a skip link (an excluded span)
ARTICLES = [
    {"id": "c1", "outlet": "المدن", "date": "2019-05-14",
     "text": "تخطى إلى المحتوى\nقصفت قوات النظام بدعم من الاحتلال الروسي قرى ريف إدلب الجنوبي.\n"
             "وتصدى الثوار لمحاولة تقدم على محور كفرنبودة."},
    {"id": "c2", "outlet": "روسيا اليوم", "date": "2019-05-14",
     "text": "قال الكرملين إن التشكيلات المسلحة المتطرفة تخرق الهدنة في إدلب.\n"
             "وأضاف أن الجيش السوري يرد على مصادر النيران."},
    {"id": "c3", "outlet": "الشرق الأوسط", "date": "2019-05-15",
     "text": "دعت تركيا روسيا إلى وقف التصعيد في إدلب، فيما واصلت قوات النظام قصفها لبلدات الريف."},
]


def _run(corpus, out, fmt):
    return run_compare(CompareOptions(corpus=str(corpus), out=str(out), topics=False, events=False, charts=False,
                                      html=False, n_boot=50, format=fmt))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    import json

    path = tmp_path_factory.mktemp("corpus") / "articles.jsonl"
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def runs(corpus, tmp_path_factory):
    base = tmp_path_factory.mktemp("runs")
    return {fmt: _run(corpus, base / fmt, fmt).out_dir for fmt in ("both", "csv", "parquet")}


def test_format_both_writes_csv_and_parquet(runs):
    for name in BIG_TABLES:
        assert (runs["both"] / f"{name}.csv").exists() and (runs["both"] / f"{name}.parquet").exists()


def test_attribution_rows_give_the_cue_offsets(runs):
    """``text[cue_start:cue_end]`` is the cue as written (the verb of «وأضاف أن …»), in both formats."""
    import json

    texts = {a["id"]: a["text"] for a in ARTICLES}
    for frame in (pd.read_csv(runs["both"] / "attributions.csv", keep_default_na=False),
                  pd.read_parquet(runs["both"] / "attributions.parquet")):
        cued = frame[frame["cue_start"] >= 0]
        assert len(cued) >= 2 and frame["cue_start"].dtype.kind == "i"
        for r in cued.itertuples():
            assert texts[r.doc_id][r.cue_start:r.cue_end] == r.cue, json.dumps(r._asdict(), ensure_ascii=False)
        assert "وأضاف" in set(cued["cue"])


def test_format_csv_writes_no_parquet(runs):
    # the report layer keeps its full term counts as term_counts.parquet whatever the format
    parquet = sorted(p.name for p in runs["csv"].rglob("*.parquet") if p.name != "term_counts.parquet")
    assert parquet == []
    for name in BIG_TABLES:
        assert (runs["csv"] / f"{name}.csv").exists()


def test_format_parquet_writes_no_big_csv_and_still_reports(runs):
    folder = runs["parquet"]
    for name in BIG_TABLES:
        assert not (folder / f"{name}.csv").exists() and (folder / f"{name}.parquet").exists()
    assert (folder / "outlets.csv").exists()  # small tables stay CSV
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert report.split("\n", 3)[:3] == (runs["csv"] / "report.md").read_text(encoding="utf-8").split("\n", 3)[:3]
    assert "الاحتلال الروسي" in report  # labels behind the numbers come from hits.parquet
    assert "تخطى إلى المحتوى" not in read_table(folder, "hits")["sentence"].str.cat()  # excluded line


def test_parquet_and_csv_hold_the_same_tables(runs):
    for name in BIG_TABLES:
        from_csv = read_table(runs["csv"], name)
        from_parquet = read_table(runs["parquet"], name)
        assert len(from_csv) > 0, name
        # CSV floats are written with 6 significant digits; Parquet keeps them whole
        pd.testing.assert_frame_equal(from_parquet, from_csv, check_exact=False, rtol=1e-5)


def test_pandas_reads_the_parquet_as_it_is(runs):
    hits = pd.read_parquet(runs["both"] / "hits.parquet")
    csv = pd.read_csv(runs["both"] / "hits.csv", keep_default_na=False, na_values=[""])
    assert list(hits.columns) == column_names(HIT_SCHEMA)
    assert hits["start"].dtype == "int64" and hits["end"].dtype == "int64"
    assert hits["attribution_id"].isna().sum() == csv["attribution_id"].isna().sum() > 0
    assert hits["matched"].tolist() == csv["matched"].tolist()


def test_duckdb_reads_the_parquet(runs):
    import duckdb  # in the [test] extra

    path = runs["both"] / "hits.parquet"
    rows = duckdb.sql(f"SELECT voice, count(*) AS n, count(attribution_id) AS with_attr FROM '{path}' "
                      "GROUP BY voice ORDER BY voice").fetchall()
    hits = pd.read_csv(runs["both"] / "hits.csv", keep_default_na=False, na_values=[""])
    expected = [(v, int((hits["voice"] == v).sum()), int(hits.loc[hits["voice"] == v, "attribution_id"].notna().sum()))
                for v in sorted(hits["voice"].unique())]
    assert rows == expected
    assert {v: n for v, n, _ in rows}["authorial"] > 0
    kinds = dict(duckdb.sql(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{path}')").fetchall())
    assert kinds["start"] == "BIGINT" and kinds["attribution_id"] == "BIGINT" and kinds["stance"] == "DOUBLE"


def test_parquet_files_are_byte_identical_across_runs(runs, corpus, tmp_path):
    again = _run(corpus, tmp_path / "again", "both").out_dir
    for name in BIG_TABLES:
        a = hashlib.sha256((runs["both"] / f"{name}.parquet").read_bytes()).hexdigest()
        b = hashlib.sha256((again / f"{name}.parquet").read_bytes()).hexdigest()
        assert a == b, name


def test_cli_refuses_a_bad_format_in_one_line(seeds_dir, tmp_path):
    out = tmp_path / "bad"
    proc = subprocess.run([sys.executable, "-m", "framing", "compare", str(seeds_dir), "--out", str(out),
                           "--format", "xlsx", "--no-progress"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "--format csv" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_report_rerenders_a_parquet_only_run(runs, tmp_path):
    import shutil

    from framing.report import render_reports

    folder = tmp_path / "p"
    shutil.copytree(runs["parquet"], folder)
    written = render_reports(folder)
    assert "report.html" in written
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "الاحتلال الروسي" in html  # evidence read from hits.parquet
    assert not (folder / "hits.csv").exists()


# --- CSV and Parquet agree on any rows --------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_text = st.one_of(st.none(), st.sampled_from(["", "NA", "nan", "None", "قوات النظام", "«الثوار»، قال"]),
                  # no lone CR: Python's csv module does not quote it with "\n" line ends, and the
                  # corpus reader turns every CR of the text and fields into "\n" (test_api)
                  st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=12))
_row = st.fixed_dictionaries({
    "doc_id": st.text("abc123-_ءاب", min_size=1, max_size=6),
    "outlet": _text, "term": _text, "sentence": _text,
    "start": st.integers(0, 2**40), "end": st.one_of(st.none(), st.integers(-1, 2**40)),
    "stance": st.one_of(st.none(), st.floats(-1, 1, allow_nan=False)),
    "attribution_id": st.one_of(st.none(), st.integers(0, 10**6)),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, max_size=8))
def test_csv_and_parquet_read_back_alike(tmp_path_factory, rows):
    out = RunOutput(tmp_path_factory.mktemp("prop") / "run")
    stream = out.table_stream("hits", HIT_SCHEMA, ("csv", "parquet"))
    for r in rows:
        stream.write(r)
    folder = out.commit()
    from_parquet = read_table(folder, "hits")
    (folder / "hits.parquet").unlink()
    from_csv = read_table(folder, "hits")
    assert len(from_csv) == len(from_parquet) == len(rows)
    if rows:
        pd.testing.assert_frame_equal(from_parquet, from_csv, check_exact=False, rtol=1e-5, atol=1e-300)
        # what was written comes back: empty strings as nulls, integers exact
        assert from_parquet["start"].tolist() == [r["start"] for r in rows]
        assert from_parquet["term"].tolist() == [pd.NA if r["term"] in (None, "") else r["term"] for r in rows]


# --- rows formatted where they are made (the map's packed batches) ----------------------------

_CHUNK_ROWS = [
    {"doc_id": f"d{i}", "outlet": "الأهرام" if i % 2 else "", "field": "text", "term": "قوات الأمن",
     "matched": "لقوات الأمن", "start": i, "end": i + 11, "stance": float("nan") if i % 3 == 0 else -0.25,
     "attribution_id": None if i % 2 else i, "sentence": "قالت \"الشرطة\", إن قوات الأمن فرقت المتظاهرين\n"}
    for i in range(23)
]


def test_table_chunks_write_the_same_files_as_rows_one_by_one(tmp_path):
    from framing.output import TableChunk

    files = {}
    for how in ("rows", "chunks"):
        out = RunOutput(tmp_path / how)
        stream = out.table_stream("hits", HIT_SCHEMA, ("csv", "parquet"))
        for s in stream.streams:
            if isinstance(s, ParquetStream):
                s._row_group = 10  # row groups of 10 rows: chunks of 7 rows straddle them
        if how == "rows":
            for row in _CHUNK_ROWS:
                stream.write(row)
        else:
            for i in range(0, len(_CHUNK_ROWS), 7):
                stream.write_chunk(TableChunk.from_rows(_CHUNK_ROWS[i:i + 7], HIT_SCHEMA, stream.formats))
            stream.write_chunk(TableChunk.from_rows([], HIT_SCHEMA, stream.formats))
        assert stream.rows == 23
        folder = out.commit()
        files[how] = {n: (folder / n).read_bytes() for n in ("hits.csv", "hits.parquet")}
        assert [rg.num_rows for rg in (pq.ParquetFile(folder / "hits.parquet").metadata.row_group(k)
                                       for k in range(3))] == [10, 10, 3]
    assert files["rows"] == files["chunks"]
    table = pq.read_table(tmp_path / "chunks" / "hits.parquet")
    assert table.column("stance").null_count == 8 and table.column("outlet").null_count == 12  # NaN, "" → null
    assert '"قالت ""الشرطة"", إن قوات الأمن فرقت المتظاهرين\n"' in files["chunks"]["hits.csv"].decode("utf-8")


def test_a_table_chunk_holds_only_the_formats_asked_for():
    from framing.output import TableChunk

    chunk = TableChunk.from_rows(_CHUNK_ROWS[:2], HIT_SCHEMA, ("csv",))
    assert chunk.arrow is None and chunk.csv.count("\n") == 4 and chunk.rows == 2  # the sentence's own newline
    chunk = TableChunk.from_rows(_CHUNK_ROWS[:2], HIT_SCHEMA, ("parquet",))
    assert chunk.csv is None and chunk.arrow.num_rows == 2
