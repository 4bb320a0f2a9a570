"""One exception hierarchy for everything a user can get wrong.

Every message names the file, line or value at fault and says how to fix it.
The CLI turns a :class:`FramingError` into a one-line message and a non-zero
exit code; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class FramingError(Exception):
    """Base class of every error caused by user input (files, options, data)."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 hint: str | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint
        self.message = message
        super().__init__(self.format())

    def format(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        text = where + self.message
        if self.hint:
            text += f" — {self.hint}"
        return text


class CorpusError(FramingError):
    """A corpus cannot be read: missing, empty, undecodable, bad fields or manifest rows."""


class LexiconError(FramingError):
    """A lexicon file is invalid (syntax, schema, values) or an edit is refused."""


class ConfigError(FramingError):
    """An option or combination of options is invalid."""


class RunError(FramingError):
    """A run cannot proceed or its output folder is unusable."""


class StrictModeError(FramingError):
    """Problems were found in the input and ``--strict`` was given."""

    exit_code = 3


class NotFittedError(FramingError, ValueError):
    """A model was used before ``fit`` was called."""


class MissingDependencyError(FramingError, ImportError):
    """An optional backend is not installed; the message gives the ``pip install`` line."""


def missing_dependency(package: str, feature: str) -> MissingDependencyError:
    return MissingDependencyError(
        f"{feature} needs the optional package '{package}'", hint=f"pip install {package}"
    )
