"""Monte Carlo replicates: split into batches, simulate (optionally in worker processes), collect.

Replicate ``i`` depends only on the experiment seed and ``i`` (see :mod:`sim.engine.streams`), so
the outcome table is identical whatever the batch size or the number of workers.
"""

from __future__ import annotations

import collections
import contextlib
import math
import multiprocessing as mp
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from tqdm import tqdm

from sim.agents.strategies.base import Strategy
from sim.config.build import build_protocol, build_scenario, build_strategies
from sim.config.schema import RunConfig
from sim.domain.outcome_space import CompiledScenario, compile_scenario
from sim.domain.politics import CompiledPolitics, compile_politics
from sim.domain.scenario import ProtocolSpec
from sim.engine.model import NegotiationModel
from sim.runs.limits import effective_workers
from sim.runs.schema import outcomes_frame

IntArray = npt.NDArray[np.int64]
Columns = dict[str, np.ndarray]

# tqdm's monitor thread would outlive our bars and make forking worker processes unsafe; our bar
# is updated once per batch anyway, so it needs no monitor.
tqdm.monitor_interval = 0


@dataclass(frozen=True)
class Experiment:
    """Everything needed to simulate any replicate of a run.

    Attributes:
        compiled: Compiled scenario (outcome spaces and utility tables).
        politics: Compiled political layer (ratification tables, conditions).
        protocol: Protocol spec.
        strategies: Strategy per party key.
        seed: Experiment seed.
    """

    compiled: CompiledScenario
    politics: CompiledPolitics
    protocol: ProtocolSpec
    strategies: dict[str, Strategy]
    seed: int

    def model(self, replicates: IntArray, record_trace: bool = False) -> NegotiationModel:
        """A fresh Mesa model for one batch of replicates."""
        return NegotiationModel(
            self.compiled,
            self.politics,
            self.protocol,
            self.strategies,
            self.seed,
            replicates,
            record_trace=record_trace,
        )

    def simulate(self, replicates: IntArray) -> Columns:
        """Simulate one batch of replicates with one Mesa model."""
        model = self.model(replicates)
        model.run()
        columns = model.outcome_columns()
        model.release()  # its arrays now, not when the cyclic collector gets round to it
        return columns


def iter_batches(
    n_replicates: int, batch_size: int, n_workers: int, first: int = 0
) -> Iterator[IntArray]:
    """Split replicate indices ``first .. first + n_replicates - 1`` into batches, lazily.

    With several workers every worker gets the same number of batches, each as large as
    ``batch_size`` allows: equal shares balance the load, and a large batch is faster per
    replicate (BENCHMARKS.md; four smaller batches per worker cost a 2-worker run about 5 %).
    Lazily, so 10^7 replicates do not hold 10^7 indices before the first batch starts.
    """
    size = batch_size
    if n_workers > 1:
        rounds = max(1, math.ceil(n_replicates / (n_workers * batch_size)))
        size = math.ceil(n_replicates / (n_workers * rounds))
    size = max(1, min(batch_size, size))
    stop = first + n_replicates
    return (np.arange(s, min(s + size, stop), dtype=np.int64) for s in range(first, stop, size))


def plan_batches(
    n_replicates: int, batch_size: int, n_workers: int, first: int = 0
) -> list[IntArray]:
    """:func:`iter_batches` as a list."""
    return list(iter_batches(n_replicates, batch_size, n_workers, first))


def resolve_workers(n_workers: int) -> int:
    """``0`` means one worker per usable core; more than the usable cores are capped to them."""
    return effective_workers(n_workers)


_WORKER_EXPERIMENT: Experiment | None = None


def _init_worker(experiment: Experiment) -> None:
    global _WORKER_EXPERIMENT  # one copy per worker process, sent once, not once per batch
    _WORKER_EXPERIMENT = experiment


def _simulate_in_worker(replicates: IntArray) -> Columns:
    assert _WORKER_EXPERIMENT is not None
    return _sort_rows(_WORKER_EXPERIMENT.simulate(replicates))  # sorted here, in parallel


def _start_method() -> str:
    """``fork`` when it is safe (a single-threaded parent on a platform with fork), else ``spawn``.

    Forked workers inherit the imported modules and the compiled experiment, so they start in
    milliseconds; spawned ones re-import the package (about a second each). Forking a process whose
    Python threads may hold locks can deadlock, hence the check. Native pools that may be alive
    (OpenBLAS, Arrow) shut down or reset around fork through their own ``pthread_atfork`` handlers,
    and the workers only step numpy arrays, so CPython's generic "multi-threaded fork" warning,
    which counts those native threads, does not apply here.
    """
    if "fork" in mp.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _in_order(
    pool: ProcessPoolExecutor, batches: Iterator[IntArray], window: int
) -> Iterator[Columns]:
    """The batches' results in batch order, with at most ``window`` batches in flight.

    A bounded window (unlike ``pool.map``, which submits every batch at once) keeps the finished
    but not yet consumed results to a few batches, so memory does not grow with the run.
    """
    pending: collections.deque[Future[Columns]] = collections.deque()
    for batch in batches:
        pending.append(pool.submit(_simulate_in_worker, batch))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


@contextlib.contextmanager
def _batch_results(
    experiment: Experiment, n_batches: int, batches: Iterator[IntArray], n_workers: int
) -> Iterator[Iterator[Columns]]:
    """The batches' results, rows sorted, in batch order (from workers if ``n_workers > 1``)."""
    if n_workers <= 1 or n_batches <= 1:
        yield (_sort_rows(experiment.simulate(b)) for b in batches)
        return
    workers = min(n_workers, n_batches)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=mp.get_context(_start_method()),
        initializer=_init_worker,
        initargs=(experiment,),
    ) as pool:
        # with fork, the first submit starts every worker at once (before the executor's thread)
        yield _in_order(pool, batches, window=2 * workers)


def run_replicates(
    experiment: Experiment,
    n_replicates: int,
    batch_size: int,
    n_workers: int = 1,
    progress: bool = False,
    first: int = 0,
) -> pd.DataFrame:
    """Simulate replicates ``first .. first + n_replicates - 1`` and return the outcome table.

    Args:
        experiment: What to simulate.
        n_replicates: How many replicates.
        batch_size: Replicates per Mesa model.
        n_workers: Worker processes (0 = all cores).
        progress: Show a progress bar if the run takes more than about two seconds.
        first: Index of the first replicate (to extend a run: replicate ``i`` is the same
            whichever call simulates it).

    Returns:
        One row per replicate and track, sorted by replicate then track.
    """
    parts = list(
        iter_batch_columns(experiment, n_replicates, batch_size, n_workers, progress, first)
    )
    return outcomes_frame(experiment.compiled, experiment.seed, _concat(parts))


def iter_batch_columns(
    experiment: Experiment,
    n_replicates: int,
    batch_size: int,
    n_workers: int = 1,
    progress: bool = False,
    first: int = 0,
) -> Iterator[Columns]:
    """Simulate replicates batch by batch and yield each batch's columns in replicate order.

    Each batch is sorted by replicate then track, and batches cover consecutive replicates, so
    the yielded batches concatenate to the table :func:`run_replicates` returns.
    """
    workers = resolve_workers(n_workers)
    size = next(iter_batches(n_replicates, batch_size, workers, first), np.arange(1)).size
    n_batches = math.ceil(n_replicates / max(size, 1))
    batches = iter_batches(n_replicates, batch_size, workers, first)
    bar = tqdm(total=n_replicates, unit="rep", disable=not progress, delay=2.0, desc="replicates")
    n_tracks = max(len(experiment.compiled.tracks), 1)
    with _batch_results(experiment, n_batches, batches, workers) as results, bar:
        for cols in results:
            bar.update(int(cols["replicate"].size // n_tracks))
            yield cols


def run_one_replicate(experiment: Experiment, replicate: int) -> pd.DataFrame:
    """Simulate a single replicate alone (it reproduces that replicate of any larger run)."""
    cols = experiment.simulate(np.array([replicate], dtype=np.int64))
    return outcomes_frame(experiment.compiled, experiment.seed, cols)


def _sort_rows(cols: Columns) -> Columns:
    """Rows by replicate then track (the engine writes them track-major)."""
    order = np.lexsort((cols["track"], cols["replicate"]))
    return {k: v[order] for k, v in cols.items()}


def _concat(parts: list[Columns]) -> Columns:
    """Concatenate sorted batches of consecutive replicates (the result stays sorted)."""
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def compile_run(cfg: RunConfig) -> tuple[CompiledScenario, CompiledPolitics]:
    """Build and compile the scenario and its political layer (done once per run)."""
    compiled = compile_scenario(build_scenario(cfg.scenario, cfg.protocol))
    return compiled, compile_politics(compiled, cfg.protocol.ratification)


def build_experiment(cfg: RunConfig) -> Experiment:
    """Compile the scenario and build everything a replicate needs (once per run)."""
    compiled, politics = compile_run(cfg)
    return Experiment(
        compiled=compiled,
        politics=politics,
        protocol=build_protocol(cfg.protocol),
        strategies=build_strategies(cfg),
        seed=cfg.seed,
    )
