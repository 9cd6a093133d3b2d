"""Per-negotiator settings: strategy fields and a mandate on ``scenario.negotiators.<key>``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.config.build import build_strategies
from sim.config.errors import ConfigError
from sim.config.negotiators import resolve_negotiator
from sim.runs.experiment import run_replicates
from tests.conftest import compose_run_config, experiment_for

# One mechanism links the tracks on purpose: the coordinator's mandate momentum (a deal on one of
# Canada's tracks lowers Canada's reservation value on its other open tracks, docs/model.md §5.5).
# It is off where a test asks which tracks a negotiator's own settings reach. (An override
# ``scenario.coordinators={}`` would not switch it off: Hydra merges a dict override into the
# composed dict, so Sabia stayed; that was the "cross-track leak" of issue 11. It is now refused,
# tests/cli/test_no_op_mappings.py.)
SMALL = ["n_replicates=200", "batch_size=200", "progress=false"]
NO_MOMENTUM = ["scenario.coordinators.sabia.mandate_momentum=0"]
LEBLANC_TRACKS = ("steel_aluminum", "energy")
HILLMAN_TRACKS = ("forest_products", "autos")


def _run(overrides: list[str]) -> pd.DataFrame:
    cfg = compose_run_config(SMALL + overrides)
    return run_replicates(experiment_for(cfg), cfg.n_replicates, cfg.batch_size, 1)


def _track(outcomes: pd.DataFrame, track: str, columns: list[str]) -> np.ndarray:
    """``columns`` of ``track``, one row per replicate in replicate order (no deal: -1)."""
    rows = outcomes[outcomes.track == track].sort_values("replicate")
    return rows[columns].astype(float).fillna(-1).to_numpy()


def _changed_rows(a: pd.DataFrame, b: pd.DataFrame, track: str) -> np.ndarray:
    """Per replicate (paired by seed), whether its deal or the deal's week differs on ``track``."""
    columns = ["outcome", "agreement_week"]
    return (_track(a, track, columns) != _track(b, track, columns)).any(axis=1)


def _changed(a: pd.DataFrame, b: pd.DataFrame, track: str) -> float:
    """Share of replicates (paired by seed) whose deal or its week differs on ``track``."""
    return float(_changed_rows(a, b, track).mean())


@pytest.fixture(scope="module")
def baseline() -> pd.DataFrame:
    return _run(NO_MOMENTUM)


@pytest.fixture(scope="module")
def with_momentum() -> dict[str, pd.DataFrame]:
    """The default (momentum on) without and with a hardliner Hillman, paired by seed."""
    return {
        "party": _run([]),
        "hardliner": _run(["scenario.negotiators.hillman.strategy=hardliner"]),
    }


def test_unset_fields_fall_back_to_the_party() -> None:
    cfg = compose_run_config(["scenario.negotiators.hillman.kappa=0.1"])
    own = resolve_negotiator(cfg, "hillman")
    party = cfg.negotiator["canada"]
    assert own.kappa == 0.1
    assert (own.strategy, own.beta, own.offer_policy) == (
        party.strategy,
        party.beta,
        party.offer_policy,
    )
    strategies = build_strategies(cfg)
    assert "hillman" in strategies and "leblanc" not in strategies


def test_one_negotiators_strategy_changes_only_its_tracks(baseline: pd.DataFrame) -> None:
    # a hardliner, since with Pareto offers Canada's concession rate alone moves no outcome here
    # (the U.S. Boulware side sets the terms at the deadline; docs/model.md)
    hardliner = _run([*NO_MOMENTUM, "scenario.negotiators.hillman.strategy=hardliner"])
    own = max(_changed(baseline, hardliner, t) for t in HILLMAN_TRACKS)
    assert own > 0.5
    for track in LEBLANC_TRACKS:  # stakeholders, provocations and shocks stay on
        assert _changed(baseline, hardliner, track) == 0.0


def test_with_momentum_other_tracks_move_only_through_the_mandate(
    with_momentum: dict[str, pd.DataFrame],
) -> None:
    party, hardliner = with_momentum["party"], with_momentum["hardliner"]
    hillman_moved = np.zeros(len(party) // 4, dtype=bool)
    for track in HILLMAN_TRACKS:
        hillman_moved |= _changed_rows(party, hardliner, track)
    leaked = 0
    for track in LEBLANC_TRACKS:
        moved = _changed_rows(party, hardliner, track)
        # a LeBlanc track moves only where Hillman's deals moved (their timing feeds Sabia's
        # momentum) and where Canada's reservation value there moved with it
        assert not (moved & ~hillman_moved).any()
        own_rv = _track(party, track, ["reservation_canada"])[:, 0]
        other_rv = _track(hardliner, track, ["reservation_canada"])[:, 0]
        assert (own_rv[moved] != other_rv[moved]).all()
        start = ["initial_reservation_canada"]
        np.testing.assert_array_equal(_track(party, track, start), _track(hardliner, track, start))
        leaked += int(moved.sum())
    assert leaked > 0  # the mechanism is live in the default scenario: the link is real


def test_a_tighter_mandate_lowers_deals_on_the_negotiators_tracks(
    baseline: pd.DataFrame,
) -> None:
    tight = _run(["scenario.negotiators.hillman.mandate=0.3"])
    reservation = "initial_reservation_canada"
    for track in LEBLANC_TRACKS:  # the other negotiator's mandate is untouched
        same = baseline.loc[baseline.track == track, reservation].to_numpy()
        assert np.array_equal(same, tight.loc[tight.track == track, reservation].to_numpy())
    base = baseline[baseline.track.isin(HILLMAN_TRACKS)].agreed.mean()
    assert tight[tight.track.isin(HILLMAN_TRACKS)].agreed.mean() < base


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        (
            ["+scenario.negotiators.leblanc.strategi=conceder"],
            "scenario.negotiators.leblanc.strategi",
        ),
        (["+negotiator.canada.speed=1"], "negotiator.canada.speed"),
        (
            ["scenario.negotiators.leblanc.strategy=nonsense"],
            "scenario.negotiators.leblanc.strategy",
        ),
        (["scenario.negotiators.leblanc.mandate=2"], "scenario.negotiators.leblanc.mandate"),
        (
            [
                "negotiator.canada.strategy=boulware",
                "negotiator.canada.beta=null",
                "scenario.negotiators.hillman.strategy=time_dependent",
            ],
            "scenario.negotiators.hillman.beta",
        ),
        (["scenario.negotiators.hillman.tracks=[]"], "scenario.tracks.forest_products"),
        (
            [
                "scenario.negotiators.greer.tracks=[]",
                "scenario.negotiators.lutnick.tracks=[steel_aluminum,forest_products,autos,energy]",
            ],
            "scenario.negotiators.greer.tracks",
        ),
    ],
)
def test_bad_negotiator_settings_are_one_line_errors(overrides: list[str], key: str) -> None:
    with pytest.raises(ConfigError) as err:
        compose_run_config(overrides)
    message = str(err.value)
    assert key in message and "\n" not in message


def test_unled_tracks_and_idle_negotiators_only_when_allowed() -> None:
    allowed = ["scenario.allow_unled_tracks=true", "scenario.allow_idle_negotiators=true"]
    cfg = compose_run_config([*SMALL, "scenario.negotiators.hillman.tracks=[]", *allowed])
    outcomes = run_replicates(experiment_for(cfg), 20, 20, 1)
    assert set(outcomes.track) == set(LEBLANC_TRACKS)  # Hillman's tracks are not negotiated
