"""What the tariffs in force cost each party, on its utility scale (costly delay, escalation).

A tariff issue with a ``trade_flow`` F (C$ B a year) and a payer (``borne_by``) costs its payer
``(r - r_low) * F`` a year above the best rate ``r_low`` any deal could bring. The party's own
utility already prices full relief: on track k, moving every tariff it pays from the status quo to
its lowest-rate option gains it

    G[p, k] = u_p(relief_k) - u_p(status quo_k)

which is the value of relief from the bill ``B[p, k] = sum_i (r_sq_i - r_low_i) F_i`` for the
life of a deal. So one C$ of annual bill is worth ``G / B`` utility, and

* an escalation that raises every tariff p pays on k by ``s`` points worsens p's status quo by
  ``S[p, k] * s`` with ``S = G * sum_i F_i / B`` (linear in the rate; issues with unequal flows
  are weighted by their flows);
* a week without a deal costs ``(G + S * e) / (52 * H)`` where ``e`` is the escalation so far
  and ``H`` the years over which a deal's value accrues (``protocol.delay_cost_horizon_years``).

Rates come from SCENARIO.md A1, flows from A3 (see the scenario YAML). Pure numpy, no Mesa.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.domain.outcome_space import CompiledScenario, CompiledTrack

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TariffTables:
    """Per party and track, what relief is worth and how escalation hurts.

    Attributes:
        relief_gain: ``(P, T)`` G, the utility of full relief from the tariffs the party pays.
        escalation_slope: ``(P, T)`` S, the status-quo utility lost per point of escalation.
    """

    relief_gain: FloatArray
    escalation_slope: FloatArray

    def weekly_cost(self, horizon_years: float, extra_rate: FloatArray) -> FloatArray:
        """``(R, P, T)`` cost of one more week at the status quo (before the cost scale)."""
        return (self.relief_gain + self.escalation_slope * extra_rate) / (52.0 * horizon_years)


def _relief(
    compiled: CompiledScenario, track: CompiledTrack, party: int
) -> tuple[float, float, float]:
    """(gain G, bill B above the lowest rates, flow) of the tariffs ``party`` pays on a track."""
    issues = compiled.scenario.issues
    name = compiled.party_names[party]
    relief = track.outcomes[track.status_quo].copy()
    bill = flow = 0.0
    for col, iname in enumerate(track.issues):
        issue = issues[iname]
        if issue.trade_flow <= 0 or issue.borne_by != name:
            continue
        lowest = min(issue.rates, key=issue.rates.__getitem__)
        relief[col] = issue.options.index(lowest)
        bill += (issue.rates[issue.status_quo] - issue.rates[lowest]) * issue.trade_flow
        flow += issue.trade_flow
    if flow == 0.0:
        return 0.0, 0.0, 0.0
    row = int(np.flatnonzero((track.outcomes == relief).all(axis=1))[0])
    gain = max(float(track.utilities[party, row] - track.utilities[party, track.status_quo]), 0.0)
    return gain, bill, flow


def compile_tariffs(compiled: CompiledScenario) -> TariffTables:
    """Tabulate relief gains and escalation slopes once per run."""
    shape = (len(compiled.party_names), len(compiled.tracks))
    gain, slope = np.zeros(shape), np.zeros(shape)
    for k, track in enumerate(compiled.tracks):
        for p in track.parties:
            g, bill, flow = _relief(compiled, track, p)
            if bill > 0:
                gain[p, k], slope[p, k] = g, g * flow / bill
    gain.setflags(write=False)
    slope.setflags(write=False)
    return TariffTables(relief_gain=gain, escalation_slope=slope)
