"""`--language-field` / ``language_field=``: a corpus column naming each document's language
overrides detection (here the column is called ``lang``)."""

import csv

import pandas as pd
import pytest
from typer.testing import CliRunner

import framing
from framing.cli import app
from framing.errors import ConfigError

# two English articles; the second is marked German in the corpus's own language column
ROWS = [
    {"id": "e1", "outlet": "wire", "lang": "English",
     "text": "Regime forces shelled the town on Monday, the Syrian Observatory said."},
    {"id": "e2", "outlet": "wire", "lang": "de",
     "text": "Rebels said they had taken the village after heavy fighting with the army."},
    {"id": "a1", "outlet": "almodon", "lang": "ar",
     "text": "قصفت قوات النظام بلدة في ريف إدلب وقال ناشطون إن القصف طال المنازل."},
]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", "outlet", "lang", "text"])
        w.writeheader()
        w.writerows(ROWS)
    return path


def test_compare_reads_the_language_column(corpus):
    res = framing.compare(str(corpus), language_field="lang", topics=False, events=False)
    docs = res.table("documents").set_index("doc_id")
    assert docs.loc["e1", "language"] == "en" and docs.loc["a1", "language"] == "ar"
    assert "e2" not in docs.index  # the column says German: skipped, and listed with the reason
    problems = res.table("problems")
    [row] = problems[problems["reason"] == "unsupported language"].to_dict("records")
    assert row["doc_id"] == "e2" and "the language field says 'de'" in row["detail"]
    # without the option the column is not read: the text says English
    plain = framing.compare(str(corpus), topics=False, events=False).table("documents").set_index("doc_id")
    assert plain.loc["e2", "language"] == "en"


def test_compare_a_dataframe_needs_the_named_column(corpus):
    frame = pd.read_csv(corpus)
    res = framing.compare(frame, language_field="lang", topics=False, events=False)
    assert set(res.table("documents")["doc_id"]) == {"e1", "a1"}
    with pytest.raises(ConfigError, match="no column 'language_code'"):
        framing.compare(frame, language_field="language_code", topics=False, events=False)


def test_cli_language_field(corpus, tmp_path):
    out = tmp_path / "run"
    r = CliRunner().invoke(app, ["compare", str(corpus), "--language-field", "lang", "--no-topics", "--no-events",
                                 "--no-charts", "-o", str(out)])
    assert r.exit_code == 0, r.output
    docs = pd.read_csv(out / "documents.csv")
    assert sorted(docs["doc_id"]) == ["a1", "e1"]
    assert '"language_field": "lang"' in (out / "run.json").read_text(encoding="utf-8")
