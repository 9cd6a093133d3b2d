"""The command line, end to end: run directories, multirun, and one-line config errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import REPO


def sim_run(*overrides: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *overrides],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    proc = sim_run("n_replicates=500", "batch_size=200", "seed=7", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    assert "deal likelihood" in proc.stdout
    return out


def test_run_directory_is_complete(run_dir):
    for name in (
        "outcomes.parquet",
        "summary.json",
        "manifest.json",
        "deal_likelihood.png",
        "agreement_weeks.png",
        ".hydra/config.yaml",
        ".hydra/overrides.yaml",
    ):
        assert (run_dir / name).is_file(), name
        assert (run_dir / name).stat().st_size > 0
    assert not list(run_dir.glob(".*.tmp"))


def test_outcomes_table_has_one_row_per_replicate_and_track(run_dir):
    out = pd.read_parquet(run_dir / "outcomes.parquet")
    summary = json.loads((run_dir / "summary.json").read_text())
    n_tracks = len(summary["tracks"])
    assert len(out) == 500 * n_tracks
    assert out.groupby("replicate").size().eq(n_tracks).all()
    assert (out["seed"] == 7).all()
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


def test_summary_intervals_bracket_the_likelihoods(run_dir):
    summary = json.loads((run_dir / "summary.json").read_text())
    rows = summary["deal_likelihood"]
    assert rows[-1]["track"] == "all_tracks"
    for r in rows:
        assert 0.0 <= r["ci_low"] <= r["deal_likelihood"] <= r["ci_high"] <= 1.0
        assert r["n_replicates"] == 500


def test_manifest_traces_the_run(run_dir):
    m = json.loads((run_dir / "manifest.json").read_text())
    assert m["seed"] == 7
    assert set(m["git"]) == {"commit", "dirty"}
    assert m["packages"]["mesa"].startswith("3.5")
    assert m["wall_time_s"] > 0
    assert m["config"]["n_replicates"] == 500


def test_multirun_writes_one_job_directory_per_point(tmp_path):
    proc = sim_run("-m", "seed=1,2", "n_replicates=100", f"hydra.sweep.dir={tmp_path}")
    assert proc.returncode == 0, proc.stderr
    jobs = sorted(p for p in tmp_path.iterdir() if p.is_dir() and (p / "summary.json").exists())
    assert len(jobs) == 2
    seeds = {json.loads((j / "summary.json").read_text())["seed"] for j in jobs}
    assert seeds == {1, 2}


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("protocol.n_round=5", "protocol.n_round"),  # typo'd key
        ("seed=abc", "seed"),  # wrong type
        ("n_replicates=0", "n_replicates"),  # out of range
        ("negotiator.canada.beta=0", "negotiator.canada.beta"),
        ("negotiator.united_states.beta=-1", "negotiator.united_states.beta"),
        (
            "scenario.parties.canada.weights.steel_tariff=-0.5",
            "scenario.parties.canada.weights.steel_tariff",
        ),
        (
            "scenario.parties.canada.reservation_value=1.5",
            "scenario.parties.canada.reservation_value",
        ),
        ("scenario.parties.united_states.reservation_value=-0.1", "reservation_value"),
        ("scenario.deadline=2025-09-01", "scenario.deadline"),
    ],
)
def test_bad_config_values_exit_with_one_line(override, key, tmp_path):
    proc = sim_run("n_replicates=10", f"hydra.run.dir={tmp_path}", override)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("config error: ") and key in lines[0]
    assert "Traceback" not in proc.stderr
