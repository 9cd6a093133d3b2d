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

# Two mechanisms link tracks on purpose: the coordinator (a deal on one moves the mandate on the
# others) and provocations (a constituency provokes while any track is open). Both are off where a
# test asks which tracks a negotiator's own settings reach.
SMALL = [
    "n_replicates=200",
    "batch_size=200",
    "progress=false",
    "scenario.coordinators={}",
    "scenario.stakeholders={}",
]
LEBLANC_TRACKS = ("steel_aluminum", "energy")
HILLMAN_TRACKS = ("forest_products", "autos")


def _run(overrides: list[str]) -> pd.DataFrame:
    cfg = compose_run_config(SMALL + overrides)
    return run_replicates(experiment_for(cfg), cfg.n_replicates, cfg.batch_size, 1)


def _changed(a: pd.DataFrame, b: pd.DataFrame, track: str) -> float:
    """Share of replicates (paired by seed) whose deal or its week differs on ``track``."""
    columns = ["outcome", "agreement_week"]
    x = a.loc[a.track == track, columns].fillna(-1).to_numpy()
    y = b.loc[b.track == track, columns].fillna(-1).to_numpy()  # no deal: no week
    return float((x != y).any(axis=1).mean())


@pytest.fixture(scope="module")
def baseline() -> pd.DataFrame:
    return _run([])


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


def test_one_negotiators_strategy_changes_mainly_its_tracks(baseline: pd.DataFrame) -> None:
    # a hardliner, since with Pareto offers Canada's concession rate alone moves no outcome here
    # (the U.S. Boulware side sets the terms at the deadline; docs/model.md)
    conceding = _run(["scenario.negotiators.hillman.strategy=hardliner"])
    own = max(_changed(baseline, conceding, t) for t in HILLMAN_TRACKS)
    assert own > 0.5
    # Known open defect (issue 11): the other negotiator's tracks still move in ~1 % of paired
    # replicates through channels shared by all tracks. Until found, it must stay that small.
    for track in LEBLANC_TRACKS:
        assert _changed(baseline, conceding, track) < own / 20


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
