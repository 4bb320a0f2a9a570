"""What the report imports: charts bring seaborn without scipy.stats (a second of CPU in each
process that draws), and a process that needs scipy.stats afterwards still gets it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_charts_import_seaborn_without_scipy_stats_which_still_imports_later():
    code = (
        "import json, sys\n"
        "from framing.report import charts\n"
        "plt, sns = charts._setup()\n"
        "fig = charts.plot_keyness(__import__('pandas').DataFrame({'target': ['أ'] * 2, 'reference': ['ب'] * 2,"
        " 'side': ['target', 'reference'], 'rank': [1, 1], 'term': ['جيش', 'شعب'], 'form': ['الجيش', 'الشعب'],"
        " 'z': [3.5, -2.0], 'count_target': [9, 1], 'count_reference': [1, 8]}))\n"
        "before = 'scipy.stats' in sys.modules\n"
        "import scipy.stats\n"
        "print(json.dumps([before, sns.__name__, len(fig.axes), float(scipy.stats.norm.cdf(0))]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, name, axes, half = json.loads(out.stdout.strip().splitlines()[-1])
    assert (before, name, half) == (False, "seaborn", 0.5)
    assert axes >= 1


def test_charts_use_scipy_stats_when_it_is_already_imported():
    import scipy.stats

    from framing.report import charts

    sns = charts._import_seaborn()
    assert sys.modules["scipy.stats"] is scipy.stats and sns.__name__ == "seaborn"
