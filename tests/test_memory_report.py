"""What the main process lets go of before the report and while the charts are drawn, and that the
outputs do not change for it: the documents table waits in a file, the report's tables are emptied
once the page's text is written, the run context goes after the map."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.pipeline import RunData

RUN = Path(__file__).parent / "data" / "html" / "run"


def _documents() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": pd.Series(["مقال-1", "مقال-2", "مقال-3"], dtype="str"),
        "outlet": pd.Series(["الأهرام", "مدى مصر", "الأهرام"], dtype="str"),
        "title": pd.Series(["قوات النظام تقصف إدلب", None, "الثوار يتقدمون"], dtype="str"),
        "event_id": [None, "e1", "e1"],
        "tokens": np.array([120, 0, 87], dtype=np.int64),
        "stance:russia": [np.nan, -0.6, 0.25],
        "independent": pd.array([True, None, False], dtype="boolean"),
    })


def _run_data(documents: pd.DataFrame) -> RunData:
    empty = pd.DataFrame()
    return RunData(options=None, documents=documents, outlets=empty, terms=empty, term_evidence=empty,
                   attributions=empty, attr_profile=None, topic_result=None, event_result=None, problems=[],
                   manifest={}, actors=[], categories=[], lexicons=[], hits_evidence={}, term_counts={}, corpus=None)


def test_release_keeps_the_documents_in_a_file_until_restore():
    docs = _documents()
    data = _run_data(docs.copy())
    data.release()
    assert data.documents is None  # not in memory while the report is rendered
    data.release()  # a second release keeps the file it has
    data.restore()
    pd.testing.assert_frame_equal(data.documents, docs, check_exact=True)
    assert data.documents.dtypes.tolist() == docs.dtypes.tolist()
    data.restore()  # nothing left to restore: the frame stays
    pd.testing.assert_frame_equal(data.documents, docs, check_exact=True)


def test_a_page_whose_tables_are_emptied_before_its_figures_is_the_same_page(tmp_path):
    """render_reports empties the run's per-hit and per-document tables when only the charts remain
    (before drawing in this process); the page's text was written before, so it does not change."""
    from framing.report import build_tables, load_run
    from framing.report.html import render_html
    from framing.report.render import _shed_tables

    run_dir = tmp_path / "run"
    shutil.copytree(RUN, run_dir)
    expected = render_html(build_tables(load_run(run_dir)), [])
    tables = build_tables(load_run(run_dir))
    assert len(tables.run.hits) and len(tables.run.documents)
    page = render_html(tables, [], figures_ready=lambda: _shed_tables(tables))
    assert tables.run.hits.empty and tables.run.documents.empty and tables.run.attributions.empty
    assert list(tables.run.hits.columns) == list(load_run(run_dir).hits.columns)  # the columns stay
    assert page == expected
    n_docs = len(load_run(run_dir).documents)
    assert f"{n_docs} document" in page.split("</header>")[0]


@pytest.mark.slow
def test_the_run_context_goes_after_the_run_and_a_second_run_gives_the_same_tables():
    import framing
    from framing import analysis

    df = pd.DataFrame({
        "text": ["قصفت قوات النظام بدعم من الاحتلال الروسي قرى ريف إدلب، وتصدى الثوار لمحاولة التقدم.",
                 "قال الكرملين إن التشكيلات المسلحة المتطرفة تخرق الهدنة في إدلب."],
        "outlet": ["المدن", "روسيا اليوم"],
        "date": ["2019-05-14", "2019-05-14"],
    })
    first = framing.compare(df, topics=False, jobs=1)
    assert not analysis._CONTEXT  # the matcher, extractor and featurizer were let go
    second = framing.compare(df, topics=False, jobs=1)
    pd.testing.assert_frame_equal(first.documents, second.documents)
    pd.testing.assert_frame_equal(first.hits, second.hits)
    assert len(first.hits) >= 3
