"""A run's outputs: summary tables, figures and files in its directory, written atomically."""

from __future__ import annotations

import dataclasses
import enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.running import RunningSummary
from sim.domain.outcome_space import CompiledScenario
from sim.runs.files import write_json, write_parquet
from sim.runs.schema import OUTCOMES_FILE, SUMMARY_FILE


def jsonable(obj: Any) -> Any:
    """Dataclasses and enums (e.g. a RunConfig) as plain JSON values."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    return obj


def write_outputs(
    out_dir: Path,
    outcomes: pd.DataFrame,
    compiled: CompiledScenario,
    summary: dict[str, Any],
    figures: bool = True,
) -> list[str]:
    """Write ``outcomes.parquet``, ``summary.json`` and (when ``figures``) the figures.

    Returns:
        The names of the figures written (``<name>.png`` and ``<name>.pdf`` each).
    """
    write_parquet(out_dir / OUTCOMES_FILE, outcomes)
    write_json(out_dir / SUMMARY_FILE, summary)
    if not figures:
        return []
    return write_figures(out_dir, RunningSummary(compiled).add(outcomes), summary)


def write_figures(out_dir: Path, totals: RunningSummary, summary: dict[str, Any]) -> list[str]:
    """The standard figures of a run, from its running totals (no outcome table needed).

    Returns:
        Their names (file names without the suffix).
    """
    import sim.plots as plots  # matplotlib only when figures are drawn: a sweep job skips it
    from sim.plots.style import human

    compiled = totals.compiled
    start = compiled.scenario.start_date
    # the negotiators' deadline (not the end of the horizon), in weeks from the start
    deadline = (compiled.scenario.deadline - start).days / 7
    plots.plot_deal_likelihood(
        pd.DataFrame(summary["deal_likelihood"]), out_dir / "deal_likelihood.png"
    )
    plots.plot_agreement_week_counts(
        {t.name: totals.tracks[t.name].week_counts for t in compiled.tracks},
        {t.name: totals.tracks[t.name].n for t in compiled.tracks},
        out_dir / "agreement_weeks.png",
        start_date=start,
        deadline_week=deadline,
    )
    plots.plot_deals_over_time(
        totals.cumulative_deals(),
        out_dir / "deals_over_time.png",
        start,
        deadline_week=deadline,
    )
    shares = pd.DataFrame(summary["option_shares"])
    plots.plot_final_tariffs(shares, out_dir / "final_tariffs.png")
    granted = pd.DataFrame(summary["concessions_granted"])
    if len(granted):
        plots.plot_concessions(granted, out_dir / "concessions.png")
    names = [p.display_name or p.name for p in compiled.scenario.parties]
    n_replicates = int(summary["n_replicates"])
    for eff, track in zip(summary["efficiency"], compiled.tracks, strict=True):
        counts = totals.agreed_outcome_counts(track.name)
        seen = np.flatnonzero(counts)  # each distinct agreement once, with how often it was struck
        utilities = track.utilities[list(track.parties)]
        labels = tuple(names[p] for p in track.parties)
        plots.plot_outcomes_over_frontier(
            utilities,
            utilities[:, seen].T,
            out_dir / f"frontier_{track.name}.png",
            nash=eff["nash_utilities"],
            ks=eff["ks_utilities"],
            labels=(labels[0], labels[1]),
            title=f"{human(track.name)}: agreements over the Pareto frontier",
            n_replicates=n_replicates,
            weights=counts[seen],
        )
    ordered = ["deal_likelihood", "deals_over_time", "agreement_weeks", "final_tariffs"]
    ordered += ["concessions", *(f"frontier_{t.name}" for t in compiled.tracks)]
    return [name for name in ordered if (out_dir / f"{name}.png").exists()]
