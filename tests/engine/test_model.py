"""The weekly protocol of :class:`sim.engine.model.NegotiationModel` on the real scenario.

Guarantees (feasible, individually rational deals before the deadline), suspension, issue
linkage and package mode. Validation against bargaining theory is in ``test_theory.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.runs.experiment import build_experiment, run_replicates
from tests.conftest import compose_run_config, experiment_for, single_issue_config


def _run(cfg, n: int) -> pd.DataFrame:
    return run_replicates(experiment_for(cfg), n_replicates=n, batch_size=n)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_agreements_respect_reservation_values_and_outcome_space(cfg):
    exp = experiment_for(cfg)
    out = run_replicates(exp, cfg.n_replicates, cfg.batch_size)
    deals = out[out["agreed"]]
    assert len(deals) > 0
    for party in ("canada", "united_states"):
        assert (deals[f"utility_{party}"] >= deals[f"reservation_{party}"] - 1e-12).all()
    for track in exp.compiled.tracks:
        rows = deals[deals["track"] == track.name]
        assert ((rows["outcome"] >= 0) & (rows["outcome"] < track.n_outcomes)).all()
        np.testing.assert_allclose(rows["utility_canada"], track.utilities[0, rows["outcome"]])
    assert (out["agreement_week"].dropna() < exp.compiled.n_weeks).all()


def test_suspension_stops_all_offers():
    cfg = single_issue_config(rv_canada=0.3, rv_us=0.3, n_weeks=30, hazard=1.0)
    cfg.protocol.suspension_weeks = 100  # suspended from week 0 to beyond the deadline
    out = _run(cfg, 20)
    assert not out["agreed"].any()
    assert (out["weeks_suspended"] == 30).all()


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_linking_keystone_raises_the_steel_aluminum_deal_likelihood():
    """Issue linkage (Keystone XL into steel & aluminum): more room to trade, more deals."""
    n = 1500

    def deals(linkage: bool) -> int:  # by the deadline, where metals deals are not yet certain
        cfg = compose_run_config([f"scenario.linkage={str(linkage).lower()}", "progress=false"])
        experiment = build_experiment(cfg)
        out = run_replicates(experiment, n, n)
        metals = out[out["track"] == "steel_aluminum"]
        by_deadline = metals["agreement_week"] < experiment.compiled.scenario.deadline_weeks
        return int(by_deadline.fillna(False).sum())

    linked, unlinked = deals(True), deals(False)
    assert linked > unlinked + 0.05 * n
    # and not by chance: one-sided Fisher exact test on the 2 x 2 table of deals
    table = np.array([[linked, n - linked], [unlinked, n - unlinked]])
    assert stats.fisher_exact(table, alternative="greater").pvalue < 0.001


def test_package_mode_negotiates_one_package():
    cfg = compose_run_config(["scenario.package_mode=true", "progress=false"])
    exp = build_experiment(cfg)
    (package,) = exp.compiled.tracks
    assert package.name == "package"
    sectoral = compose_run_config(["progress=false"])
    every_issue = {i for t in build_experiment(sectoral).compiled.tracks for i in t.issues}
    assert set(package.issues) == every_issue
    out = run_replicates(exp, 100, 100)
    assert list(out["track"].cat.categories) == ["package"]
    assert out["option_keystone_xl"].notna().all() and out["option_steel_tariff"].notna().all()
