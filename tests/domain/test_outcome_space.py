import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.domain.outcome_space import compile_track, enumerate_outcomes
from tests.conftest import make_issue, make_party, make_track


def test_enumerate_outcomes_is_the_cartesian_product():
    out = enumerate_outcomes((2, 3))
    assert out.shape == (6, 2)
    assert {tuple(r) for r in out} == {(a, b) for a in range(2) for b in range(3)}


def _two_issue_track(w_a: float, w_b: float):
    issues = {
        "a": make_issue("a", ("lo", "hi"), "lo"),
        "b": make_issue("b", ("x", "y", "z"), "z"),
    }
    ca = make_party(
        "ca",
        {"a": w_a, "b": w_b},
        {"a": {"lo": 0.0, "hi": 1.0}, "b": {"x": 1.0, "y": 0.5, "z": 0.0}},
        0.3,
    )
    us = make_party(
        "us",
        {"a": 1.0, "b": 1.0},
        {"a": {"lo": 1.0, "hi": 0.0}, "b": {"x": 0.0, "y": 0.2, "z": 1.0}},
        0.3,
    )
    return compile_track(make_track("t", ("a", "b"), ("ca", "us")), issues, (ca, us))


def test_utilities_are_weighted_and_normalised():
    track = _two_issue_track(3.0, 1.0)
    assert track.utilities.shape == (2, 6)
    assert track.utilities.min() >= 0.0 and track.utilities.max() <= 1.0
    # outcome (hi, x) is Canada's best: (3*1 + 1*1) / 4 = 1
    best = int(np.flatnonzero((track.outcomes == [1, 0]).all(axis=1))[0])
    assert track.utilities[0, best] == 1.0
    # status quo is (lo, z)
    assert tuple(track.outcomes[track.status_quo]) == (0, 2)
    assert not track.utilities.flags.writeable


def test_sorted_tables_are_consistent():
    track = _two_issue_track(1.0, 2.0)
    for p in range(2):
        assert np.all(np.diff(track.sorted_desc[p]) <= 0)
        np.testing.assert_array_equal(track.utilities[p, track.order_desc[p]], track.sorted_desc[p])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=25),
)
def test_best_for_opponent_matches_brute_force(points):
    """Entry k = opponent's favourite among my k+1 best outcomes (ties: first in my ranking)."""
    from sim.domain.outcome_space import CompiledTrack

    u = np.array(points, dtype=float).T / 4.0
    order = np.argsort(-u, axis=1, kind="stable")
    track = CompiledTrack(
        name="t",
        issues=(),
        parties=(0, 1),
        outcomes=np.zeros((u.shape[1], 0), dtype=np.int64),
        utilities=u,
        status_quo=0,
        order_desc=order,
        sorted_desc=np.take_along_axis(u, order, axis=1),
    )
    table = track.best_for_opponent(0, 1)
    for k in range(u.shape[1]):
        prefix = order[0, : k + 1]
        assert u[1, table[k]] == u[1, prefix].max()
        assert table[k] in prefix
