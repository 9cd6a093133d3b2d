"""The strategy interface's helpers (:mod:`sim.agents.strategies.base`)."""

from __future__ import annotations

import numpy as np

from sim.agents.strategies.base import including_offer
from tests.agents.strategies.helpers import (
    make_view,
    pie_track,
)


def test_including_offer_fills_only_the_pending_slot():
    track = pie_track()
    view = make_view(track, opponent_offers=[[3, 4], [5, -1]], n_reps=2)
    filled = including_offer(view, np.array([7, 8]))
    assert filled.opponent_offers.tolist() == [[3, 4], [5, 8]]
    assert view.opponent_offers.tolist() == [[3, 4], [5, -1]]  # the model's history is untouched
