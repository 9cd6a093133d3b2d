"""Benchmarks of the uncertainty tools (issue 12): a Morris screening and a rejection ABC.

Targets (one core): Morris over 12 parameters, 20 trajectories, 2,000 replicates a point
(260 points) in <= 120 s; rejection ABC of 1,000 prior draws x 200 replicates in <= 120 s. Both
time the points only (after composing the config and checking the priors once), in CPU and wall
seconds; ``other_cores`` is how busy the rest of the machine was.
"""

from __future__ import annotations

import time
from typing import Any

from sim.cli.compose import compose_run_config
from sim.uncertainty.abc import rejection_abc
from sim.uncertainty.calibrate import RecordReader
from sim.uncertainty.designs import make_design
from sim.uncertainty.observations import distance, parse_observations, window_config
from sim.uncertainty.points import PointRunner, run_points
from sim.uncertainty.sources import default_priors, load_set

Record = dict[str, Any]

#: The 12 parameters screened: the assumptions the issue found to matter, and their neighbours.
MORRIS_PARAMS = (
    "scenario.parties.united_states.track_reservation_values.steel_aluminum",
    "scenario.parties.united_states.track_reservation_values.autos",
    "scenario.parties.united_states.reservation_value",
    "scenario.parties.canada.reservation_value",
    "scenario.parties.canada.track_reservation_values.steel_aluminum",
    "scenario.parties.canada.track_reservation_values.forest_products",
    "scenario.leaders.trump.suspension_hazard_per_week",
    "scenario.leaders.trump.escalation_hazard_per_week",
    "scenario.leaders.carney.own_weight",
    "scenario.stakeholders.ca_autos.pressure_per_week",
    "scenario.stakeholders.us_steel.pressure_per_week",
    "scenario.review.end_probability",
)


def _timed(fn: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def bench_morris(trajectories: int = 20, n_replicates: int = 2000) -> Record:
    """Morris screening of :data:`MORRIS_PARAMS`: wall and CPU seconds for its points."""
    cfg = compose_run_config(["progress=false"])
    priors = default_priors(cfg).select(MORRIS_PARAMS)
    design = make_design("morris", priors.keys, trajectories, seed=0)
    runner = PointRunner(cfg, tuple(priors.keys), n_replicates)
    values = priors.values(design.unit)
    _, wall, cpu = _timed(lambda: run_points(runner, values))
    return {
        "workload": "morris_screening",
        "n_params": len(priors),
        "trajectories": trajectories,
        "n_points": len(values),
        "n_replicates": n_replicates,
        "wall_s": wall,
        "cpu_s": cpu,
        "target_s": 120.0,
    }


def bench_rejection(n_draws: int = 1000, n_replicates: int = 200) -> Record:
    """Rejection ABC on the pre-start record over every default prior."""
    cfg = compose_run_config(["progress=false"])
    priors = default_priors(cfg)
    obs = parse_observations(load_set("observations", "pre_start"), "pre_start")
    runner = PointRunner(
        window_config(cfg, obs), tuple(priors.keys), n_replicates, RecordReader(obs)
    )
    result, wall, cpu = _timed(
        lambda: rejection_abc(
            runner,
            priors,
            lambda s: distance(s, obs.ids),
            n_draws=n_draws,
            quantile=0.05,
            seed=0,
        )
    )
    return {
        "workload": "rejection_abc",
        "n_params": len(priors),
        "n_draws": n_draws,
        "n_replicates": n_replicates,
        "acceptance_rate": result.acceptance_rate,
        "wall_s": wall,
        "cpu_s": cpu,
        "target_s": 120.0,
    }


if __name__ == "__main__":
    import json
    import sys

    quick = "--quick" in sys.argv
    records = [
        bench_morris(2, 200) if quick else bench_morris(),
        bench_rejection(20, 50) if quick else bench_rejection(),
    ]
    print(json.dumps(records, indent=2))
