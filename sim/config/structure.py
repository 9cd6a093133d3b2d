"""Bounds of a run and the shape of a scenario: horizon, sizes, tracks, who negotiates what.

Each bound keeps a run finite and its numbers representable: a horizon of at most
:data:`MAX_HORIZON_WEEKS` weeks (a deadline in 9999 would simulate ~400,000 weeks), at most
:data:`MAX_REPLICATES` replicates, a seed that fits the 64-bit integers the outputs store. The
structure checks refuse scenarios the model would run without complaint but not as written: a
track with no issues, an issue negotiated twice, a party that negotiates nothing, a party that
weighs nothing. Every failure is a one-line :class:`sim.config.errors.ConfigError`.
"""

from __future__ import annotations

import datetime as dt
import math

from sim.config.errors import first_repeat, parse_date, require
from sim.config.schema import RunConfig, ScenarioConfig

#: Longest simulated horizon: weeks to the last review (and the deadline spread), ~11.5 years.
#: It admits the largest review schedule (10 annual reviews) after a deadline within a year.
MAX_HORIZON_WEEKS = 600
#: Most replicates of one run (and of adaptive replication's cap).
MAX_REPLICATES = 10**9
#: Largest seed: outputs store it as a signed 64-bit integer.
MAX_SEED = 2**63 - 1
#: Most worker processes.
MAX_WORKERS = 1024


def _require_count(key: str, value: int, low: int, high: int, meaning: str = "") -> None:
    require(low <= value <= high, key, value, f"must be an integer in [{low}, {high:,}]{meaning}")


def validate_run_bounds(cfg: RunConfig) -> None:
    """Replicates, batch size, workers and seed are integers in range."""
    _require_count("n_replicates", cfg.n_replicates, 1, MAX_REPLICATES)
    _require_count("max_replicates", cfg.max_replicates, 1, MAX_REPLICATES)
    _require_count("batch_size", cfg.batch_size, 1, MAX_REPLICATES)
    _require_count("n_workers", cfg.n_workers, 0, MAX_WORKERS, " (0 = all cores)")
    _require_count("seed", cfg.seed, 0, MAX_SEED)


def _weeks_between(start: str, end: dt.date) -> int:
    return math.ceil((end - parse_date("scenario.start_date", start)).days / 7)


def validate_horizon(sc: ScenarioConfig) -> None:
    """The talks and their reviews span at most :data:`MAX_HORIZON_WEEKS` weeks.

    The span is :attr:`sim.domain.scenario.Scenario.n_weeks`: weeks to the last annual review,
    plus a late first review's room when there are no annual reviews.
    """
    deadline = parse_date("scenario.deadline", sc.deadline)
    limit = f"at most {MAX_HORIZON_WEEKS} weeks from start_date {sc.start_date} are simulated"
    to_deadline = _weeks_between(sc.start_date, deadline)
    require(
        to_deadline <= MAX_HORIZON_WEEKS,
        "scenario.deadline",
        sc.deadline,
        f"{to_deadline:,} weeks away; {limit}",
    )
    reviews = sc.review.annual_reviews
    if reviews <= 0:
        return
    require(
        (deadline.month, deadline.day) != (2, 29),
        "scenario.deadline",
        sc.deadline,
        "29 February has no anniversary for the annual reviews: choose another date",
    )
    last = deadline.replace(year=min(deadline.year + reviews, dt.MAXYEAR))
    weeks = _weeks_between(sc.start_date, last)
    require(
        weeks <= MAX_HORIZON_WEEKS and deadline.year + reviews <= dt.MAXYEAR,
        "scenario.review.annual_reviews",
        reviews,
        f"the last review would be {weeks:,} weeks in; {limit}",
    )


def _validate_tracks(sc: ScenarioConfig) -> None:
    """Each track has issues, lists each once, and no issue is negotiated on two tracks."""
    home: dict[str, str] = {}
    linked_home: dict[str, str] = {}
    for tname, track in sc.tracks.items():
        key = f"scenario.tracks.{tname}"
        require(
            bool(track.issues or track.linked_issues),
            f"{key}.issues",
            list(track.issues),
            "a track needs at least one issue (remove the track instead)",
        )
        both = [*track.issues, *track.linked_issues]
        twice = first_repeat(both)
        require(twice is None, f"{key}.issues", twice, "listed twice on the track")
        for iname in track.issues:
            other = home.setdefault(iname, tname)
            require(
                other == tname,
                f"{key}.issues",
                iname,
                f"already negotiated on track {other!r}: an issue belongs to one track "
                "(use linked_issues to move it with scenario.linkage)",
            )
        for iname in track.linked_issues:
            other = linked_home.setdefault(iname, tname)
            require(
                other == tname,
                f"{key}.linked_issues",
                iname,
                f"already linked to track {other!r}: an issue is linked to one track",
            )


def _validate_party_roles(sc: ScenarioConfig) -> None:
    """Every party weighs some issue and has a negotiator who leads at least one track."""
    for pname, party in sc.parties.items():
        key = f"scenario.parties.{pname}"
        weighted = any(w > 0 for w in party.weights.values())
        require(
            weighted,
            f"{key}.weights",
            dict(party.weights),
            "all weights are 0 (or none given): the party would be indifferent to every "
            "outcome; give at least one issue a weight > 0",
        )
        leaders = [n for n in sc.negotiators.values() if n.party == pname]
        require(
            bool(leaders),
            key,
            pname,
            "the party has no negotiator: add scenario.negotiators.<key> with party: " + pname,
        )
        require(
            sc.package_mode or any(n.tracks for n in leaders),
            key,
            pname,
            "the party's negotiators lead no track: list one in scenario.negotiators.<key>.tracks",
        )


def validate_structure(sc: ScenarioConfig) -> None:
    """Tracks and party roles (after issue, party and negotiator references are checked)."""
    _validate_tracks(sc)
    _validate_party_roles(sc)
