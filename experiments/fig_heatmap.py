"""Heatmap of deal likelihood over a two-parameter sweep, one panel per track.

    python experiments/fig_heatmap.py SWEEP_DIR [--x KEY --y KEY] [--tracks T ...] [--out DIR]

``--x``/``--y`` default to the sweep's two swept parameters. Each cell shows the deal likelihood
and its 95 % Wilson interval, written so that a small share never reads ``0 %`` (``0.38 %``). All
panels share one fixed colour scale (0–100 %, ``cividis``, colour-blind safe) with its key, and
the first value of ``--y`` is the top row, as in the tournament figure. Writes
``<out>/heatmap_<x>_<y>.png`` and ``.pdf``.
"""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, whatever the display

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.plots.style import (
    PAGE_IN,
    SEQUENTIAL,
    human,
    parameter_labels,
    percent,
    percent_ticks,
    save_figure,
    styled,
    value_label,
)
from sim.runs import aggregate as sweep_aggregate
from sim.runs.aggregate import short_names, tracks_in

sys.path.append(str(Path(__file__).resolve().parent))  # for _common when loaded by file location
import _common

#: Every job of the sweep, found on disk or expected but missing.
load_runs = sweep_aggregate.load_runs
#: The aggregate table's complete jobs.
aggregate = sweep_aggregate.complete_table


def _levels(values: pd.Series) -> list[object]:
    unique = list(dict.fromkeys(values))
    try:
        return sorted(unique)
    except TypeError:
        return sorted(unique, key=str)


def grid(table: pd.DataFrame, x: str, y: str, column: str) -> tuple[np.ndarray, list, list]:
    """Values of ``column`` on the ``y`` by ``x`` grid (NaN where a point is missing)."""
    xs, ys = _levels(table[x]), _levels(table[y])
    values = np.full((len(ys), len(xs)), np.nan)
    for _, row in table.iterrows():
        values[ys.index(row[y]), xs.index(row[x])] = row[column]
    return values, xs, ys


def cell_text(p: float, low: float, high: float) -> str:
    """A cell's likelihood and interval (``2 %`` over ``[0.38 %, 5.1 %]``); ``–``: no run."""
    if not np.isfinite(p):
        return "–"
    return f"{percent(p)}\n[{percent(low)}, {percent(high)}]"


@styled
def plot(table: pd.DataFrame, x: str, y: str, path: Path, tracks: list[str] | None = None) -> Path:
    """Draw one heatmap panel per track on one fixed 0–100 % colour scale."""
    tracks = tracks or tracks_in(table)
    ncols = min(len(tracks), 3)
    nrows = -(-len(tracks) // ncols)
    labels = parameter_labels([x, y])
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(PAGE_IN, 2.3 * nrows + 0.6),
        squeeze=False,
        layout="constrained",
    )
    image = None
    for k, (ax, track) in enumerate(zip(axes.flat, tracks, strict=False)):
        p, xs, ys = grid(table, x, y, f"deal_likelihood/{track}")
        low, _, _ = grid(table, x, y, f"ci_low/{track}")
        high, _, _ = grid(table, x, y, f"ci_high/{track}")
        # origin "upper": the first level of y is the top row, as in the tournament figure
        image = ax.imshow(p, vmin=0, vmax=1, cmap=SEQUENTIAL, origin="upper", aspect="auto")
        size = 6 if len(xs) * ncols <= 12 else 5
        for (i, j), value in np.ndenumerate(p):
            colour = "black" if np.isfinite(value) and value >= 0.5 else "white"
            text = cell_text(value, float(low[i, j]), float(high[i, j]))
            ax.text(j, i, text, ha="center", va="center", fontsize=size, color=colour)
        ax.set_xticks(range(len(xs)), [value_label(v) for v in xs], rotation=30, ha="right")
        first_column = k % ncols == 0  # the y levels once per row of panels
        ax.set_yticks(range(len(ys)), [value_label(v) for v in ys] if first_column else [])
        ax.set_xlabel(labels[x])
        if first_column:
            ax.set_ylabel(labels[y])
        ax.set_title(human(track))
    for ax in list(axes.flat)[len(tracks) :]:
        ax.set_visible(False)
    if image is not None:
        bar = fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, label="deal likelihood")
        bar.ax.yaxis.set_major_formatter(plt.FuncFormatter(percent_ticks))
    fig.suptitle("Deal likelihood (cells: estimate [95 % Wilson interval])")
    return save_figure(fig, path)


PARSER = _common.results_parser(
    __doc__,
    _common.option("--x", help="parameter on the x axis (a config key)"),
    _common.option("--y", help="parameter on the y axis (a config key)"),
    _common.TRACKS,
    out_help=_common.SWEEP_OUT_HELP,
)


@_common.command(PARSER)
def main(args: Namespace) -> int:
    table = aggregate(_common.load_records(load_runs, args.results_dir))
    y, x = _common.swept_axes(table, [args.y, args.x], "--x and --y")
    short = short_names([x, y])
    name = f"heatmap_{short[x]}_{short[y]}".replace(".", "_") + ".png"
    return _common.wrote(plot(table, x, y, _common.out_dir(args) / name, args.tracks))


if __name__ == "__main__":
    sys.exit(main())
