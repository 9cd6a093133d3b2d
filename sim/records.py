"""The model's per-(track, replicate) outcome records, as plain numpy columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import NegotiationModel


def outcome_columns(model: NegotiationModel) -> dict[str, np.ndarray]:
    """One record per (track, replicate), track-major, as columns of equal length.

    Columns: ``replicate``, ``track`` (index), ``agreed``, ``agreement_week`` (-1 if none),
    ``outcome`` (the agreed outcome, or the status quo), ``ratification_attempts``,
    ``ratification_failures``, ``weeks_suspended``, ``escalations``, per party ``utility_<p>``,
    ``discounted_utility_<p>`` (``u * delta**t`` for a deal in week ``t``),
    ``reservation_<p>`` (final), ``initial_reservation_<p>`` and ``pressure_drift_<p>``, and per
    condition ``condition_week_<c>`` (first week it holds; ``n_weeks`` = not before the deadline).
    """
    compiled = model.compiled
    n_tracks, n_reps = model.agreed_outcome.shape
    agreed = model.agreed_outcome >= 0
    sq = np.array([t.status_quo for t in compiled.tracks], dtype=np.int64)
    outcome = np.where(agreed, model.agreed_outcome, sq[:, None])

    def per_replicate(a: np.ndarray) -> np.ndarray:
        return np.tile(a, n_tracks)

    def per_track(a: np.ndarray) -> np.ndarray:  # (R, T) -> track-major
        return a.T.ravel()

    cols: dict[str, np.ndarray] = {
        "replicate": per_replicate(model.replicates),
        "track": np.repeat(np.arange(n_tracks, dtype=np.int64), n_reps),
        "agreed": agreed.ravel(),
        "agreement_week": model.agreement_week.ravel(),
        "outcome": outcome.ravel(),
        "ratification_attempts": model.ratification_attempts.ravel(),
        "ratification_failures": model.ratification_failures.ravel(),
        "weeks_suspended": per_replicate(model.weeks_suspended),
        "escalations": per_replicate(model.escalations),
    }
    final_reservation = model.reservation
    for p, name in enumerate(compiled.party_names):
        util = np.stack([t.utilities[p, outcome[k]] for k, t in enumerate(compiled.tracks)])
        cols[f"utility_{name}"] = util.ravel()
        # a deal in week t is worth u * delta**t; the status quo is not a delayed payoff
        delay = np.where(agreed, model.agreement_week, 0)
        cols[f"discounted_utility_{name}"] = (util * model.discounts.get(p, 1.0) ** delay).ravel()
        cols[f"reservation_{name}"] = per_track(final_reservation[:, p, :])
        cols[f"initial_reservation_{name}"] = per_track(model.initial_reservation[:, p, :])
        cols[f"pressure_drift_{name}"] = per_track(model.pressure_drift[:, p, :])
    for c, cond in enumerate(compiled.scenario.politics.conditions):
        cols[f"condition_week_{cond.name}"] = per_replicate(model.condition_week[:, c])
    return cols
