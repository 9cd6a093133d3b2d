"""Compiled outcome spaces: every track's outcomes and each party's utility of each (pure numpy).

:func:`compile_scenario` turns a :class:`~sim.domain.scenario.Scenario`, once per run, into a
:class:`CompiledScenario`: for every track the enumerated outcome space (every combination of the
track's issue options) and each party's utility of every outcome, plus the index tables that make
an offer a lookup instead of a scan (a bucketed count, :mod:`sim.domain.ranking`, or a
``searchsorted``). All arrays are read-only and shared by every batch.

Utility is linear additive within a track: ``u_p(o) = sum_i w_pi * v_pi(o_i) / sum_i w_pi`` over
the track's issues, so every track's utilities lie in [0, 1]. A party that is not at a track (and
weighs none of its issues) is indifferent: every outcome is worth 0.5 to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from sim.domain.ranking import AtOrAboveCounter
from sim.domain.scenario import Issue, Party, Scenario, Track

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _readonly[T: np.generic](a: npt.NDArray[T]) -> npt.NDArray[T]:
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class CompiledTrack:
    """One track's outcome space and utility tables.

    Attributes:
        name: Track name.
        issues: Issue names, in column order of ``outcomes``.
        parties: Indices of the two parties at the track (rows of ``utilities``).
        outcomes: ``(n_outcomes, n_issues)`` option index of each issue in each outcome.
        utilities: ``(n_parties, n_outcomes)`` utility of each outcome for each party.
        status_quo: Index of the all-status-quo outcome (the disagreement outcome).
        order_desc: ``(n_parties, n_outcomes)`` outcomes sorted by the party's utility, best first.
        sorted_desc: ``(n_parties, n_outcomes)`` the party's utilities in that order.
    """

    name: str
    issues: tuple[str, ...]
    parties: tuple[int, int]
    outcomes: IntArray
    utilities: FloatArray
    status_quo: int
    order_desc: IntArray
    sorted_desc: FloatArray

    @property
    def n_outcomes(self) -> int:
        """Size of the outcome space."""
        return int(self.outcomes.shape[0])

    @cached_property
    def sorted_asc(self) -> FloatArray:
        """``(n_parties, n_ranked)`` :attr:`sorted_desc` reversed, C-contiguous (read-only).

        What ``searchsorted`` needs: given the reversed view ``sorted_desc[p, ::-1]`` it copies
        the whole ranking on every call (46,656 doubles on workload 2's track).
        """
        return _readonly(np.ascontiguousarray(self.sorted_desc[:, ::-1]))

    @cached_property
    def at_or_above(self) -> tuple[AtOrAboveCounter, ...]:
        """Per party, the count of its ranked outcomes worth at least a target (offers)."""
        return tuple(AtOrAboveCounter(row) for row in self.sorted_asc)

    def best_for_opponent(self, party: int, opponent: int) -> IntArray:
        """For each prefix of ``party``'s ranking, the outcome in it the opponent values most.

        Entry ``k`` is the opponent's favourite among the ``k + 1`` outcomes ``party`` likes
        best; it traces the Pareto frontier from ``party``'s side and costs O(n) once.
        """
        ranked = self.order_desc[party]
        opp_u = self.utilities[opponent, ranked]
        running_best = np.maximum.accumulate(opp_u)
        # index of the first position where the running maximum was reached
        is_new_best = np.r_[True, running_best[1:] > running_best[:-1]]
        best_pos = np.maximum.accumulate(np.where(is_new_best, np.arange(ranked.size), 0))
        return _readonly(ranked[best_pos])


@dataclass(frozen=True)
class CompiledScenario:
    """A scenario compiled into per-track numpy tables, shared read-only by all replicates."""

    scenario: Scenario
    party_names: tuple[str, ...]
    tracks: tuple[CompiledTrack, ...]
    reservation_mean: FloatArray
    reservation_spread: FloatArray

    @property
    def n_weeks(self) -> int:
        """Number of weekly rounds before the deadline."""
        return self.scenario.n_weeks

    def party_index(self, name: str) -> int:
        """Position of a party in every ``(n_parties, ...)`` array."""
        return self.party_names.index(name)


def enumerate_outcomes(n_options: tuple[int, ...]) -> IntArray:
    """All option combinations, as an ``(prod(n_options), len(n_options))`` index array."""
    if not n_options:
        return np.zeros((1, 0), dtype=np.int64)
    grids = np.indices(n_options, dtype=np.int64)
    return grids.reshape(len(n_options), -1).T.copy()


def track_utilities(party: Party, issues: list[Issue], outcomes: IntArray) -> FloatArray:
    """Linear additive utility of every outcome for one party, normalised to [0, 1].

    If the party puts zero weight on all of the track's issues, every outcome is worth 0.5 to it
    (it is indifferent).
    """
    weights = np.array([party.weights.get(i.name, 0.0) for i in issues], dtype=np.float64)
    total = weights.sum()
    if total <= 0.0:
        return np.full(outcomes.shape[0], 0.5)
    u = np.zeros(outcomes.shape[0], dtype=np.float64)
    for col, issue in enumerate(issues):  # loop over issues (a handful), not outcomes
        if weights[col] == 0.0:
            continue  # an issue the party does not weigh needs no option values
        option_values = np.array([party.values[issue.name][o] for o in issue.options])
        u += (weights[col] / total) * option_values[outcomes[:, col]]
    return u


def compile_track(
    track: Track, issues: dict[str, Issue], parties: tuple[Party, ...]
) -> CompiledTrack:
    """Enumerate a track's outcomes and tabulate every party's utilities."""
    track_issues = [issues[name] for name in track.issues]
    outcomes = enumerate_outcomes(tuple(len(i.options) for i in track_issues))
    utilities = np.stack([track_utilities(p, track_issues, outcomes) for p in parties])
    sq_row = np.array([i.status_quo_index for i in track_issues], dtype=np.int64)
    status_quo = int(np.flatnonzero((outcomes == sq_row).all(axis=1))[0]) if track_issues else 0
    # stable sort on -u keeps ties in outcome order, so offers are deterministic
    order_desc = np.argsort(-utilities, axis=1, kind="stable")
    sorted_desc = np.take_along_axis(utilities, order_desc, axis=1)
    names = [p.name for p in parties]
    return CompiledTrack(
        name=track.name,
        issues=track.issues,
        parties=(names.index(track.parties[0]), names.index(track.parties[1])),
        outcomes=_readonly(outcomes),
        utilities=_readonly(utilities),
        status_quo=status_quo,
        order_desc=_readonly(order_desc),
        sorted_desc=_readonly(sorted_desc),
    )


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Compile every track once; the result is shared read-only by all replicates."""
    tracks = tuple(compile_track(t, scenario.issues, scenario.parties) for t in scenario.tracks)
    rv_mean = np.array(
        [[p.reservation_for(t.name) for t in scenario.tracks] for p in scenario.parties]
    )
    rv_spread = np.array([[p.reservation_value_spread] * len(tracks) for p in scenario.parties])
    return CompiledScenario(
        scenario=scenario,
        party_names=tuple(p.name for p in scenario.parties),
        tracks=tracks,
        reservation_mean=_readonly(rv_mean),
        reservation_spread=_readonly(rv_spread),
    )
