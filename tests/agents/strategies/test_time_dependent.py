"""Time-dependent tactics (Faratin et al.): polynomial and exponential concession curves."""

from __future__ import annotations

import math

import pytest

from sim.agents.strategies.offers import nearest_offer
from sim.agents.strategies.time_dependent import TimeDependentStrategy
from tests.agents.strategies.helpers import (
    make_view,
    pie_track,
)


def test_exponential_tactic_spans_kappa_to_one_and_orders_boulware_before_conceder():
    def alpha(beta: float, tau: float) -> float:
        s = TimeDependentStrategy(beta, 0.1, nearest_offer, tactic="exponential")
        return s.alpha(tau)

    assert alpha(0.5, 0.0) == pytest.approx(0.1) and alpha(0.5, 1.0) == pytest.approx(1.0)
    for tau in (0.2, 0.5, 0.8):
        assert alpha(0.3, tau) < alpha(1.0, tau) < alpha(3.0, tau)
        expected = math.exp((1 - tau) ** 2.0 * math.log(0.1))  # Faratin's formula, verbatim
        assert alpha(2.0, tau) == pytest.approx(expected)
    with pytest.raises(ValueError, match="kappa"):
        TimeDependentStrategy(1.0, 0.0, nearest_offer, tactic="exponential")


def test_polynomial_tactic_matches_negmas_exponent_e_equals_one_over_beta():
    track = pie_track()
    s = TimeDependentStrategy(beta=0.25, kappa=0.0, offer_policy=nearest_offer)
    for r in range(11):
        tau = r / 10
        target = s.target(make_view(track, round=r, n_rounds=11))[0]
        assert target == pytest.approx(1 - tau**4)  # NegMAS Boulware u(t) = 1 - t**e, e = 4
