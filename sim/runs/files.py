"""Run-directory I/O: atomic writes and reads of tables and JSON, and the manifest of a run.

Every file is written to a temporary name in the same directory and renamed into place, so an
interrupted run never leaves a truncated Parquet or JSON file behind. Files get the mode the
user's umask gives a new file (``0o666 & ~umask``, as ``open`` would), not ``mkstemp``'s private
0600, so colleagues sharing a results folder can read them. JSON is strict: a NaN or infinite
number is written as ``null``, never as the bare ``NaN`` that JSON parsers reject.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import math
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


def new_file_mode() -> int:
    """The mode ``open()`` gives a new file under the current umask (``0o666 & ~umask``)."""
    umask = os.umask(0o022)  # the only portable way to read it: set, then restore at once
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` if the block succeeds.

    The file that lands has the umask's mode (:func:`new_file_mode`), whatever wrote it. An
    ``OSError`` (a full disk, a vanished folder) names ``path`` (:func:`sim.runs.faults.naming`);
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
            if tmp.exists():  # mkstemp made it 0600; a writer that replaced it got its own mode
                os.chmod(tmp, new_file_mode())
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):  # a vanished folder took it already
            tmp.unlink(missing_ok=True)


def json_safe(data: Any) -> Any:
    """``data`` with every NaN or infinite float (numpy's too) replaced by ``None``."""
    if isinstance(data, float):  # numpy.float64 is a float
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: json_safe(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [json_safe(v) for v in data]
    if hasattr(data, "dtype") and getattr(data, "ndim", None) == 0:  # a numpy scalar
        return json_safe(data.item())
    return data


def dumps_json(data: Any) -> str:
    """Strict JSON text (sorted keys, so identical data gives identical bytes; null for NaN)."""
    return json.dumps(json_safe(data), indent=2, sort_keys=True, default=str, allow_nan=False)


def write_json(path: Path, data: Any) -> None:
    """Write strict JSON atomically (see :func:`dumps_json`)."""
    with atomic_path(path) as tmp:
        tmp.write_text(dumps_json(data) + "\n")


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
