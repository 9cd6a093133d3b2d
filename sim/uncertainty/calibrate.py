"""``sim.calibrate``: fit the priors to the pre-start record by ABC, then score out of sample.

1. Read the record (default ``conf/observations/pre_start.yaml``, events before 10 Oct 2025)
   from history runs over its window at each prior draw (:mod:`sim.uncertainty.observations`).
2. Rejection ABC (distance quantile) or ABC-SMC (pyabc) gives posterior draws.
3. Re-run the ordinary scenario at prior and posterior draws: deal likelihoods by horizon, and
   the log and Brier scores of the post-start events (``post_start.yaml``), which never enter
   the fit.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config.errors import ConfigError
from sim.config.schema import RunConfig
from sim.runs.outputs import jsonable
from sim.runs.report import Section, Table, Text
from sim.uncertainty.abc import posterior_table, rejection_abc, smc_abc
from sim.uncertainty.observations import (
    ObservationSet,
    check_against,
    distance,
    statistics,
    window_config,
)
from sim.uncertainty.points import PointRunner, PointStore, check_backend, run_points
from sim.uncertainty.priors import PriorSet
from sim.uncertainty.scoring import ForecastReader, horizon_table, score_table
from sim.uncertainty.tables import (
    figure_item,
    shown_table,
    write_manifest,
    write_table,
    write_tool_report,
)

CALIBRATION_START = "2025-10-10"


@dataclass(frozen=True)
class CalibrateSettings:
    """How to calibrate (the keys of ``conf/calibrate.yaml``).

    Attributes:
        method: ``rejection`` or ``smc``.
        n_draws: Prior draws (rejection).
        quantile: Share of draws accepted (rejection).
        population_size: Particles per population (SMC).
        max_populations: Populations (SMC).
        abc_seed: Seed of the prior draws and of pyabc.
        params: Parameters to fit (keys with priors; empty: every prior).
        n_replicates: Replicates per history run.
        forecast_draws: Prior and posterior draws re-run for forecasts and scores.
        forecast_replicates: Replicates per forecast run.
        horizons: Dates of the deal-likelihood horizons.
        n_workers: Worker processes over draws.
        backend: Where draws run: ``local`` or ``dask`` (the cluster at ``address``; SMC uses
            pyabc's Dask sampler there).
        address: A Dask scheduler, ``tcp://host:port`` (implies ``backend=dask``).
        progress: Progress bars.
    """

    method: str = "rejection"
    n_draws: int = 1000
    quantile: float = 0.05
    population_size: int = 200
    max_populations: int = 4
    abc_seed: int = 0
    params: tuple[str, ...] = ()
    n_replicates: int = 200
    forecast_draws: int = 40
    forecast_replicates: int = 500
    horizons: tuple[str, ...] = ("2026-01-01", "2026-07-01", "2027-07-01")
    n_workers: int = 1
    backend: str | None = None
    address: str | None = None
    progress: bool = True


@dataclass(frozen=True)
class RecordReader:
    """A history run's statistics: the share of replicates consistent with each event."""

    observations: ObservationSet

    def __call__(self, outcomes: pd.DataFrame, cfg: RunConfig) -> dict[str, float]:
        """Read one point's outcome table."""
        return statistics(outcomes, self.observations)


@dataclass
class CalibrateResult:
    """A calibration's draws and tables (also written to ``run_dir``)."""

    run_dir: Path
    prior_draws: np.ndarray
    posterior_draws: np.ndarray
    acceptance_rate: float
    tables: dict[str, pd.DataFrame]


def _check_fit_set(obs: ObservationSet) -> None:
    """The fitting set holds only events before the model's start (no look-ahead)."""
    late = [o.id for o in obs.entries if o.date.isoformat() > CALIBRATION_START]
    if late:
        raise ConfigError(
            "observations", late, f"fit only on events dated up to {CALIBRATION_START}"
        )


def _posterior(
    runner: PointRunner,
    priors: PriorSet,
    obs: ObservationSet,
    settings: CalibrateSettings,
    run_dir: Path,
) -> tuple[np.ndarray, np.ndarray, float, pd.DataFrame]:
    """Prior draws, posterior draws, acceptance rate, and the method's own table."""
    if settings.method == "rejection":
        result = rejection_abc(
            runner,
            priors,
            lambda stats: distance(stats, obs.ids),
            n_draws=settings.n_draws,
            quantile=settings.quantile,
            seed=settings.abc_seed,
            store=PointStore(run_dir),
            n_workers=settings.n_workers,
            progress=settings.progress,
            backend=settings.backend,
            address=settings.address,
        )
        draws = result.stats.assign(distance=result.distances, accepted=False)
        draws.loc[result.accepted, "accepted"] = True
        return result.values, result.posterior, result.acceptance_rate, draws
    if settings.method == "smc":
        values, weights, pops = smc_abc(
            runner,
            priors,
            {**dict.fromkeys(obs.ids, 1.0)},
            run_dir / "abc_smc.db",
            population_size=settings.population_size,
            max_populations=settings.max_populations,
            seed=settings.abc_seed,
            n_workers=settings.n_workers,
            address=settings.address if settings.backend != "local" else None,
        )
        rng = np.random.default_rng(settings.abc_seed)
        picked = rng.choice(len(values), size=len(values), p=weights / weights.sum())
        prior = priors.sample(max(len(values), 200), rng)
        rate = float(pops["acceptance_rate"].iloc[-1])
        return prior, values[picked], rate, pops
    raise ConfigError("method", settings.method, "one of ['rejection', 'smc']")


def run_calibrate(
    cfg: RunConfig,
    priors: PriorSet,
    fit: ObservationSet,
    score: ObservationSet,
    settings: CalibrateSettings,
    run_dir: Path,
) -> CalibrateResult:
    """Calibrate on ``fit``, forecast and score on ``score``, write the run directory."""
    started = time.perf_counter()
    _check_fit_set(fit)
    check_backend(settings.backend, settings.address)
    check_against(fit, cfg)
    check_against(score, cfg)
    chosen = priors.select(settings.params) if settings.params else priors
    history = window_config(cfg, fit)
    runner = PointRunner(history, tuple(chosen.keys), settings.n_replicates, RecordReader(fit))
    run_dir.mkdir(parents=True, exist_ok=True)
    prior_draws, posterior_draws, rate, method_table = _posterior(
        runner, chosen, fit, settings, run_dir
    )
    forecasts = _forecasts(cfg, chosen, score, settings, prior_draws, posterior_draws)
    tables = {
        "abc_draws" if settings.method == "rejection" else "abc_populations": method_table,
        "posterior": posterior_table(chosen, posterior_draws),
        "posterior_draws": pd.DataFrame(posterior_draws, columns=chosen.keys),
        "horizons": horizon_table(forecasts),
        "scores": score_table(forecasts, score.ids, settings.forecast_replicates),
    }
    result = CalibrateResult(run_dir, prior_draws, posterior_draws, rate, tables)
    for name, table in tables.items():
        write_table(run_dir, name, table)
    manifest = write_manifest(
        run_dir,
        cfg.seed,
        started,
        {
            "tool": "sim.calibrate",
            "settings": asdict(settings),
            "acceptance_rate": rate,
            "observations": fit.name,
            "score_observations": score.name,
            "priors": [asdict(p) for p in chosen.priors],
            "config": jsonable(cfg),
        },
    )
    _write_report(result, chosen, fit, score, settings, manifest)
    return result


def _forecasts(
    cfg: RunConfig,
    priors: PriorSet,
    score: ObservationSet,
    settings: CalibrateSettings,
    prior_draws: np.ndarray,
    posterior_draws: np.ndarray,
) -> dict[str, pd.DataFrame]:
    """The ordinary scenario at the first ``forecast_draws`` prior and posterior draws."""
    reader = ForecastReader(score, tuple(settings.horizons))
    runner = PointRunner(cfg, tuple(priors.keys), settings.forecast_replicates, reader)
    out = {}
    for which, draws in (("prior", prior_draws), ("posterior", posterior_draws)):
        chosen = draws[: settings.forecast_draws]
        out[which] = run_points(
            runner,
            chosen,
            n_workers=settings.n_workers,
            backend=settings.backend,
            address=settings.address,
        )
    return out


def _write_report(
    result: CalibrateResult,
    priors: PriorSet,
    fit: ObservationSet,
    score: ObservationSet,
    settings: CalibrateSettings,
    manifest: dict[str, Any],
) -> None:
    from sim.plots import uncertainty as plots  # matplotlib only when drawing

    out = result.run_dir
    events = pd.DataFrame(
        [{"id": o.id, "date": o.date, "kind": o.kind, "text": o.text} for o in fit.entries]
    )
    record = Section(
        f"The record fitted ({fit.name})",
        [Table("Events", events, f"Read from history runs over {fit.window}.")],
    )
    posterior = result.tables["posterior"].sort_values("shrinkage", ascending=False)
    top = posterior["parameter"].head(9).tolist()
    idx = [priors.keys.index(k) for k in top]
    path = plots.plot_posteriors(
        top, result.prior_draws[:, idx], result.posterior_draws[:, idx], out / "posterior.png"
    )
    fitted = Section(
        "Posterior (sorted by shrinkage = 1 - var_post / var_prior)",
        [figure_item(path, "Prior (grey) and posterior marginals"),
         shown_table("Posterior", posterior, "posterior")],
    )  # fmt: skip
    path = plots.plot_horizons(result.tables["horizons"], out / "horizons.png")
    horizons = Section(
        "Predictive deal likelihood by horizon (90 % over draws)",
        [figure_item(path, "Prior and posterior predictive, 90 % bands over draws"),
         shown_table("By horizon", result.tables["horizons"], "horizons")],
    )  # fmt: skip
    scores = Section(
        f"Out-of-sample score on {score.name} (never used to fit)",
        [Text("Log score: higher is better. Brier: lower is better."),
         shown_table("Scores", result.tables["scores"], "scores")],
    )  # fmt: skip
    subtitle = (
        f"{settings.method} ABC on {len(fit.entries)} events before {CALIBRATION_START}; "
        f"acceptance rate {result.acceptance_rate:.2%}, {len(result.posterior_draws)} posterior "
        f"draws of {len(priors)} parameters"
    )
    write_tool_report(out, "sim.calibrate", [record, fitted, horizons, scores], manifest, subtitle)
