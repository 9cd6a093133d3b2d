"""Every summary table of a run, computed from its outcome table (pure; no I/O, no plotting)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.bargaining import efficiency_summary
from sim.analysis.likelihood import deal_likelihoods, likelihoods_by_horizon
from sim.analysis.outcomes import (
    concessions_granted,
    final_tariffs,
    option_shares,
    track_politics,
)
from sim.domain.outcome_space import CompiledScenario


def track_efficiency(outcomes: pd.DataFrame, compiled: CompiledScenario) -> list[dict[str, Any]]:
    """Pareto and Nash figures of each (bilateral) track's agreements.

    Utilities are those of the two parties at the track, in the track's party order. The
    disagreement point is the status quo outcome; the frontier is that of the whole outcome
    space (conditional options included, whether or not their conditions emerged).
    """
    rows = []
    for track in compiled.tracks:
        rows_k = outcomes[(outcomes["track"] == track.name) & outcomes["agreed"]]
        agreed = rows_k["outcome"].to_numpy(dtype=np.int64)
        utilities = track.utilities[list(track.parties)]
        d = utilities[:, track.status_quo]
        parties = [compiled.party_names[p] for p in track.parties]
        summary = efficiency_summary(utilities, d, agreed)
        rows.append({"track": track.name, "parties": parties, **summary})
    return rows


def talks_end_shares(outcomes: pd.DataFrame) -> dict[str, float]:
    """Share of replicates by how the talks ended (deals on every track, a review, the horizon)."""
    per_replicate = outcomes.groupby("replicate")["talks_end"].first()
    shares = per_replicate.value_counts(normalize=True, sort=False)
    return {str(k): float(v) for k, v in shares.items()}


def summarise(outcomes: pd.DataFrame, compiled: CompiledScenario) -> dict[str, Any]:
    """Every summary table of a run (``summary.json`` less its header), as JSON-ready records."""
    shares = option_shares(outcomes, compiled.scenario)
    scenario = compiled.scenario
    horizons = [
        (d.isoformat(), w)
        for d, w in zip(scenario.review_dates, scenario.review_weeks, strict=True)
    ]
    by_horizon = likelihoods_by_horizon(outcomes, horizons)
    return {
        "n_weeks": compiled.n_weeks,
        "deadline_weeks": scenario.deadline_weeks,
        "tracks": {t.name: list(t.issues) for t in compiled.tracks},
        "efficiency": track_efficiency(outcomes, compiled),
        "deal_likelihood": deal_likelihoods(outcomes).to_dict(orient="records"),
        "deal_likelihood_by_horizon": by_horizon.to_dict(orient="records"),
        "talks_end": talks_end_shares(outcomes),
        "final_tariffs": final_tariffs(shares, outcomes).to_dict(orient="records"),
        "concessions_granted": concessions_granted(shares).to_dict(orient="records"),
        "option_shares": shares.to_dict(orient="records"),
        "politics": track_politics(outcomes).to_dict(orient="records"),
    }
