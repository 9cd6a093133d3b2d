"""The coordinator's mandate momentum (:mod:`sim.agents.coordinator`).

Each deal its party concludes lowers the party's reservation value on its still-open tracks by
``mandate_momentum``. Paired runs of the default scenario with the same seed, momentum 0 and
momentum > 0, coincide until a replicate's first deal; from then on the party with momentum has
softer mandates on its remaining tracks.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.model import NegotiationModel
from sim.runs.experiment import build_experiment, run_replicates
from tests.conftest import compose_run_config

N = 400
MOMENTUM = 0.05
CANADA, US = 0, 1  # party order of the default scenario


def config(momentum: float):
    return compose_run_config(
        [f"scenario.coordinators.sabia.mandate_momentum={momentum}", "progress=false"]
    )


def model(momentum: float) -> NegotiationModel:
    exp = build_experiment(config(momentum))
    assert exp.compiled.party_names[:2] == ("canada", "united_states")
    return exp.model(np.arange(N))


@pytest.fixture(scope="module")
def finished() -> dict[float, NegotiationModel]:
    models = {m: model(m) for m in (0.0, MOMENTUM)}
    for m in models.values():
        m.run()
    return models


def test_without_momentum_the_mandate_never_drifts(finished):
    assert (finished[0.0].state.mandate_drift == 0).all()


def test_each_deal_lowers_the_mandate_on_the_tracks_still_open(finished):
    state = finished[MOMENTUM].state
    agreed = state.agreed_outcome >= 0  # (R, T)
    closed = np.where(agreed, state.agreement_week, np.iinfo(np.int64).max)
    # drift on track k = -momentum x (deals on Canada's other tracks while k was still open)
    earlier = agreed[:, None, :] & (state.agreement_week[:, None, :] < closed[:, :, None])
    expected = -MOMENTUM * earlier.sum(axis=2)
    np.testing.assert_allclose(state.mandate_drift[:, CANADA, :], expected)
    assert (state.mandate_drift[:, US, :] == 0).all()  # the U.S. has no coordinator
    assert (state.mandate_drift[~agreed.any(axis=1)] == 0).all()  # no deal, no drift
    assert (expected < 0).any()  # some replicates do bank a deal first


def test_paired_runs_coincide_until_the_first_deal_then_the_mandate_softens():
    without, with_ = model(0.0), model(MOMENTUM)
    before_any_deal = np.ones(N, dtype=bool)
    softened = 0
    while without.running and with_.running:
        rows = before_any_deal.copy()  # both models are in the same state in these replicates
        np.testing.assert_array_equal(
            without.state.reservation[rows], with_.state.reservation[rows]
        )
        open_before = with_.state.is_open.copy()
        without.step()
        with_.step()
        concluded = without.state.concluded_now[rows]
        np.testing.assert_array_equal(concluded, with_.state.concluded_now[rows])
        np.testing.assert_array_equal(
            without.state.agreed_outcome[rows], with_.state.agreed_outcome[rows]
        )
        first = np.flatnonzero(rows)[concluded.any(axis=1)]  # first deal this week
        n_deals = without.state.concluded_now[first].sum(axis=1)
        # the coordinator moves the tracks still open after this week's deals (a track the
        # deadline closes later in the same step was open when the coordinator acted)
        still_open = open_before[first] & ~with_.state.concluded_now[first]
        lowered = np.clip(
            without.state.reservation[first, CANADA] - MOMENTUM * n_deals[:, None], 0.0, 1.0
        )
        np.testing.assert_allclose(
            with_.state.reservation[first, CANADA][still_open], lowered[still_open]
        )
        np.testing.assert_array_equal(  # closed tracks and the other party are untouched
            with_.state.reservation[first, CANADA][~still_open],
            without.state.reservation[first, CANADA][~still_open],
        )
        np.testing.assert_array_equal(
            with_.state.reservation[first, US], without.state.reservation[first, US]
        )
        softened += int(still_open.sum())
        before_any_deal[first] = False
    assert softened > 0


def test_momentum_does_not_make_later_deals_less_likely():
    outcomes = {m: run_replicates(build_experiment(config(m)), 2000, 2000) for m in (0.0, MOMENTUM)}
    deals = {m: out.groupby("track", observed=True)["agreed"].sum() for m, out in outcomes.items()}
    # paired runs: a deal can only come earlier or be added, up to a little noise downstream
    assert (deals[MOMENTUM] >= deals[0.0] - 0.01 * 2000).all()
    assert deals[MOMENTUM].sum() > deals[0.0].sum()
    every_track = {
        m: out.groupby("replicate")["agreed"].all().mean() for m, out in outcomes.items()
    }
    assert every_track[MOMENTUM] > every_track[0.0]
