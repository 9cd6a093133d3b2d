"""Deal likelihoods and their Wilson score intervals (:mod:`sim.analysis.likelihood`)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import norm

from sim.analysis.likelihood import ALL_TRACKS, deal_likelihoods, proportion_interval


def wilson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) in closed form: (p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)."""
    z = norm.ppf(1 - (1 - confidence) / 2)
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


CASES = [(0, 1), (1, 1), (0, 10), (10, 10), (1, 10), (5, 10), (3, 7), (0, 500), (500, 500)]
CASES += [(17, 500), (250, 500), (9_990, 10_000), (1, 100_000)]


@pytest.mark.parametrize(("k", "n"), CASES)
@pytest.mark.parametrize("confidence", [0.95, 0.9, 0.99])
def test_wilson_interval_matches_its_closed_form(k, n, confidence):
    low, high = proportion_interval(k, n, confidence)
    expected = wilson(k, n, confidence)
    assert (low, high) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert 0.0 <= low <= k / n <= high <= 1.0


@pytest.mark.parametrize("n", [1, 10, 500])
def test_wilson_interval_at_the_edges_is_one_sided(n):
    low, high = proportion_interval(0, n)
    assert low == pytest.approx(0.0, abs=1e-15) and 0.0 < high < 1.0
    low, high = proportion_interval(n, n)
    assert high == pytest.approx(1.0, abs=1e-15) and 0.0 < low < 1.0


def test_wilson_interval_narrows_with_more_trials_and_widens_with_confidence():
    def width(k: int, n: int) -> float:
        low, high = proportion_interval(k, n)
        return high - low

    assert width(5, 10) > width(50, 100) > width(500, 1000)
    low90, high90 = proportion_interval(30, 100, 0.90)
    low99, high99 = proportion_interval(30, 100, 0.99)
    assert low99 < low90 and high90 < high99


def test_no_trials_give_an_undefined_interval():
    assert all(math.isnan(x) for x in proportion_interval(0, 0))


def test_deal_likelihoods_per_track_and_for_every_track():
    # three replicates, two tracks; only replicate 0 closes both (weeks 3 and 5)
    outcomes = pd.DataFrame(
        {
            "replicate": [0, 1, 2, 0, 1, 2],
            "track": pd.Categorical(["a", "a", "a", "b", "b", "b"]),
            "agreed": [True, True, False, True, False, False],
            "agreement_week": pd.array([3, 7, None, 5, None, None], dtype="Int64"),
        }
    )
    table = deal_likelihoods(outcomes).set_index("track")
    assert list(table.index) == ["a", "b", ALL_TRACKS]
    assert table.loc["a", "n_agreed"] == 2 and table.loc["a", "deal_likelihood"] == 2 / 3
    assert table.loc["a", "mean_agreement_week"] == 5.0
    assert table.loc["b", "n_agreed"] == 1 and table.loc["b", "median_agreement_week"] == 5.0
    assert table.loc[ALL_TRACKS, "n_agreed"] == 1
    assert table.loc[ALL_TRACKS, "mean_agreement_week"] == 5.0  # when the last track closed
    for track, row in table.iterrows():
        expected = wilson(int(row["n_agreed"]), 3)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(expected), track
