"""Priors: parsing, the default set, and every bad input as a one-line ConfigError."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.errors import ConfigError
from sim.uncertainty.params import get_value, with_values
from sim.uncertainty.priors import (
    build_prior_set,
    flatten_cli_priors,
    parse_prior,
)
from sim.uncertainty.sources import default_priors, load_priors_file

KEY = "scenario.review.end_probability"


@pytest.mark.parametrize(
    ("spec", "dist"),
    [
        ("uniform(0, 0.1)", "uniform"),
        ("triangular(0, 0.05, 0.1)", "triangular"),
        ("truncnormal(0.05, 0.02, 0, 0.1)", "truncnormal"),
        ("beta(2, 5)", "beta"),
        ("loguniform(0.001, 0.1)", "loguniform"),
        ("normal(0.5, 0.01)", "normal"),
    ],
)
def test_every_distribution_maps_the_unit_interval_into_its_support(spec, dist):
    prior = parse_prior(KEY, spec)
    assert prior.dist == dist
    values = prior.ppf(np.linspace(0.001, 0.999, 50))
    assert np.all(np.diff(values) > 0)  # a quantile function is increasing
    assert prior.frozen().cdf(values[0]) == pytest.approx(0.001, abs=1e-6)


@pytest.mark.parametrize(
    ("key", "spec", "fragment"),
    [
        ("scenario.review.end_probabilty", "uniform(0,0.1)", "unknown key"),
        ("scenario.nothing.here", "uniform(0,0.1)", "unknown key"),
        (KEY, "uniform(0.2, 0.1)", "inverted"),
        (KEY, "triangular(0.1, 0.3, 0.2)", "inverted"),
        (KEY, "truncnormal(0.1, 0.1, 0.3, 0.2)", "inverted"),
        (KEY, "gamma(1, 2)", "unsupported distribution 'gamma'"),
        (KEY, "uniform(0.1)", "takes 2 numbers"),
        (KEY, "uniform(a, b)", "must be numbers"),
        (KEY, "0.3", "write a prior as dist"),
        (KEY, "normal(0.1, 0)", "sd > 0"),
        (KEY, "uniform(0.5, 1.5)", "its range reaches"),  # a probability above 1
        ("scenario.name", "uniform(0, 1)", "numeric key"),
        ("scenario.linkage", "uniform(0, 1)", "numeric key"),
    ],
)
def test_bad_priors_are_one_line_errors_naming_the_key(base_cfg, key, spec, fragment):
    with pytest.raises(ConfigError) as err:
        build_prior_set([], {key: spec}, base_cfg)
    message = str(err.value)
    assert fragment in message
    assert key in message
    assert "\n" not in message


def test_the_default_priors_cover_the_marked_assumptions_and_validate(base_cfg):
    priors = default_priors(base_cfg)
    assert len(priors) >= 80
    keys = set(priors.keys)
    assert {
        "scenario.parties.united_states.track_reservation_values.steel_aluminum",
        "scenario.leaders.trump.suspension_hazard_per_week",
        "scenario.review.end_probability",
    } <= keys
    assert all(p.why for p in priors.priors)
    # each prior holds the scenario's value inside its support
    for prior in priors.priors:
        lo, hi = prior.frozen().support()
        assert lo <= float(get_value(base_cfg, prior.key)) <= hi, prior.key


def test_command_line_priors_replace_file_priors_and_add_keys(base_cfg):
    file_priors = default_priors(base_cfg).priors
    cli = flatten_cli_priors({"scenario": {"review": {"end_probability": "uniform(0, 0.3)"}}})
    assert cli == {KEY: "uniform(0, 0.3)"}
    merged = build_prior_set(
        file_priors, {**cli, "protocol.directive_time_boost": "uniform(0, 0.1)"}
    )
    by_key = {p.key: p for p in merged.priors}
    assert by_key[KEY].args == (0.0, 0.3)
    assert len(merged) == len(file_priors) + 1


def test_with_values_rounds_integers_and_leaves_the_original_alone(base_cfg):
    new = with_values(base_cfg, {"scenario.review.annual_reviews": 2.7, KEY: 0.1})
    assert new.scenario.review.annual_reviews == 3
    assert new.scenario.review.end_probability == 0.1
    assert base_cfg.scenario.review.end_probability == 0.05


def test_a_user_priors_file_is_data_and_bad_entries_are_one_line(tmp_path, base_cfg):
    good = tmp_path / "p.yaml"
    good.write_text(f"entries:\n  - {{key: {KEY}, dist: 'uniform(0, 0.2)', why: test}}\n")
    assert load_priors_file(good)[0].args == (0.0, 0.2)
    bad = tmp_path / "bad.yaml"
    bad.write_text("entries:\n  - {key: x}\n")
    with pytest.raises(ConfigError, match="needs key and dist"):
        load_priors_file(bad)
    evil = tmp_path / "evil.yaml"
    evil.write_text("entries:\n  - {key: x, dist: '${oc.env:HOME}'}\n")
    with pytest.raises(ConfigError, match="not allowed"):
        load_priors_file(evil)
