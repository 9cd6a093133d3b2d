"""The strategy library: tactics, imitation, hardliner, opponent model, acceptance, discounting.

Unit tests drive each strategy through hand-made :class:`TrackView` objects on small compiled
tracks; behavioural tests run the real :class:`NegotiationModel` through ``sim.experiment``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.agents.strategies.acceptance import ACCombi, ACConst, ACNext, ACTime
from sim.agents.strategies.base import TrackView, including_offer
from sim.agents.strategies.frequency_model import FrequencyModelOffer, estimate_opponent_model
from sim.agents.strategies.hardliner import HardlinerStrategy
from sim.agents.strategies.offers import nearest_offer
from sim.agents.strategies.rubinstein import RubinsteinStrategy
from sim.agents.strategies.time_dependent import TimeDependentStrategy
from sim.agents.strategies.tit_for_tat import TitForTatStrategy
from sim.config.errors import ConfigError
from sim.config.schema import (
    AcceptanceName,
    IssueConfig,
    NegotiatorActorConfig,
    NegotiatorConfig,
    OfferPolicy,
    PartyConfig,
    ProtocolConfig,
    RunConfig,
    ScenarioConfig,
    Tactic,
    TrackConfig,
)
from sim.config.strategies import STRATEGIES
from sim.config.validation import validate_run as validate
from sim.domain.outcome_space import CompiledTrack, compile_track
from sim.engine.model import NegotiationModel
from sim.runs.experiment import run_replicates
from tests.conftest import (
    compose_run_config,
    experiment_for,
    make_issue,
    make_party,
    make_track,
    single_issue_config,
)

# --- helpers ----------------------------------------------------------------------------------

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


def _run(cfg: RunConfig, n: int = 1):
    return run_replicates(experiment_for(cfg), n_replicates=n, batch_size=max(n, 1))


def _model(cfg: RunConfig, n: int = 1) -> NegotiationModel:
    exp = experiment_for(cfg)
    model = exp.model(np.arange(n))
    model.run()
    return model


# --- selection by config ----------------------------------------------------------------------

EXPECTED_TYPES = {
    "time_dependent": TimeDependentStrategy,
    "boulware": TimeDependentStrategy,
    "linear": TimeDependentStrategy,
    "conceder": TimeDependentStrategy,
    "relative_tit_for_tat": TitForTatStrategy,
    "absolute_tit_for_tat": TitForTatStrategy,
    "hardliner": HardlinerStrategy,
    "rubinstein": RubinsteinStrategy,
    "tit_for_tat": TitForTatStrategy,
}


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_every_strategy_is_selectable_by_name_and_runs(name):
    overrides = [
        f"negotiator.canada.strategy={name}",
        "negotiator.canada.beta=0.5",
        "negotiator.canada.discount=0.99",
        "n_replicates=20",
    ]
    cfg = compose_run_config(overrides)
    exp = experiment_for(cfg)
    assert type(exp.strategies["canada"]) is EXPECTED_TYPES[name]
    out = run_replicates(exp, 20, 20)
    assert len(out) == 20 * len(exp.compiled.tracks)


def test_config_selects_tactic_policy_and_acceptance():
    cfg = compose_run_config(
        [
            "negotiator.canada.tactic=exponential",
            "negotiator.canada.kappa=0.05",
            "negotiator.canada.offer_policy=frequency_model",
            "negotiator.canada.n_candidates=16",
            "negotiator.canada.acceptance=ac_combi",
            "negotiator.canada.acceptance_time=0.8",
            "negotiator.united_states.acceptance=ac_const",
            "negotiator.united_states.acceptance_utility=0.7",
        ]
    )
    strategies = experiment_for(cfg).strategies
    ca, us = strategies["canada"], strategies["united_states"]
    assert ca.tactic == "exponential" and ca.kappa == 0.05
    assert ca.offer_policy == FrequencyModelOffer(n_candidates=16, window=0.1)
    assert ca.acceptance == ACCombi(time=0.8)
    assert us.acceptance == ACConst(utility=0.7)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"tactic": Tactic.exponential, "kappa": 0.0}, "negotiator.canada.kappa"),
        ({"discount": 0.0}, "negotiator.canada.discount"),
        ({"discount": 1.5}, "negotiator.canada.discount"),
        ({"discount": math.nan}, "negotiator.canada.discount"),
        ({"acceptance": AcceptanceName.ac_const}, "negotiator.canada.acceptance_utility"),
        ({"acceptance_utility": 1.2}, "negotiator.canada.acceptance_utility"),
        ({"acceptance_time": -0.1}, "negotiator.canada.acceptance_time"),
        ({"floor": 1.1}, "negotiator.canada.floor"),
        ({"n_candidates": 0}, "negotiator.canada.n_candidates"),
        ({"frequency_window": -0.5}, "negotiator.canada.frequency_window"),
        ({"strategy": "rubinstein"}, "negotiator.canada.discount"),
        (
            {
                "strategy": "rubinstein",
                "discount": 0.9,
                "acceptance": AcceptanceName.ac_time,
            },
            "negotiator.canada.acceptance",
        ),
    ],
)
def test_bad_strategy_values_raise_one_line_config_errors(cfg, changes, key):
    cfg.negotiator["canada"] = dataclasses.replace(cfg.negotiator["canada"], **changes)
    with pytest.raises(ConfigError) as err:
        validate(cfg)
    assert err.value.key == key
    assert "\n" not in str(err.value)


# --- time-dependent tactics -------------------------------------------------------------------


def test_exponential_tactic_spans_kappa_to_one_and_orders_boulware_before_conceder():
    def alpha(beta: float, tau: float) -> float:
        s = TimeDependentStrategy(beta, 0.1, nearest_offer, tactic="exponential")
        return s.alpha(tau)

    assert alpha(0.5, 0.0) == pytest.approx(0.1) and alpha(0.5, 1.0) == pytest.approx(1.0)
    for tau in (0.2, 0.5, 0.8):
        assert alpha(0.3, tau) < alpha(1.0, tau) < alpha(3.0, tau)
        expected = math.exp((1 - tau) ** 2.0 * math.log(0.1))  # Faratin's formula, verbatim
        assert alpha(2.0, tau) == pytest.approx(expected)
    with pytest.raises(ValueError, match="kappa"):
        TimeDependentStrategy(1.0, 0.0, nearest_offer, tactic="exponential")


def test_polynomial_tactic_matches_negmas_exponent_e_equals_one_over_beta():
    track = pie_track()
    s = TimeDependentStrategy(beta=0.25, kappa=0.0, offer_policy=nearest_offer)
    for r in range(11):
        tau = r / 10
        target = s.target(make_view(track, round=r, n_rounds=11))[0]
        assert target == pytest.approx(1 - tau**4)  # NegMAS Boulware u(t) = 1 - t**e, e = 4


# --- tit-for-tat ------------------------------------------------------------------------------


def test_absolute_tit_for_tat_concedes_what_the_opponent_conceded():
    track = pie_track()
    # the opponent's offers give me 0.10, 0.15, 0.25, 0.20 (a retreat last)
    history = [[outcome_with_share(track, s)] for s in (0.10, 0.15, 0.25, 0.20)]
    tft = TitForTatStrategy("absolute", nearest_offer)
    targets = [
        tft.target(make_view(track, rv=0.3, opponent_offers=history[: k + 1]))[0] for k in range(4)
    ]
    assert targets == pytest.approx([1.0, 0.95, 0.85, 0.90])


def test_relative_tit_for_tat_concedes_the_same_fraction_of_its_room():
    track = pie_track()
    history = [[outcome_with_share(track, s)] for s in (0.2, 0.6)]  # gave me half its room
    tft = TitForTatStrategy("relative", nearest_offer)
    target = tft.target(make_view(track, rv=0.3, opponent_offers=history))[0]
    assert target == pytest.approx(1.0 - 0.5 * (1.0 - 0.3))


def test_tit_for_tat_is_clamped_and_opens_sensibly_without_history():
    track = pie_track()
    for imitation in ("relative", "absolute"):
        tft = TitForTatStrategy(imitation, nearest_offer, kappa=0.2)
        opening = tft.target(make_view(track, rv=0.4))[0]
        assert opening == pytest.approx(0.4 + 0.8 * 0.6)
        one_offer = [[outcome_with_share(track, 0.1)]]
        assert tft.target(make_view(track, rv=0.4, opponent_offers=one_offer))[0] == opening
        generous = [[outcome_with_share(track, 0.0)], [outcome_with_share(track, 1.0)]]
        assert tft.target(make_view(track, rv=0.4, opponent_offers=generous))[0] == 0.4
        meaner = [[outcome_with_share(track, 1.0)], [outcome_with_share(track, 0.0)]]
        assert tft.target(make_view(track, rv=0.4, opponent_offers=meaner))[0] == 1.0


def test_tit_for_tat_vectorises_over_replicates_with_gaps():
    track = pie_track()
    o = [outcome_with_share(track, s) for s in (0.1, 0.2, 0.4)]
    # replicate 0 sees 0.1, 0.2, 0.4; replicate 1 skips week 1; replicate 2 sees nothing
    history = np.array([[o[0], o[0], -1], [o[1], -1, -1], [o[2], o[2], -1]])
    tft = TitForTatStrategy("absolute", nearest_offer)
    targets = tft.target(make_view(track, rv=0.0, opponent_offers=history, n_reps=3))
    assert targets == pytest.approx([0.7, 0.7, 1.0])


def test_tit_for_tat_mirrors_a_linear_conceder_in_the_model():
    cfg = single_issue_config(rv_canada=0.2, rv_us=0.2, n_weeks=40)
    cfg.negotiator["canada"] = NegotiatorConfig(
        strategy="absolute_tit_for_tat", offer_policy=OfferPolicy.nearest
    )
    model = _model(cfg)
    u_ca = model.compiled.tracks[0].utilities[0]
    us_offers = model.state.offers[0, 0, 1, :]
    ca_offers = model.state.offers[0, 0, 0, :]
    weeks = np.flatnonzero((us_offers >= 0) & (ca_offers >= 0))
    assert weeks.size > 10
    # each week Canada gives up what the U.S. gave it (up to the 0.01 grid of the options)
    conceded_by_us = u_ca[us_offers[weeks]] - u_ca[us_offers[weeks[0]]]
    conceded_by_ca = u_ca[ca_offers[weeks[0]]] - u_ca[ca_offers[weeks]]
    np.testing.assert_allclose(conceded_by_ca, conceded_by_us, atol=0.0101)
    assert model.state.agreed_outcome[0, 0] >= 0


# --- hardliner --------------------------------------------------------------------------------


@pytest.mark.parametrize("floor", [None, 0.6, 0.8])
def test_hardliner_never_offers_or_accepts_below_its_floor(floor):
    cfg = single_issue_config(rv_canada=0.2, rv_us=0.1, n_weeks=30, spread=0.1)
    cfg.negotiator["united_states"] = NegotiatorConfig(
        strategy="hardliner", floor=floor, offer_policy=OfferPolicy.nearest
    )
    cfg.negotiator["canada"].beta = 5.0  # a conceder that will reach the floor if it can
    model = _model(cfg, n=40)
    u_us = model.compiled.tracks[0].utilities[1]
    level = 1.0 if floor is None else floor
    offers = model.state.offers[:, 0, 1, :].T
    assert (u_us[offers[offers >= 0]] >= level - 1e-12).all()
    deals = model.state.agreed_outcome[:, 0][model.state.agreed_outcome[:, 0] >= 0]
    assert (u_us[deals] >= level - 1e-12).all()
    if floor is None:
        assert deals.size == 0  # Canada never accepts the maximal tariff
    else:
        assert deals.size > 0


# --- acceptance conditions --------------------------------------------------------------------


def test_ac_const_and_ac_time_behave_as_defined():
    track = pie_track()
    offers = np.array([outcome_with_share(track, s) for s in (0.2, 0.5, 0.8)])
    nxt = np.full(3, outcome_with_share(track, 1.0))
    early = make_view(track, rv=0.3, round=2, n_rounds=11, n_reps=3)
    late = make_view(track, rv=0.3, round=9, n_rounds=11, n_reps=3)
    assert ACConst(0.5).accept(early, offers, nxt).tolist() == [False, True, True]
    assert ACConst(0.1).accept(early, offers, nxt).tolist() == [False, True, True]  # rv binds
    assert ACTime(0.85).accept(early, offers, nxt).tolist() == [False, False, False]
    assert ACTime(0.85).accept(late, offers, nxt).tolist() == [False, True, True]
    assert ACNext().accept(late, offers, nxt).tolist() == [False, False, False]
    assert ACCombi(0.85).accept(late, offers, nxt).tolist() == [False, True, True]
    assert ACCombi(0.85).accept(early, offers, offers).tolist() == [False, True, True]
    # AC_time reads the current week, not the round of my next offer
    answering = make_view(track, rv=0.3, round=9, week=8, n_rounds=11, n_reps=3)
    assert not ACTime(0.85).accept(answering, offers, nxt).any()


def test_discounting_enters_acceptance():
    track = pie_track()
    offer = np.array([outcome_with_share(track, 0.6)])
    same = make_view(track, round=3, week=3, discount=0.9)
    assert not ACConst(0.5).accept(same, offer, offer)[0]  # 0.6 * 0.9**3 = 0.437
    assert ACConst(0.43).accept(same, offer, offer)[0]
    # AC_next: 0.6 now against 0.65 next week, which is worth 0.65 * 0.9 = 0.585 today
    nxt = np.array([outcome_with_share(track, 0.65)])
    first_mover = make_view(track, round=4, week=3, discount=0.9)
    assert ACNext().accept(first_mover, offer, nxt)[0]
    assert not ACNext().accept(dataclasses.replace(first_mover, discount=1.0), offer, nxt)[0]


@settings(max_examples=200, deadline=None)
@given(
    rv=st.floats(0.0, 1.0),
    shares=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6),
    c=st.floats(0.0, 1.0),
    big_t=st.floats(0.0, 1.0),
    r=st.integers(0, 10),
    discount=st.floats(0.5, 1.0),
)
def test_no_acceptance_condition_accepts_below_reservation(rv, shares, c, big_t, r, discount):
    track = pie_track(21)
    offers = np.array([outcome_with_share(track, s) for s in shares])
    n = offers.size
    view = make_view(track, rv=rv, round=r, n_rounds=11, n_reps=n, discount=discount)
    below = track.utilities[0, offers] < rv - 1e-12
    for ac in (ACNext(), ACConst(c), ACTime(big_t), ACCombi(big_t)):
        for nxt in (offers, np.zeros(n, dtype=np.int64)):  # even if my next offer is worse
            assert not (ac.accept(view, offers, nxt) & below).any()


# --- frequency opponent model -----------------------------------------------------------------


def _outcome(track: CompiledTrack, a: int, b: int) -> int:
    return int(np.flatnonzero((track.outcomes[:, 0] == a) & (track.outcomes[:, 1] == b))[0])


def test_frequency_model_counts_match_a_brute_force_oracle(rng):
    track = logrolling_track()
    history = rng.integers(-1, track.n_outcomes, size=(9, 4))
    model = estimate_opponent_model(make_view(track, opponent_offers=history, n_reps=4, me=0))
    for r in range(4):  # the oracle loops; the model must not
        offers = [o for o in history[:, r] if o >= 0]
        opts = track.outcomes[offers] if offers else np.zeros((0, 2), dtype=int)
        same = [0, 0]
        for prev, cur in itertools.pairwise(opts):
            for j in range(2):
                same[j] += int(prev[j] == cur[j])
        w = np.array([1.0 + s for s in same])
        np.testing.assert_allclose(model.weights[r], w / w.sum())
        for j in range(2):
            counts = 1.0 + np.bincount(opts[:, j], minlength=5)
            np.testing.assert_allclose(model.values[j][r], counts / counts.max())


def test_frequency_model_learns_the_important_issue_and_picks_the_opponents_favourite():
    track = logrolling_track()
    # the opponent (party 1, loves b = o0) keeps b fixed and concedes on a
    history = [[_outcome(track, a, 0)] for a in (0, 1, 2, 3)]
    view = make_view(track, rv=0.0, opponent_offers=history, me=0)
    model = estimate_opponent_model(view)
    assert model.weights[0, 1] > model.weights[0, 0]
    offer = FREQ(view, np.array([0.7]))
    assert track.utilities[0, offer[0]] >= 0.7
    # among my acceptable outcomes, the one with b at the opponent's favourite value
    assert track.outcomes[offer[0], 1] == 0
    assert track.outcomes[offer[0]].tolist() == [4, 0]  # a = best for me, b = best for them


def test_frequency_policy_without_evidence_is_nearest_and_cap_restricts_candidates():
    track = logrolling_track()
    view = make_view(track, rv=0.0, n_reps=3)
    target = np.array([0.9, 0.5, 0.1])
    np.testing.assert_array_equal(FREQ(view, target), nearest_offer(view, target))
    history = [[_outcome(track, a, 0)] * 3 for a in (4, 3, 2, 1)]
    seen = make_view(track, rv=0.0, opponent_offers=history, n_reps=3)
    capped = FrequencyModelOffer(n_candidates=1, window=0.1)(seen, target)
    np.testing.assert_array_equal(capped, nearest_offer(seen, target))


@settings(max_examples=100, deadline=None)
@given(
    history=st.lists(st.lists(st.integers(-1, 24), min_size=3, max_size=3), max_size=8),
    targets=st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3),
    window=st.floats(0.0, 0.5),
    n_candidates=st.integers(1, 30),
)
def test_frequency_policy_matches_a_brute_force_oracle(history, targets, window, n_candidates):
    track = logrolling_track()
    hist = np.array(history, dtype=np.int64).reshape(-1, 3)
    view = make_view(track, opponent_offers=hist, n_reps=3)
    target = np.array(targets)
    offers = FrequencyModelOffer(n_candidates=n_candidates, window=window)(view, target)
    model = estimate_opponent_model(view)
    u = track.utilities[0]
    ranked = list(track.order_desc[0])
    for r in range(3):  # the oracle loops over replicates and outcomes
        acceptable = [o for o in ranked if u[o] >= target[r] - 1e-12] or ranked[:1]
        nearest = acceptable[-1]
        pool = [o for o in reversed(acceptable) if u[o] <= target[r] + window + 1e-12]
        pool = [o for o in pool if o in reversed(acceptable[-n_candidates:])] or [nearest]
        if nearest not in pool:
            pool = [nearest, *pool]
        score = [
            sum(model.weights[r, j] * model.values[j][r, track.outcomes[o, j]] for j in range(2))
            for o in pool
        ]
        assert offers[r] == pool[int(np.argmax(score))]
        assert u[offers[r]] >= min(target[r], u.max()) - 1e-12


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


def test_frequency_model_finds_logrolls_that_nearest_misses():
    def joint(policy: OfferPolicy) -> float:
        out = _run(logrolling_config(policy), n=100)
        return float((out["utility_north"] + out["utility_south"]).mean())

    learned, blind = joint(OfferPolicy.frequency_model), joint(OfferPolicy.nearest)
    assert learned > blind + 0.1
    # by the time of the deal each side has identified the other's important issue: the one the
    # other kept unchanged while it conceded on the other
    model = _model(logrolling_config(OfferPolicy.frequency_model), n=50)
    assert (model.state.agreed_outcome[:, 0] >= 0).all()
    for me, important in ((0, 1), (1, 0)):
        view = make_view(
            model.compiled.tracks[0],
            opponent_offers=model.state.offers[:, 0, 1 - me, :].T,
            n_reps=50,
            me=me,
        )
        weights = estimate_opponent_model(view).weights
        assert (weights.argmax(axis=1) == important).mean() > 0.9


# --- discounting ------------------------------------------------------------------------------


def test_discounted_utility_is_reported_per_party():
    cfg = single_issue_config(rv_canada=0.3, rv_us=0.3, n_weeks=20, spread=0.1)
    cfg.negotiator["canada"].discount = 0.95
    out = _run(cfg, n=30)
    assert out["agreed"].any()
    deals = out[out["agreed"]]
    weeks = deals["agreement_week"].to_numpy(dtype=float)
    np.testing.assert_allclose(
        deals["discounted_utility_canada"], deals["utility_canada"] * 0.95**weeks
    )
    np.testing.assert_allclose(
        deals["discounted_utility_united_states"], deals["utility_united_states"]
    )
    no_deal = out[~out["agreed"]]
    np.testing.assert_allclose(no_deal["discounted_utility_canada"], no_deal["utility_canada"])


def test_including_offer_fills_only_the_pending_slot():
    track = pie_track()
    view = make_view(track, opponent_offers=[[3, 4], [5, -1]], n_reps=2)
    filled = including_offer(view, np.array([7, 8]))
    assert filled.opponent_offers.tolist() == [[3, 4], [5, 8]]
    assert view.opponent_offers.tolist() == [[3, 4], [5, -1]]  # the model's history is untouched
