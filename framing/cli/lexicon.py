"""``framing lexicon ...``: build, check and version a codebook from the command line.

Each command calls one function of the :mod:`framing.lexicon` package (editing, validate,
explore, exchange) and prints what it returns.
A :class:`~framing.errors.FramingError` becomes one line on stderr and a non-zero exit
code. Nothing heavy is imported until a command runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from framing.cli.common import CorpusArg, DateField, IdField, Limit, OutletField, TextField, calling

app = typer.Typer(
    help="Inspect, edit, validate and test lexicons (codebooks): list, show, new, add, remove, set, "
         "validate, kwic, suggest, test, import, export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

T = TypeVar("T")

LexDir = Annotated[str | None, typer.Option("--lexicons", "-l", help="Lexicon folder (default: the project's "
                                                                     "lexicons/ or $FRAMING_LEXICONS).")]
Name = Annotated[str, typer.Argument(help="Lexicon: its name, file stem or path to its .yaml file.")]
Term = Annotated[str, typer.Argument(help="The term, as written in text (quote multiword terms).")]
SampleDocs = Annotated[int | None, typer.Option("--sample-docs", help="Read about N documents chosen at random "
                                                                      "(seeded; the same ones every time).")]
Seed = Annotated[int, typer.Option("--seed", help="Random seed for --sample and --sample-docs.")]
CsvOut = Annotated[str | None, typer.Option("--csv", help="Also write the full table to this CSV file.")]


def _run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a library function; a FramingError becomes one line on stderr and an exit code."""
    with calling():
        return fn(*args, **kwargs)


def _fields(text_field: str, outlet_field: str, date_field: str, id_field: str) -> dict[str, str]:
    return {"text_field": text_field, "outlet_field": outlet_field, "date_field": date_field, "id_field": id_field}


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:.2f}"
    return str(value)


def _table(frame, columns: list[str]) -> str:
    """A plain aligned text table (no colors, no wrapping: copy-paste friendly)."""
    cells = [[_cell(v) for v in row] for row in frame[columns].itertuples(index=False)]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _write_csv(frame, path: str | None) -> None:
    if path:
        frame.to_csv(path, index=False)
        typer.echo(f"wrote {len(frame)} rows to {path}", err=True)


# --- inspect ---------------------------------------------------------------------------------


@app.command("list")
def list_(lexicons: LexDir = None,
          kind: Annotated[str | None, typer.Option(help="Only lexicons of this kind (framing, "
                                                        "reporting_verbs, sources).")] = None) -> None:
    """List the lexicons of a folder with their kind, version and number of entries."""
    from framing.lexicon.explore import lexicon_table

    frame = _run(lexicon_table, lexicons, kind=kind)
    if frame.empty:
        typer.echo("no lexicons")
        return
    typer.echo(_table(frame, ["name", "kind", "language", "version", "entries", "categories", "actors", "path"]))


@app.command()
def show(
    lexicon: Name,
    lexicons: LexDir = None,
    category: Annotated[str | None, typer.Option(help="Only entries of this category.")] = None,
    actor: Annotated[str | None, typer.Option(help="Only entries of this actor ('-' for entries without "
                                                   "one).")] = None,
    term: Annotated[str | None, typer.Option("--term", help="Only entries whose term contains this "
                                                            "(normalized).")] = None,
    counts: Annotated[bool, typer.Option("--counts", help="Only the counts per category and actor.")] = False,
) -> None:
    """Show a lexicon: metadata, entries per category and actor, and its entries (filterable)."""
    from framing.lexicon.explore import show_lexicon

    shown = _run(show_lexicon, lexicon, lexicons=lexicons, category=category, actor=actor, term=term)
    lex = shown.lexicon
    typer.echo(f"{lex.name} {lex.version} ({lex.kind}, {lex.language}) — {lex.path}")
    if lex.description:
        typer.echo(lex.description)
    typer.echo("")
    typer.echo(_table(shown.counts, ["group", "id", "entries", "mean_stance", "description"]))
    if not counts:
        typer.echo("")
        typer.echo(_table(shown.entries, ["line", "term", "actor", "category", "stance", "note"])
                   if len(shown.entries) else "no entries match")


# --- create and edit -------------------------------------------------------------------------


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="Name of the new lexicon (also its file name), e.g. egypt-2013.")],
    lexicons: LexDir = None,
    kind: Annotated[str, typer.Option(help="framing, reporting_verbs or sources.")] = "framing",
    language: Annotated[str, typer.Option(help="Language code of the terms.")] = "ar",
    description: Annotated[str | None, typer.Option(help="One line: what the lexicon covers.")] = None,
) -> None:
    """Create a new lexicon file from a commented template (in ./lexicons/ unless --lexicons)."""
    from framing.lexicon.editing import new_lexicon

    path = _run(new_lexicon, name, directory=lexicons, kind=kind, language=language, description=description)
    typer.echo(f"created {path}")


Category = Annotated[str | None, typer.Option(help="Category id (declared under categories:).")]
Actor = Annotated[str | None, typer.Option(help="Actor id (declared under actors:).")]
Stance = Annotated[float | None, typer.Option(help="-1 (delegitimizing) … 0 (neutral) … 1 (legitimizing).")]
Note = Annotated[str | None, typer.Option(help="Free text: why the entry is there, a source, an example.")]
Match = Annotated[str | None, typer.Option(help="affix (default: with clitics and suffixes), exact, or name (a "
                                                "proper name: only و ف ب ل ك before it).")]
Canonical = Annotated[str | None, typer.Option(help="(sources lexicons) normalized speaker name.")]
NewCategory = Annotated[str | None, typer.Option("--new-category", help="Declare the category with this "
                                                                        "description if it is new.")]
NewActor = Annotated[str | None, typer.Option("--new-actor", help="Declare the actor with this description "
                                                                  "if it is new.")]


def _report_edit(result) -> None:
    typer.echo(result.describe())
    for w in result.warnings:
        typer.echo(f"warning: {w}", err=True)


@app.command()
def add(
    lexicon: Name,
    term: Term,
    category: Annotated[str, typer.Option(help="Category id (declared under categories:).")],
    actor: Actor = None,
    stance: Stance = None,
    note: Note = None,
    match: Match = None,
    canonical: Canonical = None,
    merge: Annotated[bool, typer.Option("--merge", help="If the term exists, fill in its missing fields and "
                                                        "append the note instead of refusing.")] = False,
    new_category: NewCategory = None,
    new_actor: NewActor = None,
    lexicons: LexDir = None,
) -> None:
    """Add an entry; comments and every other line of the file stay as they are."""
    from framing.lexicon.editing import add_entry

    _report_edit(_run(add_entry, lexicon, term, category=category, actor=actor, stance=stance, note=note,
                      match=match, canonical=canonical, merge=merge, new_category=new_category,
                      new_actor=new_actor, lexicons=lexicons))


@app.command()
def remove(lexicon: Name, term: Term, lexicons: LexDir = None) -> None:
    """Remove an entry (found by its normalized term); only its lines are deleted."""
    from framing.lexicon.editing import remove_entry

    _report_edit(_run(remove_entry, lexicon, term, lexicons=lexicons))


@app.command("set")
def set_(
    lexicon: Name,
    term: Term,
    new_term: Annotated[str | None, typer.Option("--term", help="Rename the term.")] = None,
    category: Category = None,
    actor: Annotated[str | None, typer.Option(help="Actor id; '' removes it.")] = None,
    stance: Stance = None,
    note: Annotated[str | None, typer.Option(help="New note; '' removes it.")] = None,
    match: Match = None,
    canonical: Canonical = None,
    new_category: NewCategory = None,
    new_actor: NewActor = None,
    lexicons: LexDir = None,
) -> None:
    """Change fields of an entry; only its lines are rewritten."""
    from framing.lexicon.editing import set_entry

    _report_edit(_run(set_entry, lexicon, term, new_term=new_term, category=category, actor=actor,
                      stance=stance, note=note, match=match, canonical=canonical, new_category=new_category,
                      new_actor=new_actor, lexicons=lexicons))


# --- check -----------------------------------------------------------------------------------


@app.command()
def validate(
    paths: Annotated[list[str] | None, typer.Argument(help="Lexicon files or folders (default: --lexicons "
                                                           "or the project's lexicons/).")] = None,
    lexicons: LexDir = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit non-zero on warnings too.")] = False,
    errors_only: Annotated[bool, typer.Option("--errors-only", help="Do not print warnings.")] = False,
) -> None:
    """Check lexicons: schema, duplicates after normalization, shadowed and unmatchable terms,
    stance range — every problem with file:line. Exits 1 if there are errors."""
    from framing.lexicon.validate import validate as validate_

    source: Any = paths or lexicons
    if source is None:
        from framing.lexicon import default_lexicon_dir

        source = _run(default_lexicon_dir)
    issues = _run(validate_, source)
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity != "error"]
    for issue in issues:
        if issue.severity == "error" or not errors_only:
            typer.echo(issue.format())
    typer.echo(f"{len(errors)} error(s), {len(warnings)} warning(s)", err=True)
    if errors or (strict and warnings):
        raise typer.Exit(code=1)


@app.command()
def kwic(
    term: Term,
    corpus: CorpusArg,
    lexicons: Annotated[str | None, typer.Option("--lexicons", "-l", help="Also show which entry of these "
                                                                          "lexicons counts instead; an entry of "
                                                                          "TERM lends its match and rules.")] = None,
    match: Annotated[str, typer.Option(help="affix (as scoring: clitics, suffixes), exact or name.")] = "affix",
    sample: Annotated[int | None, typer.Option("--sample", help="Show a random sample of N lines.")] = None,
    width: Annotated[int, typer.Option(help="Characters of context on each side.")] = 50,
    outlet: Annotated[list[str] | None, typer.Option("--outlet", help="Only this outlet (repeatable).")] = None,
    seed: Seed = 0,
    limit: Limit = None,
    sample_docs: SampleDocs = None,
    csv: CsvOut = None,
    text_field: TextField = "text",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    id_field: IdField = "id",
) -> None:
    """Keyword in context: every occurrence of TERM in CORPUS, matched exactly as scoring matches."""
    from framing.lexicon.explore import kwic as kwic_

    frame = _run(kwic_, term, corpus, match=match, lexicons=lexicons, width=width, sample=sample, seed=seed,
                 limit=limit, sample_docs=sample_docs, outlets=outlet,
                 **_fields(text_field, outlet_field, date_field, id_field))
    for r in frame.itertuples(index=False):
        covered = f"   (counts as {r.covered_by})" if r.covered_by else ""
        if r.excluded:
            covered = f"   ({r.excluded})"
        typer.echo(f"{r.outlet}  {r.doc_id}  {r.left} [{r.match}] {r.right}{covered}")
    a = frame.attrs
    per = ", ".join(f"{o} {n}" for o, n in a["per_outlet"].items())
    shown = f"; showing {len(frame)}" if len(frame) != a["hits"] + a.get("excluded", 0) else ""
    excluded = f" (and {a['excluded']} excluded by a rule)" if a.get("excluded") else ""
    typer.echo(f"{a['hits']} hits{excluded} in {a['documents']} of {a['documents_read']} documents{shown}"
               + (f" — {per}" if per else ""), err=True)
    _write_csv(frame, csv)


@app.command()
def suggest(
    corpus: CorpusArg,
    lexicons: LexDir = None,
    into: Annotated[str | None, typer.Option(help="Lexicon the printed 'add' commands should target.")] = None,
    by: Annotated[list[str] | None, typer.Option("--by", help="outlet (distinguishing terms) and/or actor "
                                                              "(terms near an actor's mentions).")] = None,
    actor: Annotated[list[str] | None, typer.Option("--actor", help="Only this actor (repeatable).")] = None,
    top: Annotated[int, typer.Option(help="Suggestions per outlet / actor.")] = 10,
    ngram_max: Annotated[int, typer.Option(help="Longest phrase, in words.")] = 3,
    min_count: Annotated[int, typer.Option(help="Minimum documents (sentences for actors) in the group.")] = 10,
    z_min: Annotated[float, typer.Option("--z-min", help="Minimum z-score of the log-odds ratio.")] = 1.96,
    stopwords: Annotated[str | None, typer.Option(help="Stop-word file (default: lexicons/stopwords-ar.txt).")
                         ] = None,
    examples: Annotated[bool, typer.Option("--examples/--no-examples", help="Find a KWIC example for each "
                                                                            "(one more pass).")] = True,
    language: Annotated[str | None, typer.Option(metavar="ar|en", help="ar or en: the documents, rules and stop words "
                                                      "(default: the --into lexicon's language, else ar).")
                        ] = None,
    seed: Seed = 0,
    limit: Limit = None,
    sample_docs: SampleDocs = None,
    csv: CsvOut = None,
    text_field: TextField = "text",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    id_field: IdField = "id",
) -> None:
    """Suggest terms no lexicon has yet: what distinguishes each outlet, what surrounds each actor."""
    from framing.lexicon.explore import suggest_terms

    frame = _run(suggest_terms, corpus, lexicons, by=tuple(by or ("outlet", "actor")), top_n=top,
                 ngram_max=ngram_max, min_count=min_count, z_min=z_min, stopwords=stopwords, into=into, actors=actor,
                 examples=examples, limit=limit, sample_docs=sample_docs, seed=seed, language=language,
                 **_fields(text_field, outlet_field, date_field, id_field))
    current = None
    for r in frame.itertuples(index=False):
        if (r.source, r.group) != current:
            current = (r.source, r.group)
            typer.echo(f"\n== {r.source} {r.group} ==")
        contains = f"  (contains {r.contains_entry})" if r.contains_entry else ""
        typer.echo(f"{r.rank:>3}. {r.term}   z={r.z:.1f}  n={r.count}  [{r.per_outlet}]{contains}")
        if r.example:
            typer.echo(f"     {r.example_outlet} {r.example_doc}: {r.example}")
        typer.echo(f"     {r.command}")
    a = frame.attrs
    typer.echo(f"\n{len(frame)} suggestions from {a['documents']} documents ({a['statistic']})", err=True)
    _write_csv(frame, csv)


@app.command("test")
def check_on_corpus(
    corpus: CorpusArg,
    lexicons: LexDir = None,
    broad: Annotated[float, typer.Option(help="Flag entries found in more than this share of documents.")
                     ] = 0.2,
    status: Annotated[str | None, typer.Option(help="Only entries of this status: dead, broad or ok.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only lexicons of this kind.")] = None,
    seed: Seed = 0,
    limit: Limit = None,
    sample_docs: SampleDocs = None,
    csv: CsvOut = None,
    text_field: TextField = "text",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    id_field: IdField = "id",
) -> None:
    """Per entry: hits, documents and outlets in CORPUS — find dead and over-broad entries."""
    from framing.lexicon.explore import entry_stats

    frame = _run(entry_stats, corpus, lexicons, broad=broad, kind=kind, limit=limit, sample_docs=sample_docs,
                 seed=seed, **_fields(text_field, outlet_field, date_field, id_field))
    shown = frame[frame["status"] == status] if status else frame
    if len(shown):
        typer.echo(_table(shown, ["lexicon", "line", "term", "actor", "hits", "documents", "outlets", "status",
                                  "top_forms"]))
    counts = frame["status"].value_counts()
    typer.echo(f"{len(frame)} entries on {frame.attrs['documents']} documents: "
               + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("ok", "broad", "dead")), err=True)
    _write_csv(frame, csv)


# --- exchange --------------------------------------------------------------------------------


@app.command("import")
def import_(
    file: Annotated[str, typer.Argument(help="A .csv (term, actor, category, stance, note), LIWC .dic or "
                                             "quanteda .yml file.")],
    into: Annotated[str, typer.Option(help="Target lexicon (name or path); created if it does not exist.")],
    lexicons: LexDir = None,
    format: Annotated[str | None, typer.Option(help="csv, liwc or quanteda (default: from the suffix).")] = None,
    update: Annotated[bool, typer.Option("--update", help="Overwrite entries whose fields differ.")] = False,
    declare: Annotated[bool, typer.Option("--declare", help="Declare categories and actors the lexicon does "
                                                            "not have yet.")] = False,
    language: Annotated[str | None, typer.Option(help="Language of the terms (e.g. en) for a lexicon the "
                                                      "import creates; default: the target lexicon's, else ar.")
                        ] = None,
) -> None:
    """Import entries from a spreadsheet (CSV) or a dictionary (LIWC .dic, quanteda YAML)."""
    from framing.lexicon.exchange import import_entries

    r = _run(import_entries, file, into, format=format, lexicons=lexicons, update=update, declare=declare,
             language=language)
    typer.echo(f"{'created' if r.created else 'updated'} {r.path}: {r.added} added, {r.updated} updated, "
               f"{r.unchanged} unchanged" + (f"; declared {', '.join(r.declared)}" if r.declared else ""))
    for n in r.notes:
        typer.echo(f"note: {n}", err=True)


@app.command()
def export(
    lexicon: Name,
    out: Annotated[str | None, typer.Option("--out", "-o", help="Output file (default: print to stdout).")
                   ] = None,
    format: Annotated[str | None, typer.Option(help="csv, liwc or quanteda (default: from --out's suffix, "
                                                    "else csv).")] = None,
    excel: Annotated[bool, typer.Option("--excel", help="CSV with a BOM so that Excel reads Arabic "
                                                        "correctly.")] = False,
    lexicons: LexDir = None,
) -> None:
    """Export a lexicon as CSV (for spreadsheets), LIWC .dic or quanteda YAML."""
    from framing.lexicon.exchange import export_lexicon

    if format is None and out is None:
        format = "csv"
    text = _run(export_lexicon, lexicon, out, format=format, lexicons=lexicons, excel=excel)
    if out is None:
        typer.echo(text, nl=False)
    else:
        typer.echo(f"wrote {Path(out)}", err=True)


@app.command("evaluate")
def evaluate_(
    gold: Annotated[str, typer.Argument(help="Gold spans: a .jsonl of {text, spans: [{start, end, label}]}, an "
                                             "ArMPro .jsonl or a BRAT folder (.ann + .txt); with --sample, any "
                                             "corpus 'framing compare' reads.")],
    lexicons: Annotated[list[str] | None, typer.Option("--lexicons", "-l", help="Lexicon folder or file "
                                                       "(repeatable; default: the project's lexicons/).")] = None,
    map_: Annotated[list[str] | None, typer.Option("--map", help="LABEL=CATEGORY[,CATEGORY…] (repeatable; * = any "
                                                   "category): only these gold labels count, each against these "
                                                   "categories.")] = None,
    out: Annotated[str | None, typer.Option("--out", "-o", help="Write metrics, labels, hits, misses and "
                                            "false_positives CSVs (with --sample: coding_sheet.csv) here.")] = None,
    sample: Annotated[int | None, typer.Option("--sample", help="Instead of scores: a coding sheet of N random "
                                               "hits for a precision check by hand.")] = None,
    seed: Seed = 0,
    show: Annotated[int, typer.Option(help="Misses and false positives to print.")] = 10,
    width: Annotated[int, typer.Option(help="Characters of context on each side.")] = 50,
    morphology_db: Annotated[str | None, typer.Option(help="camel-tools morphology DB file: also match through "
                                                      "analysed stems, as 'framing compare --morphology-db'.")
                             ] = None,
    text_field: TextField = "text",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    id_field: IdField = "id",
) -> None:
    """Precision, recall and F1 of the lexicons against hand-coded gold spans; misses and false positives."""
    from framing.evaluate import OVERLAP_RULE, evaluate, sample_hits

    lemmatizer = None
    if morphology_db:
        from framing.morphology import MorphologyLemmatizer

        lemmatizer = _run(MorphologyLemmatizer, morphology_db)
    if sample is not None:
        sheet = _run(sample_hits, gold, sample, seed=seed, lexicons=lexicons or None, width=width,
                     lemmatizer=lemmatizer, **_fields(text_field, outlet_field, date_field, id_field))
        for r in sheet.itertuples(index=False):
            typer.echo(f"{r.sample:>4}. {r.outlet}  {r.doc_id}  {r.left.rstrip()} [{r.match}] {r.right.lstrip()}   "
                       f"({r.lexicon}:{r.term}, {r.category}, {r.stance:+.1f})")
        typer.echo(f"{len(sheet)} of {sheet.attrs['hits']} hits in {sheet.attrs['documents']} documents "
                   f"(seed {seed}); code each one in the 'correct' column", err=True)
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            sheet.to_csv(Path(out) / "coding_sheet.csv", index=False, encoding="utf-8-sig")
            typer.echo(f"wrote {Path(out) / 'coding_sheet.csv'}", err=True)
        return
    result = _run(evaluate, gold, lexicons=lexicons or None, mapping=map_, width=width, lemmatizer=lemmatizer)
    typer.echo(_table(result.metrics, ["scope", "name", "hits", "correct_hits", "precision", "gold_spans",
                                       "recalled_spans", "recall", "f1"]))
    typer.echo("")
    typer.echo(_table(result.labels, ["label", "gold_spans", "recalled", "recall", "recall_valenced"]))
    for title, frame in (("misses", result.misses), ("false positives", result.false_positives)):
        typer.echo(f"\n{len(frame)} {title}" + (f" (first {show})" if len(frame) > show else ""))
        for r in frame.head(show).itertuples(index=False):
            what = r.label if title == "misses" else f"{r.lexicon}:{r.term} ({r.category})"
            typer.echo(f"  {r.doc_id}  {r.left.rstrip()} [{r.text if title == 'misses' else r.matched}] "
                       f"{r.right.lstrip()}   {what}")
    typer.echo(f"{result.documents} gold texts, lexicons {', '.join(result.lexicons)}; {OVERLAP_RULE}", err=True)
    if out:
        for path in result.write(out):
            typer.echo(f"wrote {path}", err=True)
