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
from typing import Any

import numpy as np
import pandas as pd

from sim.config.errors import ConfigError
from sim.config.labels import output_label, parameter_label
from sim.config.schema import RunConfig
from sim.runs.outputs import jsonable
from sim.runs.report import Item, Section, Table
from sim.uncertainty.designs import Design, make_design
from sim.uncertainty.points import PointRunner, PointStore, check_backend, run_points
from sim.uncertainty.predictive import predictive_table
from sim.uncertainty.priors import PriorSet
from sim.uncertainty.sensitivity import morris_table, sobol_table
from sim.uncertainty.tables import (
    figure_item,
    shown_table,
    write_manifest,
    write_table,
    write_tool_report,
)


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
    for name, table in result.tables.items():
        write_table(run_dir, name, table)
    manifest = write_manifest(
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
    _write_report(result, chosen, settings, manifest)
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


def _write_report(
    result: ExploreResult, priors: PriorSet, settings: ExploreSettings, manifest: dict[str, Any]
) -> None:
    from sim.plots import uncertainty as plots  # matplotlib only when drawing

    out = result.run_dir
    prior_rows = [
        {"parameter": parameter_label(p.key), "key": p.key, "prior": p.spec, "why": p.why}
        for p in priors.priors
    ]
    sections = [Section("Priors", [Table("Varied parameters", pd.DataFrame(prior_rows))])]
    for name, value, low, high in (
        ("morris", "mu_star", "mu_star_low", "mu_star_high"),
        ("sobol_indices", "ST", "ST_low", "ST_high"),
    ):
        if name in result.tables:
            sections.append(_ranked_section(result.tables[name], name, value, low, high, out))
    if "predictive" in result.tables:
        path = plots.plot_predictive(result.tables["predictive"], out / "predictive.png")
        caption = "Monte Carlo 95 % at the scenario's values; parameter 95 % over prior draws."
        sections.append(
            Section(
                "Deal likelihood: Monte Carlo and parameter intervals",
                [
                    figure_item(path, caption),
                    shown_table("Intervals", result.tables["predictive"], "predictive"),
                ],
            )
        )
    sections.extend(_prim_section(result, settings))
    subtitle = (
        f"{settings.design} design, {len(result.values)} points over {len(priors)} priors, "
        f"{settings.n_replicates:,} replicates per point, one seed at every point "
        "(common random numbers)"
    )
    write_tool_report(out, "sim.explore", sections, manifest, subtitle)


def _prim_section(result: ExploreResult, settings: ExploreSettings) -> list[Section]:
    from sim.plots import uncertainty as plots  # matplotlib only when drawing

    question = f"{settings.prim_output} > {settings.prim_threshold:g}"
    if "prim_boxes" in result.tables:
        out = result.run_dir
        path = plots.plot_trajectory(
            result.tables["prim_trajectory"], out / "prim_trajectory.png", question
        )
        caption = "Each box of the peeling trajectory: share of the cases it covers and purity."
        boxes = shown_table("Boxes", result.tables["prim_boxes"], "prim_boxes")
        items: list[Item] = [figure_item(path, caption), boxes]
        return [Section(f"Scenario discovery (PRIM): {question}", items)]
    if "prim_note" in result.tables:
        note = Table("No box", result.tables["prim_note"])
        return [Section(f"Scenario discovery (PRIM): {question}", [note])]
    return []


def _ranked_section(
    table: pd.DataFrame, name: str, value: str, low: str, high: str, out: Path
) -> Section:
    from sim.plots import uncertainty as plots  # matplotlib only when drawing

    items: list[Item] = []
    for output in dict.fromkeys(table["output"]):
        rows = table[table["output"] == output]
        if not np.any(rows[value].to_numpy() > 0):
            continue
        safe = output.replace(".", "_")
        path = plots.plot_ranked(rows, value, low, high, out / f"{name}_{safe}.png", output)
        items.append(figure_item(path, f"{output_label(output)}: {value}, 95 % bootstrap interval"))
    ordered = table.sort_values(["output", value], ascending=[True, False])
    items.append(shown_table("Indices", ordered, name))
    return Section(f"Sensitivity: {name} ({value}, 95 % bootstrap intervals)", items)
