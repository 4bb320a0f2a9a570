"""Compatibility alias: the chart functions live in :mod:`framing.report.charts`.

``framing.charts`` *is* that module (same object), so every name and every monkeypatch
reaches the same functions.
"""

import sys

from framing.report import charts as _charts

sys.modules[__name__] = _charts
