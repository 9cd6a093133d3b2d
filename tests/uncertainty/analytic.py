"""Analytic test functions run through the same design and analysis code as the model."""

from __future__ import annotations

import math
from collections.abc import Sequence

A, B = 7.0, 0.1


def ishigami(values: Sequence[float]) -> dict[str, float]:
    """Ishigami and Homma (1990): sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3."""
    x1, x2, x3 = values
    return {"y": math.sin(x1) + A * math.sin(x2) ** 2 + B * x3**4 * math.sin(x1)}


def ishigami_indices() -> tuple[list[float], list[float]]:
    """Closed-form first-order and total Sobol' indices of :func:`ishigami`."""
    v1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * math.pi**8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    return [v1 / var, v2 / var, 0.0], [(v1 + v13) / var, v2 / var, v13 / var]
