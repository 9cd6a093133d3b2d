"""Writing a tool's run directory: tables as Parquet and CSV, the manifest and the report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd

from sim.runs.files import atomic_path, build_manifest, dumps_json, write_json, write_parquet
from sim.runs.report import REPORT_FILE, Code, Figure, Section, Table, file_links, write_report
from sim.runs.schema import MANIFEST_FILE


def write_table(out_dir: Path, name: str, frame: pd.DataFrame) -> None:
    """``<name>.parquet`` and ``<name>.csv`` in ``out_dir`` (atomically)."""
    write_parquet(out_dir / f"{name}.parquet", frame)
    with atomic_path(out_dir / f"{name}.csv") as tmp:
        frame.to_csv(tmp, index=False)


def write_manifest(
    out_dir: Path, seed: int, started: float, extra: dict[str, Any]
) -> dict[str, Any]:
    """``manifest.json``: code, packages, machine, seed, wall time and the tool's settings."""
    wall = time.perf_counter() - started
    manifest = build_manifest(seed, wall, extra)
    write_json(out_dir / MANIFEST_FILE, manifest)
    return manifest


def write_tool_report(
    out_dir: Path, title: str, sections: list[Section], manifest: dict[str, Any], subtitle: str
) -> Path:
    """``report.html``: the tool's sections, then its config and manifest, then its files."""
    config = manifest.get("config")
    rest = {k: v for k, v in manifest.items() if k != "config"}
    provenance = Section(
        "Config and manifest",
        [Code("Model config (resolved)", dumps_json(config)), Code("Manifest", dumps_json(rest))],
    )
    files = Section("Files", [file_links(out_dir)])
    return write_report(out_dir / REPORT_FILE, title, [*sections, provenance, files], subtitle)


def shown_table(title: str, frame: pd.DataFrame, file: str, max_rows: int = 60) -> Table:
    """A report table of the first ``max_rows`` rows, numbers to four significant digits."""
    head = frame.head(max_rows).copy()
    for column in head.select_dtypes("float").columns:
        head[column] = head[column].map(lambda x: f"{x:.4g}")
    more = len(frame) - len(head)
    caption = f"First {len(head)} of {len(frame)} rows; all in {file}.csv." if more else ""
    return Table(title, head, caption)


def figure_item(path: Path, caption: str) -> Figure:
    """A report figure: the PNG inlined, its PDF twin linked."""
    return Figure(path.stem.replace("_", " "), path, caption, vector=path.with_suffix(".pdf"))
