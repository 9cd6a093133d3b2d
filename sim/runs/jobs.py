"""One job of a sweep: resume a finished job, record a failed one, and the sweep's job list.

:mod:`sim.cli.run` calls :func:`run_job` for every job of a run or sweep. In a multirun (``-m``)
a job

* is skipped when its directory already holds a completion stamp (:mod:`sim.runs.stamp`) for the
  same config hash whose checksums match the files on disk (so re-running a sweep into the same
  ``hydra.sweep.dir`` redoes only what is missing, changed or broken);
* that raises leaves ``error.json`` (type, message) and ``traceback.txt`` in its directory and
  returns, so the other jobs of the sweep still run (Hydra would otherwise stop the sweep).

A single run (no ``-m``) is never skipped and still fails loudly. Every job holds its directory's
lock (:mod:`sim.runs.locks`) while it runs, withdraws an old stamp before writing, and finishes by
stamping ``config_hash`` into ``summary.json`` and then writing ``stamp.json`` (the config hash
and a checksum of every file), so a run killed half-way never looks complete and a folder two
runs wrote into never verifies.

The sweep's expected job list (``jobs.json`` in the sweep directory, written by
:class:`sim.cli.callbacks.SweepCallback` before any job starts) lets the aggregator name jobs that
never ran. No Hydra imports here.
"""

from __future__ import annotations

import enum
import hashlib
import json
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from sim.config.schema import RunConfig
from sim.config.untrusted import load_data_file
from sim.runs import locks
from sim.runs.files import atomic_path, read_json, write_json
from sim.runs.schema import (
    CONFIG_FILE,
    ERROR_FILE,
    JOBS_FILE,
    OVERRIDES_FILE,
    SUMMARY_FILE,
    TRACEBACK_FILE,
)
from sim.runs.stamp import refresh_stamp, remove_stamp, verify_stamp, write_stamp

#: Settings that change how a run goes (speed, display, whether it may replace an old result),
#: never its results; left out of the config hash.
EXECUTION_ONLY_FIELDS = ("n_workers", "force_workers", "progress", "overwrite", "figures")

Task = Callable[[RunConfig, Path], dict[str, Any]]


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    return str(value)


def config_hash(cfg: RunConfig) -> str:
    """A short digest of everything in a run config that can change its results.

    Args:
        cfg: The run config.

    Returns:
        16 hex digits of the SHA-256 of the config as sorted JSON, without
        :data:`EXECUTION_ONLY_FIELDS`, nor ``batch_size`` unless adaptive replication is on
        (a replicate does not depend on its batch; adaptive rounds add whole batches).
    """
    data = asdict(cfg)
    for name in EXECUTION_ONLY_FIELDS:
        data.pop(name, None)
    if cfg.precision is None:
        data.pop("batch_size", None)
    text = json.dumps(data, sort_keys=True, default=_plain, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def result_overrides(overrides: Iterable[str]) -> dict[str, str]:
    """Overrides by key, without those of :data:`EXECUTION_ONLY_FIELDS` (they change no result)."""
    return {
        key: value
        for key, value in overrides_by_key(overrides).items()
        if key.lstrip("+~") not in EXECUTION_ONLY_FIELDS
    }


def saved_config_hash(run_dir: Path) -> str | None:
    """The config hash of a run directory's ``.hydra/config.yaml`` (``None``: unreadable)."""
    try:
        saved = load_data_file(run_dir / CONFIG_FILE)  # data: no environment lookups
        cfg = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(RunConfig), saved))
    except Exception:  # missing, truncated or off-schema: it describes no run
        return None
    return config_hash(cfg) if isinstance(cfg, RunConfig) else None


def saved_config_matches(run_dir: Path, stamp: dict[str, Any]) -> bool:
    """Whether rewritten ``.hydra/`` copies still describe the stamped run.

    True when the saved config has the stamped config hash and the saved overrides differ from
    the stamped ones at most in settings that change no result (a resumed job's ``progress=false``).
    """
    if saved_config_hash(run_dir) != stamp.get("config_hash"):
        return False
    try:
        saved = OmegaConf.to_container(OmegaConf.load(run_dir / OVERRIDES_FILE))
    except Exception:  # an unreadable overrides file describes no run
        return not (run_dir / OVERRIDES_FILE).exists() and not stamp.get("overrides")
    if not isinstance(saved, list):
        return False
    return result_overrides(map(str, saved)) == result_overrides(stamp.get("overrides") or [])


def completed_summary(out_dir: Path, digest: str) -> dict[str, Any] | None:
    """The run's summary if it finished with the config whose hash is ``digest``.

    Finished means a completion stamp for ``digest`` whose checksums match every file it covers
    (Hydra's rewritten ``.hydra/`` copies are re-certified when they still describe the run).
    """
    check = verify_stamp(out_dir, digest, semantic=saved_config_matches)
    if not check.ok or check.stamp is None:
        return None
    if check.hydra_rewritten:
        refresh_stamp(out_dir, check.stamp)
    return read_json(out_dir / SUMMARY_FILE)


def stamp_summary(out_dir: Path, digest: str) -> dict[str, Any]:
    """Add ``config_hash`` to a finished run's ``summary.json`` (atomically; the last write)."""
    path = out_dir / SUMMARY_FILE
    summary = read_json(path)
    if summary is None:
        raise FileNotFoundError(f"{path}: the run wrote no summary")
    summary["config_hash"] = digest
    write_json(path, summary)
    return summary


def record_failure(out_dir: Path, exc: BaseException) -> dict[str, Any]:
    """Write ``error.json`` and ``traceback.txt`` for a job that raised ``exc``."""
    error = {
        "type": type(exc).__name__,
        "module": type(exc).__module__,
        "message": " ".join(str(exc).split()) or type(exc).__name__,
    }
    with atomic_path(out_dir / TRACEBACK_FILE) as tmp:
        tmp.write_text("".join(traceback.format_exception(exc)))
    write_json(out_dir / ERROR_FILE, error)
    return error


def clear_failure(out_dir: Path) -> None:
    """Forget a previous attempt's failure (before the job is run again)."""
    for name in (ERROR_FILE, TRACEBACK_FILE):
        (out_dir / name).unlink(missing_ok=True)


def run_job(cfg: RunConfig, out_dir: Path, task: Task, *, multirun: bool) -> dict[str, Any] | None:
    """Run one job of a run or sweep.

    Args:
        cfg: The job's run config (not yet validated: ``task`` validates it).
        out_dir: The job's directory.
        task: Validates ``cfg``, simulates and writes ``out_dir``; returns the summary.
        multirun: Whether the job is one point of a sweep (resume and fault capture on).

    Returns:
        The summary, or ``None`` if a multirun job failed (its error is in ``out_dir``).
    """
    digest = config_hash(cfg)
    try:
        locks.acquire(out_dir, "run")
    except locks.DirectoryBusy as exc:
        if not multirun:
            raise
        print(f"{out_dir}: job not run: {exc}", file=sys.stderr)
        return None
    try:
        return _run_locked_job(cfg, out_dir, task, digest, multirun=multirun)
    finally:
        locks.release(out_dir)


def _run_locked_job(
    cfg: RunConfig, out_dir: Path, task: Task, digest: str, *, multirun: bool
) -> dict[str, Any] | None:
    if multirun:
        done = completed_summary(out_dir, digest)
        if done is not None:
            print(f"{out_dir}: already complete (config {digest}); skipped")
            return done
    remove_stamp(out_dir)  # the folder is being rewritten: it must not look complete meanwhile
    clear_failure(out_dir)
    try:
        task(cfg, out_dir)
        summary = stamp_summary(out_dir, digest)
        write_stamp(out_dir, digest)  # last: certifies the files as they now are
        return summary
    except Exception as exc:
        if not multirun:
            raise
        error = record_failure(out_dir, exc)
        print(
            f"{out_dir}: job failed: {error['type']}: {error['message']} "
            f"(see {out_dir / ERROR_FILE}, {TRACEBACK_FILE})",
            file=sys.stderr,
        )
        return None


def write_jobs_file(sweep_dir: Path, jobs: list[list[str]]) -> Path:
    """Write the sweep's expected jobs (number and overrides of each) to ``jobs.json``."""
    path = sweep_dir / JOBS_FILE
    write_json(path, {"jobs": [{"num": i, "overrides": list(o)} for i, o in enumerate(jobs)]})
    return path


def overrides_by_key(overrides: Iterable[str]) -> dict[str, str]:
    """Overrides as key -> value, the last one of a key winning (as Hydra's sweeper does)."""
    return {str(o).partition("=")[0]: str(o).partition("=")[2] for o in overrides}


def read_jobs_file(sweep_dir: Path) -> dict[int, list[str]] | None:
    """The expected jobs of a sweep (job number -> overrides), or ``None`` if not recorded.

    A ``jobs.json`` that is not such a list (hand-edited, truncated) counts as not recorded.
    """
    data = read_json(sweep_dir / JOBS_FILE)
    if data is None:
        return None
    try:
        return {int(job["num"]): [str(o) for o in job["overrides"]] for job in data["jobs"]}
    except (KeyError, TypeError, ValueError):
        return None
