"""The people in the talks, as Mesa agents that act on a whole batch of replicates at once.

``Negotiator`` (offers and answers, through a strategy from ``strategies/``), ``Leader`` (shocks
and ratification), ``Stakeholder`` (weekly pressure) and ``Coordinator`` (cross-track mandate).
"""

from sim.agents.coordinator import Coordinator
from sim.agents.leader import Leader
from sim.agents.negotiator import Negotiator
from sim.agents.stakeholder import Stakeholder

__all__ = ["Coordinator", "Leader", "Negotiator", "Stakeholder"]
