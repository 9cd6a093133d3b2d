"""Deal likelihoods with two intervals: Monte Carlo (fixed parameters) and parameter (predictive).

The Monte Carlo interval is the Wilson interval of the run at the scenario's values (what every
run reports). The parameter interval draws ``K`` parameter sets from the priors, simulates each
with the same seed (common random numbers) and ``n`` replicates, and takes the central quantiles
of the per-draw likelihoods ``p_k``: the spread a reader should expect from what the assumptions
leave open. ``mc_share = mean_k p_k (1 - p_k) / n / var_k(p_k)`` is the part of that spread that
is Monte Carlo noise (small means the interval is about the parameters, not about ``n``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.likelihood import proportion_interval

#: Columns of :func:`predictive_table`.
PREDICTIVE_COLUMNS = (
    "output",
    "base",
    "mc_low",
    "mc_high",
    "predictive_mean",
    "param_low",
    "param_high",
    "mean_low",
    "mean_high",
    "mc_share",
    "n_draws",
)


def predictive_table(
    base: dict[str, float],
    draws: pd.DataFrame,
    n_replicates: int,
    level: float = 0.95,
) -> pd.DataFrame:
    """One row per deal-likelihood output.

    Args:
        base: Metrics at the scenario's values (``deal.<track>`` shares).
        draws: One row per prior draw, the same metric columns.
        n_replicates: Replicates behind each share.
        level: Interval level.

    Returns:
        :data:`PREDICTIVE_COLUMNS`: the base share and its Wilson interval, the mean over draws,
        the parameter interval (quantiles of the per-draw shares), an interval for that mean
        (normal, ``sd / sqrt(K)``) and ``mc_share``.
    """
    tail = (1.0 - level) / 2.0
    z = float(stats.norm.ppf(1.0 - tail))
    rows = []
    for output in [c for c in draws.columns if c.startswith("deal.")]:
        p = draws[output].to_numpy(dtype=np.float64)
        k = p.size
        successes = round(base[output] * n_replicates)
        mc_low, mc_high = proportion_interval(successes, n_replicates, level)
        var = float(np.var(p, ddof=1)) if k > 1 else 0.0
        noise = float(np.mean(p * (1 - p)) / n_replicates)
        half = z * np.sqrt(var / k) if k > 1 else float("nan")
        rows.append(
            {
                "output": output,
                "base": base[output],
                "mc_low": mc_low,
                "mc_high": mc_high,
                "predictive_mean": float(p.mean()),
                "param_low": float(np.quantile(p, tail)),
                "param_high": float(np.quantile(p, 1 - tail)),
                "mean_low": float(p.mean() - half),
                "mean_high": float(p.mean() + half),
                "mc_share": min(noise / var, 1.0) if var > 0 else 1.0,
                "n_draws": k,
            }
        )
    return pd.DataFrame(rows, columns=list(PREDICTIVE_COLUMNS))
