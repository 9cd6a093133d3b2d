"""Replay of one replicate from a finished run directory (:mod:`sim.runs.replay`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim.runs.replay import ReplayError, replay, write_replay


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
@pytest.mark.parametrize("replicate", [123, 290])  # mid first batch of 128; in the last batch
def test_replay_reproduces_the_stored_outcome(run_dir: Path, tmp_path: Path, replicate: int):
    result = replay(run_dir, replicate)
    assert result.mismatches == ()
    paths = write_replay(result, tmp_path)
    trace = pd.read_parquet(tmp_path / "trace.parquet")
    assert (trace["replicate"] == replicate).all()
    assert len(pd.read_csv(tmp_path / "trace.csv")) == len(trace)
    assert (tmp_path / "trace.png").stat().st_size > 10_000
    assert sorted(p.name for p in paths) == sorted(p.name for p in tmp_path.iterdir())
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
    # the figure's titles can say which of a track's conditions never held
    assert set(result.track_conditions["energy"]) == {
        "carbon_capture",
        "private_sponsor",
        "indigenous_buy_in",
        "climate_measures",
    }
    assert result.track_conditions["steel_aluminum"] == ()


def tampered_copy(run_dir: Path, tmp_path: Path, replicate: int) -> Path:
    """A copy of the run whose stored agreement week of one deal of ``replicate`` is off by one."""
    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    outcomes = pd.read_parquet(copy / "outcomes.parquet")
    row = outcomes.index[(outcomes["replicate"] == replicate) & outcomes["agreed"]][0]
    outcomes.loc[row, "agreement_week"] = outcomes.loc[row, "agreement_week"] + 1
    outcomes.to_parquet(copy / "outcomes.parquet", index=False)
    return copy


def test_replay_reports_a_mismatch(run_dir: Path, tmp_path: Path) -> None:
    result = replay(tampered_copy(run_dir, tmp_path, 7), 7)
    assert len(result.mismatches) == 1 and "agreement_week" in result.mismatches[0]


def test_replay_rejects_an_unknown_replicate(run_dir: Path) -> None:
    with pytest.raises(ReplayError, match=r"replicates 0\.\.299"):
        replay(run_dir, 300)


def test_replay_rejects_a_directory_that_is_not_a_run(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="not found"):
        replay(tmp_path, 0)


def test_replay_describes_deals_in_option_names_not_indices() -> None:
    from sim.runs.replay import describe_outcome

    outcome = pd.DataFrame(
        {
            "track": ["steel_aluminum", "energy"],
            "agreed": [True, False],
            "agreement_week": [30, None],
            "agreement_date": [pd.Timestamp("2026-05-08"), pd.NaT],
            "outcome": [35, -1],
            "option_steel_tariff": ["quota_0_then_50", None],
            "option_keystone_xl": ["revive", None],
        }
    )
    lines = describe_outcome(outcome)
    assert lines[0] == (
        "  Steel & aluminum: deal in week 30 (2026-05-08): Steel tariff quota 0 then 50; "
        "Keystone XL revive"
    )
    assert "35" not in lines[0] and lines[1] == "  Energy: no deal"
