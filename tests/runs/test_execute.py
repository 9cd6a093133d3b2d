"""A run directory as :func:`sim.runs.execute.execute` writes it (the shared ``run_dir``).

``tests/analysis/test_summary.py`` recomputes every number of its ``summary.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.runs.jobs import config_hash
from sim.runs.replay import load_run_config
from tests.conftest import RUN_OVERRIDES

N_REPLICATES, SEED = 300, 7
assert f"n_replicates={N_REPLICATES}" in RUN_OVERRIDES and f"seed={SEED}" in RUN_OVERRIDES


def test_run_directory_is_complete(run_dir: Path) -> None:
    for name in (
        "outcomes.parquet",
        "summary.json",
        "manifest.json",
        "deal_likelihood.png",
        "agreement_weeks.png",
        "deals_over_time.png",
        "final_tariffs.png",
    ):
        assert (run_dir / name).is_file(), name
        assert (run_dir / name).stat().st_size > 0
    summary = json.loads((run_dir / "summary.json").read_text())
    for track in summary["tracks"]:
        assert (run_dir / f"frontier_{track}.png").stat().st_size > 0
    assert not list(run_dir.glob(".*.tmp"))  # every file was renamed into place


def test_outcomes_table_has_one_row_per_replicate_and_track(run_dir: Path) -> None:
    out = pd.read_parquet(run_dir / "outcomes.parquet")
    summary = json.loads((run_dir / "summary.json").read_text())
    n_tracks = len(summary["tracks"])
    assert len(out) == N_REPLICATES * n_tracks
    assert out.groupby("replicate").size().eq(n_tracks).all()
    assert sorted(out["replicate"].unique()) == list(range(N_REPLICATES))
    assert (out["seed"] == SEED).all()
    for col in (
        "replicate",
        "track",
        "agreed",
        "agreement_week",
        "utility_canada",
        "utility_united_states",
        "option_steel_tariff",
        "rate_steel_tariff",
    ):
        assert col in out.columns
    deals = out[out["agreed"]]
    assert deals["agreement_week"].notna().all()
    assert out[~out["agreed"]]["agreement_week"].isna().all()


def test_summary_intervals_bracket_the_likelihoods(run_dir: Path) -> None:
    summary = json.loads((run_dir / "summary.json").read_text())
    rows = summary["deal_likelihood"]
    assert rows[-1]["track"] == "all_tracks"
    for r in rows:
        assert 0.0 <= r["ci_low"] <= r["deal_likelihood"] <= r["ci_high"] <= 1.0
        assert r["n_replicates"] == N_REPLICATES


def test_summary_is_stamped_with_the_config_hash(run_dir: Path) -> None:
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["config_hash"] == config_hash(load_run_config(run_dir))
    assert summary["seed"] == SEED and summary["n_replicates"] == N_REPLICATES


def test_manifest_traces_the_run(run_dir: Path) -> None:
    m = json.loads((run_dir / "manifest.json").read_text())
    assert m["seed"] == SEED
    assert m["rng_scheme"] == 2
    assert set(m["git"]) == {"commit", "dirty"}
    assert m["packages"]["mesa"].startswith("3.5")
    assert m["wall_time_s"] > 0
    assert m["config"]["n_replicates"] == N_REPLICATES
