"""Compatibility alias: the HTML report lives in :mod:`framing.report.html`.

``framing.html_report`` *is* that module (same object), so every name and every monkeypatch
reaches the same functions.
"""

import sys

from framing.report import html as _html

sys.modules[__name__] = _html
