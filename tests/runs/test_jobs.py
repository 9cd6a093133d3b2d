"""Sweep jobs (:mod:`sim.runs.jobs`): the config hash, resume, recorded failures, ``jobs.json``.

The last test runs a sweep with a failing job through the command line, in process, twice.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from sim.config.schema import RunConfig
from sim.runs.jobs import (
    ERROR_FILE,
    TRACEBACK_FILE,
    config_hash,
    read_jobs_file,
    run_job,
    write_jobs_file,
)
from tests.conftest import compose_run_config, run_cli


@pytest.fixture(scope="module")
def base() -> RunConfig:
    return compose_run_config()


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_config_hash_ignores_speed_settings_only(base: RunConfig) -> None:
    assert len(config_hash(base)) == 16
    assert config_hash(base) == config_hash(dataclasses.replace(base, n_workers=8, progress=False))
    assert config_hash(base) != config_hash(dataclasses.replace(base, seed=base.seed + 1))
    assert config_hash(base) != config_hash(compose_run_config(["scenario.linkage=false"]))
    assert config_hash(base) == config_hash(compose_run_config())  # stable across compositions


def test_batch_size_enters_the_hash_only_with_adaptive_replication(base: RunConfig) -> None:
    # replicates do not depend on their batch (tested in runs/test_experiment.py) ...
    assert config_hash(base) == config_hash(dataclasses.replace(base, batch_size=7))
    # ... but adaptive rounds add whole batches, so there the batch size changes the total
    adaptive = dataclasses.replace(base, precision=0.02)
    assert config_hash(adaptive) != config_hash(dataclasses.replace(adaptive, batch_size=7))


def _writes_summary(cfg: RunConfig, out_dir: Path) -> dict:
    (out_dir / "summary.json").write_text(json.dumps({"seed": cfg.seed}))
    return {"seed": cfg.seed}


def _raises(cfg: RunConfig, out_dir: Path) -> dict:
    raise RuntimeError("the model blew up\nin week 3")


def test_run_job_stamps_skips_and_records_failures(base: RunConfig, tmp_path: Path) -> None:
    first = run_job(base, tmp_path, _writes_summary, multirun=True)
    assert first is not None and first["config_hash"] == config_hash(base)
    # finished with the same config: skipped, even if the task would now fail
    assert run_job(base, tmp_path, _raises, multirun=True) == first
    # a different config is run again; in a sweep its failure is recorded, not raised
    other = dataclasses.replace(base, seed=1)
    assert run_job(other, tmp_path, _raises, multirun=True) is None
    error = json.loads((tmp_path / ERROR_FILE).read_text())
    assert error == {
        "type": "RuntimeError",
        "module": "builtins",
        "message": "the model blew up in week 3",
    }
    assert "RuntimeError: the model blew up" in (tmp_path / TRACEBACK_FILE).read_text()
    # a successful retry clears the failure
    assert run_job(other, tmp_path, _writes_summary, multirun=True) is not None
    assert not (tmp_path / ERROR_FILE).exists()
    # a single run fails loudly and is never skipped
    with pytest.raises(RuntimeError):
        run_job(other, tmp_path, _raises, multirun=False)


def test_jobs_file_round_trips(tmp_path: Path) -> None:
    write_jobs_file(tmp_path, [["seed=1"], ["seed=2", "+experiment=x"]])
    assert read_jobs_file(tmp_path) == {0: ["seed=1"], 1: ["seed=2", "+experiment=x"]}
    assert read_jobs_file(tmp_path / "nowhere") is None


def summary(job_dir: Path) -> dict:
    return json.loads((job_dir / "summary.json").read_text())


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_failing_job_is_recorded_and_a_rerun_resumes_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # job 1 asks for an impossible weekly hazard. Sweeps check every point before the first job
    # (tests/cli/test_lean_sweeps.py); that check is switched off here so the job fails at run
    # time, standing in for a failure no up-front check can foresee. Job 0 finishes.
    monkeypatch.setattr("sim.cli.callbacks.validate_sweep_points", lambda config, jobs: None)
    key = "scenario.leaders.trump.suspension_hazard_per_week"
    args = ["-m", "n_replicates=50", "progress=false", f"{key}=0.05,2.0"]
    args.append(f"hydra.sweep.dir={tmp_path}")
    assert run_cli(*args) == 1  # the sweep ran, but not every job finished
    err = capsys.readouterr().err
    assert "1 failed" in err and "Traceback" not in err
    error = json.loads((tmp_path / "1" / "error.json").read_text())
    assert error["type"] == "ConfigError"
    assert f"{key}=2.0" in error["message"]
    assert "ConfigError" in (tmp_path / "1" / "traceback.txt").read_text()
    assert not (tmp_path / "1" / "summary.json").exists()
    assert "config_hash" in summary(tmp_path / "0")
    table = pd.read_parquet(tmp_path / "aggregate.parquet").set_index("job")
    assert list(table["status"]) == ["complete", "failed"]
    assert table.loc[1, "error_type"] == "ConfigError"
    assert table.loc[1, key] == 2.0
    jobs = json.loads((tmp_path / "jobs.json").read_text())["jobs"]
    assert [j["overrides"][-1] for j in jobs] == [f"{key}={v}" for v in ("0.05", "2.0")]

    # rerun the same sweep into the same directory: the complete job is skipped, untouched
    before = (tmp_path / "0" / "outcomes.parquet").stat().st_mtime_ns
    expected = summary(tmp_path / "0")
    assert run_cli(*args) == 1  # job 1 still fails
    out = capsys.readouterr().out
    assert out.count("skipped") == 1 and f"{tmp_path / '0'}: already complete" in out
    assert (tmp_path / "0" / "outcomes.parquet").stat().st_mtime_ns == before

    # interrupt job 0 after the fact (no stamped summary): a rerun redoes it, with the same results
    (tmp_path / "0" / "summary.json").unlink()
    assert run_cli(*args) == 1
    assert "skipped" not in capsys.readouterr().out
    assert (tmp_path / "0" / "outcomes.parquet").stat().st_mtime_ns > before
    redone = summary(tmp_path / "0")
    assert redone["config_hash"] == expected["config_hash"]
    assert redone["deal_likelihood"] == expected["deal_likelihood"]  # same seed, same results
    table = pd.read_parquet(tmp_path / "aggregate.parquet")
    assert list(table["status"]) == ["complete", "failed"]
