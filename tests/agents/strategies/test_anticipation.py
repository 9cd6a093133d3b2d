"""The ``expected_utility`` offer policy: offers that anticipate ratification (SCENARIO.md B4)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.agents.strategies.anticipation import ExpectedUtilityOffer, expected_utility_table
from sim.agents.strategies.base import UTILITY_EPS, DealOdds
from sim.agents.strategies.offers import pareto_offer
from sim.domain.politics import ratification_probability
from tests.agents.strategies.helpers import make_view, pie_track

POLICY = ExpectedUtilityOffer()
CANADA, US = 0, 1  # pie_track: party 0's utility is its share x, party 1's is 1 - x


def _canada_level_two(track, theta: np.ndarray, k: float = 20.0) -> DealOdds:
    """Canada ratifies share x with 1 / (1 + exp(-k (x - theta))); the U.S. always ratifies.

    One threshold per replicate: each is its own group.
    """
    shares = track.utilities[CANADA]
    margins = np.stack([shares, np.full(shares.size, np.inf)])
    shifts = np.stack([theta, np.zeros(theta.size)], axis=1)
    return DealOdds(
        margins=margins,
        sharpness=np.array([k, 1.0]),
        shifts=shifts,
        group=np.arange(theta.size),
    )


def test_schelling_table_of_take_it_or_leave_it_offers() -> None:
    """B4: the U.S. offers x maximising (1 - x) P_CA(x), k = 20; tied hands win a larger share."""
    track = pie_track(1001)
    theta = np.array([0.3, 0.5, 0.6, 0.7])
    view = make_view(track, me=US, n_reps=theta.size)
    view = dataclasses.replace(view, deal_odds=_canada_level_two(track, theta))
    # take it or leave it: the U.S. aims at its best outcome, so it offers the maximiser of u * P
    offer = POLICY(view, np.ones(theta.size))
    share = track.utilities[CANADA, offer]
    np.testing.assert_allclose(share, [0.418, 0.598, 0.684, 0.765], atol=1.5e-3)
    p_ratify = ratification_probability(share - theta, 20.0)
    assert np.all(np.diff(share) > 0)  # the tighter Canada's hands, the larger its share ...
    assert np.all(np.diff(p_ratify) < 0)  # ... and the likelier an involuntary defection


def test_without_level_two_it_is_the_pareto_policy() -> None:
    track = pie_track(101)
    view = make_view(track, me=US, n_reps=5)
    certain = DealOdds(
        margins=np.full((2, track.n_outcomes), np.inf),
        sharpness=np.ones(2),
        shifts=np.zeros((1, 2)),
        group=np.zeros(5, dtype=np.int64),
    )
    target = np.linspace(0.2, 1.0, 5)
    anticipating = POLICY(dataclasses.replace(view, deal_odds=certain), target)
    np.testing.assert_array_equal(anticipating, pareto_offer(view, target))


@pytest.mark.parametrize("target", [0.2, 0.5, 0.8])
def test_a_lower_target_concedes_from_the_expected_utility_maximiser(target: float) -> None:
    """As the target falls, it offers the opponent more, never less than the maximiser gives."""
    track = pie_track(1001)
    theta = np.array([0.5])
    view = dataclasses.replace(make_view(track, me=US), deal_odds=_canada_level_two(track, theta))
    shares = [track.utilities[CANADA, POLICY(view, np.array([a]))][0] for a in (1.0, target)]
    assert shares[1] > shares[0]
    # the aim is the same share of the best expected utility as the target is of the best utility
    expected = (1.0 - shares[1]) * ratification_probability(np.array([shares[1]]) - theta, 20.0)
    best = (1.0 - shares[0]) * ratification_probability(np.array([shares[0]]) - theta, 20.0)
    assert expected[0] >= target * best[0] - 1e-12


def test_a_replicates_offer_does_not_depend_on_who_shares_its_batch() -> None:
    """Replicates of several threshold groups, offered together, get what each gets alone."""
    track = pie_track(10_001)
    rng = np.random.default_rng(7)
    n = 400
    theta = rng.choice([0.3, 0.45, 0.5, 0.62, 0.7], size=n)
    groups, group = np.unique(theta, return_inverse=True)
    # targets on the edges of the tables' steps, where rounding decides the offer
    tables = [
        expected_utility_table(make_view(track, me=US), _canada_level_two(track, groups), s)
        for s in _canada_level_two(track, groups).shifts
    ]
    step = rng.integers(0, track.n_outcomes, size=n)
    target = np.array(
        [
            (tables[g][0][k] + UTILITY_EPS) / tables[g][0][-1]
            for g, k in zip(group, step, strict=True)
        ]
    )
    batch_odds = dataclasses.replace(_canada_level_two(track, groups), group=group.astype(np.int64))
    batch = POLICY(
        dataclasses.replace(make_view(track, me=US, n_reps=n), deal_odds=batch_odds), target
    )
    alone = [
        POLICY(
            dataclasses.replace(
                make_view(track, me=US), deal_odds=_canada_level_two(track, theta[i : i + 1])
            ),
            target[i : i + 1],
        )[0]
        for i in range(n)
    ]
    np.testing.assert_array_equal(batch, alone)
