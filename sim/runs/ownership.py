"""Who may write a run or sweep directory: one run at a time, never over a finished result.

Before Hydra writes anything into a directory (its ``.hydra/`` copy of the config comes first),
the command line claims it (:class:`sim.cli.callbacks.RunDirectoryCallback`):

* :func:`claim_run_dir` -- a single run takes the directory's lock (:mod:`sim.runs.locks`): a
  second run started into the same ``hydra.run.dir`` while the first is writing is refused. A
  directory that holds a complete run (a completion stamp, :mod:`sim.runs.stamp`) is refused too,
  unless ``overwrite=true``: then the files the old stamp vouched for are deleted first, so the
  folder never mixes two runs.
* :func:`claim_sweep_dir` -- a sweep takes the sweep directory's lock, and a directory holding job
  folders of a *different* sweep (another job list in ``jobs.json``, or other overrides in
  ``multirun.yaml``) is refused unless ``overwrite=true``, which deletes the old job folders and
  the sweep's files. Re-running the same sweep into its directory resumes it.

Refusals raise :class:`DirectoryRefused` (or :class:`sim.runs.locks.DirectoryBusy`) with one line.
No Hydra imports here.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from sim.runs import locks
from sim.runs.files import read_json
from sim.runs.jobs import read_jobs_file, result_overrides
from sim.runs.schema import (
    AGGREGATE_NAME,
    ERROR_FILE,
    HYDRA_DIR,
    JOBS_FILE,
    STAMP_FILE,
    SUMMARY_FILE,
    TRACEBACK_FILE,
)
from sim.runs.stamp import remove_stamp

#: Hydra's record of a sweep's composed config, in the sweep directory.
MULTIRUN_FILE = "multirun.yaml"


class DirectoryRefused(RuntimeError):
    """A run or sweep may not write into this directory (the message says why, in one line)."""


def holds_complete_run(run_dir: Path) -> bool:
    """Whether a directory holds a finished run: a stamp, or a summary stamped with a hash."""
    if (run_dir / STAMP_FILE).exists():
        return True
    summary = read_json(run_dir / SUMMARY_FILE)
    return summary is not None and "config_hash" in summary


def _clear_run(run_dir: Path) -> None:
    """Delete what a finished run wrote (the files its stamp names), stamp first."""
    stamp = read_json(run_dir / STAMP_FILE) or {}
    names = list((stamp.get("files") or {}).keys())
    remove_stamp(run_dir)
    for name in [*names, SUMMARY_FILE, ERROR_FILE, TRACEBACK_FILE]:
        path = run_dir / str(name)
        if path.resolve().is_relative_to(run_dir.resolve()) and path.is_file():
            path.unlink()


def claim_run_dir(run_dir: Path, *, overwrite: bool) -> None:
    """Lock a single run's directory; refuse one that holds a complete run unless ``overwrite``.

    Raises:
        DirectoryBusy: Another run is writing into it.
        DirectoryRefused: It holds a complete run and ``overwrite`` is off.
    """
    locks.acquire(run_dir, "run")
    if not holds_complete_run(run_dir):
        return
    if not overwrite:
        locks.release(run_dir)
        raise DirectoryRefused(
            f"{run_dir}: holds a complete run; choose another hydra.run.dir, "
            "or pass overwrite=true to replace it"
        )
    _clear_run(run_dir)


def job_dirs(sweep_dir: Path) -> list[Path]:
    """The job folders directly inside a sweep directory (those with a ``.hydra/`` folder)."""
    if not sweep_dir.is_dir():
        return []
    return sorted(p for p in sweep_dir.iterdir() if (p / HYDRA_DIR).is_dir())


def _multirun_signature(path: Path) -> Any:
    """The task overrides and sweep parameters in a ``multirun.yaml`` (``None``: unreadable)."""
    try:
        data = OmegaConf.to_container(OmegaConf.load(path), resolve=False)
    except Exception:  # a truncated or foreign file: unknown sweep
        return None
    if not isinstance(data, dict):
        return None
    hydra = data.get("hydra") or {}
    overrides = (hydra.get("overrides") or {}).get("task") or []
    params = (hydra.get("sweeper") or {}).get("params") or {}
    return {"task": result_overrides([str(o) for o in overrides]), "params": params}


def sweep_signature(task_overrides: Sequence[str], params: Any) -> dict[str, Any]:
    """What identifies a sweep whose job list cannot be known in advance."""
    return {"task": result_overrides(task_overrides), "params": params}


def _same_sweep(
    sweep_dir: Path, jobs: list[list[str]] | None, signature: dict[str, Any]
) -> tuple[bool, str]:
    """Whether the sweep directory's recorded sweep is this one, and what it records if not."""
    recorded = read_jobs_file(sweep_dir)
    if jobs is not None and recorded is not None:
        old = [result_overrides(recorded[n]) for n in sorted(recorded)]
        new = [result_overrides(job) for job in jobs]
        return old == new, f"{len(old)} job(s) in {JOBS_FILE}, this sweep has {len(new)}"
    if (sweep_dir / MULTIRUN_FILE).exists():
        old_signature = _multirun_signature(sweep_dir / MULTIRUN_FILE)
        return old_signature == signature, f"other overrides in {MULTIRUN_FILE}"
    return False, f"no {JOBS_FILE} or {MULTIRUN_FILE} says which sweep made them"


def _clear_sweep(sweep_dir: Path) -> None:
    """Delete the job folders and the sweep's own files (an explicit fresh start)."""
    for job_dir in job_dirs(sweep_dir):
        shutil.rmtree(job_dir)
    for name in (JOBS_FILE, MULTIRUN_FILE, f"{AGGREGATE_NAME}.parquet", f"{AGGREGATE_NAME}.csv"):
        (sweep_dir / name).unlink(missing_ok=True)


def claim_sweep_dir(
    sweep_dir: Path,
    jobs: list[list[str]] | None,
    signature: dict[str, Any],
    *,
    overwrite: bool,
) -> None:
    """Lock a sweep directory; refuse one holding another sweep's jobs unless ``overwrite``.

    Args:
        sweep_dir: ``hydra.sweep.dir``.
        jobs: This sweep's job list (each job's overrides), if known in advance.
        signature: :func:`sweep_signature` of this sweep (used when ``jobs`` is ``None``).
        overwrite: Start afresh: delete the other sweep's job folders first.

    Raises:
        DirectoryBusy: Another sweep is writing into it.
        DirectoryRefused: It holds jobs of another sweep and ``overwrite`` is off.
    """
    locks.acquire(sweep_dir, "sweep")
    existing = job_dirs(sweep_dir)
    if not existing:
        return
    if overwrite:
        _clear_sweep(sweep_dir)
        return
    same, recorded = _same_sweep(sweep_dir, jobs, signature)
    if not same:
        locks.release(sweep_dir)
        raise DirectoryRefused(
            f"{sweep_dir}: holds {len(existing)} job folder(s) of another sweep ({recorded}); "
            "choose another hydra.sweep.dir, or pass overwrite=true to start afresh "
            "(deletes them)"
        )
