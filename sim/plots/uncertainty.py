"""Figures of the uncertainty tools (``sim.explore``, ``sim.calibrate``): tables in, files out.

In the house style (:mod:`sim.plots.style`): Okabe–Ito colours, journal widths, PNG and PDF side
by side, parameters and outputs named as a reader names them (:func:`parameter_label`,
:func:`output_label`), and an interval on every index and every likelihood drawn.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.config.labels import output_label, parameter_label
from sim.plots.style import (
    COLUMN_IN,
    PAGE_IN,
    SEQUENTIAL,
    colour,
    human,
    percent_ticks,
    save_figure,
    styled,
)

#: Grey of the prior beside the posterior's palette blue.
PRIOR_GREY = "#999999"


@styled
def plot_ranked(
    table: pd.DataFrame, value: str, low: str, high: str, path: Path, output: str, top: int = 15
) -> Path:
    """The most influential parameters of one output, each index with its 95 % interval."""
    rows = table.sort_values(value, ascending=False).head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(PAGE_IN, 0.22 * len(rows) + 0.9))
    y = np.arange(len(rows))
    err = np.vstack([rows[value] - rows[low], rows[high] - rows[value]]).clip(min=0)
    ax.barh(y, rows[value], color=colour(0), alpha=0.85, height=0.7)
    ax.errorbar(rows[value], y, xerr=err, fmt="none", ecolor="black", capsize=2, lw=0.8)
    ax.set_yticks(y, [parameter_label(p) for p in rows["parameter"]])
    ax.set_xlim(left=0)
    ax.set_xlabel(f"{_index_name(value)} (95 % bootstrap interval)")
    ax.set_title(output_label(output))
    return save_figure(fig, path)


def _index_name(value: str) -> str:
    return {
        "mu_star": "Morris μ*",
        "ST": "Sobol' total index",
        "S1": "Sobol' first-order index",
    }.get(value, value)


@styled
def plot_predictive(table: pd.DataFrame, path: Path) -> Path:
    """Each deal likelihood: the base run's Monte Carlo interval beside the parameter interval."""
    fig, ax = plt.subplots(figsize=(PAGE_IN, 0.32 * len(table) + 1.0))
    y = np.arange(len(table))
    ax.errorbar(
        table["base"],
        y + 0.15,
        xerr=[table["base"] - table["mc_low"], table["mc_high"] - table["base"]],
        fmt="o",
        ms=4,
        color=colour(1),
        capsize=2,
        label="scenario values: Monte Carlo 95 %",
    )
    mean = table["predictive_mean"]
    ax.errorbar(
        mean,
        y - 0.15,
        xerr=[
            (mean - table["param_low"]).clip(lower=0),
            (table["param_high"] - mean).clip(lower=0),
        ],
        fmt="s",
        ms=4,
        color=colour(0),
        capsize=2,
        label="prior draws: parameter 95 %",
    )
    ax.set_yticks(y, [output_label(o) for o in table["output"]])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(percent_ticks)
    ax.set_xlabel("Deal likelihood")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    return save_figure(fig, path)


@styled
def plot_trajectory(trajectory: pd.DataFrame, path: Path, question: str) -> Path:
    """PRIM's peeling trajectory: coverage against density, coloured by restricted dimensions."""
    fig, ax = plt.subplots(figsize=(COLUMN_IN, 2.8))
    points = ax.scatter(
        trajectory["coverage"],
        trajectory["density"],
        c=trajectory.get("res_dim"),
        cmap=SEQUENTIAL,
        s=12,
    )
    fig.colorbar(points, ax=ax, label="Restricted dimensions")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("Coverage")
    ax.set_ylabel("Density")
    ax.set_title(f"PRIM: {_question_label(question)}")
    return save_figure(fig, path)


def _question_label(question: str) -> str:
    output, _, rest = question.partition(" ")
    return f"{output_label(output)} {rest}".strip()


@styled
def plot_posteriors(
    keys: list[str], prior: np.ndarray, posterior: np.ndarray, path: Path, top: int = 9
) -> Path:
    """Marginal histograms, prior against posterior, of the first ``top`` parameters given."""
    n = min(top, len(keys))
    cols = 3
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(PAGE_IN, 1.7 * rows + 0.3), squeeze=False)
    for ax, j in zip(axes.flat, range(n), strict=False):
        bins = np.linspace(prior[:, j].min(), prior[:, j].max(), 21)
        ax.hist(prior[:, j], bins=bins, density=True, color=PRIOR_GREY, alpha=0.5, label="prior")
        ax.hist(posterior[:, j], bins=bins, density=True, color=colour(0), alpha=0.7,
                label="posterior")  # fmt: skip
        ax.set_title(parameter_label(keys[j]), fontsize=6.5)
        ax.set_yticks([])
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    axes.flat[0].legend(frameon=False)
    fig.tight_layout()
    return save_figure(fig, path)


@styled
def plot_horizons(table: pd.DataFrame, path: Path) -> Path:
    """Prior- and posterior-predictive deal likelihood by horizon, per track, with 90 % bands."""
    tracks = list(dict.fromkeys(table["track"]))
    width = min(PAGE_IN, 1.6 * len(tracks) + 0.6)
    fig, axes = plt.subplots(1, len(tracks), figsize=(width, 2.2), squeeze=False, sharey=True)
    for ax, track in zip(axes.flat, tracks, strict=True):
        for which, tone in (("prior", PRIOR_GREY), ("posterior", colour(0))):
            rows = table[(table["track"] == track) & (table["which"] == which)]
            x = np.arange(len(rows))
            ax.plot(x, rows["mean"], "o-", color=tone, ms=3, label=which)
            ax.fill_between(x, rows["low"], rows["high"], color=tone, alpha=0.2)
            ax.set_xticks(x, rows["horizon"], rotation=45, ha="right")
        ax.set_ylim(0, 1)
        ax.set_title(human(track))
    axes.flat[0].yaxis.set_major_formatter(percent_ticks)
    axes.flat[0].set_ylabel("Deal likelihood (90 % band)")
    axes.flat[0].legend(frameon=False)
    return save_figure(fig, path)
