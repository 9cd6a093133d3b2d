"""The talks as they move: costly delay, learning, the review, reactive leaders (issue 10).

Every test is a paired comparison under common random numbers: the same seed and replicates in
two configurations, so the per-replicate difference isolates the mechanism. Each asserts the
direction the literature (or the stated assumption) predicts, with a 95 % interval on the paired
difference that excludes zero; no number is copied from the model's output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.paired import deal_by, paired_difference, time_to_deal, track_metric
from sim.cli.compose import compose_run_config
from sim.runs.experiment import build_experiment, run_replicates
from tests.conftest import single_issue_config

N = 1000


def _run(overrides: list[str], n: int = N) -> tuple[pd.DataFrame, int]:
    cfg = compose_run_config([*overrides, "progress=false"])
    experiment = build_experiment(cfg)
    return run_replicates(experiment, n, n), experiment.compiled.scenario.deadline_weeks


def _below_zero(diff: dict) -> bool:
    return diff["ci_high"] < 0


def _above_zero(diff: dict) -> bool:
    return diff["ci_low"] > 0


FIRM = ["scenario.review.annual_reviews=0"]


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_costly_delay_brings_deals_forward():
    """Rubinstein (1982) fixed bargaining costs: the side that pays for delay settles sooner."""
    free, deadline = _run([*FIRM, "protocol.delay_cost_scale=0"])
    costly, _ = _run([*FIRM, "protocol.delay_cost_scale=1"])
    for track in ("steel_aluminum", "autos"):
        diff = paired_difference(
            time_to_deal(costly, track, deadline), time_to_deal(free, track, deadline)
        )
        assert _below_zero(diff), (track, diff)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_higher_delay_cost_brings_deals_further_forward():
    low, deadline = _run([*FIRM, "protocol.delay_cost_scale=0.5"])
    high, _ = _run([*FIRM, "protocol.delay_cost_scale=2"])
    diff = paired_difference(
        time_to_deal(high, "steel_aluminum", deadline),
        time_to_deal(low, "steel_aluminum", deadline),
    )
    assert _below_zero(diff), diff


def test_learning_the_opponent_brings_deals_forward_where_a_zone_exists_early():
    """Zeng & Sycara (1998): a learner that infers the opponent's concession closes sooner."""

    def run(strategy: str) -> pd.DataFrame:
        # a zone of agreement from the start: Canada accepts x <= 0.7, the U.S. x >= 0.3
        cfg = single_issue_config(
            rv_canada=0.3, rv_us=0.3, beta_canada=0.5, beta_us=0.5, n_weeks=40, spread=0.1
        )
        cfg.negotiator["canada"].strategy = strategy
        return run_replicates(build_experiment(cfg), 400, 400)

    plain, learner = run("time_dependent"), run("bayesian")
    diff = paired_difference(time_to_deal(learner, "only", 40), time_to_deal(plain, "only", 40))
    assert _below_zero(diff), diff
    # ... and pays for it: closing early concedes more than waiting for the opponent to concede
    share = paired_difference(
        track_metric(learner, "only", "utility_canada"),
        track_metric(plain, "only", "utility_canada"),
    )
    assert _below_zero(share), share


def _in_final_tenth(outcomes: pd.DataFrame) -> np.ndarray:
    """Per (replicate, track) row in order: a deal in the final tenth of its own deadline time."""
    rows = outcomes.sort_values(["track", "replicate"])
    week = rows["agreement_week"].astype("Float64").fillna(-1).to_numpy(dtype=float)
    end = rows["deadline_week"].to_numpy(dtype=float)
    return ((week >= 0.9 * end) & (week <= end)).astype(float)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_stochastic_deadline_thins_the_deals_of_the_final_tenth():
    """Yildiz (2004): with an uncertain deadline the bunching of deals at the deadline fades.

    One annual review after the deadline keeps the horizon (and so every draw) the same in both
    runs; no cost of delay, so the deadline effect is there to fade.
    """
    common = ["scenario.review.annual_reviews=1", "protocol.delay_cost_scale=0"]
    firm, _ = _run(common)
    spread, _ = _run([*common, "scenario.review.deadline_spread_weeks=8"])
    diff = paired_difference(_in_final_tenth(spread), _in_final_tenth(firm))
    assert _below_zero(diff), diff


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_removing_the_directives_of_7_october_changes_the_outcomes():
    """SCENARIO.md timeline: leaders told their teams to conclude quickly on metals and energy."""
    with_directives, deadline = _run([])
    without, _ = _run(["scenario.events=[]"])
    diff = paired_difference(
        deal_by(without, "energy", deadline), deal_by(with_directives, "energy", deadline)
    )
    assert _below_zero(diff), diff
    later = paired_difference(
        time_to_deal(without, "steel_aluminum", deadline),
        time_to_deal(with_directives, "steel_aluminum", deadline),
    )
    assert _above_zero(later), later


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_long_termination_lowers_the_deal_likelihood():
    """Talks that stay off cannot close: a termination that rarely resumes costs deals."""
    base, deadline = _run([])
    ended, _ = _run(
        [
            "scenario.leaders.trump.resumption_hazard_per_week=0.02",
            "+scenario.events=[{date:'2025-10-17',kind:termination,party:united_states,weeks:8}]",
        ]
    )
    for track in ("steel_aluminum", "forest_products", "autos"):
        diff = paired_difference(deal_by(ended, track, deadline), deal_by(base, track, deadline))
        assert _below_zero(diff), (track, diff)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_provocations_bring_terminations():
    """A Level II provocation raises the leader's termination hazard the week after."""
    calm, _ = _run(["scenario.stakeholders.on_government.provocation_hazard_per_week=0"])
    loud, _ = _run(["scenario.stakeholders.on_government.provocation_hazard_per_week=0.3"])
    diff = paired_difference(
        track_metric(loud, "autos", "weeks_suspended"),
        track_metric(calm, "autos", "weeks_suspended"),
    )
    assert _above_zero(diff), diff


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
@pytest.mark.parametrize("audience_cost, direction", [(0.0, "up"), (0.15, "down")])
def test_coercion_backfires_only_with_audience_costs(audience_cost, direction):
    """Escalation worsens Canada's status quo (more deals) unless conceding under coercion is
    punished at home (audience costs; Fearon 1994, Sechser 2010), where it costs deals."""
    common = [f"scenario.leaders.carney.audience_cost_per_escalation={audience_cost}"]
    rare, deadline = _run([*common, "scenario.leaders.trump.escalation_hazard_per_week=0.02"])
    often, _ = _run([*common, "scenario.leaders.trump.escalation_hazard_per_week=0.1"])
    diff = paired_difference(
        deal_by(often, "forest_products", deadline), deal_by(rare, "forest_products", deadline)
    )
    assert (_above_zero if direction == "up" else _below_zero)(diff), diff


def test_the_review_continues_the_talks_and_later_horizons_add_deals():
    out, deadline = _run([])
    energy = out[out["track"] == "energy"]
    later = energy["agreement_week"].dropna().astype(int) >= deadline
    assert later.any()  # deals after 1 July 2026 exist only because the talks go on
    ends = out.groupby("replicate")["talks_end"].first()
    assert {"review_confirmed", "talks_ended"} <= set(ends.astype(str))


def test_without_a_review_after_it_the_deadline_ends_the_talks():
    out, deadline = _run(FIRM)
    assert (out["agreement_week"].dropna().astype(int) < deadline).all()
    per_replicate = out.groupby("replicate").first()
    open_at_deadline = per_replicate["talks_end"].astype(str) != "deals"
    assert (per_replicate.loc[open_at_deadline, "talks_end_week"] == deadline - 1).all()
