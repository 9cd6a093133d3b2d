"""A run's figures (tables in, PNG + PDF files out), in the style of :mod:`sim.plots.style`.

Every figure that shows a likelihood shows its 95 % interval; axes that a sweep's figures share
(likelihoods, shares, utilities) have fixed limits, so figures of different sweep points compare
at a glance; weeks are drawn as dates when the start date is known, with the negotiators'
deadline marked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm, Normalize

from sim.plots.style import (
    COLUMN_IN,
    DEADLINE_COLOUR,
    PAGE_IN,
    SEQUENTIAL,
    colour,
    human,
    line_style,
    option_label,
    percent,
    percent_ticks,
    save_figure,
    styled,
)

__all__ = [
    "plot_agreement_weeks",
    "plot_concessions",
    "plot_deal_likelihood",
    "plot_deals_over_time",
    "plot_final_tariffs",
    "plot_outcomes_over_frontier",
    "plot_trace",
    "save_figure",
]

#: Share of a track's replicates per hexagon: one fixed log scale for every run of a sweep.
FRONTIER_SHARE_RANGE = (1e-4, 1.0)


#: Trace events of a coordinator's link (:meth:`sim.engine.trace.TraceRecorder.links`).
LINK_EVENTS = ("link commitment", "link repayment")


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    return save_figure(fig, path)


def _week_axis(start: dt.date | None, weeks: np.ndarray) -> np.ndarray:
    """X positions of weeks: dates from ``start`` (matplotlib date numbers), else the weeks."""
    if start is None:
        return weeks.astype(float)
    base = mdates.date2num(start)
    return base + 7.0 * weeks.astype(float)


def _mark_deadline(ax: plt.Axes, start: dt.date | None, deadline_week: float | None) -> None:
    if deadline_week is None:
        return
    x = float(_week_axis(start, np.array([deadline_week]))[0])
    ax.axvline(x, color=DEADLINE_COLOUR, lw=1.0, ls="--", zorder=1, label="negotiators' deadline")


def _date_ticks(ax: plt.Axes, start: dt.date | None) -> None:
    if start is not None:
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))


@styled
def plot_deal_likelihood(
    summary: pd.DataFrame,
    path: Path,
    title: str = "",
    track_labels: Mapping[str, str] | None = None,
) -> Path:
    """Deal likelihood per track: a point and its 95 % interval, the value beside the interval."""
    labels = track_labels or {}
    rows = summary.iloc[::-1]  # first track on top
    fig, ax = plt.subplots(figsize=(COLUMN_IN * 1.4, 0.32 * len(rows) + 0.9))
    y = np.arange(len(rows))
    p = rows["deal_likelihood"].to_numpy(dtype=float)
    lo, hi = rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float)
    ax.errorbar(p, y, xerr=np.vstack([p - lo, hi - p]), fmt="o", color=colour(0), capsize=3, ms=4)
    for yi, pi, hii in zip(y, p, hi, strict=True):
        ax.annotate(percent(pi), (hii, yi), xytext=(4, 0), textcoords="offset points", va="center")
    ax.set_yticks(y, [labels.get(t, human(t)) for t in rows["track"]])
    ax.set_xlim(0, 1.12)  # fixed: likelihoods of different runs compare; room for the labels
    ax.set_xticks(np.linspace(0, 1, 6), [percent_ticks(v) for v in np.linspace(0, 1, 6)])
    ax.set_xlabel("deal likelihood (point: estimate; bar: 95 % Wilson interval)")
    n = int(summary["n_replicates"].iloc[0])
    ax.set_title(title or f"Deal likelihood per track ({n:,} replicates)")
    return _save(fig, path)


@styled
def plot_agreement_weeks(
    outcomes: pd.DataFrame,
    n_weeks: int,
    path: Path,
    title: str = "",
    start_date: dt.date | None = None,
    deadline_week: float | None = None,
    track_labels: Mapping[str, str] | None = None,
) -> Path:
    """When deals are reached: share of a track's replicates agreeing in each week.

    All panels share one y scale (a share of replicates), the x axis is in dates when
    ``start_date`` is given, and the negotiators' deadline is a dashed line.
    """
    counts, rows = {}, {}
    for track in outcomes["track"].cat.categories:
        group = outcomes[outcomes["track"] == track]
        weeks = group["agreement_week"].dropna().to_numpy(dtype=np.int64)
        counts[str(track)] = np.bincount(weeks, minlength=n_weeks)[:n_weeks]
        rows[str(track)] = len(group)
    return plot_agreement_week_counts(
        counts, rows, path, title, start_date, deadline_week, track_labels
    )


@styled
def plot_agreement_week_counts(
    week_counts: Mapping[str, np.ndarray],
    rows: Mapping[str, int],
    path: Path,
    title: str = "",
    start_date: dt.date | None = None,
    deadline_week: float | None = None,
    track_labels: Mapping[str, str] | None = None,
) -> Path:
    """:func:`plot_agreement_weeks` from agreements per week (``week_counts[track][w]``).

    ``rows[track]`` is the number of the track's replicates (the denominator of the shares), so
    a streamed run of any size draws this from its running totals.
    """
    labels = track_labels or {}
    tracks = list(week_counts)
    fig, axes = plt.subplots(
        len(tracks),
        1,
        figsize=(PAGE_IN, 0.95 * len(tracks) + 0.8),
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    for i, (ax, track) in enumerate(zip(axes[:, 0], tracks, strict=True)):
        counts = np.asarray(week_counts[track], dtype=np.float64)
        n_weeks = counts.size
        edges = _week_axis(start_date, np.arange(n_weeks + 1) - 0.5)
        n = max(rows[track], 1)
        x = _week_axis(start_date, np.arange(n_weeks, dtype=float))
        ax.hist(x, bins=edges, weights=counts / n, color=colour(i))
        _mark_deadline(ax, start_date, deadline_week)
        ax.set_ylabel("share")
        share = counts.sum() / n
        ax.set_title(f"{labels.get(track, human(track))}: {percent(share)} agree", loc="left")
        ax.yaxis.set_major_formatter(plt.FuncFormatter(percent_ticks))
    _date_ticks(axes[-1, 0], start_date)
    axes[-1, 0].set_xlabel("week of the deal" + (" (date)" if start_date else " (0 = start)"))
    if deadline_week is not None:
        axes[0, 0].legend(loc="upper right")
    fig.suptitle(title or "When deals are reached (same scale in every panel)")
    return _save(fig, path)


def _tariff_rows(shares: pd.DataFrame) -> pd.DataFrame:
    tariffs = shares[shares["kind"] == "tariff"]
    return tariffs if len(tariffs) else shares  # a scenario without tariffs: every issue


@styled
def plot_final_tariffs(
    shares: pd.DataFrame,
    path: Path,
    title: str = "",
    issue_labels: Mapping[str, str] | None = None,
) -> Path:
    """Final option of each issue: stacked shares, coloured by the option's tariff (with a key).

    Tariff issues are coloured on one absolute scale, 0 % to the highest rate of any issue, so
    colours compare across rows; a scenario with no tariff issue shows every issue's options,
    each its own palette colour.
    """
    labels = issue_labels or {}
    rows_all = _tariff_rows(shares)
    issues = list(dict.fromkeys(rows_all["issue"]))
    column = rows_all["rate"] if "rate" in rows_all else pd.Series(np.nan, index=rows_all.index)
    rates = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    has_rates = bool(np.isfinite(rates).any())
    top = float(np.nanmax(rates)) if has_rates else 1.0
    norm = Normalize(0.0, max(top, 1e-9))
    cmap = plt.get_cmap(SEQUENTIAL)
    fig, ax = plt.subplots(figsize=(PAGE_IN, 0.45 * len(issues) + 1.2))
    for y, issue in enumerate(issues):
        rows = rows_all[rows_all["issue"] == issue]
        if has_rates:
            rows = rows.sort_values("rate", ascending=False)
        left = 0.0
        for j, row in enumerate(rows.itertuples()):
            rate = float(getattr(row, "rate", np.nan))
            fill = cmap(norm(rate)) if has_rates and np.isfinite(rate) else colour(j)
            ax.barh(y, row.share, left=left, color=fill, edgecolor="white", height=0.7)
            if row.share >= 0.16:  # the colour key gives the rate; the label names the option
                text = f"{option_label(str(row.option))}\n"
                dark = has_rates and np.isfinite(rate) and norm(rate) < 0.5
                ax.text(
                    left + row.share / 2,
                    y,
                    text + percent(float(row.share)),
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if dark else "black",
                )
            left += float(row.share)
    ax.set_yticks(range(len(issues)), [labels.get(i, human(i)) for i in issues])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(percent_ticks))
    ax.set_xlabel("share of replicates (options under 16 % unlabelled)")
    if has_rates:
        bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, pad=0.01)
        bar.set_label("final tariff")
        bar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:.0f} %"))
    ax.set_title(title or "Final option per issue (status quo where no deal)")
    return _save(fig, path)


@styled
def plot_concessions(
    granted: pd.DataFrame,
    path: Path,
    title: str = "",
    issue_labels: Mapping[str, str] | None = None,
) -> Path:
    """How often each concession (and counter-tariff removal) is granted."""
    labels = issue_labels or {}
    fig, ax = plt.subplots(figsize=(COLUMN_IN * 1.4, 0.3 * len(granted) + 0.9))
    y = np.arange(len(granted))
    ax.barh(y, granted["share_granted"], color=colour(2), height=0.6)
    for yi, share in zip(y, granted["share_granted"], strict=True):
        ax.text(float(share) + 0.01, float(yi), percent(float(share)), va="center")
    ax.set_yticks(y, [labels.get(i, human(i)) for i in granted["issue"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    ax.set_xticks(np.linspace(0, 1, 6), [percent_ticks(v) for v in np.linspace(0, 1, 6)])
    ax.set_xlabel("share of replicates in which it is granted")
    ax.set_title(title or "Concessions granted")
    return _save(fig, path)


@styled
def plot_deals_over_time(
    cumulative: pd.DataFrame,
    path: Path,
    start_date: str | dt.date = "",
    title: str = "",
    deadline_week: float | None = None,
    track_labels: Mapping[str, str] | None = None,
) -> Path:
    """Deal likelihood per track by week (cumulative share of replicates with a ratified deal)."""
    labels = track_labels or {}
    start = (
        dt.date.fromisoformat(start_date)
        if isinstance(start_date, str) and start_date
        else (start_date if isinstance(start_date, dt.date) else None)
    )
    fig, ax = plt.subplots(figsize=(PAGE_IN * 0.75, 3.0))
    x = _week_axis(start, cumulative.index.to_numpy())
    for i, track in enumerate(cumulative.columns):
        ax.step(
            x,
            cumulative[track],
            where="post",
            label=labels.get(track, human(track)),
            **line_style(i),  # type: ignore[arg-type]
        )
    _mark_deadline(ax, start, deadline_week)
    _date_ticks(ax, start)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(percent_ticks))
    ax.set_xlabel("date" if start else "week of talks")
    ax.set_ylabel("deal likelihood so far")
    ax.legend(loc="center right", frameon=False)
    ax.set_title(title or "Deal likelihood per track over time")
    return _save(fig, path)


def _benchmark_markers(
    ax: plt.Axes, nash: tuple[float, float] | None, ks: tuple[float, float] | None
) -> None:
    same = nash is not None and ks is not None and tuple(nash) == tuple(ks)
    benchmarks = (  # KS first, so a coinciding Nash star is drawn on top of the diamond
        ("Kalai–Smorodinsky" if not same else None, ks, "D", 40, colour(1)),
        ("Nash = Kalai–Smorodinsky" if same else "Nash", nash, "*", 110, colour(5)),
    )
    for name, point, marker, size, fill in benchmarks:
        if point is None or not np.all(np.isfinite(point)):
            continue
        ax.scatter(
            float(point[0]),
            float(point[1]),
            s=size,
            marker=marker,
            color=fill,
            edgecolors="black",
            zorder=5,
            label=name if name else "_nolegend_",
            clip_on=False,
        )


@styled
def plot_outcomes_over_frontier(
    u: np.ndarray,
    agreed_utilities: np.ndarray,
    path: Path,
    nash: tuple[float, float] | None = None,
    ks: tuple[float, float] | None = None,
    labels: tuple[str, str] = ("Canada", "United States"),
    title: str = "",
    n_replicates: int | None = None,
    weights: np.ndarray | None = None,
) -> Path:
    """Agreed outcomes over the outcome space, its Pareto frontier and the bargaining benchmarks.

    All outcomes are faint grey points (a fixed-seed subsample of 20,000 when there are more),
    the efficient outcomes a line, and the agreements always a hexbin of the share of the track's
    replicates (``n_replicates``, default the agreements) on one fixed log scale
    (:data:`FRONTIER_SHARE_RANGE`), so every run of a sweep draws the same kind of figure with the
    same colours. Axes run over [0, 1] (utilities). The benchmarks are named in the legend.

    Args:
        u: ``(2, n)`` utilities of every outcome (row 0 is ``labels[0]``'s utility).
        agreed_utilities: ``(m, 2)`` utility pairs of the agreements reached (may be empty).
        path: Where to write the PNG (and its PDF).
        nash: Utility pair of the Nash outcome (``efficiency_summary(...)["nash_utilities"]``).
        ks: Utility pair of the Kalai–Smorodinsky outcome.
        labels: Party names, in row order of ``u``.
        title: Figure title.
        n_replicates: The track's replicates (the denominator of the shares).
        weights: How many agreements each row of ``agreed_utilities`` stands for (default one
            each), so a run of any size passes its distinct agreements once.

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

    fig, ax = plt.subplots(figsize=(COLUMN_IN * 1.3, COLUMN_IN * 1.15))
    grey_label = "outcomes" if n <= max_drawn else f"outcomes ({max_drawn:,} of {n:,} shown)"
    dot = 2 if shown.size > 2_000 else 9
    ax.scatter(
        utilities[0, shown],
        utilities[1, shown],
        s=dot,
        color="0.75",
        alpha=0.5,
        linewidths=0,
        label=grey_label,
    )
    ax.plot(
        utilities[0, frontier],
        utilities[1, frontier],
        color="black",
        lw=1.0,
        marker=".",
        ms=3,
        label="Pareto frontier",
    )
    denominator = max(n_replicates or n_agreed, 1)
    hb = ax.hexbin(
        agreed[:, 0],
        agreed[:, 1],
        C=times / denominator,
        reduce_C_function=np.sum,
        gridsize=30,
        mincnt=1,
        cmap=SEQUENTIAL,
        norm=LogNorm(*FRONTIER_SHARE_RANGE),
        extent=(-0.02, 1.02, -0.02, 1.02),
        zorder=3,
    )
    bar = fig.colorbar(hb, ax=ax, pad=0.01)
    bar.set_label("share of replicates agreeing there")
    _benchmark_markers(ax, nash, ks)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel(f"utility, {labels[0]}")
    ax.set_ylabel(f"utility, {labels[1]}")
    ax.legend(loc="lower left", framealpha=0.9, markerscale=1.0)
    ax.set_title(title or f"Agreements over the outcome space ({n_agreed:,} agreements)")
    return _save(fig, path)


def _track_events(trace: pd.DataFrame, track: str, *kinds: str) -> pd.DataFrame | None:
    """The trace rows of the track's events of these kinds (``None``: a trace without events)."""
    if not len(trace) or "event" not in trace:
        return None
    return trace[(trace["track"] == track) & trace["event"].isin(kinds)]


def _ratification_weeks(trace: pd.DataFrame, track: str) -> tuple[list[int], list[int]]:
    """Weeks of the track's ratified deal and of its failed ratifications."""
    draws = _track_events(trace, track, "ratification")
    if draws is None:
        return [], []
    ok = draws[draws["accepted"].astype(bool)]["week"].astype(int).tolist()
    failed = draws[~draws["accepted"].astype(bool)]["week"].astype(int).tolist()
    return ok, failed


def _offered(trace: pd.DataFrame, track: str) -> bool:
    """Whether any offer was made on the track."""
    offers = _track_events(trace, track, "offer")
    return offers is not None and len(offers) > 0


#: Up to this many weeks are listed in a panel title; more are counted and given as a range.
TITLE_WEEKS = 4


def _in_weeks(weeks: Sequence[int]) -> str:
    """``in week 3``, ``in weeks 3, 5 and 9``, or ``38 times, in weeks 25–142`` (a short title)."""
    if len(weeks) == 1:
        return f"in week {weeks[0]}"
    if len(weeks) <= TITLE_WEEKS:
        return f"in weeks {', '.join(map(str, weeks[:-1]))} and {weeks[-1]}"
    return f"{len(weeks)} times, in weeks {weeks[0]}–{weeks[-1]}"


def _never_met(conditions: Sequence[str], final: pd.Series) -> list[str]:
    """The conditions (in words) that never held in the replicate (no ``condition_week_*``)."""
    unmet = []
    for name in conditions:
        column = f"condition_week_{name}"
        if column in final.index and pd.isna(final[column]):
            unmet.append(human(name))
    return unmet


def _possessive(name: str) -> str:
    """``Canada's``, ``United States'``."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _link_weeks(trace: pd.DataFrame, track: str) -> list[int]:
    """Weeks a coordinator's link touched the track (its commitment or its repayment)."""
    links = _track_events(trace, track, *LINK_EVENTS)
    return [] if links is None else sorted(set(links["week"].astype(int)))


@styled
def plot_trace(
    trace: pd.DataFrame,
    outcome: pd.DataFrame,
    n_weeks: int,
    path: Path,
    track_labels: Mapping[str, str] | None = None,
    party_labels: Mapping[str, str] | None = None,
    track_conditions: Mapping[str, Sequence[str]] | None = None,
) -> Path:
    """One replicate's negotiation: utility of every offer over the weeks, one panel per track.

    Each proposer's offers are drawn twice, as worth to itself (solid) and to the other party
    (dotted); an accepted offer that was ratified is a star, one whose ratification failed an
    open red cross with a dotted vertical line (the talks went on), a coordinator's link on the
    track a dashed grey vertical line, and each party's reservation value on the track is a thin
    horizontal line. A track without a deal whose options need conditions (``track_conditions``)
    names in its title those that never held before the horizon.
    """
    tlabels, plabels = track_labels or {}, party_labels or {}
    tracks = [str(t) for t in outcome["track"]]
    parties = [c.removeprefix("utility_") for c in outcome.columns if c.startswith("utility_")]
    colours = {p: colour(i) for i, p in enumerate(parties)}
    fig, axes = plt.subplots(
        len(tracks),
        1,
        figsize=(PAGE_IN, 1.5 * len(tracks) + 1.4),
        sharex=True,
        squeeze=False,
        layout="constrained",  # the title above the panels and the legend below, never over them
    )
    for ax, track in zip(axes[:, 0], tracks, strict=True):
        _trace_panel(ax, trace, outcome, track, parties, colours, plabels)
        final = outcome[outcome["track"].astype(str) == track].iloc[0]
        verdict = f"deal in week {final['agreement_week']}" if final["agreed"] else "no deal"
        _, failed = _ratification_weeks(trace, track)
        if failed:
            verdict += f"; ratification failed {_in_weeks(failed)}"
        linked = _link_weeks(trace, track)
        if linked:
            verdict += f"; linked {_in_weeks(linked)}"
        if not _offered(trace, track):
            verdict += "; no offer was made"
        unmet = _never_met((track_conditions or {}).get(track, ()), final)
        if unmet and not final["agreed"]:
            verdict += f"; never met: {', '.join(unmet)}"
        ax.set_title(f"{tlabels.get(track, human(track))}: {verdict}", loc="left")
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel("utility")
    axes[-1, 0].set_xlim(-0.5, n_weeks - 0.5)
    axes[-1, 0].set_xlabel("week of the talks (lines: reservation values)")
    legend: dict[str, Any] = {}
    for ax in axes[:, 0]:  # one entry per kind of mark drawn anywhere (empty marks are left out)
        for handle, name in zip(*ax.get_legend_handles_labels(), strict=True):
            drawn = len(getattr(handle, "get_xdata", lambda: [1])()) > 0
            if drawn and name not in legend:
                legend[name] = handle
    if legend:
        fig.legend(
            list(legend.values()), list(legend), loc="outside lower center", ncols=3, frameon=False
        )
    replicate = int(outcome["replicate"].iloc[0])
    fig.suptitle(f"Replicate {replicate}: offers week by week")
    return save_figure(fig, path)  # laid out by constrained layout (tight_layout would undo it)


def _trace_panel(
    ax: plt.Axes,
    trace: pd.DataFrame,
    outcome: pd.DataFrame,
    track: str,
    parties: Sequence[str],
    colours: Mapping[str, str],
    plabels: Mapping[str, str],
) -> None:
    offered = _track_events(trace, track, "offer")
    rows = trace if offered is None else offered
    final = outcome[outcome["track"].astype(str) == track].iloc[0]
    ok_weeks, failed_weeks = _ratification_weeks(trace, track)
    for party in parties:
        ax.axhline(final[f"reservation_{party}"], color=colours[party], lw=0.6, alpha=0.6)
    for week in failed_weeks:
        ax.axvline(week, color=DEADLINE_COLOUR, lw=0.8, ls=":")
    for week in _link_weeks(trace, track):
        ax.axvline(week, color="0.45", lw=0.9, ls="--", label="coordinator's link")
    for proposer in parties:
        offers = rows[rows["proposer"] == proposer] if len(rows) else rows
        if offers.empty:
            continue
        name = plabels.get(proposer, human(proposer))
        for party in parties:
            ax.plot(
                offers["week"],
                offers[f"utility_{party}"],
                ls="-" if party == proposer else ":",
                marker=".",
                ms=2,
                lw=0.9,
                color=colours[proposer],
                label=f"{_possessive(name)} offers, worth to {plabels.get(party, human(party))}",
            )
        accepted = offers[offers["accepted"].astype(bool)]
        ratified = accepted[accepted["week"].isin(ok_weeks)]
        failed = accepted[accepted["week"].isin(failed_weeks)]
        for party in parties:
            ax.plot(
                ratified["week"],
                ratified[f"utility_{party}"],
                ls="none",
                marker="*",
                ms=10,
                color=colours[proposer],
                markeredgecolor="black",
                label="ratified deal",
            )
            ax.plot(
                failed["week"],
                failed[f"utility_{party}"],
                ls="none",
                marker="X",
                ms=8,
                markerfacecolor="white",
                markeredgecolor=DEADLINE_COLOUR,
                label="accepted, ratification failed",
            )
