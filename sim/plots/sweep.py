"""A sweep's figure: every track's deal likelihood, with its 95 % interval, at every point.

Drawn once per sweep by the sweep callback from the long aggregate table (one row per job and
track). All panels share one fixed y axis (0–100 %), so the tracks compare, and so do two sweeps.
A numeric first parameter is an x axis with lines; anything else (True/False, strategy names) is
categorical and its points are never joined by a line.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.plots.style import (
    human,
    line_style,
    parameter_labels,
    percent_ticks,
    save_figure,
    styled,
    track_panels,
    value_label,
)


def is_numeric_axis(values: pd.Series) -> bool:
    """Whether a parameter's values are numbers (not booleans) to put on a numeric axis."""
    kinds = {type(v) for v in values.dropna()}
    return bool(kinds) and kinds <= {int, float, np.int64, np.float64}


def _series(
    table: pd.DataFrame, params: Sequence[str], labels: Mapping[str, str]
) -> list[tuple[str, pd.DataFrame]]:
    """Rows split by the parameters after the first (one curve each)."""
    rest = list(params[1:])
    if not rest:
        return [("", table)]
    return [
        (
            ", ".join(f"{labels[p]} = {value_label(v)}" for p, v in zip(rest, key, strict=True)),
            g,
        )
        for key, g in table.groupby(rest, sort=False, dropna=False)
    ]


def _order(value: object) -> tuple[int, object]:
    """Sort key of mixed values: numbers and booleans by value, anything else as text."""
    if isinstance(value, bool | int | float | np.integer | np.floating):
        return (0, float(value))
    return (1, str(value))


def _typed(text: str, values: pd.Series) -> object:
    """The value of ``values`` written ``text`` (categories are kept as strings)."""
    for v in values:
        if str(v) == text:
            return v
    return text


@styled
def plot_sweep_likelihoods(
    long: pd.DataFrame,
    params: Sequence[str],
    path: Path,
    title: str = "",
    param_labels: Mapping[str, str] | None = None,
    track_labels: Mapping[str, str] | None = None,
) -> Path:
    """Deal likelihood with its 95 % interval per track (panels) across the sweep's points.

    Args:
        long: One row per complete job and track: the parameters, ``track``,
            ``deal_likelihood``, ``ci_low``, ``ci_high``.
        params: The swept parameters (the first is the x axis).
        path: The PNG to write (a PDF beside it).
        title: Figure title (default: names the swept parameters).
        param_labels: Human names of the parameters (default: the key's last part in words).
        track_labels: Human names of the tracks.

    Returns:
        ``path``.
    """
    plabels = {**parameter_labels(list(params)), **(param_labels or {})}
    tlabels = track_labels or {}
    tracks = list(dict.fromkeys(long["track"]))
    n_curves = len(_series(long, params, plabels))
    legend_rows = -(-n_curves // 3) if len(params) > 1 else 0
    fig, axes = track_panels(len(tracks), 2.0, legend_rows, extra=0.9)
    x_param = params[0] if params else None
    numeric = x_param is not None and is_numeric_axis(long[x_param])
    if x_param is not None and numeric:
        categories: list[str] = []
    elif x_param is not None:  # in sorted order, as the numeric axes are
        categories = [str(v) for v in sorted(dict.fromkeys(long[x_param]), key=_order)]
    else:
        categories = ["all jobs"]
    for ax, track in zip(axes.flat, tracks, strict=False):
        rows = long[long["track"] == track]
        groups = _series(rows, params, plabels)
        for i, (name, group) in enumerate(groups):
            if numeric:
                x = group[x_param].to_numpy(dtype=float)
            else:
                at = {c: j for j, c in enumerate(categories)}
                values = group[x_param].astype(str) if x_param else pd.Series(["all jobs"])
                offset = (i - (len(groups) - 1) / 2) * 0.12  # side by side, never joined
                x = np.array([at[v] for v in values]) + offset
            p = group["deal_likelihood"].to_numpy(dtype=float)
            err = np.vstack([p - group["ci_low"], group["ci_high"] - p])
            style = line_style(i)
            ax.errorbar(
                x,
                p,
                yerr=err,
                fmt="o",
                ms=3,
                capsize=2,
                label=name or None,
                color=style["color"],
                linestyle=style["linestyle"] if numeric else "none",
            )
        ax.set_title(tlabels.get(track, human(track)), loc="left")
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(plt.FuncFormatter(percent_ticks))
        if not numeric:
            names = [value_label(_typed(c, long[x_param])) if x_param else c for c in categories]
            ax.set_xticks(range(len(categories)), names, rotation=30, ha="right")
            ax.set_xlim(-0.5, len(categories) - 0.5)
        if x_param is not None:
            ax.set_xlabel(plabels[x_param])
    for ax in axes.flat[len(tracks) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("deal likelihood")
    if legend_rows:  # below the panels: inside one it would hide points and the axis label
        handles, names = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncols=3, frameon=False)
    swept = ", ".join(plabels[p] for p in params) or "no parameter"
    text = title or f"Deal likelihood (95 % intervals) across the sweep of {swept}"
    fig.suptitle("\n".join(textwrap.wrap(text, 95)))  # never wider than the page
    return save_figure(fig, path)
