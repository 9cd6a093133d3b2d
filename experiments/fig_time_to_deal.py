"""Time to deal: Kaplan-Meier survival curves per track, censored at the end of the talks.

    python experiments/fig_time_to_deal.py DIR [--tracks T ...] [--out DIR]

``DIR`` is a sweep directory (one curve per sweep point) or a single run directory. The curve is
the share of replicates still without a deal after each week of talks; a replicate without a deal
is censored at the end of the simulated talks (the scenario's last annual review, past the
negotiators' deadline: deals can still come after it; ``scipy.stats.ecdf`` on
``scipy.stats.CensoredData``). Every curve has its 95 % confidence band, in its own colour; no
two curves share a colour and line style (up to 32), one legend names the sweep points in words,
and all panels share fixed axes (0–100 %, week 0 to the longest horizon). Writes
``<out>/time_to_deal.png`` and ``.pdf``.
"""

from __future__ import annotations

import sys
import warnings
from argparse import Namespace
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, whatever the display

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from scipy import stats

from sim.plots.style import (
    PAGE_IN,
    STYLE,
    human,
    line_style,
    percent_ticks,
    save_figure,
    styled,
    track_panels,
)
from sim.runs import aggregate as sweep_aggregate
from sim.runs.aggregate import COMPLETE, JobRecord

sys.path.append(str(Path(__file__).resolve().parent))  # for _common when loaded by file location
import _common

ALL_TRACKS = "all_tracks"


#: The jobs of a sweep directory, or the run itself for a run directory.
load_runs = sweep_aggregate.load_run_or_sweep


def aggregate(records: list[JobRecord]) -> pd.DataFrame:
    """Per complete job and track: weeks to deal (or to the horizon) and whether a deal came.

    Columns: ``label`` (the sweep point), ``track``, ``weeks`` (weeks of talks until the deal,
    counting the week of the deal, or the number of weeks simulated) and ``is_deal``.
    The pseudo-track ``all_tracks`` is the time until the last track closes.
    """
    records = [r for r in records if r.status == COMPLETE and r.job_dir is not None]
    table = sweep_aggregate.aggregate(records)
    labels = _common.point_names(table)
    parts = []
    for record, label in zip(records, labels, strict=True):
        assert record.job_dir is not None and record.summary is not None
        n_weeks = int(record.summary["n_weeks"])
        out = sweep_aggregate.load_outcomes(
            record.job_dir, ["replicate", "track", "agreed", "agreement_week"]
        )
        out["track"] = out["track"].astype(str)
        every = out.groupby("replicate").agg(
            agreed=("agreed", "all"), agreement_week=("agreement_week", "max")
        )
        every = every.reset_index().assign(track=ALL_TRACKS)
        out = pd.concat([out, every], ignore_index=True)
        weeks = out["agreement_week"].astype("Float64").fillna(n_weeks - 1).to_numpy(dtype=float)
        parts.append(
            pd.DataFrame(
                {
                    "label": label,
                    "track": out["track"],
                    "weeks": np.where(out["agreed"], weeks + 1.0, float(n_weeks)),
                    "is_deal": out["agreed"].to_numpy(dtype=bool),
                    "n_weeks": n_weeks,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def survival(weeks: np.ndarray, is_deal: np.ndarray) -> Any:
    """Kaplan-Meier estimate of the share still without a deal (an ``ECDFResult``).

    ``None`` if there is no deal at all (the curve stays at 1).
    """
    if not is_deal.any():
        return None
    data = stats.CensoredData(uncensored=weeks[is_deal], right=weeks[~is_deal])
    return stats.ecdf(data)


#: Opacity of a curve's band: lighter when many bands overlap.
BAND_ALPHA = {4: 0.18, 8: 0.10}
BAND_ALPHA_MANY = 0.06


def band_alpha(n_curves: int) -> float:
    """How opaque each curve's band is, with ``n_curves`` curves in a panel."""
    for most, alpha in BAND_ALPHA.items():
        if n_curves <= most:
            return alpha
    return BAND_ALPHA_MANY


def _draw_curve(ax: plt.Axes, rows: pd.DataFrame, i: int, alpha: float, label: str) -> None:
    """One Kaplan–Meier step curve with its 95 % band (a flat line at 100 % without deals)."""
    n_weeks = int(rows["n_weeks"].iloc[0])
    style = line_style(i)
    result = survival(rows["weeks"].to_numpy(), rows["is_deal"].to_numpy())
    if result is None:
        ax.step(
            [0, n_weeks],
            [1, 1],
            where="post",
            label=label,
            lw=1,
            color=style["color"],
            linestyle=style["linestyle"],
        )
        return
    x = np.r_[0.0, result.sf.quantiles, n_weeks]
    y = np.r_[1.0, result.sf.probabilities, result.sf.probabilities[-1]]
    ax.step(
        x,
        y,
        where="post",
        label=label,
        lw=1,
        color=style["color"],
        linestyle=style["linestyle"],
    )
    with warnings.catch_warnings():  # undefined where the estimate reaches 0
        warnings.simplefilter("ignore", RuntimeWarning)
        band = result.sf.confidence_interval(confidence_level=0.95)
    lo = np.nan_to_num(np.r_[1.0, band.low.probabilities, band.low.probabilities[-1]], nan=0.0)
    hi = np.nan_to_num(np.r_[1.0, band.high.probabilities, band.high.probabilities[-1]], nan=1.0)
    ax.fill_between(x, lo, hi, step="post", color=style["color"], alpha=alpha, lw=0)


#: Inches a legend entry takes beside its text: the line sample and the gaps.
LEGEND_ENTRY_IN = 0.55


def legend_columns(labels: list[str]) -> int:
    """Two legend columns if two of the longest names fit the page side by side, else one."""
    font = FontProperties(size=STYLE["legend.fontsize"])
    widest = max(
        (TextToPath().get_text_width_height_descent(t, font, False)[0] for t in labels), default=0.0
    )
    return 2 if 2 * (widest / 72 + LEGEND_ENTRY_IN) <= PAGE_IN else 1


@styled
def plot(data: pd.DataFrame, path: Path, tracks: list[str] | None = None) -> Path:
    """Survival curves per track (panels) and sweep point (curves), each with its band."""
    tracks = tracks or list(dict.fromkeys(data["track"]))
    labels = list(dict.fromkeys(data["label"]))
    legend_cols = legend_columns([str(v) for v in labels])
    legend_rows = -(-len(labels) // legend_cols) if len(labels) > 1 else 0
    fig, axes = track_panels(len(tracks), 2.1, legend_rows, extra=0.5)
    alpha = band_alpha(len(labels))
    for ax, track in zip(axes.flat, tracks, strict=False):
        for i, label in enumerate(labels):
            rows = data[(data["track"] == track) & (data["label"] == label)]
            if not rows.empty:
                _draw_curve(ax, rows, i, alpha, label)
        ax.set_title(human(track))
        ax.set_ylim(0, 1.02)
        ax.set_xlim(0, float(data["n_weeks"].max()))
        ax.yaxis.set_major_formatter(plt.FuncFormatter(percent_ticks))
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(tracks) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("without a deal")
    for k, ax in enumerate(list(axes.flat)[: len(tracks)]):
        if k + axes.shape[1] >= len(tracks):  # no panel below it: it carries the axis label
            ax.set_xlabel("weeks of talks")
    if legend_rows:
        handles, names = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncols=legend_cols, frameon=False)
    fig.suptitle(
        "Time to deal (Kaplan–Meier, censored at the end of the talks; bands: 95 % confidence)"
    )
    return save_figure(fig, path)


PARSER = _common.results_parser(__doc__, _common.TRACKS, **_common.RUN_OR_SWEEP)


@_common.command(PARSER)
def main(args: Namespace) -> int:
    records = _common.load_complete(load_runs, args.results_dir)
    path = _common.out_dir(args) / "time_to_deal.png"
    return _common.wrote(plot(aggregate(records), path, args.tracks))


if __name__ == "__main__":
    sys.exit(main())
