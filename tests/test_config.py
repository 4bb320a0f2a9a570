"""The project config (framing.toml / [tool.framing]): defaults for compare, checked with file:line."""

import pytest

from framing.config import find_config, load_config
from framing.errors import ConfigError


def _write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_framing_toml_values_are_read_and_typed(tmp_path):
    _write(tmp_path, "framing.toml", '# a study of February 2013\noutlet_field = "source"\n'
                                      'date-field = "crawl_time"\nsince = 2013-02-01\nlexicons = "lex/egypt"\n'
                                      "outlets = ['المدن', 'عنب بلدي']\nmax_document_chars = 500000\n"
                                      "topics = false\n")
    config = load_config(folder=tmp_path)
    assert config.path == tmp_path / "framing.toml"
    assert config.values == {"outlet_field": "source", "date_field": "crawl_time", "since": "2013-02-01",
                             "lexicons": ["lex/egypt"], "outlets": ["المدن", "عنب بلدي"],
                             "max_document_chars": 500000, "topics": False}


def test_pyproject_tool_framing_table(tmp_path):
    _write(tmp_path, "pyproject.toml", '[project]\nname = "study"\n\n[tool.framing]\ntext_field = "body"\n'
                                        'limit = 10\n\n[tool.other]\nlimit = "x"\n')
    config = load_config(folder=tmp_path)
    assert config.values == {"text_field": "body", "limit": 10}


def test_pyproject_without_our_table_is_no_config_and_framing_toml_wins(tmp_path):
    _write(tmp_path, "pyproject.toml", '[project]\nname = "study"\n')
    assert find_config(tmp_path) is None and load_config(folder=tmp_path).values == {}
    _write(tmp_path, "pyproject.toml", '[tool.framing]\nlimit = 3\n')
    _write(tmp_path, "framing.toml", 'limit = 5\n')
    assert load_config(folder=tmp_path).values == {"limit": 5}


@pytest.mark.parametrize(("text", "message"), [
    ('outlet_field = "source"\n\nlimt = 5\n', r"framing.toml:3: unknown option 'limt' .*\(limit\?\)"),
    ('outlet_field = "source"\nlimit = "5"\n', r"framing.toml:2: option 'limit' is '5', expected a whole number"),
    ('topics = "no"\n', r"framing.toml:1: option 'topics' is 'no', expected true or false"),
    ('lexicons = [1, 2]\n', r"framing.toml:1: option 'lexicons' is \[1, 2\], expected a list of strings"),
    ('config = "other.toml"\n', r"framing.toml:1: unknown option 'config'"),
    ('outlet_field = "source\n', r"framing.toml:1: not valid TOML"),
])
def test_mistakes_are_one_line_errors_with_file_and_line(tmp_path, text, message):
    _write(tmp_path, "framing.toml", text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(folder=tmp_path)
    assert "\n" not in str(info.value)


def test_the_line_of_a_key_inside_tool_framing(tmp_path):
    _write(tmp_path, "pyproject.toml", '[tool.other]\nseed = "x"\n\n[tool.framing]\nseed = "x"\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml:5: option 'seed'"):
        load_config(folder=tmp_path)


def test_an_explicit_config_that_is_missing(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "study.toml")
