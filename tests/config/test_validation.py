"""Config mistakes are one-line ConfigErrors naming the key and the value.

In process, through :func:`sim.cli.compose.compose_run_config` (what the command line and the API
compose with) and :func:`sim.config.validation.validate_run`; ``tests/cli`` checks that the command
line prints such a line and exits with status 2.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from sim.cli.compose import compose_run_config
from sim.config.errors import ConfigError
from sim.config.schema import AcceptanceName, Tactic
from sim.config.validation import validate_run as validate


def compose_error(override: str) -> ConfigError:
    with pytest.raises(ConfigError) as err:
        compose_run_config(["progress=false", override])
    return err.value


def assert_one_line_naming(error: ConfigError, key: str, value: object) -> None:
    message = str(error)
    assert "\n" not in message and message.strip() == message, message
    assert message.startswith(key), message
    assert str(value) in message.removeprefix(key), message


@pytest.mark.parametrize(
    ("override", "key", "value"),
    [
        ("seed=abc", "seed", "abc"),  # wrong type (Hydra/OmegaConf)
        ("n_replicates=0", "n_replicates", 0),  # out of range (validation)
        ("negotiator.canada.beta=0", "negotiator.canada.beta", 0.0),
        ("negotiator.united_states.beta=-1", "negotiator.united_states.beta", -1.0),
        (
            "scenario.parties.canada.weights.steel_tariff=-0.5",
            "scenario.parties.canada.weights.steel_tariff",
            -0.5,
        ),
        (
            "scenario.parties.united_states.reservation_value=-0.1",
            "scenario.parties.united_states.reservation_value",
            -0.1,
        ),
        ("scenario.deadline=2025-09-01", "scenario.deadline", "2025-09-01"),
        ("precision=0.7", "precision", 0.7),
        ("protocol.max_pressure_drift=-1", "protocol.max_pressure_drift", -1.0),
        (
            "scenario.stakeholders.ca_steel.stance=maybe",
            "scenario.stakeholders.ca_steel.stance",
            "maybe",
        ),
    ],
)
def test_bad_config_values_raise_one_line_naming_key_and_value(override, key, value):
    assert_one_line_naming(compose_error(override), key, value)


@pytest.mark.parametrize(
    ("override", "key", "value"),
    [
        ("scenario.conditions.carbon_capture.weekly_hazard=1.5", "weekly_hazard", 1.5),
        (
            "scenario.leaders.trump.suspension_hazard_per_week=-0.1",
            "suspension_hazard_per_week",
            -0.1,
        ),
        ("scenario.stakeholders.ca_steel.influence=-1", "influence", -1.0),
        ("scenario.leaders.carney.ratification_sharpness=0", "ratification_sharpness", 0.0),
        ("scenario.coordinators.sabia.mandate_momentum=-0.1", "mandate_momentum", -0.1),
        ("scenario.leaders.trump.provocation_response=1.5", "provocation_response", 1.5),
        (
            "scenario.leaders.trump.resumption_hazard_per_week=-1",
            "resumption_hazard_per_week",
            -1.0,
        ),
        (
            "scenario.leaders.carney.audience_cost_per_escalation=2",
            "audience_cost_per_escalation",
            2.0,
        ),
        (
            "scenario.leaders.trump.termination_hazard_per_week=1.1",
            "termination_hazard_per_week",
            1.1,
        ),
        (
            "scenario.stakeholders.on_government.provocation_hazard_per_week=-0.2",
            "provocation_hazard_per_week",
            -0.2,
        ),
        ("scenario.stakeholders.on_government.provokes=mexico", "provokes", "mexico"),
        ("scenario.issues.steel_tariff.trade_flow=-3", "trade_flow", -3.0),
        ("scenario.issues.steel_tariff.borne_by=nobody", "borne_by", "nobody"),
        ("scenario.review.annual_reviews=11", "annual_reviews", 11),
        ("scenario.review.end_probability=1.5", "end_probability", 1.5),
        ("scenario.review.confirm_probability=0.99", "confirm_probability", 0.99),
        ("scenario.review.deadline_spread_weeks=40", "deadline_spread_weeks", 40),
        ("scenario.review.meeting_interval_weeks=0", "meeting_interval_weeks", 0),
        ("protocol.delay_cost_scale=-1", "delay_cost_scale", -1.0),
        ("protocol.delay_cost_horizon_years=0", "delay_cost_horizon_years", 0.0),
        ("protocol.escalation_rate_step=2", "escalation_rate_step", 2.0),
        ("protocol.directive_ratification_bonus=-0.1", "directive_ratification_bonus", -0.1),
        ("negotiator.canada.belief_window=0", "belief_window", 0),
        ("negotiator.canada.belief_noise=0", "belief_noise", 0.0),
    ],
)
def test_bad_political_values_raise_one_line_naming_key_and_value(override, key, value):
    error = compose_error(override)
    full_key = override.split("=", 1)[0]
    assert error.key == full_key and full_key.endswith(key)
    assert error.value == value
    assert_one_line_naming(error, full_key, value)


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
    assert_one_line_naming(err.value, key, err.value.value)
