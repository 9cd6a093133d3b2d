"""Observed events and how a replicate is read against them (for calibration and scoring).

An observation set is a list of dated events, each with a ``kind`` that says how one replicate is
read: ``no_agreement_by`` (no agreement on ``tracks`` before ``date``) or
``interrupted_and_resumed`` (talks on some track were off for at least ``min_weeks`` weeks and no
track stayed terminated). A set may name a ``window``: its events are read from a history run of
the same parameters over that window (start, end), since events before the model's start cannot
be read from a run that begins on 10 Oct 2025. The statistic of an event at a parameter point is
the share of replicates consistent with it, ``s_k``; ``joint`` is the share consistent with all of
them (a Monte Carlo estimate of the likelihood of the record at that point).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.config.errors import ConfigError, parse_date
from sim.config.schema import RunConfig

KINDS = ("no_agreement_by", "interrupted_and_resumed")
JOINT = "joint"


@dataclass(frozen=True)
class Observation:
    """One dated event.

    Attributes:
        id: Its name (a column of the statistics).
        kind: One of :data:`KINDS`.
        date: When it was observed.
        tracks: Tracks it concerns (empty: all).
        min_weeks: For ``interrupted_and_resumed``: weeks the talks were off, at least.
        text: What happened, with its source.
    """

    id: str
    kind: str
    date: dt.date
    tracks: tuple[str, ...] = ()
    min_weeks: int = 1
    text: str = ""


@dataclass(frozen=True)
class ObservationSet:
    """A named set of observations, read from a history window or from the ordinary run."""

    name: str
    entries: tuple[Observation, ...]
    window: tuple[dt.date, dt.date] | None = None

    @property
    def ids(self) -> list[str]:
        """The observations' ids."""
        return [o.id for o in self.entries]


def _entry(raw: Any, where: str) -> Observation:
    if not isinstance(raw, Mapping) or not {"id", "kind", "date"} <= set(raw):
        raise ConfigError(where, raw, "an observation needs id, kind and date")
    kind = str(raw["kind"])
    if kind not in KINDS:
        raise ConfigError(f"{where}.kind", kind, f"one of {list(KINDS)}")
    tracks = raw.get("tracks", "all")
    tracks = () if tracks in (None, "all") else tuple(str(t) for t in tracks)
    return Observation(
        id=str(raw["id"]),
        kind=kind,
        date=parse_date(f"{where}.date", str(raw["date"])),
        tracks=tracks,
        min_weeks=int(raw.get("min_weeks", 1)),
        text=str(raw.get("text", "")),
    )


def parse_observations(data: Mapping[str, Any], source: str) -> ObservationSet:
    """An observation set from a file's contents (one-line errors naming the entry)."""
    entries = data.get("entries")
    if not isinstance(entries, Sequence) or isinstance(entries, str) or not entries:
        raise ConfigError(f"{source}: entries", entries, "must be a non-empty list of events")
    parsed = tuple(_entry(e, f"{source}: entries[{i}]") for i, e in enumerate(entries))
    window = None
    if data.get("window") is not None:
        w = data["window"]
        start = parse_date(f"{source}: window.start", str(w.get("start")))
        end = parse_date(f"{source}: window.end", str(w.get("end")))
        if not start < end:
            raise ConfigError(f"{source}: window", dict(w), "needs start < end")
        window = (start, end)
    return ObservationSet(str(data.get("name", source)), parsed, window)


def check_against(obs: ObservationSet, cfg: RunConfig) -> None:
    """Tracks exist; events lie inside the window (or after the run's start without one)."""
    start, end = obs.window or (parse_date("start_date", cfg.scenario.start_date), None)
    for o in obs.entries:
        unknown = set(o.tracks) - set(cfg.scenario.tracks)
        if unknown:
            raise ConfigError(f"observations.{o.id}.tracks", sorted(unknown), "unknown track")
        if o.date < start or (end is not None and o.date > end):
            allowed = f"inside the window {start}..{end}" if end else f"after the start {start}"
            raise ConfigError(f"observations.{o.id}.date", o.date.isoformat(), allowed)


def window_config(cfg: RunConfig, obs: ObservationSet) -> RunConfig:
    """The history run of ``cfg`` for the set's window (unchanged without a window).

    Talks open at the window's start and close for good at its end (no later reviews), with no
    scripted events: the scenario's events are dated at or after its own start.
    """
    if obs.window is None:
        return cfg
    start, end = obs.window
    review = dataclasses.replace(cfg.scenario.review, annual_reviews=0, deadline_spread_weeks=0)
    scenario = dataclasses.replace(
        cfg.scenario,
        start_date=start.isoformat(),
        deadline=end.isoformat(),
        events=[],
        review=review,
    )
    return dataclasses.replace(cfg, scenario=scenario)


def consistent(outcomes: pd.DataFrame, obs: Observation) -> np.ndarray:
    """Per replicate (in replicate order): is it consistent with the observation?"""
    rows = outcomes if not obs.tracks else outcomes[outcomes["track"].isin(obs.tracks)]
    if obs.kind == "no_agreement_by":
        date = pd.Timestamp(obs.date)
        early = rows["agreed"].to_numpy() & (rows["agreement_date"] < date).to_numpy()
        hit = pd.Series(early, index=rows.index).groupby(rows["replicate"]).any()
        return ~hit.sort_index().to_numpy()
    off = rows.groupby("replicate")["weeks_suspended"].max().sort_index() >= obs.min_weeks
    stuck = rows.groupby("replicate")["terminated"].any().sort_index()
    return (off & ~stuck).to_numpy()


def statistics(outcomes: pd.DataFrame, obs: ObservationSet) -> dict[str, float]:
    """``s_k`` per observation and ``joint``: shares of replicates consistent with the record."""
    masks = {o.id: consistent(outcomes, o) for o in obs.entries}
    out = {k: float(m.mean()) for k, m in masks.items()}
    out[JOINT] = float(np.logical_and.reduce(list(masks.values())).mean())
    return out


def distance(stats: pd.DataFrame, ids: Sequence[str]) -> np.ndarray:
    """ABC distance of each point: RMS of ``1 - s_k`` (0: every replicate matches every event)."""
    s = stats.loc[:, list(ids)].to_numpy(dtype=np.float64)
    return np.sqrt(np.mean((1.0 - s) ** 2, axis=1))
