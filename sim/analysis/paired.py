"""Paired comparisons under common random numbers: the same replicates, two configurations.

Replicate i of two runs with the same seed shares every random draw that both configurations
make (:mod:`sim.engine.streams`), so the per-replicate difference of a metric isolates the
effect of what differs. Its mean gets a normal-approximation interval from the differences'
standard error, which is far narrower than comparing two independent intervals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

FloatArray = npt.NDArray[np.float64]


def paired_difference(
    treated: npt.ArrayLike, baseline: npt.ArrayLike, confidence: float = 0.95
) -> dict[str, Any]:
    """Mean of ``treated - baseline`` over paired replicates, with its interval.

    Returns:
        ``mean``, ``ci_low``, ``ci_high``, ``n`` (pairs) and ``n_changed`` (pairs that differ).
    """
    a, b = np.asarray(treated, dtype=float), np.asarray(baseline, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"paired metrics need equal 1-d shapes, got {a.shape} and {b.shape}")
    d = a - b
    n = d.size
    mean = float(d.mean()) if n else float("nan")
    se = float(d.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    return {
        "mean": mean,
        "ci_low": mean - z * se,
        "ci_high": mean + z * se,
        "n": int(n),
        "n_changed": int((d != 0).sum()),
    }


def track_metric(outcomes: pd.DataFrame, track: str, column: str) -> FloatArray:
    """One value per replicate (in replicate order) of ``column`` on ``track``."""
    rows = outcomes[outcomes["track"] == track].sort_values("replicate")
    return rows[column].to_numpy(dtype=float)


def deal_by(outcomes: pd.DataFrame, track: str, weeks: int) -> FloatArray:
    """Per replicate, 1.0 if ``track`` closed with a deal in its first ``weeks`` weeks."""
    rows = outcomes[outcomes["track"] == track].sort_values("replicate")
    week = rows["agreement_week"].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
    return (week < weeks).astype(float)


def time_to_deal(outcomes: pd.DataFrame, track: str, censor: int) -> FloatArray:
    """Per replicate, the deal's week on ``track``, or ``censor`` if none came before it."""
    rows = outcomes[outcomes["track"] == track].sort_values("replicate")
    week = rows["agreement_week"].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
    return np.minimum(week, censor)


def final_tenth_share(outcomes: pd.DataFrame) -> float:
    """Share of deals struck in the final 10 % of each replicate's time to its deadline week.

    The time of a replicate runs from week 0 to its ``deadline_week`` (drawn per replicate with
    a stochastic deadline), so a deal at week ``w`` is in the final tenth if
    ``w >= 0.9 * deadline_week``; deals after the deadline are left out.
    """
    deals = outcomes[outcomes["agreed"]]
    week = deals["agreement_week"].astype(float).to_numpy()
    end = deals["deadline_week"].to_numpy(dtype=float)
    before = week <= end
    if not before.any():
        return float("nan")
    return float((week[before] >= 0.9 * end[before]).mean())
