"""Saved runs and sweeps: find them, and read what the page shows of them (read-only).

A run directory holds ``.hydra/config.yaml``, ``summary.json``, ``outcomes.parquet`` and figures;
a sweep directory holds ``multirun.yaml`` (or ``jobs.json``) and one run directory per job. Jobs
are read by :func:`sim.runs.aggregate.load_run_or_sweep`, as the aggregation reads them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.runs.aggregate import COMPLETE, JobRecord, load_run_or_sweep
from sim.runs.schema import CONFIG_FILE, JOBS_FILE, OUTCOMES_FILE

#: Files that mark a sweep directory (Hydra's record of the multirun, or our job list).
SWEEP_MARKERS = ("multirun.yaml", JOBS_FILE)
#: Columns of a replicate's outcome rows shown first (the option and utility columns follow).
REPLICATE_COLUMNS = (
    "track",
    "agreed",
    "agreement_week",
    "agreement_date",
    "outcome",
    "ratification_attempts",
    "ratification_failures",
    "weeks_suspended",
    "escalations",
)


@dataclass(frozen=True)
class SavedEntry:
    """A run or sweep directory found under a results folder.

    Attributes:
        path: The directory.
        kind: ``run`` or ``sweep``.
        modified: Last modification time (seconds since the epoch), for sorting.
    """

    path: Path
    kind: str
    modified: float

    def label(self, root: Path) -> str:
        """``sweep: keystone_linkage/multirun_...`` relative to ``root`` where possible."""
        try:
            shown = self.path.relative_to(root)
        except ValueError:
            shown = self.path
        return f"{self.kind}: {shown}"


def is_sweep(directory: Path) -> bool:
    """Whether a directory is a sweep (rather than one run)."""
    return any((directory / marker).is_file() for marker in SWEEP_MARKERS)


def find_saved(root: Path, limit: int = 200) -> list[SavedEntry]:
    """Runs and sweeps under ``root``, newest first; a sweep's jobs are listed under the sweep.

    Args:
        root: A results folder (e.g. ``results/``), or a run or sweep directory itself.
        limit: At most this many entries.
    """
    root = Path(root)
    if not root.is_dir():
        return []
    entries: list[SavedEntry] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if any(m in filenames for m in SWEEP_MARKERS):
            entries.append(SavedEntry(here, "sweep", here.stat().st_mtime))
            dirnames.clear()  # its jobs are browsed through the sweep
        elif (here / CONFIG_FILE).is_file():
            entries.append(SavedEntry(here, "run", here.stat().st_mtime))
            dirnames.clear()
        else:
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
    entries.sort(key=lambda e: e.modified, reverse=True)
    return entries[:limit]


def jobs_of(directory: Path) -> list[JobRecord]:
    """The run itself, or every job of a sweep (complete, failed or missing)."""
    return load_run_or_sweep(directory)


def jobs_table(records: list[JobRecord]) -> pd.DataFrame:
    """One row per job: number, status, overrides, replicates and the all-tracks likelihood."""
    rows = []
    for r in records:
        summary = r.summary or {}
        overall: dict[str, Any] = next(
            (x for x in summary.get("deal_likelihood", []) if x.get("track") == "all_tracks"), {}
        )
        rows.append(
            {
                "job": r.num,
                "status": r.status,
                "overrides": " ".join(r.overrides),
                "n_replicates": summary.get("n_replicates"),
                "all_tracks": overall.get("deal_likelihood"),
                "error": (r.error or {}).get("message", "") if r.status != COMPLETE else "",
            }
        )
    return pd.DataFrame(
        rows, columns=["job", "status", "overrides", "n_replicates", "all_tracks", "error"]
    )


def likelihood_table(record: JobRecord) -> pd.DataFrame:
    """The job's deal likelihoods with their intervals (empty for a job that did not finish)."""
    columns = ["track", "deal_likelihood", "ci_low", "ci_high", "mean_agreement_week"]
    records = (record.summary or {}).get("deal_likelihood", [])
    return pd.DataFrame(records, columns=columns) if records else pd.DataFrame(columns=columns)


def replicate_count(record: JobRecord) -> int:
    """Replicates the job simulated (0 if it did not finish)."""
    return int((record.summary or {}).get("n_replicates", 0))


def replicate_rows(job_dir: Path, replicate: int) -> pd.DataFrame:
    """A replicate's rows of ``outcomes.parquet``: the deal, its week and the agreed options."""
    path = Path(job_dir) / OUTCOMES_FILE
    if not path.is_file():
        return pd.DataFrame(columns=list(REPLICATE_COLUMNS))
    rows = pd.read_parquet(path, filters=[("replicate", "==", int(replicate))])
    options = [c for c in rows.columns if c.startswith(("option_", "utility_"))]
    shown = rows[[*REPLICATE_COLUMNS, *options]].dropna(axis=1, how="all")
    shown = shown.assign(track=shown["track"].astype(str))
    if "agreement_date" in shown:
        shown["agreement_date"] = shown["agreement_date"].dt.date.astype(str).replace("NaT", "")
    return shown.reset_index(drop=True)


def figures(job_dir: Path) -> list[Path]:
    """The run's PNG figures (the deal likelihoods first), then any replay's, by name."""
    job_dir = Path(job_dir)
    # the headline figure first, as the README lists them
    own = sorted(job_dir.glob("*.png"), key=lambda p: (p.name != "deal_likelihood.png", p.name))
    replays = sorted(job_dir.glob("replay_*/*.png"))
    return [*own, *replays]
