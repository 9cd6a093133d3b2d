"""A batch's per-(track, replicate) outcome records, as plain numpy columns.

The labelled table (:mod:`sim.runs.schema`) is built from these columns.
"""

from __future__ import annotations

import numpy as np

from sim.domain.outcome_space import CompiledScenario
from sim.engine.state import BatchState


def outcome_columns(
    compiled: CompiledScenario,
    state: BatchState,
    discounts: dict[int, float],
    escalation_slope: np.ndarray,
) -> dict[str, np.ndarray]:
    """One record per (track, replicate), track-major, as columns of equal length.

    Columns: ``replicate``, ``track`` (index), ``agreed``, ``agreement_week`` (-1 if none),
    ``outcome`` (the agreed outcome, or the status quo), ``ratification_attempts``,
    ``ratification_failures``, ``weeks_suspended``, ``escalations``, per party ``utility_<p>``,
    ``discounted_utility_<p>`` (``u * delta**t`` for a deal in week ``t``),
    ``reservation_<p>`` (final), ``initial_reservation_<p>``, ``pressure_drift_<p>``,
    ``delay_cost_<p>`` (cost of the weeks at the status quo), ``extra_rate_<p>`` (escalation of
    the tariffs it pays), ``net_utility_<p>`` (utility less the delay cost and, with no deal, the
    escalated status quo's loss ``S * extra_rate``), per replicate ``talks_end_week``,
    ``talks_end_cause`` and ``deadline_week`` (the week the first review decides), per track
    ``terminated``, and per condition ``condition_week_<c>``
    (first week it holds; ``n_weeks`` = not within the horizon).
    """
    n_reps, n_tracks = state.agreed_outcome.shape
    agreed = state.agreed_outcome >= 0
    sq = np.array([t.status_quo for t in compiled.tracks], dtype=np.int64)
    outcome = np.where(agreed, state.agreed_outcome, sq[None, :])  # (R, T)

    def per_replicate(a: np.ndarray) -> np.ndarray:  # (R,) -> one per (track, replicate)
        return np.tile(a, n_tracks)

    def per_track(a: np.ndarray) -> np.ndarray:  # (R, T) -> track-major
        return a.T.ravel()

    cols: dict[str, np.ndarray] = {
        "replicate": per_replicate(state.replicates),
        "track": np.repeat(np.arange(n_tracks, dtype=np.int64), n_reps),
        "agreed": per_track(agreed),
        "agreement_week": per_track(state.agreement_week),
        "outcome": per_track(outcome),
        "ratification_attempts": per_track(state.ratification_attempts),
        "ratification_failures": per_track(state.ratification_failures),
        "weeks_suspended": per_track(state.weeks_suspended),
        "escalations": per_replicate(state.escalations),
        "terminated": per_track(state.terminated & ~agreed),
        "talks_end_week": per_replicate(state.talks_end_week),
        "deadline_week": per_replicate(state.first_review_week),
        "talks_end_cause": per_replicate(state.talks_end_cause),
    }
    # a deal in week t is worth u * delta**t; the status quo is not a delayed payoff
    delay = np.where(agreed, state.agreement_week, 0)
    for p, name in enumerate(compiled.party_names):
        util = np.stack(
            [t.utilities[p, outcome[:, k]] for k, t in enumerate(compiled.tracks)], axis=1
        )
        cols[f"utility_{name}"] = per_track(util)
        cols[f"discounted_utility_{name}"] = per_track(util * discounts.get(p, 1.0) ** delay)
        cols[f"reservation_{name}"] = per_track(state.reservation[:, p, :])
        cols[f"initial_reservation_{name}"] = per_track(state.initial_reservation[:, p, :])
        cols[f"pressure_drift_{name}"] = per_track(state.pressure_drift[:, p, :])
        cost, extra = state.delay_cost[:, p, :], state.extra_rate[:, p, :]
        loss = np.where(agreed, 0.0, escalation_slope[p][None, :] * extra)
        cols[f"delay_cost_{name}"] = per_track(cost)
        cols[f"extra_rate_{name}"] = per_track(extra)
        cols[f"net_utility_{name}"] = per_track(util - cost - loss)
    for c, cond in enumerate(compiled.scenario.politics.conditions):
        cols[f"condition_week_{cond.name}"] = per_replicate(state.condition_week[:, c])
    return cols
