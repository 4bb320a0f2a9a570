"""Shared fixtures: everything the tests read lives under tests/ (self-contained)."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
ROOT = TESTS.parent


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The bundled seed corpus (the project's seeds/ folder, five articles + manifest)."""
    return ROOT / "seeds"


@pytest.fixture(scope="session")
def lexicon_dir() -> Path:
    return ROOT / "lexicons"


@pytest.fixture(scope="session")
def neutral():
    """An attribution extractor with the bundled reporting verbs and the neutral sources lexicon,
    as a run with a researcher's own framing lexicon has (built once for the attribution tests)."""
    from framing.attribution import AttributionExtractor
    from framing.lexicon import load_lexicon

    lex = ROOT / "lexicons"
    return AttributionExtractor(verbs=[load_lexicon(lex / "reporting_verbs.yaml")],
                                sources=[load_lexicon(lex / "sources.yaml")])
