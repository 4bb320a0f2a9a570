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
