"""Figures from result tables (tables in, PNG files out); the only sim module using matplotlib."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never open a window from a run or a test

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.results import atomic_path


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=130, format="png")
    plt.close(fig)
    return path


def plot_deal_likelihood(summary: pd.DataFrame, path: Path, title: str = "") -> Path:
    """Bar chart of the deal likelihood per track with its confidence interval."""
    fig, ax = plt.subplots(figsize=(7, 4))
    x = np.arange(len(summary))
    p = summary["deal_likelihood"].to_numpy()
    err = np.vstack([p - summary["ci_low"].to_numpy(), summary["ci_high"].to_numpy() - p])
    ax.bar(x, p, color="#4C72B0", yerr=err, capsize=4, ecolor="black")
    for xi, pi in zip(x, p, strict=True):
        ax.text(float(xi), min(pi + 0.04, 0.97), f"{pi:.1%}", ha="center", fontsize=9)
    ax.set_xticks(x, [t.replace("_", " ") for t in summary["track"]], rotation=15)
    ax.set_ylim(0, 1)
    ax.set_ylabel("deal likelihood (95% CI)")
    n = int(summary["n_replicates"].iloc[0])
    ax.set_title(title or f"Deal likelihood per track ({n:,} replicates)")
    return _save(fig, path)


def plot_agreement_weeks(outcomes: pd.DataFrame, n_weeks: int, path: Path, title: str = "") -> Path:
    """Distribution of the agreement week per track (share of replicates agreeing each week)."""
    tracks = list(outcomes["track"].cat.categories)
    fig, axes = plt.subplots(
        len(tracks), 1, figsize=(7, 1.7 * len(tracks) + 0.8), sharex=True, squeeze=False
    )
    bins = np.arange(n_weeks + 1) - 0.5
    for ax, track in zip(axes[:, 0], tracks, strict=True):
        rows = outcomes[outcomes["track"] == track]
        weeks = rows["agreement_week"].dropna().to_numpy(dtype=float)
        ax.hist(
            weeks, bins=bins, weights=np.full(weeks.size, 1 / max(len(rows), 1)), color="#55A868"
        )
        ax.set_ylabel("share")
        ax.set_title(
            f"{track.replace('_', ' ')}: {weeks.size / max(len(rows), 1):.1%} agree", fontsize=9
        )
    axes[-1, 0].set_xlabel("agreement week (0 = start of talks; deadline = last week)")
    fig.suptitle(title or "When deals are reached", fontsize=11)
    return _save(fig, path)


def plot_trace(trace: pd.DataFrame, outcome: pd.DataFrame, n_weeks: int, path: Path) -> Path:
    """One replicate's negotiation: utility of every offer over the weeks, one panel per track.

    Each proposer's offers are drawn twice, as worth to itself (solid) and to the other party
    (dotted); an accepted offer is marked with a star, and each party's reservation value on
    the track is a thin horizontal line.
    """
    tracks = [str(t) for t in outcome["track"]]
    parties = [c.removeprefix("utility_") for c in outcome.columns if c.startswith("utility_")]
    colours = dict(zip(parties, ["#C44E52", "#4C72B0", "#55A868", "#8172B2"], strict=False))
    fig, axes = plt.subplots(
        len(tracks), 1, figsize=(8, 2.0 * len(tracks) + 0.9), sharex=True, squeeze=False
    )
    for ax, track in zip(axes[:, 0], tracks, strict=True):
        rows = trace[trace["track"] == track] if len(trace) else trace
        final = outcome[outcome["track"].astype(str) == track].iloc[0]
        for party in parties:
            ax.axhline(final[f"reservation_{party}"], color=colours.get(party), lw=0.6, alpha=0.6)
        for proposer in parties:
            offers = rows[rows["proposer"] == proposer] if len(rows) else rows
            if offers.empty:
                continue
            for party in parties:
                ax.plot(
                    offers["week"],
                    offers[f"utility_{party}"],
                    ls="-" if party == proposer else ":",
                    marker=".",
                    ms=3,
                    color=colours.get(proposer),
                    label=f"{proposer}'s offers, worth to {party}",
                )
            accepted = offers[offers["accepted"]]
            for party in parties:
                ax.plot(
                    accepted["week"],
                    accepted[f"utility_{party}"],
                    ls="none",
                    marker="*",
                    ms=12,
                    color=colours.get(proposer),
                    markeredgecolor="black",
                )
        verdict = f"deal in week {final['agreement_week']}" if final["agreed"] else "no deal"
        ax.set_title(f"{track.replace('_', ' ')}: {verdict}", fontsize=9)
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel("utility")
    axes[-1, 0].set_xlim(-0.5, n_weeks - 0.5)
    axes[-1, 0].set_xlabel("week of the talks (star: accepted offer; lines: reservation values)")
    if axes[0, 0].get_legend_handles_labels()[0]:
        axes[0, 0].legend(loc="lower left", ncol=2, fontsize=6, framealpha=0.8)
    replicate = int(outcome["replicate"].iloc[0])
    fig.suptitle(f"Replicate {replicate}: offers week by week", fontsize=11)
    return _save(fig, path)
