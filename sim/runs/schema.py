"""The outcome table and the run directory's files, defined once.

``outcomes.parquet`` has one row per (replicate, track). Its columns, their dtypes and their
labels are listed here; :func:`outcomes_frame` writes them, the replay check compares them, the
aggregator and the figure scripts read them by these names. A run directory holds the files named
by the ``*_FILE`` constants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from sim.domain.outcome_space import CompiledScenario
from sim.engine.state import NO_WEEK

IntArray = npt.NDArray[np.int64]
Columns = dict[str, np.ndarray]

OUTCOMES_FILE = "outcomes.parquet"
SUMMARY_FILE = "summary.json"
MANIFEST_FILE = "manifest.json"
ERROR_FILE = "error.json"
TRACEBACK_FILE = "traceback.txt"
JOBS_FILE = "jobs.json"
#: The completion stamp, written last: the config hash and a checksum of every file it vouches for.
STAMP_FILE = "stamp.json"
#: The run (or sweep) directory's lock (:mod:`sim.runs.locks`).
LOCK_FILE = ".lock"
#: Hydra's copy of the resolved config and of the command-line overrides, inside a run directory.
HYDRA_DIR = ".hydra"
CONFIG_FILE = f"{HYDRA_DIR}/config.yaml"
OVERRIDES_FILE = f"{HYDRA_DIR}/overrides.yaml"
#: A sweep's aggregate table, written as ``aggregate.parquet`` and ``aggregate.csv``.
AGGREGATE_NAME = "aggregate"


@dataclass(frozen=True)
class Column:
    """One column of the outcome table.

    ``name`` and ``label`` may hold ``{party}``, ``{condition}`` or ``{issue}``: the column then
    exists once per party, condition or issue of the scenario.
    """

    name: str
    dtype: str
    label: str


#: ``talks_end`` labels, by ``talks_end_cause`` code (:mod:`sim.engine.state`).
TALKS_END_LABELS = ("deals", "review_confirmed", "talks_ended", "horizon")

#: Columns present once.
ROW_COLUMNS = (
    Column("replicate", "int64", "replicate index"),
    Column("seed", "int64", "experiment seed"),
    Column("track", "category", "negotiation track"),
    Column("agreed", "bool", "a deal was ratified within the horizon"),
    Column("agreement_week", "Int64", "week of the ratified deal (missing: no deal)"),
    Column("agreement_date", "datetime64", "date of the ratified deal (missing: no deal)"),
    Column("outcome", "int64", "index of the final outcome in the track's outcome space"),
    Column("ratification_attempts", "int64", "tentative deals sent home for ratification"),
    Column("ratification_failures", "int64", "tentative deals rejected at home"),
    Column("weeks_suspended", "int64", "weeks the track's talks were suspended while open"),
    Column("escalations", "int64", "tariff escalations while some track was open"),
    Column("terminated", "bool", "talks on the track were terminated and never resumed"),
    Column("talks_end_week", "Int64", "week a review ended the talks (missing: it did not)"),
    Column("talks_end", "category", "why the talks ended: " + ", ".join(TALKS_END_LABELS)),
    Column("deadline_week", "int64", "week the first review decides (drawn if stochastic)"),
)
#: Columns per issue of the scenario (missing where the row's track does not negotiate it).
ISSUE_COLUMNS = (
    Column("option_{issue}", "category", "final option of {issue}"),
    Column("rate_{issue}", "float64", "final tariff rate of {issue} (issues with rates only)"),
)
#: Columns per party.
PARTY_COLUMNS = (
    Column("utility_{party}", "float64", "{party}'s utility of the final outcome"),
    Column("discounted_utility_{party}", "float64", "utility * discount**agreement_week"),
    Column("reservation_{party}", "float64", "{party}'s reservation value at the end"),
    Column("initial_reservation_{party}", "float64", "{party}'s reservation value drawn at start"),
    Column("pressure_drift_{party}", "float64", "cumulative stakeholder drift of it"),
    Column("delay_cost_{party}", "float64", "cost to {party} of the weeks at the status quo"),
    Column("extra_rate_{party}", "float64", "escalation of the tariffs {party} pays on the track"),
    Column("net_utility_{party}", "float64", "utility less delay cost and escalated status quo"),
)
#: Columns per condition.
CONDITION_COLUMNS = (
    Column("condition_week_{condition}", "Int64", "first week {condition} holds (missing: never)"),
)


def column_names(compiled: CompiledScenario) -> list[str]:
    """Every column of a scenario's outcome table, in order."""
    names = [c.name for c in ROW_COLUMNS]
    for issue in compiled.scenario.issues.values():
        names.append(f"option_{issue.name}")
        if issue.rates:
            names.append(f"rate_{issue.name}")
    for party in compiled.party_names:
        names += [c.name.format(party=party) for c in PARTY_COLUMNS]
    for cond in compiled.scenario.politics.conditions:
        names += [c.name.format(condition=cond.name) for c in CONDITION_COLUMNS]
    return names


def outcomes_frame(compiled: CompiledScenario, seed: int, cols: Columns) -> pd.DataFrame:
    """Label the engine's integer columns: track names, option labels, dates, final tariffs."""
    track_codes = cols["track"]
    week = cols["agreement_week"]
    start = compiled.scenario.start_date
    frame: dict[str, object] = {
        "replicate": cols["replicate"],
        "seed": np.full(track_codes.size, seed, dtype=np.int64),
        "track": pd.Categorical.from_codes(
            track_codes, categories=pd.Index([t.name for t in compiled.tracks])
        ),
        "agreed": cols["agreed"],
        "agreement_week": pd.Series(week).astype("Int64").mask(week == NO_WEEK).array,
        "agreement_date": (pd.Timestamp(start) + pd.to_timedelta(7 * week, unit="D")).where(
            week != NO_WEEK
        ),
    }
    for name in ("outcome", "ratification_attempts", "ratification_failures"):
        frame[name] = cols[name]
    frame["weeks_suspended"] = cols["weeks_suspended"]
    frame["escalations"] = cols["escalations"]
    frame["terminated"] = cols["terminated"]
    end = cols["talks_end_week"]
    frame["talks_end_week"] = pd.Series(end).astype("Int64").mask(end == NO_WEEK).array
    frame["deadline_week"] = cols["deadline_week"]
    frame["talks_end"] = pd.Categorical.from_codes(
        cols["talks_end_cause"], categories=pd.Index(TALKS_END_LABELS)
    )
    frame.update(_option_columns(compiled, track_codes, cols["outcome"]))
    _escalate_rates(compiled, frame, cols)
    for party in compiled.party_names:
        for c in PARTY_COLUMNS:
            name = c.name.format(party=party)
            frame[name] = cols[name]
    n_weeks = compiled.n_weeks
    for cond in compiled.scenario.politics.conditions:
        name = f"condition_week_{cond.name}"
        frame[name] = pd.Series(cols[name]).astype("Int64").mask(cols[name] >= n_weeks).array
    table = pd.DataFrame(frame)
    return table[column_names(compiled)]


def _escalate_rates(compiled: CompiledScenario, frame: dict[str, object], cols: Columns) -> None:
    """With no deal, a tariff's final rate is the status quo's plus the escalation its payer met."""
    for name, issue in compiled.scenario.issues.items():
        if not issue.borne_by or f"rate_{name}" not in frame:
            continue
        extra = np.where(cols["agreed"], 0.0, cols[f"extra_rate_{issue.borne_by}"])
        frame[f"rate_{name}"] = np.asarray(frame[f"rate_{name}"], dtype=np.float64) + extra


def _option_columns(
    compiled: CompiledScenario, track_codes: IntArray, outcome: IntArray
) -> dict[str, object]:
    """``option_<issue>`` (label) and ``rate_<issue>`` (tariff rate) for every issue.

    An issue not negotiated on a row's track is missing (NA) in that row.
    """
    out: dict[str, object] = {}
    for name, issue in compiled.scenario.issues.items():
        codes = np.full(track_codes.size, -1, dtype=np.int64)
        for k, track in enumerate(compiled.tracks):  # a handful of tracks
            if name in track.issues:
                rows = track_codes == k
                codes[rows] = track.outcomes[outcome[rows], track.issues.index(name)]
        out[f"option_{name}"] = pd.Categorical.from_codes(codes, categories=pd.Index(issue.options))
        if issue.rates:
            rate_table = np.array([issue.rates.get(o, np.nan) for o in issue.options] + [np.nan])
            out[f"rate_{name}"] = rate_table[codes]  # code -1 picks the trailing NaN
    return out


def rate_columns(table: pd.DataFrame) -> dict[str, str]:
    """``rate_<issue>`` columns of an outcome table, by issue name."""
    prefix = "rate_"
    return {c[len(prefix) :]: c for c in table.columns if c.startswith(prefix)}
