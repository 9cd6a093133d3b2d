"""Every number of ``summary.json``, recomputed independently from ``outcomes.parquet``.

The shared ``run_dir`` is a small real run written by :func:`sim.runs.execute.execute`. Here its
outcome table is re-summarised with plain pandas (and the run's config, read as plain YAML); only
the efficiency figures also need each track's utility table, taken from the compiled scenario and
searched by brute force.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf
from scipy.stats import norm

from sim.runs.experiment import build_experiment
from sim.runs.replay import load_run_config


@pytest.fixture(scope="module")
def run(run_dir: Path) -> tuple[dict[str, Any], pd.DataFrame, dict[str, Any]]:
    summary = json.loads((run_dir / "summary.json").read_text())
    outcomes = pd.read_parquet(run_dir / "outcomes.parquet")
    config = OmegaConf.to_container(OmegaConf.load(run_dir / ".hydra" / "config.yaml"))
    assert isinstance(config, dict)
    return summary, outcomes, config


def wilson(k: int, n: int, z: float = float(norm.ppf(0.975))) -> tuple[float, float]:
    p = k / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def final_options(outcomes: pd.DataFrame, issues: dict[str, Any]) -> pd.DataFrame:
    """One row per replicate: the option each issue ended at (status quo where never agreed)."""
    replicates = sorted(outcomes["replicate"].unique())
    final = pd.DataFrame(index=pd.Index(replicates, name="replicate"))
    for name, issue in issues.items():
        column = outcomes[["replicate", f"option_{name}"]].dropna()  # the track carrying it
        assert column["replicate"].is_unique
        final[name] = column.set_index("replicate")[f"option_{name}"].astype(str)
        final[name] = final[name].fillna(issue["status_quo"])
    return final


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_the_header_and_the_tracks(run) -> None:
    summary, outcomes, config = run
    sc = config["scenario"]
    assert summary["scenario"] == sc["name"]
    assert summary["seed"] == config["seed"] == outcomes["seed"].iloc[0]
    assert summary["n_replicates"] == outcomes["replicate"].nunique() == config["n_replicates"]
    start, deadline = (dt.date.fromisoformat(sc[k]) for k in ("start_date", "deadline"))
    assert summary["deadline_weeks"] == math.ceil((deadline - start).days / 7)
    # the horizon runs to the last annual review after the deadline's
    last = deadline.replace(year=deadline.year + sc["review"]["annual_reviews"])
    assert summary["n_weeks"] == math.ceil((last - start).days / 7)
    # each track's issues are those whose option column it fills
    tracks = {}
    for track, rows in outcomes.groupby("track", observed=True):
        filled = rows.dropna(axis=1, how="all").columns
        tracks[str(track)] = sorted(c.removeprefix("option_") for c in filled if "option_" in c)
    assert {t: sorted(i) for t, i in summary["tracks"].items()} == tracks


def test_deal_likelihoods(run) -> None:
    summary, outcomes, _ = run
    rows = {r["track"]: r for r in summary["deal_likelihood"]}
    per_replicate = outcomes.groupby("replicate")
    every = per_replicate["agreed"].all()
    last_week = per_replicate["agreement_week"].max()[every]
    groups = {str(t): g for t, g in outcomes.groupby("track", observed=True)}
    expected = {
        **{t: (g["agreed"], g["agreement_week"][g["agreed"]]) for t, g in groups.items()},
        "all_tracks": (every, last_week),
    }
    assert list(rows) == [*groups, "all_tracks"]
    for track, (agreed, weeks) in expected.items():
        row, n, k = rows[track], len(agreed), int(agreed.sum())
        assert (row["n_replicates"], row["n_agreed"]) == (n, k), track
        assert row["deal_likelihood"] == pytest.approx(k / n), track
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(wilson(k, n)), track
        weeks = weeks.astype(float)
        assert row["mean_agreement_week"] == pytest.approx(weeks.mean()), track
        assert row["median_agreement_week"] == pytest.approx(weeks.median()), track


def test_option_shares_final_tariffs_and_concessions(run) -> None:
    summary, outcomes, config = run
    issues = config["scenario"]["issues"]
    final = final_options(outcomes, issues)
    shares = pd.DataFrame(summary["option_shares"])
    assert list(zip(shares["issue"], shares["option"], strict=True)) == [
        (name, option) for name, issue in issues.items() for option in issue["options"]
    ]
    for row in shares.itertuples():
        issue = issues[row.issue]
        assert row.share == pytest.approx((final[row.issue] == row.option).mean())
        assert row.kind == issue.get("kind", "tariff")
        assert row.is_status_quo == (row.option == issue["status_quo"])
        rate = issue.get("rates", {}).get(row.option)
        assert (math.isnan(row.rate) and rate is None) or row.rate == rate
    for issue, total in shares.groupby("issue")["share"].sum().items():
        assert total == pytest.approx(1.0), issue

    tariffs = {r["issue"]: r for r in summary["final_tariffs"]}
    rated = [n for n, i in issues.items() if i.get("kind", "tariff") == "tariff" and i["rates"]]
    assert list(tariffs) == rated
    for name in rated:
        issue = issues[name]
        # rate_<issue> is the final rate on the track carrying the issue (every replicate)
        rates = outcomes.dropna(subset=[f"rate_{name}"]).groupby("replicate")[f"rate_{name}"]
        assert tariffs[name]["mean_final_rate"] == pytest.approx(rates.first().mean())
        # escalations only ever raise the rate in force above the negotiated or status-quo one
        assert tariffs[name]["mean_final_rate"] >= final[name].map(issue["rates"]).mean() - 1e-12
        assert tariffs[name]["status_quo_rate"] == issue["rates"][issue["status_quo"]]

    granted = {r["issue"]: r["share_granted"] for r in summary["concessions_granted"]}
    chips = [n for n, i in issues.items() if i.get("kind") in ("concession", "counter_tariff")]
    assert sorted(granted) == sorted(chips)
    for name in chips:
        moved = final[name] != issues[name]["status_quo"]
        assert granted[name] == pytest.approx(moved.mean()), name


def test_politics_per_track(run) -> None:
    summary, outcomes, _ = run
    for row in summary["politics"]:
        g = outcomes[outcomes["track"] == row["track"]]
        assert row["mean_ratification_attempts"] == pytest.approx(g["ratification_attempts"].mean())
        assert row["mean_ratification_failures"] == pytest.approx(g["ratification_failures"].mean())
        assert row["share_with_failed_ratification"] == pytest.approx(
            (g["ratification_failures"] > 0).mean()
        )
        assert row["mean_weeks_suspended"] == pytest.approx(g["weeks_suspended"].mean())
        assert row["mean_escalations"] == pytest.approx(g["escalations"].mean())
    assert {r["track"] for r in summary["politics"]} == set(outcomes["track"].astype(str))


def test_efficiency_per_track(run, run_dir: Path) -> None:
    summary, outcomes, _ = run
    compiled = build_experiment(load_run_config(run_dir)).compiled
    for row, track in zip(summary["efficiency"], compiled.tracks, strict=True):
        assert row["track"] == track.name
        assert row["parties"] == [compiled.party_names[p] for p in track.parties]
        u = track.utilities[list(track.parties)]  # (2, n)
        deals = outcomes[(outcomes["track"] == track.name) & outcomes["agreed"]]
        agreed = deals["outcome"].to_numpy()
        # the table's utilities are those the outcome table reports for each deal
        np.testing.assert_allclose(u[:, agreed].T, deals[[f"utility_{p}" for p in row["parties"]]])
        assert row["n_agreed"] == len(deals)
        if not len(deals):  # no agreements: no figures about them
            assert all(math.isnan(row[k]) for k in ("share_pareto_efficient", "welfare_ratio"))
            continue
        # Pareto efficiency by brute force: dominated iff another outcome is >= twice and differs
        ge = (u[:, None, :] >= u[:, :, None]).all(axis=0)
        gt = (u[:, None, :] > u[:, :, None]).any(axis=0)
        efficient = ~(ge & gt).any(axis=1)
        assert row["share_pareto_efficient"] == pytest.approx(efficient[agreed].mean())
        frontier = u[:, efficient].T
        pts = u[:, agreed].T
        gaps = np.sqrt(((pts[:, None, :] - frontier[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
        assert row["mean_distance_to_frontier"] == pytest.approx(gaps.mean(), abs=1e-12)
        welfare = u.sum(axis=0)
        assert row["max_welfare"] == pytest.approx(welfare.max())
        assert welfare[row["max_welfare_index"]] == pytest.approx(welfare.max())
        np.testing.assert_allclose(row["max_welfare_utilities"], u[:, row["max_welfare_index"]])
        assert row["welfare_ratio"] == pytest.approx(welfare[agreed].mean() / welfare.max())
        # Nash and Kalai-Smorodinsky against the status quo (the disagreement point)
        gains = u - u[:, track.status_quo][:, None]
        rational = (gains >= 0).all(axis=0)
        positive = (gains > 0).all(axis=0)
        nash = row["nash_index"]
        np.testing.assert_allclose(row["nash_utilities"], u[:, nash])
        if positive.any():
            product = np.where(positive, gains[0] * gains[1], -np.inf)
            assert product[nash] == pytest.approx(product.max(), rel=1e-9)
        else:
            assert rational[nash]
        to_nash = np.hypot(*(pts - u[:, nash]).T)
        assert row["mean_distance_to_nash"] == pytest.approx(to_nash.mean())
        ks = row["ks_index"]
        np.testing.assert_allclose(row["ks_utilities"], u[:, ks])
        ideal = np.where(rational, gains, -np.inf).max(axis=1)
        scaled = np.where(ideal[:, None] > 0, gains / np.where(ideal > 0, ideal, 1)[:, None], 1.0)
        least = np.where(rational, scaled.min(axis=0), -np.inf)
        assert rational[ks] and least[ks] == pytest.approx(least.max())
