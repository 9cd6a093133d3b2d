"""The engine's shortcuts give the numbers of the plain computation they replace (issue 15).

Each speed-up of the weekly step is exact, not approximate: these paired runs (same seed, same
replicates, so common random numbers) compare the shortcut with the general path it skips.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.agents.leader import Leader
from sim.agents.strategies.acceptance import ACNext
from sim.agents.strategies.offers import nearest_offer, pareto_offer
from sim.agents.strategies.time_dependent import TimeDependentStrategy
from sim.engine.state import any_per_row, count_per_row
from sim.engine.streams import DrawBlock, draw_block
from sim.runs.experiment import build_experiment
from tests.agents.strategies.helpers import make_view, pie_track
from tests.conftest import compose_run_config

CONDITIONAL = (  # conditions drawn to hold at different weeks, so energy has several groups
    "scenario.conditions.private_sponsor.weekly_hazard=0.05",
    "scenario.conditions.indigenous_buy_in.weekly_hazard=0.05",
    "scenario.conditions.climate_measures.weekly_hazard=0.05",
    "scenario.conditions.carbon_capture.weekly_hazard=0.05",
)


def _columns(overrides: tuple[str, ...], fuse: bool, n: int = 1500) -> dict[str, np.ndarray]:
    cfg = compose_run_config(["progress=false", *overrides])
    model = build_experiment(cfg).model(np.arange(n, dtype=np.int64))
    model.fuses_groups = [fuse and f for f in model.fuses_groups]
    model.run()
    return model.outcome_columns()


@pytest.mark.parametrize("policy", ["pareto", "nearest"])
def test_one_round_over_every_feasible_set_equals_a_round_per_set(policy):
    overrides = (
        *CONDITIONAL,
        f"negotiator.canada.offer_policy={policy}",
        f"negotiator.united_states.offer_policy={policy}",
    )
    fused, per_set = _columns(overrides, True), _columns(overrides, False)
    assert fused.keys() == per_set.keys()
    for name in fused:
        np.testing.assert_array_equal(fused[name], per_set[name], err_msg=name)
    energy_agreed = fused["agreed"][fused["track"] == 3]  # track index 3: energy
    assert 0 < energy_agreed.mean() < 1  # the comparison covers deals and no deals


def test_only_strategies_that_look_tables_up_per_group_are_fused():
    cfg = compose_run_config(["progress=false", "negotiator.canada.strategy=bayesian"])
    model = build_experiment(cfg).model(np.arange(4, dtype=np.int64))
    assert not any(model.fuses_groups)  # Canada is at every track
    learner = TimeDependentStrategy(1.0, 0.0, nearest_offer)
    assert learner.handles_ranking_groups
    assert TimeDependentStrategy(1.0, 0.0, pareto_offer).handles_ranking_groups
    assert not TimeDependentStrategy(1.0, 0.0, lambda view, target: target).handles_ranking_groups


@pytest.mark.parametrize("beta,kappa", [(0.2, 0.0), (0.6, 0.0), (2.0, 0.1), (5.0, 0.3)])
def test_a_shared_clock_gives_the_targets_of_the_per_replicate_power(beta, kappa):
    track = pie_track()
    strategy = TimeDependentStrategy(beta, kappa, nearest_offer)
    rv = np.linspace(0.0, 0.4, 7)
    for round_ in (0, 3, 7, 10):
        view = make_view(track, rv=rv, round=round_, n_reps=rv.size)
        u_max = float(track.sorted_desc[0, 0])
        every = kappa + (1.0 - kappa) * np.power(view.time, 1.0 / beta)  # the plain formula
        np.testing.assert_array_equal(strategy.target(view), rv + (1.0 - every) * (u_max - rv))


@pytest.mark.parametrize("discount,week", [(1.0, None), (0.9, None), (1.0, 3), (0.95, 3)])
def test_ac_next_skips_only_arithmetic_that_changes_nothing(discount, week):
    track = pie_track()
    view = make_view(track, rv=0.2, round=4, n_reps=5, discount=discount, week=week)
    view = dataclasses.replace(view, delay_cost=np.full(5, 0.01))
    offer, mine = np.arange(5) * 3, np.arange(5) * 2 + 1
    u = track.utilities[0]
    now = u[offer] * discount**view.current_week
    later = u[mine] * discount**view.round - (view.round - view.current_week) * view.delay_cost
    expected = (now >= later - 1e-12) & (u[offer] >= 0.2 - 1e-12)
    np.testing.assert_array_equal(ACNext().accept(view, offer, mine), expected)


def test_a_batch_drawn_in_place_equals_its_replicates_drawn_apart():
    block = DrawBlock("shock.escalation.test", (13, 2))
    batch = draw_block(5, np.arange(100, 160, dtype=np.int64), block)
    apart = np.concatenate(
        [draw_block(5, np.array([i], dtype=np.int64), block) for i in range(100, 160)]
    )
    np.testing.assert_array_equal(batch, apart)
    assert batch.shape == (60, 13, 2)


@pytest.mark.parametrize("n_tracks", [1, 2, 3, 4, 5, 8])
def test_row_reductions_equal_numpy_s(n_tracks: int) -> None:
    """``any_per_row`` and ``count_per_row`` answer what ``any``/``sum`` over axis 1 answer."""
    rng = np.random.default_rng(n_tracks)
    mask = rng.random((1_000, n_tracks)) < 0.3
    for view in (mask, mask[::2], mask[:, ::-1]):  # contiguous, strided rows, reversed columns
        np.testing.assert_array_equal(any_per_row(view), view.any(axis=1))
        np.testing.assert_array_equal(count_per_row(view), view.sum(axis=1))


@pytest.mark.parametrize(
    "overrides",
    [
        CONDITIONAL,  # energy's replicates in several feasible sets (RankingGroups)
        ("negotiator.canada.strategy=relative_tit_for_tat",),  # learns from the history
        ("negotiator.canada.offer_policy=expected_utility",),  # anticipates ratification
    ],
)
def test_answers_asked_only_above_the_floor_equal_the_strategys_on_every_row(overrides):
    """The first mover's answer to a counter-offer, asked only where the counter clears its
    reservation value, equals its strategy's answer over the whole round."""
    cfg = compose_run_config(["progress=false", *overrides])
    model = build_experiment(cfg).model(np.arange(2_000, dtype=np.int64))  # rounds > SUBSET_MIN
    rng = np.random.default_rng(0)
    accepted, grouped = 0, 0
    for _ in range(36):  # into the weeks where counters start to clear reservation values
        model.step()
        for k, track in enumerate(model.compiled.tracks):
            a, b = model._parties_in_order(k)
            for rows, conditions in _round_sets(model, k):
                view = a.views(k, conditions, rows, b, (model.state.week + 1,))[0]
                counter = rng.integers(0, track.n_outcomes, rows.size)
                expected = a.strategy.respond(view, counter)
                np.testing.assert_array_equal(a.respond(view, counter), expected)
                accepted += int(expected.sum())
                grouped += view.groups is not None
    assert accepted > 0  # some counters were accepted: the comparison covers both answers
    assert grouped > 0 or overrides != CONDITIONAL


def _round_sets(model, k):
    """The rounds ``_negotiate_track`` would play on track ``k``: rows and feasible sets."""
    rows = np.flatnonzero(model.state.is_open[:, k])
    if rows.size == 0:
        return []
    if not model.politics.track_conditions[k]:
        return [(rows, 0)]
    of_row = model.politics.condition_class[k][model._condition_state(k)][rows]
    present = np.unique(of_row)
    if present.size > 1 and model.fuses_groups[k]:
        return [(rows, tuple((int(s), np.flatnonzero(of_row == s)) for s in present))]
    return [(rows[of_row == s], int(s)) for s in present]


def test_a_batch_keeps_each_partys_and_tracks_values_of_its_replicates_adjacent():
    """The state and the weekly draws are stored replicates last (the rounds' gathers read
    adjacent memory); their shape, replicates first, is what every reader indexes."""
    cfg = compose_run_config(["progress=false"])
    model = build_experiment(cfg).model(np.arange(50, dtype=np.int64))
    state = model.state
    for name in ("reservation", "delay_cost", "weekly_cost", "directive_until", "committed"):
        values = getattr(state, name)
        assert values.shape[0] == 50
        assert values[:, 1, 2].flags.c_contiguous, name
    assert state.is_open[:, 3].flags.c_contiguous
    assert state.offers[:, 0, 1, 5].flags.c_contiguous
    leader = next(iter(model.agents_by_type[Leader]))
    for uniforms in leader.ratification_uniforms.values():
        assert uniforms.shape == (50, model.n_steps) and uniforms[:, 7].flags.c_contiguous
    model.step()  # the week's arithmetic keeps the layout
    assert state.reservation[:, 0, 1].flags.c_contiguous
    assert state.pressure_drift[:, 0, 1].flags.c_contiguous
