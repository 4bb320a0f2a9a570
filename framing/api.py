"""The Python API: :func:`compare` a corpus (a path, a DataFrame or dicts) → :class:`Result`.

>>> import framing
>>> result = framing.compare("seeds", topics=False)          # doctest: +SKIP
>>> result.outlets[["outlet", "documents", "stance:russia"]]  # doctest: +SKIP
>>> result.save("outputs/seeds")                             # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from framing.errors import ConfigError, FramingError
from framing.result import Result

__all__ = ["compare"]


def _options_fields() -> set[str]:
    from framing.pipeline import CompareOptions

    return {f.name for f in fields(CompareOptions)}


def _default(value: Any) -> Any:
    """JSON for values of a DataFrame or record: timestamps as ISO text, numpy scalars as numbers."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _write_records(records: Iterable, path: Path, text_field: str, id_field: str,
                   explicit: dict[str, str]) -> tuple[int, str]:
    """Write an iterable of dicts as JSONL; returns (count, description) and checks the fields."""
    import math

    seen: set[str] = set()
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for n, record in enumerate(records, start=1):
            if not isinstance(record, Mapping):
                raise ConfigError(f"corpus item {n} is a {type(record).__name__}, not a dict",
                                  hint="give an iterable of dicts such as {'text': ..., 'outlet': ...}")
            clean = {str(k): (None if isinstance(v, float) and math.isnan(v) else v) for k, v in record.items()}
            clean.setdefault(id_field, str(n - 1))  # no id: the position in the iterable (0, 1, …)
            seen.update(clean)
            fh.write(json.dumps(clean, ensure_ascii=False, default=_default) + "\n")
    if n and text_field not in seen:
        raise ConfigError(f"no record has the field '{text_field}' (fields: {', '.join(sorted(seen)) or 'none'})",
                          hint="pass text_field='NAME' naming the field with the article text")
    for option, name in explicit.items():
        if n and name not in seen:
            raise ConfigError(f"no record has the field '{name}' (fields: {', '.join(sorted(seen))})",
                              hint=f"pass {option}='NAME' with one of these names")
    return n, f"<iterable of {n} dicts>"


def _write_frame(frame, path: Path, text_field: str, id_field: str, explicit: dict[str, str]) -> tuple[int, str]:
    columns = [str(c) for c in frame.columns]
    if text_field not in columns:
        raise ConfigError(f"the DataFrame has no column '{text_field}' (columns: {', '.join(columns) or 'none'})",
                          hint="pass text_field='NAME' naming the column with the article text")
    for option, name in explicit.items():
        if name not in columns:
            raise ConfigError(f"the DataFrame has no column '{name}' (columns: {', '.join(columns)})",
                              hint=f"pass {option}='NAME' with one of these columns")
    if id_field not in columns:  # document ids are the row labels, so results join back to the frame
        frame = frame.assign(**{id_field: [str(i) for i in frame.index]})
    frame.to_json(path, orient="records", lines=True, force_ascii=False, date_format="iso")
    return len(frame), f"<pandas.DataFrame of {len(frame)} rows>"


def compare(corpus: Any, *, out: str | os.PathLike | None = None, lexicons: str | os.PathLike | list | None = None,
            text_field: str = "text", outlet_field: str = "outlet", title_field: str = "title",
            date_field: str = "date", id_field: str = "id", language_field: str = "language",
            topics: bool = True, events: bool = True,
            attribution: bool = True, jobs: int | None = None, seed: int = 42, limit: int | None = None,
            strict: bool = False, format: str = "both", overwrite: bool = False, charts: bool = True,
            html: bool = True, progress: Callable[[int, int], None] | None = None,
            stage: Callable[[str], None] | None = None, replay: str | os.PathLike | None = None,
            allow_changed: bool = False, warn: Callable[[str], None] | None = None, **options: Any) -> Result:
    """Compare the outlets of a corpus and return the tables as a :class:`~framing.result.Result`.

    ``corpus`` is a path (a folder of ``.txt`` files with a manifest, or a ``.csv`` /
    ``.jsonl`` / ``.json`` file, optionally compressed), a pandas DataFrame with one row
    per article, or an iterable of dicts. ``*_field`` name the columns (or keys) holding
    the text, outlet, title, date and document id; without an id column the ids are the
    DataFrame's index (or the position in the iterable), so results join back.
    ``language_field`` names the column with each document's language (``ar``, ``en``,
    ``English``…; an empty cell or no such column: detected from the text).
    ``lexicons`` is a folder or file (or a list of them); default: the bundled lexicons.
    ``topics`` / ``events`` / ``attribution`` switch stages; ``jobs`` sets the worker
    processes of the per-document map (``framing compare --jobs``). Other keyword options are those of
    ``framing compare`` (``manifest``, ``boilerplate``, ``morphology_db``, ``embedding_model``, ``n_topics``,
    ``event_window_days``, ``event_threshold``, ``n_boot``, ``top_terms`` …).

    Without ``out`` nothing is written: the tables are held in memory until
    :meth:`Result.save` or :meth:`Result.report`. With ``out`` the run streams its large
    tables straight into that folder and writes it atomically, as ``framing compare`` does
    (``overwrite``, ``charts``, ``html`` as on the command line), for corpora too big for
    memory; the result reads the folder. ``progress(documents, bytes)`` and ``stage(name)``
    report progress; ``replay`` (a ``run.json``) checks that the corpus and lexicons are the
    recorded ones (``allow_changed``: warn instead); ``warn(message)`` receives warnings.
    User mistakes raise a :class:`~framing.errors.FramingError` subclass (e.g. a
    DataFrame without the text column → :class:`~framing.errors.ConfigError`).

    >>> import pandas as pd, framing
    >>> df = pd.DataFrame({"text": ["قصفت قوات النظام ريف إدلب", "قال الكرملين إن الهدنة صامدة"],
    ...                    "outlet": ["المدن", "RT"]})
    >>> result = framing.compare(df, topics=False, events=False)   # doctest: +SKIP
    >>> result.hits[["outlet", "term", "actor", "voice"]]            # doctest: +SKIP
    """
    from framing.output import table_formats
    from framing.pipeline import CompareOptions, check_timeline_granularity

    known = _options_fields()
    unknown = sorted(set(options) - known)
    if unknown:
        raise ConfigError(f"unknown option {unknown[0]!r} for framing.compare",
                          hint="use one of " + ", ".join(sorted(known - {"corpus"})))
    if out is None:  # an in-memory result: these belong to writing it
        for name, given, hint in (("overwrite", overwrite, "use result.save(folder, overwrite=True)"),
                                  ("charts", not charts, "result.report(folder) draws the charts"),
                                  ("html", not html, "result.report(folder) writes report.html")):
            if given:
                raise ConfigError(f"{name}= needs out= (framing.compare writes nothing without it)", hint=hint)
    table_formats(format)
    check_timeline_granularity(options.get("timeline_granularity"))  # before the corpus is read
    if isinstance(lexicons, (str, os.PathLike)):
        lexicons = [str(lexicons)]
    elif lexicons is not None:
        lexicons = list(lexicons) if isinstance(lexicons, Iterable) else [lexicons]
        if not all(isinstance(x, (str, os.PathLike)) for x in lexicons):
            raise ConfigError("lexicons= takes a folder or file path, or a list of them",
                              hint="save an edited Lexicon to a file and pass its path")
        lexicons = [str(x) for x in lexicons]
    options["jobs"] = jobs
    _check_types({"text_field": text_field, "outlet_field": outlet_field, "title_field": title_field,
                  "date_field": date_field, "id_field": id_field, "language_field": language_field,
                  "topics": topics, "events": events,
                  "attribution": attribution, "seed": seed, "limit": limit, "strict": strict, "lexicons": lexicons,
                  "overwrite": overwrite, "charts": charts, "html": html, **options}, options)
    explicit = {opt: name for opt, name, default in (("outlet_field", outlet_field, "outlet"),
                                                      ("title_field", title_field, "title"),
                                                      ("date_field", date_field, "date"),
                                                      ("id_field", id_field, "id"),
                                                      ("language_field", language_field, "language"))
                if name != default}

    with tempfile.TemporaryDirectory(prefix="framing-input-") as tmp:
        described = None
        if isinstance(corpus, (str, os.PathLike)):
            path = str(corpus)
        elif _is_dataframe(corpus):
            path = str(Path(tmp) / "dataframe.jsonl")
            _, described = _write_frame(corpus, Path(path), text_field, id_field, explicit)
        elif isinstance(corpus, (Mapping, bytes, bytearray)) or not isinstance(corpus, Iterable):
            raise ConfigError(f"cannot read a corpus from a {type(corpus).__name__}",
                              hint="give a path, a pandas DataFrame or an iterable of dicts (one per article)")
        else:
            path = str(Path(tmp) / "records.jsonl")
            _, described = _write_records(corpus, Path(path), text_field, id_field, explicit)
        opts = CompareOptions(corpus=path, out=None if out is None else os.fspath(out), lexicons=lexicons,
                              text_field=text_field, outlet_field=outlet_field, title_field=title_field,
                              date_field=date_field, id_field=id_field, language_field=language_field,
                              topics=topics, events=events,
                              attribution=attribution, seed=seed, limit=limit, strict=strict, format=format,
                              overwrite=overwrite, charts=charts and out is not None, html=html and out is not None,
                              **options)
        # problems and errors name the rows as "<DataFrame>:ROW" (1-based), not the temporary file
        label = ("<DataFrame>" if _is_dataframe(corpus) else "<records>") if described is not None else None

        def provenance(data) -> None:
            if described is not None:  # the temporary JSONL is gone once the run is computed
                data.relabel(path, label, described)
            if out is None:
                data.manifest["command"] = "framing.compare"

        run = {"progress": progress, "stage": stage, "replay": replay, "allow_changed": allow_changed, "warn": warn}
        try:
            return _run(opts, provenance, **run)
        except FramingError as exc:
            if label is None:
                raise
            raise _relabelled(exc, path, label) from None


def _run(options, provenance: Callable, **run: Any) -> Result:
    """Compute in memory (no ``out``) or straight into the run folder, then the :class:`Result`."""
    from framing.pipeline import MemorySink, compute, run_compare
    from framing.result import load_run

    if options.out is not None:
        return load_run(run_compare(options, edit=provenance, **run).out_dir)
    data = compute(options, MemorySink(), **run)
    provenance(data)
    return Result(manifest=data.manifest, data=data)


def _relabelled(exc: FramingError, path: str, label: str) -> FramingError:
    """The same error with the temporary JSONL path replaced by ``label``."""
    import copy

    new = copy.copy(exc)
    new.message = exc.message.replace(path, label)
    new.hint = exc.hint.replace(path, label) if exc.hint else exc.hint
    new.path = label if exc.path == path else (exc.path.replace(path, label) if exc.path else exc.path)
    new.args = (new.format(),)
    return new


def _check_types(values: dict[str, Any], options: dict[str, Any]) -> None:
    """Each option has the type ``framing compare`` gives it (paths may be ``Path`` objects)."""
    import typing

    from framing.config import option_fits
    from framing.pipeline import CompareOptions, _type_name

    hints = typing.get_type_hints(CompareOptions)
    for name, value in values.items():
        if isinstance(value, os.PathLike):
            value = options[name] = os.fspath(value) if name in options else value
        if name in hints and not isinstance(value, os.PathLike) and not option_fits(value, hints[name]):
            raise ConfigError(f"{name}={value!r} has the wrong type (expected {_type_name(hints[name])})",
                              hint=f"pass {name}= as in 'framing compare --{name.replace('_', '-')}'")


def _is_dataframe(obj: Any) -> bool:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return False
    return isinstance(obj, pd.DataFrame)
