"""A plain batched-numpy implementation of workload 2: the yardstick for the engine's speed.

Workload 2 (:mod:`benchmarks.eight_issue`) is one track of 46,656 outcomes, 52 weekly rounds,
the United States (Boulware, beta 0.2, first mover) against Canada (Conceder, beta 5), both with
the ``nearest`` offer policy and AC_next, reservation values uniform on [0.3, 0.5]. This module
plays exactly that protocol with nothing but numpy arrays over the replicate axis: no Mesa, no
agents, no views, no politics, no bookkeeping beyond the deal. It is what a hand-written
vectorised program reaches on the same machine, so ``engine rate / reference rate`` says how
close the engine is to that limit (``make bench`` reports the ratio). It is **never used by**
``sim/`` (tests/test_layering.py keeps ``sim`` from importing ``benchmarks``); the model is the
engine, this is a measuring stick.

Each week ``t`` (``tau = t / (N - 1)``, ``N`` the rounds to the deadline), per open replicate:

1. the U.S. offers ``x1 = nearest_US(target_US(tau_t))``, withheld if below its own reservation
   value; ``target(tau) = rv + (1 - tau**(1/beta)) (u_max - rv)`` (Faratin et al. 1998, kappa 0);
   ``nearest`` is the outcome with the smallest utility at or above the target (``searchsorted``
   on the party's sorted utilities);
2. Canada accepts if ``u_CA(x1) >= u_CA(x2)`` and ``u_CA(x1) >= rv_CA``, where
   ``x2 = nearest_CA(target_CA(tau_t))`` is its own offer this week (AC_next);
3. otherwise Canada counters with ``x2`` (withheld if below its reservation value), and the U.S.
   accepts if ``u_US(x2)`` is at least its own next offer, at ``tau_{t+1}`` (clipped to 1), and
   its reservation value.

Reservation values come from the engine's documented streams (:mod:`sim.engine.streams`, one
Philox block per party and track), so both programs see the same inputs and must agree on every
replicate's outcome: :func:`check_identical` compares them, and the benchmark refuses a ratio
computed on different results. Comparisons use the engine's tolerance ``UTILITY_EPS``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from benchmarks.common import Record, rate_record, time_interleaved
from sim.agents.strategies.base import UTILITY_EPS
from sim.engine.streams import DrawBlock, draw_blocks
from sim.runs.experiment import Experiment

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Concession exponents of workload 2 (the ``boulware`` and ``conceder`` presets).
BETA_FIRST, BETA_SECOND = 0.2, 5.0


@dataclass(frozen=True)
class Side:
    """One party's tables: utilities of every outcome, and the ranking ``nearest`` searches."""

    utilities: FloatArray  # (n,)
    ascending: FloatArray  # (n,) its utilities sorted ascending
    order_asc: IntArray  # (n,) the outcomes in that order
    beta: float
    rv_mean: float
    rv_spread: float

    @property
    def best(self) -> float:
        return float(self.ascending[-1])

    def offer(self, tau: float, rv: FloatArray) -> IntArray:
        """The outcome with the smallest utility at or above the target, per replicate."""
        target = rv + (1.0 - tau ** (1.0 / self.beta)) * (self.best - rv)
        below = np.searchsorted(self.ascending, target - UTILITY_EPS, side="left")
        return self.order_asc[np.minimum(below, self.ascending.size - 1)]


@dataclass(frozen=True)
class Workload:
    """Workload 2's inputs, read once from the engine's compiled experiment."""

    first: Side
    second: Side
    n_rounds: int
    n_weeks: int
    seed: int
    block_names: tuple[str, str]  # reservation blocks of the first and second party


def _side(experiment: Experiment, party: int, beta: float) -> Side:
    compiled = experiment.compiled
    track = compiled.tracks[0]
    utilities = np.asarray(track.utilities[party], dtype=np.float64)
    order_asc = np.asarray(track.order_desc[party][::-1], dtype=np.int64)
    return Side(
        utilities=utilities,
        ascending=utilities[order_asc],
        order_asc=order_asc,
        beta=beta,
        rv_mean=float(compiled.reservation_mean[party, 0]),
        rv_spread=float(compiled.reservation_spread[party, 0]),
    )


def _beta(experiment: Experiment, party: str, expected: float) -> float:
    """The party's concession exponent, checked to be workload 2's (kappa 0, no discount)."""
    strategy = experiment.strategies[party]
    beta, kappa = getattr(strategy, "beta", None), getattr(strategy, "kappa", None)
    discount = getattr(strategy, "discount", 1.0)
    if beta != expected or kappa != 0.0 or discount != 1.0:
        raise ValueError(
            f"{party}: beta {beta}, kappa {kappa}, discount {discount}; the reference plays "
            f"workload 2 only (beta {expected}, kappa 0, no discount)"
        )
    return expected


def workload(experiment: Experiment) -> Workload:
    """Workload 2's tables from ``experiment`` (a single-track, two-party experiment)."""
    compiled = experiment.compiled
    names = list(compiled.party_names)
    first = names.index(experiment.protocol.first_mover)
    second = 1 - first
    track = compiled.tracks[0].name
    if len(compiled.tracks) != 1 or len(names) != 2:
        raise ValueError("the reference plays workload 2 only: one track, two parties")
    return Workload(
        first=_side(experiment, first, _beta(experiment, names[first], BETA_FIRST)),
        second=_side(experiment, second, _beta(experiment, names[second], BETA_SECOND)),
        n_rounds=compiled.scenario.deadline_weeks,
        n_weeks=compiled.n_weeks,
        seed=experiment.seed,
        block_names=(f"reservation.{names[first]}.{track}", f"reservation.{names[second]}.{track}"),
    )


def reservation_values(w: Workload, replicates: IntArray) -> tuple[FloatArray, FloatArray]:
    """Both parties' reservation values per replicate, from the engine's streams."""
    blocks = [DrawBlock(name, (1,)) for name in w.block_names]
    draws = draw_blocks(w.seed, replicates, blocks)
    out = []
    for side, block in zip((w.first, w.second), blocks, strict=True):
        u = draws[block.name][:, 0]
        out.append(np.clip(side.rv_mean + side.rv_spread * (2.0 * u - 1.0), 0.0, 1.0))
    return out[0], out[1]


@dataclass(frozen=True)
class Outcomes:
    """Per replicate: agreed, the week of the deal (-1: none) and the outcome (-1: none)."""

    agreed: BoolArray
    week: IntArray
    outcome: IntArray


def negotiate(w: Workload, replicates: IntArray) -> Outcomes:
    """Play workload 2 for ``replicates``, all at once."""
    a, b = w.first, w.second
    rv_a, rv_b = reservation_values(w, replicates)
    n = replicates.size
    week = np.full(n, -1, dtype=np.int64)
    outcome = np.full(n, -1, dtype=np.int64)
    open_ = np.arange(n)
    last = max(w.n_rounds - 1, 1)
    for t in range(min(w.n_weeks, w.n_rounds)):
        if open_.size == 0:
            break
        tau, tau_next = min(t, w.n_rounds - 1) / last, min(t + 1, w.n_rounds - 1) / last
        ra, rb = rv_a[open_], rv_b[open_]
        x1 = a.offer(tau, ra)
        x2 = b.offer(tau, rb)  # Canada's own offer: its AC_next yardstick and its counter
        u_b1 = b.utilities[x1]
        accepted = (a.utilities[x1] >= ra - UTILITY_EPS) & (u_b1 >= b.utilities[x2] - UTILITY_EPS)
        accepted &= u_b1 >= rb - UTILITY_EPS
        u_a2 = a.utilities[x2]
        countered = ~accepted & (b.utilities[x2] >= rb - UTILITY_EPS)
        next_a = a.utilities[a.offer(tau_next, ra)]
        counter_ok = countered & (u_a2 >= next_a - UTILITY_EPS) & (u_a2 >= ra - UTILITY_EPS)
        done = accepted | counter_ok
        rows = open_[done]
        week[rows] = t
        outcome[rows] = np.where(accepted, x1, x2)[done]
        open_ = open_[~done]
    return Outcomes(agreed=week >= 0, week=week, outcome=outcome)


def negotiate_batched(w: Workload, n_replicates: int, batch_size: int) -> Outcomes:
    """:func:`negotiate` for replicates ``0 .. n - 1``, batched as the engine batches them."""
    parts = [
        negotiate(w, np.arange(lo, min(lo + batch_size, n_replicates), dtype=np.int64))
        for lo in range(0, n_replicates, batch_size)
    ]
    return Outcomes(
        agreed=np.concatenate([p.agreed for p in parts]),
        week=np.concatenate([p.week for p in parts]),
        outcome=np.concatenate([p.outcome for p in parts]),
    )


def check_identical(reference: Outcomes, engine_frame: object) -> list[str]:
    """Every replicate where the reference and the engine's outcome table differ (empty: none).

    ``engine_frame`` is ``run_replicates``'s table for the same replicates, in replicate order.
    """
    import pandas as pd

    frame = engine_frame if isinstance(engine_frame, pd.DataFrame) else pd.DataFrame(engine_frame)
    frame = frame.sort_values("replicate")
    agreed = frame["agreed"].to_numpy(dtype=bool)
    week = frame["agreement_week"].to_numpy(dtype=np.float64, na_value=np.nan)
    week_int = np.where(np.isnan(week), -1, week).astype(np.int64)
    outcome = np.where(agreed, frame["outcome"].to_numpy(dtype=np.int64), -1)
    problems = []
    for name, ours, theirs in (
        ("agreed", reference.agreed, agreed),
        ("agreement_week", reference.week, week_int),
        ("outcome", reference.outcome, outcome),
    ):
        if ours.shape != theirs.shape:
            return [f"{name}: {ours.size} replicates in the reference, {theirs.size} in the engine"]
        bad = np.flatnonzero(ours != theirs)
        if bad.size:
            i = int(bad[0])
            problems.append(
                f"{name}: {bad.size} replicates differ (first: replicate {i}, "
                f"reference {ours[i]}, engine {theirs[i]})"
            )
    return problems


def bench_reference(
    n_replicates: int, repeats: int = 3, setup: tuple[int, Experiment] | None = None
) -> Record:
    """Engine and reference on workload 2, side by side (taking turns), and their ratio.

    The record holds both rates, ``ratio_best`` = engine / reference (best repeats), and
    ``identical`` with the differences found (a ratio of different results means nothing).
    """
    from benchmarks.eight_issue import eight_issue_experiment, runner

    batch_size, experiment = setup or eight_issue_experiment()
    w = workload(experiment)
    negotiate_batched(w, min(n_replicates, 200), batch_size)  # warm-up, as the engine's runner
    engine_run = runner((batch_size, experiment), n_replicates)
    timings = time_interleaved(
        [engine_run, lambda: negotiate_batched(w, n_replicates, batch_size)], repeats
    )
    engine, reference = timings
    problems = check_identical(reference[1], engine[1])
    engine_rec = rate_record("eight_issue", n_replicates, "negotiations", engine)
    ref_rec = rate_record("numpy_reference", n_replicates, "negotiations", reference)
    return {
        "workload": "numpy_reference",
        "n": n_replicates,
        "batch_size": batch_size,
        "repeats": max(repeats, 1),
        "engine_rate_best": engine_rec["rate_best"],
        "engine_rate_median": engine_rec["rate_median"],
        "reference_rate_best": ref_rec["rate_best"],
        "reference_rate_median": ref_rec["rate_median"],
        "ratio_best": engine_rec["rate_best"] / ref_rec["rate_best"],
        "ratio_median": engine_rec["rate_median"] / ref_rec["rate_median"],
        "identical": not problems,
        "differences": problems,
        "other_cores_median": engine_rec["other_cores_median"],
    }
