"""Who is who above the negotiators: leaders, stakeholders, coordinators, conditions, events.

Plain frozen data (no numpy tables, no Mesa); :mod:`sim.politics` compiles it into the tables the
weekly step uses and :mod:`sim.agents` turns it into Mesa agents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class EventKind(Enum):
    """Scripted or stochastic shocks."""

    suspension = "suspension"
    escalation = "escalation"
    directive = "directive"


@dataclass(frozen=True)
class Condition:
    """A condition an option may require (e.g. carbon capture before the tanker ban is lifted).

    It holds from the start with ``initial_probability``; otherwise it emerges in any later week
    with probability ``weekly_hazard``.
    """

    name: str
    initial_probability: float = 0.0
    weekly_hazard: float = 0.0


@dataclass(frozen=True)
class Leader:
    """A head of government: ratifies deals, and may suspend talks, escalate or direct."""

    key: str
    name: str
    party: str
    own_weight: float = 1.0
    threshold_premium: float = 0.0
    sharpness: float = 10.0
    suspension_hazard_per_week: float = 0.0
    escalation_hazard_per_week: float = 0.0
    directive_hazard_per_week: float = 0.0


@dataclass(frozen=True)
class Stakeholder:
    """A domestic constituency: presses its government weekly and weighs in at ratification.

    ``stance`` ``deal`` pushes its government's reservation value down on the tracks it cares about
    (it wants relief soon); ``hold`` pushes it up.
    """

    key: str
    name: str
    party: str
    influence: float
    stance: str
    pressure_per_week: float
    weights: dict[str, float]
    values: dict[str, dict[str, float]]


@dataclass(frozen=True)
class Coordinator:
    """Coordinates a party's mandate across tracks (e.g. the Clerk of the Privy Council).

    Each deal the party concludes lowers its reservation value on its other open tracks by
    ``mandate_momentum`` (a banked deal makes the next one easier to sell).
    """

    key: str
    name: str
    party: str
    mandate_momentum: float = 0.0


@dataclass(frozen=True)
class ScriptedEvent:
    """A shock on a given week (from a date in config)."""

    week: int
    kind: EventKind
    party: str
    weeks: int = 1
    tracks: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShockSettings:
    """Effect sizes of shocks and pressure.

    Attributes:
        suspension_weeks: Length of a stochastic suspension.
        escalation_reservation_shift: Drop of the target party's reservation value per escalation.
        directive_time_boost: A directive advances the party's relative time (faster concession).
        directive_weeks: Length of a stochastic directive.
        max_pressure_drift: Bound on the cumulative stakeholder drift of a reservation value.
        ratification: Whether tentative deals need ratification at home.
    """

    suspension_weeks: int = 2
    escalation_reservation_shift: float = 0.05
    directive_time_boost: float = 0.15
    directive_weeks: int = 6
    max_pressure_drift: float = 0.1
    ratification: bool = True


@dataclass(frozen=True)
class Politics:
    """Everything above the negotiators."""

    conditions: tuple[Condition, ...] = ()
    requires: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    leaders: tuple[Leader, ...] = ()
    stakeholders: tuple[Stakeholder, ...] = ()
    coordinators: tuple[Coordinator, ...] = ()
    events: tuple[ScriptedEvent, ...] = ()
    shocks: ShockSettings = field(default_factory=ShockSettings)
