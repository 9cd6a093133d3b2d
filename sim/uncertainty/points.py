"""Run design points: a point runner, a resumable point store, and :func:`run_points`.

Every point is the same run config with some numeric values changed (:func:`with_values`), run
with the same seed, so all points share their random numbers (common random numbers): replicate
``i`` of every point draws the same uniforms, and differences between points are the parameters'
doing, not Monte Carlo noise. Where the points run is decided in one place,
:func:`sim.runs.backends.iter_points` (this process, local worker processes, or a Dask cluster).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from sim.config.errors import ConfigError
from sim.config.schema import RunConfig
from sim.runs.backends import BACKENDS, iter_points, resolve_backend
from sim.runs.experiment import build_experiment, run_replicates
from sim.runs.files import atomic_path
from sim.uncertainty.metrics import point_metrics
from sim.uncertainty.params import with_values

FloatArray = npt.NDArray[np.float64]
POINTS_DIR = "points"


@dataclass(frozen=True)
class PointRunner:
    """Simulate the base config at given parameter values and read the outcome table.

    Attributes:
        base: The validated base run config (its seed is every point's seed).
        keys: Parameter keys, the columns of the values.
        n_replicates: Replicates per point.
        read: Outcome table and the point's config -> named numbers (default: deal likelihood
            and mean final tariff per track).
    """

    base: RunConfig
    keys: tuple[str, ...]
    n_replicates: int
    read: Callable[[pd.DataFrame, RunConfig], dict[str, float]] = field(default=point_metrics)

    def config_at(self, values: Sequence[float]) -> RunConfig:
        """The point's run config (validated)."""
        return with_values(self.base, dict(zip(self.keys, map(float, values), strict=True)))

    def __call__(self, values: Sequence[float]) -> dict[str, float]:
        """Simulate one point and read its outcome table."""
        cfg = self.config_at(values)
        experiment = build_experiment(cfg)
        outcomes = run_replicates(experiment, self.n_replicates, cfg.batch_size, n_workers=1)
        return self.read(outcomes, cfg)


class PointStore:
    """Finished points as ``points/NNNNNN.json`` in a run directory, written atomically.

    A rerun into the same directory skips the points already there (after checking that they
    belong to the same design: same parameter values), so an interrupted design resumes.
    """

    def __init__(self, run_dir: Path) -> None:
        self.dir = Path(run_dir) / POINTS_DIR
        self.dir.mkdir(parents=True, exist_ok=True)

    def path(self, index: int) -> Path:
        """The file of point ``index``."""
        return self.dir / f"{index:06d}.json"

    def load(self, index: int, values: Sequence[float]) -> dict[str, float] | None:
        """A stored point's results, or ``None``; a one-line error if it is another design's."""
        path = self.path(index)
        if not path.is_file():
            return None
        record = json.loads(path.read_text())
        if not np.allclose(record["values"], list(values), rtol=0, atol=1e-12):
            raise ConfigError(
                "run_dir", str(self.dir.parent), "holds points of another design; use a new folder"
            )
        return {str(k): float(v) for k, v in record["metrics"].items()}

    def save(self, index: int, values: Sequence[float], metrics: dict[str, float]) -> None:
        """Write one finished point (atomically: a crash never leaves half a file)."""
        record = {"index": index, "values": [float(v) for v in values], "metrics": metrics}
        with atomic_path(self.path(index)) as tmp:
            tmp.write_text(json.dumps(record))


def check_backend(backend: str | None, address: str | None) -> None:
    """A one-line ``ConfigError`` for a backend a design cannot run on (before any point runs)."""
    try:
        resolve_backend(backend, address)
    except ValueError:
        key, value = ("address", address) if backend == "dask" else ("backend", backend)
        allowed = f"one of {list(BACKENDS)}; dask needs address=tcp://host:port"
        raise ConfigError(key, value, allowed) from None


def run_points(
    runner: Callable[[Sequence[float]], dict[str, float]],
    values: FloatArray,
    *,
    store: PointStore | None = None,
    n_workers: int = 1,
    progress: bool = False,
    backend: str | None = None,
    address: str | None = None,
) -> pd.DataFrame:
    """Results of every row of ``values`` (resuming from ``store``), one row per point.

    Points run where :func:`sim.runs.backends.iter_points` sends them (this process, local
    workers, or a Dask cluster at ``address``); each is saved as it arrives.

    Returns:
        One column per metric, in point order.
    """
    rows: list[dict[str, float] | None] = [None] * len(values)
    todo: list[int] = []
    for i, point in enumerate(values):
        rows[i] = store.load(i, point) if store is not None else None
        if rows[i] is None:
            todo.append(i)
    results = iter_points(
        runner,
        [values[i] for i in todo],
        backend=backend,
        address=address,
        n_workers=n_workers,
        progress=progress,
    )
    for i, metrics in zip(todo, results, strict=True):
        if store is not None:
            store.save(i, values[i], metrics)
        rows[i] = metrics
    return pd.DataFrame([r or {} for r in rows])


def with_index(values: FloatArray, keys: Sequence[str]) -> pd.DataFrame:
    """The design's values as a table with the parameter keys as columns."""
    return pd.DataFrame(np.asarray(values), columns=list(keys))
