"""Mesa agents (negotiators) and their vectorised strategies, one strategy per module."""

from sim.agents.base import Negotiator, Strategy, TrackView
from sim.agents.offers import nearest_offer, pareto_offer
from sim.agents.time_dependent import TimeDependentStrategy

__all__ = [
    "Negotiator",
    "Strategy",
    "TimeDependentStrategy",
    "TrackView",
    "nearest_offer",
    "pareto_offer",
]
