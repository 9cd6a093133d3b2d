"""Global sensitivity indices with bootstrap intervals (SALib), one table row per output and input.

Morris (1991) elementary effects: for input ``i`` and trajectory ``r``,
``EE_i^r = (f(x + Δ e_i) - f(x)) / Δ``; ``μ*_i = mean_r |EE_i^r|`` ranks the inputs (Campolongo,
Cariboni and Saltelli 2007), ``σ_i = sd_r EE_i^r`` flags interactions or nonlinearity. Sobol'
(1993) indices: ``S1_i = Var(E[Y | X_i]) / Var(Y)`` and ``ST_i = E[Var(Y | X_~i)] / Var(Y)``,
estimated from Saltelli (2010) samples by the Jansen estimator. Intervals are SALib's bootstrap
intervals (``conf_level``), over the design's trajectories or base samples. Inputs are on the
unit hypercube (each prior's quantile), so μ* is in units of the output per full prior range.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

from sim.uncertainty.designs import Design

#: Columns of :func:`morris_table`.
MORRIS_COLUMNS = ("output", "parameter", "mu_star", "mu_star_low", "mu_star_high", "mu", "sigma")
#: Columns of :func:`sobol_table`.
SOBOL_COLUMNS = ("output", "parameter", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high")


def _outputs(results: pd.DataFrame) -> list[str]:
    """Outputs that vary at all (a constant output has no indices)."""
    return [c for c in results.columns if np.nanstd(results[c].to_numpy(dtype=float)) > 0]


def morris_table(
    design: Design, results: pd.DataFrame, conf_level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """μ*, its bootstrap interval, μ and σ for every output and parameter.

    An output constant across the design gets μ* = σ = 0 for every parameter (no effect).
    """
    rows: list[dict[str, Any]] = []
    varying = set(_outputs(results))
    names = design.problem["names"]
    for output in results.columns:
        if output not in varying:
            rows += [_row(output, n, 0.0, 0.0, 0.0, 0.0, 0.0) for n in names]
            continue
        y = results[output].to_numpy(dtype=np.float64)
        res = morris_analyze.analyze(
            design.problem,
            design.unit,
            y,
            num_resamples=1000,
            conf_level=conf_level,
            num_levels=design.levels,
            seed=seed,
        )
        for j, name in enumerate(names):
            ms, half = float(res["mu_star"][j]), float(res["mu_star_conf"][j])
            mu, sigma = float(res["mu"][j]), float(res["sigma"][j])
            rows.append(_row(output, name, ms, max(ms - half, 0.0), ms + half, mu, sigma))
    return pd.DataFrame(rows, columns=list(MORRIS_COLUMNS))


def _row(output: str, name: str, *values: float) -> dict[str, Any]:
    return dict(zip(MORRIS_COLUMNS, (output, name, *values), strict=True))


def sobol_table(
    design: Design, results: pd.DataFrame, conf_level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """S1 and ST with bootstrap intervals for every varying output and parameter."""
    rows: list[dict[str, Any]] = []
    names = design.problem["names"]
    for output in _outputs(results):
        y = results[output].to_numpy(dtype=np.float64)
        res = sobol_analyze.analyze(
            design.problem,
            y,
            calc_second_order=False,
            num_resamples=1000,
            conf_level=conf_level,
            seed=seed,
        )
        for j, name in enumerate(names):
            s1, s1c = float(res["S1"][j]), float(res["S1_conf"][j])
            st, stc = float(res["ST"][j]), float(res["ST_conf"][j])
            rows.append(
                dict(
                    zip(
                        SOBOL_COLUMNS,
                        (output, name, s1, s1 - s1c, s1 + s1c, st, st - stc, st + stc),
                        strict=True,
                    )
                )
            )
    return pd.DataFrame(rows, columns=list(SOBOL_COLUMNS))


def ranked(table: pd.DataFrame, output: str, by: str) -> pd.DataFrame:
    """One output's rows, most influential parameter first."""
    rows = table[table["output"] == output]
    return rows.sort_values(by, ascending=False).reset_index(drop=True)
