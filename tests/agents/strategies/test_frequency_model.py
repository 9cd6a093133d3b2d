"""The frequency opponent model and the offer policy built on it (logrolling)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.agents.strategies.frequency_model import FrequencyModelOffer, estimate_opponent_model
from sim.agents.strategies.offers import nearest_offer
from sim.config.schema import (
    OfferPolicy,
)
from tests.agents.strategies.helpers import (
    FREQ,
    logrolling_config,
    logrolling_track,
    make_view,
    outcome_of,
    run,
    run_model,
)


def test_frequency_model_counts_match_a_brute_force_oracle(rng):
    track = logrolling_track()
    history = rng.integers(-1, track.n_outcomes, size=(9, 4))
    model = estimate_opponent_model(make_view(track, opponent_offers=history, n_reps=4, me=0))
    for r in range(4):  # the oracle loops; the model must not
        offers = [o for o in history[:, r] if o >= 0]
        opts = track.outcomes[offers] if offers else np.zeros((0, 2), dtype=int)
        same = [0, 0]
        for prev, cur in itertools.pairwise(opts):
            for j in range(2):
                same[j] += int(prev[j] == cur[j])
        w = np.array([1.0 + s for s in same])
        np.testing.assert_allclose(model.weights[r], w / w.sum())
        for j in range(2):
            counts = 1.0 + np.bincount(opts[:, j], minlength=5)
            np.testing.assert_allclose(model.values[j][r], counts / counts.max())


def test_frequency_model_learns_the_important_issue_and_picks_the_opponents_favourite():
    track = logrolling_track()
    # the opponent (party 1, loves b = o0) keeps b fixed and concedes on a
    history = [[outcome_of(track, a, 0)] for a in (0, 1, 2, 3)]
    view = make_view(track, rv=0.0, opponent_offers=history, me=0)
    model = estimate_opponent_model(view)
    assert model.weights[0, 1] > model.weights[0, 0]
    offer = FREQ(view, np.array([0.7]))
    assert track.utilities[0, offer[0]] >= 0.7
    # among my acceptable outcomes, the one with b at the opponent's favourite value
    assert track.outcomes[offer[0], 1] == 0
    assert track.outcomes[offer[0]].tolist() == [4, 0]  # a = best for me, b = best for them


def test_frequency_policy_without_evidence_is_nearest_and_cap_restricts_candidates():
    track = logrolling_track()
    view = make_view(track, rv=0.0, n_reps=3)
    target = np.array([0.9, 0.5, 0.1])
    np.testing.assert_array_equal(FREQ(view, target), nearest_offer(view, target))
    history = [[outcome_of(track, a, 0)] * 3 for a in (4, 3, 2, 1)]
    seen = make_view(track, rv=0.0, opponent_offers=history, n_reps=3)
    capped = FrequencyModelOffer(n_candidates=1, window=0.1)(seen, target)
    np.testing.assert_array_equal(capped, nearest_offer(seen, target))


@settings(max_examples=100, deadline=None)
@given(
    history=st.lists(st.lists(st.integers(-1, 24), min_size=3, max_size=3), max_size=8),
    targets=st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3),
    window=st.floats(0.0, 0.5),
    n_candidates=st.integers(1, 30),
)
def test_frequency_policy_matches_a_brute_force_oracle(history, targets, window, n_candidates):
    track = logrolling_track()
    hist = np.array(history, dtype=np.int64).reshape(-1, 3)
    view = make_view(track, opponent_offers=hist, n_reps=3)
    target = np.array(targets)
    offers = FrequencyModelOffer(n_candidates=n_candidates, window=window)(view, target)
    model = estimate_opponent_model(view)
    u = track.utilities[0]
    ranked = list(track.order_desc[0])
    for r in range(3):  # the oracle loops over replicates and outcomes
        acceptable = [o for o in ranked if u[o] >= target[r] - 1e-12] or ranked[:1]
        nearest = acceptable[-1]
        pool = [o for o in reversed(acceptable) if u[o] <= target[r] + window + 1e-12]
        pool = [o for o in pool if o in reversed(acceptable[-n_candidates:])] or [nearest]
        if nearest not in pool:
            pool = [nearest, *pool]
        score = [
            sum(model.weights[r, j] * model.values[j][r, track.outcomes[o, j]] for j in range(2))
            for o in pool
        ]
        assert offers[r] == pool[int(np.argmax(score))]
        assert u[offers[r]] >= min(target[r], u.max()) - 1e-12


def test_frequency_model_finds_logrolls_that_nearest_misses():
    def joint(policy: OfferPolicy) -> float:
        out = run(logrolling_config(policy), n=100)
        return float((out["utility_north"] + out["utility_south"]).mean())

    learned, blind = joint(OfferPolicy.frequency_model), joint(OfferPolicy.nearest)
    assert learned > blind + 0.1
    # by the time of the deal each side has identified the other's important issue: the one the
    # other kept unchanged while it conceded on the other
    model = run_model(logrolling_config(OfferPolicy.frequency_model), n=50)
    assert (model.state.agreed_outcome[:, 0] >= 0).all()
    for me, important in ((0, 1), (1, 0)):
        view = make_view(
            model.compiled.tracks[0],
            opponent_offers=model.state.offers[:, 0, 1 - me, :].T,
            n_reps=50,
            me=me,
        )
        weights = estimate_opponent_model(view).weights
        assert (weights.argmax(axis=1) == important).mean() > 0.9
