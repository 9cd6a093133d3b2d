"""Workload 3: how cost grows with replicates, rounds and outcomes per track.

Replicates and rounds use the 8-issue workload (rounds by moving the deadline). Outcome spaces of
10**3 .. 10**6 are synthetic single tracks of ``k`` ten-option issues built through ``sim.domain``.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Sequence

import numpy as np

from benchmarks.bench_8issue import START_DATE
from benchmarks.common import Record, time_interleaved
from benchmarks.eight_issue import eight_issue_experiment, eight_issue_record, runner
from sim.agents.strategies.offers import nearest_offer
from sim.agents.strategies.time_dependent import TimeDependentStrategy
from sim.domain.outcome_space import compile_scenario
from sim.domain.politics import compile_politics
from sim.domain.scenario import Issue, NegotiatorSpec, Party, ProtocolSpec, Scenario, Track
from sim.runs.experiment import Experiment

SYNTHETIC_SEED = 1_000_003
OPTIONS_PER_ISSUE = 10
SYNTHETIC_BATCH = 2_000


def loglog_slope(sizes: Sequence[float], times: Sequence[float]) -> float:
    """Least-squares slope of log(time) on log(size): 1.0 is linear cost."""
    x, y = np.log(np.asarray(sizes, float)), np.log(np.asarray(times, float))
    return float(np.polyfit(x, y, 1)[0])


def linear_fit(sizes: Sequence[float], times: Sequence[float]) -> tuple[float, float, float]:
    """Least-squares ``time = fixed + marginal * size``.

    Returns:
        ``(fixed_s, marginal_s_per_unit, r_squared)``; R^2 near 1 means cost is linear in size.
    """
    x, y = np.asarray(sizes, float), np.asarray(times, float)
    marginal, fixed = np.polyfit(x, y, 1)
    resid = y - (fixed + marginal * x)
    total = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((resid**2).sum()) / total if total > 0 else 1.0
    return float(fixed), float(marginal), r2


def scale_replicates(
    sizes: Sequence[int] = (1_000, 10_000, 100_000), repeats: int = 3
) -> list[Record]:
    """Workload 2 at several replicate counts (one worker; the sizes take turns)."""
    setup = eight_issue_experiment()
    timings = time_interleaved([runner(setup, n) for n in sizes], repeats)
    return [
        eight_issue_record(t, setup, n, workload="scale_replicates")
        for n, t in zip(sizes, timings, strict=True)
    ]


def scale_rounds(
    weeks: Sequence[int] = (13, 26, 52, 104), n_replicates: int = 10_000, repeats: int = 3
) -> list[Record]:
    """Workload 2 with the deadline moved to ``weeks`` weekly rounds after the start."""
    start = dt.date.fromisoformat(START_DATE)
    setups = [
        eight_issue_experiment([f"scenario.deadline={start + dt.timedelta(days=7 * w)}"])
        for w in weeks
    ]
    timings = time_interleaved([runner(s, n_replicates) for s in setups], repeats)
    out = []
    for setup, timing in zip(setups, timings, strict=True):
        rec = eight_issue_record(timing, setup, n_replicates, workload="scale_rounds")
        rec["us_per_replicate_week"] = 1e6 * rec["best_s"] / (n_replicates * rec["weeks_stepped"])
        out.append(rec)
    return out


def synthetic_experiment(
    n_issues: int, n_weeks: int = 52, seed: int = SYNTHETIC_SEED
) -> Experiment:
    """One track of ``n_issues`` ten-option issues (10**n_issues outcomes), opposed utilities.

    Weights and values come from ``default_rng(seed)``; Canada's values fall with the option
    index, the United States' rise. Conceder (Canada) against Boulware (United States).
    """
    rng = np.random.default_rng(seed)
    options = tuple(f"o{j}" for j in range(OPTIONS_PER_ISSUE))
    names = [f"issue_{i}" for i in range(n_issues)]
    issues = {
        n: Issue(
            name=n,
            options=options,
            status_quo=options[-1],
            kind="tariff",
            rates={},
            trade_flow=0.0,
            borne_by="",
        )
        for n in names
    }

    def party(name: str, rising: bool) -> Party:
        values = {}
        for n in names:
            v = np.sort(rng.uniform(0.0, 1.0, OPTIONS_PER_ISSUE))
            v = (v - v[0]) / (v[-1] - v[0])
            values[n] = dict(zip(options, (v if rising else v[::-1]).tolist(), strict=True))
        weights = {n: float(w) for n, w in zip(names, rng.uniform(0.5, 1.5, n_issues), strict=True)}
        return Party(
            name,
            display_name=name,
            weights=weights,
            values=values,
            reservation_value=0.4,
            reservation_value_spread=0.1,
            track_reservation_values={},
        )

    start = dt.date.fromisoformat(START_DATE)
    scenario = Scenario(
        name=f"synthetic_{n_issues}x{OPTIONS_PER_ISSUE}",
        start_date=start,
        deadline=start + dt.timedelta(days=7 * n_weeks),
        parties=(party("canada", rising=False), party("united_states", rising=True)),
        issues=issues,
        tracks=(Track("package", tuple(names), ("canada", "united_states")),),
        negotiators=(
            NegotiatorSpec("ca", "CA", "canada", ("package",), 0.0),
            NegotiatorSpec("us", "US", "united_states", ("package",), 0.0),
        ),
    )
    compiled = compile_scenario(scenario)
    return Experiment(
        compiled=compiled,
        politics=compile_politics(compiled),
        protocol=ProtocolSpec(
            first_mover="united_states",
            suspension_weeks=1,
            escalation_rate_step=0.0,
            directive_time_boost=0.0,
            directive_weeks=1,
            directive_ratification_bonus=0.0,
            max_pressure_drift=0.0,
            is_ratification_required=False,
            delay_cost_scale=0.0,
            delay_cost_horizon_years=1.0,
        ),
        strategies={
            "canada": TimeDependentStrategy(beta=5.0, kappa=0.0, offer_policy=nearest_offer),
            "united_states": TimeDependentStrategy(beta=0.2, kappa=0.0, offer_policy=nearest_offer),
        },
        seed=SYNTHETIC_SEED,
    )


def scale_outcomes(
    n_issues: Sequence[int] = (3, 4, 5, 6), n_replicates: int = 10_000, repeats: int = 3
) -> list[Record]:
    """Compile time and negotiations per second for 10**k-outcome tracks."""
    setups, compile_s = [], []
    for k in n_issues:
        start = time.perf_counter()
        setups.append((SYNTHETIC_BATCH, synthetic_experiment(k)))
        compile_s.append(time.perf_counter() - start)
    timings = time_interleaved([runner(s, n_replicates) for s in setups], repeats)
    out = []
    for k, setup, timing, comp in zip(n_issues, setups, timings, compile_s, strict=True):
        rec = eight_issue_record(timing, setup, n_replicates, workload="scale_outcomes")
        rec.update(
            n_issues=k, compile_s=comp, log10_outcomes=round(math.log10(rec["n_outcomes"]), 2)
        )
        out.append(rec)
    return out
