"""Behavioural tests of the political layer: linkage, ratification, conditions, shocks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.config.schema import LeaderConfig
from sim.runs.experiment import build_experiment, run_replicates
from tests.conftest import compose_run_config, single_issue_config

N = 1500


def outcomes(*overrides: str, n: int = N) -> pd.DataFrame:
    cfg = compose_run_config(["progress=false", *overrides])
    return run_replicates(build_experiment(cfg), n, n)


def likelihood(out: pd.DataFrame, track: str) -> float:
    return float(out[out["track"] == track]["agreed"].mean())


def test_default_scenario_has_every_actor_and_track():
    cfg = compose_run_config()
    exp = build_experiment(cfg)
    sc = exp.compiled.scenario
    assert {t.name for t in sc.tracks} == {"steel_aluminum", "forest_products", "autos", "energy"}
    assert {n.name for n in sc.negotiators} >= {
        "Dominic LeBlanc",
        "Kirsten Hillman",
        "Howard Lutnick",
        "Jamieson Greer",
    }
    assert {ld.name for ld in sc.politics.leaders} == {"Mark Carney", "Donald Trump"}
    assert "Michael Sabia" in {c.name for c in sc.politics.coordinators}
    assert len([s for s in sc.politics.stakeholders if s.party == "canada"]) >= 7
    assert len([s for s in sc.politics.stakeholders if s.party == "united_states"]) >= 6
    assert {c.name for c in sc.politics.conditions} >= {
        "carbon_capture",
        "private_sponsor",
        "indigenous_buy_in",
        "climate_measures",
    }
    # Keystone XL is linked into steel & aluminum by default
    steel = next(t for t in sc.tracks if t.name == "steel_aluminum")
    assert "keystone_xl" in steel.issues


def test_linking_keystone_raises_the_steel_aluminum_deal_likelihood():
    linked = likelihood(outcomes("scenario.linkage=true"), "steel_aluminum")
    unlinked = likelihood(outcomes("scenario.linkage=false"), "steel_aluminum")
    assert linked > unlinked + 0.05


def test_harder_canadian_ratification_threshold_ties_hands_schelling():
    soft = outcomes("scenario.leaders.carney.ratification_threshold_premium=0.0")
    hard = outcomes("scenario.leaders.carney.ratification_threshold_premium=0.2")
    for track in ("steel_aluminum", "autos"):
        assert likelihood(hard, track) < likelihood(soft, track)
        share = {
            name: out[(out["track"] == track) & out["agreed"]]["utility_canada"].mean()
            for name, out in (("soft", soft), ("hard", hard))
        }
        assert share["hard"] > share["soft"]
    assert hard["ratification_failures"].mean() > soft["ratification_failures"].mean()


def test_without_a_private_sponsor_the_pipeline_is_never_agreed():
    out = outcomes(
        "scenario.conditions.private_sponsor.initial_probability=0.0",
        "scenario.conditions.private_sponsor.weekly_hazard=0.0",
    )
    assert (out["option_west_coast_pipeline"].dropna() == "no").all()
    assert out["condition_week_private_sponsor"].isna().all()


def test_conditions_that_hold_make_the_conditional_option_reachable():
    out = outcomes(
        *(
            f"scenario.conditions.{c}.initial_probability=1.0"
            for c in ("private_sponsor", "indigenous_buy_in", "climate_measures", "carbon_capture")
        )
    )
    energy = out[out["track"] == "energy"]
    assert (energy["option_west_coast_pipeline"] == "approve_with_conditions").any()
    assert (out["condition_week_carbon_capture"] == 0).all()


def _trace(cfg, replicate: int = 0) -> pd.DataFrame:
    exp = build_experiment(cfg)
    model = exp.model(np.array([replicate]), record_trace=True)
    model.run()
    return pd.DataFrame(model.trace)


def _with_event(cfg, **event):
    from sim.config.schema import EventConfig
    from sim.domain.scenario import EventKind as EventKindName

    cfg.scenario.events = [EventConfig(**{**event, "kind": EventKindName(event["kind"])})]
    return cfg


def test_scripted_suspension_stops_all_offers_for_its_duration():
    cfg = single_issue_config(rv_canada=0.3, rv_us=0.3, n_weeks=60)
    _with_event(cfg, date="2025-01-15", kind="suspension", party="united_states", weeks=10)
    trace = _trace(cfg)
    offers = trace[trace["event"] == "offer"]
    start = 2  # 2025-01-15 is in week 2 of talks starting 2025-01-01
    assert not offers["week"].between(start, start + 9).any()
    assert offers["week"].eq(start - 1).any() and offers["week"].eq(start + 10).any()


def test_tariff_escalation_lowers_canadas_reservation_value():
    base = single_issue_config(rv_canada=0.5, rv_us=0.9, n_weeks=30)  # no deal: tracks stay open
    hit = single_issue_config(rv_canada=0.5, rv_us=0.9, n_weeks=30)
    _with_event(hit, date="2025-02-01", kind="escalation", party="united_states")
    a = run_replicates(build_experiment(base), 20, 20)
    b = run_replicates(build_experiment(hit), 20, 20)
    shift = hit.protocol.escalation_reservation_shift
    np.testing.assert_allclose(b["reservation_canada"], a["reservation_canada"] - shift)
    np.testing.assert_allclose(b["reservation_united_states"], a["reservation_united_states"])
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


def test_failed_ratification_reopens_the_track():
    cfg = single_issue_config(rv_canada=0.3, rv_us=0.3, n_weeks=60, ratification=True)
    cfg.scenario.leaders["us_leader"].ratification_threshold_premium = 0.3  # tied hands
    exp = build_experiment(cfg)
    out = run_replicates(exp, 200, 200)
    assert (out["ratification_failures"] > 0).any()
    reopened = out[(out["ratification_failures"] > 0) & out["agreed"]]
    assert len(reopened) > 0  # failed at least once, then agreed later
    assert (reopened["ratification_attempts"] == reopened["ratification_failures"] + 1).all()


def test_stakeholder_pressure_is_bounded_and_signed():
    out = outcomes()
    bound = compose_run_config().protocol.max_pressure_drift
    assert out["pressure_drift_canada"].abs().max() <= bound + 1e-12
    steel = out[out["track"] == "steel_aluminum"]
    # Canadian steel and aluminum producers press for a deal: the mandate softens
    assert (steel["pressure_drift_canada"] <= 0).all()


def test_package_mode_negotiates_one_package():
    out = outcomes("scenario.package_mode=true", n=300)
    assert list(out["track"].cat.categories) == ["package"]
    assert out["option_keystone_xl"].notna().all() and out["option_steel_tariff"].notna().all()


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("scenario.conditions.carbon_capture.weekly_hazard=1.5", "weekly_hazard"),
        ("scenario.leaders.trump.suspension_hazard_per_week=-0.1", "suspension_hazard_per_week"),
        ("scenario.stakeholders.ca_steel.influence=-1", "influence"),
        ("scenario.leaders.carney.ratification_sharpness=0", "ratification_sharpness"),
    ],
)
def test_bad_political_values_are_rejected(override, key):
    from sim.config.errors import ConfigError

    with pytest.raises(ConfigError, match=key):
        compose_run_config([override])


def test_conditional_options_are_agreed_only_once_their_conditions_hold():
    out = outcomes(
        *(
            f"scenario.conditions.{c}.weekly_hazard=0.05"
            for c in ("private_sponsor", "indigenous_buy_in", "climate_measures", "carbon_capture")
        ),
        n=3000,
    )
    energy = out[(out["track"] == "energy") & out["agreed"]]
    pipeline = energy[energy["option_west_coast_pipeline"] == "approve_with_conditions"]
    tanker = energy[energy["option_tanker_ban"] == "lift_with_ccs"]
    assert len(pipeline) > 0 and len(tanker) > 0  # the options are reachable at all
    for cond in ("private_sponsor", "indigenous_buy_in", "climate_measures"):
        held = pipeline[f"condition_week_{cond}"]
        assert (held.notna() & (held <= pipeline["agreement_week"])).all(), cond
    held = tanker["condition_week_carbon_capture"]
    assert (held.notna() & (held <= tanker["agreement_week"])).all()
