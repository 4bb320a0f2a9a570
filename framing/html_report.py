"""Compatibility alias: the HTML report lives in :mod:`framing.report.html`."""

from framing.report.html import *  # noqa: F403
from framing.report.html import __all__  # noqa: F401
