"""Summaries of an outcome table: final tariffs, concessions granted, politics, deals over time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.domain.scenario import Scenario


def option_shares(outcomes: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Share of replicates ending at each option of each issue (status quo where no deal).

    An issue negotiated on no track (e.g. a linked issue with linkage off) stays at its status quo.

    Returns:
        Columns ``issue``, ``kind``, ``option``, ``is_status_quo``, ``share``, ``rate``.
    """
    per_replicate = outcomes.groupby("replicate", observed=True).first()  # one row per replicate
    rows = []
    for name, issue in scenario.issues.items():
        col = f"option_{name}"
        # the option columns are missing on tracks that do not carry the issue: take the non-NA one
        final = outcomes.dropna(subset=[col]).groupby("replicate", observed=True)[col].first()
        final = final.reindex(per_replicate.index).astype(object).fillna(issue.status_quo)
        counts = final.value_counts(normalize=True)
        for option in issue.options:
            rows.append(
                {
                    "issue": name,
                    "kind": issue.kind,
                    "option": option,
                    "is_status_quo": option == issue.status_quo,
                    "share": float(counts.get(option, 0.0)),
                    "rate": issue.rates.get(option, np.nan),
                }
            )
    return pd.DataFrame(rows)


def final_tariffs(shares: pd.DataFrame, outcomes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Mean final tariff rate per tariff issue (over replicates; status quo where no deal).

    With the outcome table, the rate in force is read from its ``rate_<issue>`` column, which
    includes the escalations met where no deal was struck; an issue on no track (or no table)
    is priced from its option shares.
    """
    rated = shares[shares["rate"].notna() & (shares["kind"] == "tariff")]
    mean = (rated["share"] * rated["rate"]).groupby(rated["issue"], sort=False).sum()
    for issue in mean.index:
        col = f"rate_{issue}"
        if outcomes is not None and col in outcomes and outcomes[col].notna().any():
            per_replicate = outcomes.dropna(subset=[col]).groupby("replicate")[col].first()
            mean[issue] = float(per_replicate.mean())
    sq = rated[rated["is_status_quo"]].set_index("issue")["rate"]
    return pd.DataFrame(
        {
            "issue": mean.index,
            "mean_final_rate": mean.to_numpy(),
            "status_quo_rate": sq[mean.index].to_numpy(),
        }
    )


def concessions_granted(shares: pd.DataFrame) -> pd.DataFrame:
    """Share of replicates in which each concession or counter-tariff moved off its status quo."""
    chips = shares[shares["kind"].isin(["concession", "counter_tariff"])]
    granted = chips[~chips["is_status_quo"]].groupby("issue", sort=False)["share"].sum()
    return pd.DataFrame({"issue": granted.index, "share_granted": granted.to_numpy()})


def track_politics(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per track: mean ratification attempts and failures, share of deals needing a retry."""
    g = outcomes.groupby("track", observed=True, sort=False)
    return pd.DataFrame(
        {
            "mean_ratification_attempts": g["ratification_attempts"].mean(),
            "mean_ratification_failures": g["ratification_failures"].mean(),
            "share_with_failed_ratification": g["ratification_failures"].apply(
                lambda s: float((s > 0).mean())
            ),
            "mean_weeks_suspended": g["weeks_suspended"].mean(),
            "mean_escalations": g["escalations"].mean(),
        }
    ).reset_index()


def cumulative_deals(outcomes: pd.DataFrame, n_weeks: int) -> pd.DataFrame:
    """Deal likelihood per track by each week: share of replicates agreed at or before week t."""
    weeks = np.arange(n_weeks)
    rows = {}
    for track, group in outcomes.groupby("track", observed=True, sort=False):
        w = group["agreement_week"].dropna().to_numpy(dtype=np.int64)
        counts = np.bincount(w, minlength=n_weeks)[:n_weeks]
        rows[str(track)] = np.cumsum(counts) / max(len(group), 1)
    return pd.DataFrame(rows, index=pd.Index(weeks, name="week"))
