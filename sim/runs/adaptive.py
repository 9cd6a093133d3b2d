"""Adaptive replication: add replicates until every deal likelihood is known precisely enough.

With ``precision`` set, a run simulates ``n_replicates`` first, then keeps adding replicates
``n, n + 1, ...`` (whole batches) until the 95% interval of every row of the deal-likelihood
summary (each track and ``all_tracks``) has a half-width ``(ci_high - ci_low) / 2 <=
precision``, or ``max_replicates`` is reached. Replicate ``i`` depends only on the seed and
``i``, so the result equals a fixed-size run of the same total.

Each round jumps to the total that the normal approximation projects from the current
estimates, ``n = z^2 p (1 - p) / precision^2`` for the widest track, rounded up to whole batches
(and at least one more batch), so a run needs few rounds; the Wilson interval then decides
whether to stop.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import pandas as pd
from scipy import stats

from sim.analysis.likelihood import deal_likelihoods
from sim.config.schema import RunConfig
from sim.runs.experiment import Experiment, run_replicates

CONFIDENCE = 0.95


@dataclass(frozen=True)
class AdaptiveReport:
    """How an adaptive run went.

    Attributes:
        precision: Target half-width of every 95% interval.
        max_replicates: Cap on the number of replicates.
        n_replicates: Replicates simulated in the end.
        rounds: Rounds of simulation (the first included).
        is_reached: Whether every half-width is within ``precision``.
        max_half_width: The widest half-width at the end.
        widest_track: The summary row with that half-width.
        totals: Replicates after each round.
    """

    precision: float
    max_replicates: int
    n_replicates: int
    rounds: int
    is_reached: bool
    max_half_width: float
    widest_track: str
    totals: tuple[int, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields (for ``summary.json``)."""
        out = asdict(self)
        out["totals"] = list(self.totals)
        return out

    def describe(self) -> str:
        """One line for the console."""
        verdict = "<=" if self.is_reached else ">"
        note = "" if self.is_reached else f" (stopped at max_replicates={self.max_replicates:,})"
        return (
            f"adaptive replication: {self.n_replicates:,} replicates in {self.rounds} round(s); "
            f"widest 95% half-width {self.max_half_width:.4f} ({self.widest_track}) "
            f"{verdict} precision {self.precision}{note}"
        )


def half_widths(summary: pd.DataFrame) -> pd.Series:
    """Half-width of each row's confidence interval, indexed by track."""
    return ((summary["ci_high"] - summary["ci_low"]) / 2.0).set_axis(summary["track"])


def projected_total(summary: pd.DataFrame, precision: float) -> int:
    """Replicates the normal approximation needs for every row to reach ``precision``."""
    z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2.0))
    p = summary["deal_likelihood"].astype(float).clip(0.0, 1.0)
    return math.ceil(float((z**2 * p * (1.0 - p)).max()) / precision**2)


def next_total(summary: pd.DataFrame, current: int, cfg: RunConfig) -> int:
    """The total after the next round: the projection in whole batches, at least one batch."""
    assert cfg.precision is not None
    step = cfg.batch_size
    wanted = max(projected_total(summary, cfg.precision), current + 1)
    batches = math.ceil((wanted - current) / step)
    return min(cfg.max_replicates, current + batches * step)


#: Simulates replicates ``first .. first + n - 1`` and returns the deal likelihoods of all the
#: replicates simulated so far (:func:`sim.analysis.likelihood.deal_likelihoods` rows).
RoundFn = Callable[[int, int], pd.DataFrame]


def adaptive_rounds(cfg: RunConfig, simulate_round: RoundFn) -> AdaptiveReport:
    """Call ``simulate_round`` until the precision target or the cap is reached.

    The run's outcomes stay with the caller (in memory, or streamed to a file).

    Args:
        cfg: The run config; ``precision`` must be set.
        simulate_round: Simulates one round and returns the likelihoods so far.

    Returns:
        The report.
    """
    assert cfg.precision is not None
    total, totals = 0, []
    target = min(cfg.n_replicates, cfg.max_replicates)
    while True:
        summary = simulate_round(total, target - total)
        total = target
        totals.append(total)
        widths = half_widths(summary)
        is_reached = bool((widths <= cfg.precision).all())
        if is_reached or total >= cfg.max_replicates:
            break
        target = next_total(summary, total, cfg)
    return AdaptiveReport(
        precision=cfg.precision,
        max_replicates=cfg.max_replicates,
        n_replicates=total,
        rounds=len(totals),
        is_reached=is_reached,
        max_half_width=float(widths.max()),
        widest_track=str(widths.idxmax()),
        totals=tuple(totals),
    )


def run_adaptive(experiment: Experiment, cfg: RunConfig) -> tuple[pd.DataFrame, AdaptiveReport]:
    """Simulate rounds of replicates in memory until the precision target or the cap is reached.

    Args:
        experiment: What to simulate.
        cfg: The run config; ``precision`` must be set.

    Returns:
        The outcome table of replicates ``0 .. n - 1`` and the report.
    """
    parts: list[pd.DataFrame] = []

    def simulate_round(first: int, n: int) -> pd.DataFrame:
        parts.append(
            run_replicates(
                experiment, n, cfg.batch_size, cfg.n_workers, progress=cfg.progress, first=first
            )
        )
        return deal_likelihoods(_joined(parts), CONFIDENCE)

    report = adaptive_rounds(cfg, simulate_round)
    return _joined(parts), report


def _joined(parts: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def simulate_outcomes(
    experiment: Experiment, cfg: RunConfig
) -> tuple[pd.DataFrame, AdaptiveReport | None]:
    """The run's outcomes: ``n_replicates`` replicates, or adaptively if ``precision`` is set."""
    if cfg.precision is None:
        outcomes = run_replicates(
            experiment, cfg.n_replicates, cfg.batch_size, cfg.n_workers, progress=cfg.progress
        )
        return outcomes, None
    return run_adaptive(experiment, cfg)
