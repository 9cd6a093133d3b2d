"""Strategy tournament: the payoff table of a sweep over both parties' strategies.

    python -m sim -m +experiment=strategy_pairings
    python experiments/tournament.py results/strategy_pairings/multirun_<time> [--out DIR]

For every pairing (the first party's strategy x the second's, read from each job's saved config,
never from folder names; the parties are the job's ``negotiator`` entries, so a sweep on any
scenario works, e.g. one read from GENIUS files with ``scenario=genius``): the share of tracks
agreed, each side's mean utility, the mean welfare (sum of utilities), all with 95 % intervals over
replicates (Student t on per-replicate means), and the mean distance of the deals to the Nash point
and the share of Pareto-efficient deals (from each job's summary). Writes ``tournament.parquet``,
``tournament.csv``, ``tournament.md`` (pivot tables, as ANAC reports them) and ``tournament.png``
(agreement and each side's utility per pairing).
"""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from omegaconf import OmegaConf
from scipy import stats

from sim.config.labels import human
from sim.plots import save_figure
from sim.plots.style import PAGE_IN, SEQUENTIAL, styled
from sim.runs.aggregate import COMPLETE, JobRecord, load_outcomes, write_aggregate
from sim.runs.aggregate import load_runs as load_sweep
from sim.runs.files import atomic_path
from sim.runs.schema import CONFIG_FILE

sys.path.append(str(Path(__file__).resolve().parent))  # for _common when loaded by file location
import _common


def load_runs(sweep_dir: Path) -> list[JobRecord]:
    """The complete jobs of a sweep (failed and missing ones are reported, not used)."""
    records = load_sweep(sweep_dir)
    for r in records:
        if r.status != COMPLETE:
            print(f"warning: job {r.num} is {r.status}; left out of the table", file=sys.stderr)
    return _common.complete(records)


def _mean_interval(x: np.ndarray) -> tuple[float, float, float]:
    mean = float(np.mean(x))
    if x.size < 2 or np.all(x == x[0]):
        return mean, mean, mean
    low, high = stats.t.interval(0.95, x.size - 1, loc=mean, scale=stats.sem(x))
    return mean, float(low), float(high)


def _efficiency(summary: dict[str, Any]) -> dict[str, float]:
    rows = [e for e in summary.get("efficiency", []) if e.get("n_agreed", 0) > 0]
    n = np.array([e["n_agreed"] for e in rows], dtype=float)
    if not rows or n.sum() == 0:
        return {"share_pareto_efficient": np.nan, "mean_distance_to_nash": np.nan}
    return {
        key: float(np.average([e[key] for e in rows], weights=n))
        for key in ("share_pareto_efficient", "mean_distance_to_nash")
    }


def job_parties(record: JobRecord) -> tuple[str, ...]:
    """The parties of a job: its config's ``negotiator`` entries, in order."""
    assert record.job_dir is not None
    return tuple(str(p) for p in OmegaConf.load(record.job_dir / CONFIG_FILE).negotiator)


def sweep_parties(records: list[JobRecord]) -> tuple[str, ...]:
    """The parties every job of the sweep shares (at least two)."""
    parties = {job_parties(r) for r in records}
    if len(parties) != 1:
        _common.fail(f"the jobs negotiate between different parties: {sorted(parties)}")
    (found,) = parties
    if len(found) < 2:
        _common.fail(f"a tournament needs two parties; the jobs have {list(found)}")
    return found


def pairing_row(record: JobRecord, parties: tuple[str, ...]) -> dict[str, Any]:
    """One pairing's payoff-table entries."""
    assert record.job_dir is not None and record.summary is not None
    config = OmegaConf.load(record.job_dir / CONFIG_FILE)
    row: dict[str, Any] = {f"strategy_{p}": str(config.negotiator[p].strategy) for p in parties}
    cols = ["replicate", "agreed", *(f"utility_{p}" for p in parties)]
    per_rep = load_outcomes(record.job_dir, cols).groupby("replicate").mean()
    per_rep["welfare"] = per_rep[[f"utility_{p}" for p in parties]].sum(axis=1)
    for name, column in (
        [("agreement", "agreed")]
        + [(f"utility_{p}", f"utility_{p}") for p in parties]
        + [("welfare", "welfare")]
    ):
        mean, low, high = _mean_interval(per_rep[column].to_numpy(dtype=float))
        row.update({name: mean, f"{name}_ci_low": low, f"{name}_ci_high": high})
    row["n_replicates"] = len(per_rep)
    row.update(_efficiency(record.summary))
    return row


def aggregate(records: list[JobRecord]) -> pd.DataFrame:
    """The payoff table: one row per pairing."""
    parties = sweep_parties(records)
    table = pd.DataFrame([pairing_row(r, parties) for r in records])
    return table.sort_values([f"strategy_{p}" for p in parties]).reset_index(drop=True)


def table_parties(table: pd.DataFrame) -> tuple[str, str]:
    """The two parties whose strategies index the payoff table (its first two columns)."""
    first, second = (c.removeprefix("strategy_") for c in table.columns[:2])
    return first, second


def _pivot(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    rows, cols = table_parties(table)
    return table.pivot(index=f"strategy_{rows}", columns=f"strategy_{cols}", values=measure)


def markdown(table: pd.DataFrame) -> str:
    """Pivot tables (rows: the first party's strategy, columns: the second's), one per measure."""
    rows, cols = table_parties(table)
    parts = []
    for measure in ("agreement", f"utility_{rows}", f"utility_{cols}", "welfare"):
        pivot = _pivot(table, measure)
        header = f"| {rows} \\ {cols} | " + " | ".join(map(str, pivot.columns)) + " |"
        lines = [f"### {measure} (mean over replicates)", "", header]
        lines.append("|" + " --- |" * (len(pivot.columns) + 1))
        for idx, vals in pivot.iterrows():
            lines.append(f"| {idx} | " + " | ".join(f"{v:.3f}" for v in vals) + " |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """Pairings ranked by mean welfare (1 = highest), with its 95 % interval."""
    rows, cols = table_parties(table)
    ranked = table.sort_values("welfare", ascending=False).reset_index(drop=True)
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    keep = ["rank", f"strategy_{rows}", f"strategy_{cols}", "welfare", "welfare_ci_low"]
    return ranked[[*keep, "welfare_ci_high"]]


def ranking_markdown(table: pd.DataFrame) -> str:
    """The ranking as a Markdown table."""
    ranked = ranking(table)
    lines = ["### ranking by mean welfare (95 % interval)", "", "| rank | pairing | welfare |"]
    lines.append("| --- | --- | --- |")
    strategies = [c for c in ranked.columns if c.startswith("strategy_")]
    for r in ranked.to_dict("records"):
        pairing = " / ".join(str(r[c]) for c in strategies)
        interval = f"[{r['welfare_ci_low']:.3f}, {r['welfare_ci_high']:.3f}]"
        lines.append(f"| {r['rank']} | {pairing} | {r['welfare']:.3f} {interval} |")
    return "\n".join(lines) + "\n"


#: Panels of the tournament figure: measure, title, whether it has a 95 % interval.
PANELS = (
    ("agreement", "share of tracks agreed", True),
    ("utility_{rows}", "mean utility, {rows}", True),
    ("utility_{cols}", "mean utility, {cols}", True),
    ("share_pareto_efficient", "Pareto-efficient deals", False),
    ("mean_distance_to_nash", "distance to the Nash point", False),
)


@styled
def plot(table: pd.DataFrame, path: Path) -> Path:
    """Heatmaps per pairing: agreement and utilities (with 95 % intervals), Pareto share, Nash
    distance, all on one fixed 0–1 colour scale, and the pairings ranked by welfare."""
    rows, cols = table_parties(table)
    fig, axes = plt.subplots(2, 3, figsize=(PAGE_IN, 5.6), layout="constrained")
    for k, (ax, (template, title, has_ci)) in enumerate(zip(axes.flat, PANELS, strict=False)):
        measure = template.format(rows=rows, cols=cols)
        values = _pivot(table, measure).to_numpy(dtype=float)
        im = ax.imshow(values, cmap=SEQUENTIAL, vmin=0, vmax=1)
        pivot = _pivot(table, measure)
        ax.set_xticks(range(len(pivot.columns)), list(pivot.columns), rotation=30, ha="right")
        first_column = k % axes.shape[1] == 0  # row labels once per row of panels
        ax.set_yticks(range(len(pivot.index)), list(pivot.index) if first_column else [])
        low = _pivot(table, f"{measure}_ci_low").to_numpy(dtype=float) if has_ci else None
        high = _pivot(table, f"{measure}_ci_high").to_numpy(dtype=float) if has_ci else None
        for (i, j), v in np.ndenumerate(values):
            text = "–" if np.isnan(v) else f"{v:.2f}"
            if low is not None and high is not None and not np.isnan(v):
                text += f"\n[{low[i, j]:.2f}, {high[i, j]:.2f}]"
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=5.5,
                color="white" if np.isnan(v) or v < 0.5 else "black",
            )
        ax.set_xlabel(f"{human(cols)}'s strategy")
        if first_column:
            ax.set_ylabel(f"{human(rows)}'s strategy")
        ax.set_title(title.format(rows=human(rows), cols=human(cols)))
    fig.colorbar(im, ax=axes[:, :].ravel().tolist(), fraction=0.03, shrink=0.8)
    rank_ax = axes.flat[len(PANELS)]
    rank_ax.axis("off")
    ranked = ranking(table).head(8)
    lines = [
        f"{int(r['rank'])}. {r[f'strategy_{rows}']} / {r[f'strategy_{cols}']}\n"
        f"    {r['welfare']:.2f} [{r['welfare_ci_low']:.2f}, {r['welfare_ci_high']:.2f}]"
        for r in ranked.to_dict("records")
    ]
    rank_ax.text(
        0,
        1,
        "Ranked by mean welfare (95 % interval)\n" + "\n".join(lines),
        va="top",
        fontsize=6.5,
        transform=rank_ax.transAxes,
    )
    fig.suptitle("Strategy tournament (cells: mean [95 % interval] over replicates)")
    return save_figure(fig, path)


PARSER = _common.results_parser(
    __doc__,
    help="a sweep over negotiator.<party>.strategy",
    out_help="where to write (default: sweep_dir)",
)


@_common.command(PARSER)
def main(args: Namespace) -> int:
    records = _common.load_records(load_runs, args.results_dir, empty="no complete jobs")
    table = aggregate(records)
    out = _common.out_dir(args)
    write_aggregate(table, out, "tournament")  # tournament.parquet, tournament.csv
    with atomic_path(out / "tournament.md") as tmp:
        tmp.write_text(markdown(table) + "\n" + ranking_markdown(table))
    plot(table, out / "tournament.png")
    print(markdown(table))
    print(f"{len(table)} pairings -> {out}")
    return _common.EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
