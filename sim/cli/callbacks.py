"""Hydra callbacks (``hydra.callbacks`` in ``conf/config.yaml``).

:class:`SweepCallback` brackets every multirun: before any job starts it records the sweep's
expected jobs in ``<sweep dir>/jobs.json`` (so jobs that never ran can be named later), and after
the last job it aggregates the sweep directory into ``aggregate.parquet`` and ``aggregate.csv``
(:mod:`sim.aggregate`) and prints which jobs failed or are missing. Both hooks run on the machine
that launched the sweep, whatever the launcher. Single runs are left alone.
"""

from __future__ import annotations

import itertools
import logging
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.runs.aggregate import SweepReport, aggregate_sweep
from sim.runs.jobs import write_jobs_file

log = logging.getLogger(__name__)

_BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"
_last_report: SweepReport | None = None
_last_error: str | None = None


def reset_sweep_report() -> None:
    """Forget the outcome of an earlier multirun in this process."""
    global _last_report, _last_error
    _last_report, _last_error = None, None


def sweep_report() -> SweepReport | None:
    """The aggregate of the last multirun that ended in this process, if any."""
    return _last_report


def sweep_error() -> str | None:
    """Why the last multirun's aggregation failed, if it did."""
    return _last_error


def expected_jobs(config: DictConfig) -> list[list[str]] | None:
    """The overrides of every job the basic sweeper will launch, in job-number order.

    The basic sweeper's documented behaviour, through Hydra's public override parser: the
    sweeper's ``params`` first, then the command line's overrides, each sweep override expanded
    to its values, and the cartesian product of them all (last override varying fastest).
    Returns ``None`` for other sweepers, whose job lists cannot be known in advance.
    """
    sweeper = config.hydra.sweeper
    if OmegaConf.select(sweeper, "_target_") != _BASIC_SWEEPER:
        return None
    params = OmegaConf.select(sweeper, "params") or {}
    arguments = [f"{k}={v}" for k, v in params.items()]
    arguments += [str(o) for o in config.hydra.overrides.task]
    choices = []
    for override in OverridesParser.create().parse_overrides(arguments):
        key = override.get_key_element()
        if override.is_sweep_override():
            choices.append([f"{key}={v}" for v in override.sweep_string_iterator()])
        else:
            choices.append([f"{key}={override.get_value_element_as_str()}"])
    return [list(job) for job in itertools.product(*choices)]


class SweepCallback(Callback):
    """Write the job list when a multirun starts; aggregate the sweep when it ends."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Record the sweep's expected jobs in ``jobs.json``."""
        jobs = expected_jobs(config)
        if jobs is not None:
            path = write_jobs_file(Path(str(config.hydra.sweep.dir)), jobs)
            log.info(f"Sweep of {len(jobs)} job(s); job list in {path}")

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Aggregate the sweep directory and report failed or missing jobs."""
        global _last_report, _last_error
        sweep_dir = Path(str(config.hydra.sweep.dir))
        try:
            report = aggregate_sweep(sweep_dir)
        except Exception as exc:  # Hydra would only warn; record it so the exit status shows it
            _last_error = f"aggregating {sweep_dir} failed: {type(exc).__name__}: {exc}"
            log.exception(_last_error)
            return
        _last_report = report
        print(f"sweep aggregate: {report.describe()}")
