"""Tit-for-tat (relative and absolute imitation of the opponent's concessions)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents.strategies.offers import nearest_offer
from sim.agents.strategies.tit_for_tat import TitForTatStrategy
from sim.config.schema import (
    NegotiatorConfig,
    OfferPolicy,
)
from tests.agents.strategies.helpers import (
    make_view,
    outcome_with_share,
    pie_track,
    run_model,
)
from tests.conftest import (
    single_issue_config,
)


def test_absolute_tit_for_tat_concedes_what_the_opponent_conceded():
    track = pie_track()
    # the opponent's offers give me 0.10, 0.15, 0.25, 0.20 (a retreat last)
    history = [[outcome_with_share(track, s)] for s in (0.10, 0.15, 0.25, 0.20)]
    tft = TitForTatStrategy("absolute", nearest_offer)
    targets = [
        tft.target(make_view(track, rv=0.3, opponent_offers=history[: k + 1]))[0] for k in range(4)
    ]
    assert targets == pytest.approx([1.0, 0.95, 0.85, 0.90])


def test_relative_tit_for_tat_concedes_the_same_fraction_of_its_room():
    track = pie_track()
    history = [[outcome_with_share(track, s)] for s in (0.2, 0.6)]  # gave me half its room
    tft = TitForTatStrategy("relative", nearest_offer)
    target = tft.target(make_view(track, rv=0.3, opponent_offers=history))[0]
    assert target == pytest.approx(1.0 - 0.5 * (1.0 - 0.3))


def test_tit_for_tat_is_clamped_and_opens_sensibly_without_history():
    track = pie_track()
    for imitation in ("relative", "absolute"):
        tft = TitForTatStrategy(imitation, nearest_offer, kappa=0.2)
        opening = tft.target(make_view(track, rv=0.4))[0]
        assert opening == pytest.approx(0.4 + 0.8 * 0.6)
        one_offer = [[outcome_with_share(track, 0.1)]]
        assert tft.target(make_view(track, rv=0.4, opponent_offers=one_offer))[0] == opening
        generous = [[outcome_with_share(track, 0.0)], [outcome_with_share(track, 1.0)]]
        assert tft.target(make_view(track, rv=0.4, opponent_offers=generous))[0] == 0.4
        meaner = [[outcome_with_share(track, 1.0)], [outcome_with_share(track, 0.0)]]
        assert tft.target(make_view(track, rv=0.4, opponent_offers=meaner))[0] == 1.0


def test_tit_for_tat_vectorises_over_replicates_with_gaps():
    track = pie_track()
    o = [outcome_with_share(track, s) for s in (0.1, 0.2, 0.4)]
    # replicate 0 sees 0.1, 0.2, 0.4; replicate 1 skips week 1; replicate 2 sees nothing
    history = np.array([[o[0], o[0], -1], [o[1], -1, -1], [o[2], o[2], -1]])
    tft = TitForTatStrategy("absolute", nearest_offer)
    targets = tft.target(make_view(track, rv=0.0, opponent_offers=history, n_reps=3))
    assert targets == pytest.approx([0.7, 0.7, 1.0])


def test_tit_for_tat_mirrors_a_linear_conceder_in_the_model():
    cfg = single_issue_config(rv_canada=0.2, rv_us=0.2, n_weeks=40)
    cfg.negotiator["canada"] = NegotiatorConfig(
        strategy="absolute_tit_for_tat", offer_policy=OfferPolicy.nearest
    )
    model = run_model(cfg)
    u_ca = model.compiled.tracks[0].utilities[0]
    us_offers = model.state.offers[0, 0, 1, :]
    ca_offers = model.state.offers[0, 0, 0, :]
    weeks = np.flatnonzero((us_offers >= 0) & (ca_offers >= 0))
    assert weeks.size > 10
    # each week Canada gives up what the U.S. gave it (up to the 0.01 grid of the options)
    conceded_by_us = u_ca[us_offers[weeks]] - u_ca[us_offers[weeks[0]]]
    conceded_by_ca = u_ca[ca_offers[weeks[0]]] - u_ca[ca_offers[weeks]]
    np.testing.assert_allclose(conceded_by_ca, conceded_by_us, atol=0.0101)
    assert model.state.agreed_outcome[0, 0] >= 0
