"""A run's outputs: summary tables, figures and files in its directory, written atomically."""

from __future__ import annotations

import dataclasses
import enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import plots
from sim.analysis.bargaining import efficiency_summary
from sim.analysis.likelihood import deal_likelihoods
from sim.analysis.outcomes import (
    concessions_granted,
    cumulative_deals,
    final_tariffs,
    option_shares,
    track_politics,
)
from sim.domain import CompiledScenario
from sim.results import write_json, write_parquet


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


def track_efficiency(outcomes: pd.DataFrame, compiled: CompiledScenario) -> list[dict[str, Any]]:
    """Pareto and Nash figures of each bilateral track's agreements.

    The disagreement point is the status quo outcome; the frontier is that of the whole outcome
    space (conditional options included, whether or not their conditions emerged).
    """
    if len(compiled.party_names) != 2:
        return []
    rows = []
    for track in compiled.tracks:
        rows_k = outcomes[(outcomes["track"] == track.name) & outcomes["agreed"]]
        agreed = rows_k["outcome"].to_numpy(dtype=np.int64)
        d = track.utilities[:, track.status_quo]
        rows.append({"track": track.name, **efficiency_summary(track.utilities, d, agreed)})
    return rows


def summarise(outcomes: pd.DataFrame, compiled: CompiledScenario) -> dict[str, Any]:
    """Every summary table of a run, as JSON-ready records."""
    shares = option_shares(outcomes, compiled.scenario)
    return {
        "efficiency": track_efficiency(outcomes, compiled),
        "deal_likelihood": deal_likelihoods(outcomes).to_dict(orient="records"),
        "final_tariffs": final_tariffs(shares).to_dict(orient="records"),
        "concessions_granted": concessions_granted(shares).to_dict(orient="records"),
        "option_shares": shares.to_dict(orient="records"),
        "politics": track_politics(outcomes).to_dict(orient="records"),
    }


def write_outputs(
    out_dir: Path, outcomes: pd.DataFrame, compiled: CompiledScenario, header: dict[str, Any]
) -> dict[str, Any]:
    """Write ``outcomes.parquet``, ``summary.json`` and the figures; return the summary."""
    write_parquet(out_dir / "outcomes.parquet", outcomes)
    summary = {
        **header,
        "n_weeks": compiled.n_weeks,
        "tracks": {t.name: list(t.issues) for t in compiled.tracks},
        **summarise(outcomes, compiled),
    }
    write_json(out_dir / "summary.json", summary)
    write_figures(out_dir, outcomes, compiled, summary)
    return summary


def write_figures(
    out_dir: Path, outcomes: pd.DataFrame, compiled: CompiledScenario, summary: dict[str, Any]
) -> None:
    """The standard figures of a run."""
    start = compiled.scenario.start_date.isoformat()
    plots.plot_deal_likelihood(
        pd.DataFrame(summary["deal_likelihood"]), out_dir / "deal_likelihood.png"
    )
    plots.plot_agreement_weeks(outcomes, compiled.n_weeks, out_dir / "agreement_weeks.png")
    plots.plot_deals_over_time(
        cumulative_deals(outcomes, compiled.n_weeks), out_dir / "deals_over_time.png", start
    )
    shares = pd.DataFrame(summary["option_shares"])
    plots.plot_final_tariffs(shares, out_dir / "final_tariffs.png")
    granted = pd.DataFrame(summary["concessions_granted"])
    if len(granted):
        plots.plot_concessions(granted, out_dir / "concessions.png")
    labels = tuple(p.display_name or p.name for p in compiled.scenario.parties)
    for eff, track in zip(summary["efficiency"], compiled.tracks, strict=True):
        agreed = outcomes[(outcomes["track"] == track.name) & outcomes["agreed"]]["outcome"]
        plots.plot_outcomes_over_frontier(
            track.utilities,
            track.utilities[:, agreed.to_numpy(dtype=np.int64)].T,
            out_dir / f"frontier_{track.name}.png",
            nash=eff["nash_utilities"],
            ks=eff["ks_utilities"],
            labels=(labels[0], labels[1]),
            title=f"{track.name.replace('_', ' ')}: agreements over the Pareto frontier",
        )
