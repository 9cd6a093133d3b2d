"""The bucketed count of outcomes at or above a target equals the binary search it replaces."""

from __future__ import annotations

import numpy as np
import pytest

from sim.domain.ranking import MAX_SHARED, SMALL, AtOrAboveCounter

EPS = 1e-12


def searched(ascending: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The reference: ``max(n - searchsorted(a, x - eps, 'left'), 1)``."""
    below = np.searchsorted(ascending, target - EPS, side="left")
    return np.maximum(ascending.size - below, 1).astype(np.int64)


def hard_targets(ascending: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Targets on, just below and above every utility (and its eps-shifted edge), and outside."""
    edges = np.concatenate([ascending, ascending + EPS])
    near = [edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf)]
    return np.concatenate([*near, rng.uniform(-0.5, 1.5, 2_000), [-1e9, 1e9, 0.0, 1.0]])


@pytest.mark.parametrize("n", [1, 2, 4, 5, 16, 100, 1_000])
@pytest.mark.parametrize("decimals", [None, 2, 1])  # None: distinct; 2 or 1: many ties
def test_count_equals_binary_search(n: int, decimals: int | None) -> None:
    rng = np.random.default_rng(n)
    utilities = rng.random(n)
    if decimals is not None:
        utilities = np.round(utilities, decimals)
    ascending = np.sort(utilities)
    targets = hard_targets(ascending, rng)
    counted = AtOrAboveCounter(ascending).count(targets, EPS)
    assert counted.dtype == np.int64
    np.testing.assert_array_equal(counted, searched(ascending, targets))


def test_a_few_targets_are_counted_alike() -> None:
    """Fewer targets than ``SMALL`` take the binary search: the same counts."""
    ascending = np.sort(np.round(np.random.default_rng(1).random(40), 2))
    counter = AtOrAboveCounter(ascending)
    targets = np.r_[ascending[: SMALL // 4], -1.0, 2.0]
    assert targets.size < SMALL
    np.testing.assert_array_equal(counter.count(targets, EPS), searched(ascending, targets))


def test_a_table_of_equal_utilities_counts_all_or_one() -> None:
    ascending = np.full(5, 0.5)
    edges = np.array([0.0, 0.5, 0.5 + EPS, np.nextafter(0.5 + EPS, 1.0), 1.0])
    targets = np.tile(edges, SMALL)  # enough targets for the buckets to answer
    counted = AtOrAboveCounter(ascending).count(targets, EPS)
    np.testing.assert_array_equal(counted, searched(ascending, targets))
    assert counted[: edges.size].tolist() == [5, 5, 5, 1, 1]


def test_many_ties_in_a_bucket_fall_back_to_the_binary_search() -> None:
    ascending = np.sort(np.r_[np.full(MAX_SHARED + 1, 0.25), np.linspace(0.3, 1.0, 10)])
    counter = AtOrAboveCounter(ascending)
    assert not counter.bucketed
    targets = hard_targets(ascending, np.random.default_rng(0))
    np.testing.assert_array_equal(counter.count(targets, EPS), searched(ascending, targets))
