"""Stakeholders press their government each week (:mod:`sim.agents.stakeholder`).

Stance ``deal`` lowers the government's reservation value on the open tracks it has a stake in,
stance ``hold`` raises it; the model bounds the cumulative drift by ``max_pressure_drift``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.config.schema import RunConfig, StakeholderConfig, Stance
from sim.runs.experiment import run_replicates
from tests.conftest import compose_run_config, experiment_for, single_issue_config

N = 50


def lobbied(
    stance: Stance | None,
    *,
    pressure: float = 0.002,
    rv_us: float = 0.9,
    party: str = "canada",
    n_weeks: int = 30,
) -> RunConfig:
    """The single-issue set-up with one lobby (``None``: none); by default no deal is possible."""
    cfg = single_issue_config(rv_canada=0.5, rv_us=rv_us, n_weeks=n_weeks, spread=0.05)
    if stance is not None:
        levels = cfg.scenario.issues["tariff"].options
        cfg.scenario.stakeholders["lobby"] = StakeholderConfig(
            name="lobby",
            party=party,
            stance=stance,
            pressure_per_week=pressure,
            weights={"tariff": 1.0},
            values={"tariff": {lv: 1.0 - float(lv) for lv in levels}},
        )
    return cfg


def run(cfg: RunConfig) -> pd.DataFrame:
    return run_replicates(experiment_for(cfg), N, N)


def test_a_hold_stakeholder_raises_and_a_deal_stakeholder_lowers_the_reservation_value():
    hold, deal, none = (run(lobbied(s)) for s in (Stance.hold, Stance.deal, None))
    assert not hold["agreed"].any() and not deal["agreed"].any()  # open all the way
    assert (hold["pressure_drift_canada"] > 0).all()
    assert (deal["pressure_drift_canada"] < 0).all()
    # the same mobilisation (same seed, same draw block) pushing the other way
    np.testing.assert_allclose(hold["pressure_drift_canada"], -deal["pressure_drift_canada"])
    for out in (hold, deal):
        np.testing.assert_allclose(
            out["reservation_canada"],
            out["initial_reservation_canada"] + out["pressure_drift_canada"],
        )
        # it presses its own government only
        assert (out["pressure_drift_united_states"] == 0).all()
        np.testing.assert_allclose(
            out["reservation_united_states"], none["reservation_united_states"]
        )
    assert (hold["reservation_canada"] > none["reservation_canada"]).all()
    assert (deal["reservation_canada"] < none["reservation_canada"]).all()
    assert (none["pressure_drift_canada"] == 0).all()


@pytest.mark.parametrize("stance", [Stance.hold, Stance.deal])
def test_pressure_is_bounded_by_max_pressure_drift(stance):
    cfg = lobbied(stance, pressure=0.05)  # unbounded, 30 weeks would move it by 0.75 or more
    bound = cfg.protocol.max_pressure_drift
    out = run(cfg)
    sign = 1.0 if stance is Stance.hold else -1.0
    np.testing.assert_allclose(out["pressure_drift_canada"], sign * bound)
    cfg.protocol.max_pressure_drift = bound / 2
    np.testing.assert_allclose(run(cfg)["pressure_drift_canada"], sign * bound / 2)


def test_pressure_stops_once_the_track_is_concluded():
    # a deal is possible: the drift grows only for the weeks the track is open
    open_all_along = run(lobbied(Stance.deal, rv_us=0.9))
    closing = run(lobbied(Stance.deal, rv_us=0.3))
    assert closing["agreed"].all()
    weeks_open = closing["agreement_week"].astype(float) + 1  # it presses before the round
    per_week = closing["pressure_drift_canada"] / weeks_open
    np.testing.assert_allclose(per_week, open_all_along["pressure_drift_canada"] / 30)


def test_a_hold_stakeholder_makes_its_government_a_tougher_negotiator():
    hold, deal = (run(lobbied(s, rv_us=0.3, pressure=0.003)) for s in (Stance.hold, Stance.deal))
    assert hold["agreed"].all() and deal["agreed"].all()
    assert hold["agreement_week"].mean() > deal["agreement_week"].mean()
    assert hold["utility_canada"].mean() > deal["utility_canada"].mean()


def test_stakeholder_pressure_is_bounded_and_signed_in_the_default_scenario():
    cfg = compose_run_config(["progress=false"])
    out = run_replicates(experiment_for(cfg), 500, 500)
    bound = cfg.protocol.max_pressure_drift
    for party in ("canada", "united_states"):
        assert out[f"pressure_drift_{party}"].abs().max() <= bound + 1e-12
    steel = out[out["track"] == "steel_aluminum"]
    # Canadian steel and aluminum producers press for a deal: the mandate softens
    assert (steel["pressure_drift_canada"] <= 0).all()
