"""Bargaining-theory benchmarks on a finite bilateral outcome space (pure numpy and scipy).

An outcome space is a utility array ``u`` of shape ``(2, n_outcomes)``: row 0 is the first party's
(Canada's) utility of every outcome, row 1 the second party's (the United States'). That is the
layout of :attr:`sim.domain.CompiledTrack.utilities` for a two-party track. The disagreement point
``d`` has shape ``(2,)``; for a compiled track it is usually the status quo's utilities,
``track.utilities[:, track.status_quo]``, or the parties' reservation values.

The Nash (1950), generalised Nash and Kalai–Smorodinsky (1975) solutions are axiomatised on convex
sets. On a finite set of outcomes the axioms only hold if the parties may agree on lotteries over
outcomes. Following SCENARIO.md B2, every solution here is instead the **argmax over pure outcomes**
of the solution's objective, so it is always an outcome the negotiators could actually sign.

Ties: scores that differ only by floating-point rounding (relative difference below ``RTOL``) count
as equal, and the lowest outcome index wins. Every answer is deterministic, and exact ties computed
along different arithmetic paths (``0.1 * 0.6`` against ``0.2 * 0.3``) resolve the same way.
"""

from __future__ import annotations

from typing import Literal, TypedDict

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Relative tolerance below which two scores count as tied (absorbs rounding, nothing more).
RTOL = 1e-12


def _as_utilities(u: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(u, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] != 2:
        raise ValueError(f"u must have shape (2, n_outcomes), got {arr.shape}")
    if arr.shape[1] == 0:
        raise ValueError("the outcome space is empty")
    if not np.isfinite(arr).all():
        raise ValueError("utilities must be finite")
    return arr


def _as_point(d: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(d, dtype=np.float64)
    if arr.shape != (2,):
        raise ValueError(f"the disagreement point must have shape (2,), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError("the disagreement point must be finite")
    return arr


def _near_max(score: FloatArray, scale: FloatArray | float) -> BoolArray:
    """Entries of ``score`` equal to its maximum up to rounding.

    ``scale`` is the magnitude of the terms that were added up into each score; rounding errors
    are proportional to it, not to the (possibly cancelling) score itself.
    """
    best = int(np.argmax(score))
    scale_arr = np.abs(np.asarray(scale, dtype=np.float64))
    scale_best = scale_arr if scale_arr.ndim == 0 else scale_arr[best]
    tol = RTOL * (1.0 + scale_arr + scale_best)
    return np.asarray(score >= score[best] - tol)


def _first_near_max(score: FloatArray, scale: FloatArray | float) -> int:
    return int(np.flatnonzero(_near_max(score, scale))[0])


def _individually_rational(u: FloatArray, d: FloatArray) -> IntArray:
    return np.flatnonzero((u >= d[:, None]).all(axis=0))


def pareto_mask(u: npt.ArrayLike) -> BoolArray:
    """Which outcomes are Pareto-efficient.

    Args:
        u: ``(2, n)`` utilities of every outcome for both parties.

    Returns:
        ``(n,)`` boolean mask, True where no other outcome is weakly better for both parties and
        strictly better for one. Duplicates of an efficient outcome are all efficient.

    Raises:
        ValueError: If ``u`` is not a non-empty, finite ``(2, n)`` array.

    Notes:
        Outcome ``i`` is efficient iff there is no ``j`` with ``u_0j >= u_0i``, ``u_1j >= u_1i`` and
        ``u_j != u_i``. Sorting by ``u_0`` descending, then ``u_1`` descending, ``i`` is efficient
        iff ``u_1i`` is the largest ``u_1`` among outcomes with the same ``u_0`` and exceeds every
        ``u_1`` among outcomes with a strictly larger ``u_0`` (a running maximum). Cost
        O(n log n) time and O(n) memory; comparisons are exact (no tolerance).
    """
    arr = _as_utilities(u)
    n = arr.shape[1]
    u0, u1 = arr[0], arr[1]
    order = np.lexsort((-u1, -u0))  # the last key is the primary one
    s0, s1 = u0[order], u1[order]
    positions = np.arange(n)
    is_group_start = np.r_[True, s0[1:] != s0[:-1]]
    group_start = np.maximum.accumulate(np.where(is_group_start, positions, 0))
    running_best = np.maximum.accumulate(s1)
    # best u1 among outcomes with a strictly larger u0: the running maximum before the group
    best_before = np.where(group_start > 0, running_best[group_start - 1], -np.inf)
    efficient_sorted = (s1 == s1[group_start]) & (s1 > best_before)
    mask = np.empty(n, dtype=np.bool_)
    mask[order] = efficient_sorted
    return mask


def pareto_frontier(u: npt.ArrayLike) -> IntArray:
    """Indices of the Pareto-efficient outcomes, by the first party's utility ascending.

    Args:
        u: ``(2, n)`` utilities of every outcome for both parties.

    Returns:
        Indices of efficient outcomes sorted by ``u[0]`` ascending (duplicates by index). Along
        them ``u[1]`` never increases and strictly decreases between distinct utility pairs.
    """
    arr = _as_utilities(u)
    idx = np.flatnonzero(pareto_mask(arr))
    return idx[np.argsort(arr[0, idx], kind="stable")].astype(np.int64)


def nash_point(u: npt.ArrayLike, d: npt.ArrayLike, weight: float = 0.5) -> int | None:
    """The (generalised) Nash bargaining outcome over pure outcomes.

    Args:
        u: ``(2, n)`` utilities of every outcome for both parties.
        d: ``(2,)`` disagreement point.
        weight: Bargaining power ``alpha`` of the first party (row 0), in (0, 1); the second
            party's is ``1 - alpha``. ``0.5`` gives the symmetric Nash solution.

    Returns:
        Index of the outcome maximising the Nash product, or None if no outcome is individually
        rational (``u >= d`` for both parties).

    Raises:
        ValueError: If ``weight`` is not strictly between 0 and 1, or the inputs are malformed.

    Notes:
        Maximises ``(u_0 - d_0)^alpha (u_1 - d_1)^(1 - alpha)`` over outcomes that give both
        parties a strictly positive gain, computed as ``alpha log g_0 + (1 - alpha) log g_1`` so
        that tiny gains and large spaces neither underflow nor overflow. Ties (up to rounding)
        go to the lowest index.

        Degenerate case: if individually rational outcomes exist but none gives *both* parties a
        positive gain, the Nash product is zero on all of them. The function then returns the
        individually rational outcome with the largest weighted gain
        ``alpha g_0 + (1 - alpha) g_1``: it is Pareto-efficient, and it is the outcome that
        strong Pareto optimality selects when the rational set is a segment (for example the
        status quo alone, or deals that help one side at no cost to the other).

        On a finite set Nash's axioms need lotteries over outcomes; this is the argmax over pure
        outcomes (SCENARIO.md B2). With bargaining powers ``alpha_i`` proportional to ``1 / r_i``
        it is the limit of Rubinstein's alternating-offers equilibrium (SCENARIO.md B1).

    References:
        Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155-162.

        Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person bargaining.
        International Journal of Game Theory 6(3), 129-133.
    """
    if not 0.0 < weight < 1.0:
        raise ValueError(f"weight must lie strictly between 0 and 1, got {weight}")
    arr, point = _as_utilities(u), _as_point(d)
    rational = _individually_rational(arr, point)
    if rational.size == 0:
        return None
    gains = arr[:, rational] - point[:, None]
    powers = np.array([weight, 1.0 - weight])[:, None]
    positive = (gains > 0.0).all(axis=0)
    if positive.any():
        terms = powers * np.log(gains[:, positive])
        best = _first_near_max(terms.sum(axis=0), np.abs(terms).sum(axis=0))
        return int(rational[positive][best])
    terms = powers * gains
    return int(rational[_first_near_max(terms.sum(axis=0), np.abs(terms).sum(axis=0))])


def kalai_smorodinsky_point(
    u: npt.ArrayLike, d: npt.ArrayLike, ideal: Literal["rational", "all"] = "rational"
) -> int | None:
    """The Kalai–Smorodinsky outcome over pure outcomes.

    Args:
        u: ``(2, n)`` utilities of every outcome for both parties.
        d: ``(2,)`` disagreement point.
        ideal: Where each party's ideal utility is taken: ``"rational"`` (default, Kalai and
            Smorodinsky's definition) over the individually rational outcomes; ``"all"`` over
            every outcome, as NegMAS's ``ks_points`` does (its utility range), which differs when
            a party's best outcome is unacceptable to the other.

    Returns:
        Index of the individually rational outcome whose smaller normalised gain is largest, or
        None if no outcome is individually rational (``u >= d`` for both parties).

    Notes:
        With ``I`` the individually rational outcomes and the ideal point
        ``ideal_i = max_{o in I} u_i(o)``, the normalised gain is
        ``n_i(o) = (u_i(o) - d_i) / (ideal_i - d_i)``; the function maximises
        ``min_i n_i(o)``, breaks ties by the larger ``n_0(o) + n_1(o)`` (which keeps the answer
        Pareto-efficient), then by the lowest index. If a party cannot gain at all
        (``ideal_i = d_i``), every rational outcome already gives it its ideal and its
        normalised gain is 1.

        On a continuous frontier this is the efficient point where gains are proportional to
        ideal gains. On a finite set the axioms need lotteries over outcomes; this is the argmax
        over pure outcomes (SCENARIO.md B2).

    References:
        Kalai, E., and Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
        Econometrica 43(3), 513-518.
    """
    if ideal not in ("rational", "all"):
        raise ValueError(f"ideal must be 'rational' or 'all', got {ideal!r}")
    arr, point = _as_utilities(u), _as_point(d)
    rational = _individually_rational(arr, point)
    if rational.size == 0:
        return None
    gains = arr[:, rational] - point[:, None]
    space = gains if ideal == "rational" else arr - point[:, None]
    ideal_gain = space.max(axis=1, keepdims=True)
    normalised = np.divide(gains, ideal_gain, out=np.ones_like(gains), where=ideal_gain > 0.0)
    tied = np.flatnonzero(_near_max(normalised.min(axis=0), 1.0))
    best = tied[_first_near_max(normalised[:, tied].sum(axis=0), 2.0)]
    return int(rational[best])


def max_welfare_point(u: npt.ArrayLike) -> int:
    """The utilitarian outcome: largest sum of utilities, lowest index on ties.

    Args:
        u: ``(2, n)`` utilities of every outcome for both parties.

    Returns:
        Index of the outcome maximising ``u_0 + u_1``.

    Notes:
        Utilitarian welfare ``W(o) = u_0(o) + u_1(o)`` adds utilities on each party's own
        [0, 1] scale; it ignores the disagreement point (as NegMAS's ``max_welfare_points``
        does), so it can pick an outcome one party would veto. :func:`rational_max_welfare_point`
        is the variant that respects it.
    """
    arr = _as_utilities(u)
    return _first_near_max(arr.sum(axis=0), np.abs(arr).sum(axis=0))


def rational_max_welfare_point(u: npt.ArrayLike, d: npt.ArrayLike) -> int | None:
    """The utilitarian outcome among the individually rational ones (``u >= d`` for both).

    Args:
        u: ``(2, n)`` utilities of every outcome for both parties.
        d: ``(2,)`` disagreement point.

    Returns:
        Index of the individually rational outcome maximising ``u_0 + u_1`` (equivalently the
        summed gains over ``d``), lowest index on ties; None if no outcome is individually
        rational.

    Notes:
        A deal neither party would veto: ``argmax_{o : u(o) >= d} u_0(o) + u_1(o)``. It is
        Pareto-efficient within the rational set, and equals :func:`max_welfare_point` whenever
        the unrestricted maximum is itself rational.
    """
    arr, point = _as_utilities(u), _as_point(d)
    rational = _individually_rational(arr, point)
    if rational.size == 0:
        return None
    sub = arr[:, rational]
    return int(rational[_first_near_max(sub.sum(axis=0), np.abs(sub).sum(axis=0))])


def _check_points(points: npt.ArrayLike) -> FloatArray:
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"points must have shape (m, 2), got {pts.shape}")
    if not np.isfinite(pts).all():
        raise ValueError("points must be finite")
    return pts


def _distance_to(frontier_points: FloatArray, pts: FloatArray) -> FloatArray:
    if pts.shape[0] == 0:
        return np.zeros(0, dtype=np.float64)
    distance, _ = cKDTree(frontier_points).query(pts, k=1)
    return np.asarray(distance, dtype=np.float64)


def distance_to_frontier(points: npt.ArrayLike, u: npt.ArrayLike) -> FloatArray:
    """Euclidean distance from utility pairs to the nearest Pareto-efficient outcome.

    Args:
        points: ``(m, 2)`` utility pairs (one row per point, columns in party order).
        u: ``(2, n)`` utilities of every outcome for both parties.

    Returns:
        ``(m,)`` distances; 0 for a point that is itself an efficient outcome's utility pair.

    Notes:
        ``dist(p) = min_{o efficient} ||p - u(o)||_2``, by a k-d tree over the frontier:
        O(n log n) to build the frontier, O(m log k) for the queries (``k`` efficient outcomes).
        The frontier is the set of efficient pure outcomes, not the segments between them.
    """
    arr, pts = _as_utilities(u), _check_points(points)
    return _distance_to(arr[:, pareto_mask(arr)].T, pts)


class EfficiencySummary(TypedDict):
    """What :func:`efficiency_summary` returns (a plain dict at run time)."""

    n_agreed: int
    share_pareto_efficient: float
    mean_distance_to_frontier: float
    mean_distance_to_nash: float
    welfare_ratio: float
    nash_index: int | None
    nash_utilities: tuple[float, float]
    ks_index: int | None
    ks_utilities: tuple[float, float]
    max_welfare_index: int
    max_welfare_utilities: tuple[float, float]
    max_welfare: float


def _utilities_of(arr: FloatArray, index: int | None) -> tuple[float, float]:
    if index is None:
        return (float("nan"), float("nan"))
    return (float(arr[0, index]), float(arr[1, index]))


def efficiency_summary(
    u: npt.ArrayLike, d: npt.ArrayLike, agreed_outcomes: npt.ArrayLike, nash_weight: float = 0.5
) -> EfficiencySummary:
    """How efficient and how close to the bargaining benchmarks a set of agreements is.

    Args:
        u: ``(2, n)`` utilities of every outcome for both parties.
        d: ``(2,)`` disagreement point.
        agreed_outcomes: ``(m,)`` outcome indices of the agreements reached (one per replicate
            that agreed; leave out replicates without a deal).
        nash_weight: First party's bargaining power for the Nash point (see :func:`nash_point`).

    Returns:
        A dict with ``n_agreed``; ``share_pareto_efficient``; ``mean_distance_to_frontier`` and
        ``mean_distance_to_nash`` (Euclidean, in utility units); ``welfare_ratio``; and the index
        and utilities of the Nash, Kalai–Smorodinsky and max-welfare outcomes (``None`` and NaN
        utilities where a solution does not exist), plus ``max_welfare``. With no agreements
        the four metrics are NaN.

    Raises:
        ValueError: If an agreed index is not an integer in ``[0, n)`` or the inputs are
            malformed.

    Notes:
        ``welfare_ratio = mean_k W(o_k) / max_o W(o)`` with ``W = u_0 + u_1``; it is NaN when
        the maximum welfare is not positive (a ratio would be meaningless). The distance to the
        Nash point is NaN when no outcome is individually rational.

    References:
        Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155-162.

        Kalai, E., and Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
        Econometrica 43(3), 513-518.
    """
    arr = _as_utilities(u)
    agreed = np.asarray(agreed_outcomes)
    if agreed.ndim != 1:
        raise ValueError(f"agreed_outcomes must be one-dimensional, got shape {agreed.shape}")
    if agreed.size and not np.issubdtype(agreed.dtype, np.integer):
        raise ValueError(f"agreed_outcomes must hold integer indices, got {agreed.dtype}")
    agreed = agreed.astype(np.int64)
    n = arr.shape[1]
    if agreed.size and (agreed.min() < 0 or agreed.max() >= n):
        raise ValueError(f"agreed outcome indices must lie in [0, {n})")
    return efficiency_from_counts(arr, d, np.bincount(agreed, minlength=n), nash_weight)


def efficiency_from_counts(
    u: npt.ArrayLike, d: npt.ArrayLike, counts: npt.ArrayLike, nash_weight: float = 0.5
) -> EfficiencySummary:
    """:func:`efficiency_summary` from how often each outcome was agreed (``counts[i]``).

    The means are weighted by the counts, so a run's agreements can be tallied batch by batch
    (:mod:`sim.analysis.running`) and give the same figures whatever the batches.
    """
    arr, point = _as_utilities(u), _as_point(d)
    weights = np.asarray(counts, dtype=np.int64)
    if weights.shape != (arr.shape[1],) or (weights < 0).any():
        raise ValueError(f"counts must be {arr.shape[1]} non-negative integers")
    m = int(weights.sum())
    nash = nash_point(arr, point, weight=nash_weight)
    ks = kalai_smorodinsky_point(arr, point)
    best = max_welfare_point(arr)
    welfare = arr.sum(axis=0)
    max_welfare = float(welfare[best])
    nash_u = _utilities_of(arr, nash)
    nan = float("nan")
    share = distance = to_nash = ratio = nan
    if m:
        seen = np.flatnonzero(weights)  # the distinct agreements and how often each was struck
        w = weights[seen].astype(np.float64)
        mask = pareto_mask(arr)
        pts = arr[:, seen].T
        share = float(w @ mask[seen] / m)
        distance = float(w @ _distance_to(arr[:, mask].T, pts) / m)
        if nash is not None:
            to_nash = float(w @ np.hypot(*(pts - np.asarray(nash_u)).T) / m)
        if max_welfare > 0.0:
            ratio = float((w @ welfare[seen] / m) / max_welfare)
    return {
        "n_agreed": m,
        "share_pareto_efficient": share,
        "mean_distance_to_frontier": distance,
        "mean_distance_to_nash": to_nash,
        "welfare_ratio": ratio,
        "nash_index": nash,
        "nash_utilities": nash_u,
        "ks_index": ks,
        "ks_utilities": _utilities_of(arr, ks),
        "max_welfare_index": best,
        "max_welfare_utilities": _utilities_of(arr, best),
        "max_welfare": max_welfare,
    }
