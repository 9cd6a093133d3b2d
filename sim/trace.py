"""Week-by-week records of a batch (meant for one replicate): what happened and why.

Only :meth:`sim.model.NegotiationModel` with ``record_trace=True`` creates a recorder; large runs
keep only outcome records, since any replicate's trace can be regenerated from its seed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sim.model import NegotiationModel

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
# (party, outcome per replicate, accepted per replicate, made per replicate)
Move = tuple[int, IntArray, BoolArray, BoolArray]


class TraceRecorder:
    """Collects trace rows: events, offers, ratification draws and each week's state."""

    def __init__(self, model: NegotiationModel) -> None:
        self.model = model
        self.rows: list[dict[str, object]] = []

    def _row(self, r: int, **fields: object) -> dict[str, object]:
        row: dict[str, object] = {
            "replicate": int(self.model.replicates[r]),
            "week": self.model.week,
        }
        row.update(fields)
        self.rows.append(row)
        return row

    def event(self, kind: str, mask: BoolArray, party: int, weeks: int) -> None:
        """A shock (suspension, escalation, directive) by ``party``'s leader."""
        for r in np.flatnonzero(mask):
            self._row(
                int(r), event=kind, proposer=self.model.compiled.party_names[party], weeks=weeks
            )

    def offers(self, k: int, idx: IntArray, *moves: Move) -> None:
        """The offers made this week on track ``k`` (withheld ones are not recorded)."""
        m = self.model
        track = m.compiled.tracks[k]
        for party, offers, accepted, made in moves:
            for j in np.flatnonzero(made):
                row = self._row(
                    int(idx[j]),
                    track=track.name,
                    event="offer",
                    proposer=m.compiled.party_names[party],
                    outcome=int(offers[j]),
                    accepted=bool(accepted[j]),
                )
                for col, issue in enumerate(track.issues):
                    option = track.outcomes[offers[j], col]
                    row[f"option_{issue}"] = m.compiled.scenario.issues[issue].options[option]
                for p, name in enumerate(m.compiled.party_names):
                    row[f"utility_{name}"] = float(track.utilities[p, offers[j]])
                    row[f"reservation_{name}"] = float(m.reservation[idx[j], p, k])

    def ratification(
        self,
        k: int,
        idx: IntArray,
        outcome: IntArray,
        probability: FloatArray,
        uniforms: FloatArray,
        ratified: BoolArray,
    ) -> None:
        """Each tentative deal, both sides' ratification probabilities and draws."""
        for j in range(idx.size):
            row = self._row(
                int(idx[j]),
                track=self.model.compiled.tracks[k].name,
                event="ratification",
                outcome=int(outcome[j]),
                accepted=bool(ratified[j]),
            )
            for p, name in enumerate(self.model.compiled.party_names):
                row[f"ratify_probability_{name}"] = float(probability[p, j])
                row[f"ratify_draw_{name}"] = float(uniforms[p, j])

    def week_state(self, talking: BoolArray) -> None:
        """Per track: open or not, talks suspended or not, reservation values and pressure."""
        m = self.model
        for r in range(m.replicates.size):
            for k, track in enumerate(m.compiled.tracks):
                row = self._row(
                    r,
                    track=track.name,
                    event="state",
                    is_open=bool(m.is_open[k, r]),
                    suspended=not talking[r],
                )
                for p, name in enumerate(m.compiled.party_names):
                    row[f"reservation_{name}"] = float(m.reservation[r, p, k])
                    row[f"pressure_drift_{name}"] = float(m.pressure_drift[r, p, k])
