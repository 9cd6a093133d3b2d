"""The coordinator's mandate momentum and issue linkage (:mod:`sim.agents.coordinator`).

Each deal its party concludes lowers the party's reservation value on its still-open tracks by
``mandate_momentum``. Paired runs of the default scenario with the same seed, momentum 0 and
momentum > 0, coincide until a replicate's first deal; from then on the party with momentum has
softer mandates on its remaining tracks.

With ``link_max_gap > 0`` the coordinator moves a concession across tracks
(:mod:`sim.agents.linking`): in a scenario built so that only a cross-track trade closes both
tracks, paired runs (same seeds, link on and off) show the joint deal likelihood rise; with
linking off the default scenario's outcomes are main's, bit for bit.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sim.agents.linking import WinSets
from sim.config.errors import ConfigError
from sim.config.schema import (
    CoordinatorConfig,
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
from sim.engine.model import NegotiationModel
from sim.runs.experiment import build_experiment, run_replicates
from tests.conftest import compose_run_config
from tests.data.default_digest import DIGEST_FILE, default_outcomes, outcome_digest

N = 400
MOMENTUM = 0.05
CANADA, US = 0, 1  # party order of the default scenario


def config(momentum: float):
    return compose_run_config(
        [f"scenario.coordinators.sabia.mandate_momentum={momentum}", "progress=false"]
    )


def model(momentum: float) -> NegotiationModel:
    exp = build_experiment(config(momentum))
    assert exp.compiled.party_names[:2] == ("canada", "united_states")
    return exp.model(np.arange(N))


@pytest.fixture(scope="module")
def finished() -> dict[float, NegotiationModel]:
    models = {m: model(m) for m in (0.0, MOMENTUM)}
    for m in models.values():
        m.run()
    return models


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_without_momentum_the_mandate_never_drifts(finished):
    assert (finished[0.0].state.mandate_drift == 0).all()


def test_each_deal_lowers_the_mandate_on_the_tracks_still_open(finished):
    state = finished[MOMENTUM].state
    agreed = state.agreed_outcome >= 0  # (R, T)
    closed = np.where(agreed, state.agreement_week, np.iinfo(np.int64).max)
    # drift on track k = -momentum x (deals on Canada's other tracks while k was still open)
    earlier = agreed[:, None, :] & (state.agreement_week[:, None, :] < closed[:, :, None])
    expected = -MOMENTUM * earlier.sum(axis=2)
    np.testing.assert_allclose(state.mandate_drift[:, CANADA, :], expected)
    assert (state.mandate_drift[:, US, :] == 0).all()  # the U.S. has no coordinator
    assert (state.mandate_drift[~agreed.any(axis=1)] == 0).all()  # no deal, no drift
    assert (expected < 0).any()  # some replicates do bank a deal first


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_paired_runs_coincide_until_the_first_deal_then_the_mandate_softens():
    without, with_ = model(0.0), model(MOMENTUM)
    before_any_deal = np.ones(N, dtype=bool)
    softened = 0
    while without.running and with_.running:
        rows = before_any_deal.copy()  # both models are in the same state in these replicates
        np.testing.assert_array_equal(
            without.state.reservation[rows], with_.state.reservation[rows]
        )
        open_before = with_.state.is_open.copy()
        without.step()
        with_.step()
        concluded = without.state.concluded_now[rows]
        np.testing.assert_array_equal(concluded, with_.state.concluded_now[rows])
        np.testing.assert_array_equal(
            without.state.agreed_outcome[rows], with_.state.agreed_outcome[rows]
        )
        first = np.flatnonzero(rows)[concluded.any(axis=1)]  # first deal this week
        n_deals = without.state.concluded_now[first].sum(axis=1)
        # the coordinator moves the tracks still open after this week's deals (a track the
        # deadline closes later in the same step was open when the coordinator acted)
        still_open = open_before[first] & ~with_.state.concluded_now[first]
        lowered = np.clip(
            without.state.reservation[first, CANADA] - MOMENTUM * n_deals[:, None], 0.0, 1.0
        )
        np.testing.assert_allclose(
            with_.state.reservation[first, CANADA][still_open], lowered[still_open]
        )
        np.testing.assert_array_equal(  # closed tracks and the other party are untouched
            with_.state.reservation[first, CANADA][~still_open],
            without.state.reservation[first, CANADA][~still_open],
        )
        np.testing.assert_array_equal(
            with_.state.reservation[first, US], without.state.reservation[first, US]
        )
        softened += int(still_open.sum())
        before_any_deal[first] = False
    assert softened > 0


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_momentum_does_not_make_later_deals_less_likely():
    outcomes = {m: run_replicates(build_experiment(config(m)), 2000, 2000) for m in (0.0, MOMENTUM)}
    deals = {m: out.groupby("track", observed=True)["agreed"].sum() for m, out in outcomes.items()}
    # paired runs: a deal can only come earlier or be added, up to a little noise downstream
    assert (deals[MOMENTUM] >= deals[0.0] - 0.01 * 2000).all()
    assert deals[MOMENTUM].sum() > deals[0.0].sum()
    every_track = {
        m: out.groupby("replicate")["agreed"].all().mean() for m, out in outcomes.items()
    }
    assert every_track[MOMENTUM] > every_track[0.0]


# --- issue linkage by the coordinator (sim.agents.linking) ------------------------------------

LEVELS = [f"{i / 20:.2f}" for i in range(21)]  # a tariff x on a 0.05 grid
LINK_N = 400
LINK_SEED = 11


def cross_track_config(link_max_gap: float, coordinator_party: str = "canada", rate: float = 1.0):
    """Two one-issue tracks where only a cross-track trade closes both.

    On each track a tariff x: the party that blocks is worth x (the U.S. as Canada's counterpart),
    the other 1 - x. On track ``a`` the blocker's reservation value (0.6 +- 0.05) exceeds what the
    other accepts (x <= 0.5 +- 0.05): no zone of agreement. On ``b`` the zone is wide (the blocker
    asks 0.3, the other accepts x <= 0.8). With ``coordinator_party="united_states"`` the roles
    are swapped (Canada blocks, a White House coordinator links).
    """
    blocker = "united_states" if coordinator_party == "canada" else "canada"
    rvs = {coordinator_party: {"a": 0.5, "b": 0.2}, blocker: {"a": 0.6, "b": 0.3}}
    start = dt.date(2025, 1, 1)

    def party(name: str) -> PartyConfig:
        worth = (lambda x: x) if name == blocker else (lambda x: 1.0 - x)
        return PartyConfig(
            name=name,
            reservation_value=0.5,
            reservation_value_spread=0.05,
            track_reservation_values=rvs[name],
            weights={"a_tariff": 1.0, "b_tariff": 1.0},
            values={i: {lv: worth(float(lv)) for lv in LEVELS} for i in ("a_tariff", "b_tariff")},
        )

    scenario = ScenarioConfig(
        name="cross_track_trade",
        start_date=start.isoformat(),
        deadline=(start + dt.timedelta(weeks=20)).isoformat(),
        issues={
            i: IssueConfig(options=LEVELS, status_quo="1.00") for i in ("a_tariff", "b_tariff")
        },
        tracks={"a": TrackConfig(issues=["a_tariff"]), "b": TrackConfig(issues=["b_tariff"])},
        parties={p: party(p) for p in ("canada", "united_states")},
        negotiators={
            "ca": NegotiatorActorConfig(name="CA", party="canada", tracks=["a", "b"]),
            "us": NegotiatorActorConfig(name="US", party="united_states", tracks=["a", "b"]),
        },
        coordinators={
            "coordinator": CoordinatorConfig(
                name="Coordinator",
                party=coordinator_party,
                link_max_gap=link_max_gap,
                link_exchange_rate=rate,
            )
        },
    )
    strategy = NegotiatorConfig(
        strategy="time_dependent", beta=1.0, offer_policy=OfferPolicy.nearest
    )
    cfg = RunConfig(
        scenario=scenario,
        protocol=ProtocolConfig(first_mover="united_states", ratification=False),
        negotiator={"canada": strategy, "united_states": strategy},
        seed=LINK_SEED,
        n_replicates=LINK_N,
        batch_size=LINK_N,
        progress=False,
    )
    validate(cfg)
    return cfg


def finished_model(cfg) -> NegotiationModel:
    m = build_experiment(cfg).model(np.arange(LINK_N))
    m.run()
    return m


def paired_interval(diff: np.ndarray) -> tuple[float, float]:
    """95 % normal interval of the mean of a paired per-replicate difference."""
    half = 1.96 * diff.std(ddof=1) / np.sqrt(diff.size)
    return float(diff.mean() - half), float(diff.mean() + half)


@pytest.mark.parametrize("coordinator_party", ["canada", "united_states"])
def test_a_link_raises_the_joint_deal_likelihood_where_only_a_trade_closes_both(
    coordinator_party: str,
) -> None:
    off, on = (finished_model(cross_track_config(g, coordinator_party)) for g in (0.0, 0.25))
    both = {
        m: (model.state.agreed_outcome >= 0).all(axis=1) for m, model in (("off", off), ("on", on))
    }
    diff = both["on"].astype(float) - both["off"].astype(float)  # same seeds: paired
    low, _ = paired_interval(diff)
    assert low > 0.5  # the trade closes both tracks in most replicates, none close without it
    assert (on.state.link_drift != 0).any() and np.isfinite(on.state.link_cap).any()
    assert (off.state.link_drift == 0).all() and np.isinf(off.state.link_cap).all()


def test_the_blocker_commits_on_the_deadlocked_track_and_is_repaid_on_the_other() -> None:
    off, on = finished_model(cross_track_config(0.0)), finished_model(cross_track_config(0.25))
    a, b = 0, 1
    gave = np.isfinite(on.state.link_cap[:, US, a])
    assert gave.any()
    # the U.S. is repaid on b, never on a; Canada's own reservation values never move
    assert (on.state.link_drift[gave, US, b] > 0).all()
    assert (on.state.link_drift[:, US, a] == 0).all() and np.isinf(
        on.state.link_cap[:, US, b]
    ).all()
    assert (on.state.link_drift[:, CANADA, :] == 0).all()
    assert np.isinf(on.state.link_cap[:, CANADA, :]).all()
    # paired: where both runs settle b, the U.S. gets better terms there with the link
    settled = (on.state.agreed_outcome[:, b] >= 0) & (off.state.agreed_outcome[:, b] >= 0) & gave
    u_us = on.compiled.tracks[b].utilities[US]
    diff = u_us[on.state.agreed_outcome[settled, b]] - u_us[off.state.agreed_outcome[settled, b]]
    low, _ = paired_interval(diff)
    assert low > 0


def test_a_link_opens_a_zone_only_within_the_coordinators_gap_and_keeps_the_others() -> None:
    max_gap = 0.1  # below some replicates' gap: those stay deadlocked
    rate = 1.5
    without, with_ = (
        build_experiment(cross_track_config(g, rate=rate)).model(np.arange(LINK_N))
        for g in (0.0, max_gap)
    )
    without.step()
    with_.step()
    a, b = 0, 1
    rv = without.state.reservation
    u = without.compiled.tracks[a].utilities
    accepted_by_canada = u[CANADA][None, :] >= rv[:, CANADA, a][:, None] - 1e-12
    best_us = np.where(accepted_by_canada, u[US][None, :], -np.inf).max(axis=1)
    gap = rv[:, US, a] - best_us
    linked = np.isfinite(with_.state.link_cap[:, US, a])
    np.testing.assert_array_equal(linked, (gap > 1e-12) & (gap <= max_gap))
    new = with_.state.reservation
    np.testing.assert_array_equal(new[linked, US, a], best_us[linked])  # a zone on a just opens
    np.testing.assert_allclose(new[linked, US, b], rv[linked, US, b] + rate * gap[linked])
    ub = without.compiled.tracks[b].utilities
    zone_b = (ub[CANADA][None, :] >= new[:, CANADA, b][:, None] - 1e-12) & (
        ub[US][None, :] >= new[:, US, b][:, None] - 1e-12
    )
    assert zone_b[linked].any(axis=1).all()  # b keeps a zone of agreement after the repayment
    np.testing.assert_array_equal(new[~linked], rv[~linked])


def test_with_linking_off_the_default_outcomes_are_mains() -> None:
    # the digest main computed before coordinators could link (tests/data/default_digest.py)
    assert DIGEST_FILE.read_text().strip() == outcome_digest(default_outcomes())


@pytest.mark.parametrize(
    ("key", "value"),
    [("link_max_gap", 1.5), ("link_exchange_rate", 0), ("link_min_ratification", -0.1)],
)
def test_bad_link_settings_are_one_line_errors(key: str, value: float) -> None:
    with pytest.raises(ConfigError) as err:
        compose_run_config([f"scenario.coordinators.sabia.{key}={value}"])
    message = str(err.value)
    assert f"scenario.coordinators.sabia.{key}" in message and str(value) in message
    assert "\n" not in message


def test_both_sides_coordinators_link_and_a_replicate_does_not_depend_on_its_batch() -> None:
    # conf/experiment/coordinators_link.yaml adds a White House coordinator who links
    overrides = ["+experiment=coordinators_link", "scenario.coordinators.sabia.link_max_gap=0.1"]
    overrides += ["n_replicates=240", "progress=false"]
    cfg = compose_run_config(overrides)
    parties = {c.party for c in cfg.scenario.coordinators.values() if c.link_max_gap > 0}
    assert parties == {"canada", "united_states"}
    exp = build_experiment(cfg)
    whole = exp.model(np.arange(240))
    whole.run()
    for party in (CANADA, US):  # each side's coordinator moves the other side's mandate
        assert (whole.state.link_drift[:, party, :] != 0).any()
    in_batches = [run_replicates(exp, 240, size) for size in (240, 80)]
    columns = ["replicate", "track", "agreed", "agreement_week", "outcome", "reservation_canada"]
    one, other = (
        o[columns].sort_values(["track", "replicate"]).reset_index(drop=True) for o in in_batches
    )
    pd.testing.assert_frame_equal(one, other)


@pytest.fixture(scope="module")
def default_politics():
    exp = build_experiment(compose_run_config(["progress=false"]))
    return exp.compiled, exp.model(np.arange(1)).politics


@pytest.mark.parametrize("min_ratification", [0.0, 0.3, 0.5])
def test_win_set_lookup_matches_a_brute_force_search(default_politics, min_ratification) -> None:
    compiled, politics = default_politics
    win_sets = WinSets(politics, min_ratification)
    rng = np.random.default_rng(5)
    for k, track in enumerate(compiled.tracks):
        joint = politics.ratify_probability[k][list(track.parties)].prod(axis=0)
        for cls, table in enumerate(politics.restricted[k]):
            members = np.zeros(track.n_outcomes, dtype=bool)
            members[table.order_desc[0]] = True  # the feasible outcomes of this class
            members &= joint >= min_ratification
            for acceptor, chooser in (track.parties, track.parties[::-1]):
                threshold = rng.uniform(0.0, 1.0, 200)
                classes = np.full(threshold.size, cls)
                found = win_sets.favourite_within(k, classes, chooser, acceptor, threshold)
                accepts = members[None, :] & (
                    track.utilities[acceptor][None, :] >= threshold[:, None] - 1e-12
                )
                best = np.where(accepts, track.utilities[chooser][None, :], -np.inf).max(axis=1)
                assert ((found >= 0) == accepts.any(axis=1)).all()
                hit = found >= 0
                np.testing.assert_array_equal(track.utilities[chooser][found[hit]], best[hit])
                assert accepts[np.flatnonzero(hit), found[hit]].all()  # in the win-set, accepted


def test_a_replays_trace_shows_the_commitment_and_the_repayment() -> None:
    """A linked replicate's trace names the deadlocked track's cap and the donor's rise."""
    on = finished_model(cross_track_config(0.25))
    r = int(np.flatnonzero(np.isfinite(on.state.link_cap[:, US, 0]))[0])
    model = build_experiment(cross_track_config(0.25)).model(
        np.array([r], dtype=np.int64), record_trace=True
    )
    model.run()
    trace = pd.DataFrame(model.tracer.rows)
    commitment = trace[trace["event"] == "link commitment"]
    repayment = trace[trace["event"] == "link repayment"]
    assert list(commitment["track"]) == ["a"] and list(repayment["track"]) == ["b"]
    assert set(commitment["counterpart"]) == {"united_states"}
    assert commitment["cap"].iloc[0] == pytest.approx(on.state.link_cap[r, US, 0])
    assert repayment["repay"].iloc[0] > 0
    assert commitment["week"].iloc[0] == repayment["week"].iloc[0]
