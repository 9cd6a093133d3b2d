"""The Python API of the uncertainty tools: ``sim.explore(...)`` and ``sim.calibrate(...)``.

Both compose the run config exactly as ``sim.simulate`` does (same overrides, same one-line
``ConfigError``), load the priors (a set in ``conf/priors/``, a path, or parsed priors), and
write a run directory (a fresh one under ``results/`` unless ``run_dir`` is given; an existing
one resumes its finished points).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.api import Overrides, _override_list
from sim.cli.compose import compose_run_config
from sim.config.errors import ConfigError
from sim.config.schema import RunConfig
from sim.uncertainty.calibrate import CalibrateResult, CalibrateSettings, run_calibrate
from sim.uncertainty.explore import ExploreResult, ExploreSettings, run_explore
from sim.uncertainty.observations import ObservationSet, parse_observations
from sim.uncertainty.priors import Prior, PriorSet, build_prior_set
from sim.uncertainty.sources import DEFAULT_PRIORS, load_priors_file, load_set

PriorsArg = str | Path | Sequence[Prior]


def _config(overrides: Overrides, seed: int | None) -> RunConfig:
    applied = [*_override_list(overrides), "progress=false"]
    if seed is not None:
        applied.append(f"seed={int(seed)}")
    return compose_run_config(applied)


def load_priors(priors: PriorsArg, prior: Mapping[str, Any] | None, cfg: RunConfig) -> PriorSet:
    """A checked prior set: a set's priors, with ``prior`` (key -> spec) added or replacing."""
    entries = load_priors_file(priors) if isinstance(priors, str | Path) else list(priors)
    return build_prior_set(entries, dict(prior or {}), cfg)


def load_observations(observations: str | Path | ObservationSet) -> ObservationSet:
    """An observation set by name (``conf/observations/<name>.yaml``), path, or as given."""
    if isinstance(observations, ObservationSet):
        return observations
    return parse_observations(load_set("observations", observations), str(observations))


def _settings[T](cls: type[T], options: dict[str, Any]) -> T:
    """The settings dataclass, a one-line error naming an unknown setting."""
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(options) - known)
    if unknown:
        raise ConfigError(
            unknown[0], options[unknown[0]], f"unknown setting; one of {sorted(known)}"
        )
    return cls(**options)


def _run_dir(run_dir: str | Path | None, tool: str, label: str) -> Path:
    if run_dir is not None:
        return Path(run_dir)
    stamp = dt.datetime.now().strftime("%Y-%m-%d_%H-%M-%S-%f")
    return Path("results") / tool / f"{label}_{stamp}"


def explore(
    design: str = "morris",
    *,
    overrides: Overrides = None,
    priors: PriorsArg = DEFAULT_PRIORS,
    prior: Mapping[str, Any] | None = None,
    run_dir: str | Path | None = None,
    seed: int | None = None,
    **settings: Any,
) -> ExploreResult:
    """Run a design over the priors and write its analysis.

    Args:
        design: ``morris``, ``saltelli``, ``lhs`` or ``sobol``.
        overrides: Model overrides, as for :func:`sim.simulate`.
        priors: A prior set's name, a priors file, or a list of :class:`Prior`.
        prior: Extra or replacing priors, key -> ``"uniform(a, b)"``.
        run_dir: Where to write (resumes the points already there).
        seed: The simulation's seed (every point uses it: common random numbers).
        **settings: Fields of :class:`ExploreSettings` (``size``, ``params``, ``n_replicates``,
            ``n_workers``, ``prim_output``, ...).

    Example:
        ::

            r = sim.explore("morris", size=10, n_replicates=500,
                            params=["scenario.parties.united_states.reservation_value"])
            r.tables["morris"]
    """
    options = {"progress": False, **settings, "design": design}
    if "params" in options:
        options["params"] = tuple(options["params"])
    chosen = _settings(ExploreSettings, options)  # a bad setting fails before any composing
    cfg = _config(overrides, seed)
    prior_set = load_priors(priors, prior, cfg)
    return run_explore(cfg, prior_set, chosen, _run_dir(run_dir, "explore", design))


def calibrate(
    observations: str | Path | ObservationSet = "pre_start",
    score: str | Path | ObservationSet = "post_start",
    *,
    overrides: Overrides = None,
    priors: PriorsArg = DEFAULT_PRIORS,
    prior: Mapping[str, Any] | None = None,
    run_dir: str | Path | None = None,
    seed: int | None = None,
    **settings: Any,
) -> CalibrateResult:
    """Fit the priors to the record by ABC, forecast and score out of sample.

    Args:
        observations: The fitting set (events before 10 Oct 2025 only).
        score: The scoring set (events after the start; never fitted).
        overrides: Model overrides, as for :func:`sim.simulate`.
        priors: A prior set's name, a priors file, or a list of :class:`Prior`.
        prior: Extra or replacing priors, key -> ``"uniform(a, b)"``.
        run_dir: Where to write (rejection ABC resumes the draws already there).
        seed: The simulation's seed.
        **settings: Fields of :class:`CalibrateSettings` (``method``, ``n_draws``, ``quantile``,
            ``params``, ...).
    """
    options = {"progress": False, **settings}
    for key in ("params", "horizons"):
        if key in options:
            options[key] = tuple(options[key])
    chosen = _settings(CalibrateSettings, options)
    fit, scored = load_observations(observations), load_observations(score)
    cfg = _config(overrides, seed)
    prior_set = load_priors(priors, prior, cfg)
    out = _run_dir(run_dir, "calibrate", fit.name)
    return run_calibrate(cfg, prior_set, fit, scored, chosen, out)
