"""The completion stamp: a finished run certifies its own files, and readers check it.

A run directory is *complete* when its ``stamp.json`` — written last, atomically — holds the run's
config hash and the SHA-256 of every file it vouches for (:func:`vouched_files`: the outcome
table, the summary, the manifest, the figures and ``.hydra/config.yaml``/``overrides.yaml``), and
every one of those files still has that checksum. A run killed half-way has no stamp; a folder two
runs wrote into, or whose files were replaced or truncated afterwards, fails the check and says
which file. Resume (:func:`sim.runs.jobs.run_job`) skips only jobs whose stamp verifies with the
job's own config hash, and the aggregator (:mod:`sim.runs.aggregate`) lists any other job as
failed, with the reason.

Hydra rewrites ``.hydra/config.yaml`` and ``overrides.yaml`` whenever a job is started again (a
resume), before the job can look at its folder. When only a setting that never changes results
differs (``n_workers``, ``progress``, ``overwrite``), those bytes change but the run is still the
same: a caller may then pass ``semantic`` to :func:`verify_stamp`, which accepts the two files if
the config they hold has the stamped config hash and the same result-relevant overrides
(:func:`sim.runs.jobs.saved_config_matches`).

Not vouched for: Hydra's ``.hydra/hydra.yaml`` (it records how the job was launched, which a
resume may change), log files (Hydra appends to them after the job), the lock, temporary files,
and anything written into subfolders later (``replay_<i>/``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omegaconf import ListConfig, OmegaConf

from sim.runs.files import read_json, write_json
from sim.runs.schema import (
    CONFIG_FILE,
    ERROR_FILE,
    LOCK_FILE,
    OVERRIDES_FILE,
    STAMP_FILE,
    SUMMARY_FILE,
    TRACEBACK_FILE,
)

#: Files in a run directory that the stamp never covers.
NOT_VOUCHED = frozenset({STAMP_FILE, LOCK_FILE, ERROR_FILE, TRACEBACK_FILE})
#: Files a stamp must cover when they exist (what the readers of a run rely on).
MUST_COVER = (SUMMARY_FILE, CONFIG_FILE, OVERRIDES_FILE)
#: Hydra's copies of the config, which a restarted job rewrites (see the module docstring).
HYDRA_COPIES = (CONFIG_FILE, OVERRIDES_FILE)

#: Whether a run directory's ``.hydra/`` copies still describe the stamped run (given the stamp).
SemanticCheck = Callable[[Path, dict[str, Any]], bool]


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def vouched_files(run_dir: Path) -> list[str]:
    """The files a stamp written now would cover, as paths relative to ``run_dir``."""
    names = [
        p.name
        for p in sorted(run_dir.iterdir())
        if p.is_file()
        and p.name not in NOT_VOUCHED
        and not p.name.endswith((".log", ".tmp"))
        and not p.name.startswith(".")
    ]
    names += [name for name in (CONFIG_FILE, OVERRIDES_FILE) if (run_dir / name).is_file()]
    return names


def write_stamp(run_dir: Path, digest: str) -> dict[str, Any]:
    """Certify a finished run's files (the run's last write).

    Args:
        run_dir: The run directory, every result file already written.
        digest: The run's config hash (:func:`sim.runs.jobs.config_hash`).

    Returns:
        The stamp written to ``stamp.json``.
    """
    stamp = {
        "config_hash": digest,
        "stamped_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": {name: file_digest(run_dir / name) for name in vouched_files(run_dir)},
        "overrides": _saved_overrides(run_dir),
    }
    write_json(run_dir / STAMP_FILE, stamp)
    return stamp


def _saved_overrides(run_dir: Path) -> list[str]:
    """The run's overrides as Hydra saved them (empty when there is no readable list)."""
    items = _yaml_list(run_dir / OVERRIDES_FILE)
    return [str(o) for o in items] if items is not None else []


def _yaml_list(path: Path) -> list[Any] | None:
    try:
        loaded = OmegaConf.load(path)
    except Exception:  # absent or unreadable: no overrides on record
        return None
    items = OmegaConf.to_container(loaded) if isinstance(loaded, ListConfig) else None
    return items if isinstance(items, list) else None


def refresh_stamp(run_dir: Path, stamp: dict[str, Any]) -> None:
    """Re-certify a verified run's ``.hydra/`` copies after Hydra rewrote them (see above)."""
    files = dict(stamp.get("files") or {})
    for name in HYDRA_COPIES:
        if (run_dir / name).is_file():
            files[name] = file_digest(run_dir / name)
    write_json(
        run_dir / STAMP_FILE, {**stamp, "files": files, "overrides": _saved_overrides(run_dir)}
    )


def remove_stamp(run_dir: Path) -> None:
    """Withdraw a directory's stamp (before its files are written again)."""
    (run_dir / STAMP_FILE).unlink(missing_ok=True)


@dataclass(frozen=True)
class StampCheck:
    """Whether a run directory's stamp certifies what is on disk.

    Attributes:
        ok: The stamp exists, matches the expected config and every file it covers.
        reason: Why not (one line), or ``""``.
        stamp: The stamp's contents, if it could be read.
    """

    ok: bool
    reason: str = ""
    stamp: dict[str, Any] | None = None
    #: Verified through ``semantic``: the ``.hydra/`` copies' bytes differ from the stamp's.
    hydra_rewritten: bool = False

    @property
    def config_hash(self) -> str | None:
        """The config hash the stamp records."""
        return None if self.stamp is None else self.stamp.get("config_hash")


def _file_problem(run_dir: Path, name: str, expected: str) -> str | None:
    path = run_dir / name
    if not path.is_file():
        return f"{name} is missing"
    try:
        actual = file_digest(path)
    except OSError as exc:
        return f"{name} cannot be read ({exc.strerror or exc})"
    return None if actual == expected else f"{name} changed after the run was stamped"


def verify_stamp(
    run_dir: Path, digest: str | None = None, semantic: SemanticCheck | None = None
) -> StampCheck:
    """Check a run directory's completion stamp against the files on disk.

    Args:
        run_dir: The run directory.
        digest: The config hash the run must have been made with (``None``: any).
        semantic: Accepts ``.hydra/`` copies whose bytes changed if they still describe the
            stamped run (``None``: bytes must match).

    Returns:
        ``ok`` and, if not, the first problem found.
    """
    stamp = read_json(run_dir / STAMP_FILE)
    if stamp is None:
        if (run_dir / STAMP_FILE).exists():
            return StampCheck(False, f"{STAMP_FILE} is unreadable")
        return StampCheck(False, f"no completion stamp ({STAMP_FILE}): the run did not finish")
    files = stamp.get("files")
    if not isinstance(files, dict) or not isinstance(stamp.get("config_hash"), str):
        return StampCheck(False, f"{STAMP_FILE} is not a completion stamp", stamp)
    if digest is not None and stamp["config_hash"] != digest:
        why = f"stamped for config {stamp['config_hash']}, not {digest}"
        return StampCheck(False, why, stamp)
    for name in MUST_COVER:
        if name not in files and (name == SUMMARY_FILE or (run_dir / name).exists()):
            return StampCheck(False, f"{name} is not covered by the stamp", stamp)
    rewritten = []
    for name, expected in sorted(files.items()):
        problem = _file_problem(run_dir, str(name), str(expected))
        if problem is not None and name in HYDRA_COPIES and (run_dir / name).is_file():
            rewritten.append(problem)
        elif problem is not None:
            return StampCheck(False, problem, stamp)
    if rewritten and (semantic is None or not semantic(run_dir, stamp)):
        return StampCheck(False, rewritten[0], stamp)
    summary = read_json(run_dir / SUMMARY_FILE) or {}
    if summary.get("config_hash") != stamp["config_hash"]:
        return StampCheck(False, f"{SUMMARY_FILE} carries another config hash", stamp)
    return StampCheck(True, "", stamp, hydra_rewritten=bool(rewritten))
