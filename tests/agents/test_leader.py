"""Leaders ratify their party's deals at home (Putnam's Level II; :mod:`sim.agents.leader`)."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.runs.experiment import build_experiment, run_replicates
from tests.conftest import compose_run_config, single_issue_config


def outcomes(*overrides: str, n: int = 1500) -> pd.DataFrame:
    cfg = compose_run_config(["progress=false", *overrides])
    return run_replicates(build_experiment(cfg), n, n)


def likelihood(out: pd.DataFrame, track: str) -> float:
    return float(out[out["track"] == track]["agreed"].mean())


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_harder_canadian_ratification_threshold_ties_hands_schelling():
    soft = outcomes("scenario.leaders.carney.ratification_threshold_premium=0.0")
    hard = outcomes("scenario.leaders.carney.ratification_threshold_premium=0.2")
    for track in ("steel_aluminum", "autos"):
        assert likelihood(hard, track) < likelihood(soft, track)
        share = {
            name: out[(out["track"] == track) & out["agreed"]]["utility_canada"].mean()
            for name, out in (("soft", soft), ("hard", hard))
        }
        # offers that ignore ratification only select among the same terms (weakly better for
        # Canada); that tied hands *pay* needs anticipating offers (tests/engine/test_anticipation)
        assert share["hard"] >= share["soft"]
    assert hard["ratification_failures"].mean() > soft["ratification_failures"].mean()


def test_failed_ratification_reopens_the_track():
    cfg = single_issue_config(rv_canada=0.3, rv_us=0.3, n_weeks=60, ratification=True)
    cfg.scenario.leaders["us_leader"].ratification_threshold_premium = 0.3  # tied hands
    out = run_replicates(build_experiment(cfg), 200, 200)
    assert (out["ratification_failures"] > 0).any()
    reopened = out[(out["ratification_failures"] > 0) & out["agreed"]]
    assert len(reopened) > 0  # failed at least once, then agreed later
    assert (reopened["ratification_attempts"] == reopened["ratification_failures"] + 1).all()
    # without a ratification step nothing is ever sent home
    cfg.protocol.ratification = False
    free = run_replicates(build_experiment(cfg), 200, 200)
    assert (free["ratification_failures"] == 0).all()
    assert free["agreed"].mean() >= out["agreed"].mean()
