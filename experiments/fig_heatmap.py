"""Heatmap of deal likelihood over a two-parameter sweep, one panel per track.

    python experiments/fig_heatmap.py SWEEP_DIR [--x KEY --y KEY] [--tracks T ...] [--out DIR]

``--x``/``--y`` default to the sweep's two swept parameters. Each cell shows the deal likelihood
and its 95 % Wilson interval, written so that a small share never reads ``0 %`` (``0.38 %``). All
panels share one fixed colour scale (0–100 %, ``cividis``, colour-blind safe) with its key, and
the first value of ``--y`` is the top row, as in the tournament figure. The figure is one page
wide: as many panels a row (at most 3) as leave every cell's text room (:func:`layout`). Writes
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
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

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


#: Inches of the page left for the panels: the colour key and its label take the rest.
KEY_IN = 0.8
#: Font sizes of the cell texts, largest first; the smallest is used however narrow the cells.
CELL_SIZES = (6.0, 5.5, 5.0)


def _text_in(text: str, size: float) -> float:
    """How wide (inches) ``text`` runs at ``size`` points in the figures' font, with a margin."""
    font = FontProperties(size=size)
    widths = [
        TextToPath().get_text_width_height_descent(line, font, ismath=False)[0]
        for line in text.split("\n")
    ]
    return max(widths) / 72 + 0.06


def layout(n_tracks: int, n_x: int, cells: list[str], y_names: list[str]) -> tuple[int, float]:
    """Panels per row and the cells' font size, so that no cell's text runs into its neighbour's.

    As many panels side by side (at most 3) as leave each cell room for its text at 6 pt, or
    at 5.5 or 5 pt; one panel a row at 5 pt if even that is too narrow.
    """
    y_in = _text_in(max(y_names, key=len), 7) + 0.3  # the y levels and the axis label
    for ncols in range(min(n_tracks, 3), 0, -1):
        panel_in = (PAGE_IN - KEY_IN - y_in - 0.2 * (ncols - 1)) / ncols
        for size in CELL_SIZES:
            if panel_in / n_x >= max(_text_in(c, size) for c in set(cells)):
                return ncols, size
    return 1, CELL_SIZES[-1]


@styled
def plot(table: pd.DataFrame, x: str, y: str, path: Path, tracks: list[str] | None = None) -> Path:
    """Draw one heatmap panel per track on one fixed 0–100 % colour scale."""
    tracks = tracks or tracks_in(table)
    labels = parameter_labels([x, y])
    panels = []
    for track in tracks:
        p, xs, ys = grid(table, x, y, f"deal_likelihood/{track}")
        low, _, _ = grid(table, x, y, f"ci_low/{track}")
        high, _, _ = grid(table, x, y, f"ci_high/{track}")
        texts = [
            [cell_text(float(p[i, j]), float(low[i, j]), float(high[i, j])) for j in range(len(xs))]
            for i in range(len(ys))
        ]
        panels.append((track, p, xs, ys, texts))
    y_names = [value_label(v) for v in panels[0][3]] if panels else [""]
    cells = [c for *_, texts in panels for row in texts for c in row] or [""]
    ncols, size = layout(len(tracks), max(len(panels[0][2]), 1) if panels else 1, cells, y_names)
    nrows = -(-len(tracks) // ncols)
    n_y = len(panels[0][3]) if panels else 1
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(PAGE_IN, nrows * (0.3 * n_y + 1.3) + 0.4),
        squeeze=False,
        layout="constrained",
    )
    image = None
    for k, (ax, (track, p, xs, ys, texts)) in enumerate(zip(axes.flat, panels, strict=False)):
        # origin "upper": the first level of y is the top row, as in the tournament figure
        image = ax.imshow(p, vmin=0, vmax=1, cmap=SEQUENTIAL, origin="upper", aspect="auto")
        for (i, j), value in np.ndenumerate(p):
            colour = "black" if np.isfinite(value) and value >= 0.5 else "white"
            ax.text(j, i, texts[i][j], ha="center", va="center", fontsize=size, color=colour)
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
