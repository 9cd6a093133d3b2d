"""Command-line entry point: ``python -m sim [overrides]`` (``-m`` for a multirun sweep).

It composes ``conf/`` through ``@hydra.main``, converts the config once into typed dataclasses,
validates it and hands it to :func:`sim.runs.execute.execute`, which simulates the replicates and
writes the run directory: ``outcomes.parquet``, ``summary.json``, ``manifest.json`` and figures,
next to Hydra's ``.hydra/`` (the resolved config and the overrides).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.errors import HydraException
from hydra.types import RunMode
from omegaconf import DictConfig
from omegaconf.errors import OmegaConfBaseException

from sim.cli import trust
from sim.cli.compose import CONF_DIR, one_line_error, register_configs, to_run_config
from sim.config.errors import ConfigError
from sim.config.genius import resolve_genius
from sim.config.schema import RunConfig
from sim.config.validation import validate_run
from sim.runs.faults import describe
from sim.runs.jobs import read_jobs_file, run_job
from sim.runs.locks import DirectoryBusy, release_all

# The simulation stack (Mesa, pandas, scipy, matplotlib) is imported inside the functions that use
# it: worker processes re-import this entry module, and a light import is what keeps their start-up
# short.

register_configs()


def execute(cfg: RunConfig, out_dir: Path) -> dict[str, Any]:
    """Simulate a validated config and write its run directory (see :mod:`sim.runs.execute`)."""
    from sim.runs.execute import execute as execute_run

    return execute_run(cfg, out_dir)


def _validate_and_execute(cfg: RunConfig, out_dir: Path) -> dict[str, Any]:
    validate_run(cfg)
    return execute(cfg, out_dir)


def _raise(error: ConfigError) -> Callable[[RunConfig, Path], dict[str, Any]]:
    """A job task that fails with ``error`` (a sweep point whose GENIUS files cannot be read)."""

    def task(cfg: RunConfig, out_dir: Path) -> dict[str, Any]:
        raise error

    return task


def job_counter(num: int | None, sweep_dir: Path) -> str:
    """``job 3/7`` for a sweep's job (its total from ``jobs.json``; ``job 3`` without one)."""
    jobs = read_jobs_file(sweep_dir)
    number = (num or 0) + 1
    return f"job {number}/{len(jobs)}" if jobs else f"job {number}"


# Absolute, so the app finds conf/ however it is started (``python -m sim`` or
# ``sim.cli.run.main()`` from Python), not only when this module is ``__main__``.
@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")
def _app(dict_cfg: DictConfig) -> dict[str, Any] | None:
    hydra_cfg = HydraConfig.get()
    out_dir = Path(hydra_cfg.runtime.output_dir)
    try:  # here, before Hydra logs "Error executing job" over the one line
        cfg = to_run_config(dict_cfg, list(hydra_cfg.overrides.task))
    except ConfigError as exc:
        _refuse(out_dir, hydra_cfg.mode, str(exc))
    except OmegaConfBaseException as exc:  # an interpolation or a value that does not convert
        _refuse(out_dir, hydra_cfg.mode, one_line_error(exc))
    if hydra_cfg.mode is RunMode.MULTIRUN:  # one point of a sweep: resume; record, not raise
        if cfg.figures is None:  # lean sweeps: the sweep callback draws the sweep's figures
            cfg = dataclasses.replace(cfg, figures=False)
        print(job_counter(hydra_cfg.job.num, out_dir.parent), flush=True)
        try:  # read GENIUS files first, so the config hash covers their contents
            cfg = resolve_genius(cfg)
        except ConfigError as exc:
            return run_job(cfg, out_dir, _raise(exc), multirun=True)
        return run_job(cfg, out_dir, _validate_and_execute, multirun=True)
    try:
        cfg = resolve_genius(cfg)
        validate_run(cfg)
    except ConfigError as exc:  # exit here, before Hydra logs a multi-line job failure
        _refuse(out_dir, hydra_cfg.mode, str(exc))
    try:
        return run_job(cfg, out_dir, execute, multirun=False)
    except OSError as exc:  # reported by main(); raised here, Hydra would print a second line
        _RUN_FAULT.append(exc)
        return None


#: The I/O fault that ended a single run (see ``_app``), for :func:`main` to report.
_RUN_FAULT: list[OSError] = []


#: What Hydra puts in a run folder before the job starts (its config copy and the log file).
_HYDRA_ONLY = frozenset({".hydra", "run.log", ".lock"})


def _refuse(out_dir: Path, mode: RunMode | None, message: str) -> NoReturn:
    """Exit with the one-line error; a refused single run leaves no folder behind.

    Hydra creates the run folder (``.hydra/``, ``run.log``) before the job can check its
    config, so a refused run would otherwise leave a folder that looks like a run. Only a folder
    holding nothing but those is removed: never one with results in it.
    """
    single = mode is not RunMode.MULTIRUN and out_dir.is_dir()
    if single and {p.name for p in out_dir.iterdir()} <= _HYDRA_ONLY:
        shutil.rmtree(out_dir, ignore_errors=True)  # an open run.log unlinks fine
    _exit_config_error(message)


def _exit_config_error(message: str) -> NoReturn:
    print(f"config error: {message}", file=sys.stderr)
    sys.exit(2)


def main() -> None:
    """Run the Hydra app; config mistakes exit with status 2 and one line on stderr."""
    # Let config exceptions reach us instead of Hydra's multi-line report.
    os.environ["HYDRA_FULL_ERROR"] = "1"
    from sim.cli import callbacks, job_compose

    callbacks.reset_sweep_report()
    job_compose.install()
    _RUN_FAULT.clear()
    try:
        trust.check_command_line(sys.argv[1:])  # before Hydra acts on any of it
        _app()
        if _RUN_FAULT:
            raise _RUN_FAULT.pop()
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        sys.exit(2)
    except (HydraException, OmegaConfBaseException) as exc:
        print(f"config error: {one_line_error(exc)}", file=sys.stderr)
        sys.exit(2)
    except callbacks.SweepPointInvalid as exc:
        print(f"config error: {exc}", file=sys.stderr)
        sys.exit(2)
    except (callbacks.RunRefused, DirectoryBusy) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        sys.exit(2)
    except OSError as exc:  # a full disk, a read-only folder: one line, and what did finish
        print(f"error: {describe(exc)}", file=sys.stderr)
        report = callbacks.aggregate_interrupted_sweep()
        if report is not None:
            print(f"sweep aggregate: {report.describe()}")
        sys.exit(1)
    finally:
        release_all()  # a run that ended early (an exception, a refusal) still lets go
    report, error = callbacks.sweep_report(), callbacks.sweep_error()
    if error is not None:
        print(f"sweep error: {error}", file=sys.stderr)
        sys.exit(1)
    if report is not None and not report.is_complete:
        print(f"sweep incomplete: {report.headline()}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
