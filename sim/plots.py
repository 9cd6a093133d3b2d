"""Figures from result tables (tables in, PNG files out).

The only module of ``sim`` that imports matplotlib.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib

# Files only: never open a window from a run or a test. A backend the user chose (MPLBACKEND, as
# Jupyter sets for inline figures, or pyplot already in use) is left alone; figures are closed
# after saving either way.
if not os.environ.get("MPLBACKEND") and "matplotlib.pyplot" not in sys.modules:
    matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.runs.files import atomic_path


def save_figure(fig: plt.Figure, path: Path, dpi: int = 130) -> Path:
    """Write a figure to a PNG atomically and close it."""
    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=dpi, format="png")
    finally:  # a full disk must not leave the figure open
        plt.close(fig)
    return path


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    return save_figure(fig, path)


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
    counts, rows = {}, {}
    for track in outcomes["track"].cat.categories:
        group = outcomes[outcomes["track"] == track]
        weeks = group["agreement_week"].dropna().to_numpy(dtype=np.int64)
        counts[str(track)] = np.bincount(weeks, minlength=n_weeks)[:n_weeks]
        rows[str(track)] = len(group)
    return plot_agreement_week_counts(counts, rows, path, title)


def plot_agreement_week_counts(
    week_counts: dict[str, np.ndarray], rows: dict[str, int], path: Path, title: str = ""
) -> Path:
    """:func:`plot_agreement_weeks` from agreements per week (``week_counts[track][w]``).

    ``rows[track]`` is the number of replicates of the track (the denominator of the shares).
    """
    tracks = list(week_counts)
    fig, axes = plt.subplots(
        len(tracks), 1, figsize=(7, 1.7 * len(tracks) + 0.8), sharex=True, squeeze=False
    )
    for ax, track in zip(axes[:, 0], tracks, strict=True):
        counts = np.asarray(week_counts[track], dtype=np.float64)
        n = max(rows[track], 1)
        ax.bar(np.arange(counts.size), counts / n, width=1.0, color="#55A868")
        ax.set_ylabel("share")
        ax.set_title(f"{track.replace('_', ' ')}: {counts.sum() / n:.1%} agree", fontsize=9)
    axes[-1, 0].set_xlabel("agreement week (0 = start of talks; horizon = last week)")
    fig.suptitle(title or "When deals are reached", fontsize=11)
    return _save(fig, path)


def plot_final_tariffs(shares: pd.DataFrame, path: Path, title: str = "") -> Path:
    """Distribution of the final option of each tariff issue (stacked shares of replicates)."""
    tariffs = shares[shares["kind"] == "tariff"]
    issues = list(dict.fromkeys(tariffs["issue"]))
    fig, ax = plt.subplots(figsize=(8, 0.7 * len(issues) + 1.6))
    cmap = plt.get_cmap("RdYlGn")
    for y, issue in enumerate(issues):
        rows = tariffs[tariffs["issue"] == issue].sort_values("rate", ascending=False)
        left = 0.0
        max_rate = max(float(rows["rate"].max()), 1e-9)
        for row in rows.itertuples():
            colour = cmap(1.0 - float(row.rate) / max_rate) if np.isfinite(row.rate) else "grey"
            ax.barh(y, row.share, left=left, color=colour, edgecolor="white")
            if row.share >= 0.06:
                label = f"{row.option}\n{row.share:.0%}"
                ax.text(left + row.share / 2, y, label, ha="center", va="center", fontsize=7)
            left += float(row.share)
    ax.set_yticks(range(len(issues)), [i.replace("_", " ") for i in issues])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of replicates (red: high final tariff, green: low)")
    ax.set_title(title or "Final tariff per sector (status quo where no deal)")
    return _save(fig, path)


def plot_concessions(granted: pd.DataFrame, path: Path, title: str = "") -> Path:
    """How often each concession (and counter-tariff removal) is granted."""
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(granted) + 1.5))
    y = np.arange(len(granted))
    ax.barh(y, granted["share_granted"], color="#8172B2")
    for yi, share in zip(y, granted["share_granted"], strict=True):
        ax.text(min(float(share) + 0.01, 0.9), float(yi), f"{share:.1%}", va="center", fontsize=8)
    ax.set_yticks(y, [i.replace("_", " ") for i in granted["issue"]])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of replicates in which it is granted")
    ax.set_title(title or "Concessions granted")
    return _save(fig, path)


def plot_deals_over_time(
    cumulative: pd.DataFrame, path: Path, start_date: str = "", title: str = ""
) -> Path:
    """Deal likelihood per track by week (cumulative share of replicates with a ratified deal)."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for track in cumulative.columns:
        ax.step(cumulative.index, cumulative[track], where="post", label=track.replace("_", " "))
    ax.set_ylim(0, 1)
    ax.set_xlabel(f"week of talks{f' (week 0 = {start_date})' if start_date else ''}")
    ax.set_ylabel("deal likelihood so far")
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(title or "Deal likelihood per track over time")
    return _save(fig, path)


def plot_outcomes_over_frontier(
    u: np.ndarray,
    agreed_utilities: np.ndarray,
    path: Path,
    nash: tuple[float, float] | None = None,
    ks: tuple[float, float] | None = None,
    labels: tuple[str, str] = ("Canada", "United States"),
    title: str = "",
    weights: np.ndarray | None = None,
) -> Path:
    """Agreed outcomes over the outcome space, its Pareto frontier and the bargaining benchmarks.

    All outcomes are drawn as faint grey points (a fixed-seed subsample of 20,000 when there are
    more), the efficient outcomes as a line, the agreements as a hexbin density (200 or more) or
    a translucent scatter, and the Nash and Kalai–Smorodinsky outcomes as labelled markers.

    Args:
        u: ``(2, n)`` utilities of every outcome (row 0 is ``labels[0]``'s utility).
        agreed_utilities: ``(m, 2)`` utility pairs of the agreements reached (may be empty).
        path: Where to write the PNG.
        nash: Utility pair of the Nash outcome (``efficiency_summary(...)["nash_utilities"]``).
        ks: Utility pair of the Kalai–Smorodinsky outcome.
        labels: Party names, in row order of ``u``.
        title: Figure title.
        weights: How many agreements each row of ``agreed_utilities`` stands for (default one
            each), so a run of any size draws its distinct agreements once.

    Returns:
        ``path``.
    """
    from sim.analysis.bargaining import pareto_frontier  # pure numpy; imported where used

    utilities = np.asarray(u, dtype=np.float64)
    agreed = np.asarray(agreed_utilities, dtype=np.float64).reshape(-1, 2)
    times = np.ones(agreed.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    n_agreed = int(times.sum())
    n = utilities.shape[1]
    max_drawn = 20_000
    shown = np.arange(n)
    if n > max_drawn:  # fixed seed: the same subsample, hence the same figure, every time
        shown = np.sort(np.random.default_rng(0).choice(n, size=max_drawn, replace=False))
    frontier = pareto_frontier(utilities)

    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    grey_label = "outcomes" if n <= max_drawn else f"outcomes ({max_drawn:,} of {n:,} shown)"
    x, y = utilities[0, shown], utilities[1, shown]
    dot = 4 if shown.size > 2_000 else 16
    ax.scatter(x, y, s=dot, color="0.7", alpha=0.5, linewidths=0, label=grey_label)
    fx, fy = utilities[0, frontier], utilities[1, frontier]
    ax.plot(fx, fy, color="black", lw=1.2, marker=".", ms=4, label="Pareto frontier")
    if n_agreed >= 200:
        lo, hi = utilities.min(axis=1), utilities.max(axis=1)
        pad = 0.02 * np.maximum(hi - lo, 1e-9)
        extent = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
        hb = ax.hexbin(
            agreed[:, 0],
            agreed[:, 1],
            C=times,
            reduce_C_function=np.sum,
            gridsize=40,
            mincnt=1,
            cmap="viridis",
            extent=extent,
        )
        fig.colorbar(hb, ax=ax, label="agreements")
    elif n_agreed > 0:
        agreed = np.repeat(agreed, times.astype(np.int64), axis=0)  # fewer than 200 rows
        ax.scatter(
            agreed[:, 0], agreed[:, 1], s=30, c="#4C72B0", alpha=0.4, zorder=3, label="agreements"
        )
    same = nash is not None and ks is not None and tuple(nash) == tuple(ks)
    benchmarks = (  # KS first, so a coinciding Nash star is drawn on top of the diamond
        ("KS", ks, "D", 70, "#DD8452", (6, -12), "" if same else "KS"),
        ("Nash", nash, "*", 160, "#C44E52", (6, 6), "Nash = KS" if same else "Nash"),
    )
    for name, point, marker, size, color, offset, text in benchmarks:
        if point is None or not np.all(np.isfinite(point)):
            continue
        px, py = float(point[0]), float(point[1])
        ax.scatter(
            px, py, s=size, marker=marker, color=color, edgecolors="black", zorder=5, label=name
        )
        if text:
            ax.annotate(text, (px, py), xytext=offset, textcoords="offset points", fontsize=9)
    ax.set_xlabel(f"utility, {labels[0]}")
    ax.set_ylabel(f"utility, {labels[1]}")
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    ax.set_title(title or f"Agreements over the outcome space ({n_agreed:,} agreements)")
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
        rows = (
            trace[(trace["track"] == track) & (trace["event"] == "offer")] if len(trace) else trace
        )
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
