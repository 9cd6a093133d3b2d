"""A sweep composes each job once (:mod:`sim.cli.job_compose`), to the config Hydra composes.

In process through :func:`tests.conftest.run_cli`: a spy builds, beside every job config built
from the sweep's config, the one Hydra's own composition gives, and the two must be the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf

from sim.cli import job_compose
from tests.conftest import run_cli

QUICK = ("n_replicates=20", "progress=false")
#: Each sweep here takes 3-6 s: all behind slow (the sweeps of the default suite run through
#: the same path; these compare it with Hydra's own composition).
SLOW = pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], str, str]]:
    """Per job built from the sweep's config: its overrides, that config and Hydra's (YAML)."""
    seen: list[tuple[list[str], str, str]] = []
    built = job_compose.value_job_config

    def spy(master: Any, job: Any) -> Any:
        cfg = built(master, job)
        if cfg is not None:
            hydra_compose = ConfigLoaderImpl.load_sweep_config.__wrapped__  # type: ignore[attr-defined]
            composed = hydra_compose(GlobalHydra.instance().config_loader(), master, list(job))
            seen.append((list(job), OmegaConf.to_yaml(cfg), OmegaConf.to_yaml(composed)))
        return cfg

    monkeypatch.setattr(job_compose, "value_job_config", spy)
    return seen


def _count_compositions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    original = ConfigLoaderImpl.load_configuration

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ConfigLoaderImpl, "load_configuration", counted)
    return calls


@pytest.mark.parametrize(
    "sweep",
    [
        pytest.param(
            ("scenario.leaders.carney.ratification_threshold_premium=0.0,0.1", "seed=3"),
            marks=SLOW,
        ),
        # a preset: its sweep is in hydra.sweeper.params
        pytest.param(("+experiment=keystone_linkage",), marks=SLOW),
        pytest.param(
            ("negotiator.canada.strategy=boulware,conceder", "scenario.deadline=2026-03-31"),
            marks=SLOW,
        ),
    ],
)
def test_value_jobs_are_built_to_the_config_hydra_composes(
    sweep: tuple[str, ...],
    compared: list[tuple[list[str], str, str]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    calls = _count_compositions(monkeypatch)
    assert run_cli("-m", *QUICK, *sweep, f"hydra.sweep.dir={tmp_path}") == 0
    assert len(compared) == 2  # both jobs built from the sweep's config, none composed again
    for job, built, composed in compared:
        assert built == composed, job
    assert len({built for _, built, _ in compared}) == 2  # and the two jobs differ
    # Hydra composes the sweep twice (its mode, then the sweep) and, here, each job once: the
    # spy's comparison; without it no job would be composed at all
    assert calls[0] == 2 + len(compared)


@SLOW
def test_a_job_that_picks_a_config_group_is_composed_by_hydra(
    compared: list[tuple[list[str], str, str]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls = _count_compositions(monkeypatch)
    sweep = ("negotiator=default,default", "scenario.deadline=2026-03-31,2026-07-01")
    assert run_cli("-m", *QUICK, *sweep, f"hydra.sweep.dir={tmp_path}", "overwrite=true") == 0
    assert compared == []  # none built from the sweep's config
    # once each, when the sweep's points are checked and when the job runs; never a third time
    assert calls[0] == 2 + 2 * 4
