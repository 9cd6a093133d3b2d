"""Gather a sweep directory into one table: each job's parameters next to its results.

Parameters come from each job's saved ``.hydra/config.yaml`` and ``.hydra/overrides.yaml``, never
from folder names; results from its ``summary.json`` and ``outcomes.parquet``. Jobs that failed
(``error.json``) or never finished are listed too, with the sweep's expected job list
(``jobs.json``) naming jobs that never started. ``experiments/aggregate.py`` is the command line;
:class:`sim.cli.callbacks.SweepCallback` runs :func:`aggregate_sweep` after every multirun.

The table has one row per job. Columns: ``job``, ``status`` (``complete``, ``failed`` or
``missing``), ``job_dir``, ``overrides``, one column per overridden key (named like the key,
e.g. ``scenario.linkage``; ``+experiment=x`` gives ``experiment``), ``config_hash``,
``error_type``, ``error_message``, ``replicates_simulated``, and per track
``deal_likelihood/<track>``, ``ci_low/<track>``, ``ci_high/<track>``,
``mean_agreement_week/<track>``, per tariff issue ``mean_rate/<issue>`` (mean final tariff), and
any numbers the summary holds under ``pareto*``, ``nash*`` or ``adaptive`` (e.g. ``nash/<...>``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from omegaconf import OmegaConf

from sim.config.errors import ConfigError
from sim.config.untrusted import load_data, load_data_file
from sim.runs.files import atomic_path, read_json, write_parquet
from sim.runs.jobs import read_jobs_file, result_overrides, saved_config_matches
from sim.runs.schema import (
    AGGREGATE_NAME,
    CONFIG_FILE,
    ERROR_FILE,
    HYDRA_DIR,
    JOBS_FILE,
    OUTCOMES_FILE,
    OVERRIDES_FILE,
    STAMP_FILE,
    SUMMARY_FILE,
    rate_columns,
)
from sim.runs.stamp import verify_stamp

COMPLETE, FAILED, MISSING = "complete", "failed", "missing"
TRACK_METRICS = ("deal_likelihood", "ci_low", "ci_high", "mean_agreement_week")
#: Summary keys whose numbers are copied into the table when present (bargaining-theory figures).
EXTRA_SUMMARY_PREFIXES = ("efficiency", "concessions_granted", "politics", "adaptive")
#: Columns before the parameter columns, and after them (before the results).
BASE_COLUMNS = ("job", "status", "job_dir", "overrides")
JOB_COLUMNS = ("config_hash", "error_type", "error_message")


@dataclass(frozen=True)
class JobRecord:
    """What one job of a sweep left behind.

    Attributes:
        num: Hydra's job number (``None`` if unknown).
        job_dir: The job's directory (``None`` if the job never started).
        status: ``complete``, ``failed`` or ``missing``.
        overrides: The job's overrides (``key=value`` strings).
        params: Each overridden key and its value, from the saved config when it has the key.
        summary: The job's ``summary.json`` (complete jobs).
        error: The job's ``error.json`` (failed jobs), or why it is missing.
    """

    num: int | None
    job_dir: Path | None
    status: str
    overrides: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


def parse_value(text: str) -> Any:
    """An override value as a Python scalar: int, float, bool, None or the string itself."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "none", "~"):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text.strip().strip("'\"")


def override_params(overrides: Iterable[str], config: Any = None) -> dict[str, Any]:
    """Each overridden key and its value.

    A key the saved config holds takes its (typed) value from there; other overrides (config
    group choices such as ``+experiment=...``) keep the value written in the override.
    """
    params: dict[str, Any] = {}
    for item in overrides:
        if "=" not in item or item.startswith("~"):
            continue
        key, text = item.split("=", 1)
        key = key.lstrip("+")
        value = parse_value(text)
        if config is not None:
            selected = _select(config, key)
            if selected is not None and not isinstance(selected, dict | list):
                value = selected
        params[key] = value
    return params


def _select(data: Any, key: str) -> Any:
    """The value at a dotted key of a config read as plain data (``None``: not there)."""
    if OmegaConf.is_config(data):
        data = OmegaConf.to_container(data, resolve=False)
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


class UnreadableJob(Exception):
    """A job folder's file cannot be read as what it should be (the message says which, why)."""


def _job_num(job_dir: Path) -> int | None:
    """Hydra's job number from ``.hydra/hydra.yaml``, else the folder's name if it is a number."""
    hydra_yaml = job_dir / HYDRA_DIR / "hydra.yaml"
    try:
        num = OmegaConf.select(OmegaConf.load(hydra_yaml), "hydra.job.num", default=None)
        return int(num) if num is not None else None
    except Exception:  # missing or broken: the folder name is Hydra's default subdir, the number
        return int(job_dir.name) if job_dir.name.isdigit() else None


def _read_config(job_dir: Path) -> Any:
    """The job's saved config, read as plain data (no environment lookups), or ``None``."""
    path = job_dir / CONFIG_FILE
    if not path.exists():
        return None
    try:
        return load_data(path)
    except ConfigError as exc:
        raise UnreadableJob(str(exc)) from None


def _read_overrides(job_dir: Path) -> list[str]:
    """The job's overrides: ``.hydra/overrides.yaml`` must be a list of ``key=value`` strings."""
    path = job_dir / OVERRIDES_FILE
    if not path.exists():
        return []
    try:
        loaded = load_data_file(path)
    except ConfigError as exc:
        raise UnreadableJob(str(exc)) from None
    items = OmegaConf.to_container(loaded, resolve=False)
    if not isinstance(items, list) or not all(isinstance(o, str) for o in items):
        kind = type(items).__name__ if not isinstance(items, dict) else "mapping"
        raise UnreadableJob(f"{path}: a {kind}, not a list of overrides (key=value strings)")
    return items


def _check_outcomes(job_dir: Path) -> None:
    """Refuse an outcome table whose Parquet footer cannot be read."""
    path = job_dir / OUTCOMES_FILE
    try:
        pq.read_metadata(path)
    except Exception as exc:
        first = " ".join(str(exc).split())[:160]
        raise UnreadableJob(f"{path}: not a readable Parquet file ({first})") from None


def load_job(job_dir: Path) -> JobRecord:
    """Read one job directory (one that has a ``.hydra/`` folder); never raises.

    A job is ``complete`` only if its completion stamp verifies (:mod:`sim.runs.stamp`): the files
    it covers are the ones the run wrote. A job whose files cannot be read, or whose stamp does
    not match them, is ``failed`` with the reason; one that wrote no stamp is ``missing``.
    """
    num = _job_num(job_dir)
    try:
        overrides = _read_overrides(job_dir)
        params = override_params(overrides, _read_config(job_dir))
    except UnreadableJob as exc:
        reason = {"type": "Unreadable", "message": str(exc)}
        return JobRecord(num, job_dir, FAILED, (), {}, None, reason)
    check = verify_stamp(job_dir, semantic=saved_config_matches)
    error = read_json(job_dir / ERROR_FILE)
    summary = read_json(job_dir / SUMMARY_FILE) if check.ok else None
    if check.ok and summary is not None:
        try:
            _check_outcomes(job_dir)
        except UnreadableJob as exc:
            reason = {"type": "Unreadable", "message": str(exc)}
            return JobRecord(num, job_dir, FAILED, tuple(overrides), params, None, reason)
        return JobRecord(num, job_dir, COMPLETE, tuple(overrides), params, summary, None)
    if error is not None:
        status = FAILED
    elif (job_dir / STAMP_FILE).exists():
        status, error = FAILED, {"type": "Unverified", "message": check.reason}
    else:
        status = MISSING
        error = {"type": "Unfinished", "message": f"started but {check.reason}"}
    return JobRecord(num, job_dir, status, tuple(overrides), params, None, error)


def load_run_or_sweep(directory: Path | str) -> list[JobRecord]:
    """The run itself for a run directory (one with ``.hydra/``), else every job of a sweep."""
    directory = Path(directory)
    if (directory / CONFIG_FILE).exists():
        return [load_job(directory)]
    return load_runs(directory)


def complete_table(records: list[JobRecord]) -> pd.DataFrame:
    """The aggregate table restricted to complete jobs."""
    table = aggregate(records)
    return table[table["status"] == COMPLETE].reset_index(drop=True)


def find_job_dirs(sweep_dir: Path) -> list[Path]:
    """Every job directory under a sweep directory (the ones holding ``.hydra/config.yaml``)."""
    return sorted(p.parent.parent for p in sweep_dir.rglob(CONFIG_FILE))


def load_runs(sweep_dir: Path | str) -> list[JobRecord]:
    """Every job of a sweep: found on disk, or expected (``jobs.json``) but never started.

    Args:
        sweep_dir: The sweep directory (Hydra's ``hydra.sweep.dir``).

    Returns:
        One record per job, ordered by job number.

    Raises:
        FileNotFoundError: If ``sweep_dir`` is not a directory.
    """
    return load_sweep(sweep_dir)[0]


def is_stale(record: JobRecord, expected: dict[int, list[str]]) -> bool:
    """Whether a job folder belongs to another sweep than the one ``jobs.json`` lists.

    It does when its number is not in the list, or when its overrides (if readable) are not the
    ones listed for its number.
    """
    if record.num is None or record.num not in expected:
        return True
    if not record.overrides:  # unreadable or absent: cannot tell, keep it (it shows as failed)
        return False
    return result_overrides(record.overrides) != result_overrides(expected[record.num])


def load_sweep(sweep_dir: Path | str) -> tuple[list[JobRecord], list[JobRecord]]:
    """The jobs of a sweep, and the job folders in it that belong to another sweep.

    With a ``jobs.json``, only the jobs it lists are the sweep's (stale folders of an earlier
    sweep never enter the aggregate); without one, every job folder is.

    Raises:
        FileNotFoundError: If ``sweep_dir`` is not a directory.
    """
    sweep_dir = Path(sweep_dir)
    if not sweep_dir.is_dir():
        raise FileNotFoundError(f"{sweep_dir}: no such sweep directory")
    found = [load_job(d) for d in find_job_dirs(sweep_dir)]
    listed = read_jobs_file(sweep_dir)
    expected = listed or {}
    stale = [r for r in found if listed is not None and is_stale(r, expected)]
    records = [r for r in found if not any(r is s for s in stale)]
    seen = {r.num for r in records}
    for num, overrides in expected.items():
        if num not in seen:
            reason = {"type": "NotStarted", "message": "expected in jobs.json; no job directory"}
            records.append(
                JobRecord(
                    num, None, MISSING, tuple(overrides), override_params(overrides), None, reason
                )
            )
    ordered = sorted(
        records, key=lambda r: (r.num is None, r.num if r.num is not None else 0, str(r.job_dir))
    )
    return ordered, stale


def _flatten(prefix: str, value: Any, out: dict[str, float]) -> None:
    """Numbers nested in ``value``, keyed ``prefix/...``; lists of records key on their track."""
    if isinstance(value, bool | int | float):
        out[prefix] = float(value)
    elif value is None:  # summary.json writes a NaN as null
        out[prefix] = math.nan
    elif isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}/{k}", v, out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            keys = ("track", "issue") if isinstance(item, dict) else ()
            key = next((k for k in keys if k in item), None)
            label = item[key] if key is not None else i
            rest = {k: v for k, v in item.items() if k != key} if key is not None else item
            _flatten(f"{prefix}/{label}", rest, out)


def summary_columns(summary: dict[str, Any]) -> dict[str, Any]:
    """Deal likelihoods, intervals and agreement weeks per track, plus optional extra figures."""
    cols: dict[str, Any] = {"replicates_simulated": summary.get("n_replicates")}
    for row in summary.get("deal_likelihood", []):
        track = row.get("track")
        for metric in TRACK_METRICS:
            value = row.get(metric)
            cols[f"{metric}/{track}"] = float(value) if value is not None else math.nan
    extra: dict[str, float] = {}
    for key, value in summary.items():
        if key.lower().startswith(EXTRA_SUMMARY_PREFIXES):
            _flatten(key, value, extra)
    cols.update(extra)
    return cols


def mean_rates(outcomes_path: Path) -> dict[str, float]:
    """Mean final tariff per issue (``rate_<issue>`` columns of ``outcomes.parquet``)."""
    if not outcomes_path.exists():
        return {}
    schema = pq.read_schema(outcomes_path)
    rates = rate_columns(pd.DataFrame(columns=schema.names))
    if not rates:
        return {}
    frame = pd.read_parquet(outcomes_path, columns=list(rates.values()))
    return {f"mean_rate/{issue}": float(np.nanmean(frame[col])) for issue, col in rates.items()}


def job_results(record: JobRecord) -> tuple[dict[str, Any], dict[str, str] | None]:
    """A complete job's result columns, or why they cannot be read (``error_*`` columns)."""
    if record.summary is None or record.job_dir is None:
        return {}, None
    try:
        return {
            **summary_columns(record.summary),
            **mean_rates(record.job_dir / OUTCOMES_FILE),
        }, None
    except Exception as exc:  # one unreadable job is listed as failed; the rest still aggregate
        message = " ".join(f"{record.job_dir}: {type(exc).__name__}: {exc}".split())[:300]
        return {}, {"error_type": "Unreadable", "error_message": message}


def aggregate(records: list[JobRecord]) -> pd.DataFrame:
    """One row per job: its parameters, status and results (see the module docstring)."""
    params = list(dict.fromkeys(k for r in records for k in r.params))
    rows, results = [], []
    for r in records:
        rows.append(
            {
                "job": r.num,
                "status": r.status,
                "job_dir": str(r.job_dir) if r.job_dir is not None else None,
                "overrides": " ".join(r.overrides),
                **{k: r.params.get(k) for k in params},
                "config_hash": (r.summary or {}).get("config_hash"),
                "error_type": (r.error or {}).get("type"),
                "error_message": (r.error or {}).get("message"),
            }
        )
        result, failure = job_results(r)
        if failure is not None:
            rows[-1].update(status=FAILED, config_hash=None, **failure)
        results.append(result)
    base = pd.DataFrame(rows, columns=[*BASE_COLUMNS, *params, *JOB_COLUMNS])
    table = pd.concat([base, pd.DataFrame(results, index=base.index)], axis=1)
    table["job"] = table["job"].astype("Int64")
    return _arrow_safe(table)


def _arrow_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Make object columns that mix types (e.g. a parameter missing on some rows) strings."""
    for name in table.columns:
        col = table[name]
        if col.dtype == object:
            kinds = {type(v) for v in col.dropna()}
            if len(kinds) > 1:
                table[name] = col.map(lambda v: None if v is None else str(v))
    return table


def parameter_columns(table: pd.DataFrame) -> list[str]:
    """The parameter columns (overridden keys): those between ``overrides`` and ``config_hash``."""
    names = list(table.columns)
    return names[names.index(BASE_COLUMNS[-1]) + 1 : names.index(JOB_COLUMNS[0])]


def swept_parameters(table: pd.DataFrame) -> list[str]:
    """The parameters that take more than one value across the sweep's jobs."""
    return [c for c in parameter_columns(table) if table[c].astype(str).nunique() > 1]


@dataclass(frozen=True)
class SweepReport:
    """The aggregate of a sweep and where it was written."""

    sweep_dir: Path
    table: pd.DataFrame
    paths: tuple[Path, ...]
    #: Job folders of another sweep found in the directory (left out of the table).
    stale: tuple[Path, ...] = ()

    def jobs(self, status: str) -> pd.DataFrame:
        """The rows with the given status."""
        return self.table[self.table["status"] == status]

    @property
    def is_complete(self) -> bool:
        """Whether every job finished."""
        return bool((self.table["status"] == COMPLETE).all()) if len(self.table) else False

    def headline(self) -> str:
        """One line: how many jobs finished, failed or are missing."""
        counts = {s: len(self.jobs(s)) for s in (COMPLETE, FAILED, MISSING)}
        return (
            f"{len(self.table)} job(s) in {self.sweep_dir}: {counts[COMPLETE]} complete, "
            f"{counts[FAILED]} failed, {counts[MISSING]} missing"
        )

    def describe(self) -> str:
        """The headline, every failed or missing job, and the files written."""
        lines = [self.headline()]
        for status in (FAILED, MISSING):
            for row in self.jobs(status).to_dict("records"):
                where = row["job_dir"] if row["job_dir"] is not None else "(no directory)"
                lines.append(
                    f"  {status} job {row['job']}: {where} [{row['overrides']}] "
                    f"{row['error_type']}: {row['error_message']}"
                )
        lines += [f"  ignored {p}: not a job of this sweep's {JOBS_FILE}" for p in self.stale]
        lines += [f"  wrote {p}" for p in self.paths]
        return "\n".join(lines)


def write_aggregate(
    table: pd.DataFrame, out_dir: Path, name: str = AGGREGATE_NAME
) -> tuple[Path, ...]:
    """Write the table as ``<name>.parquet`` and ``<name>.csv`` (each atomically)."""
    parquet, csv = out_dir / f"{name}.parquet", out_dir / f"{name}.csv"
    write_parquet(parquet, table)
    with atomic_path(csv) as tmp:
        table.to_csv(tmp, index=False)
    return parquet, csv


def aggregate_sweep(sweep_dir: Path | str, out_dir: Path | str | None = None) -> SweepReport:
    """Load, aggregate and write a sweep directory's table (to ``out_dir``, default the sweep)."""
    sweep_dir = Path(sweep_dir)
    records, stale = load_sweep(sweep_dir)
    table = aggregate(records)
    paths = write_aggregate(table, Path(out_dir) if out_dir is not None else sweep_dir)
    return SweepReport(sweep_dir, table, paths, tuple(r.job_dir for r in stale if r.job_dir))


def short_names(keys: list[str]) -> dict[str, str]:
    """The shortest dotted suffix of each key that tells it from the others.

    ``negotiator.canada.strategy`` and ``negotiator.united_states.strategy`` become
    ``canada.strategy`` and ``united_states.strategy``; ``scenario.linkage`` becomes ``linkage``.
    """
    names = {}
    for key in keys:
        parts = key.split(".")
        for n in range(1, len(parts) + 1):
            name = ".".join(parts[-n:])
            if not any(o != key and (o == name or o.endswith("." + name)) for o in keys):
                break
        names[key] = name
    return names


def point_labels(table: pd.DataFrame, params: list[str] | None = None) -> list[str]:
    """A short label per row from its swept parameters, e.g. ``linkage=True, seed=3``."""
    params = swept_parameters(table) if params is None else params
    if not params:
        return [f"job {j}" for j in table["job"]]
    short = short_names(params)
    return [
        ", ".join(f"{short[p]}={row[p]}" for p in params) for _, row in table[params].iterrows()
    ]


def load_outcomes(job_dir: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A job's ``outcomes.parquet`` (optionally only some columns)."""
    return pd.read_parquet(job_dir / OUTCOMES_FILE, columns=columns)


def tracks_in(table: pd.DataFrame) -> list[str]:
    """The tracks with a deal likelihood in the table, in column order."""
    prefix = "deal_likelihood/"
    return [c.removeprefix(prefix) for c in table.columns if c.startswith(prefix)]
