"""Heatmap of deal likelihood over a two-parameter sweep, one panel per track.

    python experiments/fig_heatmap.py SWEEP_DIR [--x KEY --y KEY] [--tracks T ...] [--out DIR]

``--x``/``--y`` default to the sweep's two swept parameters. Each cell shows the deal likelihood
and its 95% Wilson interval. Writes ``<out>/heatmap_<x>_<y>.png``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.plots import save_figure
from sim.runs import aggregate as sweep_aggregate
from sim.runs.aggregate import JobRecord, short_names, swept_parameters, tracks_in


def load_runs(sweep_dir: Path) -> list[JobRecord]:
    return sweep_aggregate.load_runs(sweep_dir)


def aggregate(records: list[JobRecord]) -> pd.DataFrame:
    """The aggregate table's complete jobs."""
    return sweep_aggregate.complete_table(records)


def _levels(values: pd.Series) -> list[object]:
    unique = list(dict.fromkeys(values))
    try:
        return sorted(unique)  # type: ignore[type-var]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument("--x", help="parameter on the x axis (a config key)")
    parser.add_argument("--y", help="parameter on the y axis (a config key)")
    parser.add_argument("--tracks", nargs="+", help="tracks to draw (default: all)")
    parser.add_argument("--out", type=Path, help="output folder (default: the sweep directory)")
    args = parser.parse_args(argv)
    table = aggregate(load_runs(args.sweep_dir))
    swept = swept_parameters(table)
    x = args.x or (swept[1] if len(swept) == 2 else None)
    y = args.y or (swept[0] if len(swept) == 2 else None)
    if x is None or y is None or x not in table.columns or y not in table.columns:
        print(f"error: choose --x and --y among the swept parameters {swept}", file=sys.stderr)
        return 2
    short = short_names([x, y])
    name = f"heatmap_{short[x]}_{short[y]}".replace(".", "_") + ".png"
    print(plot(table, x, y, (args.out or args.sweep_dir) / name, args.tracks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
