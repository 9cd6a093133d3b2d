"""Validation is linear in option counts: 10,001 options validate within the normal suite.

Its error messages name the bad option without listing thousands of allowed ones.
"""

from __future__ import annotations

import pytest

from sim.config.errors import ConfigError
from sim.config.schema import RunConfig
from sim.config.validation import validate_run
from tests.conftest import single_issue_config

N_LEVELS = 10_001


def big_tariff_config() -> RunConfig:
    cfg = single_issue_config(0.3, 0.3, n_levels=N_LEVELS)
    issue = cfg.scenario.issues["tariff"]
    issue.rates = {lv: float(lv) for lv in issue.options}  # a rate for every option
    return cfg


def test_an_issue_with_ten_thousand_options_validates():
    cfg = big_tariff_config()
    validate_run(cfg)
    assert len(cfg.scenario.issues["tariff"].options) == N_LEVELS


@pytest.mark.parametrize(
    ("break_it", "key"),
    [
        (lambda c: c.scenario.issues["tariff"].rates.update({"nope": 0.1}), "rates"),
        (lambda c: c.scenario.parties["canada"].values["tariff"].update({"nope": 0.1}), "values"),
        (lambda c: c.scenario.issues["tariff"].options.append("0.5000"), "options"),
    ],
)
def test_a_bad_option_is_named_in_one_short_line(break_it, key):
    cfg = big_tariff_config()
    break_it(cfg)
    with pytest.raises(ConfigError) as err:
        validate_run(cfg)
    message = str(err.value)
    assert key in message and "\n" not in message
    assert len(message) < 600  # names the value, lists a few allowed options, not 10,001
