"""The configs in ``conf/``: research presets, launchers and output directories (Hydra compose)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf

import sim.cli.run  # noqa: F401  (registers the config schemas)
from sim.cli.callbacks import expected_jobs
from sim.config.schema import RunConfig
from sim.config.strategies import effective_beta
from sim.config.validation import validate_run as validate
from sim.runs.aggregate import parse_value
from tests.conftest import CONF_DIR

PRESETS = sorted(p.stem for p in (CONF_DIR / "experiment").glob("*.yaml"))
LAUNCHERS = {
    "local_joblib": "JoblibLauncher",
    "local_submitit": "LocalLauncher",
    "slurm": "SlurmLauncher",
}


@pytest.fixture
def hydra_conf() -> Iterator[None]:
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        yield
    GlobalHydra.instance().clear()


def to_run_config(cfg: DictConfig) -> RunConfig:
    job = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"])
    run_cfg = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(RunConfig), job))
    assert isinstance(run_cfg, RunConfig)
    return run_cfg


def test_the_research_presets_exist() -> None:
    assert set(PRESETS) >= {
        "deadline_pressure",
        "history_reagan_ad",
        "keystone_linkage",
        "pipeline_conditions",
        "ratification_threshold",
        "strategy_pairings",
        "us_volatility",
    }


def _apply(cfg: DictConfig, overrides: list[str], keys: DictConfig) -> DictConfig:
    """The swept overrides of one point applied to a composed config (as a job composes them)."""
    point = cfg.copy()
    for override in overrides:
        key, value = override.split("=", 1)
        if key in keys:
            OmegaConf.update(point, key, parse_value(value), merge=False)
    return point


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
@pytest.mark.parametrize("preset", PRESETS)
def test_every_point_of_every_preset_composes_and_validates(hydra_conf: None, preset: str) -> None:
    cfg = compose("config", overrides=[f"+experiment={preset}"], return_hydra_config=True)
    job_cfg = compose("config", overrides=[f"+experiment={preset}"])
    assert cfg.experiment_name == preset
    assert 1000 <= cfg.n_replicates <= 5000
    params = cfg.hydra.sweeper.params
    if not params:  # a single-run preset (e.g. a replay of history): it must validate as is
        point = OmegaConf.to_object(job_cfg)
        assert isinstance(point, RunConfig)
        validate(point)
        return
    for key in params:
        assert OmegaConf.select(cfg, key, default="<missing>") != "<missing>", key
    jobs = expected_jobs(cfg)
    assert jobs is not None
    n_points = 1
    for values in params.values():
        n_points *= len(str(values).split(","))
    assert len(jobs) == n_points
    swept = [o for o in jobs[0] if o.split("=", 1)[0] in params]
    assert swept and all(o.split("=", 1)[0] in params for o in swept)
    # every point, applied to the preset's config as the sweeper does, validates
    for overrides in jobs:
        point = OmegaConf.to_object(_apply(job_cfg, overrides, params))
        assert isinstance(point, RunConfig)
        validate(point)
    # which is what Hydra composes for that point
    assert OmegaConf.to_object(compose("config", overrides=jobs[-1])) == OmegaConf.to_object(
        _apply(job_cfg, jobs[-1], params)
    )


def test_strategy_pairings_use_the_presets_betas(hydra_conf: None) -> None:
    cfg = compose(
        "config",
        overrides=["+experiment=strategy_pairings", "negotiator.canada.strategy=conceder"],
    )
    run_cfg = to_run_config(cfg)
    # the presets fix their own beta whatever the YAML pins for the party (Canada's 0.6)
    assert effective_beta(run_cfg.negotiator["canada"]) == 5.0


@pytest.mark.parametrize("launcher", sorted(LAUNCHERS))
def test_parallel_launchers_pin_one_replicate_worker_per_job(
    hydra_conf: None, launcher: str
) -> None:
    cfg = compose("config", overrides=[f"hydra/launcher={launcher}"], return_hydra_config=True)
    assert cfg.hydra.launcher._target_.endswith(LAUNCHERS[launcher])
    assert cfg.n_workers == 1
    if "cpus_per_task" in cfg.hydra.launcher:
        assert cfg.hydra.launcher.cpus_per_task == 1
    # an explicit choice still wins
    cfg = compose("config", overrides=[f"hydra/launcher={launcher}", "n_workers=4"])
    assert cfg.n_workers == 4


def test_ray_launcher_config_reserves_one_cpu_per_job(hydra_conf: None) -> None:
    pytest.importorskip("hydra_plugins.hydra_ray_launcher")
    cfg = compose("config", overrides=["hydra/launcher=ray_cluster"], return_hydra_config=True)
    assert cfg.hydra.launcher.ray.remote.num_cpus == 1 and cfg.n_workers == 1


def test_run_and_sweep_directories_are_unique_to_the_microsecond(hydra_conf: None) -> None:
    cfg = compose("config", return_hydra_config=True)
    for key in ("run", "sweep"):
        assert "%f" in OmegaConf.to_container(cfg.hydra[key])["dir"]  # type: ignore[index]
