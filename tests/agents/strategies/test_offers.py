"""Offer policies (:mod:`sim.agents.strategies.offers`) in the real scenario."""

from __future__ import annotations

import numpy as np

from sim.runs.experiment import run_replicates
from tests.conftest import experiment_for


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
        assert deals.size > 0, track.name
        for o in np.unique(deals):
            dominated = (
                (u[0] >= u[0, o]) & (u[1] >= u[1, o]) & ((u[0] > u[0, o]) | (u[1] > u[1, o]))
            )
            assert not dominated.any(), (track.name, o)
