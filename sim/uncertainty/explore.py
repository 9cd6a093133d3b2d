"""``sim.explore``: a design over the priors, run with common random numbers, and its analysis.

Morris and Saltelli designs give sensitivity tables (:mod:`sim.uncertainty.sensitivity`); LHS
and Sobol designs are samples of the priors, so they give the deal likelihoods with their
parameter intervals (:mod:`sim.uncertainty.predictive`) and PRIM boxes for a question
(:mod:`sim.uncertainty.discovery`). Everything lands in one run directory (see
docs/uncertainty.md for its files).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config.errors import ConfigError
from sim.config.schema import RunConfig
from sim.runs.outputs import jsonable
from sim.uncertainty import figures
from sim.uncertainty.designs import Design, make_design
from sim.uncertainty.points import PointRunner, PointStore, check_backend, run_points
from sim.uncertainty.predictive import predictive_table
from sim.uncertainty.priors import PriorSet
from sim.uncertainty.report import Report
from sim.uncertainty.sensitivity import morris_table, sobol_table
from sim.uncertainty.tables import write_manifest, write_table


@dataclass(frozen=True)
class ExploreSettings:
    """What to explore (the keys of ``conf/explore.yaml``).

    Attributes:
        design: ``morris``, ``saltelli`` (Sobol' indices), ``lhs`` or ``sobol``.
        size: Trajectories (Morris), base samples (Saltelli) or points (LHS, Sobol).
        levels: Morris grid levels.
        design_seed: Seed of the design (the simulation's seed is the run config's).
        params: Parameters to vary (keys with priors; empty: every prior).
        n_replicates: Replicates per point.
        n_workers: Worker processes over points (0: one per core).
        backend: Where points run: ``local`` (this machine) or ``dask`` (the cluster at
            ``address``); see :func:`sim.runs.backends.iter_points`.
        address: A Dask scheduler, ``tcp://host:port`` (implies ``backend=dask``).
        progress: A progress bar over points.
        prim_output: PRIM's question: this output ...
        prim_threshold: ... above this value (LHS and Sobol designs; ``prim: false`` skips it).
        prim: Run PRIM on LHS/Sobol designs.
    """

    design: str = "morris"
    size: int = 20
    levels: int = 4
    design_seed: int = 0
    params: tuple[str, ...] = ()
    n_replicates: int = 2000
    n_workers: int = 1
    backend: str | None = None
    address: str | None = None
    progress: bool = True
    prim_output: str = "deal.energy"
    prim_threshold: float = 0.5
    prim: bool = True


@dataclass
class ExploreResult:
    """An exploration's tables (also written to ``run_dir``)."""

    run_dir: Path
    design: Design
    values: pd.DataFrame
    results: pd.DataFrame
    base: dict[str, float]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def run_explore(
    cfg: RunConfig, priors: PriorSet, settings: ExploreSettings, run_dir: Path
) -> ExploreResult:
    """Run the design's points (resuming from ``run_dir/points``) and write the analysis."""
    check_backend(settings.backend, settings.address)
    started = time.perf_counter()
    chosen = priors.select(settings.params) if settings.params else priors
    design = make_design(
        settings.design, chosen.keys, settings.size, settings.design_seed, settings.levels
    )
    values = chosen.values(design.unit)
    runner = PointRunner(cfg, tuple(chosen.keys), settings.n_replicates)
    run_dir.mkdir(parents=True, exist_ok=True)
    results = run_points(
        runner,
        values,
        store=PointStore(run_dir),
        n_workers=settings.n_workers,
        progress=settings.progress,
        backend=settings.backend,
        address=settings.address,
    )
    base = runner([float(cfg_value) for cfg_value in _base_values(cfg, chosen)])
    value_table = pd.DataFrame(values, columns=chosen.keys)
    result = ExploreResult(run_dir, design, value_table, results, base)
    result.tables = _analyse(result, chosen, settings)
    _write(result, chosen, settings)
    write_manifest(
        run_dir,
        cfg.seed,
        started,
        {
            "tool": "sim.explore",
            "settings": asdict(settings),
            "n_points": len(values),
            "priors": [asdict(p) for p in chosen.priors],
            "config": jsonable(cfg),
        },
    )
    return result


def _base_values(cfg: RunConfig, priors: PriorSet) -> list[float]:
    from sim.uncertainty.params import numeric_value

    return [numeric_value(cfg, k) for k in priors.keys]


def _analyse(
    result: ExploreResult, priors: PriorSet, settings: ExploreSettings
) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {"design": result.values, "results": result.results}
    if settings.design == "morris":
        tables["morris"] = morris_table(result.design, result.results)
    elif settings.design == "saltelli":
        tables["sobol_indices"] = sobol_table(result.design, result.results)
    else:
        tables["predictive"] = predictive_table(result.base, result.results, settings.n_replicates)
        if settings.prim:
            tables.update(_prim_tables(result, settings))
    return tables


def _prim_tables(result: ExploreResult, settings: ExploreSettings) -> dict[str, pd.DataFrame]:
    from sim.uncertainty.discovery import cases_of_interest, find_boxes

    question = f"{settings.prim_output} > {settings.prim_threshold:g}"
    y = cases_of_interest(result.results, settings.prim_output, settings.prim_threshold)
    try:
        found = find_boxes(result.values, y, question)
    except ConfigError as exc:  # no case (or every case) of interest: say so in the report
        return {"prim_note": pd.DataFrame({"question": [question], "note": [str(exc)]})}
    return {"prim_boxes": found.boxes, "prim_trajectory": found.trajectory}


def _write(result: ExploreResult, priors: PriorSet, settings: ExploreSettings) -> None:
    out = result.run_dir
    for name, table in result.tables.items():
        write_table(out, name, table)
    report = Report(f"sim.explore: {settings.design} design, {len(result.values)} points")
    report.text(
        f"{len(priors)} parameters drawn from their priors; {settings.n_replicates} replicates "
        "per point, the same seed at every point (common random numbers)."
    )
    report.heading("Priors").table(
        pd.DataFrame([{"parameter": p.key, "prior": p.spec, "why": p.why} for p in priors.priors]),
        max_rows=100,
    )
    for name, value, low, high in (
        ("morris", "mu_star", "mu_star_low", "mu_star_high"),
        ("sobol_indices", "ST", "ST_low", "ST_high"),
    ):
        if name in result.tables:
            _ranked_section(report, result.tables[name], name, value, low, high, out)
    if "predictive" in result.tables:
        path = figures.plot_predictive(result.tables["predictive"], out / "predictive.png")
        report.heading("Deal likelihood: Monte Carlo and parameter intervals")
        report.table(result.tables["predictive"]).figure(path)
    if "prim_boxes" in result.tables:
        question = f"{settings.prim_output} > {settings.prim_threshold:g}"
        path = figures.plot_trajectory(
            result.tables["prim_trajectory"], out / "prim_trajectory.png", question
        )
        report.heading(f"Scenario discovery (PRIM): {question}")
        report.table(result.tables["prim_boxes"]).figure(path)
    elif "prim_note" in result.tables:
        report.heading("Scenario discovery (PRIM)").table(result.tables["prim_note"])
    report.write(out / "report.html")


def _ranked_section(
    report: Report, table: pd.DataFrame, name: str, value: str, low: str, high: str, out: Path
) -> None:
    report.heading(f"Sensitivity: {name} ({value}, 95 % bootstrap intervals)")
    for output in dict.fromkeys(table["output"]):
        rows = table[table["output"] == output]
        if not np.any(rows[value].to_numpy() > 0):
            continue
        safe = output.replace(".", "_")
        path = figures.plot_ranked(rows, value, low, high, out / f"{name}_{safe}.png", output)
        report.figure(path)
    report.table(table.sort_values(["output", value], ascending=[True, False]), max_rows=60)
