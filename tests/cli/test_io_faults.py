"""I/O faults end in one line naming the path and the cause, a non-zero exit, nothing half-written.

A full disk is simulated by making one writer raise what it raises on a full disk (pyarrow's
message without a file name, ``file.write``'s ``OSError`` without one, matplotlib's); a folder
that is a file is real. Each run is the command line, in process.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path
from typing import Any

import matplotlib.figure
import pandas as pd
import pyarrow.parquet as pq
import pytest
from omegaconf import OmegaConf

import sim.runs.execute
import sim.runs.outputs
from sim.cli.replay import main as replay_main
from sim.runs import aggregate
from sim.runs.faults import describe, naming
from tests.conftest import run_cli

QUICK = ("n_replicates=40", "batch_size=20", "progress=false")
ENOSPC = os.strerror(errno.ENOSPC)


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def assert_nothing_half_written(folder: Path) -> None:
    assert not (folder / "stamp.json").exists()  # never looks complete
    assert not list(folder.rglob(".*.tmp"))  # no temporary file left behind


def pyarrow_disk_full(*args: Any, **kwargs: Any) -> None:
    raise OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")


def test_a_full_disk_while_streaming_outcomes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pq.ParquetWriter, "write_table", pyarrow_disk_full)
    run = tmp_path / "run"
    assert run_cli(*QUICK, f"hydra.run.dir={run}") == 1
    captured = capsys.readouterr()
    assert one_line(captured.err) == f"error: {run / 'outcomes.parquet'}: {ENOSPC}"
    assert "Traceback" not in captured.err + captured.out
    assert not (run / "outcomes.parquet").exists()
    assert_nothing_half_written(run)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_full_disk_while_saving_a_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def savefig(self: Any, fname: Any, **kwargs: Any) -> None:
        Path(fname).write_bytes(b"\x89PNG half")  # what fitted
        raise OSError(errno.ENOSPC, ENOSPC)  # as a write() on a full disk: no file name

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    run = tmp_path / "run"
    assert run_cli(*QUICK, f"hydra.run.dir={run}") == 1
    line = one_line(capsys.readouterr().err)
    assert line == f"error: {run / 'deal_likelihood.png'}: {ENOSPC}"
    assert not (run / "deal_likelihood.png").exists()
    assert_nothing_half_written(run)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_run_folder_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "taken"
    target.write_text("a file the user keeps")
    assert run_cli(*QUICK, f"hydra.run.dir={target}") != 0
    line = one_line(capsys.readouterr().err)
    assert str(target) in line and os.strerror(errno.EEXIST) in line
    assert target.read_text() == "a file the user keeps"


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_run_folder_that_vanishes_mid_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    write_figures = sim.runs.outputs.write_figures

    def vanish_then_write(out_dir: Path, *args: Any) -> list[str]:
        shutil.rmtree(out_dir)  # another process cleans up the results folder
        return write_figures(out_dir, *args)  # re-creates it, as any writer would

    monkeypatch.setattr("sim.runs.execute.write_figures", vanish_then_write)
    assert run_cli(*QUICK, f"hydra.run.dir={run}") == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"error: {run}: ") and "vanished" in line
    assert not (run / "manifest.json").exists() and not (run / "stamp.json").exists()


@pytest.mark.slow  # a two-job sweep through the command line
def test_a_sweep_whose_multirun_yaml_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    save = OmegaConf.save

    def full_at_multirun_yaml(config: Any, f: Any, resolve: bool = False) -> None:
        if Path(f).name != "multirun.yaml":
            return save(config, f, resolve=resolve)
        with open(f, "w") as file:  # as OmegaConf.save writes it
            file.write("hydra:\n")
            raise OSError(errno.ENOSPC, ENOSPC)  # file.write's error names no file

    monkeypatch.setattr(OmegaConf, "save", staticmethod(full_at_multirun_yaml))
    folder = tmp_path / "sweep"
    assert run_cli("-m", *QUICK, "seed=1,2", f"hydra.sweep.dir={folder}") == 1
    err = capsys.readouterr().err
    assert f"error: {folder / 'multirun.yaml'}: {ENOSPC}" in err.splitlines()
    assert "Traceback" not in err


@pytest.mark.slow  # a three-job sweep; tests/cli/test_result_folders.py has a fast relative
def test_one_jobs_full_disk_leaves_the_rest_of_the_sweep_unharmed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_json = sim.runs.execute.write_json

    def full_in_job_1(path: Path, data: Any) -> None:
        if path.parent.name == "1" and path.name == "summary.json":
            raise OSError(errno.ENOSPC, ENOSPC, str(path))
        write_json(path, data)

    monkeypatch.setattr("sim.runs.execute.write_json", full_in_job_1)
    folder = tmp_path / "sweep"
    assert run_cli("-m", *QUICK, "seed=1,2,3", f"hydra.sweep.dir={folder}") == 1
    capsys.readouterr()
    table = pd.read_parquet(folder / "aggregate.parquet").set_index("job")
    assert list(table["status"]) == ["complete", "failed", "complete"]
    assert ENOSPC in table.loc[1, "error_message"]
    assert_nothing_half_written(folder / "1")
    for job in ("0", "2"):
        assert (folder / job / "stamp.json").is_file()


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_the_aggregates_temporary_file_on_a_full_disk(
    strategy_sweep: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "sweep"
    shutil.copytree(strategy_sweep, folder)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", pyarrow_disk_full)
    table = aggregate.aggregate(aggregate.load_sweep(folder)[0])
    with pytest.raises(OSError) as err:
        aggregate.write_aggregate(table, folder)
    assert describe(err.value) == f"{folder / 'aggregate.parquet'}: {ENOSPC}"
    assert err.value.errno == errno.ENOSPC
    assert not list(folder.glob(".aggregate*"))


def test_replay_into_a_folder_it_cannot_write(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # --out naming a file is a bad argument (exit 2, tests/cli/test_bad_inputs_cli.py); a folder
    # inside a file cannot be created: an I/O fault, exit 1
    taken = tmp_path / "taken"
    taken.write_text("")
    target = taken / "replay"
    assert replay_main([str(run_dir), "--replicate", "0", "--out", str(target)]) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith("error: ") and str(taken) in line, line


def test_naming_keeps_a_real_path_and_replaces_a_temporary_one(tmp_path: Path) -> None:
    final, tmp = tmp_path / "summary.json", tmp_path / ".summary.json.x.tmp"
    with pytest.raises(PermissionError) as err, naming(final, tmp):
        raise PermissionError(errno.EACCES, "denied", str(tmp_path / "other"))
    assert err.value.filename == str(tmp_path / "other")  # a folder it could not create
    with pytest.raises(OSError) as err, naming(final, tmp):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp))
    assert err.value.filename == str(final) and err.value.errno == errno.EROFS
    assert json.dumps(describe(err.value)).count("\\n") == 0
