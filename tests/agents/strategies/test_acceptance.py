"""Acceptance conditions AC_next, AC_const, AC_time, AC_combi, with and without discounting."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.agents.strategies.acceptance import ACCombi, ACConst, ACNext, ACTime
from tests.agents.strategies.helpers import (
    make_view,
    outcome_with_share,
    pie_track,
)


def test_ac_const_and_ac_time_behave_as_defined():
    track = pie_track()
    offers = np.array([outcome_with_share(track, s) for s in (0.2, 0.5, 0.8)])
    nxt = np.full(3, outcome_with_share(track, 1.0))
    early = make_view(track, rv=0.3, round=2, n_rounds=11, n_reps=3)
    late = make_view(track, rv=0.3, round=9, n_rounds=11, n_reps=3)
    assert ACConst(0.5).accept(early, offers, nxt).tolist() == [False, True, True]
    assert ACConst(0.1).accept(early, offers, nxt).tolist() == [False, True, True]  # rv binds
    assert ACTime(0.85).accept(early, offers, nxt).tolist() == [False, False, False]
    assert ACTime(0.85).accept(late, offers, nxt).tolist() == [False, True, True]
    assert ACNext().accept(late, offers, nxt).tolist() == [False, False, False]
    assert ACCombi(0.85).accept(late, offers, nxt).tolist() == [False, True, True]
    assert ACCombi(0.85).accept(early, offers, offers).tolist() == [False, True, True]
    # AC_time reads the current week, not the round of my next offer
    answering = make_view(track, rv=0.3, round=9, week=8, n_rounds=11, n_reps=3)
    assert not ACTime(0.85).accept(answering, offers, nxt).any()


def test_discounting_enters_acceptance():
    track = pie_track()
    offer = np.array([outcome_with_share(track, 0.6)])
    same = make_view(track, round=3, week=3, discount=0.9)
    assert not ACConst(0.5).accept(same, offer, offer)[0]  # 0.6 * 0.9**3 = 0.437
    assert ACConst(0.43).accept(same, offer, offer)[0]
    # AC_next: 0.6 now against 0.65 next week, which is worth 0.65 * 0.9 = 0.585 today
    nxt = np.array([outcome_with_share(track, 0.65)])
    first_mover = make_view(track, round=4, week=3, discount=0.9)
    assert ACNext().accept(first_mover, offer, nxt)[0]
    assert not ACNext().accept(dataclasses.replace(first_mover, discount=1.0), offer, nxt)[0]


@settings(max_examples=200, deadline=None)
@given(
    rv=st.floats(0.0, 1.0),
    shares=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6),
    c=st.floats(0.0, 1.0),
    big_t=st.floats(0.0, 1.0),
    r=st.integers(0, 10),
    discount=st.floats(0.5, 1.0),
)
def test_no_acceptance_condition_accepts_below_reservation(rv, shares, c, big_t, r, discount):
    track = pie_track(21)
    offers = np.array([outcome_with_share(track, s) for s in shares])
    n = offers.size
    view = make_view(track, rv=rv, round=r, n_rounds=11, n_reps=n, discount=discount)
    below = track.utilities[0, offers] < rv - 1e-12
    for ac in (ACNext(), ACConst(c), ACTime(big_t), ACCombi(big_t)):
        for nxt in (offers, np.zeros(n, dtype=np.int64)):  # even if my next offer is worse
            assert not (ac.accept(view, offers, nxt) & below).any()
