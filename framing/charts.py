"""Compatibility alias: the chart functions live in :mod:`framing.report.charts`."""

from framing.report.charts import *  # noqa: F403
from framing.report.charts import __all__, _topic_name  # noqa: F401
