"""Simulate a validated run config and write its run directory (used by the CLI and the API).

:func:`execute` (the command line) streams the outcomes to disk in constant memory
(:func:`stream_run`); :func:`simulate_run` (the Python API) does the work in memory and returns a
:class:`RunOutcome`; :func:`write_run` writes ``outcomes.parquet``, ``summary.json``, the
figures and, last but for the completion stamp, ``manifest.json`` (seed, RNG scheme, versions,
git commit, full config).
"""

from __future__ import annotations

import errno
import logging
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.summary import summarise
from sim.config.labels import human
from sim.config.schema import RunConfig
from sim.runs.adaptive import AdaptiveReport, simulate_outcomes
from sim.runs.experiment import Experiment, build_experiment, resolve_workers
from sim.runs.faults import naming
from sim.runs.files import build_manifest, write_json
from sim.runs.limits import check_run
from sim.runs.outputs import jsonable, write_figures, write_outputs
from sim.runs.report import REPORT_FILE, run_report
from sim.runs.schema import MANIFEST_FILE, OUTCOMES_FILE, SUMMARY_FILE
from sim.runs.stream import simulate_streaming, streamed_parquet, summary_header

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
    _announce(check_run(cfg, in_memory=True))
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
    wall = run.simulation_time_s if wall_time_s is None else wall_time_s
    manifest = _write_manifest(out_dir, cfg, run.n_replicates, run.simulation_time_s, wall)
    run_report(out_dir, run.summary, manifest, names, human)
    log.info("wrote %s and %s", MANIFEST_FILE, REPORT_FILE)
    return out_dir


def _announce(notice: str | None) -> None:
    if notice is not None:
        print(notice, file=sys.stderr)
        log.warning(notice)


def _write_manifest(
    out_dir: Path, cfg: RunConfig, n_replicates: int, simulation_s: float, wall_s: float
) -> dict[str, Any]:
    extra = {
        "simulation_time_s": round(simulation_s, 3),
        "n_replicates": n_replicates,
        "batch_size": cfg.batch_size,
        "n_workers": resolve_workers(cfg.n_workers),
        "replicates_per_second": round(n_replicates / max(simulation_s, 1e-9), 1),
        "config": jsonable(cfg),
    }
    manifest = build_manifest(cfg.seed, wall_s, extra)
    write_json(out_dir / MANIFEST_FILE, manifest)
    return manifest


def stream_run(cfg: RunConfig, out_dir: Path) -> tuple[dict[str, Any], AdaptiveReport | None]:
    """Simulate a validated config in constant memory and write its run directory.

    The outcomes stream to ``outcomes.parquet`` (:mod:`sim.runs.stream`); the summary and the
    figures come from the running totals; the manifest and the report are written last.

    Returns:
        The summary written to ``summary.json`` and the adaptive report (``None`` when off).
    """
    _announce(check_run(cfg))
    started = time.perf_counter()
    with naming(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
    identity = _folder_identity(out_dir)
    experiment = build_experiment(cfg)
    with streamed_parquet(out_dir / OUTCOMES_FILE) as stream:
        streamed = simulate_streaming(experiment, cfg, stream.write)
    summary = {**summary_header(cfg, streamed), **streamed.totals.summary()}
    simulation_s = time.perf_counter() - started
    log.info("simulated in %.2f s", simulation_s)
    _require_folder(out_dir, identity)
    write_json(out_dir / SUMMARY_FILE, summary)
    names = write_figures(out_dir, streamed.totals, summary) if cfg.figures is not False else []
    log.info("wrote %s and %d figure(s) to %s", OUTCOMES_FILE, len(names), out_dir)
    _require_folder(out_dir, identity)
    wall = time.perf_counter() - started
    manifest = _write_manifest(out_dir, cfg, streamed.n_replicates, simulation_s, wall)
    run_report(out_dir, summary, manifest, names, human)
    log.info("wrote %s and %s", MANIFEST_FILE, REPORT_FILE)
    return summary, streamed.adaptive


def _folder_identity(out_dir: Path) -> tuple[int, int]:
    """The run folder's device and inode, to notice it vanished (or was replaced) mid-run."""
    try:
        st = out_dir.stat()
    except FileNotFoundError:
        return (-1, -1)
    return (st.st_dev, st.st_ino)


def _require_folder(out_dir: Path, identity: tuple[int, int]) -> None:
    """Stop if the run folder vanished mid-run: writing on would re-create it, half-full."""
    if _folder_identity(out_dir) != identity:
        raise FileNotFoundError(
            errno.ENOENT, "the run folder vanished while the run wrote it", str(out_dir)
        )


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
    summary, adaptive = stream_run(cfg, out_dir)
    wall = time.perf_counter() - started
    tables = [format_likelihoods(pd.DataFrame(summary["deal_likelihood"]))]
    by_horizon = pd.DataFrame(summary["deal_likelihood_by_horizon"])
    if by_horizon["horizon"].nunique() > 1:
        tables.append(format_by_horizon(by_horizon))
    if adaptive is not None:
        tables.append(adaptive.describe())
    tables.append(f"{int(summary['n_replicates']):,} replicates in {wall:.2f} s -> {out_dir}")
    for text in tables:
        print(text)
        log.info("\n%s", text)
    return summary
