"""Figures of the uncertainty tools (tables in, PNG files out); the computation is elsewhere."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.plots import save_figure  # sets the file-only backend before pyplot is used


def short(key: str) -> str:
    """A parameter key shortened for an axis label (its last three parts)."""
    return ".".join(key.split(".")[-3:])


def plot_ranked(
    table: pd.DataFrame, value: str, low: str, high: str, path: Path, title: str, top: int = 15
) -> Path:
    """Most influential parameters of one output, with the index's interval."""
    rows = table.sort_values(value, ascending=False).head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(rows) + 1.4))
    y = np.arange(len(rows))
    err = np.vstack([rows[value] - rows[low], rows[high] - rows[value]]).clip(min=0)
    ax.barh(y, rows[value], color="#4c72b0", alpha=0.8)
    ax.errorbar(rows[value], y, xerr=err, fmt="none", ecolor="black", capsize=2, lw=1)
    ax.set_yticks(y, [short(p) for p in rows["parameter"]], fontsize=8)
    ax.set_xlabel(f"{value} (95 % bootstrap interval)")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_predictive(table: pd.DataFrame, path: Path) -> Path:
    """Each deal likelihood: the base run's Monte Carlo interval beside the parameter interval."""
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(table) + 1.4))
    y = np.arange(len(table))
    ax.errorbar(
        table["base"],
        y + 0.15,
        xerr=[table["base"] - table["mc_low"], table["mc_high"] - table["base"]],
        fmt="o",
        color="#dd8452",
        capsize=3,
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
        color="#4c72b0",
        capsize=3,
        label="prior draws: parameter 95 %",
    )
    ax.set_yticks(y, [o.removeprefix("deal.") for o in table["output"]])
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("deal likelihood")
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return save_figure(fig, path)


def plot_trajectory(trajectory: pd.DataFrame, path: Path, title: str) -> Path:
    """PRIM's peeling trajectory: coverage against density, coloured by restricted dimensions."""
    fig, ax = plt.subplots(figsize=(6, 4.5))
    points = ax.scatter(
        trajectory["coverage"], trajectory["density"], c=trajectory.get("res_dim"), cmap="viridis"
    )
    fig.colorbar(points, ax=ax, label="restricted dimensions")
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_posteriors(
    keys: list[str], prior: np.ndarray, posterior: np.ndarray, path: Path, top: int = 9
) -> Path:
    """Marginal histograms, prior against posterior, of the first ``top`` parameters given."""
    n = min(top, len(keys))
    cols = 3
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(10, 2.6 * rows), squeeze=False)
    for ax, j in zip(axes.flat, range(n), strict=False):
        bins = np.linspace(prior[:, j].min(), prior[:, j].max(), 21)
        ax.hist(prior[:, j], bins=bins, density=True, alpha=0.4, color="grey", label="prior")
        ax.hist(
            posterior[:, j], bins=bins, density=True, alpha=0.7, color="#4c72b0", label="posterior"
        )
        ax.set_title(short(keys[j]), fontsize=8)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_horizons(table: pd.DataFrame, path: Path) -> Path:
    """Prior- and posterior-predictive deal likelihood by horizon, per track."""
    tracks = list(dict.fromkeys(table["track"]))
    fig, axes = plt.subplots(1, len(tracks), figsize=(3.2 * len(tracks), 3.4), squeeze=False)
    for ax, track in zip(axes.flat, tracks, strict=True):
        for which, colour in (("prior", "grey"), ("posterior", "#4c72b0")):
            rows = table[(table["track"] == track) & (table["which"] == which)]
            x = np.arange(len(rows))
            ax.plot(x, rows["mean"], "o-", color=colour, label=which)
            ax.fill_between(x, rows["low"], rows["high"], color=colour, alpha=0.2)
            ax.set_xticks(x, rows["horizon"], rotation=45, fontsize=7)
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(track, fontsize=9)
    axes.flat[0].set_ylabel("deal likelihood")
    axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    return save_figure(fig, path)
