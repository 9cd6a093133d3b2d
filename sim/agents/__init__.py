"""Mesa agents (negotiators) and their vectorised strategies, one strategy per module."""

from sim.agents.acceptance import AcceptanceCondition, ACCombi, ACConst, ACNext, ACTime
from sim.agents.base import Negotiator, Strategy, TrackView
from sim.agents.frequency_model import FrequencyModelOffer, OpponentModel, estimate_opponent_model
from sim.agents.hardliner import HardlinerStrategy
from sim.agents.offers import nearest_offer, pareto_offer
from sim.agents.rubinstein import RubinsteinStrategy
from sim.agents.time_dependent import TimeDependentStrategy
from sim.agents.tit_for_tat import TitForTatStrategy

__all__ = [
    "ACCombi",
    "ACConst",
    "ACNext",
    "ACTime",
    "AcceptanceCondition",
    "FrequencyModelOffer",
    "HardlinerStrategy",
    "Negotiator",
    "OpponentModel",
    "RubinsteinStrategy",
    "Strategy",
    "TimeDependentStrategy",
    "TitForTatStrategy",
    "TrackView",
    "estimate_opponent_model",
    "nearest_offer",
    "pareto_offer",
]
