"""Heatmap of deal likelihood over a two-parameter sweep, one panel per track.

    python experiments/fig_heatmap.py SWEEP_DIR [--x KEY --y KEY] [--tracks T ...] [--out DIR]

``--x``/``--y`` default to the sweep's two swept parameters. Each cell shows the deal likelihood
and its 95% Wilson interval. Writes ``<out>/heatmap_<x>_<y>.png``.
"""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.plots import save_figure
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


def plot(table: pd.DataFrame, x: str, y: str, path: Path, tracks: list[str] | None = None) -> Path:
    tracks = tracks or tracks_in(table)
    ncols = min(len(tracks), 3)
    nrows = -(-len(tracks) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(4.6 * ncols, 3.8 * nrows), squeeze=False, layout="constrained"
    )
    image = None
    for ax, track in zip(axes.flat, tracks, strict=False):
        p, xs, ys = grid(table, x, y, f"deal_likelihood/{track}")
        low, _, _ = grid(table, x, y, f"ci_low/{track}")
        high, _, _ = grid(table, x, y, f"ci_high/{track}")
        image = ax.imshow(p, vmin=0, vmax=1, cmap="viridis", origin="lower", aspect="auto")
        for (i, j), value in np.ndenumerate(p):
            if np.isfinite(value):
                colour = "black" if value > 0.6 else "white"
                text = f"{value:.0%}\n[{low[i, j]:.0%}, {high[i, j]:.0%}]"
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color=colour)
        rotation = 30 if max(len(str(v)) for v in xs) > 5 else 0
        ax.set_xticks(range(len(xs)), [str(v) for v in xs], rotation=rotation, fontsize=8)
        ax.set_yticks(range(len(ys)), [str(v) for v in ys], fontsize=8)
        ax.set_xlabel(x, fontsize=8)
        ax.set_ylabel(y, fontsize=8)
        ax.set_title(track.replace("_", " "), fontsize=10)
    for ax in list(axes.flat)[len(tracks) :]:
        ax.set_visible(False)
    if image is not None:
        fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, label="deal likelihood")
    fig.suptitle("Deal likelihood (95% interval)", fontsize=11)
    return save_figure(fig, path, dpi=130)


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
