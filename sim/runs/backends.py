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

import contextlib
import multiprocessing as mp
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from tqdm import tqdm

from sim.runs.limits import effective_workers

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
        n_workers: Local processes for the ``"local"`` backend (1: this process; 0: one per
            usable core).

    Raises:
        ValueError: An unknown backend, or ``"dask"`` without an address.
        OSError: The cluster cannot be reached (one line naming the address).
    """
    return list(iter_points(fn, points, backend=backend, address=address, n_workers=n_workers))


def iter_points[P, R](
    fn: Callable[[P], R],
    points: Sequence[P],
    *,
    backend: str | None = None,
    address: str | None = None,
    n_workers: int = 1,
    progress: bool = False,
) -> Iterator[R]:
    """Yield ``fn(p)`` for every point in the points' order, as :func:`map_points` computes them.

    Results arrive one by one, so a caller can save each finished point before the next
    arrives (a design that resumes); ``progress`` shows a bar over points.
    """
    chosen = resolve_backend(backend, address)
    bar = tqdm(total=len(points), unit="point", disable=not progress, delay=1.0, desc="points")
    with bar, _results(fn, list(points), chosen, address, n_workers) as results:
        for result in results:
            bar.update(1)
            yield result


def resolve_backend(backend: str | None, address: str | None) -> str:
    """The backend a call runs on; a one-line ``ValueError`` for a bad choice."""
    chosen = backend or ("dask" if address else "local")
    if chosen not in BACKENDS:
        raise ValueError(f"backend={chosen!r}: must be one of {', '.join(BACKENDS)}")
    if chosen == "dask" and not address:
        raise ValueError("backend='dask' needs address='tcp://host:port' (its scheduler)")
    return chosen


@contextlib.contextmanager
def _results[P, R](
    fn: Callable[[P], R], points: list[P], backend: str, address: str | None, n_workers: int
) -> Iterator[Iterator[R]]:
    if backend == "dask":
        with dask_client(str(address)) as client:
            # pure=False: two equal points are still two runs; results are taken in order
            futures: list[Any] = client.map(fn, points, pure=False)
            yield (future.result() for future in futures)
        return
    workers = effective_workers(n_workers)  # 0: one per usable core
    if workers <= 1 or len(points) <= 1:
        yield (fn(p) for p in points)
        return
    from sim.runs.experiment import _start_method

    context = mp.get_context(_start_method())
    chunk = max(1, len(points) // (workers * 8))
    with ProcessPoolExecutor(max_workers=min(workers, len(points)), mp_context=context) as pool:
        yield pool.map(fn, points, chunksize=chunk)


@contextlib.contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A client of the Dask scheduler at ``address``, closed on exit (a one-line ``OSError``)."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - distributed is a pinned dependency
        raise ImportError("backend='dask' needs the distributed package") from exc
    try:
        client = Client(address, timeout="20s", set_as_default=False)
    except OSError as exc:
        raise OSError(f"{address}: cannot reach the Dask scheduler ({exc})") from None
    try:
        yield client
    finally:
        client.close()
