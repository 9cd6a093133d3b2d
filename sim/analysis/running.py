"""Running aggregates of an outcome table: add it batch by batch, summarise at the end.

:class:`RunningSummary` keeps, per track and per replicate, only counts (agreements, agreement
weeks as histograms, agreed outcomes by index, options, how the talks ended) and exact sums, so a
run of any size is summarised in constant memory and the result does not depend on how the table
was split: the same numbers from one frame or from a thousand batches. Means of integer columns
are integer sums over counts; the one float mean (the final tariff rate) is summed exactly over
its distinct values (``fractions.Fraction``), so no batch order changes its last bit.

Every batch must hold whole replicates (all their tracks), sorted by replicate then track, as the
engine writes them. Pure: no I/O, no plotting.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sim.analysis.bargaining import efficiency_from_counts
from sim.analysis.likelihood import ALL_TRACKS, proportion_interval
from sim.domain.outcome_space import CompiledScenario

IntArray = npt.NDArray[np.int64]
POLITICS_COLUMNS = ("ratification_attempts", "ratification_failures", "weeks_suspended")


def _median_from_counts(counts: IntArray) -> float:
    """The median of the integer values ``i`` repeated ``counts[i]`` times (pandas' rule)."""
    m = int(counts.sum())
    cum = np.cumsum(counts)
    lower = int(np.searchsorted(cum, (m + 1) // 2))  # the ((m + 1) // 2)-th value, 1-based
    upper = int(np.searchsorted(cum, m // 2 + 1))
    return float(lower) if m % 2 else (lower + upper) / 2.0


class _TrackTotals:
    """Counts and integer sums over one track's rows."""

    def __init__(self, n_weeks: int, n_outcomes: int) -> None:
        self.n = 0
        self.agreed = 0
        self.week_counts = np.zeros(n_weeks, dtype=np.int64)  # agreed rows by agreement week
        self.outcome_counts = np.zeros(n_outcomes, dtype=np.int64)  # agreed rows by outcome
        self.sums = dict.fromkeys((*POLITICS_COLUMNS, "escalations", "failed"), 0)

    def add(self, rows: pd.DataFrame, mask: npt.NDArray[np.bool_]) -> None:
        """Fold in the rows of ``rows`` selected by ``mask`` (this track's rows)."""
        self.n += int(mask.sum())
        agreed = rows["agreed"].to_numpy(dtype=bool)[mask]
        self.agreed += int(agreed.sum())
        week = rows["agreement_week"].to_numpy(dtype=np.float64, na_value=np.nan)[mask]
        weeks = week[~np.isnan(week)].astype(np.int64)
        self.week_counts += np.bincount(weeks, minlength=self.week_counts.size)
        outcomes = rows["outcome"].to_numpy(dtype=np.int64)[mask][agreed]
        self.outcome_counts += np.bincount(outcomes, minlength=self.outcome_counts.size)
        for name in (*POLITICS_COLUMNS, "escalations"):
            self.sums[name] += int(rows[name].to_numpy(dtype=np.int64)[mask].sum())
        self.sums["failed"] += int((rows["ratification_failures"].to_numpy()[mask] > 0).sum())


def _first_per_replicate(replicate: IntArray, present: npt.NDArray[np.bool_]) -> IntArray:
    """The first ``present`` row of each replicate that has one (rows sorted by replicate)."""
    rows = np.flatnonzero(present)
    _, first = np.unique(replicate[rows], return_index=True)  # sorted rows: first is the lowest
    return rows[first]


class RunningSummary:
    """The summary of an outcome table (``summary.json`` less its header), built batch by batch.

    Args:
        compiled: The compiled scenario the table comes from.
    """

    def __init__(self, compiled: CompiledScenario) -> None:
        self.compiled = compiled
        n_weeks = compiled.n_weeks
        self.n_replicates = 0
        self.tracks = {
            t.name: _TrackTotals(n_weeks, int(t.utilities.shape[1])) for t in compiled.tracks
        }
        self.all_week_counts = np.zeros(n_weeks, dtype=np.int64)  # replicates closing every track
        self.talks_end: Counter[str] = Counter()
        self.talks_end_order: dict[str, None] = {}
        self.options = {name: Counter[str]() for name in compiled.scenario.issues}
        self.rate_values = {name: Counter[float]() for name in compiled.scenario.issues}

    def add(self, outcomes: pd.DataFrame) -> RunningSummary:
        """Fold one batch of whole replicates into the totals (returns ``self``)."""
        if outcomes.empty:
            return self
        replicate = outcomes["replicate"].to_numpy(dtype=np.int64)
        if (np.diff(replicate) < 0).any():  # the engine's order; any other table is sorted first
            outcomes = outcomes.iloc[np.argsort(replicate, kind="stable")]
            replicate = outcomes["replicate"].to_numpy(dtype=np.int64)
        track = outcomes["track"]
        codes = track.cat.codes.to_numpy()
        for code, name in enumerate(track.cat.categories):
            if str(name) in self.tracks:
                self.tracks[str(name)].add(outcomes, codes == code)
        starts = np.flatnonzero(np.r_[True, replicate[1:] != replicate[:-1]])
        self.n_replicates += starts.size
        self._add_replicates(outcomes, starts)
        self._add_issues(outcomes, replicate, starts)
        return self

    def _add_replicates(self, outcomes: pd.DataFrame, starts: IntArray) -> None:
        """Per replicate: whether every track closed, the week the last one did, how talks ended."""
        every = np.logical_and.reduceat(outcomes["agreed"].to_numpy(dtype=bool), starts)
        week = outcomes["agreement_week"].to_numpy(dtype=np.float64, na_value=-1.0)
        last = np.maximum.reduceat(week, starts)[every].astype(np.int64)
        self.all_week_counts += np.bincount(last, minlength=self.all_week_counts.size)
        ends = outcomes["talks_end"]
        end_codes = ends.cat.codes.to_numpy()[starts]
        seen, first = np.unique(end_codes, return_index=True)
        labels = [str(ends.cat.categories[c]) for c in seen[np.argsort(first)]]
        self.talks_end_order.update(dict.fromkeys(labels))
        values, times = np.unique(end_codes, return_counts=True)
        for c, t in zip(values.tolist(), times.tolist(), strict=True):
            self.talks_end[str(ends.cat.categories[c])] += t

    def _add_issues(self, outcomes: pd.DataFrame, replicate: IntArray, starts: IntArray) -> None:
        """Per replicate and issue: the option it ended at (first track carrying it), its rate."""
        for name, issue in self.compiled.scenario.issues.items():
            option = outcomes[f"option_{name}"]
            codes = option.cat.codes.to_numpy()
            picked = _first_per_replicate(replicate, codes >= 0)
            values, times = np.unique(codes[picked], return_counts=True)
            for c, t in zip(values.tolist(), times.tolist(), strict=True):
                self.options[name][str(option.cat.categories[c])] += t
            self.options[name][issue.status_quo] += starts.size - picked.size
            col = f"rate_{name}"
            if col in outcomes:
                rate = outcomes[col].to_numpy(dtype=np.float64)
                picked = _first_per_replicate(replicate, ~np.isnan(rate))
                values, counts = np.unique(rate[picked], return_counts=True)
                tally = zip(values.tolist(), counts.tolist(), strict=True)
                self.rate_values[name].update(dict(tally))

    # ---- the summary tables ------------------------------------------------------------------

    def _likelihood_row(self, name: str, n: int, k: int, week_counts: IntArray) -> dict[str, Any]:
        low, high = proportion_interval(k, n)
        weeks = np.arange(week_counts.size)
        m = int(week_counts.sum())
        return {
            "track": name,
            "n_replicates": n,
            "n_agreed": k,
            "deal_likelihood": k / n if n else float("nan"),
            "ci_low": low,
            "ci_high": high,
            "mean_agreement_week": int(weeks @ week_counts) / m if k and m else float("nan"),
            "median_agreement_week": _median_from_counts(week_counts) if k and m else float("nan"),
        }

    def week_counts(self) -> dict[str, IntArray]:
        """Agreements by week, per track and for ``all_tracks`` (the week the last one closed)."""
        out = {name: t.week_counts for name, t in self.tracks.items()}
        return {**out, ALL_TRACKS: self.all_week_counts}

    def rows_per_track(self) -> dict[str, int]:
        """Rows (replicates) per track, and replicates for ``all_tracks``."""
        return {**{n: t.n for n, t in self.tracks.items()}, ALL_TRACKS: self.n_replicates}

    def deal_likelihoods(self) -> pd.DataFrame:
        """As :func:`sim.analysis.likelihood.deal_likelihoods`."""
        n = self.rows_per_track()
        agreed = {k: t.agreed for k, t in self.tracks.items()}
        agreed[ALL_TRACKS] = int(self.all_week_counts.sum())
        rows = [self._likelihood_row(k, n[k], agreed[k], c) for k, c in self.week_counts().items()]
        return pd.DataFrame(rows)

    def likelihoods_by_horizon(self) -> pd.DataFrame:
        """As :func:`sim.analysis.likelihood.likelihoods_by_horizon` at the review dates."""
        scenario = self.compiled.scenario
        n = self.rows_per_track()
        rows = []
        for date, weeks in zip(scenario.review_dates, scenario.review_weeks, strict=True):
            for name, counts in self.week_counts().items():
                k = int(counts[: max(int(weeks), 0)].sum())
                low, high = proportion_interval(k, n[name])
                p = k / n[name] if n[name] else float("nan")
                rows.append(
                    {
                        "track": name,
                        "horizon": date.isoformat(),
                        "weeks": int(weeks),
                        "deal_likelihood": p,
                        "ci_low": low,
                        "ci_high": high,
                    }
                )
        return pd.DataFrame(rows)

    def cumulative_deals(self) -> pd.DataFrame:
        """As :func:`sim.analysis.outcomes.cumulative_deals`."""
        weeks = np.arange(self.compiled.n_weeks)
        data = {k: np.cumsum(t.week_counts) / max(t.n, 1) for k, t in self.tracks.items()}
        return pd.DataFrame(data, index=pd.Index(weeks, name="week"))

    def option_shares(self) -> pd.DataFrame:
        """As :func:`sim.analysis.outcomes.option_shares`."""
        rows = []
        n = max(self.n_replicates, 1)
        for name, issue in self.compiled.scenario.issues.items():
            for option in issue.options:
                rows.append(
                    {
                        "issue": name,
                        "kind": issue.kind,
                        "option": option,
                        "is_status_quo": option == issue.status_quo,
                        "share": self.options[name][option] / n,
                        "rate": issue.rates.get(option, np.nan),
                    }
                )
        return pd.DataFrame(rows)

    def mean_rate(self, issue: str) -> float | None:
        """The exact mean of the final ``rate_<issue>`` over replicates (``None``: no rates)."""
        values = self.rate_values[issue]
        count = sum(values.values())
        if not count:
            return None
        return float(sum(Fraction(v) * c for v, c in values.items()) / count)

    def final_tariffs(self, shares: pd.DataFrame) -> pd.DataFrame:
        """As :func:`sim.analysis.outcomes.final_tariffs` with the outcome table."""
        rated = shares[shares["rate"].notna() & (shares["kind"] == "tariff")]
        mean = (rated["share"] * rated["rate"]).groupby(rated["issue"], sort=False).sum()
        for issue in mean.index:
            exact = self.mean_rate(str(issue))
            if exact is not None:
                mean[issue] = exact
        sq = rated[rated["is_status_quo"]].set_index("issue")["rate"]
        return pd.DataFrame(
            {
                "issue": mean.index,
                "mean_final_rate": mean.to_numpy(),
                "status_quo_rate": sq[mean.index].to_numpy(),
            }
        )

    def track_politics(self) -> pd.DataFrame:
        """As :func:`sim.analysis.outcomes.track_politics`."""
        rows = []
        for name, t in self.tracks.items():
            n = max(t.n, 1)
            rows.append(
                {
                    "track": name,
                    "mean_ratification_attempts": t.sums["ratification_attempts"] / n,
                    "mean_ratification_failures": t.sums["ratification_failures"] / n,
                    "share_with_failed_ratification": t.sums["failed"] / n,
                    "mean_weeks_suspended": t.sums["weeks_suspended"] / n,
                    "mean_escalations": t.sums["escalations"] / n,
                }
            )
        return pd.DataFrame(rows)

    def talks_end_shares(self) -> dict[str, float]:
        """Share of replicates by how the talks ended."""
        n = max(self.n_replicates, 1)
        return {k: self.talks_end[k] / n for k in self.talks_end_order}

    def agreed_outcome_counts(self, track: str) -> IntArray:
        """How often each outcome index of ``track`` was agreed."""
        return self.tracks[track].outcome_counts

    def efficiency(self) -> list[dict[str, Any]]:
        """Pareto and Nash figures of each track's agreements (see ``summary.track_efficiency``)."""
        rows = []
        compiled = self.compiled
        for track in compiled.tracks:
            utilities = track.utilities[list(track.parties)]
            d = utilities[:, track.status_quo]
            parties = [compiled.party_names[p] for p in track.parties]
            summary = efficiency_from_counts(utilities, d, self.agreed_outcome_counts(track.name))
            rows.append({"track": track.name, "parties": parties, **summary})
        return rows

    def summary(self) -> dict[str, Any]:
        """Every summary table (``summary.json`` less its header), as JSON-ready records."""
        scenario = self.compiled.scenario
        shares = self.option_shares()
        chips = shares[shares["kind"].isin(["concession", "counter_tariff"])]
        granted = chips[~chips["is_status_quo"]].groupby("issue", sort=False)["share"].sum()
        return {
            "n_weeks": self.compiled.n_weeks,
            "deadline_weeks": scenario.deadline_weeks,
            "tracks": {t.name: list(t.issues) for t in self.compiled.tracks},
            "efficiency": self.efficiency(),
            "deal_likelihood": self.deal_likelihoods().to_dict(orient="records"),
            "deal_likelihood_by_horizon": self.likelihoods_by_horizon().to_dict(orient="records"),
            "talks_end": self.talks_end_shares(),
            "final_tariffs": self.final_tariffs(shares).to_dict(orient="records"),
            "concessions_granted": pd.DataFrame(
                {"issue": granted.index, "share_granted": granted.to_numpy()}
            ).to_dict(orient="records"),
            "option_shares": shares.to_dict(orient="records"),
            "politics": self.track_politics().to_dict(orient="records"),
        }
