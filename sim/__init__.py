"""Agent-based Monte Carlo simulation of the 2025 Canada-U.S. sectoral trade negotiation.

The Python API (:mod:`sim.api`), imported on first use so that ``import sim`` stays light::

    import sim

    r = sim.simulate(overrides=["scenario.linkage=false"], n_replicates=2000, seed=7)
    r.likelihoods
    table = sim.sweep({"scenario.linkage": [True, False], "seed": [1, 2]}, n_replicates=1000)
    sim.explore("morris", size=10)            # sensitivity over the priors (docs/uncertainty.md)
    sim.calibrate("pre_start", n_draws=1000)  # ABC on the record before 10 Oct 2025
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "SimulationResult",
    "__version__",
    "calibrate",
    "explore",
    "genius_overrides",
    "scenario_from_genius",
    "simulate",
    "sweep",
]

if TYPE_CHECKING:
    from sim.api import (
        SimulationResult,
        genius_overrides,
        scenario_from_genius,
        simulate,
        sweep,
    )
    from sim.config.errors import ConfigError

# Public name -> the module defining it. Worker processes import this package too, so the
# simulation stack (Hydra, Mesa, pandas, matplotlib) is loaded only when the API is first used.
_LAZY = {
    "simulate": "sim.api",
    "sweep": "sim.api",
    "SimulationResult": "sim.api",
    "scenario_from_genius": "sim.api",
    "genius_overrides": "sim.api",
    "ConfigError": "sim.config.errors",
}


# Callable modules (``python -m sim.explore`` and ``sim.explore(...)`` are the same name).
_CALLABLE_MODULES = {"explore": "sim.explore", "calibrate": "sim.calibrate"}


def __getattr__(name: str) -> Any:
    if name in _CALLABLE_MODULES:
        return importlib.import_module(_CALLABLE_MODULES[name])
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_CALLABLE_MODULES})
