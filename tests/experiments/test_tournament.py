"""The strategy tournament's payoff table, from a real 2x2 sweep through the command line."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import REPO


def _tournament_module():
    spec = importlib.util.spec_from_file_location(
        "tournament", REPO / "experiments" / "tournament.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tournament")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "-m",
            "n_replicates=400",
            "progress=false",
            "negotiator.canada.strategy=boulware,conceder",
            "negotiator.united_states.strategy=boulware,conceder",
            f"hydra.sweep.dir={out}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return out


def test_payoff_table_has_every_pairing_with_intervals(sweep, tmp_path):
    tournament = _tournament_module()
    assert tournament.main([str(sweep), "--out", str(tmp_path)]) == 0
    table = pd.read_parquet(tmp_path / "tournament.parquet")
    assert len(table) == 4
    assert set(zip(table["strategy_canada"], table["strategy_united_states"], strict=True)) == {
        (a, b) for a in ("boulware", "conceder") for b in ("boulware", "conceder")
    }
    for m in ("agreement", "utility_canada", "utility_united_states", "welfare"):
        assert ((table[f"{m}_ci_low"] <= table[m]) & (table[m] <= table[f"{m}_ci_high"])).all()
    assert table["share_pareto_efficient"].between(0, 1).all()
    for name in ("tournament.csv", "tournament.md", "tournament.png"):
        assert (tmp_path / name).stat().st_size > 0


def test_conceding_hands_the_other_side_a_larger_payoff(sweep, tmp_path):
    tournament = _tournament_module()
    table = tournament.aggregate(tournament.load_runs(sweep)).set_index(
        ["strategy_canada", "strategy_united_states"]
    )
    # against the same U.S. Boulware, a conceding Canada leaves the U.S. more and keeps less
    hard, soft = table.loc[("boulware", "boulware")], table.loc[("conceder", "boulware")]
    assert soft["utility_united_states"] > hard["utility_united_states"]
    assert soft["utility_canada"] < hard["utility_canada"]
