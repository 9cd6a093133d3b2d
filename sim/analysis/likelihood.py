"""Deal likelihoods with binomial confidence intervals, per track and overall."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

#: Label of the pseudo-track "every track concluded" in summaries.
ALL_TRACKS = "all_tracks"


def proportion_interval(
    successes: int, trials: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (``scipy.stats.binomtest``).

    Notes:
        The Wilson interval keeps good coverage near 0 and 1, where deal likelihoods often sit,
        unlike the normal (Wald) interval.

    References:
        Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
        inference. JASA 22(158), 209-212.
    """
    if trials == 0:
        return (float("nan"), float("nan"))
    ci = stats.binomtest(successes, trials).proportion_ci(
        confidence_level=confidence, method="wilson"
    )
    return (float(ci.low), float(ci.high))


def _track_row(
    name: str, agreed: np.ndarray, weeks: pd.Series, confidence: float
) -> dict[str, Any]:
    n, k = int(agreed.size), int(agreed.sum())
    low, high = proportion_interval(k, n, confidence)
    deal_weeks = weeks.dropna().astype(float)
    return {
        "track": name,
        "n_replicates": n,
        "n_agreed": k,
        "deal_likelihood": k / n if n else float("nan"),
        "ci_low": low,
        "ci_high": high,
        "mean_agreement_week": float(deal_weeks.mean()) if k else float("nan"),
        "median_agreement_week": float(deal_weeks.median()) if k else float("nan"),
    }


def deal_likelihoods(outcomes: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Deal likelihood per track with its interval, plus the likelihood that every track closes.

    Args:
        outcomes: The outcome table (one row per replicate and track).
        confidence: Confidence level of the intervals.

    Returns:
        One row per track and a final ``all_tracks`` row.
    """
    rows = []
    for name, group in outcomes.groupby("track", observed=True, sort=False):
        rows.append(
            _track_row(str(name), group["agreed"].to_numpy(), group["agreement_week"], confidence)
        )
    all_agreed = outcomes.groupby("replicate")["agreed"].all()
    last_week = outcomes.groupby("replicate")["agreement_week"].max().where(all_agreed)
    rows.append(_track_row(ALL_TRACKS, all_agreed.to_numpy(), last_week, confidence))
    return pd.DataFrame(rows)


def likelihoods_by_horizon(
    outcomes: pd.DataFrame, horizons: list[tuple[str, int]], confidence: float = 0.95
) -> pd.DataFrame:
    """Deal likelihood per track (and for every track) by each horizon, with intervals.

    Args:
        outcomes: The outcome table.
        horizons: ``(label, weeks)`` pairs: a deal counts by a horizon if it was ratified in one
            of its first ``weeks`` weeks (week index < ``weeks``).
        confidence: Confidence level of the intervals.

    Returns:
        One row per (track, horizon), tracks in table order then ``all_tracks``.
    """
    rows = []
    week = outcomes["agreement_week"].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
    for label, weeks in horizons:
        by = outcomes.assign(_by=week < weeks)
        groups = [(str(n), g["_by"].to_numpy()) for n, g in by.groupby("track", observed=True)]
        groups.append((ALL_TRACKS, by.groupby("replicate")["_by"].all().to_numpy()))
        for name, agreed in groups:
            n, k = int(agreed.size), int(agreed.sum())
            low, high = proportion_interval(k, n, confidence)
            rows.append(
                {
                    "track": name,
                    "horizon": label,
                    "weeks": int(weeks),
                    "deal_likelihood": k / n if n else float("nan"),
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pd.DataFrame(rows)
