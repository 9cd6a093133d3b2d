"""Behavioural tests of the weekly protocol and the time-dependent strategy."""

import numpy as np
import pytest

from sim.config.schema import OfferPolicy
from sim.runs.experiment import run_replicates
from tests.conftest import experiment_for, single_issue_config


def _run(cfg, n=1):
    return run_replicates(experiment_for(cfg), n_replicates=n, batch_size=max(n, 1))


def _tariff(row) -> float:
    return float(row["option_tariff"])


@pytest.mark.parametrize(("n_weeks"), [50, 100])
def test_faratin_meeting_time_equal_beta(n_weeks):
    """SCENARIO.md B3: RV_a = 0.7, RV_b = 0.3, beta = 1 -> tau* = 1/1.4, x* = 0.5."""
    # Canada accepts tariffs up to 0.7 (utility rv 0.3); the U.S. down to 0.3 (utility rv 0.3)
    cfg = single_issue_config(rv_canada=0.3, rv_us=0.3, n_weeks=n_weeks)
    row = _run(cfg).iloc[0]
    assert row["agreed"]
    tau_star = (1.0 - 0.0) / ((0.7 - 0.0) + (1.0 - 0.3))  # s* = (M_b - m_a) / (...)
    expected_week = tau_star * (n_weeks - 1)
    assert abs(row["agreement_week"] - expected_week) <= 1.0
    assert _tariff(row) == pytest.approx(0.5, abs=0.02)


def test_no_zone_of_agreement_means_no_deal():
    # Canada accepts at most 0.4; the U.S. needs at least 0.6: RV_b > RV_a
    cfg = single_issue_config(rv_canada=0.6, rv_us=0.6, n_weeks=40, spread=0.0)
    out = _run(cfg, n=50)
    assert not out["agreed"].any()
    # the recorded outcome is the status quo, worth exactly its status-quo utilities
    assert (out["option_tariff"] == "1.0000").all()


def test_boulware_facing_conceder_takes_the_larger_share():
    boulware_ca = single_issue_config(rv_canada=0.1, rv_us=0.1, beta_canada=0.2, beta_us=5.0)
    row = _run(boulware_ca).iloc[0]
    assert row["agreed"] and row["utility_canada"] > row["utility_united_states"]
    boulware_us = single_issue_config(rv_canada=0.1, rv_us=0.1, beta_canada=5.0, beta_us=0.2)
    row = _run(boulware_us).iloc[0]
    assert row["agreed"] and row["utility_united_states"] > row["utility_canada"]


def test_agreements_respect_reservation_values_and_outcome_space(cfg):
    exp = experiment_for(cfg)
    out = run_replicates(exp, cfg.n_replicates, cfg.batch_size)
    deals = out[out["agreed"]]
    assert len(deals) > 0
    for party in ("canada", "united_states"):
        assert (deals[f"utility_{party}"] >= deals[f"reservation_{party}"] - 1e-12).all()
    for track in exp.compiled.tracks:
        rows = deals[deals["track"] == track.name]
        assert ((rows["outcome"] >= 0) & (rows["outcome"] < track.n_outcomes)).all()
        np.testing.assert_allclose(rows["utility_canada"], track.utilities[0, rows["outcome"]])
    assert (out["agreement_week"].dropna() < exp.compiled.n_weeks).all()


def test_suspension_stops_all_offers():
    cfg = single_issue_config(rv_canada=0.3, rv_us=0.3, n_weeks=30, hazard=1.0)
    cfg.protocol.suspension_weeks = 100  # suspended from week 0 to beyond the deadline
    out = _run(cfg, n=20)
    assert not out["agreed"].any()
    assert (out["weeks_suspended"] == 30).all()


def test_pareto_policy_reaches_efficient_deals(cfg):
    """With complete information every deal lies on its track's Pareto frontier.

    (Tracks with conditional options are left out: there the frontier of the feasible outcomes
    moves as conditions emerge.)
    """
    exp = experiment_for(cfg)
    out = run_replicates(exp, 200, 200)
    for k, track in enumerate(exp.compiled.tracks):
        if exp.politics.track_conditions[k]:
            continue
        u = track.utilities
        deals = out[(out["track"] == track.name) & out["agreed"]]["outcome"].to_numpy()
        for o in np.unique(deals):
            dominated = (
                (u[0] >= u[0, o]) & (u[1] >= u[1, o]) & ((u[0] > u[0, o]) | (u[1] > u[1, o]))
            )
            assert not dominated.any(), (track.name, o)


def test_preset_strategies_resolve_beta(cfg):
    cfg.negotiator["canada"].strategy = "conceder"
    cfg.negotiator["canada"].beta = None
    cfg.negotiator["canada"].offer_policy = OfferPolicy.nearest
    exp = experiment_for(cfg)
    assert exp.strategies["canada"].beta == 5.0
