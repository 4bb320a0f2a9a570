"""Topic markers are not loaded language (issue 14, item 2).

A category may be declared ``{description: ..., kind: topic}``: its hits are still counted
(``hits.csv``, ``density:<category>``) but stay out of the loaded-term density, the timeline's
``density``, the report's loaded-term tables and the side-by-side "Loaded terms".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import framing
from framing.errors import LexiconError
from framing.lexicon.model import category_kinds, load_lexicon, load_lexicons, loaded_categories
from framing.report import load_run
from framing.report.markdown import render_markdown
from framing.report.tables import build_tables, timeline

LEXICON = """\
name: kinds-test
kind: framing
language: ar
version: "1"
description: a loaded category, a topic marker and actor labels
categories:
  actor_label: Names of actors
  aggression: Loaded wording about violence
  humanitarian:
    description: Civilians and displacement
    kind: topic
actors:
  syrian_government: The Syrian government
entries:
  - {term: قوات النظام, category: actor_label, actor: syrian_government, stance: -0.6}
  - {term: مجزرة, category: aggression, stance: -0.9}
  - {term: النازحين, category: humanitarian}
  - {term: المدنيين, category: humanitarian}
"""

#: two outlets on the same event: one calls it a massacre, both speak of civilians and the displaced
DOCS = [
    {"id": "a", "outlet": "المدن", "date": "2021-06-01",
     "text": "ارتكبت قوات النظام مجزرة في ريف إدلب الجنوبي وقتلت عشرة من المدنيين في بلدة كفرنبل، "
             "وفر مئات النازحين نحو الحدود التركية."},
    {"id": "b", "outlet": "الوطن", "date": "2021-06-01",
     "text": "أوقع قصف على بلدة كفرنبل في ريف إدلب الجنوبي قتلى بين المدنيين، ونزح مئات النازحين "
             "إلى مخيمات قرب الحدود التركية."},
]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_kind_is_read_from_the_categories_mapping_with_defaults(tmp_path):
    lex = load_lexicon(_write(tmp_path / "k.yaml", LEXICON))
    assert lex.categories["humanitarian"] == "Civilians and displacement"  # the description, as before
    assert lex.category_kinds == {"humanitarian": "topic"}
    assert [lex.kind_of(c) for c in ("actor_label", "aggression", "humanitarian")] == ["label", "loaded", "topic"]
    assert loaded_categories([lex]) == ["aggression"]


def test_bundled_syria_lexicon_marks_its_topic_categories():
    lex = load_lexicon(Path(__file__).parents[1] / "lexicons" / "syria.yaml")
    kinds = category_kinds([lex])
    assert {c for c, k in kinds.items() if k == "topic"} == {"humanitarian", "diplomacy", "military_action"}
    assert {"aggression", "terrorism_framing", "legitimacy"} <= set(loaded_categories([lex]))


def test_unknown_kind_is_an_error_naming_file_and_line(tmp_path):
    bad = LEXICON.replace("    kind: topic", "    kind: subject")
    with pytest.raises(LexiconError) as exc:
        load_lexicon(_write(tmp_path / "bad.yaml", bad))
    assert exc.value.line == 9  # the line declaring 'humanitarian'
    assert "bad.yaml:9" in str(exc.value) and "'subject'" in str(exc.value)
    assert "loaded, topic, label" in str(exc.value)


def test_unknown_key_in_a_category_mapping_is_an_error(tmp_path):
    bad = LEXICON.replace("    kind: topic", "    kind: topic\n    colour: red")
    with pytest.raises(LexiconError, match="colour") as exc:
        load_lexicon(_write(tmp_path / "bad.yaml", bad))
    assert exc.value.line == 9


def test_a_category_of_two_kinds_across_lexicons_names_both_files(tmp_path):
    _write(tmp_path / "a.yaml", LEXICON)
    other = LEXICON.replace("name: kinds-test", "name: other").replace("    kind: topic", "    kind: loaded")
    other = other.split("entries:")[0] + "entries:\n  - {term: الخيام, category: humanitarian}\n"
    _write(tmp_path / "b.yaml", other)
    with pytest.raises(LexiconError) as exc:
        load_lexicons(tmp_path)
    msg = str(exc.value)
    assert "humanitarian" in msg and "a.yaml" in msg and "b.yaml" in msg
    assert "'topic'" in msg and "'loaded'" in msg
    # framing lexicon validate lists it too, at the line of the second declaration
    from framing.lexicon.validate import validate

    found = [i for i in validate(tmp_path) if i.code == "category-kind"]
    assert [(Path(i.path).name, i.line, i.severity) for i in found] == [("b.yaml", 9, "error")]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("kinds")
    lex = _write(d / "kinds.yaml", LEXICON)
    result = framing.compare(DOCS, lexicons=str(lex), topics=False)
    result.save(d / "run")
    return d / "run"


def test_topic_hits_are_still_counted_and_recorded_in_run_json(run_dir):
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert manifest["category_kinds"] == {"actor_label": "label", "aggression": "loaded", "humanitarian": "topic"}
    run = load_run(run_dir)
    topic_hits = run.hits[run.hits["category"] == "humanitarian"]
    assert sorted(topic_hits["term"]) == ["المدنيين", "المدنيين", "النازحين", "النازحين"]
    a = run.documents.set_index("doc_id").loc["a"]
    assert a["density:humanitarian"] > 0 and a["density:aggression"] > 0
    assert "density:humanitarian" in run.outlets.columns


def test_loaded_density_and_tables_leave_topic_markers_out(run_dir):
    run = load_run(run_dir)
    tl = timeline(run)
    mudun = tl[tl["outlet"] == "المدن"].iloc[0]
    watan = tl[tl["outlet"] == "الوطن"].iloc[0]
    assert mudun["loaded_hits"] == 1  # «مجزرة» only, not «المدنيين» / «النازحين»
    assert watan["loaded_hits"] == 0 and watan["density"] == 0
    tables = build_tables(run)
    assert tables.side_by_side, "the two documents are one multi-outlet event"
    loaded = next(iter(tables.side_by_side.values())).wide("loaded_terms")
    text = loaded.to_string()
    assert "مجزرة" in text and "المدنيين" not in text and "النازحين" not in text
    md = render_markdown(tables)
    loaded_section = md.split("## Loaded-term categories", 1)[1].split("\n## ", 1)[0]
    assert "aggression" in loaded_section and "humanitarian" not in loaded_section
    topic_section = md.split("## Topic markers and actor labels", 1)[1].split("\n## ", 1)[0]
    assert "humanitarian" in topic_section


def test_a_run_without_recorded_kinds_keeps_the_old_meaning(run_dir):
    run = load_run(run_dir)
    del run.manifest["category_kinds"]
    tl = timeline(run)
    assert tl[tl["outlet"] == "الوطن"].iloc[0]["loaded_hits"] == 2  # as before kinds: «المدنيين», «النازحين»


def test_csv_export_and_import_keep_the_kind(tmp_path):
    from framing.lexicon.exchange import export_lexicon, import_entries

    src = _write(tmp_path / "k.yaml", LEXICON)
    text = export_lexicon(src, tmp_path / "k.csv", format="csv")
    assert text.splitlines()[0].endswith(",category_kind")
    assert "النازحين,,humanitarian,0.0,,topic" in text
    import_entries(tmp_path / "k.csv", tmp_path / "copy.yaml")
    copy = load_lexicon(tmp_path / "copy.yaml")
    assert copy.category_kinds == {"humanitarian": "topic"}
    assert loaded_categories([copy]) == ["aggression"]
    # a lexicon that declares the category as loaded refuses the rows, naming both files
    other = _write(tmp_path / "other.yaml", LEXICON.replace("    kind: topic", "    kind: loaded"))
    with pytest.raises(LexiconError, match=re.escape("humanitarian is 'topic' in k.csv but 'loaded' in other.yaml")):
        import_entries(tmp_path / "k.csv", other)


def test_csv_import_refuses_an_unknown_kind_with_its_line(tmp_path):
    from framing.lexicon.exchange import import_entries

    csv = _write(tmp_path / "bad.csv", "term,category,category_kind\nالنازحين,humanitarian,subject\n")
    with pytest.raises(LexiconError, match=re.escape("line 2: category_kind 'subject'")):
        import_entries(csv, tmp_path / "new.yaml")


def test_evaluate_counts_topic_markers_but_not_as_valenced_hits():
    """``framing lexicon evaluate``: a topic marker with a stance (syria.yaml's «مستشفى» −0.2,
    «طفل» +0.3 for civilians) is a hit, but not a claim of loaded wording."""
    from framing.evaluate import GoldDocument, GoldSpan, evaluate

    text = "نقل الطفل إلى المستشفى بعد المجزرة."
    i = text.index("المجزرة")
    gold = [GoldDocument("k1", text, (GoldSpan(i, i + len("المجزرة"), "Loaded_Language"),))]
    r = evaluate(gold, lexicons=[load_lexicon("lexicons/syria.yaml")])
    kinds = dict(zip(r.hits["term"], r.hits["kind"], strict=True))
    assert kinds == {"طفل": "topic", "مستشفى": "topic", "مجزرة": "loaded"}
    assert all(r.hits["stance"] != 0)  # all three carry a stance ...
    assert (r.valenced["hits"], r.valenced["precision"]) == (1, 1.0)  # ... one claims loaded wording
    assert (r.overall["hits"], r.overall["correct_hits"]) == (3, 1)
