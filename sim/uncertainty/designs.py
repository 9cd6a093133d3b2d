"""Sampling designs on the unit hypercube [0, 1]^d (mapped to values by the priors).

``lhs`` and ``sobol`` come from :mod:`scipy.stats.qmc` (a Latin hypercube; a scrambled Sobol'
sequence), ``saltelli`` and ``morris`` from SALib (Saltelli's scheme for Sobol' indices, with
first-order and total indices only; Morris trajectories on a ``levels``-level grid). Each design
is a pure function of its size and seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as saltelli_sample
from scipy.stats import qmc

from sim.config.errors import ConfigError

FloatArray = npt.NDArray[np.float64]

#: Design names, as ``design=<name>`` selects them.
DESIGNS = ("lhs", "sobol", "saltelli", "morris")


@dataclass(frozen=True)
class Design:
    """Points of a design and what the analysis needs to read them back.

    Attributes:
        name: One of :data:`DESIGNS`.
        unit: Points ``(n, d)`` in [0, 1]^d.
        problem: SALib's problem dict (names, unit bounds).
        levels: Morris grid levels (0 for other designs).
    """

    name: str
    unit: FloatArray
    problem: dict[str, Any]
    levels: int = 0


def unit_problem(names: list[str]) -> dict[str, Any]:
    """SALib's problem on the unit hypercube (the priors map it to values)."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def make_design(name: str, names: list[str], size: int, seed: int, levels: int = 4) -> Design:
    """A design over parameters ``names``.

    Args:
        name: ``lhs`` or ``sobol`` (``size`` points), ``saltelli`` (``size`` base samples,
            ``size * (d + 2)`` points) or ``morris`` (``size`` trajectories, ``size * (d + 1)``
            points).
        names: Parameter keys (the design's columns).
        size: Points, base samples or trajectories (>= 1; >= 2 for Morris and Saltelli).
        seed: Seed of the design's own randomness (not the simulation's).
        levels: Morris grid levels (even, >= 2).

    Raises:
        ConfigError: Unknown design or a size it cannot use.
    """
    if name not in DESIGNS:
        raise ConfigError("design", name, f"one of {list(DESIGNS)}")
    if size < (2 if name in {"morris", "saltelli"} else 1):
        raise ConfigError("design.size", size, f"too small for {name}")
    if not names:
        raise ConfigError("params", [], "a design needs at least one parameter")
    problem = unit_problem(names)
    d = len(names)
    if name == "lhs":
        unit = qmc.LatinHypercube(d=d, seed=seed).random(size)
    elif name == "sobol":
        unit = qmc.Sobol(d=d, scramble=True, seed=seed).random(size)
    elif name == "saltelli":
        unit = saltelli_sample.sample(problem, size, calc_second_order=False, seed=seed)
    else:
        if levels < 2 or levels % 2:
            raise ConfigError("design.levels", levels, "must be an even number >= 2")
        unit = morris_sample.sample(problem, size, num_levels=levels, seed=seed)
    return Design(name, np.asarray(unit, dtype=np.float64), problem, levels)
