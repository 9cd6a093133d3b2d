"""Compose each job of a sweep once, and cheaply when it only sets values.

Hydra's basic sweeper composes every job of a batch only to see that it composes
(``validate_batch_is_legal``) and its launcher then composes each job again; a composition of
``conf/`` takes about half a second, longer than simulating a job of 2,000 replicates. Before
the first job, :func:`sim.cli.callbacks.validate_sweep_points` has already checked every point
of the sweep (composed, typed by the schema and validated with its ranges), so:

* the sweeper's check is skipped for a batch whose jobs were all checked that way (any other
  batch, from a sweeper whose jobs are not known in advance, is checked by Hydra as before);
* a job whose overrides, beyond those the sweep's own config was composed with, only set
  values of existing keys (``scenario.deadline=2026-03-31``; no config group, no ``+``/``~``,
  no ``hydra.*``) is the sweep's config with those values set, and with the bookkeeping
  Hydra writes into ``hydra.overrides.task`` and ``hydra.job.override_dirname``; any other job is
  composed by Hydra. ``tests/cli/test_job_compose.py`` checks that both give the same config.

Hydra instantiates sweepers and config loaders only from its own packages, so both are
replaced on their classes, once per process (:func:`install`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import DictConfig, OmegaConf, open_dict

from sim.cli.callbacks import validated_jobs
from sim.cli.compose import is_value_change


def value_job_config(master: DictConfig, job: Sequence[str]) -> DictConfig | None:
    """The job's config as Hydra composes it, built from the sweep's config, or ``None``.

    ``None`` when the job is not among those checked before the sweep began or when one of its
    overrides (beyond those the sweep's config was composed with) does more than set a value.

    Args:
        master: The sweep's config (Hydra's, with the ``hydra`` node).
        job: The job's overrides, as the sweeper lists them.
    """
    if list(job) not in validated_jobs():
        return None
    parser = OverridesParser.create()
    parsed = parser.parse_overrides(list(job))
    composed_with = {str(o) for o in master.hydra.overrides.task}
    changes = [o for o in parsed if o.input_line not in composed_with]
    if any(o.is_hydra_override() for o in parsed) or not all(
        is_value_change(master, o) for o in changes
    ):
        return None
    cfg = copy.deepcopy(master)
    for override in changes:  # as Hydra applies a command-line value: typed by the schema
        OmegaConf.update(cfg, override.get_key_element(), override.value(), merge=True)
    with open_dict(cfg.hydra):
        cfg.hydra.overrides.task = [str(o.input_line) for o in parsed]
        dirname = cfg.hydra.job.config.override_dirname
        lines = sorted(
            str(o.input_line) for o in parsed if o.key_or_group not in dirname.exclude_keys
        )
        cfg.hydra.job.override_dirname = dirname.item_sep.join(lines).replace("=", dirname.kv_sep)
    OmegaConf.copy_cache(from_config=master, to_config=cfg)  # the same ${now:} as the sweep
    return cfg


def install() -> None:
    """Compose each checked job once, and value-only jobs from the sweep's config (see above)."""
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    hydra_check = BasicSweeper.validate_batch_is_legal
    if not getattr(hydra_check, "skips_checked_jobs", False):

        def validate_batch_is_legal(self: Any, batch: Any) -> None:
            if not all(list(job) in validated_jobs() for job in batch):
                hydra_check(self, batch)

        validate_batch_is_legal.skips_checked_jobs = True  # type: ignore[attr-defined]
        BasicSweeper.validate_batch_is_legal = validate_batch_is_legal  # type: ignore[method-assign]

    hydra_compose = ConfigLoaderImpl.load_sweep_config
    if not getattr(hydra_compose, "composes_values_cheaply", False):

        def load_sweep_config(self: Any, master_config: DictConfig, sweep_overrides: Any) -> Any:
            cfg = value_job_config(master_config, sweep_overrides)
            return cfg if cfg is not None else hydra_compose(self, master_config, sweep_overrides)

        load_sweep_config.__wrapped__ = hydra_compose  # type: ignore[attr-defined]
        load_sweep_config.composes_values_cheaply = True  # type: ignore[attr-defined]
        ConfigLoaderImpl.load_sweep_config = load_sweep_config  # type: ignore[method-assign]
