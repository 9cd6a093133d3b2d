"""Replay of one replicate from a finished run directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli.replay import main as replay_main

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "MPLBACKEND": "Agg"}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("replay") / "run"
    # 300 replicates in batches of 128: replicate 123 sits in the middle of the first batch,
    # replicate 290 in the last one
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "n_replicates=300",
            "batch_size=128",
            "progress=false",
            f"hydra.run.dir={out}",
        ],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


@pytest.mark.parametrize("replicate", [123, 290])
def test_replay_reproduces_the_stored_outcome(
    run_dir: Path, replicate: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert replay_main([str(run_dir), "--replicate", str(replicate)]) == 0
    stdout = capsys.readouterr().out
    assert f"replay OK: replicate {replicate} reproduces the stored outcome exactly" in stdout
    out = run_dir / f"replay_{replicate}"
    trace = pd.read_parquet(out / "trace.parquet")
    assert (trace["replicate"] == replicate).all()
    assert len(pd.read_csv(out / "trace.csv")) == len(trace)
    assert (out / "trace.png").stat().st_size > 10_000
    stored = pd.read_parquet(run_dir / "outcomes.parquet", filters=[("replicate", "==", replicate)])
    # an agreed track ends with one ratified deal: the last accepted offer, in the stored week
    for row in stored.itertuples():
        on_track = trace[trace["track"] == row.track]
        offers = on_track[on_track["event"] == "offer"]
        accepted = offers[offers["accepted"].astype(bool)]
        votes = on_track[on_track["event"] == "ratification"]
        ratified = votes[votes["accepted"].astype(bool)]
        assert len(votes) == row.ratification_attempts
        if row.agreed:
            assert len(ratified) == 1
            assert ratified["week"].iloc[0] == row.agreement_week
            assert ratified["outcome"].iloc[0] == row.outcome
            assert accepted["week"].iloc[-1] == row.agreement_week
            assert accepted["outcome"].iloc[-1] == row.outcome
        else:
            assert ratified.empty
    assert trace.dropna(subset=["track"]).groupby("track")["week"].is_monotonic_increasing.all()


def test_replay_reports_a_mismatch(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "run"
    subprocess.run(["cp", "-r", str(run_dir), str(copy)], check=True)
    outcomes = pd.read_parquet(copy / "outcomes.parquet")
    row = outcomes.index[(outcomes["replicate"] == 7) & outcomes["agreed"]][0]
    outcomes.loc[row, "agreement_week"] = outcomes.loc[row, "agreement_week"] + 1
    outcomes.to_parquet(copy / "outcomes.parquet", index=False)
    assert replay_main([str(copy), "--replicate", "7"]) == 1
    err = capsys.readouterr().err
    assert "replay MISMATCH" in err and "agreement_week" in err


def test_replay_rejects_an_unknown_replicate(
    run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert replay_main([str(run_dir), "--replicate", "300", "--out", "/nonexistent"]) == 2
    assert "replicates 0..299" in capsys.readouterr().err
