"""Hydra callbacks (``hydra.callbacks`` in ``conf/config.yaml``).

:class:`RunDirectoryCallback` runs first: before Hydra writes anything into a run or sweep
directory it claims it (:mod:`sim.runs.ownership`): one writer at a time (a lock), never over a
complete run, never into another sweep's folder, unless ``overwrite=true``.

:class:`SweepCallback` brackets every multirun: before any job starts it records the sweep's
expected jobs in ``<sweep dir>/jobs.json`` (so jobs that never ran can be named later), and after
the last job it aggregates the sweep directory into ``aggregate.parquet`` and ``aggregate.csv``
(:mod:`sim.aggregate`), prints which jobs failed or are missing, and writes the long table, the
sweep's figure and its ``report.html`` (:mod:`sim.runs.sweep_outputs`). Before that,
:class:`RunDirectoryCallback` composes and validates every sweep point, so a bad swept value
stops the sweep before its first job and before any folder exists. Both hooks run on the machine
that launched the sweep, whatever the launcher. Single runs are left alone.
"""

from __future__ import annotations

import copy
import itertools
import logging
import sys
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.runs import locks
from sim.runs.aggregate import SweepReport, aggregate_sweep
from sim.runs.jobs import write_jobs_file
from sim.runs.ownership import (
    DirectoryRefused,
    claim_run_dir,
    claim_sweep_dir,
    sweep_signature,
)

log = logging.getLogger(__name__)

_BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"
_last_report: SweepReport | None = None
_last_error: str | None = None
#: The jobs (their override lists) :func:`validate_sweep_points` composed and validated in this
#: multirun; Hydra composes them once (:mod:`sim.cli.job_compose`).
_validated_jobs: list[list[str]] = []


def reset_sweep_report() -> None:
    """Forget the outcome of an earlier multirun in this process."""
    global _last_report, _last_error, _active_sweep_dir
    _last_report, _last_error, _active_sweep_dir = None, None, None
    _validated_jobs.clear()


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
    choices: dict[str, list[str]] = {}  # a key given twice: the last wins, in its first place
    for override in OverridesParser.create().parse_overrides(arguments):
        key = override.get_key_element()
        if override.is_sweep_override():
            choices[key] = [f"{key}={v}" for v in override.sweep_string_iterator()]
        else:
            choices[key] = [_rendered(override)]
    return [list(job) for job in itertools.product(*choices.values())]


class SweepPointInvalid(BaseException):
    """A sweep point's config is invalid; the message is the one-line config error.

    Raised before the first job starts and before anything is written, so a rejected sweep
    leaves no folder. A ``BaseException`` for the reason :class:`RunRefused` is one.
    """


def _rendered(override: Any) -> str:
    """An override as :func:`expected_jobs` writes it (``key=value``)."""
    return f"{override.get_key_element()}={override.get_value_element_as_str()}"


def _fast_job_config(base: DictConfig, overrides: list[Any]) -> Any:
    """The job's run config from ``base`` with value overrides set in place (then undone).

    Returns ``None`` when an override is not a plain value of an existing key (a config group,
    ``+``/``~``): those need Hydra's full composition.
    """
    for override in overrides:
        key = override.get_key_element()
        node = OmegaConf.select(base, key, default=_ABSENT)
        if (
            override.is_add()
            or override.is_delete()
            or node is _ABSENT
            or OmegaConf.is_config(node)
        ):
            return None
    undo: list[tuple[str, Any]] = []
    try:
        for override in overrides:
            key = override.get_key_element()
            old = OmegaConf.select(base, key)
            OmegaConf.update(base, key, override.value(), merge=False)  # typed: checks the value
            undo.append((key, old))
        return OmegaConf.to_object(base)
    finally:
        for key, old in reversed(undo):
            OmegaConf.update(base, key, old, merge=False)


_ABSENT = object()


def validate_sweep_points(config: DictConfig, jobs: list[list[str]] | None) -> None:
    """Compose and validate every job of the sweep before any runs; raise on the first bad one.

    A job that only changes values of existing keys is checked on one copy of the sweep's
    config (the schema types every value, as composition would); one that picks a config group
    or adds or deletes keys is composed by Hydra as its job will be.

    Raises:
        SweepPointInvalid: naming the job, its overrides and the one-line error.
    """
    _validated_jobs.clear()
    if not jobs:
        return
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    from omegaconf import open_dict
    from omegaconf.errors import OmegaConfBaseException

    from sim.cli.compose import one_line_error, reject_no_op_mappings
    from sim.config.errors import ConfigError
    from sim.config.genius import resolve_genius
    from sim.config.validation import validate_run

    loader = GlobalHydra.instance().config_loader()
    parser = OverridesParser.create()
    task = parser.parse_overrides([str(o) for o in config.hydra.overrides.task])
    applied = {_rendered(o) for o in task if not o.is_sweep_override()}  # in the config already
    base = copy.deepcopy(config)
    with open_dict(base):
        del base["hydra"]
    for num, overrides in enumerate(jobs):
        where = f"job {num} [{' '.join(overrides)}]"
        try:
            reject_no_op_mappings(base, list(overrides))
            changes = parser.parse_overrides([o for o in overrides if o not in applied])
            changes = [o for o in changes if not o.get_key_element().startswith("hydra.")]
            run_cfg = _fast_job_config(base, changes)
            if run_cfg is None:
                job_cfg = loader.load_sweep_config(config, list(overrides))
                with open_dict(job_cfg):
                    del job_cfg["hydra"]
                run_cfg = OmegaConf.to_object(job_cfg)
            validate_run(resolve_genius(run_cfg))
        except ConfigError as exc:
            raise SweepPointInvalid(f"{where}: {exc}") from None
        except (HydraException, OmegaConfBaseException) as exc:
            message = one_line_error(exc)
            raise SweepPointInvalid(f"{where}: {message}") from None
    _validated_jobs.extend(list(job) for job in jobs)


def validated_jobs() -> list[list[str]]:
    """The jobs :func:`validate_sweep_points` checked in this multirun (empty: none)."""
    return _validated_jobs


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
        try:
            from sim.runs.sweep_outputs import write_sweep_outputs

            figures = OmegaConf.select(config, "figures", default=None) is not False
            written = write_sweep_outputs(report, figures=figures)
        except Exception as exc:  # the aggregate is written; a figure failing must not hide it
            _last_error = f"sweep report of {sweep_dir} failed: {type(exc).__name__}: {exc}"
            log.exception(_last_error)
            return
        print(f"sweep report: {written[-1]}")


class RunRefused(BaseException):
    """A run or sweep may not write into its directory; the message is one line.

    A ``BaseException``, because Hydra turns any ``Exception`` a callback raises into a warning
    and carries on writing; :func:`sim.cli.run.main` prints it and exits with status 2.
    """


#: The sweep directory of a multirun under way in this process (for an aborted sweep's aggregate).
_active_sweep_dir: Path | None = None


def aggregate_interrupted_sweep() -> SweepReport | None:
    """Aggregate the sweep that was under way when an error stopped it (best effort).

    Hydra skips ``on_multirun_end`` when a sweep aborts (a full disk while it writes a job's
    ``.hydra/``); the jobs that did finish are still tabulated, the broken one listed as failed.
    Returns ``None`` if no sweep was under way or the aggregate cannot be written either.
    """
    global _active_sweep_dir
    sweep_dir, _active_sweep_dir = _active_sweep_dir, None
    if sweep_dir is None:
        return None
    try:
        return aggregate_sweep(sweep_dir)
    except Exception as exc:  # the disk may still be full: say so, in one line
        print(f"sweep aggregate: not written: {_one_line(exc, sweep_dir)}", file=sys.stderr)
        return None


def _overwrite(config: DictConfig) -> bool:
    return bool(OmegaConf.select(config, "overwrite", default=False))


class RunDirectoryCallback(Callback):
    """Claim the run or sweep directory before Hydra writes into it; release it at the end."""

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Lock ``hydra.run.dir``; refuse it if busy or complete (unless ``overwrite=true``)."""
        run_dir = Path(str(config.hydra.run.dir))
        try:
            claim_run_dir(run_dir, overwrite=_overwrite(config))
        except Exception as exc:  # fail closed: Hydra would only warn and carry on writing
            raise RunRefused(_one_line(exc, run_dir)) from None

    def on_run_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Release the run directory."""
        locks.release(Path(str(config.hydra.run.dir)))

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Lock ``hydra.sweep.dir``; refuse it if busy or another sweep's (unless overwrite)."""
        sweep_dir = Path(str(config.hydra.sweep.dir))
        validate_sweep_points(config, expected_jobs(config))  # before anything is written
        try:
            task = [str(o) for o in config.hydra.overrides.task]
            params = OmegaConf.select(config, "hydra.sweeper.params", default=None)
            if OmegaConf.is_config(params):
                params = OmegaConf.to_container(params, resolve=False)
            claim_sweep_dir(
                sweep_dir,
                expected_jobs(config),
                sweep_signature(task, params or {}),
                overwrite=_overwrite(config),
            )
        except Exception as exc:  # fail closed: Hydra would only warn and carry on writing
            raise RunRefused(_one_line(exc, sweep_dir)) from None
        global _active_sweep_dir
        _active_sweep_dir = sweep_dir

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Release the sweep directory (after the sweep callback has aggregated it)."""
        global _active_sweep_dir
        _active_sweep_dir = None
        locks.release(Path(str(config.hydra.sweep.dir)))


def _one_line(exc: BaseException, directory: Path) -> str:
    if isinstance(exc, DirectoryRefused | locks.DirectoryBusy):
        return " ".join(str(exc).split())
    if isinstance(exc, OSError):
        return f"{exc.filename or directory}: {exc.strerror or type(exc).__name__}"
    return f"{directory}: cannot claim it: {type(exc).__name__}: {' '.join(str(exc).split())}"
