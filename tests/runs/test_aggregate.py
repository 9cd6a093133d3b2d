"""A sweep's aggregate table (:mod:`sim.runs.aggregate`) on the shared 2 x 2 strategy sweep."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from omegaconf import OmegaConf

from sim.runs.aggregate import aggregate_sweep
from tests.conftest import SWEPT_STRATEGIES

PARAMS = ["negotiator.canada.strategy", "negotiator.united_states.strategy"]


def job_config(job_dir: Path) -> dict:
    return OmegaConf.to_container(OmegaConf.load(job_dir / ".hydra" / "config.yaml"))  # type: ignore[return-value]


def assert_sane_intervals(table: pd.DataFrame) -> None:
    tracks = [
        c.removeprefix("deal_likelihood/")
        for c in table.columns
        if c.startswith("deal_likelihood/")
    ]
    assert "all_tracks" in tracks and len(tracks) >= 4
    for t in tracks:
        p, lo, hi = table[f"deal_likelihood/{t}"], table[f"ci_low/{t}"], table[f"ci_high/{t}"]
        assert ((lo >= 0) & (lo <= p) & (p <= hi) & (hi <= 1)).all(), t
        assert ((hi - lo) > 0).all(), t  # a Wilson interval never pins a likelihood exactly


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_the_sweep_writes_four_complete_jobs_and_an_aggregate(strategy_sweep: Path) -> None:
    job_dirs = sorted(p for p in strategy_sweep.iterdir() if (p / ".hydra").is_dir())
    assert [p.name for p in job_dirs] == ["0", "1", "2", "3"]
    for job_dir in job_dirs:
        for name in ("outcomes.parquet", "summary.json", "manifest.json", "report.html"):
            assert (job_dir / name).stat().st_size > 0, (job_dir, name)
        assert not list(job_dir.glob("*.png"))  # lean sweeps: no per-job figures by default
        assert len(json.loads((job_dir / "summary.json").read_text())["config_hash"]) == 16

    table = pd.read_parquet(strategy_sweep / "aggregate.parquet")
    assert len(table) == 4
    assert (table["status"] == "complete").all()
    assert_sane_intervals(table)
    # parameters are values from each job's saved config, aligned with that job
    pairs = set(zip(table[PARAMS[0]], table[PARAMS[1]], strict=True))
    assert pairs == {(a, b) for a in SWEPT_STRATEGIES for b in SWEPT_STRATEGIES}
    for _, row in table.iterrows():
        cfg = job_config(Path(row["job_dir"]))
        for party, param in zip(("canada", "united_states"), PARAMS, strict=True):
            assert cfg["negotiator"][party]["strategy"] == row[param]
        assert row["replicates_simulated"] == cfg["n_replicates"] == 200
    rates = table[[c for c in table.columns if c.startswith("mean_rate/")]]
    issues = job_config(Path(table["job_dir"].iloc[0]))["scenario"]["issues"]
    rated = sorted(f"mean_rate/{name}" for name, issue in issues.items() if issue["rates"])
    assert sorted(rates.columns) == rated
    assert ((rates >= 0) & (rates <= 0.5)).all().all()
    csv = pd.read_csv(strategy_sweep / "aggregate.csv")
    assert len(csv) == 4 and list(csv.columns) == list(table.columns)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_aggregate_reads_parameters_from_configs_not_folder_names(
    strategy_sweep: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(strategy_sweep, copy)
    for job_dir in sorted(p for p in copy.iterdir() if p.is_dir()):
        job_dir.rename(copy / f"renamed_{job_dir.name}x")  # misleading names
    aggregate_sweep(copy, tmp_path / "out")
    table = pd.read_parquet(tmp_path / "out" / "aggregate.parquet")
    original = pd.read_parquet(strategy_sweep / "aggregate.parquet")
    merged = table.merge(original, on=["job", *PARAMS], suffixes=("", "_orig"))
    assert len(merged) == 4
    assert (merged["deal_likelihood/autos"] == merged["deal_likelihood/autos_orig"]).all()


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_aggregate_lists_jobs_that_never_started(strategy_sweep: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(strategy_sweep, copy)
    shutil.rmtree(copy / "3")
    report = aggregate_sweep(copy)
    assert not report.is_complete
    table = pd.read_csv(copy / "aggregate.csv").set_index("job")
    assert table.loc[3, "status"] == "missing"
    assert table.loc[3, "error_type"] == "NotStarted"
    # its parameters come from jobs.json: the last point of the grid
    assert table.loc[3, PARAMS[0]] == table.loc[3, PARAMS[1]] == SWEPT_STRATEGIES[-1]
    assert (table.drop(index=3)["status"] == "complete").all()
