"""Replay one replicate of a finished run (``python -m sim replay RUN_DIR --replicate I``).

The run's config is rebuilt from ``RUN_DIR/.hydra/config.yaml`` alone (loaded, merged onto the
:class:`~sim.config.schema.RunConfig` schema, converted and validated; no Hydra app; a
``scenario=genius`` run reads the GENIUS files it names again, :mod:`sim.config.genius`),
replicate ``I`` is simulated by itself with the trace on, and the result goes to
``RUN_DIR/replay_<I>/``:
``trace.parquet`` and ``trace.csv`` (one row per event: offers with week, track, proposer, the
outcome, each party's utility of it and whether it was accepted; ratification probabilities and
draws; shocks; each week's reservation values and pressure), ``outcome.csv`` (the replicate's
final outcome per track) and ``trace.png``. The replayed outcome is then checked against the
replicate's rows in ``RUN_DIR/outcomes.parquet``: a match is confirmed, a mismatch is an error
(exit status 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

import sim.plots as plots
from sim.config.errors import ConfigError
from sim.config.genius import resolve_genius
from sim.config.labels import human, option_label
from sim.config.schema import RunConfig
from sim.config.untrusted import load_data_file
from sim.config.validation import validate_run
from sim.runs.experiment import Experiment, build_experiment
from sim.runs.files import atomic_path, write_parquet
from sim.runs.schema import CONFIG_FILE, OUTCOMES_FILE, outcomes_frame


class ReplayError(RuntimeError):
    """The run directory cannot be replayed (missing files, unknown replicate)."""


def load_run_config(run_dir: Path) -> RunConfig:
    """Rebuild and validate a run's config from its saved ``.hydra/config.yaml``.

    Raises:
        ReplayError: If the file is missing or does not fit the schema.
    """
    path = run_dir / CONFIG_FILE
    if not path.exists():
        raise ReplayError(f"{path}: not found (is {run_dir} a run directory?)")
    try:
        saved = load_data_file(path)  # a result folder is data: no environment lookups
    except ConfigError as exc:
        raise ReplayError(str(exc)) from exc
    try:
        merged = OmegaConf.merge(OmegaConf.structured(RunConfig), saved)
        cfg = OmegaConf.to_object(merged)
    except (OmegaConfBaseException, ValueError, TypeError) as exc:  # a list, a bad value
        why = " ".join(str(exc).split())[:300]
        raise ReplayError(f"{path}: does not fit the current config schema: {why}") from None
    assert isinstance(cfg, RunConfig)
    try:
        cfg = resolve_genius(cfg)  # a GENIUS scenario re-reads its files (they must not change)
        validate_run(cfg)
    except ConfigError as exc:
        raise ReplayError(f"{path}: {exc}") from exc
    return cfg


@dataclass(frozen=True)
class Replay:
    """A replayed replicate.

    Attributes:
        replicate: The replicate index.
        trace: One row per event: offers, ratification draws, shocks and each week's state.
        outcome: The replayed final outcome, one row per track.
        stored: The replicate's rows in the run's ``outcomes.parquet``.
        mismatches: Human-readable differences between ``outcome`` and ``stored`` (empty: match).
        n_weeks: Rounds until the deadline.
        track_conditions: Per track name, the conditions its options may require (the figure
            says which of them never held).
    """

    replicate: int
    trace: pd.DataFrame
    outcome: pd.DataFrame
    stored: pd.DataFrame
    mismatches: tuple[str, ...]
    n_weeks: int
    track_conditions: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _same(a: object, b: object) -> bool:
    """Exact equality, with missing equal to missing."""
    a_na, b_na = a is None or a is pd.NA or a is pd.NaT, b is None or b is pd.NA or b is pd.NaT
    a_na = a_na or (isinstance(a, float) and math.isnan(a))
    b_na = b_na or (isinstance(b, float) and math.isnan(b))
    if a_na or b_na:
        return a_na and b_na
    return bool(a == b)


def compare_outcomes(replayed: pd.DataFrame, stored: pd.DataFrame) -> tuple[str, ...]:
    """Every difference between a replayed and a stored outcome of the same replicate."""
    problems: list[str] = []
    replayed = replayed.assign(track=replayed["track"].astype(str)).set_index("track")
    stored = stored.assign(track=stored["track"].astype(str)).set_index("track")
    if set(replayed.index) != set(stored.index):
        return (f"tracks differ: replayed {sorted(replayed.index)}, stored {sorted(stored.index)}",)
    columns = [c for c in stored.columns if c in replayed.columns]
    missing = sorted(set(stored.columns) - set(replayed.columns))
    if missing:
        problems.append(f"stored columns the replay lacks: {missing}")
    for track in stored.index:
        for col in columns:
            a, b = replayed.at[track, col], stored.at[track, col]
            if not _same(a, b):
                problems.append(f"{track}.{col}: replayed {a!r}, stored {b!r}")
    return tuple(problems)


def _read_parquet(path: Path, **kwargs: object) -> pd.DataFrame:
    """``pd.read_parquet``; a truncated or foreign file is a one-line :class:`ReplayError`."""
    try:
        return pd.read_parquet(path, **kwargs)
    except (OSError, ValueError, KeyError, TypeError) as exc:  # pyarrow's errors subclass these
        why = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise ReplayError(f"{path}: cannot be read as the run's outcome table ({why})") from None


def _stored_rows(outcomes_path: Path, replicate: int) -> pd.DataFrame:
    """The replicate's rows of ``outcomes.parquet``, checked against the replicates it holds."""
    indices = _read_parquet(outcomes_path, columns=["replicate"])["replicate"]
    if indices.empty:
        raise ReplayError(f"{outcomes_path}: holds no replicates")
    if replicate not in set(indices.unique().tolist()):
        low, high = int(indices.min()), int(indices.max())
        raise ReplayError(f"replicate {replicate} is not in this run (replicates {low}..{high})")
    return _read_parquet(outcomes_path, filters=[("replicate", "==", replicate)])


def replay(run_dir: Path, replicate: int) -> Replay:
    """Re-simulate one replicate of a run alone, with its trace, and compare it with the run.

    Args:
        run_dir: A run directory (or one job directory of a sweep).
        replicate: The replicate index.

    Returns:
        The replay (nothing is written).

    Raises:
        ReplayError: If the run cannot be read or has no such replicate.
    """
    cfg = load_run_config(run_dir)
    outcomes_path = run_dir / OUTCOMES_FILE
    if not outcomes_path.exists():
        raise ReplayError(f"{outcomes_path}: not found (did the run finish?)")
    stored = _stored_rows(outcomes_path, replicate)
    experiment = build_experiment(cfg)
    model = experiment.model(np.array([replicate], dtype=np.int64), record_trace=True)
    model.run()
    outcome = outcomes_frame(experiment.compiled, experiment.seed, model.outcome_columns())
    return Replay(
        replicate=replicate,
        trace=pd.DataFrame(model.trace),
        outcome=outcome,
        stored=stored.reset_index(drop=True),
        mismatches=compare_outcomes(outcome, stored),
        n_weeks=experiment.compiled.n_weeks,
        track_conditions=_track_conditions(experiment),
    )


def _track_conditions(experiment: Experiment) -> dict[str, tuple[str, ...]]:
    """Per track name, the names of the conditions its options may require."""
    conditions = experiment.compiled.scenario.politics.conditions
    return {
        track.name: tuple(conditions[c].name for c in needed)
        for track, needed in zip(
            experiment.compiled.tracks, experiment.politics.track_conditions, strict=True
        )
    }


def write_replay(result: Replay, out_dir: Path) -> list[Path]:
    """Write the trace (Parquet, CSV), the replayed outcome (CSV) and the trace figure."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "trace.parquet", out_dir / "trace.csv", out_dir / "outcome.csv"]
    write_parquet(paths[0], result.trace)
    with atomic_path(paths[1]) as tmp:
        result.trace.to_csv(tmp, index=False)
    with atomic_path(paths[2]) as tmp:
        result.outcome.to_csv(tmp, index=False)
    png = plots.plot_trace(
        result.trace,
        result.outcome,
        result.n_weeks,
        out_dir / "trace.png",
        track_conditions=result.track_conditions,
    )
    paths += [png, png.with_suffix(".pdf")]  # save_figure writes the vector copy beside the PNG
    return paths


def describe_outcome(outcome: pd.DataFrame) -> list[str]:
    """One line per track in words: the deal's week, date and options, or no deal."""
    lines = []
    for row in outcome.to_dict("records"):
        track = human(row["track"])
        if not row["agreed"]:
            lines.append(f"  {track}: no deal")
            continue
        when = f"week {int(row['agreement_week'])}"
        date = row.get("agreement_date")
        if date is not None and not pd.isna(date):
            when += f" ({pd.Timestamp(date).date().isoformat()})"
        options = [
            f"{human(name.removeprefix('option_'))} {option_label(str(value))}"
            for name, value in row.items()
            if name.startswith("option_") and value is not None and not pd.isna(value)
        ]
        lines.append(f"  {track}: deal in {when}: {'; '.join(options) or 'no issue recorded'}")
    return lines
