"""Writing a tool's run directory: tables as Parquet and CSV, and the manifest."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd

from sim.runs.files import atomic_path, build_manifest, write_json, write_parquet
from sim.runs.schema import MANIFEST_FILE


def write_table(out_dir: Path, name: str, frame: pd.DataFrame) -> None:
    """``<name>.parquet`` and ``<name>.csv`` in ``out_dir`` (atomically)."""
    write_parquet(out_dir / f"{name}.parquet", frame)
    with atomic_path(out_dir / f"{name}.csv") as tmp:
        frame.to_csv(tmp, index=False)


def write_manifest(out_dir: Path, seed: int, started: float, extra: dict[str, Any]) -> None:
    """``manifest.json``: code, packages, machine, seed, wall time and the tool's settings."""
    wall = time.perf_counter() - started
    write_json(out_dir / MANIFEST_FILE, build_manifest(seed, wall, extra))
