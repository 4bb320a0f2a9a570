import os
import stat

import pandas as pd
import pytest

from framing.errors import RunError
from framing.output import INCOMPLETE_MARKER, RunOutput, atomic_write_text


def test_run_output_is_invisible_until_commit(tmp_path):
    final = tmp_path / "run"
    out = RunOutput(final)
    out.write_csv("a.csv", pd.DataFrame({"x": [1.0 / 3, 2.0], "t": ["قوات النظام", "روسيا"]}))
    assert not final.exists()
    assert (out.dir / INCOMPLETE_MARKER).exists()
    out.commit()
    assert (final / "a.csv").read_text(encoding="utf-8") == "x,t\n0.333333,قوات النظام\n2,روسيا\n"
    assert not (final / INCOMPLETE_MARKER).exists()
    assert not list(tmp_path.glob("run.incomplete-*"))


RUN_JSON = '{"framing_run": 1, "files": {"old.txt": "", "keep.txt": ""}}'


def test_commit_replaces_previous_run_whole(tmp_path):
    final = tmp_path / "run"
    first = RunOutput(final)
    first.write_text("run.json", RUN_JSON)
    first.write_text("old.txt", "old")
    first.write_text("keep.txt", "v1")
    first.commit()
    second = RunOutput(final, overwrite=True)
    second.write_text("run.json", RUN_JSON)
    second.write_text("keep.txt", "v2")
    # an unfinished second run leaves the first one untouched
    assert (final / "old.txt").exists() and (final / "keep.txt").read_text() == "v1"
    second.commit()
    assert sorted(p.name for p in final.iterdir()) == ["keep.txt", "run.json"]
    assert (final / "keep.txt").read_text() == "v2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no .old-*, no journal


def test_a_second_run_needs_overwrite(tmp_path):
    final = tmp_path / "run"
    first = RunOutput(final)
    first.write_text("run.json", RUN_JSON)
    first.commit()
    with pytest.raises(RunError, match=r"earlier run.*--overwrite"):
        RunOutput(final)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_aborted_run_keeps_previous_and_leaves_nothing(tmp_path):
    final = tmp_path / "run"
    ok = RunOutput(final)
    ok.write_text("run.json", RUN_JSON)
    ok.write_text("report.md", "complete")
    ok.commit()
    broken = RunOutput(final, overwrite=True)
    assert "unfinished" in (broken.dir / INCOMPLETE_MARKER).read_text()
    stream = broken.csv_stream("hits.csv", ["doc_id", "term"])
    stream.write({"doc_id": "d1", "term": "الثوار"})
    broken.abort()
    assert (final / "report.md").read_text() == "complete"
    assert not broken.dir.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_files_appearing_in_the_target_during_a_run_stop_the_commit(tmp_path):
    final = tmp_path / "run"
    out = RunOutput(final)
    out.write_text("run.json", RUN_JSON)
    final.mkdir()
    (final / "thesis.docx").write_text("x")
    with pytest.raises(RunError, match="not a framing run"):
        out.commit()
    assert (final / "thesis.docx").read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_output_path_that_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(RunError, match="not a folder"):
        RunOutput(f)


def test_atomic_write_keeps_mode_and_leaves_no_temp(tmp_path):
    p = tmp_path / "lex.yaml"
    p.write_text("a: 1\n")
    os.chmod(p, 0o640)
    atomic_write_text(p, "a: 2\n")
    assert p.read_text() == "a: 2\n"
    assert stat.S_IMODE(p.stat().st_mode) == 0o640
    assert [q.name for q in tmp_path.iterdir()] == ["lex.yaml"]


def test_an_output_path_that_is_a_link_is_refused_and_left_alone(tmp_path):
    real = tmp_path / "real"
    first = RunOutput(real)
    first.write_text("run.json", RUN_JSON)
    first.commit()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    with pytest.raises(RunError, match="symbolic link"):
        RunOutput(link, overwrite=True)
    assert link.is_symlink() and (real / "run.json").is_file()
