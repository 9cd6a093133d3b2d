"""Leaders, domestic stakeholders and coordinators as Mesa agents (vectorised over replicates).

Each agent answers for every replicate of the batch at once: its methods take arrays with a leading
replicate axis (its own pre-drawn uniforms, per-replicate strengths) and return arrays; the model
applies the results. None of them sees the model's state directly.
"""

from __future__ import annotations

import mesa
import numpy as np
import numpy.typing as npt

from sim import actors

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class Leader(mesa.Agent):
    """A head of government (Carney, Trump): ratifies deals, suspends, escalates, directs.

    Args:
        model: The ensemble model.
        spec: The leader's parameters.
        party: Party index.
    """

    def __init__(self, model: mesa.Model, spec: actors.Leader, party: int) -> None:
        super().__init__(model)
        self.spec = spec
        self.party = party

    def shocks(self, uniforms: FloatArray) -> tuple[BoolArray, BoolArray, BoolArray]:
        """Which replicates see this leader suspend talks, escalate, or issue a directive now.

        Args:
            uniforms: ``(R, 3)`` this week's draws for suspension, escalation and directive.
        """
        s = self.spec
        return (
            uniforms[:, 0] < s.suspension_hazard_per_week,
            uniforms[:, 1] < s.escalation_hazard_per_week,
            uniforms[:, 2] < s.directive_hazard_per_week,
        )

    def ratifies(self, probability: FloatArray, uniforms: FloatArray) -> BoolArray:
        """Level II decision on tentative deals: ratified with the tabulated probability."""
        return uniforms < probability


class Stakeholder(mesa.Agent):
    """A domestic constituency (e.g. Ontario steelworkers) pressing its government each week.

    Args:
        model: The ensemble model.
        spec: The stakeholder's parameters.
        party: Party index of its government.
        stake: ``(n_tracks,)`` whether it has a stake in each track.
    """

    def __init__(
        self, model: mesa.Model, spec: actors.Stakeholder, party: int, stake: BoolArray
    ) -> None:
        super().__init__(model)
        self.spec = spec
        self.party = party
        self.stake = stake

    def pressure(self, strength: FloatArray) -> FloatArray:
        """``(R, n_tracks)`` this week's push on its government's reservation values.

        Args:
            strength: ``(R,)`` how mobilised the stakeholder is in each replicate (mean 1).
        """
        sign = -1.0 if self.spec.stance == "deal" else 1.0
        rate = sign * self.spec.pressure_per_week * self.spec.influence
        return rate * strength[:, None] * self.stake[None, :]


class Coordinator(mesa.Agent):
    """Coordinates a party's mandate across tracks (e.g. Michael Sabia, Clerk of the Privy Council).

    Args:
        model: The ensemble model.
        spec: The coordinator's parameters.
        party: Party index.
    """

    def __init__(self, model: mesa.Model, spec: actors.Coordinator, party: int) -> None:
        super().__init__(model)
        self.spec = spec
        self.party = party

    def mandate_shift(self, concluded_now: BoolArray, still_open: BoolArray) -> FloatArray:
        """``(R, n_tracks)`` change of the party's reservation values after this week's deals.

        Args:
            concluded_now: ``(n_tracks, R)`` tracks concluded (ratified) this week.
            still_open: ``(n_tracks, R)`` tracks still open.
        """
        n_deals = concluded_now.sum(axis=0).astype(np.float64)
        return (-self.spec.mandate_momentum * n_deals[None, :] * still_open).T
