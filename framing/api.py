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
from framing.result import Result, _result_from_private_run

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


def compare(corpus: Any, *, lexicons: str | os.PathLike | list | None = None, text_field: str = "text",
            outlet_field: str = "outlet", title_field: str = "title", date_field: str = "date",
            id_field: str = "id", topics: bool = True, events: bool = True, attribution: bool = True,
            jobs: int | None = None, seed: int = 42, limit: int | None = None, strict: bool = False,
            format: str = "both", progress: Callable[[int, int], None] | None = None,
            stage: Callable[[str], None] | None = None, **options: Any) -> Result:
    """Compare the outlets of a corpus and return the tables as a :class:`~framing.result.Result`.

    ``corpus`` is a path (a folder of ``.txt`` files with a manifest, or a ``.csv`` /
    ``.jsonl`` / ``.json`` file, optionally compressed), a pandas DataFrame with one row
    per article, or an iterable of dicts. ``*_field`` name the columns (or keys) holding
    the text, outlet, title, date and document id; without an id column the ids are the
    DataFrame's index (or the position in the iterable), so results join back.
    ``lexicons`` is a folder or file (or a list of them); default: the bundled lexicons.
    ``topics`` / ``events`` / ``attribution`` switch stages; ``jobs`` sets the worker
    processes of the per-document map (``framing compare --jobs``). Other keyword options are those of ``framing compare`` (``manifest``,
    ``boilerplate``, ``morphology_db``, ``embedding_model``, ``n_topics``,
    ``event_window_days``, ``event_threshold``, ``n_boot``, ``top_terms`` …).

    Nothing is written to your folders: call :meth:`Result.save` or :meth:`Result.report`.
    User mistakes raise a :class:`~framing.errors.FramingError` subclass (e.g. a
    DataFrame without the text column → :class:`~framing.errors.ConfigError`).

    >>> import pandas as pd, framing
    >>> df = pd.DataFrame({"text": ["قصفت قوات النظام ريف إدلب", "قال الكرملين إن الهدنة صامدة"],
    ...                    "outlet": ["المدن", "RT"]})
    >>> result = framing.compare(df, topics=False, events=False)   # doctest: +SKIP
    >>> result.hits[["outlet", "term", "actor", "voice"]]            # doctest: +SKIP
    """
    from framing.output import table_formats
    from framing.pipeline import CompareOptions, run_compare

    known = _options_fields()
    unknown = sorted(set(options) - known)
    if unknown:
        hidden = {"corpus", "out"}
        raise ConfigError(f"unknown option {unknown[0]!r} for framing.compare",
                          hint="use one of " + ", ".join(sorted(known - hidden)))
    reserved = {"corpus": "pass the corpus as the first argument",
                "out": "save with result.save(folder)", "overwrite": "use result.save(folder, overwrite=True)",
                "charts": "result.report(folder) draws the charts", "html": "result.report(folder) writes report.html"}
    for name, hint in reserved.items():
        if name in options:
            raise ConfigError(f"{name}= is not an option of framing.compare", hint=hint)
    table_formats(format)
    if isinstance(lexicons, (str, os.PathLike)):
        lexicons = [str(lexicons)]
    elif lexicons is not None:
        lexicons = list(lexicons) if isinstance(lexicons, Iterable) else [lexicons]
        if not all(isinstance(x, (str, os.PathLike)) for x in lexicons):
            raise ConfigError("lexicons= takes a folder or file path, or a list of them",
                              hint="save an edited Lexicon to a file and pass its path")
        lexicons = [str(x) for x in lexicons]
    if jobs is not None:
        if "jobs" not in known:
            raise ConfigError("jobs= is not supported by this version of the pipeline", hint="leave jobs unset")
        options["jobs"] = jobs
    _check_types({"text_field": text_field, "outlet_field": outlet_field, "title_field": title_field,
                  "date_field": date_field, "id_field": id_field, "topics": topics, "events": events,
                  "attribution": attribution, "seed": seed, "limit": limit, "strict": strict, "lexicons": lexicons,
                  **options}, options)
    explicit = {opt: name for opt, name, default in (("outlet_field", outlet_field, "outlet"),
                                                      ("title_field", title_field, "title"),
                                                      ("date_field", date_field, "date"),
                                                      ("id_field", id_field, "id")) if name != default}

    owner = tempfile.TemporaryDirectory(prefix="framing-result-")
    try:
        tmp = Path(owner.name)
        described = None
        if isinstance(corpus, (str, os.PathLike)):
            path = str(corpus)
        elif _is_dataframe(corpus):
            path = str(tmp / "dataframe.jsonl")
            _, described = _write_frame(corpus, Path(path), text_field, id_field, explicit)
        elif isinstance(corpus, (Mapping, bytes, bytearray)) or not isinstance(corpus, Iterable):
            raise ConfigError(f"cannot read a corpus from a {type(corpus).__name__}",
                              hint="give a path, a pandas DataFrame or an iterable of dicts (one per article)")
        else:
            path = str(tmp / "records.jsonl")
            _, described = _write_records(corpus, Path(path), text_field, id_field, explicit)
        opts = CompareOptions(corpus=path, out=str(tmp / "run"), lexicons=lexicons, text_field=text_field,
                              outlet_field=outlet_field, title_field=title_field, date_field=date_field,
                              id_field=id_field, topics=topics, events=events, attribution=attribution, seed=seed,
                              limit=limit, strict=strict, format=format, charts=False, html=False, **options)
        # problems and errors name the rows as "<DataFrame>:ROW" (1-based), not the temporary file
        label = ("<DataFrame>" if _is_dataframe(corpus) else "<records>") if described is not None else None
        try:
            run = run_compare(opts, progress=progress, stage=stage)
        except FramingError as exc:
            if label is None:
                raise
            raise _relabelled(exc, path, label) from None
        folder = Path(run.out_dir)

        def provenance(manifest: dict) -> None:
            if described is not None:  # the temporary JSONL is gone once the result is dropped
                manifest.setdefault("corpus", {})["path"] = described
                manifest.setdefault("options", {})["corpus"] = described
                _relabel_problems(folder, manifest, path, label)
            manifest["command"] = "framing.compare"

        return _result_from_private_run(folder, owner, provenance)
    except BaseException:
        owner.cleanup()
        raise


def _relabelled(exc: FramingError, path: str, label: str) -> FramingError:
    """The same error with the temporary JSONL path replaced by ``label``."""
    import copy

    new = copy.copy(exc)
    new.message = exc.message.replace(path, label)
    new.hint = exc.hint.replace(path, label) if exc.hint else exc.hint
    new.path = label if exc.path == path else (exc.path.replace(path, label) if exc.path else exc.path)
    new.args = (new.format(),)
    return new


def _relabel_problems(folder: Path, manifest: dict, path: str, label: str) -> None:
    """problems.csv and run.json name the rows of the DataFrame, not the temporary file."""
    import hashlib

    problems = folder / "problems.csv"
    if problems.exists():
        text = problems.read_text(encoding="utf-8")
        if path in text:
            problems.write_text(text.replace(path, label), encoding="utf-8")
            if "problems.csv" in (manifest.get("files") or {}):
                manifest["files"]["problems.csv"] = hashlib.sha256(problems.read_bytes()).hexdigest()
    manifest["problems"] = json.loads(json.dumps(manifest.get("problems") or [], ensure_ascii=False)
                                      .replace(json.dumps(path)[1:-1], json.dumps(label)[1:-1]))


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
