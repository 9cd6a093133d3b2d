"""A third party added by YAML alone (conf/experiment/mexico_autos.yaml): bilateral tracks only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.cli.compose import compose_run_config
from sim.config.errors import ConfigError
from sim.runs.experiment import build_experiment, run_replicates

SMALL = ["n_replicates=400", "batch_size=200", "progress=false"]
MEXICO = ["+experiment=mexico_autos", *SMALL]
CANADA_TRACKS = ["steel_aluminum", "forest_products", "autos", "energy"]
SHARED_COLUMNS = [
    "replicate",
    "agreed",
    "agreement_week",
    "outcome",
    "ratification_attempts",
    "ratification_failures",
    "utility_canada",
    "utility_united_states",
    "reservation_canada",
    "reservation_united_states",
]


def _outcomes(overrides: list[str]) -> pd.DataFrame:
    cfg = compose_run_config(overrides)
    return run_replicates(build_experiment(cfg), cfg.n_replicates, cfg.batch_size)


def _track(table: pd.DataFrame, track: str) -> pd.DataFrame:
    rows = table[table["track"].astype(str) == track]
    return rows.reset_index(drop=True)


@pytest.fixture(scope="module")
def with_mexico() -> pd.DataFrame:
    return _outcomes(MEXICO)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_mexico_track_runs_and_leaves_the_canada_us_tracks_exactly_unchanged(with_mexico):
    without = _outcomes(SMALL)
    assert set(with_mexico["track"].astype(str)) == {*CANADA_TRACKS, "mx_us_autos"}
    mx = _track(with_mexico, "mx_us_autos")
    assert len(mx) == 400 and mx["ratification_attempts"].sum() > 0
    # Mexico is indifferent to the Canada-U.S. tracks and Canada to the Mexico-U.S. one
    assert (_track(with_mexico, "autos")["utility_mexico"] == 0.5).all()
    assert (mx["utility_canada"] == 0.5).all()
    # per-block random streams: a new party, track and leader re-randomise nothing else
    for track in CANADA_TRACKS:
        pd.testing.assert_frame_equal(
            _track(with_mexico, track)[SHARED_COLUMNS], _track(without, track)[SHARED_COLUMNS]
        )


def test_only_the_mexican_and_us_leaders_ratify_the_mexico_track():
    cfg = compose_run_config(MEXICO)
    experiment = build_experiment(cfg)
    model = experiment.model(np.arange(50, dtype=np.int64))
    names = [t.name for t in experiment.compiled.tracks]
    ratifiers = {
        name: sorted(leader.spec.key for leader in model.track_leaders[k])
        for k, name in enumerate(names)
    }
    assert ratifiers["mx_us_autos"] == ["sheinbaum", "trump"]
    assert all(ratifiers[t] == ["carney", "trump"] for t in CANADA_TRACKS)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_carneys_tied_hands_do_not_reach_the_mexico_track_but_sheinbaums_do(with_mexico):
    carney = _outcomes([*MEXICO, "scenario.leaders.carney.ratification_threshold_premium=0.3"])
    sheinbaum = _outcomes(
        [*MEXICO, "scenario.leaders.sheinbaum.ratification_threshold_premium=0.3"]
    )
    base_mx = _track(with_mexico, "mx_us_autos")
    pd.testing.assert_frame_equal(
        _track(carney, "mx_us_autos")[SHARED_COLUMNS], base_mx[SHARED_COLUMNS]
    )
    assert _track(carney, "autos")["agreed"].mean() < _track(with_mexico, "autos")["agreed"].mean()
    # a higher Mexican threshold fails more Mexican ratifications and never touches Canada's tracks
    tied = _track(sheinbaum, "mx_us_autos")
    assert tied["ratification_failures"].sum() > base_mx["ratification_failures"].sum()
    assert tied["agreed"].mean() <= base_mx["agreed"].mean()
    for track in CANADA_TRACKS:
        pd.testing.assert_frame_equal(
            _track(sheinbaum, track)[SHARED_COLUMNS], _track(with_mexico, track)[SHARED_COLUMNS]
        )


def test_a_multilateral_track_is_rejected_in_one_line():
    with pytest.raises(ConfigError) as error:
        compose_run_config([*MEXICO, "scenario.negotiators.ebrard.tracks=[mx_us_autos,autos]"])
    message = str(error.value)
    assert "\n" not in message
    assert "scenario.tracks.autos" in message and "multilateral" in message


def test_a_track_led_by_one_party_only_is_rejected_in_one_line():
    with pytest.raises(ConfigError) as error:
        compose_run_config([*SMALL, "scenario.negotiators.hillman.tracks=[autos]"])
    message = str(error.value)
    assert "\n" not in message and "scenario.tracks.forest_products" in message
