"""Ratification tables (:mod:`sim.domain.politics`): Putnam's Level II, in direction and form.

One tariff x on a grid; Canada's utility is 1 - x, the U.S.'s x. The U.S. leader ratifies with
probability ``1 / (1 + exp(-k (V(x) - theta)))`` (the module's formula).
"""

from __future__ import annotations

import math

import numpy as np

from sim.config.schema import LeaderConfig, RunConfig, StakeholderConfig, Stance
from tests.conftest import experiment_for, single_issue_config

US = 1


def table(cfg: RunConfig) -> tuple[np.ndarray, np.ndarray]:
    """``(P, n_outcomes)`` P(ratified) on the only track, outcomes in the U.S.'s utility order."""
    exp = experiment_for(cfg)
    (track,) = exp.compiled.tracks
    order = np.argsort(track.utilities[US], kind="stable")
    return exp.politics.ratify_probability[0][:, order], track.utilities[:, order]


def ratifying(**leader: float) -> RunConfig:
    cfg = single_issue_config(rv_canada=0.3, rv_us=0.4, n_levels=21, ratification=True)
    cfg.scenario.leaders["us_leader"] = LeaderConfig(
        name="US leader", party="united_states", **leader
    )
    return cfg


def test_a_leader_alone_ratifies_by_its_logistic_in_its_own_utility():
    probability, utilities = table(ratifying(ratification_sharpness=10.0))
    u, rv = utilities[US], 0.4
    np.testing.assert_allclose(probability[US], 1 / (1 + np.exp(-10.0 * (u - rv))))
    assert np.all(np.diff(probability[US]) > 0)  # the better for the U.S., the likelier
    np.testing.assert_allclose(probability[US][np.isclose(u, rv)], [0.5])
    np.testing.assert_array_equal(probability[0], 1.0)  # Canada has no leader: nothing to ratify


def test_a_threshold_premium_lowers_every_probability():
    soft, _ = table(ratifying())
    hard, _ = table(ratifying(ratification_threshold_premium=0.1))
    assert np.all(hard[US] < soft[US])


def test_sharper_ratification_approaches_a_hard_win_set():
    blunt, utilities = table(ratifying(ratification_sharpness=5.0))
    sharp, _ = table(ratifying(ratification_sharpness=200.0))
    above, below = utilities[US] > 0.4 + 1e-9, utilities[US] < 0.4 - 1e-9
    assert np.all(sharp[US][above] > blunt[US][above])
    assert np.all(sharp[US][below] < blunt[US][below])
    assert sharp[US][utilities[US] >= 0.5].min() > 1 - 1e-6
    assert sharp[US][utilities[US] <= 0.3].max() < 1e-6


def test_without_ratification_every_deal_stands():
    cfg = ratifying(ratification_threshold_premium=0.3)
    cfg.protocol.ratification = False
    probability, _ = table(cfg)
    np.testing.assert_array_equal(probability, 1.0)


def test_a_constituency_pulls_ratification_toward_what_it_wants():
    """With own weight below 1, a U.S. lobby for low tariffs makes low tariffs easier to ratify."""

    def with_lobby(prefers_low_tariffs: bool) -> np.ndarray:
        cfg = ratifying(own_weight=0.5)
        levels = list(cfg.scenario.issues["tariff"].options)
        values = {lv: (1.0 - float(lv)) if prefers_low_tariffs else float(lv) for lv in levels}
        cfg.scenario.stakeholders["lobby"] = StakeholderConfig(
            name="lobby",
            party="united_states",
            stance=Stance.deal,
            weights={"tariff": 1.0},
            values={"tariff": values},
        )
        return table(cfg)[0][US]

    users, producers = with_lobby(True), with_lobby(False)
    # compare outcomes pairwise against the lowest tariff: users favour low tariffs relatively
    assert np.all(users[1:] / users[0] < producers[1:] / producers[0])
    assert not math.isclose(users[0], producers[0])
