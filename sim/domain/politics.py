"""The political layer of a scenario: leaders, stakeholders, coordinators, conditions and events.

Pure data and numpy (no Mesa, no Hydra). :func:`compile_politics` tabulates, once per run, what
the weekly step needs: for every track and party the probability that each outcome is ratified at
home (Putnam's two-level game, SCENARIO.md B4), which outcomes need which conditions, and the
restricted offer tables for every combination of conditions that may hold.

Ratification (B4): a party's Level II value of outcome ``x`` on a track is

    V(x) = lam * u_party(x) + (1 - lam) * sum_g a_g u_g(x) / sum_g a_g

over the party's stakeholders ``g`` with a stake in the track (influence ``a_g``), where ``lam`` is
the leader's own weight (concentrated power: near 1 for the U.S. president's s.232 proclamations).
It is ratified with probability ``1 / (1 + exp(-k (V(x) - theta)))``; ``k -> inf`` recovers hard
win-sets. The threshold ``theta`` is B4's "status-quo value plus a premium" for the constituencies
and the party's mandate (mean reservation value) for the leader, blended with the same ``lam``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.domain.outcome_space import CompiledScenario, CompiledTrack, track_utilities
from sim.domain.scenario import Issue, Party, Politics, Scenario, StakeholderSpec, Track
from sim.domain.tariffs import TariffTables, compile_tariffs

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class CompiledPolitics:
    """Tables for the weekly step.

    Attributes:
        ratify_probability: Per track, ``(n_parties, n_outcomes)`` P(ratified at home).
        ratify_margin: Per track, ``(n_parties, n_outcomes)`` ``V(x) - theta`` (``inf`` for a
            party that does not ratify), so a shifted threshold needs no new table.
        sharpness: ``(n_parties,)`` ``k`` of each party's leader (1 where there is none).
        tariffs: What the tariffs in force cost each party (:mod:`sim.domain.tariffs`).
        stake: ``(n_stakeholders, n_tracks)`` whether a stakeholder has a stake in a track.
        track_conditions: Per track, indices of the conditions its options may require.
        restricted: Per track, the offer tables for each bitmask over ``track_conditions``.
        condition_class: Per track, each bitmask's representative: the smallest bitmask with
            the same feasible outcomes (conditions needed only together collapse), so
            replicates are grouped by what they can agree on, not by every condition.
        pareto: ``(track, state, me, opponent)`` -> the opponent's favourite outcome among my
            ``k + 1`` best feasible ones (:meth:`CompiledTrack.best_for_opponent`), once per run.
    """

    ratify_probability: tuple[FloatArray, ...]
    ratify_margin: tuple[FloatArray, ...]
    sharpness: FloatArray
    tariffs: TariffTables
    stake: BoolArray
    track_conditions: tuple[tuple[int, ...], ...]
    restricted: tuple[tuple[CompiledTrack, ...], ...]
    condition_class: tuple[IntArray, ...]
    pareto: dict[tuple[int, int, int, int], IntArray]


def _stakeholder_as_party(s: StakeholderSpec) -> Party:
    return Party(
        name=s.key,
        display_name=s.name,
        weights=s.weights,
        values=s.values,
        reservation_value=0.0,
        reservation_value_spread=0.0,
        track_reservation_values={},
    )


def constituency_values(
    scenario: Scenario, track: CompiledTrack, party: int, stake: BoolArray, k: int
) -> FloatArray | None:
    """Influence-weighted mean utility of a party's stakeholders with a stake in the track."""
    pname = scenario.parties[party].name
    issues = [scenario.issues[i] for i in track.issues]
    groups = [
        (s.influence, track_utilities(_stakeholder_as_party(s), issues, track.outcomes))
        for g, s in enumerate(scenario.politics.stakeholders)
        if s.party == pname and stake[g, k] and s.influence > 0
    ]
    if not groups:
        return None
    total = sum(a for a, _ in groups)
    return np.asarray(sum(a * u for a, u in groups) / total, dtype=np.float64)


def ratification_probability(margin: FloatArray, sharpness: FloatArray | float) -> FloatArray:
    """The logistic ``1 / (1 + exp(-k * margin))`` (1 where the margin is infinite)."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-sharpness * margin))


def threshold_shift(
    audience_cost: float,
    escalations_suffered: IntArray,
    directive_bonus: float,
    committed: BoolArray,
) -> FloatArray:
    """A leader's ratification threshold shift: ``a * n - b * d`` (audience costs, directive)."""
    return np.asarray(audience_cost * escalations_suffered - directive_bonus * committed, float)


def ratification_table(
    compiled: CompiledScenario, stake: BoolArray, k: int, is_required: bool = True
) -> FloatArray:
    """``(n_parties, n_outcomes)`` probability that each party ratifies each outcome of track k."""
    sharp = leader_sharpness(compiled.scenario)
    return ratification_probability(
        ratification_margin(compiled, stake, k, is_required), sharp[:, None]
    )


def leader_sharpness(scenario: Scenario) -> FloatArray:
    """``(n_parties,)`` the sharpness ``k`` of each party's leader (1.0 for a party without one)."""
    out = np.ones(len(scenario.parties))
    for p, party in enumerate(scenario.parties):
        leader = scenario.politics.leader_of(party.name)
        if leader is not None:
            out[p] = leader.sharpness
    return out


def ratification_margin(
    compiled: CompiledScenario, stake: BoolArray, k: int, is_required: bool = True
) -> FloatArray:
    """``(n_parties, n_outcomes)`` probability that each party ratifies each outcome of track k.

    ``V(x) = lam * u_party(x) + (1 - lam) * c(x)`` with ``c`` the constituencies' mean utility, and
    ``theta = lam * rv + (1 - lam) * c(status quo) + premium``: the leader measures a deal against
    the party's mandate (its mean reservation value), constituencies against the status quo.
    Returns ``V(x) - theta``, ``-inf`` (never ratified) for an outcome with an option the leader
    vetoes. Only the leaders of the two parties at the track ratify it; every
    other row is ``inf`` (certain), as is the row of a party without a leader, and every row when
    ratification is not required.
    """
    scenario, track = compiled.scenario, compiled.tracks[k]
    rows = []
    for p, party in enumerate(scenario.parties):
        leader = scenario.politics.leader_of(party.name)
        if leader is None or not is_required or p not in track.parties:
            rows.append(np.full(track.n_outcomes, np.inf))
            continue
        lam = leader.own_weight
        own, rv = track.utilities[p], compiled.reservation_mean[p, k]
        constituency = constituency_values(scenario, track, p, stake, k)
        if constituency is None:
            lam, constituency = 1.0, own
        v = lam * own + (1.0 - lam) * constituency
        theta = lam * rv + (1.0 - lam) * constituency[track.status_quo] + leader.threshold_premium
        rows.append(np.where(vetoed(track, scenario, leader.vetoed_options), -np.inf, v - theta))
    return np.stack(rows)


def vetoed(
    track: CompiledTrack, scenario: Scenario, options: dict[str, tuple[str, ...]]
) -> BoolArray:
    """``(n_outcomes,)`` whether an outcome contains an option the leader vetoes."""
    out = np.zeros(track.n_outcomes, dtype=bool)
    for col, iname in enumerate(track.issues):
        for opt in options.get(iname, ()):
            out |= track.outcomes[:, col] == scenario.issues[iname].options.index(opt)
    return out


def stake_matrix(politics: Politics, tracks: tuple[Track, ...]) -> BoolArray:
    """Which stakeholder cares (positive weight) about at least one issue of which track."""
    return np.array(
        [
            [any(s.weights.get(i, 0.0) > 0 for i in t.issues) for t in tracks]
            for s in politics.stakeholders
        ],
        dtype=bool,
    ).reshape(len(politics.stakeholders), len(tracks))


def requirement_matrix(
    track: CompiledTrack, issues: dict[str, Issue], politics: Politics, conditions: tuple[int, ...]
) -> BoolArray:
    """``(n_outcomes, len(conditions))``: which of the track's conditions each outcome needs."""
    names = [politics.conditions[c].name for c in conditions]
    need = np.zeros((track.n_outcomes, len(names)), dtype=bool)
    for col, iname in enumerate(track.issues):
        for opt_index, opt in enumerate(issues[iname].options):
            for cname in politics.requires.get(iname, {}).get(opt, ()):
                need[:, names.index(cname)] |= track.outcomes[:, col] == opt_index
    return need


def restrict(track: CompiledTrack, feasible: BoolArray) -> CompiledTrack:
    """The same track with infeasible outcomes removed from the offer rankings.

    ``outcomes`` and ``utilities`` stay complete (indices remain global); only ``order_desc`` and
    ``sorted_desc`` lose the infeasible outcomes. The status quo is always feasible.
    """
    keep = feasible[track.order_desc]  # (n_parties, n_outcomes) in ranking order
    n_keep = int(feasible.sum())
    order = track.order_desc[keep].reshape(track.order_desc.shape[0], n_keep)
    values = track.sorted_desc[keep].reshape(track.order_desc.shape[0], n_keep)
    order.setflags(write=False)
    values.setflags(write=False)
    return CompiledTrack(
        name=track.name,
        issues=track.issues,
        parties=track.parties,
        outcomes=track.outcomes,
        utilities=track.utilities,
        status_quo=track.status_quo,
        order_desc=order,
        sorted_desc=values,
    )


def compile_politics(
    compiled: CompiledScenario, is_ratification_required: bool = True
) -> CompiledPolitics:
    """Tabulate ratification probabilities, stakes and condition-restricted offer tables."""
    scenario, tracks = compiled.scenario, compiled.tracks
    pol = scenario.politics
    stake = stake_matrix(pol, scenario.tracks)
    margin = tuple(
        ratification_margin(compiled, stake, k, is_ratification_required)
        for k in range(len(tracks))
    )
    sharpness = leader_sharpness(scenario)
    ratify = tuple(ratification_probability(m, sharpness[:, None]) for m in margin)
    cond_index = {c.name: i for i, c in enumerate(pol.conditions)}
    track_conditions, restricted, classes = [], [], []
    for track in tracks:
        needed = sorted(
            {
                cond_index[c]
                for iname in track.issues
                for conds in pol.requires.get(iname, {}).values()
                for c in conds
            }
        )
        need = requirement_matrix(track, scenario.issues, pol, tuple(needed))
        tables: list[CompiledTrack] = []
        first_with: dict[bytes, int] = {}  # feasible set -> the first bitmask giving it
        representative = np.zeros(2 ** len(needed), dtype=np.int64)
        for state in range(2 ** len(needed)):
            holds = np.array([(state >> b) & 1 for b in range(len(needed))], dtype=bool)
            feasible = ~(need & ~holds).any(axis=1)
            representative[state] = first_with.setdefault(np.packbits(feasible).tobytes(), state)
            tables.append(restrict(track, feasible) if len(needed) else track)
        track_conditions.append(tuple(needed))
        restricted.append(tuple(tables))
        representative.setflags(write=False)
        classes.append(representative)
    pareto = {
        (k, state, me, opp): table.best_for_opponent(me, opp)
        for k, tables in enumerate(restricted)
        for state, table in enumerate(tables)
        for me, opp in (table.parties, table.parties[::-1])
    }
    return CompiledPolitics(
        ratify_probability=ratify,
        ratify_margin=margin,
        sharpness=sharpness,
        tariffs=compile_tariffs(compiled),
        stake=stake,
        track_conditions=tuple(track_conditions),
        restricted=tuple(restricted),
        condition_class=tuple(classes),
        pareto=pareto,
    )
