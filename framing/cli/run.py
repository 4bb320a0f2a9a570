"""The commands over a finished run or one stage: ``topics``, ``events``, ``report``, ``keyness``.

Each calls one library function (:func:`framing.pipeline.run_topics`, :func:`~framing.pipeline.run_events`,
:func:`framing.report.render_reports`, :func:`framing.report.render.write_keyness`) and prints what it wrote.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from framing.cli.common import (
    CorpusArg,
    DateField,
    IdField,
    Limit,
    Out,
    OutletField,
    Overwrite,
    Progress,
    TextField,
    calling,
    safe_text,
    warn,
)

__all__ = ["events", "keyness", "report", "topics"]

def topics(
    corpus: CorpusArg,
    out: Out = None,
    text_field: TextField = "text",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    id_field: IdField = "id",
    embedding_model: Annotated[str | None, typer.Option(metavar="NAME_OR_PATH",
                                                        help="sentence-transformers model name or local "
                                                             "path (default: offline TF-IDF+SVD).")] = None,
    n_topics: Annotated[str, typer.Option(metavar="auto|N", help="Number of topics or 'auto'.")] = "auto",
    labels: Annotated[str | None, typer.Option(metavar="FILE", help="Topic labels file (rename/merge "
                                                                    "topics).")] = None,
    save_model: Annotated[str | None, typer.Option(metavar="DIR", help="Save the fitted model to this "
                                                                       "folder.")] = None,
    seed: Annotated[int, typer.Option(metavar="N", help="Random seed.")] = 42,
    limit: Limit = None,
    progress: Progress = True,
    overwrite: Overwrite = False,
) -> None:
    """Fit the topic model alone; write topics.csv, topic_mix.csv and charts."""
    from framing.pipeline import run_topics

    with calling():
        path = run_topics(corpus, out=out, text_field=text_field, outlet_field=outlet_field, date_field=date_field,
                          id_field=id_field, embedding_model=embedding_model, n_topics=n_topics, labels=labels,
                          save_model=save_model, seed=seed, limit=limit,
                          progress=progress and sys.stderr.isatty(), overwrite=overwrite)
    typer.echo(f"Wrote {safe_text(path)}/")


def events(
    corpus: CorpusArg,
    out: Out = None,
    text_field: TextField = "text",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    id_field: IdField = "id",
    window_days: Annotated[int, typer.Option(metavar="N", help="Documents more than this many days apart are "
                                                               "never one event.")] = 2,
    threshold: Annotated[float | None, typer.Option(metavar="X", help="Mean cosine similarity (title + lead) a "
                                                                      "group needs to join an event (default 0.3; "
                                                                      "higher: tighter events).")] = None,
    limit: Limit = None,
    overwrite: Overwrite = False,
) -> None:
    """Group documents into cross-outlet events alone; write events.csv and event assignments."""
    from framing.pipeline import run_events

    with calling():
        path = run_events(corpus, out=out, text_field=text_field, outlet_field=outlet_field, date_field=date_field,
                          id_field=id_field, window_days=window_days, threshold=threshold, limit=limit,
                          overwrite=overwrite)
    typer.echo(f"Wrote {safe_text(path)}/")


def report(run_dir: Annotated[str, typer.Argument(metavar="RUN_DIR", help="Output folder of a finished "
                                                                       "'framing compare' run.")]) -> None:
    """Re-render report.md, report.html and charts from a finished run's CSVs (no recomputation)."""
    from framing.output import recover
    from framing.report import render_reports

    with calling():
        for message in recover(Path(run_dir)):  # a run killed while moving into place is completed first
            warn(message)
        written = render_reports(Path(run_dir))
    typer.echo(f"Re-rendered {len(written)} files in {safe_text(run_dir)}/")


def keyness(run_dir: Annotated[str, typer.Argument(metavar="RUN_DIR", help="Output folder of a finished 'framing "
                                                                           "compare' run.")],
            target: Annotated[str, typer.Argument(metavar="OUTLET", help="The outlet whose words are scored.")],
            reference: Annotated[list[str] | None, typer.Argument(metavar="REFERENCE", help="Outlet(s) to "
                                                                  "compare with (default: every other one).")] = None,
            top: Annotated[int, typer.Option("--top", metavar="N", help="Terms per side.")] = 25) -> None:
    """Terms an outlet over- and under-uses against another (or a group): log-odds with a Dirichlet prior, z."""
    from framing.report.render import keyness_context_lines, write_keyness

    with calling():
        table, written = write_keyness(Path(run_dir), target, reference or None, top=top)
    for side, head in (("target", "over-used by"), ("reference", "under-used by")):
        part = table[table["side"] == side]
        typer.echo(f"{head} {safe_text(target)}: " + ("، ".join(
            f"{safe_text(r.form)} ({r.z:+.1f}; {r.count_target}/{r.count_reference})" for r in part.itertuples())
            or "none"))
    context = keyness_context_lines(Path(run_dir) / written[1], table)  # the sentences behind the strongest terms
    if context:
        typer.echo("in context:\n" + "\n".join(safe_text(line) for line in context))
    typer.echo(f"Wrote {', '.join(safe_text(w) for w in written)} in {safe_text(run_dir)}/")
