"""Shared helpers of the strategy tests: small compiled tracks, hand-made views, runs.

Unit tests drive each strategy through hand-made :class:`TrackView` objects on small compiled
tracks; behavioural tests run the real :class:`NegotiationModel` through :mod:`sim.runs`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np

from sim.agents.strategies.base import TrackView
from sim.agents.strategies.frequency_model import FrequencyModelOffer
from sim.config.schema import (
    IssueConfig,
    NegotiatorActorConfig,
    NegotiatorConfig,
    OfferPolicy,
    PartyConfig,
    ProtocolConfig,
    RunConfig,
    ScenarioConfig,
    TrackConfig,
)
from sim.config.validation import validate_run as validate
from sim.domain.outcome_space import CompiledTrack, compile_track
from sim.engine.model import NegotiationModel
from sim.runs.experiment import run_replicates
from tests.conftest import (
    experiment_for,
    make_issue,
    make_party,
    make_track,
)

FREQ = FrequencyModelOffer(n_candidates=128, window=0.1)


def logrolling_track() -> CompiledTrack:
    """Two issues, five options each; party 0 cares about ``a`` (0.8), party 1 about ``b``."""
    opts = ("o0", "o1", "o2", "o3", "o4")
    up = {o: i / 4 for i, o in enumerate(opts)}
    down = {o: 1 - i / 4 for i, o in enumerate(opts)}
    issues = {"a": make_issue("a", opts, "o0"), "b": make_issue("b", opts, "o4")}
    p0 = make_party("p0", {"a": 0.8, "b": 0.2}, {"a": up, "b": up}, 0.3)
    p1 = make_party("p1", {"a": 0.2, "b": 0.8}, {"a": down, "b": down}, 0.3)
    return compile_track(make_track("t", ("a", "b"), ("p0", "p1")), issues, (p0, p1))


def pie_track(n: int = 101) -> CompiledTrack:
    """One issue on a grid of ``n`` shares: party 0's utility is x, party 1's 1 - x."""
    opts = tuple(f"{i / (n - 1):.4f}" for i in range(n))
    issues = {"x": make_issue("x", opts, opts[0])}
    p0 = make_party("p0", {"x": 1.0}, {"x": {o: float(o) for o in opts}}, 0.0)
    p1 = make_party("p1", {"x": 1.0}, {"x": {o: 1.0 - float(o) for o in opts}}, 0.0)
    return compile_track(make_track("t", ("x",), ("p0", "p1")), issues, (p0, p1))


def make_view(
    track: CompiledTrack,
    *,
    rv: float | np.ndarray = 0.0,
    opponent_offers: np.ndarray | None = None,
    my_offers: np.ndarray | None = None,
    round: int = 0,
    n_rounds: int = 11,
    n_reps: int = 1,
    me: int = 0,
    discount: float = 1.0,
    opponent_discount: float = 1.0,
    week: int | None = None,
) -> TrackView:
    reservation = np.broadcast_to(np.asarray(rv, dtype=float), (n_reps,)).copy()
    mine = None if my_offers is None else np.asarray(my_offers, dtype=np.int64)
    theirs = None if opponent_offers is None else np.asarray(opponent_offers, dtype=np.int64)
    n_rows = max((a.shape[0] for a in (mine, theirs) if a is not None), default=0)
    history = np.full((n_reps, 2, n_rows), -1, dtype=np.int64)  # (R, P, W) as in the batch state
    for party, offers in ((me, mine), (1 - me, theirs)):
        if offers is not None:
            history[:, party, n_rows - offers.shape[0] :] = offers.T
    tau = 1.0 if n_rounds <= 1 else min(round, n_rounds - 1) / (n_rounds - 1)
    return TrackView(
        track=track,
        me=me,
        opponent=1 - me,
        round=round,
        n_rounds=n_rounds,
        time=np.full(n_reps, tau),
        reservation=reservation,
        pareto_table=track.best_for_opponent(me, 1 - me),
        history=history,
        replicates=np.arange(n_reps),
        discount=discount,
        opponent_discount=opponent_discount,
        week=week,
    )


def outcome_with_share(track: CompiledTrack, share: float) -> int:
    return int(np.argmin(np.abs(track.utilities[0] - share)))


def outcome_of(track: CompiledTrack, a: int, b: int) -> int:
    return int(np.flatnonzero((track.outcomes[:, 0] == a) & (track.outcomes[:, 1] == b))[0])


def run(cfg: RunConfig, n: int = 1):
    return run_replicates(experiment_for(cfg), n_replicates=n, batch_size=max(n, 1))


def run_model(cfg: RunConfig, n: int = 1) -> NegotiationModel:
    exp = experiment_for(cfg)
    model = exp.model(np.arange(n))
    model.run()
    return model


def logrolling_config(policy: OfferPolicy, n_weeks: int = 30) -> RunConfig:
    """Two issues, five options; North cares about ``a`` (0.7), South about ``b`` (0.7).

    Values grow with the square of the option's rank (increasing returns), so an offer that is
    merely close to a negotiator's own target is often far from the Pareto frontier: efficient
    deals need each side to learn which issue the other cares about (a logroll).
    """
    opts = ["o0", "o1", "o2", "o3", "o4"]
    up = {o: (i / 4) ** 2 for i, o in enumerate(opts)}
    down = {o: (1 - i / 4) ** 2 for i, o in enumerate(opts)}
    start = dt.date(2025, 1, 6)
    party = dict(reservation_value=0.3, reservation_value_spread=0.1)
    scenario = ScenarioConfig(
        name="logrolling",
        start_date=start.isoformat(),
        deadline=(start + dt.timedelta(weeks=n_weeks)).isoformat(),
        issues={
            "a": IssueConfig(options=opts, status_quo="o0"),
            "b": IssueConfig(options=opts, status_quo="o4"),
        },
        tracks={"deal": TrackConfig(issues=["a", "b"])},
        parties={
            "north": PartyConfig(
                name="North", weights={"a": 0.7, "b": 0.3}, values={"a": up, "b": up}, **party
            ),
            "south": PartyConfig(
                name="South", weights={"a": 0.3, "b": 0.7}, values={"a": down, "b": down}, **party
            ),
        },
        negotiators={
            "n": NegotiatorActorConfig(name="N", party="north", tracks=["deal"]),
            "s": NegotiatorActorConfig(name="S", party="south", tracks=["deal"]),
        },
    )
    neg = NegotiatorConfig(strategy="time_dependent", beta=1.0, offer_policy=policy)
    cfg = RunConfig(
        scenario=scenario,
        protocol=ProtocolConfig(first_mover="north"),
        negotiator={"north": neg, "south": dataclasses.replace(neg)},
        n_replicates=100,
        batch_size=100,
        progress=False,
    )
    validate(cfg)
    return cfg
