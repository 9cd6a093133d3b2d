"""The figure scripts in ``experiments/`` draw a sweep (the shared 2 x 2 strategy sweep)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.experiments import script

X = "negotiator.canada.strategy"


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_figure_scripts_draw_the_sweep(strategy_sweep: Path, tmp_path: Path) -> None:
    fig_vs = script("fig_likelihood_vs_param")
    assert fig_vs.main([str(strategy_sweep), "--param", X, "--out", str(tmp_path)]) == 0
    assert fig_vs.main([str(strategy_sweep), "--out", str(tmp_path)]) == 2  # two swept: choose
    assert script("fig_heatmap").main([str(strategy_sweep), "--out", str(tmp_path)]) == 0
    survival = script("fig_time_to_deal")
    assert survival.main([str(strategy_sweep), "--out", str(tmp_path)]) == 0
    tariffs = script("fig_tariff_distributions")
    assert tariffs.main([str(strategy_sweep), "--out", str(tmp_path)]) == 0
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert len(pngs) == 4
    assert f"likelihood_vs_{X.replace('.', '_')}.png" in pngs
    assert {"tariff_distributions.png", "time_to_deal.png"} <= set(pngs)
    assert any(p.startswith("heatmap_") for p in pngs)
    assert all((tmp_path / p).stat().st_size > 10_000 for p in pngs)

    # Kaplan-Meier without censoring before the deadline: 1 - share agreed by the deadline
    data = survival.aggregate(survival.load_runs(strategy_sweep))
    table = pd.read_parquet(strategy_sweep / "aggregate.parquet")
    for _, rows in data[data["track"] == "autos"].groupby("label"):
        km = survival.survival(rows["weeks"].to_numpy(), rows["is_deal"].to_numpy())
        assert km.sf.probabilities[-1] == pytest.approx(1 - rows["is_deal"].mean())
    assert set(data["label"]) and len(set(data["label"])) == len(table)
    shares = tariffs.aggregate(tariffs.load_runs(strategy_sweep))
    totals = shares.groupby(["point", "issue"])["share"].sum()
    assert np.allclose(totals, 1.0)
