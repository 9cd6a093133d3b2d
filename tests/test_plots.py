"""Figures (:mod:`sim.plots`): written atomically as PNG files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.analysis.bargaining import efficiency_summary
from sim.plots import plot_outcomes_over_frontier

B2_U = np.array([[1.0, 0.8, 0.5, 0.1], [0.2, 0.55, 0.75, 0.5]])  # SCENARIO.md B2


@pytest.mark.parametrize(("n", "m"), [(4, 3), (25_000, 500), (50, 0)])
def test_plot_outcomes_over_frontier_writes_png(tmp_path: Path, n: int, m: int) -> None:
    rng = np.random.default_rng(n)
    u = B2_U if n == 4 else rng.random((2, n))
    d = u[:, -1]
    summary = efficiency_summary(u, d, rng.integers(0, u.shape[1], size=m))
    agreed = u[:, rng.integers(0, u.shape[1], size=m)].T
    path = plot_outcomes_over_frontier(
        u,
        agreed,
        tmp_path / "sub" / "frontier.png",
        nash=summary["nash_utilities"],
        ks=summary["ks_utilities"],
        title="steel",
    )
    assert path == tmp_path / "sub" / "frontier.png"
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000
    # the PNG and its PDF twin, and no temporary file left behind
    assert sorted(path.parent.iterdir()) == [path.with_suffix(".pdf"), path]
