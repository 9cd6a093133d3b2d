"""Shocks (:mod:`sim.engine.shocks`): scripted suspension, escalation and directive events."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.config.schema import EventConfig, LeaderConfig
from sim.domain.scenario import EventKind
from sim.runs.experiment import build_experiment, run_replicates
from tests.conftest import single_issue_config, with_tariff_cost


def _trace(cfg, replicate: int = 0) -> pd.DataFrame:
    model = build_experiment(cfg).model(np.array([replicate]), record_trace=True)
    model.run()
    return pd.DataFrame(model.trace)


def _with_event(cfg, **event):
    cfg.scenario.events = [EventConfig(**{**event, "kind": EventKind(event["kind"])})]
    return cfg


def test_scripted_suspension_stops_all_offers_for_its_duration():
    cfg = single_issue_config(rv_canada=0.3, rv_us=0.3, n_weeks=60)
    _with_event(cfg, date="2025-01-15", kind="suspension", party="united_states", weeks=10)
    trace = _trace(cfg)
    offers = trace[trace["event"] == "offer"]
    start = 2  # 2025-01-15 is in week 2 of talks starting 2025-01-01
    assert not offers["week"].between(start, start + 9).any()
    assert offers["week"].eq(start - 1).any() and offers["week"].eq(start + 10).any()


def test_tariff_escalation_raises_the_rate_in_force_and_worsens_canadas_status_quo():
    # no deal (the U.S. wants x >= 0.9, Canada x <= 0.5): the track stays open all along
    base = with_tariff_cost(single_issue_config(rv_canada=0.5, rv_us=0.9, n_weeks=30))
    hit = with_tariff_cost(single_issue_config(rv_canada=0.5, rv_us=0.9, n_weeks=30))
    _with_event(hit, date="2025-02-01", kind="escalation", party="united_states", rate_step=0.2)
    a = run_replicates(build_experiment(base), 20, 20)
    b = run_replicates(build_experiment(hit), 20, 20)
    # relief from x = 1 to x = 0 is worth 1 to Canada, so 20 points cost it 0.2 of status quo
    np.testing.assert_allclose(b["reservation_canada"], a["reservation_canada"] - 0.2)
    np.testing.assert_allclose(b["reservation_united_states"], a["reservation_united_states"])
    np.testing.assert_allclose(b["rate_tariff"], a["rate_tariff"] + 0.2)
    # with no deal, Canada's net utility also loses the escalated status quo's 0.2
    net = b["utility_canada"] - b["delay_cost_canada"] - 0.2
    np.testing.assert_allclose(b["net_utility_canada"], net)
    np.testing.assert_allclose(
        a["net_utility_canada"], a["utility_canada"] - a["delay_cost_canada"]
    )
    assert (b["delay_cost_canada"] > a["delay_cost_canada"]).all()  # dearer weeks after it
    assert (b["escalations"] == 1).all()


def test_an_escalation_without_cost_bearing_tariffs_changes_no_reservation_value():
    base = single_issue_config(rv_canada=0.5, rv_us=0.9, n_weeks=30)
    hit = single_issue_config(rv_canada=0.5, rv_us=0.9, n_weeks=30)
    _with_event(hit, date="2025-02-01", kind="escalation", party="united_states")
    a = run_replicates(build_experiment(base), 20, 20)
    b = run_replicates(build_experiment(hit), 20, 20)
    np.testing.assert_allclose(b["reservation_canada"], a["reservation_canada"])
    assert (b["escalations"] == 1).all()


def test_directive_to_move_quickly_brings_the_deal_forward():
    slow = single_issue_config(rv_canada=0.3, rv_us=0.3, n_weeks=60)
    fast = single_issue_config(rv_canada=0.3, rv_us=0.3, n_weeks=60)
    fast.scenario.leaders["ca_leader"] = LeaderConfig(name="CA leader", party="canada")
    _with_event(fast, date="2025-01-01", kind="directive", party="canada", weeks=60)
    week = {
        name: run_replicates(build_experiment(c), 1, 1)["agreement_week"].iloc[0]
        for name, c in (("slow", slow), ("fast", fast))
    }
    assert week["fast"] < week["slow"]
