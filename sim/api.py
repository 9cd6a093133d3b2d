"""The Python API: simulate a run, or a sweep of runs, in-process (from a notebook or a script).

Configs are composed from ``conf/`` exactly as ``python -m sim`` composes them: the same
command-line style overrides, the same validation and the same one-line
:class:`~sim.config.errors.ConfigError` for a bad key or value. Nothing is written unless asked:
:meth:`SimulationResult.save` writes a normal run directory (the one the command line writes),
which ``python -m sim replay`` and :mod:`sim.runs.aggregate` read.

Example:
    A run, its deal likelihoods, a paired comparison and a small sweep::

        import sim

        r = sim.simulate(overrides=["scenario.linkage=false"], n_replicates=2000, seed=7)
        r.likelihoods  # track, deal_likelihood, ci_low, ci_high, mean_agreement_week
        r.save("results/no_linkage")  # outcomes.parquet, summary.json, manifest.json, .hydra/

        table = sim.sweep({"scenario.linkage": [True, False], "seed": [1, 2]}, n_replicates=1000)

Replicate ``i`` depends only on the seed and ``i`` (:mod:`sim.engine.streams`), so two runs with
the same seed use common random numbers: their outcomes can be compared replicate by replicate.
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import itertools
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from sim.analysis.outcomes import cumulative_deals
from sim.cli.compose import compose_run_config, iter_run_configs
from sim.config.build import build_scenario
from sim.config.errors import ConfigError
from sim.config.schema import GeniusConfig, RunConfig
from sim.domain.scenario import Scenario
from sim.runs import locks
from sim.runs.backends import map_points
from sim.runs.execute import RunOutcome, simulate_run, write_run
from sim.runs.files import atomic_path
from sim.runs.jobs import clear_failure, config_hash, stamp_summary
from sim.runs.ownership import claim_run_dir
from sim.runs.schema import CONFIG_FILE, OVERRIDES_FILE
from sim.runs.stamp import remove_stamp, write_stamp

__all__ = [
    "LIKELIHOOD_COLUMNS",
    "SWEEP_COLUMNS",
    "ConfigError",
    "SimulationResult",
    "format_override",
    "format_value",
    "genius_overrides",
    "scenario_from_genius",
    "simulate",
    "sweep",
]

#: Columns of :attr:`SimulationResult.likelihoods`.
LIKELIHOOD_COLUMNS = ("track", "deal_likelihood", "ci_low", "ci_high", "mean_agreement_week")
#: Result columns of :func:`sweep`'s table (after one column per swept key).
SWEEP_COLUMNS = (*LIKELIHOOD_COLUMNS, "n_replicates")

Overrides = Iterable[str] | Mapping[str, Any] | None

# A string Hydra's override grammar reads back as that same string without quotes.
_BARE_STRING = re.compile(r"[A-Za-z_][A-Za-z0-9_\-./]*")
# Unquoted words Hydra's grammar reads as something other than a string.
_GRAMMAR_WORDS = frozenset({"true", "false", "null", "inf", "nan"})


def format_value(value: Any) -> str:
    """Write a Python value as a Hydra override value (the text after ``key=``).

    Booleans become ``true``/``false``, ``None`` becomes ``null``, numbers keep their digits,
    enums their name, dates their ISO form; lists and tuples become ``[a,b]`` and mappings
    ``{k:v}``. A string is written bare when Hydra reads it back unchanged (``nearest``,
    ``canada_us_2025``), else single-quoted (``'2027-07-01'``, ``'true'``, ``'10'``).

    Args:
        value: A bool, ``None``, int, float, str, enum, date, or a list, tuple or mapping of them.

    Returns:
        The override value, e.g. ``format_value(False) == "false"``.

    Raises:
        TypeError: If the value has no override form.
    """
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, dt.date):
        return _quote(value.isoformat())
    if isinstance(value, str):
        if _BARE_STRING.fullmatch(value) and value.lower() not in _GRAMMAR_WORDS:
            return value
        return _quote(value)
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{k}:{format_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(format_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} ({type(value).__name__}) as an override value")


def _quote(text: str) -> str:
    """Single-quote a string for Hydra: escape quotes, and backslashes that precede a quote."""
    escaped = re.sub(r"(\\*)('|$)", lambda m: m.group(1) * 2 + ("\\'" if m.group(2) else ""), text)
    return f"'{escaped}'"


def format_override(key: str, value: Any) -> str:
    """``key=value`` with the value written by :func:`format_value`."""
    return f"{key}={format_value(value)}"


def _override_list(overrides: Overrides) -> list[str]:
    """Overrides as ``key=value`` strings (a mapping's values written by :func:`format_value`)."""
    if overrides is None:
        return []
    if isinstance(overrides, str | bytes):
        raise TypeError(f"overrides must be a list of 'key=value' strings, not {overrides!r}")
    if isinstance(overrides, Mapping):
        return [format_override(str(k), v) for k, v in overrides.items()]
    items = list(overrides)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"overrides must be 'key=value' strings, got {item!r}")
    return items


def _keyword_overrides(
    n_replicates: int | None,
    seed: int | None,
    batch_size: int | None,
    n_workers: int | None,
    progress: bool,
) -> list[str]:
    """The keyword arguments that were given, as overrides."""
    given = {
        "n_replicates": n_replicates,
        "seed": seed,
        "batch_size": batch_size,
        "n_workers": n_workers,
        "progress": progress,
    }
    return [format_override(k, v) for k, v in given.items() if v is not None]


@dataclass(frozen=True, eq=False, repr=False)
class SimulationResult:
    """One simulated run, in memory.

    Attributes:
        config: The validated, typed run config.
        overrides: Every override applied to ``conf/``, the keyword arguments' last.
        outcomes: The outcome table (``outcomes.parquet``): one row per replicate and track.
        likelihoods: One row per track and a last ``all_tracks`` row (every track concluded), with
            columns :data:`LIKELIHOOD_COLUMNS`: the deal likelihood, its 95% Wilson interval and
            the mean week of the deals (``NaN`` without deals).
        summary: The ``summary.json`` contents (including ``config_hash``).
        run: The underlying :class:`~sim.runs.execute.RunOutcome` (compiled experiment,
            adaptive-replication report, simulation time).
    """

    config: RunConfig
    overrides: tuple[str, ...]
    outcomes: pd.DataFrame
    likelihoods: pd.DataFrame
    summary: dict[str, Any]
    run: RunOutcome

    @property
    def n_replicates(self) -> int:
        """Replicates simulated."""
        return self.run.n_replicates

    def deals_over_time(self) -> pd.DataFrame:
        """Share of replicates with a ratified deal by each week, one column per track.

        Returns:
            Indexed by ``week`` (0 is ``scenario.start_date``), values in [0, 1].
        """
        return cumulative_deals(self.outcomes, int(self.summary["n_weeks"]))

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the run directory the command line would write.

        ``outcomes.parquet``, ``summary.json``, the figures and ``manifest.json``
        (:func:`sim.runs.execute.write_run`), and ``.hydra/config.yaml`` (the resolved config) and
        ``.hydra/overrides.yaml``, so that ``python -m sim replay PATH --replicate I`` and
        :mod:`sim.runs.aggregate` read it like any run. As a command-line run does, it holds the
        directory's lock while writing, stamps ``config_hash`` into ``summary.json`` and writes
        the completion stamp ``stamp.json`` last.

        Args:
            path: The run directory (created if needed).
            overwrite: Replace a complete run already in ``path`` (otherwise refused).

        Returns:
            The run directory.

        Raises:
            sim.runs.ownership.DirectoryRefused: ``path`` holds a complete run and ``overwrite``
                is off.
            sim.runs.locks.DirectoryBusy: Another run is writing into ``path``.

        Example:
            ::

                out = sim.simulate(n_replicates=500).save("results/api_run")
        """
        out_dir = Path(path)
        claim_run_dir(out_dir, overwrite=overwrite)
        try:
            remove_stamp(out_dir)
            clear_failure(out_dir)
            config = OmegaConf.structured(self.config)
            _write_text(out_dir / CONFIG_FILE, OmegaConf.to_yaml(config))
            _write_text(out_dir / OVERRIDES_FILE, OmegaConf.to_yaml(list(self.overrides)))
            write_run(self.run, out_dir)
            stamp_summary(out_dir, self.summary["config_hash"])
            write_stamp(out_dir, self.summary["config_hash"])
        finally:
            locks.release(out_dir)
        return out_dir

    def __repr__(self) -> str:
        tracks = ", ".join(
            f"{row.track}={row.deal_likelihood:.1%}" for row in self.likelihoods.itertuples()
        )
        return (
            f"SimulationResult(scenario={self.config.scenario.name!r}, seed={self.config.seed}, "
            f"n_replicates={self.n_replicates}, deal_likelihood: {tracks})"
        )

    def _repr_html_(self) -> str:
        name = html.escape(self.config.scenario.name)
        head = (
            f"<p><b>SimulationResult</b>: scenario <code>{name}</code>, "
            f"seed {self.config.seed}, {self.n_replicates:,} replicates</p>"
        )
        return head + self.likelihoods.to_html(index=False, float_format=lambda x: f"{x:.3f}")


def _write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def _likelihood_table(summary: dict[str, Any]) -> pd.DataFrame:
    records = pd.DataFrame(summary["deal_likelihood"])
    return records.loc[:, list(LIKELIHOOD_COLUMNS)].reset_index(drop=True)


def _simulate_config(cfg: RunConfig, overrides: Sequence[str]) -> SimulationResult:
    """Simulate a composed, validated config (shared by :func:`simulate` and :func:`sweep`)."""
    run = simulate_run(cfg)
    summary = {**run.summary, "config_hash": config_hash(cfg)}
    return SimulationResult(
        config=cfg,
        overrides=tuple(overrides),
        outcomes=run.outcomes,
        likelihoods=_likelihood_table(summary),
        summary=summary,
        run=run,
    )


def _point_likelihoods(task: tuple[RunConfig, list[str]]) -> list[dict[str, Any]]:
    """One sweep point's deal-likelihood records (module level: it is sent to workers)."""
    cfg, applied = task
    return list(_simulate_config(cfg, applied).summary["deal_likelihood"])


def simulate(
    overrides: Overrides = None,
    *,
    n_replicates: int | None = None,
    seed: int | None = None,
    batch_size: int | None = None,
    n_workers: int | None = None,
    progress: bool = False,
) -> SimulationResult:
    """Compose ``conf/`` with overrides, validate it and simulate the run in this process.

    The keyword arguments that are given become overrides appended after ``overrides``, so they
    win over the same key there; any other keyword is a ``TypeError``.

    Args:
        overrides: Command-line style overrides, e.g. ``["scenario.linkage=false",
            "+experiment=keystone_linkage"]``, or a mapping ``{"scenario.linkage": False}``
            whose values are written by :func:`format_value`.
        n_replicates: Monte Carlo replicates (default: ``conf/config.yaml``'s).
        seed: Experiment seed (default: ``conf/config.yaml``'s).
        batch_size: Replicates per Mesa model (changes speed, never results).
        n_workers: Worker processes, 0 for one per core (changes speed, never results).
        progress: Show a progress bar for runs longer than about two seconds.

    Returns:
        The run: ``outcomes``, ``likelihoods``, ``summary`` and the typed ``config``.

    Raises:
        ConfigError: One line naming the bad key or value and what is allowed (the line the
            command line prints after ``config error:``).
        TypeError: If ``overrides`` is a string or holds non-strings.

    Example:
        ::

            r = sim.simulate(overrides=["scenario.linkage=false"], n_replicates=2000, seed=7)
            r.likelihoods.set_index("track")["deal_likelihood"]
    """
    applied = [
        *_override_list(overrides),
        *_keyword_overrides(n_replicates, seed, batch_size, n_workers, progress),
    ]
    return _simulate_config(compose_run_config(applied), applied)


def _column_name(key: str) -> str:
    """The sweep table's column for a swept key (``+experiment`` gives ``experiment``)."""
    return key.lstrip("+")


def sweep(
    grid: Mapping[str, Sequence[Any]],
    *,
    overrides: Overrides = None,
    n_replicates: int | None = None,
    seed: int | None = None,
    batch_size: int | None = None,
    n_workers: int | None = None,
    progress: bool = False,
    backend: str | None = None,
    address: str | None = None,
) -> pd.DataFrame:
    """Simulate every point of a grid of overrides and tabulate the likelihoods.

    The points are the cartesian product of the grid's values, the last key varying fastest.
    Every point is composed and validated before any is simulated, so a bad value fails at once.
    Each point is then simulated by the same path as :func:`simulate` (with ``n_workers`` worker
    processes). Points that share a seed share their random numbers, so differences between them
    are paired comparisons.

    Args:
        grid: Override key -> the values to sweep, e.g. ``{"scenario.linkage": [True, False],
            "seed": [1, 2]}``. Values are written by :func:`format_value` (a list value, for a
            list-valued key, is a list inside the list of values).
        overrides: Overrides applied at every point (before the point's own).
        n_replicates: As for :func:`simulate`.
        seed: As for :func:`simulate` (not if ``seed`` is swept).
        batch_size: As for :func:`simulate`.
        n_workers: As for :func:`simulate`.
        progress: As for :func:`simulate` (one bar per point).
        backend: Where the points run (:func:`sim.runs.backends.map_points`): ``"local"`` (this
            process, the default) or ``"dask"`` (a Dask distributed cluster).
        address: The cluster's scheduler, ``tcp://host:port`` (implies ``backend="dask"``).
            The results are those of a local sweep: same seeds, same random numbers.

    Returns:
        A long table, one row per point and track (tracks as in
        :attr:`SimulationResult.likelihoods`, ``all_tracks`` included): one column per swept key,
        named like the key (less a leading ``+``), holding the swept value, then
        :data:`SWEEP_COLUMNS` (``n_replicates`` is the replicates simulated, which is also the
        swept value if ``n_replicates`` is swept).

    Raises:
        ConfigError: One line naming the bad key or value, and the sweep point.
        TypeError: If a grid value is not a list, tuple or array, or cannot be written.
        ValueError: If a grid value is empty, or a keyword is also swept.

    Example:
        ::

            table = sim.sweep({"scenario.linkage": [True, False]}, n_replicates=1000, seed=7)
            table.pivot(index="track", columns="scenario.linkage", values="deal_likelihood")
    """
    keys = list(grid)
    values: list[list[Any]] = []
    for key in keys:
        choices = grid[key]
        if isinstance(choices, str | bytes | Mapping) or not isinstance(
            choices, Sequence | np.ndarray
        ):
            raise TypeError(
                f"sweep values of {key!r} must be a list, tuple or array, not {choices!r} "
                "(wrap a single value in a list, or pass it in overrides)"
            )
        if len(choices) == 0:
            raise ValueError(f"sweep values of {key!r}: empty")
        values.append(list(choices))
    keywords = _keyword_overrides(n_replicates, seed, batch_size, n_workers, progress)
    both = {k.split("=", 1)[0] for k in keywords} & {_column_name(k) for k in keys}
    if both:
        raise ValueError(f"{', '.join(sorted(both))}: both swept and given as a keyword")
    base = [*_override_list(overrides), *keywords]

    points: list[tuple[tuple[Any, ...], RunConfig, list[str]]] = []
    grid_points = list(itertools.product(*values))
    own = [[format_override(k, v) for k, v in zip(keys, p, strict=True)] for p in grid_points]
    configs = iter_run_configs(base, own)  # the shared overrides composed once
    for point, point_overrides in zip(grid_points, own, strict=True):
        applied = [*base, *point_overrides]
        try:
            cfg = next(configs)
        except ConfigError as exc:
            where = ", ".join(format_override(k, v) for k, v in zip(keys, point, strict=True))
            error = ConfigError.from_message(f"{exc} (sweep point {where})")
            error.key, error.value = exc.key, exc.value
            raise error from None
        points.append((point, cfg, applied))

    columns = [_column_name(k) for k in keys]
    param_columns = [c for c in columns if c not in SWEEP_COLUMNS]
    rows: list[dict[str, Any]] = []
    tasks = [(cfg, applied) for _, cfg, applied in points]
    results = map_points(_point_likelihoods, tasks, backend=backend, address=address)
    for (point, _, _), records in zip(points, results, strict=True):
        params = {c: v for c, v in zip(columns, point, strict=True) if c in param_columns}
        for record in records:
            rows.append({**params, **{c: record[c] for c in SWEEP_COLUMNS}})
    return pd.DataFrame(rows, columns=[*param_columns, *SWEEP_COLUMNS])


def genius_overrides(
    domain: str | Path | None, profiles: Sequence[str | Path], **options: Any
) -> list[str]:
    """The overrides that select a scenario read from GENIUS / ANAC files (``scenario=genius``).

    Args:
        domain: The GENIUS domain file, or ``None`` when the profiles carry the issues.
        profiles: One utility-space file per party (``party_1``, ``party_2``, in this order).
        **options: Fields of ``scenario.genius`` (:class:`~sim.config.schema.GeniusConfig`):
            ``status_quo``, ``status_quo_options``, ``real_levels``, ``max_file_mb``,
            ``max_outcomes``, ``use_profile_discounts``.

    Returns:
        E.g. ``["scenario=genius", "scenario.domain=d.xml", "scenario.profiles=[a.xml,b.xml]"]``,
        for :func:`simulate` or :func:`sweep` (append any other override).

    Raises:
        TypeError: For an option that is not a field of ``scenario.genius``.
    """
    known = {f.name for f in fields(GeniusConfig)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise TypeError(f"unknown GENIUS option(s) {unknown}; known: {sorted(known)}")
    applied = [
        "scenario=genius",
        format_override("scenario.domain", None if domain is None else str(domain)),
        format_override("scenario.profiles", [str(p) for p in profiles]),
    ]
    for key, value in options.items():
        if isinstance(value, Mapping):  # Hydra adds dict entries one key at a time
            applied += [
                format_override(f"++scenario.genius.{key}.{k}", v) for k, v in value.items()
            ]
        else:
            applied.append(format_override(f"scenario.genius.{key}", value))
    return applied


def scenario_from_genius(
    domain: str | Path | None,
    profiles: Sequence[str | Path],
    *,
    overrides: Overrides = None,
    **options: Any,
) -> Scenario:
    """Read GENIUS / ANAC files into the project's frozen scenario model.

    The files are read exactly as ``python -m sim scenario=genius scenario.domain=...
    scenario.profiles=[...]`` reads them (:mod:`sim.config.genius`); ``docs/genius.md`` states
    the semantics. Each profile's discount factor is not part of the scenario: it becomes the
    party's per-round ``negotiator.<party>.discount`` in a run's config.

    Args:
        domain: The GENIUS domain file, or ``None`` when the profiles carry the issues.
        profiles: One utility-space file per party (``party_1``, ``party_2``).
        overrides: Further overrides (e.g. ``["scenario.deadline=2025-12-29"]``).
        **options: Fields of ``scenario.genius``, as for :func:`genius_overrides`.

    Returns:
        The :class:`~sim.domain.scenario.Scenario`: one track ``agreement`` with every issue.

    Raises:
        ConfigError: One line naming the key, the file and the element of a bad file (not XML,
            wrong root, a weight for a missing issue, an evaluation out of range, an entity
            bomb, a file over ``max_file_mb``), or a bad option.

    Example:
        ::

            sc = sim.scenario_from_genius("domain.xml", ["buyer.xml", "seller.xml"])
            sc.parties[0].weights
    """
    applied = [*genius_overrides(domain, profiles, **options), *_override_list(overrides)]
    cfg = compose_run_config(applied)
    return build_scenario(cfg.scenario, cfg.protocol)
