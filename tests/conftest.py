"""Shared fixtures and helpers of the whole suite.

* the composed real config (shrunk) and small synthetic scenarios (:func:`single_issue_config`),
  domain objects for unit tests (:func:`make_issue`, :func:`make_party`, :func:`make_track`);
* :func:`run_cli`: ``python -m sim ARGS`` in this process (no interpreter start-up), returning the
  exit status, and :func:`sim_subprocess` for the few tests where the subprocess is the point;
* session fixtures shared by several folders: :func:`run_dir` (one small real run directory, written
  by :func:`sim.runs.execute.execute`) and :func:`strategy_sweep` (a 2 x 2 sweep over the two
  parties' strategies through the command line, in process).

Test modules import helpers with ``from tests.conftest import ...`` (``tests`` is a package).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf

os.environ.setdefault("MPLBACKEND", "Agg")

from sim.cli.compose import compose_run_config as _compose_and_validate
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
    """Compose conf/ with overrides into a validated RunConfig (:mod:`sim.cli.compose`'s API)."""
    return _compose_and_validate(overrides)


@pytest.fixture
def cfg() -> Iterator[RunConfig]:
    """The real default config, shrunk to a small fast run."""
    yield compose_run_config(["n_replicates=300", "batch_size=100", "progress=false"])


def with_tariff_cost(cfg: RunConfig, flow: float = 1.0) -> RunConfig:
    """Make the single-issue tariff a cost-bearing tariff that Canada pays (its rate is ``x``).

    Canada's full relief (x = 0 from the status quo x = 1) is worth 1 utility, so a week at the
    status quo costs it ``1 / (52 * delay_cost_horizon_years)`` and an escalation of ``s`` lowers
    its status quo (and reservation value) by ``s``.
    """
    issue = cfg.scenario.issues["tariff"]
    issue.rates = {lv: float(lv) for lv in issue.options}
    issue.trade_flow, issue.borne_by = flow, "canada"
    return cfg


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
    return Issue(
        name=name,
        options=options,
        status_quo=status_quo,
        kind="tariff",
        rates={},
        trade_flow=0.0,
        borne_by="",
    )


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


# --- the command line, in process and (rarely) as a subprocess ---------------------------------

SUBPROCESS_ENV = {**os.environ, "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"}


def run_cli(*args: str) -> int:
    """``python -m sim ARGS`` as :func:`sim.cli.run.main` runs it, in this process; exit status."""
    from sim.cli import run

    saved = sys.argv
    sys.argv = [run.__file__, *args]
    GlobalHydra.instance().clear()
    try:
        run.main()
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        sys.argv = saved
        GlobalHydra.instance().clear()
    return 0


def sim_subprocess(
    *args: str, cwd: Path = REPO, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """``python -m sim ARGS`` as a user types it (for tests where the subprocess is the point)."""
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        env=SUBPROCESS_ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --- shared runs ---------------------------------------------------------------------------------

#: The shared run directory: 300 replicates in batches of 128 (replicate 123 sits in the middle
#: of the first batch, replicate 290 in the last one).
RUN_OVERRIDES = ["n_replicates=300", "batch_size=128", "seed=7", "progress=false"]


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real run of the default scenario, written by :func:`sim.runs.execute.execute`.

    It is run through :func:`sim.runs.jobs.run_job` (which stamps ``config_hash`` and writes the
    completion stamp) as the command line runs it, without Hydra. Its ``.hydra/config.yaml`` is the
    run config as Hydra saves it, before the job (so replay can rebuild it and the stamp covers
    it). Tests must not modify it (copy it first).
    """
    from sim.runs.execute import execute
    from sim.runs.jobs import run_job
    from sim.runs.schema import CONFIG_FILE

    out = tmp_path_factory.mktemp("run") / "run"
    cfg = compose_run_config(RUN_OVERRIDES)
    (out / CONFIG_FILE).parent.mkdir(parents=True)  # Hydra writes .hydra/ before the job runs
    OmegaConf.save(OmegaConf.structured(cfg), out / CONFIG_FILE)
    run_job(cfg, out, execute, multirun=False)  # as the command line runs it
    return out


#: The strategies swept by :func:`strategy_sweep`, for both parties.
SWEPT_STRATEGIES = ("boulware", "conceder")


@pytest.fixture(scope="session")
def strategy_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2 x 2 sweep (Canada's strategy x the U.S.'s) through the command line, in process.

    Hydra's basic launcher runs the four jobs one after another; the sweep callback aggregates
    them into ``aggregate.parquet``. Tests must not modify it (copy it first).
    """
    sweep_dir = tmp_path_factory.mktemp("sweep") / "sweep"
    values = ",".join(SWEPT_STRATEGIES)
    status = run_cli(
        "-m",
        "n_replicates=200",
        "progress=false",
        f"negotiator.canada.strategy={values}",
        f"negotiator.united_states.strategy={values}",
        f"hydra.sweep.dir={sweep_dir}",
    )
    assert status == 0
    return sweep_dir
