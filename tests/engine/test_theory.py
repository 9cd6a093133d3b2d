"""Validation against bargaining theory (SCENARIO.md Part B) through the real model and configs.

B1 Rubinstein's subgame-perfect split, B3 Faratin et al.'s meeting time and split (the one copy of
the Faratin, no-zone-of-agreement and Boulware-vs-Conceder tests), B6's deadline effect, and
property tests on random small domains.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.agents.strategies.rubinstein import spe_share
from sim.config.schema import (
    AcceptanceName,
    IssueConfig,
    NegotiatorActorConfig,
    NegotiatorConfig,
    OfferPolicy,
    PartyConfig,
    ProtocolConfig,
    RunConfig,
    ScenarioConfig,
    Tactic,
    TrackConfig,
)
from sim.config.validation import validate_run as validate
from sim.runs.experiment import run_replicates
from tests.conftest import compose_run_config, experiment_for


def _run(cfg: RunConfig, n: int) -> pd.DataFrame:
    return run_replicates(experiment_for(cfg), n_replicates=n, batch_size=n)


# --- B1: Rubinstein ---------------------------------------------------------------------------

RUBINSTEIN_CASES = [(0.9, 0.8, 0.714), (0.9, 0.9, 0.526), (0.95, 0.9, 0.690)]


@pytest.mark.parametrize(("d1", "d2", "rounded"), RUBINSTEIN_CASES)
def test_rubinstein_agents_agree_at_once_on_the_closed_form_split(d1, d2, rounded):
    cfg = compose_run_config(
        [
            "scenario=pie_rubinstein",
            "negotiator=rubinstein",
            f"negotiator.player_1.discount={d1}",
            f"negotiator.player_2.discount={d2}",
            "n_replicates=5",
        ]
    )
    out = _run(cfg, 5)
    x1 = (1 - d2) / (1 - d1 * d2)
    assert round(x1, 3) == rounded  # SCENARIO.md B1's examples
    assert out["agreed"].all()
    assert (out["agreement_week"] == 0).all()  # player 1's first offer is accepted
    assert (out["option_share"] == f"x1_{d1}_{d2}").all()
    np.testing.assert_allclose(out["utility_player_1"], x1, rtol=0, atol=1e-9)
    x2 = d2 * (1 - d1) / (1 - d1 * d2)
    np.testing.assert_allclose(out["utility_player_2"], x2, rtol=0, atol=1e-9)
    np.testing.assert_allclose(out["discounted_utility_player_1"], x1, rtol=0, atol=1e-9)


@pytest.mark.parametrize(("d1", "d2", "rounded"), RUBINSTEIN_CASES)
def test_rubinstein_first_mover_advantage_flips_with_the_protocol(d1, d2, rounded):
    cfg = compose_run_config(
        [
            "scenario=pie_rubinstein",
            "negotiator=rubinstein",
            "protocol.first_mover=player_2",
            f"negotiator.player_1.discount={d1}",
            f"negotiator.player_2.discount={d2}",
            "n_replicates=3",
        ]
    )
    out = _run(cfg, 3)
    x2 = (1 - d1) / (1 - d1 * d2)  # player 2 now proposes its own SPE share
    assert (out["agreement_week"] == 0).all()
    assert (out["option_share"] == f"c1_{d1}_{d2}").all()
    np.testing.assert_allclose(out["utility_player_2"], x2, rtol=0, atol=1e-9)


def test_rubinstein_continuous_time_limit_is_the_asymmetric_nash_split():
    r1, r2 = 0.05, 0.10
    shares = [spe_share(math.exp(-r1 * step), math.exp(-r2 * step)) for step in (1, 0.1, 0.01)]
    assert shares == pytest.approx([0.6832, 0.6683, 0.6668], abs=1e-4)  # SCENARIO.md B1
    assert spe_share(math.exp(-r1 * 1e-6), math.exp(-r2 * 1e-6)) == pytest.approx(2 / 3, abs=1e-6)
    with pytest.raises(ValueError):
        spe_share(1.0, 1.0)


# --- B3: Faratin et al. time-dependent tactics -------------------------------------------------


def faratin_config(
    rv_a: float,
    rv_b: float,
    beta_ca: float,
    beta_us: float,
    tactic: str = "polynomial",
    kappa: float = 0.0,
    extra: list[str] | None = None,
) -> RunConfig:
    """scenario=faratin_single_issue in B3's terms: Canada accepts x <= rv_a, the U.S. x >= rv_b."""
    return compose_run_config(
        [
            "scenario=faratin_single_issue",
            "negotiator=faratin_linear",
            f"scenario.parties.canada.reservation_value={1 - rv_a}",
            f"scenario.parties.united_states.reservation_value={rv_b}",
            f"negotiator.canada.beta={beta_ca}",
            f"negotiator.united_states.beta={beta_us}",
            f"negotiator.canada.tactic={tactic}",
            f"negotiator.united_states.tactic={tactic}",
            f"negotiator.canada.kappa={kappa}",
            f"negotiator.united_states.kappa={kappa}",
            *(extra or []),
        ]
    )


def alpha(tau: float, beta: float, tactic: str, kappa: float) -> float:
    if tactic == "exponential":
        return math.exp((1 - tau) ** beta * math.log(kappa))
    return kappa + (1 - kappa) * tau ** (1 / beta)


def crossing(rv_a, rv_b, beta_ca, beta_us, tactic="polynomial", kappa=0.0):
    """Bisection for tau* where Canada's offer x_a(tau) meets the U.S.'s x_b(tau)."""
    m_a, big_m_a, m_b, big_m_b = 0.0, rv_a, rv_b, 1.0

    def gap(tau):
        x_a = m_a + alpha(tau, beta_ca, tactic, kappa) * (big_m_a - m_a)
        x_b = big_m_b - alpha(tau, beta_us, tactic, kappa) * (big_m_b - m_b)
        return x_b - x_a

    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if gap(mid) > 0 else (lo, mid)
    tau = (lo + hi) / 2
    return tau, m_a + alpha(tau, beta_ca, tactic, kappa) * (big_m_a - m_a)


N_ROUNDS = 101  # faratin_single_issue: 101 weekly rounds, relative time in steps of 0.01


@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
@pytest.mark.parametrize(("rv_a", "rv_b"), [(0.7, 0.3), (0.8, 0.4), (0.6, 0.1)])
def test_faratin_equal_beta_meets_at_the_closed_form_time_and_split(rv_a, rv_b, beta):
    m_a, big_m_a, m_b, big_m_b = 0.0, rv_a, rv_b, 1.0
    s_star = (big_m_b - m_a) / ((big_m_a - m_a) + (big_m_b - m_b))
    tau_star, x_star = s_star**beta, m_a + s_star * (big_m_a - m_a)
    if (rv_a, rv_b, beta) == (0.7, 0.3, 1.0):  # B3's worked example
        assert (tau_star, x_star) == pytest.approx((0.714, 0.5), abs=1e-3)
    assert crossing(rv_a, rv_b, beta, beta) == pytest.approx((tau_star, x_star))
    row = _run(faratin_config(rv_a, rv_b, beta, beta), 1).iloc[0]
    assert row["agreed"]
    assert abs(row["agreement_week"] - tau_star * (N_ROUNDS - 1)) <= 1.0
    one_round = _max_concession_per_round(rv_a, rv_b, beta, beta, tau_star)
    assert abs(float(row["option_tariff"]) - x_star) <= one_round + 0.01


def _max_concession_per_round(rv_a, rv_b, beta_ca, beta_us, tau, tactic="polynomial", kappa=0.0):
    """The largest move of either side's offer in one round around tau (tariff units)."""
    step = 1 / (N_ROUNDS - 1)
    t0, t1 = max(tau - 2 * step, 0.0), min(tau + 2 * step, 1.0)
    moves = []
    for beta, width in ((beta_ca, rv_a), (beta_us, 1 - rv_b)):
        a0, a1 = alpha(t0, beta, tactic, kappa), alpha(t1, beta, tactic, kappa)
        moves.append(width * (a1 - a0) / ((t1 - t0) / step))
    return max(moves)


@pytest.mark.parametrize(
    ("beta_ca", "beta_us", "tactic", "kappa"),
    [
        (0.5, 2.0, "polynomial", 0.0),
        (3.0, 0.4, "polynomial", 0.0),
        (0.25, 1.0, "polynomial", 0.0),
        (1.0, 0.5, "exponential", 0.01),
        (2.0, 1.0, "exponential", 0.05),
    ],
)
def test_faratin_unequal_beta_meets_where_bisection_says(beta_ca, beta_us, tactic, kappa):
    rv_a, rv_b = 0.7, 0.3
    tau_star, x_star = crossing(rv_a, rv_b, beta_ca, beta_us, tactic, kappa)
    row = _run(faratin_config(rv_a, rv_b, beta_ca, beta_us, tactic, kappa), 1).iloc[0]
    assert row["agreed"]
    assert abs(row["agreement_week"] - tau_star * (N_ROUNDS - 1)) <= 1.0
    one_round = _max_concession_per_round(rv_a, rv_b, beta_ca, beta_us, tau_star, tactic, kappa)
    assert abs(float(row["option_tariff"]) - x_star) <= one_round + 0.01
    # asymmetric beta moves the split toward the Boulware side (B3)
    canada_boulware = beta_ca < beta_us
    assert (x_star < 0.5) == canada_boulware


# --- no zone of agreement ----------------------------------------------------------------------

NO_ZOPA_NEGOTIATORS = [
    [],
    ["negotiator.canada.strategy=boulware", "negotiator.united_states.strategy=conceder"],
    ["negotiator.canada.tactic=exponential", "negotiator.canada.kappa=0.01"],
    ["negotiator.canada.strategy=absolute_tit_for_tat"],
    ["negotiator.canada.strategy=relative_tit_for_tat"],
    ["negotiator.united_states.strategy=hardliner", "negotiator.united_states.floor=0.5"],
    ["negotiator.canada.offer_policy=frequency_model"],
    ["negotiator.canada.acceptance=ac_time", "negotiator.united_states.acceptance=ac_combi"],
    ["negotiator.canada.acceptance=ac_const", "negotiator.canada.acceptance_utility=0.0"],
    ["negotiator.canada.discount=0.9", "negotiator.united_states.discount=0.95"],
]


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
@pytest.mark.parametrize("extra", NO_ZOPA_NEGOTIATORS)
def test_no_zone_of_agreement_means_no_deal_whatever_the_strategies(extra):
    # Canada accepts tariffs up to 0.4, the U.S. needs at least 0.6: RV_b > RV_a (B3)
    cfg = faratin_config(0.4, 0.6, 1.0, 1.0, extra=[*extra, "n_replicates=20"])
    out = _run(cfg, 20)
    assert not out["agreed"].any()
    assert (out["option_tariff"] == "1.00").all()  # the status quo stands


# --- Boulware vs Conceder, and B6's deadline effect --------------------------------------------


@pytest.mark.parametrize("tactic", ["polynomial", "exponential"])
def test_boulware_takes_the_larger_share_from_a_conceder(tactic):
    for boulware, conceder in (("canada", "united_states"), ("united_states", "canada")):
        cfg = faratin_config(
            0.9,
            0.1,
            1.0,
            1.0,
            tactic=tactic,
            kappa=0.01,
            extra=[f"negotiator.{boulware}.beta=0.2", f"negotiator.{conceder}.beta=5.0"],
        )
        row = _run(cfg, 1).iloc[0]
        assert row["agreed"]
        assert row[f"utility_{boulware}"] > row[f"utility_{conceder}"] + 0.2


@pytest.mark.parametrize(
    "overrides",
    [
        # the single-issue benchmark with uncertain reservation values
        [
            "scenario=faratin_single_issue",
            "negotiator=faratin_linear",
            "scenario.parties.canada.reservation_value_spread=0.1",
            "scenario.parties.united_states.reservation_value_spread=0.1",
        ],
        # the Canada-U.S. scenario, firm deadline (no review after it), no cost of delay, no
        # suspensions or terminations
        [
            "scenario.leaders.trump.suspension_hazard_per_week=0.0",
            "scenario.stakeholders.on_government.provocation_hazard_per_week=0.0",
            "scenario.review.annual_reviews=0",
            "protocol.delay_cost_scale=0.0",
        ],
    ],
    ids=["faratin_single_issue", "canada_us_2025"],
)
def test_deadline_effect_boulware_pairs_agree_in_the_final_tenth(overrides):
    cfg = compose_run_config(
        [
            *overrides,
            "negotiator.canada.strategy=boulware",
            "negotiator.canada.beta=null",
            "negotiator.united_states.strategy=boulware",
            "negotiator.united_states.beta=null",
            "n_replicates=200",
        ]
    )
    out = _run(cfg, 200)
    n_weeks = experiment_for(cfg).compiled.scenario.deadline_weeks
    deals = out[out["agreed"]]
    assert len(deals) > 50
    tau = deals["agreement_week"].astype(float) / (n_weeks - 1)
    p_final_tenth = float((tau >= 0.9).mean())
    assert p_final_tenth > 0.5  # far above the 0.1 of agreements spread evenly over time


# --- property tests on random small domains -----------------------------------------------------

NEGOTIATOR_CHOICES = [
    NegotiatorConfig(strategy="boulware", offer_policy=OfferPolicy.nearest),
    NegotiatorConfig(strategy="conceder", offer_policy=OfferPolicy.pareto),
    NegotiatorConfig(strategy="time_dependent", beta=1.0, tactic=Tactic.exponential, kappa=0.02),
    NegotiatorConfig(strategy="linear", offer_policy=OfferPolicy.frequency_model),
    NegotiatorConfig(strategy="relative_tit_for_tat", kappa=0.1),
    NegotiatorConfig(strategy="absolute_tit_for_tat", discount=0.9),
    NegotiatorConfig(strategy="hardliner", floor=0.6),
    NegotiatorConfig(strategy="rubinstein", discount=0.9),
    NegotiatorConfig(strategy="linear", acceptance=AcceptanceName.ac_time),
    NegotiatorConfig(
        strategy="conceder",
        acceptance=AcceptanceName.ac_const,
        acceptance_utility=0.3,
        discount=0.8,
    ),
    NegotiatorConfig(strategy="boulware", acceptance=AcceptanceName.ac_combi),
]

unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def random_domains(draw) -> RunConfig:
    n_issues = draw(st.integers(1, 3))
    issues, values = {}, {"p": {}, "q": {}}
    for i in range(n_issues):
        opts = [f"o{j}" for j in range(draw(st.integers(2, 4)))]
        issues[f"i{i}"] = IssueConfig(options=opts, status_quo=draw(st.sampled_from(opts)))
        for party in values:
            values[party][f"i{i}"] = {o: draw(unit) for o in opts}
    n_weeks = draw(st.integers(2, 12))
    start = dt.date(2025, 1, 6)
    parties = {
        name: PartyConfig(
            name=name,
            reservation_value=draw(st.floats(0.0, 0.9)),
            reservation_value_spread=draw(st.floats(0.0, 0.2)),
            weights={f"i{i}": draw(st.floats(0.1, 1.0)) for i in range(n_issues)},
            values=values[name],
        )
        for name in ("p", "q")
    }
    scenario = ScenarioConfig(
        name="random",
        start_date=start.isoformat(),
        deadline=(start + dt.timedelta(weeks=n_weeks)).isoformat(),
        issues=issues,
        tracks={"t": TrackConfig(issues=list(issues))},
        parties=parties,
        negotiators={
            "np": NegotiatorActorConfig(name="P", party="p", tracks=["t"]),
            "nq": NegotiatorActorConfig(name="Q", party="q", tracks=["t"]),
        },
    )
    cfg = RunConfig(
        scenario=scenario,
        protocol=ProtocolConfig(first_mover=draw(st.sampled_from(["p", "q"]))),
        negotiator={
            "p": draw(st.sampled_from(NEGOTIATOR_CHOICES)),
            "q": draw(st.sampled_from(NEGOTIATOR_CHOICES)),
        },
        seed=draw(st.integers(0, 2**31)),
        n_replicates=6,
        batch_size=6,
        progress=False,
    )
    validate(cfg)
    return cfg


@settings(max_examples=60, deadline=None)
@given(cfg=random_domains())
def test_agreements_are_feasible_individually_rational_and_before_the_deadline(cfg):
    exp = experiment_for(cfg)
    out = run_replicates(exp, cfg.n_replicates, cfg.batch_size)
    track = exp.compiled.tracks[0]
    deals = out[out["agreed"]]
    assert ((deals["outcome"] >= 0) & (deals["outcome"] < track.n_outcomes)).all()
    for p, name in enumerate(exp.compiled.party_names):
        u = deals[f"utility_{name}"].to_numpy()
        np.testing.assert_allclose(u, track.utilities[p, deals["outcome"].to_numpy()])
        assert (u >= deals[f"reservation_{name}"].to_numpy() - 1e-12).all()
        delta = cfg.negotiator[name].discount
        weeks = deals["agreement_week"].to_numpy(dtype=float)
        np.testing.assert_allclose(deals[f"discounted_utility_{name}"], u * delta**weeks)
    assert (deals["agreement_week"] < exp.compiled.n_weeks).all()
    assert (deals["agreement_week"] >= 0).all()
