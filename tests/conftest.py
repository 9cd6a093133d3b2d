"""Shared fixtures: the composed real config (shrunk), small synthetic scenarios, a seeded rng."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf

os.environ.setdefault("MPLBACKEND", "Agg")

from sim.cli.compose import register_configs
from sim.config.schema import (
    IssueConfig,
    LeaderConfig,
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
from sim.domain.scenario import Issue, Party, Track
from sim.runs.experiment import Experiment, build_experiment

REPO = Path(__file__).resolve().parent.parent
CONF_DIR = REPO / "conf"

register_configs()


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


def compose_run_config(overrides: list[str] | None = None) -> RunConfig:
    """Compose conf/ with the compose API and convert it to the typed RunConfig."""
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            cfg = compose(config_name="config", overrides=overrides or [])
        obj = OmegaConf.to_object(cfg)
    finally:
        GlobalHydra.instance().clear()
    assert isinstance(obj, RunConfig)
    validate(obj)
    return obj


@pytest.fixture
def cfg() -> Iterator[RunConfig]:
    """The real default config, shrunk to a small fast run."""
    yield compose_run_config(["n_replicates=300", "batch_size=100", "progress=false"])


def single_issue_config(
    rv_canada: float,
    rv_us: float,
    beta_canada: float = 1.0,
    beta_us: float = 1.0,
    n_weeks: int = 100,
    n_levels: int = 101,
    spread: float = 0.0,
    hazard: float = 0.0,
    ratification: bool = False,
) -> RunConfig:
    """One tariff x in [0, 1] on a fine grid: Canada's utility is 1 - x, the U.S.'s is x.

    This is SCENARIO.md B3's single-issue Faratin set-up in utility terms: Canada accepts tariffs up
    to ``1 - rv_canada``, the U.S. down to ``rv_us``.
    """
    levels = [f"{i / (n_levels - 1):.4f}" for i in range(n_levels)]
    start = dt.date(2025, 1, 1)
    scenario = ScenarioConfig(
        name="single_issue",
        start_date=start.isoformat(),
        deadline=(start + dt.timedelta(weeks=n_weeks)).isoformat(),
        issues={"tariff": IssueConfig(options=levels, status_quo=levels[-1])},
        tracks={"only": TrackConfig(issues=["tariff"])},
        parties={
            "canada": PartyConfig(
                name="Canada",
                reservation_value=rv_canada,
                reservation_value_spread=spread,
                weights={"tariff": 1.0},
                values={"tariff": {lv: 1.0 - float(lv) for lv in levels}},
            ),
            "united_states": PartyConfig(
                name="United States",
                reservation_value=rv_us,
                reservation_value_spread=spread,
                weights={"tariff": 1.0},
                values={"tariff": {lv: float(lv) for lv in levels}},
            ),
        },
        negotiators={
            "ca": NegotiatorActorConfig(name="CA", party="canada", tracks=["only"]),
            "us": NegotiatorActorConfig(name="US", party="united_states", tracks=["only"]),
        },
        leaders={
            "us_leader": LeaderConfig(
                name="US leader", party="united_states", suspension_hazard_per_week=hazard
            )
        },
    )
    cfg = RunConfig(
        scenario=scenario,
        protocol=ProtocolConfig(first_mover="united_states", ratification=ratification),
        negotiator={
            "canada": NegotiatorConfig(
                strategy="time_dependent",
                beta=beta_canada,
                offer_policy=OfferPolicy.nearest,
            ),
            "united_states": NegotiatorConfig(
                strategy="time_dependent", beta=beta_us, offer_policy=OfferPolicy.nearest
            ),
        },
        n_replicates=1,
        batch_size=1,
        progress=False,
    )
    validate(cfg)
    return cfg


def experiment_for(cfg: RunConfig) -> Experiment:
    return build_experiment(cfg)


def make_issue(name: str, options: tuple[str, ...], status_quo: str) -> Issue:
    """A domain issue with no tariff rates (for unit tests of the domain and strategies)."""
    return Issue(name=name, options=options, status_quo=status_quo, kind="tariff", rates={})


def make_party(name: str, weights: dict, values: dict, reservation_value: float) -> Party:
    """A domain party with no spread and no per-track reservation values."""
    return Party(
        name=name,
        display_name=name,
        weights=weights,
        values=values,
        reservation_value=reservation_value,
        reservation_value_spread=0.0,
        track_reservation_values={},
    )


def make_track(name: str, issues: tuple[str, ...], parties: tuple[str, str]) -> Track:
    """A bilateral domain track."""
    return Track(name=name, issues=issues, parties=parties)
