"""Kalai–Smorodinsky's ideal point and maximum welfare, in the two definitions the docs compare.

Closed forms on a linear frontier ``u_1 = 1 - u_0`` with disagreement point ``d = (d_0, d_1)``:

* ideal over the individually rational outcomes (Kalai and Smorodinsky 1975, the default):
  ``ideal = (1 - d_1, 1 - d_0)``, so equal normalised gains give ``u_0 = (1 + d_0 - d_1) / 2``;
* ideal over all outcomes (NegMAS's ``ks_points``): ``ideal = (1, 1)``, and
  ``(u_0 - d_0) / (1 - d_0) = (1 - u_0 - d_1) / (1 - d_1)`` gives
  ``u_0 = (1 - d_1) / (2 - d_0 - d_1)`` (cross-multiplied: the ``d_0 d_1`` terms cancel).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis.bargaining import (
    kalai_smorodinsky_point,
    max_welfare_point,
    rational_max_welfare_point,
)

STEP = 1e-4


def linear_frontier() -> np.ndarray:
    x = np.arange(0, 10_001) * STEP
    return np.vstack([x, 1.0 - x])


def ks_rational_closed_form(d0: float, d1: float) -> float:
    return (1.0 + d0 - d1) / 2.0


def ks_all_closed_form(d0: float, d1: float) -> float:
    return (1.0 - d1) / (2.0 - d0 - d1)


@pytest.mark.parametrize(("d0", "d1"), [(0.2, 0.1), (0.0, 0.0), (0.4, 0.1), (0.05, 0.5)])
def test_ks_with_ideal_over_rational_outcomes_matches_its_closed_form(d0, d1):
    u = linear_frontier()
    best = kalai_smorodinsky_point(u, [d0, d1])
    assert best is not None
    assert u[0, best] == pytest.approx(ks_rational_closed_form(d0, d1), abs=STEP)


@pytest.mark.parametrize(("d0", "d1"), [(0.2, 0.1), (0.4, 0.1), (0.05, 0.5)])
def test_ks_with_ideal_over_all_outcomes_matches_negmas_style_closed_form(d0, d1):
    u = linear_frontier()
    best = kalai_smorodinsky_point(u, [d0, d1], ideal="all")
    assert best is not None
    assert u[0, best] == pytest.approx(ks_all_closed_form(d0, d1), abs=STEP)
    # the two definitions differ whenever the disagreement point is asymmetric
    rational = kalai_smorodinsky_point(u, [d0, d1])
    assert rational is not None
    assert abs(u[0, best] - u[0, rational]) > STEP


def test_ks_definitions_agree_with_a_symmetric_disagreement_point():
    u = linear_frontier()
    assert kalai_smorodinsky_point(u, [0.1, 0.1]) == kalai_smorodinsky_point(
        u, [0.1, 0.1], ideal="all"
    )


def test_ks_rejects_an_unknown_ideal():
    with pytest.raises(ValueError, match="ideal"):
        kalai_smorodinsky_point(linear_frontier(), [0.0, 0.0], ideal="best")  # type: ignore[arg-type]


def test_rational_max_welfare_skips_an_outcome_one_party_would_veto():
    u = np.array([[1.0, 0.5, 0.4], [0.2, 0.6, 0.5]])  # welfare 1.2, 1.1, 0.9
    d = [0.3, 0.3]
    assert max_welfare_point(u) == 0  # ignores d: party 1 gets 0.2 < 0.3
    assert rational_max_welfare_point(u, d) == 1


def test_rational_max_welfare_equals_max_welfare_when_the_maximum_is_rational():
    u = np.array([[0.9, 0.5, 0.4], [0.6, 0.6, 0.5]])
    assert rational_max_welfare_point(u, [0.2, 0.2]) == max_welfare_point(u) == 0


def test_rational_max_welfare_is_none_without_a_rational_outcome():
    u = np.array([[0.1, 0.2], [0.2, 0.1]])
    assert rational_max_welfare_point(u, [0.5, 0.5]) is None
