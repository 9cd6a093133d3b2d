"""Out-of-sample scores and predictive deal likelihoods by horizon (prior against posterior).

For an observed event ``k`` with predictive probability ``p_k`` (the mean over parameter draws
of the share of replicates consistent with it), the log score is ``log p_k`` (higher is better;
Good 1952) and the Brier score ``(1 - p_k)^2`` (lower is better; Brier 1950), both proper
(Gneiting and Raftery 2007). ``p_k`` is floored at ``1 / (2 n)`` (``n`` replicates per draw) so a
never-seen event scores finitely.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.config.schema import RunConfig
from sim.uncertainty.observations import ObservationSet, statistics

#: Columns of :func:`score_table`.
SCORE_COLUMNS = ("observation", "which", "probability", "log_score", "brier")


@dataclass(frozen=True)
class ForecastReader:
    """Per point: the post-start observations' shares and deal likelihoods by horizon dates."""

    observations: ObservationSet
    horizons: tuple[str, ...]

    def __call__(self, outcomes: pd.DataFrame, cfg: RunConfig) -> dict[str, float]:
        """Read one point's outcome table."""
        out = {f"obs.{k}": v for k, v in statistics(outcomes, self.observations).items()}
        agreed = outcomes["agreed"].to_numpy()
        dates = outcomes["agreement_date"]
        for horizon in self.horizons:
            by = agreed & (dates < pd.Timestamp(dt.date.fromisoformat(horizon))).to_numpy()
            frame = outcomes.assign(_by=by)
            for track, rows in frame.groupby("track", sort=False, observed=True):
                out[f"deal.{track}@{horizon}"] = float(rows["_by"].mean())
        return out


def score_table(
    forecasts: dict[str, pd.DataFrame], ids: Sequence[str], n_replicates: int
) -> pd.DataFrame:
    """Log and Brier scores of each observation and their sums, per set of draws (prior, ...)."""
    floor = 1.0 / (2.0 * n_replicates)
    rows = []
    for which, table in forecasts.items():
        for obs_id in ids:
            p = float(table[f"obs.{obs_id}"].mean())
            q = max(p, floor)
            rows.append((obs_id, which, p, float(np.log(q)), (1.0 - p) ** 2))
    frame = pd.DataFrame(rows, columns=list(SCORE_COLUMNS))
    totals = frame.groupby("which", sort=False)[["log_score", "brier"]].sum().reset_index()
    totals.insert(0, "observation", "total")
    totals.insert(2, "probability", np.nan)
    return pd.concat([frame, totals], ignore_index=True)


def horizon_table(forecasts: dict[str, pd.DataFrame], level: float = 0.9) -> pd.DataFrame:
    """Mean and central interval over draws of each track's deal likelihood by each horizon."""
    tail = (1 - level) / 2
    rows = []
    for which, table in forecasts.items():
        for column in [c for c in table.columns if c.startswith("deal.") and "@" in c]:
            track, horizon = column.removeprefix("deal.").split("@")
            p = table[column].to_numpy(dtype=np.float64)
            rows.append(
                {
                    "track": track,
                    "horizon": horizon,
                    "which": which,
                    "mean": float(p.mean()),
                    "low": float(np.quantile(p, tail)),
                    "high": float(np.quantile(p, 1 - tail)),
                }
            )
    return pd.DataFrame(rows)
