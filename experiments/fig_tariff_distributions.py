"""Final-tariff distributions per sector across the points of a sweep.

    python experiments/fig_tariff_distributions.py SWEEP_DIR [--issues I ...] [--out DIR]

One panel per tariff issue (the ``rate_<issue>`` columns of each job's ``outcomes.parquet``):
for each sweep point, a bubble per final tariff level whose area is the share of replicates
ending there (deal or status quo, key in the corner), and a black bar at the mean. The figure is
one page wide whatever the number of points: the ticks give each point's values, one axis label
under the panels what they are, and every panel shares one fixed tariff axis. Writes
``<out>/tariff_distributions.png`` and ``.pdf``.
"""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, whatever the display

import matplotlib.pyplot as plt
import pandas as pd
import pyarrow.parquet as pq
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from sim.plots.style import PAGE_IN, colour, human, percent_ticks, save_figure, styled
from sim.runs import aggregate as sweep_aggregate
from sim.runs.aggregate import COMPLETE, JobRecord
from sim.runs.schema import OUTCOMES_FILE

sys.path.append(str(Path(__file__).resolve().parent))  # for _common when loaded by file location
import _common

#: The jobs of a sweep directory, or the run itself for a run directory.
load_runs = sweep_aggregate.load_run_or_sweep


def aggregate(records: list[JobRecord], issues: list[str] | None = None) -> pd.DataFrame:
    """Share of replicates at each final tariff, per complete job and issue.

    Columns: ``point`` (position), ``label`` (the point's values), ``parameters`` (what they
    are), ``issue``, ``rate`` and ``share``.
    """
    records = [r for r in records if r.status == COMPLETE and r.job_dir is not None]
    table = sweep_aggregate.aggregate(records)
    labels, parameters = _common.point_values(table)
    parts = []
    for point, (record, label) in enumerate(zip(records, labels, strict=True)):
        assert record.job_dir is not None
        path = record.job_dir / OUTCOMES_FILE
        names = [n for n in pq.read_schema(path).names if n.startswith("rate_")]
        if issues:
            names = [n for n in names if n.removeprefix("rate_") in issues]
        frame = pd.read_parquet(path, columns=names)
        for name in names:
            shares = frame[name].dropna().round(6).value_counts(normalize=True)
            parts.append(
                pd.DataFrame(
                    {
                        "point": point,
                        "label": label,
                        "parameters": parameters,
                        "issue": name.removeprefix("rate_"),
                        "rate": shares.index.to_numpy(dtype=float),
                        "share": shares.to_numpy(dtype=float),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


#: Bubble area (points²) of a share of 100 %; small enough that neighbours do not overlap.
BUBBLE_PT2 = 90.0
#: Shares drawn in the bubble key.
KEY_SHARES = (0.1, 0.5, 1.0)


def _tick_style(n_points: int) -> dict[str, Any]:
    """Tick labels that fit one page: upright for a few points, turned and smaller for many."""
    if n_points <= 4:
        return {"rotation": 0, "fontsize": 7}
    return {"rotation": 90, "fontsize": 6 if n_points > 10 else 7}


def _ticks_in(labels: list[str]) -> float:
    """How tall (inches) the point labels under a panel are, as :func:`_tick_style` turns them."""
    style = _tick_style(len(labels))
    if style["rotation"] == 0:
        return 0.2
    font = FontProperties(size=style["fontsize"])
    longest = max(TextToPath().get_text_width_height_descent(t, font, False)[0] for t in labels)
    return longest / 72 + 0.1


@styled
def plot(data: pd.DataFrame, path: Path) -> Path:
    """Bubbles per sweep point and tariff level, one panel per issue, on one fixed tariff axis."""
    issues = list(dict.fromkeys(data["issue"]))
    labels = list(dict.fromkeys(data["label"]))
    ncols = min(len(issues), 3)
    nrows = -(-len(issues) // ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(PAGE_IN, (1.6 + _ticks_in([str(v) for v in labels])) * nrows + 0.7),
        squeeze=False,
        sharey=True,
        layout="constrained",
    )
    top = float(data["rate"].max()) * 100
    ylim = (-0.08 * max(top, 1.0), 1.08 * max(top, 1.0))  # room for the bubbles at both ends
    for ax, issue in zip(axes.flat, issues, strict=False):
        rows = data[data["issue"] == issue]
        ax.scatter(
            rows["point"],
            rows["rate"] * 100,
            s=rows["share"] * BUBBLE_PT2,
            alpha=0.55,
            color=colour(0),
            lw=0,
            clip_on=False,  # a bubble at 0 % or at the top is drawn whole
        )
        means = rows.assign(w=rows["rate"] * rows["share"]).groupby("point")["w"].sum()
        ax.scatter(means.index, means.to_numpy() * 100, marker="_", s=60, color="black", lw=1.2)
        ax.set_xticks(range(len(labels)), labels, **_tick_style(len(labels)))
        ax.set_xlim(-0.6, len(labels) - 0.4)
        ax.set_ylim(*ylim)
        ax.set_title(human(issue))
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(issues) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("final tariff (%)")
    parameters = str(data["parameters"].iloc[0]) if "parameters" in data else ""
    if parameters:  # what the points' values are, once: every panel has the same points
        fig.supxlabel(parameters, fontsize=plt.rcParams["axes.labelsize"])
    key = [
        plt.scatter([], [], s=share * BUBBLE_PT2, color=colour(0), alpha=0.55, lw=0)
        for share in KEY_SHARES
    ]
    fig.legend(
        key,
        [percent_ticks(share) for share in KEY_SHARES],
        title="share of replicates",
        loc="outside right upper",
        frameon=False,
    )
    fig.suptitle("Final tariffs per sector (bubble area: share of replicates; bar: mean)")
    return save_figure(fig, path)


PARSER = _common.results_parser(
    __doc__,
    _common.option("--issues", nargs="+", help="tariff issues to draw (default: all)"),
    **_common.RUN_OR_SWEEP,
)


@_common.command(PARSER)
def main(args: Namespace) -> int:
    records = _common.load_complete(load_runs, args.results_dir)
    data = aggregate(records, args.issues)
    return _common.wrote(plot(data, _common.out_dir(args) / "tariff_distributions.png"))


if __name__ == "__main__":
    sys.exit(main())
