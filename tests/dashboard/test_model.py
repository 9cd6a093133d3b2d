"""The dashboard's model entry point: a batch of one replicate, rebuilt from keyword arguments."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from sim.analysis.bargaining import pareto_mask
from sim.config.errors import ConfigError
from sim.dashboard.model import (
    LiveNegotiation,
    agents_frame,
    events_frame,
    final_outcome,
    negotiation_config,
    offers_frame,
    ratifications_frame,
    reproduction_check,
    reservation_history,
    track_status,
    utility_spaces,
    weeks_played,
)
from sim.runs.experiment import build_experiment, run_one_replicate
from sim.runs.replay import compare_outcomes


def test_the_entry_point_takes_keyword_arguments_only_with_defaults():
    # SolaraViz rebuilds the model as type(model)(**kwargs): nothing positional, nothing required
    params = list(inspect.signature(LiveNegotiation).parameters.values())
    assert [p.name for p in params] == ["replicate", "seed", "parameters", "run_dir"]
    assert all(p.default is not inspect.Parameter.empty for p in params)
    assert all(p.kind is not inspect.Parameter.VAR_POSITIONAL for p in params)


def test_playing_to_the_end_reproduces_the_saved_replicate(run_dir):
    model = LiveNegotiation(replicate=123, run_dir=str(run_dir))
    model.run()
    assert not model.running
    assert reproduction_check(model) == ()


def test_playing_overrides_reproduces_the_replicate_of_that_config():
    overrides = ("seed=11", "scenario.linkage=false")
    model = LiveNegotiation(replicate=42, parameters=overrides)
    model.run()
    alone = run_one_replicate(build_experiment(negotiation_config(overrides)), 42)
    assert compare_outcomes(final_outcome(model), alone) == ()
    assert reproduction_check(model) is None  # no saved run to compare with


def test_rebuilding_from_the_same_keyword_arguments_replays_the_same_weeks():
    kwargs = {"replicate": 5, "seed": 3, "parameters": ("n_replicates=100",), "run_dir": None}
    first, second = LiveNegotiation(**kwargs), LiveNegotiation(**kwargs)
    for _ in range(6):
        first.step()
        second.step()
    assert first.trace == second.trace
    other = LiveNegotiation(**{**kwargs, "replicate": 6})
    assert not np.array_equal(other.state.initial_reservation, first.state.initial_reservation)
    reseeded = LiveNegotiation(**{**kwargs, "seed": 4})
    assert not np.array_equal(reseeded.state.initial_reservation, first.state.initial_reservation)


def test_each_step_plays_one_week_and_adds_offers_and_a_collector_row():
    model = LiveNegotiation(replicate=0)
    assert weeks_played(model) == 0 and offers_frame(model).empty
    counts = []
    for week in range(3):
        model.step()
        counts.append(len(offers_frame(model)))
        assert weeks_played(model) == week + 1
    assert counts[0] > 0 and counts == sorted(counts) and counts[2] > counts[0]
    assert set(offers_frame(model)["week"]) == {0, 1, 2}
    assert len(model.datacollector.get_model_vars_dataframe()) == 4  # the start, then each week


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"replicate": -1}, "replicate"),
        ({"parameters": ("n_replicates=0",)}, "n_replicates"),
        ({"parameters": ("seed=1",), "run_dir": "somewhere"}, "parameters"),
        ({"run_dir": "/no/such/run"}, "run_dir"),
    ],
)
@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_bad_arguments_are_one_line_config_errors(kwargs, key):
    with pytest.raises(ConfigError) as info:
        LiveNegotiation(**kwargs)
    assert key in str(info.value) and "\n" not in str(info.value)


def test_events_name_the_scripted_directives_and_the_leaders_shocks():
    model = LiveNegotiation(
        replicate=0, parameters=("scenario.leaders.trump.suspension_hazard_per_week=1.0",)
    )
    assert events_frame(model).empty
    for _ in range(4):
        model.step()
    events = events_frame(model)
    directives = events[events["event"] == "directive"]
    assert set(directives["who"]) == {"Mark Carney", "Donald Trump"}
    assert directives["detail"].str.contains("scripted").all()
    suspensions = events[events["event"] == "suspension"]
    assert not suspensions.empty and (suspensions["who"] == "Donald Trump").all()
    assert suspensions["detail"].str.contains("stochastic").all()
    assert track_status(model)["status"].str.startswith("suspended").all()
    assert list(events["week"]) == sorted(events["week"])


def test_every_ratification_draw_is_an_event_and_decides_the_deal():
    model = LiveNegotiation(replicate=3)
    model.run()
    draws = ratifications_frame(model)
    assert not draws.empty
    for row in draws.to_dict("records"):
        below = all(
            row[f"ratify_draw_{p}"] < row[f"ratify_probability_{p}"]
            for p in ("canada", "united_states")
        )
        assert row["ratified"] == below
    events = events_frame(model)
    assert events["event"].isin(["deal ratified", "deal rejected at home"]).sum() == len(draws)
    deals = final_outcome(model)
    assert set(draws.loc[draws["ratified"], "track"]) == set(
        deals.loc[deals["agreed"], "track"].astype(str)
    )


def test_the_nash_point_is_on_the_pareto_frontier_of_every_track():
    for space in utility_spaces(LiveNegotiation()):
        efficient = pareto_mask(space.utilities)
        assert efficient[space.frontier].all()
        assert space.nash is not None and efficient[space.nash]


def test_agents_table_lists_every_mesa_agent_with_its_state():
    model = LiveNegotiation()
    model.step()
    agents = agents_frame(model)
    assert len(agents) == len(model.agents)
    negotiators = agents[agents["role"].str.startswith("negotiator")]
    assert {"Dominic LeBlanc", "Howard Lutnick"} <= set(negotiators["agent"])
    assert negotiators["state"].str.contains("rv ").all()  # reservation value on each track
    assert negotiators["state"].str.contains("last offer").any()


def test_reservation_history_follows_the_weeks_for_both_parties():
    model = LiveNegotiation()
    for _ in range(5):
        model.step()
    history = reservation_history(model, "steel_aluminum")
    assert sorted(history["party"].unique()) == ["canada", "united_states"]
    assert sorted(history["week"].unique()) == [0, 1, 2, 3, 4]
