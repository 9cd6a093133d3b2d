"""Run-directory I/O: atomic writes and reads of tables and JSON, and the manifest of a run.

Every file is written to a temporary name in the same directory and renamed into place, so an
interrupted run never leaves a truncated Parquet or JSON file behind.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from sim.engine.streams import RNG_SCHEME
from sim.runs.faults import naming

#: Packages whose versions every manifest records.
TRACKED_PACKAGES = (
    "mesa",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "hydra-core",
    "omegaconf",
    "matplotlib",
    "networkx",
    "canus-negotiation-sim",
)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` if the block succeeds.

    An ``OSError`` (a full disk, a vanished folder) names ``path`` (:func:`sim.runs.faults.naming`);
    the temporary file is removed either way.
    """
    with naming(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    tmp = Path(tmp_name)
    try:
        with naming(path, tmp):
            yield tmp
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):  # a vanished folder took it already
            tmp.unlink(missing_ok=True)


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (sorted keys, so identical data gives identical bytes)."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from ``path``, or ``None`` if it is missing or unreadable."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Write a DataFrame to Parquet atomically."""
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)


def package_versions() -> dict[str, str]:
    """Installed versions of the packages a result depends on."""
    versions = {}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_state(repo: Path) -> dict[str, Any]:
    """Commit and dirty flag of the source tree, or ``None`` values outside a git checkout."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", "-C", str(repo), *args],
                capture_output=True,
                text=True,
                check=True,
                timeout=10,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip()

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def source_root() -> Path:
    """The directory holding the ``sim`` package (the repository root in a checkout)."""
    return Path(__file__).resolve().parent.parent


def build_manifest(
    seed: int, wall_time_s: float, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything needed to trace a result back to the code and machine that made it.

    ``rng_scheme`` names the random-number scheme (:data:`sim.engine.streams.RNG_SCHEME`); a run
    made with another scheme replays only with the code of its ``git.commit``.
    """
    return {
        "seed": seed,
        "rng_scheme": RNG_SCHEME,
        "git": git_state(source_root()),
        "packages": package_versions(),
        "python": sys.version,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "argv": sys.argv,
        "wall_time_s": round(wall_time_s, 3),
        **(extra or {}),
    }
