"""Simulate a validated run config and write its run directory (used by the CLI and the API).

:func:`simulate_run` does the work in memory and returns a :class:`RunOutcome`;
:func:`write_run` writes ``outcomes.parquet``, ``summary.json``, the figures and, last but for the
completion stamp, ``manifest.json`` (seed, RNG scheme, versions, git commit, full config).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.summary import summarise
from sim.config.schema import RunConfig
from sim.runs.adaptive import AdaptiveReport, simulate_outcomes
from sim.runs.experiment import Experiment, build_experiment, resolve_workers
from sim.runs.files import build_manifest, write_json
from sim.runs.outputs import jsonable, write_outputs
from sim.runs.report import REPORT_FILE, run_report
from sim.runs.schema import MANIFEST_FILE, OUTCOMES_FILE

#: The run's log: Hydra's job logging writes it to ``run.log`` in the run directory.
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOutcome:
    """A simulated run, before (or after) it is written.

    Attributes:
        config: The validated run config.
        experiment: The compiled experiment.
        outcomes: The outcome table (one row per replicate and track).
        summary: The ``summary.json`` contents.
        adaptive: How adaptive replication went (``None`` when off).
        simulation_time_s: Seconds spent simulating and summarising.
    """

    config: RunConfig
    experiment: Experiment
    outcomes: pd.DataFrame
    summary: dict[str, Any]
    adaptive: AdaptiveReport | None
    simulation_time_s: float

    @property
    def n_replicates(self) -> int:
        """Replicates simulated."""
        return int(self.summary["n_replicates"])


def simulate_run(cfg: RunConfig) -> RunOutcome:
    """Simulate a validated run config (nothing is written).

    Args:
        cfg: The run config, already validated.

    Returns:
        The outcome table and its summary.
    """
    started = time.perf_counter()
    experiment = build_experiment(cfg)
    outcomes, adaptive = simulate_outcomes(experiment, cfg)
    n_replicates = adaptive.n_replicates if adaptive is not None else cfg.n_replicates
    header: dict[str, Any] = {
        "scenario": cfg.scenario.name,
        "seed": cfg.seed,
        "n_replicates": n_replicates,
    }
    if adaptive is not None:
        header["adaptive"] = adaptive.to_dict()
    summary = {**header, **summarise(outcomes, experiment.compiled)}
    elapsed = time.perf_counter() - started
    return RunOutcome(cfg, experiment, outcomes, summary, adaptive, elapsed)


def write_run(run: RunOutcome, out_dir: Path, wall_time_s: float | None = None) -> Path:
    """Write a simulated run's directory (tables, summary, figures, then the manifest).

    Args:
        run: The simulated run.
        out_dir: The run directory (created if needed).
        wall_time_s: Wall time to record (default: the simulation time).

    Returns:
        ``out_dir``.
    """
    cfg = run.config
    figures = cfg.figures is not False  # None (the default outside a sweep) draws them
    names = write_outputs(out_dir, run.outcomes, run.experiment.compiled, run.summary, figures)
    log.info("wrote %s and %d figure(s) to %s", OUTCOMES_FILE, len(names), out_dir)
    extra = {
        "simulation_time_s": round(run.simulation_time_s, 3),
        "n_replicates": run.n_replicates,
        "batch_size": cfg.batch_size,
        "n_workers": resolve_workers(cfg.n_workers),
        "replicates_per_second": round(run.n_replicates / max(run.simulation_time_s, 1e-9), 1),
        "config": jsonable(cfg),
    }
    wall = run.simulation_time_s if wall_time_s is None else wall_time_s
    manifest = build_manifest(cfg.seed, wall, extra)
    write_json(out_dir / MANIFEST_FILE, manifest)
    run_report(out_dir, run.summary, manifest, names, track_label)
    log.info("wrote %s and %s", MANIFEST_FILE, REPORT_FILE)
    return out_dir


def format_likelihoods(likelihoods: pd.DataFrame) -> str:
    """A plain-text table of deal likelihoods with their 95% intervals."""
    lines = [f"{'track':<18} {'deal likelihood':>15}  {'95% interval':>17}  {'mean week':>9}"]
    for row in likelihoods.to_dict("records"):
        mean_week = float(row["mean_agreement_week"])
        week = "-" if math.isnan(mean_week) else f"{mean_week:.1f}"
        lines.append(
            f"{row['track']!s:<18} {row['deal_likelihood']:>15.1%}  "
            f"[{row['ci_low']:>6.1%}, {row['ci_high']:>6.1%}]  {week:>9}"
        )
    return "\n".join(lines)


def format_by_horizon(by_horizon: pd.DataFrame) -> str:
    """A plain-text table: per track, the deal likelihood by each review date."""
    labels = list(dict.fromkeys(by_horizon["horizon"]))
    lines = [f"{'deal by':<18} " + "  ".join(f"{h:>10}" for h in labels)]
    table = by_horizon.pivot(index="track", columns="horizon", values="deal_likelihood")
    for track in dict.fromkeys(by_horizon["track"]):
        cells = "  ".join(f"{table.loc[track, h]:>10.1%}" for h in labels)
        lines.append(f"{track!s:<18} {cells}")
    return "\n".join(lines)


def execute(cfg: RunConfig, out_dir: Path) -> dict[str, Any]:
    """Simulate a validated run config, write its run directory and print the likelihoods.

    Args:
        cfg: The run config (already validated).
        out_dir: The run directory.

    Returns:
        The summary written to ``summary.json``.
    """
    started = time.perf_counter()
    log.info(
        "simulating %s replicates of scenario %s (seed %s, batches of %s, %s worker(s))",
        f"{cfg.n_replicates:,}",
        cfg.scenario.name,
        cfg.seed,
        cfg.batch_size,
        resolve_workers(cfg.n_workers),
    )
    run = simulate_run(cfg)
    log.info("simulated in %.2f s", run.simulation_time_s)
    write_run(run, out_dir, wall_time_s=time.perf_counter() - started)
    wall = time.perf_counter() - started
    tables = [format_likelihoods(pd.DataFrame(run.summary["deal_likelihood"]))]
    by_horizon = pd.DataFrame(run.summary["deal_likelihood_by_horizon"])
    if by_horizon["horizon"].nunique() > 1:
        tables.append(format_by_horizon(by_horizon))
    if run.adaptive is not None:
        tables.append(run.adaptive.describe())
    tables.append(f"{run.n_replicates:,} replicates in {wall:.2f} s -> {out_dir}")
    for text in tables:
        print(text)
        log.info("\n%s", text)
    return run.summary


def track_label(name: str) -> str:
    """A track's name as a reader writes it (``steel_aluminum`` -> ``steel aluminum``)."""
    return str(name).replace("_", " ")
