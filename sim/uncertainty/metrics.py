"""What a design point reports: per track, the deal likelihood and the mean final U.S. tariff.

``deal.<track>`` is the share of replicates with an agreement on the track (``deal.any``: on at
least one); ``tariff.<track>`` is the replicate mean of the track's final effective U.S. tariff
rates (the mean over its tariff issues; the status quo, or the escalated rate, without a deal).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.config.schema import IssueKind, RunConfig


def tariff_issues(cfg: RunConfig) -> list[str]:
    """The scenario's U.S. tariff issues (kind ``tariff``)."""
    return [k for k, issue in cfg.scenario.issues.items() if issue.kind == IssueKind.tariff]


def point_metrics(outcomes: pd.DataFrame, cfg: RunConfig) -> dict[str, float]:
    """Deal likelihood and mean final tariff per track from one point's outcome table."""
    out: dict[str, float] = {}
    by_replicate = outcomes.groupby("replicate", sort=False)["agreed"].any()
    out["deal.any"] = float(by_replicate.mean())
    rate_columns = [f"rate_{k}" for k in tariff_issues(cfg) if f"rate_{k}" in outcomes]
    for track, rows in outcomes.groupby("track", sort=False, observed=True):
        out[f"deal.{track}"] = float(rows["agreed"].mean())
        rates = rows[rate_columns].dropna(axis=1, how="all")
        if rates.shape[1]:
            out[f"tariff.{track}"] = float(np.nanmean(rates.to_numpy(dtype=np.float64)))
    return out
