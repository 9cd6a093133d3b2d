"""PRIM (EMA Workbench) recovers a box planted in the inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.config.errors import ConfigError
from sim.uncertainty.discovery import cases_of_interest, find_boxes


@pytest.mark.slow  # importing EMA Workbench alone takes about 10 s
def test_prim_recovers_a_planted_box():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.random((2000, 4)), columns=["a", "b", "c", "d"])
    planted = (x["a"] > 0.6) & (x["c"] < 0.3)
    result = find_boxes(x, planted.to_numpy(), "planted", max_boxes=1)
    limits = result.boxes.set_index("parameter")
    assert set(limits.index) == {"a", "c"}
    assert limits.loc["a", "low"] == pytest.approx(0.6, abs=0.05)
    assert limits.loc["c", "high"] == pytest.approx(0.3, abs=0.05)
    assert limits["density"].iloc[0] > 0.9 and limits["coverage"].iloc[0] > 0.8
    assert result.trajectory["coverage"].is_monotonic_decreasing


def test_a_question_without_cases_is_one_line():
    x = pd.DataFrame({"a": [0.1, 0.2]})
    with pytest.raises(ConfigError, match="some points in and some out"):
        find_boxes(x, np.zeros(2, bool), "none")
    with pytest.raises(ConfigError, match=r"prim\.output"):
        cases_of_interest(pd.DataFrame({"y": [1.0]}), "z", 0.5)
