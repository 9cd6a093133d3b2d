"""The strategy tournament's payoff table (``experiments/tournament.py``) on the shared sweep."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.conftest import SWEPT_STRATEGIES
from tests.experiments import script


def test_payoff_table_has_every_pairing_with_intervals(strategy_sweep: Path, tmp_path: Path):
    tournament = script("tournament")
    assert tournament.main([str(strategy_sweep), "--out", str(tmp_path)]) == 0
    table = pd.read_parquet(tmp_path / "tournament.parquet")
    assert len(table) == 4
    assert set(zip(table["strategy_canada"], table["strategy_united_states"], strict=True)) == {
        (a, b) for a in SWEPT_STRATEGIES for b in SWEPT_STRATEGIES
    }
    for m in ("agreement", "utility_canada", "utility_united_states", "welfare"):
        assert ((table[f"{m}_ci_low"] <= table[m]) & (table[m] <= table[f"{m}_ci_high"])).all()
    assert table["share_pareto_efficient"].between(0, 1).all()
    for name in ("tournament.csv", "tournament.md", "tournament.png"):
        assert (tmp_path / name).stat().st_size > 0


def test_conceding_hands_the_other_side_a_larger_payoff(strategy_sweep: Path):
    tournament = script("tournament")
    table = tournament.aggregate(tournament.load_runs(strategy_sweep)).set_index(
        ["strategy_canada", "strategy_united_states"]
    )
    # against the same U.S. Boulware, a conceding Canada leaves the U.S. more and keeps less
    hard, soft = table.loc[("boulware", "boulware")], table.loc[("conceder", "boulware")]
    assert soft["utility_united_states"] > hard["utility_united_states"]
    assert soft["utility_canada"] < hard["utility_canada"]
    # and symmetrically for a conceding U.S. against a Canadian Boulware
    hard, soft = table.loc[("boulware", "boulware")], table.loc[("boulware", "conceder")]
    assert soft["utility_canada"] > hard["utility_canada"]
    assert soft["utility_united_states"] < hard["utility_united_states"]
