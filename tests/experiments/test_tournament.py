"""The strategy tournament's payoff table (``experiments/tournament.py``).

On the shared sweep of the default scenario, and on a sweep of a domain read from GENIUS files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests import genius_xml as gx
from tests.conftest import SWEPT_STRATEGIES, run_cli
from tests.experiments import script


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
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


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
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


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_the_tournament_runs_on_an_imported_domain(tmp_path: Path):
    files = gx.fruit_files(tmp_path)
    sweep = tmp_path / "sweep"
    status = run_cli(
        "-m",
        *gx.overrides(files, "n_replicates=60"),
        "negotiator.party_1.strategy=boulware,conceder",
        "negotiator.party_2.strategy=boulware",
        f"hydra.sweep.dir={sweep}",
    )
    assert status == 0
    tournament = script("tournament")
    assert tournament.main([str(sweep), "--out", str(tmp_path / "t")]) == 0
    table = pd.read_parquet(tmp_path / "t" / "tournament.parquet").set_index("strategy_party_1")
    assert set(table.index) == {"boulware", "conceder"}
    # a conceding first party leaves the second more than a Boulware one does
    assert table.loc["conceder", "utility_party_2"] > table.loc["boulware", "utility_party_2"]


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_the_tournament_figure_and_table_carry_intervals_and_a_ranking(
    strategy_sweep: Path, tmp_path: Path, monkeypatch
) -> None:
    import matplotlib.pyplot as plt

    tournament = script("tournament")
    kept = []
    monkeypatch.setattr(tournament, "save_figure", lambda fig, path: kept.append(fig) or path)
    assert tournament.main([str(strategy_sweep), "--out", str(tmp_path)]) == 0
    (fig,) = kept
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    plt.close(fig)
    assert sum("[" in t and "]" in t for t in texts) >= 3 * 4  # an interval in every CI cell
    titles = {ax.get_title() for ax in fig.axes}
    assert {"Pareto-efficient deals", "distance to the Nash point"} <= titles
    assert any(t.startswith("Ranked by mean welfare") and "1. " in t for t in texts)
    md = (tmp_path / "tournament.md").read_text()
    assert "ranking by mean welfare" in md and "| 4 |" in md
