"""Deal likelihood against a swept parameter: one line per track with its 95% interval band.

    python experiments/fig_likelihood_vs_param.py SWEEP_DIR [--param KEY] [--out DIR]

``--param`` defaults to the sweep's only swept parameter; any other swept parameter gives one
panel per value. Intervals are the runs' Wilson intervals (``scipy.stats.binomtest``).
Writes ``<out>/likelihood_vs_<param>.png`` (``--out`` defaults to the sweep directory).
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
from sim.runs.aggregate import short_names, swept_parameters, tracks_in

sys.path.append(str(Path(__file__).resolve().parent))  # for _common when loaded by file location
import _common

#: Every job of the sweep, found on disk or expected but missing.
load_runs = sweep_aggregate.load_runs
#: The aggregate table's complete jobs.
aggregate = sweep_aggregate.complete_table


def axis_values(values: pd.Series) -> tuple[np.ndarray, list[str] | None]:
    """Numbers for an axis: numeric values as they are, ISO dates as dates, others as categories.

    Returns the positions and, for categories, their tick labels.
    """
    if values.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool)).all():
        return values.to_numpy(dtype=float), None
    as_dates = pd.to_datetime(values, errors="coerce", format="ISO8601")
    if as_dates.notna().all():
        return as_dates.to_numpy(), None
    labels = sorted({str(v) for v in values})
    return values.map(lambda v: labels.index(str(v))).to_numpy(dtype=float), labels


def plot(table: pd.DataFrame, param: str, path: Path, tracks: list[str] | None = None) -> Path:
    tracks = tracks or tracks_in(table)
    others = [p for p in swept_parameters(table) if p != param]
    groups = list(table.groupby(others, sort=True)) if others else [((), table)]
    fig, axes = plt.subplots(
        1, len(groups), figsize=(6 * len(groups), 4.2), squeeze=False, sharey=True
    )
    for ax, (key, rows) in zip(axes[0], groups, strict=True):
        x, labels = axis_values(rows[param])
        order = np.argsort(x, kind="stable")
        for track in tracks:
            p = rows[f"deal_likelihood/{track}"].to_numpy()[order]
            low = rows[f"ci_low/{track}"].to_numpy()[order]
            high = rows[f"ci_high/{track}"].to_numpy()[order]
            (line,) = ax.plot(x[order], p, marker="o", label=track.replace("_", " "))
            ax.fill_between(x[order], low, high, color=line.get_color(), alpha=0.2, lw=0)
        if labels is not None:
            ax.set_xticks(range(len(labels)), labels)
        key = key if isinstance(key, tuple) else (key,)
        short = short_names([param, *others])
        ax.set_title(", ".join(f"{short[o]}={k}" for o, k in zip(others, key, strict=True)))
        ax.set_xlabel(param)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("deal likelihood (95% interval)")
    axes[0, -1].legend(fontsize=8, loc="best")
    fig.suptitle(f"Deal likelihood against {param}", fontsize=11)
    if np.issubdtype(x.dtype, np.datetime64):
        fig.autofmt_xdate()
    fig.tight_layout()
    return save_figure(fig, path, dpi=130)


PARSER = _common.results_parser(
    __doc__,
    _common.option("--param", help="the swept parameter on the x axis (a config key)"),
    _common.TRACKS,
    out_help=_common.SWEEP_OUT_HELP,
)


@_common.command(PARSER)
def main(args: Namespace) -> int:
    table = aggregate(_common.load_records(load_runs, args.results_dir))
    (param,) = _common.swept_axes(table, [args.param], "--param")
    out = _common.out_dir(args) / f"likelihood_vs_{param.replace('.', '_')}.png"
    return _common.wrote(plot(table, param, out, args.tracks))


if __name__ == "__main__":
    sys.exit(main())
