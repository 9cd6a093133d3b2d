"""A result folder that looks complete is right: issue 18's mixed-folder scenarios, reproduced.

Through the command line in process (one subprocess where two processes are the point): two runs
aimed at one folder, a second run into a complete run's folder, a sweep folder reused by another
sweep, a full disk half-way through a sweep. Each refusal is one line; no folder ends up mixed.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import hydra.core.utils
import pandas as pd
import pytest
from omegaconf import OmegaConf

import sim
from sim.runs.aggregate import aggregate_sweep, parameter_columns
from sim.runs.ownership import DirectoryRefused
from sim.runs.stamp import file_digest, verify_stamp
from tests.conftest import REPO, SUBPROCESS_ENV, run_cli
from tests.experiments import script

QUICK = ("n_replicates=20", "progress=false")
PARAMS = ["negotiator.canada.strategy", "negotiator.united_states.strategy"]


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def n_replicates(run: Path) -> int:
    return int(json.loads((run / "summary.json").read_text())["n_replicates"])


# --- single runs --------------------------------------------------------------------------------


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_run_is_refused_while_another_writes_into_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    run.mkdir()
    with (run / ".lock").open("w") as held:  # another writer holds the folder's lock
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242\n")
        held.flush()
        assert run_cli(*QUICK, f"hydra.run.dir={run}") == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("refused: ") and "another run is writing into it" in line
    assert "process 4242" in line
    assert sorted(p.name for p in run.iterdir()) == [".lock"]  # Hydra wrote nothing


@pytest.mark.slow  # ~10 s: a real second process; the lock itself is tested in process above
def test_two_runs_started_at_once_into_one_folder_never_mix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    first = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "n_replicates=3000",
            "progress=false",
            f"hydra.run.dir={run}",
        ],
        cwd=REPO,
        env=SUBPROCESS_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (run / ".lock").exists() or not (run / ".lock").read_text().strip():
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.05)
    status = run_cli("n_replicates=40", "progress=false", f"hydra.run.dir={run}")
    _, first_err = first.communicate(timeout=240)
    assert first.returncode == 0, first_err
    assert status == 2
    line = one_line(capsys.readouterr().err)
    # usually the first run is still writing; on a very fast machine it may have finished already
    assert "another run is writing into it" in line or "holds a complete run" in line
    assert verify_stamp(run).ok and n_replicates(run) == 3000  # the first run's, whole


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_second_run_into_a_complete_folder_is_refused_unless_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    assert run_cli(*QUICK, f"hydra.run.dir={run}") == 0
    before = snapshot(run)
    capsys.readouterr()
    assert run_cli("n_replicates=30", "progress=false", f"hydra.run.dir={run}") == 2
    line = one_line(capsys.readouterr().err)
    assert line == f"refused: {run}: holds a complete run; choose another hydra.run.dir, " + (
        "or pass overwrite=true to replace it"
    )
    assert snapshot(run) == before  # untouched, .hydra/ included
    assert (
        run_cli("n_replicates=30", "progress=false", "overwrite=true", f"hydra.run.dir={run}") == 0
    )
    assert verify_stamp(run).ok and n_replicates(run) == 30


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_the_python_api_refuses_to_save_over_a_complete_run(tmp_path: Path) -> None:
    first, second = sim.simulate(n_replicates=20), sim.simulate(n_replicates=30)
    out = first.save(tmp_path / "run")
    assert verify_stamp(out).ok
    with pytest.raises(DirectoryRefused, match="holds a complete run"):
        second.save(out)
    assert n_replicates(out) == 20
    second.save(out, overwrite=True)
    assert verify_stamp(out).ok and n_replicates(out) == 30


# --- sweep folders ------------------------------------------------------------------------------


def sweep(folder: Path, *args: str) -> int:
    return run_cli("-m", *QUICK, *args, f"hydra.sweep.dir={folder}")


def job_folders(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if (p / ".hydra").is_dir())


#: The command that made the shared strategy sweep (tests/conftest.py), less its folder.
STRATEGY_SWEEP = (
    "n_replicates=200",
    "progress=false",
    "negotiator.canada.strategy=boulware,conceder",
    "negotiator.united_states.strategy=boulware,conceder",
)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_sweep_folder_belongs_to_one_sweep(
    strategy_sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "sweep"
    shutil.copytree(strategy_sweep, folder)  # a finished 4-job sweep
    before = snapshot(folder)
    # another sweep (2 jobs) into the 4-job folder: refused, the folder untouched
    assert sweep(folder, "seed=5,6") == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"refused: {folder}: holds 4 job folder(s) of another sweep")
    assert "overwrite=true" in line
    assert snapshot(folder) == before
    # the same sweep again resumes it (even with a setting that changes no result)
    assert run_cli("-m", *STRATEGY_SWEEP, "n_workers=1", f"hydra.sweep.dir={folder}") == 0
    assert capsys.readouterr().out.count("already complete") == 4
    # asked to start afresh: the old jobs go, the aggregate holds the new sweep's 2 jobs only
    assert sweep(folder, "seed=5,6", "overwrite=true") == 0
    assert job_folders(folder) == ["0", "1"]
    table = pd.read_parquet(folder / "aggregate.parquet")
    assert sorted(table["seed"]) == [5, 6] and (table["status"] == "complete").all()


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_stale_jobs_of_another_sweep_never_enter_the_aggregate(
    strategy_sweep: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "sweep"
    shutil.copytree(strategy_sweep, folder)
    # a folder as an older tool left it: a 2-job list, with jobs 2 and 3 of an earlier sweep
    jobs = json.loads((folder / "jobs.json").read_text())
    jobs["jobs"] = jobs["jobs"][:2]
    (folder / "jobs.json").write_text(json.dumps(jobs))
    # and job 1 replaced by a job of yet another sweep (other overrides under the same number)
    overrides = folder / "1" / ".hydra" / "overrides.yaml"
    overrides.write_text(overrides.read_text().replace("=conceder", "=linear"))
    report = aggregate_sweep(folder)
    table = report.table
    assert list(table["job"]) == [0, 1]  # 2 jobs for a 2-job sweep, never 4
    assert list(table["status"]) == ["complete", "missing"]  # job 1 never ran for this sweep
    assert sorted(p.name for p in report.stale) == ["1", "2", "3"]
    assert "ignored" in report.describe()


# --- a full disk half-way through a sweep -------------------------------------------------------


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_full_disk_during_a_sweep_ends_in_one_line_and_an_aggregate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    save_config = hydra.core.utils._save_config

    def disk_full_at_job_1(cfg: Any, filename: str, output_dir: Path) -> None:
        if output_dir.parent.name == "1" and filename == "config.yaml":
            path = output_dir / filename
            output_dir.mkdir(parents=True, exist_ok=True)
            text = OmegaConf.to_yaml(cfg)
            path.write_text(text[: len(text) // 2])  # what fitted on the disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        save_config(cfg, filename, output_dir)

    monkeypatch.setattr(hydra.core.utils, "_save_config", disk_full_at_job_1)
    folder = tmp_path / "sweep"
    assert sweep(folder, "seed=1,2,3") == 1
    captured = capsys.readouterr()
    line = one_line(captured.err)
    assert line == f"error: {folder / '1' / '.hydra' / 'config.yaml'}: No space left on device"
    assert "Traceback" not in captured.err + captured.out
    table = pd.read_parquet(folder / "aggregate.parquet").set_index("job")
    assert table.loc[0, "status"] == "complete"
    assert table.loc[1, "status"] in ("failed", "missing")
    assert (
        "config.yaml" in table.loc[1, "error_message"] or "stamp" in table.loc[1, "error_message"]
    )
    assert table.loc[2, "status"] == "missing" and table.loc[2, "error_type"] == "NotStarted"
    # by hand afterwards: the aggregator lists the broken job and exits 1, no crash
    monkeypatch.undo()
    assert script("aggregate").main([str(folder)]) == 1
    assert "job 1" in capsys.readouterr().out


# --- the aggregator degrades --------------------------------------------------------------------


def break_summary(job: Path) -> str:
    (job / "summary.json").write_text('{"deal_likelihood": [')
    return "summary.json"


def break_hydra(job: Path) -> str:
    shutil.rmtree(job / ".hydra")
    (job / ".hydra").mkdir()
    (job / ".hydra" / "config.yaml").write_text("scenario:\n  name: [unclosed\n")
    (job / ".hydra" / "hydra.yaml").write_text(": : :\n")
    return "config.yaml"


def truncate_config(job: Path) -> str:
    path = job / ".hydra" / "config.yaml"
    path.write_text(path.read_text()[:300])
    return "config.yaml"


def corrupt_parquet(job: Path) -> str:
    path = job / "outcomes.parquet"
    path.write_bytes(path.read_bytes()[:-64] + b"\0" * 64)
    return "outcomes.parquet"


def corrupt_parquet_and_forge_the_stamp(job: Path) -> str:
    corrupt_parquet(job)
    stamp = json.loads((job / "stamp.json").read_text())
    stamp["files"]["outcomes.parquet"] = file_digest(job / "outcomes.parquet")
    (job / "stamp.json").write_text(json.dumps(stamp))
    return "not a readable Parquet file"


def overrides_as_mapping(job: Path) -> str:
    (job / ".hydra" / "overrides.yaml").write_text("seed: 1\nscenario.linkage: false\n")
    return "mapping, not a list of overrides"


@pytest.mark.parametrize(
    "damage",
    [
        break_summary,
        break_hydra,
        truncate_config,
        corrupt_parquet,
        corrupt_parquet_and_forge_the_stamp,
        overrides_as_mapping,
    ],
)
@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_one_unreadable_job_is_listed_as_failed_and_the_rest_aggregate(
    damage: Any, strategy_sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "sweep"
    shutil.copytree(strategy_sweep, folder)
    reason = damage(folder / "0")
    assert script("aggregate").main([str(folder)]) == 1
    out = capsys.readouterr().out
    table = pd.read_parquet(folder / "aggregate.parquet").set_index("job")
    assert len(table) == 4
    assert table.loc[0, "status"] == "failed"
    assert reason in table.loc[0, "error_message"]
    assert pd.isna(table.loc[0, "deal_likelihood/autos"])  # no numbers from a broken job
    assert (table.drop(index=0)["status"] == "complete").all()
    assert table.drop(index=0)["deal_likelihood/autos"].notna().all()
    assert f"failed job 0: {folder / '0'}" in out and "\n" not in table.loc[0, "error_message"]
    # the parameter columns are the swept keys: nothing made up from a broken overrides.yaml
    swept = {"n_replicates", "progress", *PARAMS}
    assert set(parameter_columns(table.reset_index())) == swept
