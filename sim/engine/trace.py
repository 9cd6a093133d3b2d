"""Week-by-week records of a batch (meant for one replicate): what happened and why.

Only :class:`sim.engine.model.NegotiationModel` with ``record_trace=True`` creates a recorder;
large runs keep only outcome records, since any replicate's trace can be regenerated from its seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from sim.domain.outcome_space import CompiledScenario
from sim.engine.state import BatchState

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
# (party, outcome per replicate, accepted per replicate, made per replicate)
Move = tuple[int, IntArray, BoolArray, BoolArray]


class Ratifier(Protocol):
    """A leader as the trace sees it: its party, probabilities and draws."""

    party: int
    ratification_uniforms: dict[int, FloatArray]

    def ratification_probability(self, track: int, rows: IntArray, outcome: IntArray) -> FloatArray:
        """P(ratified) of each tentative deal."""
        ...


class TraceRecorder:
    """Collects trace rows: events, offers, ratification draws and each week's state."""

    def __init__(self, compiled: CompiledScenario, state: BatchState) -> None:
        self.compiled = compiled
        self.state = state
        self.rows: list[dict[str, object]] = []

    def _row(self, r: int, **fields: object) -> dict[str, object]:
        row: dict[str, object] = {
            "replicate": int(self.state.replicates[r]),
            "week": self.state.week,
        }
        row.update(fields)
        self.rows.append(row)
        return row

    def event(self, kind: str, mask: BoolArray, party: int, weeks: int) -> None:
        """A shock (suspension, escalation, directive) by ``party``'s leader."""
        for r in np.flatnonzero(mask):
            self._row(int(r), event=kind, proposer=self.compiled.party_names[party], weeks=weeks)

    def links(self, party: int, counterpart: int, commit: FloatArray, repay: FloatArray) -> None:
        """A coordinator's links this week: ``commit`` and ``repay`` are ``(R, T)``.

        On the deadlocked track the counterpart commits (its reservation value is capped at
        ``cap``); on the donor track its reservation value rises by ``repay``.
        """
        names, tracks = self.compiled.party_names, self.compiled.tracks
        who = {"proposer": names[party], "counterpart": names[counterpart]}
        for r, k in zip(*np.nonzero(np.isfinite(commit)), strict=True):
            cap = float(commit[r, k])
            self._row(int(r), track=tracks[k].name, event="link commitment", cap=cap, **who)
        for r, k in zip(*np.nonzero(repay != 0.0), strict=True):
            rise = float(repay[r, k])
            self._row(int(r), track=tracks[k].name, event="link repayment", repay=rise, **who)

    def offers(self, k: int, idx: IntArray, *moves: Move) -> None:
        """The offers made this week on track ``k`` (withheld ones are not recorded)."""
        compiled, state = self.compiled, self.state
        track = compiled.tracks[k]
        for party, offers, accepted, made in moves:
            for j in np.flatnonzero(made):
                row = self._row(
                    int(idx[j]),
                    track=track.name,
                    event="offer",
                    proposer=compiled.party_names[party],
                    outcome=int(offers[j]),
                    accepted=bool(accepted[j]),
                )
                for col, issue in enumerate(track.issues):
                    option = track.outcomes[offers[j], col]
                    row[f"option_{issue}"] = compiled.scenario.issues[issue].options[option]
                for p, name in enumerate(compiled.party_names):
                    row[f"utility_{name}"] = float(track.utilities[p, offers[j]])
                    row[f"reservation_{name}"] = float(state.reservation[idx[j], p, k])

    def ratification(
        self,
        k: int,
        idx: IntArray,
        outcome: IntArray,
        leaders: Sequence[Ratifier],
        ratified: BoolArray,
    ) -> None:
        """Each tentative deal, the ratifying leaders' probabilities and draws."""
        step = self.state.step
        for j in range(idx.size):
            row = self._row(
                int(idx[j]),
                track=self.compiled.tracks[k].name,
                event="ratification",
                outcome=int(outcome[j]),
                accepted=bool(ratified[j]),
            )
            for leader in leaders:
                name = self.compiled.party_names[leader.party]
                p = leader.ratification_probability(k, idx[j : j + 1], outcome[j : j + 1])[0]
                row[f"ratify_probability_{name}"] = float(p)
                row[f"ratify_draw_{name}"] = float(leader.ratification_uniforms[k][idx[j], step])

    def week_state(self) -> None:
        """Per track: open or not, talks suspended or not, reservation values and pressure."""
        compiled, state = self.compiled, self.state
        for r in range(state.n_replicates):
            for k, track in enumerate(compiled.tracks):
                row = self._row(
                    r,
                    track=track.name,
                    event="state",
                    is_open=bool(state.is_open[r, k]),
                    suspended=not state.talking[r, k],
                    terminated=bool(state.terminated[r, k]),
                )
                for p, name in enumerate(compiled.party_names):
                    row[f"reservation_{name}"] = float(state.reservation[r, p, k])
                    row[f"pressure_drift_{name}"] = float(state.pressure_drift[r, p, k])
                    row[f"delay_cost_{name}"] = float(state.delay_cost[r, p, k])
                    row[f"extra_rate_{name}"] = float(state.extra_rate[r, p, k])
