"""The hardliner: never below its floor."""

from __future__ import annotations

import pytest

from sim.config.schema import (
    NegotiatorConfig,
    OfferPolicy,
)
from tests.agents.strategies.helpers import (
    run_model,
)
from tests.conftest import (
    single_issue_config,
)


@pytest.mark.parametrize("floor", [None, 0.6, 0.8])
def test_hardliner_never_offers_or_accepts_below_its_floor(floor):
    cfg = single_issue_config(rv_canada=0.2, rv_us=0.1, n_weeks=30, spread=0.1)
    cfg.negotiator["united_states"] = NegotiatorConfig(
        strategy="hardliner", floor=floor, offer_policy=OfferPolicy.nearest
    )
    cfg.negotiator["canada"].beta = 5.0  # a conceder that will reach the floor if it can
    model = run_model(cfg, n=40)
    u_us = model.compiled.tracks[0].utilities[1]
    level = 1.0 if floor is None else floor
    offers = model.state.offers[:, 0, 1, :].T
    assert (u_us[offers[offers >= 0]] >= level - 1e-12).all()
    deals = model.state.agreed_outcome[:, 0][model.state.agreed_outcome[:, 0] >= 0]
    assert (u_us[deals] >= level - 1e-12).all()
    if floor is None:
        assert deals.size == 0  # Canada never accepts the maximal tariff
    else:
        assert deals.size > 0
