"""Where the points of a design or a sweep run: here, in local processes, or on a Dask cluster.

:func:`map_points` is the one seam: a picklable callable, a list of points, results in order.
``sim.sweep`` uses it, and so can any code with independent points (a sensitivity design, a
calibration's proposals): each point is a whole run, simulated by the same code wherever it
runs, and a replicate's random numbers depend only on the seed and its index
(:mod:`sim.engine.streams`), so a point gives the same result on a cluster as here.

Backends:

* ``"local"`` (default): in this process, or in ``n_workers`` local processes.
* ``"dask"``: on the Dask distributed cluster at ``address`` (``tcp://host:port`` of its
  scheduler), e.g. started with ``dask scheduler`` and ``dask worker`` on the machines, or by a
  job queue (dask-jobqueue on SLURM/PBS, dask-kubernetes). Giving an ``address`` alone means
  ``"dask"``.

Why Dask distributed rather than Ray (docs/architecture.md): it is already a pinned dependency
(pyabc's calibration runs on it), installs as plain wheels, and works with the lock's cloudpickle
3; the Ray extra needs the Hydra Ray launcher, which pins cloudpickle below 3. Hydra launchers
(joblib, submitit, Ray) remain the way to spread *command-line* sweeps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

#: The backends :func:`map_points` knows.
BACKENDS = ("local", "dask")


def map_points[P, R](
    fn: Callable[[P], R],
    points: Sequence[P],
    backend: str | None = None,
    address: str | None = None,
    n_workers: int = 1,
) -> list[R]:
    """``[fn(p) for p in points]``, computed where ``backend`` says, in the points' order.

    Args:
        fn: A picklable callable (a module-level function or a dataclass instance).
        points: The points (picklable).
        backend: ``"local"`` or ``"dask"``; default ``"dask"`` with an ``address``, else local.
        address: The Dask scheduler's address (``tcp://host:port``).
        n_workers: Local processes for the ``"local"`` backend (1: this process).

    Raises:
        ValueError: An unknown backend, or ``"dask"`` without an address.
        OSError: The cluster cannot be reached (one line naming the address).
    """
    chosen = backend or ("dask" if address else "local")
    if chosen not in BACKENDS:
        raise ValueError(f"backend={chosen!r}: must be one of {', '.join(BACKENDS)}")
    if chosen == "dask":
        if not address:
            raise ValueError("backend='dask' needs address='tcp://host:port' (its scheduler)")
        return _map_on_dask(fn, list(points), address)
    return _map_locally(fn, list(points), n_workers)


def _map_locally[P, R](fn: Callable[[P], R], points: list[P], n_workers: int) -> list[R]:
    if n_workers <= 1 or len(points) <= 1:
        return [fn(p) for p in points]
    from sim.runs.limits import effective_workers

    with ProcessPoolExecutor(max_workers=min(effective_workers(n_workers), len(points))) as pool:
        return list(pool.map(fn, points))


def _map_on_dask[P, R](fn: Callable[[P], R], points: list[P], address: str) -> list[R]:
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - distributed is a pinned dependency
        raise ImportError("backend='dask' needs the distributed package") from exc
    try:
        client = Client(address, timeout="20s", set_as_default=False)
    except OSError as exc:
        raise OSError(f"{address}: cannot reach the Dask scheduler ({exc})") from None
    try:
        # pure=False: two equal points are still two runs; gather keeps the points' order
        futures: list[Any] = client.map(fn, points, pure=False)
        return list(client.gather(futures))
    finally:
        client.close()
