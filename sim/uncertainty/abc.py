"""Approximate Bayesian computation: rejection ABC (numpy) and ABC-SMC (pyabc 0.13).

Rejection ABC (Pritchard et al. 1999; Beaumont, Zhang and Balding 2002): draw ``θ_i`` from the
prior, simulate the statistics ``s(θ_i)``, and keep the draws whose distance
``ρ(s(θ_i), s_obs)`` is within the ``quantile``-quantile of all distances. The kept draws are a
sample from the ABC posterior ``p(θ | ρ ≤ ε)``. ABC-SMC (Toni et al. 2009; Klinger, Rickert and
Hasenauer 2018 for pyabc) shrinks ε over populations, proposing from a perturbed previous
population and reweighting by prior / proposal density.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sim.config.errors import ConfigError
from sim.runs.backends import dask_client
from sim.uncertainty.points import PointStore, run_points
from sim.uncertainty.priors import PriorSet

FloatArray = npt.NDArray[np.float64]

#: Columns of :func:`posterior_table`.
POSTERIOR_COLUMNS = (
    "parameter",
    "prior_mean",
    "prior_low",
    "prior_high",
    "posterior_mean",
    "posterior_low",
    "posterior_high",
    "shrinkage",
)


@dataclass(frozen=True)
class RejectionResult:
    """A rejection-ABC run.

    Attributes:
        values: Prior draws ``(n, d)``.
        stats: Their statistics (one row per draw).
        distances: Their distances to the observations.
        threshold: The acceptance distance ε (the quantile of the distances).
        accepted: Indices of the accepted draws.
    """

    values: FloatArray
    stats: pd.DataFrame
    distances: FloatArray
    threshold: float
    accepted: npt.NDArray[np.int64]

    @property
    def acceptance_rate(self) -> float:
        """Share of the draws kept."""
        return self.accepted.size / max(len(self.values), 1)

    @property
    def posterior(self) -> FloatArray:
        """The accepted draws ``(m, d)``."""
        return self.values[self.accepted]


def accept(distances: FloatArray, quantile: float) -> tuple[float, npt.NDArray[np.int64]]:
    """The ``quantile`` threshold of the distances and the draws at or below it (at least one)."""
    if not 0.0 < quantile <= 1.0:
        raise ConfigError("abc.quantile", quantile, "must be in (0, 1]")
    threshold = float(np.quantile(distances, quantile, method="inverted_cdf"))
    return threshold, np.flatnonzero(distances <= threshold).astype(np.int64)


def rejection_abc(
    simulate: Callable[[Sequence[float]], dict[str, float]],
    priors: PriorSet,
    distance: Callable[[pd.DataFrame], FloatArray],
    *,
    n_draws: int,
    quantile: float,
    seed: int,
    store: PointStore | None = None,
    n_workers: int = 1,
    progress: bool = False,
    backend: str | None = None,
    address: str | None = None,
) -> RejectionResult:
    """Rejection ABC over ``n_draws`` prior draws.

    Args:
        simulate: Parameter values -> statistics (for the model, a :class:`PointRunner`).
        priors: The priors (their keys are the values' columns).
        distance: The statistics table -> one distance per draw.
        n_draws: Prior draws.
        quantile: Share of draws kept (the acceptance quantile).
        seed: Seed of the prior draws (the simulation's seed is the run config's).
        store: Where finished draws are kept (resumable).
        n_workers: Worker processes for the draws.
        progress: A progress bar.
        backend: Where the draws run (:func:`sim.runs.backends.iter_points`).
        address: A Dask scheduler's address (implies ``backend="dask"``).
    """
    if n_draws < 1:
        raise ConfigError("abc.n_draws", n_draws, "must be an integer >= 1")
    values = priors.sample(n_draws, np.random.default_rng(seed))
    stats = run_points(
        simulate,
        values,
        store=store,
        n_workers=n_workers,
        progress=progress,
        backend=backend,
        address=address,
    )
    distances = distance(stats)
    threshold, kept = accept(distances, quantile)
    return RejectionResult(values, stats, distances, threshold, kept)


def posterior_table(priors: PriorSet, posterior: FloatArray, level: float = 0.9) -> pd.DataFrame:
    """Prior and posterior mean and central interval per parameter, and the shrinkage.

    ``shrinkage = 1 - var_post / var_prior`` (0: the record says nothing about it; 1: pinned).
    """
    tail = (1 - level) / 2
    rows = []
    for j, prior in enumerate(priors.priors):
        dist = prior.frozen()
        post = posterior[:, j]
        prior_var = float(dist.var())
        post_var = float(np.var(post, ddof=1)) if post.size > 1 else 0.0
        rows.append(
            {
                "parameter": prior.key,
                "prior_mean": float(dist.mean()),
                "prior_low": float(dist.ppf(tail)),
                "prior_high": float(dist.ppf(1 - tail)),
                "posterior_mean": float(post.mean()),
                "posterior_low": float(np.quantile(post, tail)),
                "posterior_high": float(np.quantile(post, 1 - tail)),
                "shrinkage": 1.0 - post_var / prior_var if prior_var > 0 else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=list(POSTERIOR_COLUMNS))


@dataclass(frozen=True)
class _PyabcModel:
    """pyabc's model: a parameter dict (names ``p0, p1, ...``) -> the statistics dict."""

    simulate: Callable[[Sequence[float]], dict[str, float]]
    n_params: int

    def __call__(self, parameter: Any) -> dict[str, float]:
        return self.simulate([float(parameter[f"p{j}"]) for j in range(self.n_params)])


def smc_abc(
    simulate: Callable[[Sequence[float]], dict[str, float]],
    priors: PriorSet,
    observed: dict[str, float],
    db_path: Path,
    *,
    population_size: int,
    max_populations: int,
    seed: int,
    n_workers: int = 1,
    address: str | None = None,
) -> tuple[FloatArray, FloatArray, pd.DataFrame]:
    """ABC-SMC with pyabc; its sqlite database is ``db_path`` (inside the run directory).

    Particles are simulated in this process, in ``n_workers`` local processes, or on the Dask
    cluster at ``address`` (pyabc's own Dask sampler).

    Returns:
        The last population's parameters ``(m, d)``, their weights, and the populations'
        epsilons and acceptance rates (one row per population).
    """
    import pyabc  # imported here: pyabc is heavy, and only this function needs it

    np.random.seed(seed)  # noqa: NPY002 - pyabc draws from numpy's global state; seed it
    names = [f"p{j}" for j in range(len(priors))]
    rvs = {}
    for name, prior in zip(names, priors.priors, strict=True):
        dist, kwargs = prior.scipy_form()
        rvs[name] = pyabc.RV(dist, **kwargs)
    with _sampler(pyabc, n_workers, address) as sampler:
        return _run_smc(
            pyabc,
            simulate,
            rvs,
            names,
            observed,
            db_path,
            population_size,
            max_populations,
            sampler,
        )


@contextlib.contextmanager
def _sampler(pyabc: Any, n_workers: int, address: str | None) -> Iterator[Any]:
    if address:
        with dask_client(address) as client:
            yield pyabc.sampler.DaskDistributedSampler(dask_client=client)
        return
    if n_workers <= 1:
        yield pyabc.sampler.SingleCoreSampler()
        return
    yield pyabc.sampler.MulticoreEvalParallelSampler(n_procs=n_workers)


def _run_smc(
    pyabc: Any,
    simulate: Callable[[Sequence[float]], dict[str, float]],
    rvs: dict[str, Any],
    names: list[str],
    observed: dict[str, float],
    db_path: Path,
    population_size: int,
    max_populations: int,
    sampler: Any,
) -> tuple[FloatArray, FloatArray, pd.DataFrame]:
    abc = pyabc.ABCSMC(
        _PyabcModel(simulate, len(names)),
        pyabc.Distribution(**rvs),
        pyabc.PNormDistance(p=2),
        population_size=population_size,
        sampler=sampler,
    )
    abc.new(f"sqlite:///{Path(db_path).resolve()}", observed)
    history = abc.run(max_nr_populations=max_populations)
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    values = frame.loc[:, names].to_numpy(dtype=np.float64)
    populations = history.get_all_populations()
    table = populations.loc[populations["t"] >= 0, ["t", "epsilon", "samples"]].reset_index(
        drop=True
    )
    table["acceptance_rate"] = population_size / table["samples"]
    return values, np.asarray(weights, dtype=np.float64), table
