"""Lean sweeps (issue 13): no per-job figures, one sweep report, every point validated first.

In process through :func:`tests.conftest.run_cli`; the shared 2 x 2 ``strategy_sweep`` is read,
never modified.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim.cli.callbacks import expected_jobs
from sim.cli.compose import CONF_DIR, job_cap, register_configs
from tests.conftest import SWEPT_STRATEGIES, run_cli

QUICK = ("n_replicates=20", "progress=false")


def test_sweep_jobs_draw_no_figures_and_the_sweep_writes_its_report(strategy_sweep: Path) -> None:
    jobs = sorted(p for p in strategy_sweep.iterdir() if p.is_dir() and p.name.isdigit())
    assert len(jobs) == len(SWEPT_STRATEGIES) ** 2
    for job in jobs:
        assert not list(job.glob("*.png")) and not list(job.glob("*.pdf")), job
        assert (job / "report.html").is_file()  # tables only, still a report
    for name in ("report.html", "deal_likelihood_sweep.png", "deal_likelihood_sweep.pdf"):
        assert (strategy_sweep / name).stat().st_size > 0, name
    html = (strategy_sweep / "report.html").read_text()
    assert "data:image/png;base64," in html and "95 % interval" in html
    for job in jobs:
        assert f"{job.name}/report.html" in html  # each job's report is linked


def test_the_long_aggregate_has_one_row_per_job_and_track(strategy_sweep: Path) -> None:
    wide = pd.read_parquet(strategy_sweep / "aggregate.parquet")
    long = pd.read_parquet(strategy_sweep / "aggregate_long.parquet")
    tracks = [c.removeprefix("deal_likelihood/") for c in wide if c.startswith("deal_likelihood/")]
    assert len(long) == len(wide) * len(tracks)
    assert set(long["track"]) == set(tracks)
    assert {"deal_likelihood", "ci_low", "ci_high", "negotiator.canada.strategy"} <= set(long)
    assert (long["ci_low"] <= long["deal_likelihood"]).all()
    assert len(long.columns) < len(wide.columns) / 3  # the point: a narrow table


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_figures_switch_turns_per_job_figures_back_on(tmp_path: Path, capsys) -> None:
    sweep = tmp_path / "sweep"
    assert run_cli("-m", *QUICK, "seed=1,2", "figures=true", f"hydra.sweep.dir={sweep}") == 0
    assert (sweep / "0" / "deal_likelihood.png").is_file()
    assert (sweep / "1" / "deal_likelihood.pdf").is_file()
    out = capsys.readouterr().out
    assert "job 1/2" in out and "job 2/2" in out  # the job counter
    assert run_cli("-m", *QUICK, "seed=1,2", "figures=true", f"hydra.sweep.dir={sweep}") == 0
    assert "already complete" in capsys.readouterr().out  # resumed
    assert not [p for p in sweep.rglob("*") if ".tmp" in p.name]  # no temporary file survives


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("scenario.leaders.trump.suspension_hazard_per_week=0.1,7", "suspension_hazard_per_week"),
        ("scenario.linkage=true,maybe", "scenario.linkage"),
        ("scenario.leaders.trump.no_such_key=1,2", "no_such_key"),
    ],
    ids=["out-of-range", "bad-type", "bad-key"],
)
@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_bad_sweep_point_stops_before_any_job_and_leaves_no_folder(
    tmp_path: Path, capsys, override: str, expected: str
) -> None:
    sweep = tmp_path / "sweep"
    assert run_cli("-m", *QUICK, override, f"hydra.sweep.dir={sweep}") == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("config error: job ") and expected in err[0], err
    assert not sweep.exists()


def _hydra_config(*overrides: str):
    register_configs()
    with initialize_config_dir(str(CONF_DIR), version_base="1.3"):
        return compose("config", list(overrides), return_hydra_config=True)


def test_a_swept_key_of_a_preset_given_again_is_one_key_not_a_product() -> None:
    cfg = _hydra_config("+experiment=ratification_threshold")
    with_override = OmegaConf.merge(
        cfg,
        {
            "hydra": {
                "overrides": {
                    "task": [
                        "+experiment=ratification_threshold",
                        "scenario.leaders.carney.ratification_threshold_premium=0.0,0.1,0.2",
                    ]
                }
            }
        },
    )
    jobs = expected_jobs(with_override)
    assert jobs is not None and len(jobs) == 3  # not 6 presets x 3 command-line values


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_local_submitit_runs_at_most_one_job_per_core() -> None:
    cfg = _hydra_config("hydra/launcher=local_submitit")
    assert cfg.hydra.sweeper.max_batch_size == job_cap()
    assert 1 <= (job_cap() or 0) <= (os.cpu_count() or 1)
    assert _hydra_config().hydra.sweeper.max_batch_size is None  # the basic launcher: no batches
    assert _hydra_config("hydra/launcher=slurm").hydra.sweeper.max_batch_size is None
