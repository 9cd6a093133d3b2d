"""Scenario discovery: PRIM boxes (Friedman and Fisher 1999) with EMA Workbench 3.0, not rewritten.

Question: which corner of the prior space makes an outcome likely, e.g. "steel & aluminum deal
likelihood > 0.5"? PRIM peels the input box a few percent at a time to raise the density of
cases of interest inside it, then pastes back. A box reports its **coverage** (cases of interest
inside / all cases of interest), **density** (cases of interest inside / points inside) and mass;
the peeling trajectory is the coverage-density trade-off along the way (Bryant and Lempert 2010).
EMA Workbench is imported on first use (it takes seconds to import).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.config.errors import ConfigError


@dataclass(frozen=True)
class PrimResult:
    """PRIM's answer to one question.

    Attributes:
        question: e.g. ``deal.steel_aluminum > 0.5``.
        boxes: One row per box and restricted parameter: ``box, parameter, low, high``, and the
            box's ``coverage``, ``density``, ``mass``.
        trajectory: The first box's peeling trajectory (``coverage``, ``density``, ``mass``,
            ``res_dim`` per step).
        share_of_interest: Share of the points that are cases of interest.
    """

    question: str
    boxes: pd.DataFrame
    trajectory: pd.DataFrame
    share_of_interest: float


def find_boxes(
    x: pd.DataFrame,
    y: np.ndarray,
    question: str,
    *,
    max_boxes: int = 2,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> PrimResult:
    """Run PRIM on inputs ``x`` (one column per parameter) and the boolean cases of interest."""
    y = np.asarray(y, dtype=bool)
    if y.size != len(x) or not y.any() or y.all():
        raise ConfigError(
            "prim.threshold", question, "needs some points in and some out of interest"
        )
    from ema_workbench.analysis import prim  # heavy import (seconds), so only here

    finder = prim.Prim(
        x.reset_index(drop=True).astype(np.float64), y, peel_alpha=peel_alpha, mass_min=mass_min
    )
    rows = []
    trajectory = pd.DataFrame()
    for b in range(max_boxes):
        box = finder.find_box()
        if box is None:
            break
        if b == 0:
            cols = [
                c for c in ("coverage", "density", "mass", "res_dim") if c in box.peeling_trajectory
            ]
            trajectory = box.peeling_trajectory.loc[:, cols].reset_index(drop=True)
        limits = box.box_lim
        full = finder.box_init
        for parameter in limits.columns:
            low, high = float(limits[parameter].iloc[0]), float(limits[parameter].iloc[1])
            if low == float(full[parameter].iloc[0]) and high == float(full[parameter].iloc[1]):
                continue  # not restricted by this box
            rows.append(
                {
                    "box": b,
                    "parameter": parameter,
                    "low": low,
                    "high": high,
                    "coverage": float(box.coverage),
                    "density": float(box.density),
                    "mass": float(box.mass),
                }
            )
    return PrimResult(question, pd.DataFrame(rows), trajectory, float(y.mean()))


def cases_of_interest(results: pd.DataFrame, output: str, threshold: float) -> np.ndarray:
    """``results[output] > threshold`` (a one-line error for an unknown output)."""
    if output not in results:
        raise ConfigError("prim.output", output, f"one of {sorted(results.columns)}")
    return (results[output] > threshold).to_numpy()
