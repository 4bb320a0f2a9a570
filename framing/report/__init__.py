"""The report layer: a finished run's tables computed once, rendered as Markdown, HTML and charts.

::

    run folder ─ run.load_run ─▶ RunData ─ tables.build_tables ─▶ ReportTables ─┬▶ markdown.render_markdown
                                                                                ├▶ html.render_html
                                                                                └▶ charts (plot_* functions)

:func:`write_run` (during ``framing compare``) writes a run's data files and renders
the reports; :func:`render_reports` (``framing report RUN_DIR``) renders them again from
the files alone.
"""

from __future__ import annotations

from framing.report.markdown import md_escape, render_markdown, side_by_side_markdown
from framing.report.render import (
    EXCLUDED_LINE_COLUMNS,
    finish_run,
    render_charts,
    render_reports,
    write_data_files,
    write_run,
)
from framing.report.run import NUMERIC_COLUMNS, REQUIRED_COLUMNS, RunData, load_run
from framing.report.tables import (
    EVIDENCE_PER_CELL,
    MAX_EVENTS,
    REPORTED_PER_CELL,
    ReportTables,
    build_tables,
    evidence_by_cell,
    outlet_profile_table,
)

__all__ = [
    "EVIDENCE_PER_CELL",
    "EXCLUDED_LINE_COLUMNS",
    "MAX_EVENTS",
    "NUMERIC_COLUMNS",
    "REPORTED_PER_CELL",
    "REQUIRED_COLUMNS",
    "ReportTables",
    "RunData",
    "build_tables",
    "evidence_by_cell",
    "finish_run",
    "load_run",
    "md_escape",
    "outlet_profile_table",
    "render_charts",
    "render_markdown",
    "render_reports",
    "side_by_side_markdown",
    "write_data_files",
    "write_run",
]
