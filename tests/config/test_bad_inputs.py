"""Every class of bad config input is one ConfigError line naming the key or file and the value.

Tables per class (issue 15): unbounded sizes and horizons, silently accepted values (inf, an int
for a bool, unknown keys, values for issues that do not exist, malformed tracks and parties),
broken YAML files (syntax, tabs, duplicate keys, ``!!python`` tags, alias bombs, huge files),
type errors and nulls. All in process, through :func:`sim.cli.compose.compose_run_config`, the
composition ``python -m sim`` and the Python API share.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sim.cli import trust
from sim.config.errors import ConfigError
from sim.config.schema import RunConfig
from sim.config.validation import validate_run
from sim.config.yaml_limits import MAX_CONFIG_BYTES, check_yaml_file
from tests.conftest import compose_run_config


def one_line_error(overrides: list[str]) -> str:
    with pytest.raises(ConfigError) as err:
        compose_run_config(overrides)
    message = str(err.value)
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.fixture(scope="module")
def base() -> RunConfig:
    """The default config, composed once for the module (tests change a deep copy)."""
    return compose_run_config(["n_replicates=10", "batch_size=10"])


def refused(cfg: RunConfig) -> str:
    with pytest.raises(ConfigError) as err:
        validate_run(cfg)
    message = str(err.value)
    assert "\n" not in message
    return message


def _set(path: str, value: object) -> Callable[[RunConfig], None]:
    """Set a dotted attribute/dict path of the config (``scenario.parties.canada.weights``)."""

    def change(cfg: RunConfig) -> None:
        *parents, last = path.split(".")
        node: Any = cfg
        for part in parents:
            node = node[part] if isinstance(node, dict) else getattr(node, part)
        if isinstance(node, dict):
            node[last] = value
        else:
            setattr(node, last, value)

    return change


BOUNDS = [
    (_set("scenario.deadline", "9999-12-31"), "scenario.deadline"),
    (_set("scenario.deadline", "2040-01-01"), "scenario.deadline"),
    (_set("scenario.deadline", "2036-01-01"), "scenario.review.annual_reviews"),
    (_set("scenario.deadline", "2028-02-29"), "29 February"),
    (_set("seed", 99999999999999999999999), "seed"),
    (_set("n_replicates", 10**20), "n_replicates"),
    (_set("batch_size", 10**20), "batch_size"),
    (_set("n_workers", 10**20), "n_workers"),
]


@pytest.mark.parametrize(("change", "named"), BOUNDS)
def test_sizes_and_horizons_are_bounded(
    base: RunConfig, change: Callable[[RunConfig], None], named: str
) -> None:
    cfg = copy.deepcopy(base)
    change(cfg)
    assert named in refused(cfg)


SILENTLY_ACCEPTED = [
    (_set("scenario.leaders.carney.ratification_sharpness", math.inf), "ratification_sharpness"),
    (_set("scenario.stakeholders.ca_steel.influence", math.inf), "influence"),
    (_set("scenario.issues.steel_tariff.rates.rate_50", math.inf), "rates.rate_50"),
    (_set("scenario.parties.canada.values.nonexistent", {"a": 1.0}), "nonexistent"),
    (_set("scenario.stakeholders.ca_steel.values.nonexistent", {"a": 1.0}), "nonexistent"),
    (_set("scenario.stakeholders.ca_steel.values.steel_tariff", {"bogus": 0.5}), "bogus"),
    (_set("scenario.tracks.forest_products.issues", []), "scenario.tracks.forest_products"),
    (
        _set("scenario.tracks.forest_products.issues", ["lumber_tariff", "lumber_tariff"]),
        "twice",
    ),
    (
        _set("scenario.tracks.forest_products.issues", ["lumber_tariff", "steel_tariff"]),
        "steel_aluminum",
    ),
]


@pytest.mark.parametrize(("change", "named"), SILENTLY_ACCEPTED)
def test_values_once_silently_accepted_are_refused(
    base: RunConfig, change: Callable[[RunConfig], None], named: str
) -> None:
    cfg = copy.deepcopy(base)
    change(cfg)
    assert named in refused(cfg)


OVERRIDES = [
    ("scenario.linkage=1", "scenario.linkage=1: must be true or false"),
    ("scenario.linkage=yes", "scenario.linkage"),
    ("n_replicates=true", "n_replicates"),
    ("=5", "empty"),
    ("~=5", "empty"),
    ("scenario.tracks.autos.issues=abc", "'abc': must be a list"),
    ("scenario.issues=abc", "'abc': must be a mapping"),
    ("scenario.parties.canada=abc", "'abc': must be a mapping"),
    ("scenario.parties.canada.reservation_value=abc", "'abc': must be a number"),
    ("scenario.parties.canada.reservation_value=null", "not null"),
    ("negotiator.canada.strategy=null", "not null"),
]


@pytest.mark.parametrize(("override", "named"), OVERRIDES)
def test_overrides_of_the_wrong_type_are_refused_before_composition(
    override: str, named: str
) -> None:
    with pytest.raises(ConfigError) as err:
        trust.check_overrides([override])
    assert named in str(err.value) and "\n" not in str(err.value)


END_TO_END = [
    (["+scenario.foo=1"], "unknown key"),
    (["scenario.linkage=1"], "scenario.linkage=1"),
    (["scenario.deadline=${nope}"], "nope"),
    (["~scenario.negotiators.leblanc", "~scenario.negotiators.hillman"], "no negotiator"),
]


@pytest.mark.parametrize(("overrides", "named"), END_TO_END)
def test_composition_reports_one_line(overrides: list[str], named: str) -> None:
    assert named in one_line_error(overrides)


def _party_weighs_nothing(cfg: RunConfig) -> None:
    weights = cfg.scenario.parties["canada"].weights
    for issue in weights:
        weights[issue] = 0.0


def _party_leads_no_track(cfg: RunConfig) -> None:
    for neg in cfg.scenario.negotiators.values():
        if neg.party == "canada":
            neg.tracks = []


STRUCTURE = [
    (_party_weighs_nothing, "scenario.parties.canada.weights"),
    (_party_leads_no_track, "lead no track"),
]


@pytest.mark.parametrize(("break_it", "named"), STRUCTURE)
def test_malformed_parties_are_refused(
    break_it: Callable[[RunConfig], None], named: str, base: RunConfig
) -> None:
    cfg = copy.deepcopy(base)
    break_it(cfg)
    with pytest.raises(ConfigError, match=named):
        validate_run(cfg)


BASE = "defaults:\n  - canada_us_2025\n  - _self_\n"


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return BASE + "\n".join(lines) + "\ndescription: *a9\n"


YAML_TEXTS = [
    ("syntax", BASE + "name: [unclosed\n", "x.yaml:5"),
    ("tabs", BASE + "name: x\n\tlinkage: true\n", "'\\t'"),
    ("bomb", _alias_bomb(), "alias"),
    ("huge", BASE + 'description: "' + "x" * (MAX_CONFIG_BYTES + 10) + '"\n', "at most"),
]


@pytest.mark.parametrize(("name", "text", "named"), YAML_TEXTS, ids=[c[0] for c in YAML_TEXTS])
def test_yaml_limits_refuse_in_one_line(tmp_path: Path, name: str, text: str, named: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        check_yaml_file(path)
    assert named in str(err.value) and "\n" not in str(err.value)


YAML_FILES = [
    ("syntax", BASE + "name: [unclosed\n", "syntax.yaml:5"),
    ("duplicate", BASE + "name: x\nname: y\n", "duplicate key"),
    ("python_tag", BASE + 'name: !!python/object/apply:os.system ["echo"]\n', "python/object"),
    ("bomb", _alias_bomb(), "alias"),
    ("int_for_bool", BASE + "linkage: 1\n", "linkage=1: must be true or false"),
    ("unknown_key", BASE + "foo: 1\n", "foo"),
]


@pytest.mark.parametrize(("name", "text", "named"), YAML_FILES, ids=[c[0] for c in YAML_FILES])
def test_bad_scenario_files_are_one_line(tmp_path: Path, name: str, text: str, named: str) -> None:
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / f"{name}.yaml").write_text(text)
    message = one_line_error([f"hydra.searchpath=[file://{tmp_path}]", f"scenario={name}"])
    assert named in message


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["n_replicates=2", "--config-dir", "/tmp", "scenario=x"], "go before the overrides"),
        (["--config-dir"], "expected one argument"),
    ],
)
def test_a_malformed_command_line_is_one_line_not_the_usage_text(
    argv: list[str], named: str
) -> None:
    with pytest.raises(ConfigError) as err:
        trust.check_command_line(argv)
    assert str(err.value).startswith("command line:") and named in str(err.value)


def test_a_good_user_file_with_a_defaults_list_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "negotiator").mkdir()
    (tmp_path / "negotiator" / "mine.yaml").write_text(
        "defaults:\n  - default\n  - _self_\ncanada:\n  strategy: conceder\n  beta: null\n"
    )
    cfg = compose_run_config([f"hydra.searchpath=[file://{tmp_path}]", "negotiator=mine"])
    assert cfg.negotiator["canada"].strategy == "conceder"
