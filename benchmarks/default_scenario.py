"""Workload 1: the default Canada-U.S. scenario (conf/config.yaml as is, progress off)."""

from __future__ import annotations

from benchmarks.common import Record, experiment_for, rate_record, time_repeats
from sim.runs.experiment import Experiment, run_replicates

WORKLOAD = "default_scenario"
#: The default scenario with both sides anticipating ratification (issue 11's performance target).
ANTICIPATION = "default_anticipation"
ANTICIPATING = tuple(
    f"negotiator.{party}.offer_policy=expected_utility" for party in ("canada", "united_states")
)


def default_experiment(overrides: tuple[str, ...] = ()) -> tuple[int, Experiment]:
    """The default run's batch size and its compiled experiment (with ``overrides``)."""
    cfg, experiment = experiment_for(overrides)
    return cfg.batch_size, experiment


def anticipation_experiment() -> tuple[int, Experiment]:
    """The default scenario with ``offer_policy=expected_utility`` for both parties."""
    return default_experiment(ANTICIPATING)


def bench_default(
    n_replicates: int,
    n_workers: int = 1,
    repeats: int = 3,
    setup: tuple[int, Experiment] | None = None,
    workload: str = WORKLOAD,
) -> Record:
    """Replicates per second of ``run_replicates`` on the default scenario (or ``setup``'s).

    The time covers everything ``run_replicates`` does: per-replicate seeding, the Mesa models,
    worker start-up when ``n_workers > 1``, and building the labelled outcome table.
    """
    batch_size, experiment = setup or default_experiment()
    run_replicates(experiment, min(n_replicates, 200), batch_size, 1)  # warm-up (first-call costs)
    timing = time_repeats(
        lambda: run_replicates(experiment, n_replicates, batch_size, n_workers), repeats
    )
    frame = timing[1]
    n_tracks = len(experiment.compiled.tracks)
    return rate_record(
        workload,
        n_replicates,
        "replicates",
        timing,
        n_workers=n_workers,
        batch_size=batch_size,
        n_tracks=n_tracks,
        n_weeks=experiment.compiled.n_weeks,
        deal_rate=float(frame["agreed"].mean()),
    )


def bench_pool_startup(repeats: int = 3, setup: tuple[int, Experiment] | None = None) -> Record:
    """Fixed cost of a 2-worker run: spawn, import, ship the experiment, simulate 2 replicates."""
    batch_size, experiment = setup or default_experiment()
    timing = time_repeats(lambda: run_replicates(experiment, 2, batch_size, 2), repeats)
    return rate_record("pool_startup", 2, "replicates", timing, n_workers=2)
