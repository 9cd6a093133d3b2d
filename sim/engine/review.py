"""The joint review as a focal point, not the end of the world (USMCA Art. 34.7, SCENARIO.md A5).

The first review falls in the deadline's week, or, with a stochastic deadline, in a week drawn
uniformly in ``deadline +- deadline_spread_weeks`` per replicate. At each review a replicate's
talks end for good with ``end_probability`` (a withdrawal notice, a party walking away), end with
the review confirmed with ``confirm_probability``, and otherwise go on to the next annual review.
The last review ends the simulated horizon. One uniform per review and one for the deadline come
from the draw block ``review``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sim.domain.scenario import Scenario
from sim.engine.state import HORIZON, REVIEW_CONFIRMED, TALKS_ENDED, BatchState
from sim.engine.streams import DrawBlock

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Name of the review's draw block.
REVIEW_BLOCK = "review"


class ReviewCalendar:
    """Decides, at the end of each review week, which replicates' talks end and why.

    Args:
        scenario: The scenario (its deadline, review dates and review spec).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.spec = scenario.review
        #: Last week (0-based) of the talks before each review.
        self.review_week = np.array(scenario.review_weeks, dtype=np.int64) - 1
        self.uniforms = np.zeros((0, self.review_week.size + 1))

    def draw_blocks(self) -> list[DrawBlock]:
        """One uniform for the deadline's spread, then one per review."""
        return [DrawBlock(REVIEW_BLOCK, (self.review_week.size + 1,))]

    def receive_draws(self, draws: dict[str, FloatArray], state: BatchState) -> None:
        """Fix each replicate's first review week."""
        self.uniforms = draws[REVIEW_BLOCK]
        spread = self.spec.deadline_spread_weeks
        offset = np.floor(self.uniforms[:, 0] * (2 * spread + 1)).astype(np.int64) - spread
        state.first_review_week = self.review_week[0] + offset

    def decide(self, state: BatchState) -> None:
        """End the talks of the replicates whose review falls in this step and says so."""
        for j in range(self.review_week.size):  # a handful of reviews, not replicates
            if j > 0 and not state.covers(int(self.review_week[j])):
                continue  # a later review falls in the same week for every replicate
            week = (
                state.first_review_week
                if j == 0
                else np.full(state.n_replicates, self.review_week[j])
            )
            at_review = state.in_step(week)
            if not at_review.any():
                continue
            u = self.uniforms[:, j + 1]
            ended = at_review & (u < self.spec.end_probability)
            confirmed = (
                at_review & ~ended & (u < self.spec.end_probability + self.spec.confirm_probability)
            )
            state.end_talks(ended, TALKS_ENDED)
            state.end_talks(confirmed, REVIEW_CONFIRMED)
            if j == self.review_week.size - 1:
                state.end_talks(at_review, HORIZON)
