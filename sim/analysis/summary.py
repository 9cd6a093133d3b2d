"""Every summary table of a run, computed from its outcome table (pure; no I/O, no plotting).

The tables come from :class:`sim.analysis.running.RunningSummary`, which a streamed run fills
batch by batch; summarising a whole table at once goes through the same counts, so a run written
in memory and one streamed to disk give identical ``summary.json`` numbers.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.analysis.running import RunningSummary
from sim.domain.outcome_space import CompiledScenario


def summarise(outcomes: pd.DataFrame, compiled: CompiledScenario) -> dict[str, Any]:
    """Every summary table of a run (``summary.json`` less its header), as JSON-ready records."""
    return RunningSummary(compiled).add(outcomes).summary()
