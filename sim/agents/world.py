"""What an agent may read and change of the model it acts in (a typed view of the Mesa model).

Agents receive the :class:`~sim.engine.model.NegotiationModel` as their Mesa ``model``; they use
it only through this interface, so the agent modules never import the model.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from sim.agents.strategies.base import DealOdds
from sim.domain.outcome_space import CompiledScenario
from sim.domain.politics import CompiledPolitics
from sim.domain.scenario import EventKind, ProtocolSpec
from sim.engine.shocks import Shock
from sim.engine.state import BatchState
from sim.engine.trace import TraceRecorder


class World(Protocol):
    """The model as its agents see it."""

    state: BatchState
    compiled: CompiledScenario
    politics: CompiledPolitics
    protocol: ProtocolSpec
    shocks: dict[EventKind, Shock]
    #: ``(P, T)`` whether each party is at each track.
    at_track: npt.NDArray[np.bool_]
    tracer: TraceRecorder | None
    #: Expected-utility offer tables built this batch (:mod:`sim.agents.strategies.anticipation`).
    deal_tables: dict[tuple[object, ...], tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]]
    #: This step's anticipated Level II per round: (step, track, id(rows)) -> (rows, odds).
    threshold_groups: dict[tuple[int, int, int], tuple[npt.NDArray[np.int64], DealOdds]]

    #: Weeks simulated (to the last review).
    n_weeks: int
    #: Steps simulated (weekly to the deadline, then one per meeting interval).
    n_steps: int
    #: Rounds until the deadline: the negotiators' clock.
    deadline_weeks: int
