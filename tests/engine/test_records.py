"""The outcome records of a batch (:mod:`sim.engine.records`)."""

from __future__ import annotations

import numpy as np

from tests.agents.strategies.helpers import (
    run,
)
from tests.conftest import (
    single_issue_config,
)


def test_discounted_utility_is_reported_per_party():
    cfg = single_issue_config(rv_canada=0.3, rv_us=0.3, n_weeks=20, spread=0.1)
    cfg.negotiator["canada"].discount = 0.95
    out = run(cfg, n=30)
    assert out["agreed"].any()
    deals = out[out["agreed"]]
    weeks = deals["agreement_week"].to_numpy(dtype=float)
    np.testing.assert_allclose(
        deals["discounted_utility_canada"], deals["utility_canada"] * 0.95**weeks
    )
    np.testing.assert_allclose(
        deals["discounted_utility_united_states"], deals["utility_united_states"]
    )
    no_deal = out[~out["agreed"]]
    np.testing.assert_allclose(no_deal["discounted_utility_canada"], no_deal["utility_canada"])
