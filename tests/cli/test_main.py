"""The command line's entry points in process (no interpreter start-up).

:func:`sim.cli.run.main` as ``python -m sim`` calls it (sweep mistakes, the sweep callback),
:func:`sim.cli.replay.main` as ``python -m sim replay`` calls it (exit statuses and messages), and
``sim/__main__.py`` itself, run with :mod:`runpy` as ``python -m sim replay`` runs it.
"""

from __future__ import annotations

import runpy
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from omegaconf import OmegaConf

from sim.cli import callbacks
from sim.cli.replay import main as replay_main
from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("+experiment=no_such_preset", "Could not find 'experiment/no_such_preset'"),
        ("seed=1,2,[", "cannot parse override 'seed=1,2,['"),
        ("scenario.linkagee=true,false", "scenario.linkagee: Key 'linkagee' not in"),
        ("protocol.suspension_weeks=1,2 protocol.nope=3", "protocol.nope"),
    ],
    ids=["unknown-preset", "bad-sweep-syntax", "unknown-swept-key", "unknown-key"],
)
@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_sweep_config_mistakes_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arg: str, message: str
) -> None:
    status = run_cli("-m", "n_replicates=20", *arg.split(), f"hydra.sweep.dir={tmp_path}")
    assert status == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("config error:") and message in lines[0]
    assert not list(tmp_path.glob("*/summary.json"))


def test_a_failed_aggregation_is_recorded_for_the_exit_status(tmp_path: Path) -> None:
    callbacks.reset_sweep_report()
    config = OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path / "gone")}}})
    callbacks.SweepCallback().on_multirun_end(config)
    assert callbacks.sweep_report() is None
    error = callbacks.sweep_error()
    assert error is not None and "FileNotFoundError" in error
    callbacks.reset_sweep_report()
    assert callbacks.sweep_error() is None


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_replay_exit_statuses(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "replay"
    assert replay_main([str(run_dir), "--replicate", "123", "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert "replay OK: replicate 123 reproduces the stored outcome exactly" in stdout
    assert (out / "trace.parquet").is_file() and (out / "outcome.csv").is_file()

    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    outcomes = pd.read_parquet(copy / "outcomes.parquet")
    row = outcomes.index[(outcomes["replicate"] == 7) & outcomes["agreed"]][0]
    outcomes.loc[row, "agreement_week"] += 1
    outcomes.to_parquet(copy / "outcomes.parquet", index=False)
    assert replay_main([str(copy), "--replicate", "7"]) == 1
    err = capsys.readouterr().err
    assert "replay MISMATCH" in err and "agreement_week" in err

    assert replay_main([str(run_dir), "--replicate", "300", "--out", str(tmp_path / "x")]) == 2
    assert "replicates 0..299" in capsys.readouterr().err
    assert replay_main([str(run_dir), "--replicate", "-1"]) == 2  # one line, not the usage text
    assert "--replicate -1" in capsys.readouterr().err


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_python_m_sim_replay_dispatches_to_the_replay_command(
    run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    argv = ["sim", "replay", str(run_dir), "--replicate", "290", "--out", str(tmp_path)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_module("sim", run_name="__main__", alter_sys=True)
    assert exit_info.value.code == 0
    assert "replay OK: replicate 290" in capsys.readouterr().out
    assert (tmp_path / "trace.parquet").stat().st_size > 0
