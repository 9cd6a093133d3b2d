"""``python -m sim`` end to end as a user types it: the few tests where a subprocess is the point.

Everything else about the command line runs in process (``test_main.py``, including
``python -m sim replay`` through ``sim/__main__.py``); config mistakes are tested in
``tests/config/test_validation.py``. The parallel launchers' end-to-end tests are ``slow``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SUBPROCESS_ENV, sim_subprocess


def ok(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, (
        f"exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    return proc


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_run_writes_its_directory(tmp_path: Path) -> None:
    run = tmp_path / "run"
    proc = ok(sim_subprocess("n_replicates=40", "batch_size=16", "seed=7", f"hydra.run.dir={run}"))
    assert "deal likelihood" in proc.stdout and "40 replicates" in proc.stdout
    for name in ("outcomes.parquet", "summary.json", "manifest.json", "deal_likelihood.png"):
        assert (run / name).stat().st_size > 0, name
    for name in (".hydra/config.yaml", ".hydra/overrides.yaml"):
        assert (run / name).is_file(), name
    assert json.loads((run / "manifest.json").read_text())["seed"] == 7
    assert not list(run.glob(".*.tmp"))
    log = (run / "run.log").read_text()  # the run's Python log, not an empty file
    assert "simulating 40 replicates" in log and "deal likelihood" in log
    assert "simulating" not in proc.stdout  # the console keeps the printed tables only
    assert (run / "report.html").is_file() and (run / "deal_likelihood.pdf").is_file()


@pytest.mark.slow  # ~20 s: the loky workers each start an interpreter; sweeps run in process too
def test_a_joblib_sweep_runs_its_jobs_in_parallel_and_aggregates_them(tmp_path: Path) -> None:
    proc = sim_subprocess(
        "-m",
        "n_replicates=40",
        "progress=false",
        "seed=1,2",
        "hydra/launcher=local_joblib",
        "hydra.launcher.n_jobs=2",
        f"hydra.sweep.dir={tmp_path}",
    )
    ok(proc)
    table = pd.read_parquet(tmp_path / "aggregate.parquet")
    assert len(table) == 2 and (table["status"] == "complete").all()
    assert sorted(table["seed"]) == [1, 2]
    for job_dir in table["job_dir"]:
        summary = json.loads((Path(job_dir) / "summary.json").read_text())
        assert summary["n_replicates"] == 40
        manifest = json.loads((Path(job_dir) / "manifest.json").read_text())
        assert manifest["n_workers"] == 1  # the parallel launcher pins one worker per job


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("protocol.n_round=5", "protocol.n_round"),  # a typo'd key: Hydra's error, one line
        (  # a value out of range: the validator's error, one line
            "scenario.parties.canada.reservation_value=1.5",
            "scenario.parties.canada.reservation_value=1.5",
        ),
    ],
)
@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_config_mistake_exits_2_with_one_line(override: str, key: str, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    proc = sim_subprocess("n_replicates=10", f"hydra.run.dir={run_dir}", override)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("config error: ") and key in lines[0]
    assert "Traceback" not in proc.stderr
    assert not run_dir.exists()  # a refused run leaves no folder that looks like a run


def test_a_refused_run_keeps_a_folder_that_already_holds_results(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    (tmp_path / "notes.txt").write_text("mine")
    status = run_cli(f"hydra.run.dir={tmp_path}", "scenario.parties.canada.reservation_value=1.5")
    assert status == 2
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.slow
def test_two_runs_started_together_get_their_own_directories(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "sim", "n_replicates=20", "progress=false"]
    procs = [
        subprocess.Popen(
            cmd,
            cwd=tmp_path,
            env=SUBPROCESS_ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    runs = sorted((tmp_path / "results" / "default").iterdir())
    assert len(runs) == 2 and all((r / "summary.json").exists() for r in runs)


@pytest.mark.slow
def test_submitit_local_launcher_runs_a_two_job_sweep(tmp_path: Path) -> None:
    ok(
        sim_subprocess(
            "-m",
            "n_replicates=40",
            "progress=false",
            "seed=1,2",
            "hydra/launcher=local_submitit",
            f"hydra.sweep.dir={tmp_path}",
        )
    )
    table = pd.read_parquet(tmp_path / "aggregate.parquet")
    assert len(table) == 2 and (table["status"] == "complete").all()
    assert sorted(table["seed"]) == [1, 2]
    assert (tmp_path / ".submitit").is_dir()
    for job_dir in table["job_dir"]:
        assert json.loads((Path(job_dir) / "manifest.json").read_text())["n_workers"] == 1
