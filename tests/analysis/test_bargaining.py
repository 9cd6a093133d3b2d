"""Tests for sim.analysis.bargaining: SCENARIO.md B2 benchmarks, brute-force oracles, scale."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.analysis.bargaining import (
    distance_to_frontier,
    efficiency_summary,
    kalai_smorodinsky_point,
    max_welfare_point,
    nash_point,
    pareto_frontier,
    pareto_mask,
)

# SCENARIO.md B2 discrete example: one steel track, u = (Canada, U.S.); D is the status quo.
B2_U = np.array([[1.0, 0.8, 0.5, 0.1], [0.2, 0.55, 0.75, 0.5]])
A, B, C, D = range(4)
B2_D = B2_U[:, D]

# Small spaces are drawn on a dyadic grid (k / GRID) so that values repeat, utilities tie, and
# gains are exact in floating point; the oracles then work in exact integer/rational arithmetic.
GRID = 8
PROPERTY_SETTINGS = settings(max_examples=250, deadline=None)


@st.composite
def spaces(draw: st.DrawFn, max_n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Integer utilities ``(2, n)`` on the grid and an integer disagreement point ``(2,)``."""
    n = draw(st.integers(1, max_n))
    k = draw(arrays(np.int64, (2, n), elements=st.integers(0, GRID)))
    as_outcome = draw(st.booleans())  # a status-quo outcome, as in a compiled track
    dk = (
        k[:, draw(st.integers(0, n - 1))].copy()
        if as_outcome
        else draw(arrays(np.int64, (2,), elements=st.integers(0, GRID)))
    )
    return k, dk


WEIGHTS = st.sampled_from([Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(1, 4)])


def space(u: list[list[int]], d: list[int]) -> tuple[np.ndarray, np.ndarray]:
    return np.array(u, dtype=np.int64), np.array(d, dtype=np.int64)


# ----------------------------------------------------------------------------- oracles


def brute_pareto(u: np.ndarray) -> np.ndarray:
    """O(n^2) definition: dominated iff some outcome is >= for both and differs."""
    ge = (u[:, None, :] >= u[:, :, None]).all(axis=0)  # ge[i, j]: u_j >= u_i
    ne = (u[:, None, :] != u[:, :, None]).any(axis=0)
    return ~(ge & ne).any(axis=1)


def lowest_argmax(keys: dict[int, object]) -> int | None:
    if not keys:
        return None
    best = max(keys.values())  # type: ignore[type-var]
    return min(j for j, key in keys.items() if key == best)


def oracle_nash(k: np.ndarray, dk: np.ndarray, w: Fraction) -> int | None:
    g = [(int(a), int(b)) for a, b in (k - dk[:, None]).T]
    rational = [j for j, (a, b) in enumerate(g) if a >= 0 and b >= 0]
    positive = [j for j in rational if g[j][0] > 0 and g[j][1] > 0]
    p, q = w.numerator, w.denominator
    if positive:  # product^q = g0^p g1^(q-p), exact in integers
        return lowest_argmax({j: g[j][0] ** p * g[j][1] ** (q - p) for j in positive})
    return lowest_argmax({j: w * g[j][0] + (1 - w) * g[j][1] for j in rational})


def oracle_ks(k: np.ndarray, dk: np.ndarray) -> int | None:
    g = [(int(a), int(b)) for a, b in (k - dk[:, None]).T]
    rational = [j for j, (a, b) in enumerate(g) if a >= 0 and b >= 0]
    if not rational:
        return None
    ideal = [max(g[j][i] for j in rational) for i in (0, 1)]
    norm = {
        j: [Fraction(g[j][i], ideal[i]) if ideal[i] else Fraction(1) for i in (0, 1)]
        for j in rational
    }
    return lowest_argmax({j: (min(v), sum(v)) for j, v in norm.items()})


def oracle_welfare(k: np.ndarray) -> int:
    result = lowest_argmax({j: int(k[0, j] + k[1, j]) for j in range(k.shape[1])})
    assert result is not None
    return result


# ----------------------------------------------------------------------------- SCENARIO.md B2


def test_b2_discrete_example_nash_picks_c() -> None:
    gains = B2_U - B2_D[:, None]
    products = gains[0] * gains[1]
    assert products[B] == pytest.approx(0.035)
    assert products[C] == pytest.approx(0.100)
    assert B2_U[1, A] < B2_D[1]  # A is not individually rational for the U.S.
    assert nash_point(B2_U, B2_D) == C


def test_b2_discrete_example_weighted_nash_picks_c() -> None:
    gains = B2_U[:, [B, C]] - B2_D[:, None]
    scores = dict(zip((B, C), gains[0] ** (1 / 3) * gains[1] ** (2 / 3), strict=True))
    assert scores[B] == pytest.approx(0.121, abs=5e-4)
    assert scores[C] == pytest.approx(0.292, abs=5e-4)
    assert nash_point(B2_U, B2_D, weight=1 / 3) == C


def test_b2_discrete_example_ks_picks_c() -> None:
    assert kalai_smorodinsky_point(B2_U, B2_D) == C
    # ideal gains among rational outcomes (B, C, D) are (0.7, 0.25)
    assert min(0.7 / 0.7, 0.05 / 0.25) == pytest.approx(0.20)
    assert min(0.4 / 0.7, 0.25 / 0.25) == pytest.approx(0.571, abs=5e-4)


def test_b2_discrete_example_frontier_and_summary() -> None:
    assert pareto_mask(B2_U).tolist() == [True, True, True, False]
    assert pareto_frontier(B2_U).tolist() == [C, B, A]
    assert max_welfare_point(B2_U) == B
    summary = efficiency_summary(B2_U, B2_D, np.array([C, C, B, D]))
    assert summary["n_agreed"] == 4
    assert summary["share_pareto_efficient"] == pytest.approx(0.75)
    assert summary["mean_distance_to_frontier"] == pytest.approx(math.hypot(0.4, 0.25) / 4)
    to_c = math.hypot(0.3, 0.2) + math.hypot(0.4, 0.25)
    assert summary["mean_distance_to_nash"] == pytest.approx(to_c / 4)
    assert summary["welfare_ratio"] == pytest.approx((1.25 + 1.25 + 1.35 + 0.6) / 4 / 1.35)
    assert (summary["nash_index"], summary["ks_index"], summary["max_welfare_index"]) == (C, C, B)
    assert summary["nash_utilities"] == (0.5, 0.75)
    assert summary["max_welfare_utilities"] == (0.8, 0.55)


X_GRID = np.linspace(0.0, 1.0, 100_001)
X_STEP = 1e-5


@pytest.mark.parametrize(("alpha", "expected"), [(0.5, 0.55), (2 / 3, 0.2 + 2 / 3 * 0.7)])
def test_b2_linear_pie_generalised_nash(alpha: float, expected: float) -> None:
    u = np.vstack([X_GRID, 1.0 - X_GRID])
    idx = nash_point(u, np.array([0.2, 0.1]), weight=alpha)
    assert idx is not None
    assert X_GRID[idx] == pytest.approx(expected, abs=X_STEP)


def test_b1_rubinstein_limit_is_asymmetric_nash() -> None:
    r1, r2 = 0.05, 0.10
    alpha = (1 / r1) / (1 / r1 + 1 / r2)
    idx = nash_point(np.vstack([X_GRID, 1.0 - X_GRID]), np.zeros(2), weight=alpha)
    assert idx is not None
    assert X_GRID[idx] == pytest.approx(r2 / (r1 + r2), abs=X_STEP)


def test_b2_concave_case_nash_and_ks() -> None:
    u = np.vstack([X_GRID, np.sqrt(1.0 - X_GRID)])
    nash, ks = nash_point(u, np.zeros(2)), kalai_smorodinsky_point(u, np.zeros(2))
    assert nash is not None and ks is not None
    assert X_GRID[nash] == pytest.approx(2 / 3, abs=X_STEP)
    assert u[1, nash] == pytest.approx(0.577, abs=5e-4)
    assert X_GRID[ks] == pytest.approx((math.sqrt(5) - 1) / 2, abs=X_STEP)
    assert u[0, ks] == pytest.approx(u[1, ks], abs=2 * X_STEP)


# ----------------------------------------------------------------------------- edge cases


def test_no_individually_rational_outcome_gives_none() -> None:
    u = np.array([[0.9, 0.1], [0.1, 0.9]])
    d = np.array([0.5, 0.5])
    assert nash_point(u, d) is None
    assert kalai_smorodinsky_point(u, d) is None
    summary = efficiency_summary(u, d, np.array([0, 1]))
    assert summary["nash_index"] is None and math.isnan(summary["mean_distance_to_nash"])
    assert all(math.isnan(x) for x in summary["nash_utilities"])
    assert summary["share_pareto_efficient"] == 1.0


def test_nash_degenerate_case_picks_largest_weighted_gain() -> None:
    # rational outcomes: the status quo (0), a gain for Canada only (1) and for the U.S. only (2)
    u = np.array([[0.2, 0.5, 0.2, 0.9], [0.3, 0.3, 0.4, 0.0]])
    d = u[:, 0]
    assert nash_point(u, d) == 1  # 0.5 * 0.3 > 0.5 * 0.1
    assert nash_point(u, d, weight=0.2) == 2  # 0.8 * 0.1 > 0.2 * 0.3
    assert nash_point(u[:, [0, 0]], d) == 0  # only the status quo (twice): lowest index


def test_ks_when_one_party_cannot_gain() -> None:
    u = np.array([[0.2, 0.6, 0.4], [0.3, 0.3, 0.3]])
    assert kalai_smorodinsky_point(u, u[:, 0]) == 1


def test_empty_agreements_give_nan_metrics() -> None:
    summary = efficiency_summary(B2_U, B2_D, np.array([], dtype=np.int64))
    for key in ("share_pareto_efficient", "mean_distance_to_frontier", "mean_distance_to_nash"):
        assert math.isnan(summary[key])
    assert math.isnan(summary["welfare_ratio"])
    assert summary["n_agreed"] == 0 and summary["nash_index"] == C
    assert math.isnan(efficiency_summary(B2_U, B2_D, [])["welfare_ratio"])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: pareto_mask(np.zeros((3, 4))), "shape"),
        (lambda: pareto_mask(np.zeros((2, 0))), "empty"),
        (lambda: pareto_mask(np.array([[0.0, np.nan], [0.0, 1.0]])), "finite"),
        (lambda: nash_point(B2_U, B2_D, weight=1.0), "weight"),
        (lambda: nash_point(B2_U, np.zeros(3)), "shape"),
        (lambda: distance_to_frontier(np.zeros(2), B2_U), "shape"),
        (lambda: efficiency_summary(B2_U, B2_D, np.array([4])), r"\[0, 4\)"),
        (lambda: efficiency_summary(B2_U, B2_D, np.array([-1])), r"\[0, 4\)"),
        (lambda: efficiency_summary(B2_U, B2_D, np.array([0.5])), "integer"),
    ],
)
def test_malformed_inputs_raise(call: Callable[[], object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


# ----------------------------------------------------------------------------- property tests


@PROPERTY_SETTINGS
@given(sp=spaces())
@example(sp=space([[8, 8, 0], [0, 0, 8]], [0, 0]))  # duplicates of an efficient outcome
@example(sp=space([[8, 8, 8], [0, 8, 8]], [0, 0]))  # same u0: only the best u1 (both copies)
@example(sp=space([[8, 0], [8, 8]], [0, 0]))  # equal u1, smaller u0: dominated
def test_pareto_mask_matches_brute_force(sp: tuple[np.ndarray, np.ndarray]) -> None:
    k, _ = sp
    u = k / GRID
    mask = pareto_mask(u)
    np.testing.assert_array_equal(mask, brute_pareto(k))
    front = pareto_frontier(u)
    assert sorted(front.tolist()) == np.flatnonzero(mask).tolist()
    assert np.all(np.diff(u[0, front]) >= 0) and np.all(np.diff(u[1, front]) <= 0)


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@PROPERTY_SETTINGS
@given(u=st.integers(1, 40).flatmap(lambda n: arrays(np.float64, (2, n), elements=finite)))
@example(u=np.array([[0.0, -0.0], [1.0, 1.0]]))  # signed zeros are equal utilities
def test_pareto_mask_matches_brute_force_on_arbitrary_floats(u: np.ndarray) -> None:
    np.testing.assert_array_equal(pareto_mask(u), brute_pareto(u))


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
@PROPERTY_SETTINGS
@given(sp=spaces(), w=WEIGHTS)
@example(sp=space([[1, 2, 3, 6], [6, 3, 2, 1]], [0, 0]), w=Fraction(1, 2))  # equal products
@example(sp=space([[0, 3, 0], [0, 0, 5]], [0, 0]), w=Fraction(1, 2))  # zero products only
def test_nash_point_matches_exhaustive_argmax(
    sp: tuple[np.ndarray, np.ndarray], w: Fraction
) -> None:
    k, dk = sp
    u, d = k / GRID, dk / GRID
    result = nash_point(u, d, weight=float(w))
    assert result == oracle_nash(k, dk, w)
    if result is not None:
        assert pareto_mask(u)[result]


@PROPERTY_SETTINGS
@given(sp=spaces())
@example(sp=space([[2, 4, 1], [4, 2, 1]], [1, 1]))  # symmetric tie: lowest index
@example(sp=space([[3, 3, 5], [1, 4, 1]], [1, 1]))  # equal min, larger sum wins
def test_ks_point_matches_exhaustive_argmax(sp: tuple[np.ndarray, np.ndarray]) -> None:
    k, dk = sp
    u, d = k / GRID, dk / GRID
    result = kalai_smorodinsky_point(u, d)
    assert result == oracle_ks(k, dk)
    if result is not None:
        assert pareto_mask(u)[result]


@PROPERTY_SETTINGS
@given(sp=spaces())
def test_max_welfare_matches_exhaustive_argmax(sp: tuple[np.ndarray, np.ndarray]) -> None:
    k, _ = sp
    result = max_welfare_point(k / GRID)
    assert result == oracle_welfare(k)
    assert pareto_mask(k / GRID)[result]


@PROPERTY_SETTINGS
@given(
    sp=spaces(),
    points=st.integers(0, 12).flatmap(
        lambda m: arrays(np.float64, (m, 2), elements=st.floats(-1.0, 2.0))
    ),
)
@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_distance_to_frontier_matches_brute_force(
    sp: tuple[np.ndarray, np.ndarray], points: np.ndarray
) -> None:
    k, _ = sp
    u = k / GRID
    front = u[:, brute_pareto(k)]
    expected = np.hypot(points[:, :1] - front[0], points[:, 1:] - front[1]).min(
        axis=1, initial=np.inf
    )
    got = distance_to_frontier(points, u)
    assert got.shape == (points.shape[0],)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(distance_to_frontier(u.T, u)[brute_pareto(k)], 0.0, atol=0.0)


@PROPERTY_SETTINGS
@given(sp=spaces(), data=st.data())
def test_efficiency_summary_matches_oracles(
    sp: tuple[np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    k, dk = sp
    u, d = k / GRID, dk / GRID
    agreed = np.array(
        data.draw(st.lists(st.integers(0, k.shape[1] - 1), max_size=15)), dtype=np.int64
    )
    summary = efficiency_summary(u, d, agreed)
    nash = oracle_nash(k, dk, Fraction(1, 2))
    assert summary["nash_index"] == nash
    assert summary["ks_index"] == oracle_ks(k, dk)
    assert summary["max_welfare_index"] == oracle_welfare(k)
    if agreed.size == 0:
        assert math.isnan(summary["share_pareto_efficient"])
        return
    assert summary["share_pareto_efficient"] == pytest.approx(brute_pareto(k)[agreed].mean())
    front = u[:, brute_pareto(k)]
    pts = u[:, agreed]
    dist = np.hypot(pts[0][:, None] - front[0], pts[1][:, None] - front[1]).min(axis=1)
    assert summary["mean_distance_to_frontier"] == pytest.approx(dist.mean(), abs=1e-12)
    if nash is None:
        assert math.isnan(summary["mean_distance_to_nash"])
    else:
        to_nash = np.hypot(pts[0] - u[0, nash], pts[1] - u[1, nash]).mean()
        assert summary["mean_distance_to_nash"] == pytest.approx(to_nash, abs=1e-12)
    welfare = k.sum(axis=0)
    if welfare.max() > 0:
        assert summary["welfare_ratio"] == pytest.approx(welfare[agreed].mean() / welfare.max())
    else:
        assert math.isnan(summary["welfare_ratio"])


# ----------------------------------------------------------------------------- scale


def assert_frontier_is_exact(u: np.ndarray) -> np.ndarray:
    """Check a mask on a large space in O(n log n) without the O(n^2) oracle.

    The frontier's distinct points must be strictly increasing in u0 and strictly decreasing in
    u1 (so none dominates another), every copy of a frontier point must be in it, and every other
    outcome must be dominated by the frontier point with the smallest u0 >= its own u0 (the
    frontier point with the largest u1 among those that could dominate it).
    """
    mask = pareto_mask(u)
    front = pareto_frontier(u)
    assert front.size > 0
    fu = np.unique(u[:, front], axis=1)  # sorted by u0 ascending
    assert np.all(np.diff(fu[0]) > 0) and np.all(np.diff(fu[1]) < 0)
    pos = np.searchsorted(fu[0], u[0], side="left")
    assert np.all(pos < fu.shape[1])  # nothing beats the frontier's largest u0
    f0, f1 = fu[0, pos], fu[1, pos]
    on_frontier = (f0 == u[0]) & (f1 == u[1])
    dominated = (f1 >= u[1]) & ((f0 > u[0]) | (f1 > u[1]))
    np.testing.assert_array_equal(mask, on_frontier)
    assert np.all(dominated | on_frontier)
    return mask


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_scaling_smoke_one_million_outcomes() -> None:
    rng = np.random.default_rng(20251010)
    n = 1_000_000
    u = rng.random((2, n))
    mask = assert_frontier_is_exact(u)
    front = pareto_frontier(u)
    assert np.all(np.diff(u[0, front]) > 0) and np.all(np.diff(u[1, front]) < 0)
    d = np.array([0.3, 0.3])
    nash, ks, best = nash_point(u, d), kalai_smorodinsky_point(u, d), max_welfare_point(u)
    assert nash is not None and ks is not None
    assert mask[nash] and mask[ks] and mask[best]
    agreed = rng.integers(0, n, size=10_000)
    summary = efficiency_summary(u, d, agreed)
    assert 0.0 <= summary["share_pareto_efficient"] < 0.01
    assert 0.0 < summary["mean_distance_to_frontier"] < 1.0
    assert 0.0 < summary["welfare_ratio"] < 1.0


def test_scaling_smoke_one_million_tied_outcomes() -> None:
    # a coarse grid: about 10^6 outcomes on 201 x 201 utility pairs, so ties are everywhere
    rng = np.random.default_rng(7)
    u = rng.integers(0, 201, size=(2, 1_000_000)) / 200
    mask = assert_frontier_is_exact(u)
    assert mask.sum() > np.unique(u[:, mask], axis=1).shape[1]  # copies all count as efficient
    assert distance_to_frontier(u[:, mask].T, u).max() == 0.0
