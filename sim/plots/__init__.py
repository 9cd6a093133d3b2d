"""Figures from result tables (tables in, PNG and PDF files out).

The only package of ``sim`` that imports matplotlib.
:mod:`sim.plots.style` holds the house style (palette, sizes, labels, saving),
:mod:`sim.plots.figures` a run's figures and :mod:`sim.plots.sweep` a sweep's.
"""

from sim.plots.figures import (
    plot_agreement_week_counts,
    plot_agreement_weeks,
    plot_concessions,
    plot_deal_likelihood,
    plot_deals_over_time,
    plot_final_tariffs,
    plot_outcomes_over_frontier,
    plot_trace,
)
from sim.plots.style import save_figure
from sim.plots.sweep import plot_sweep_likelihoods

__all__ = [
    "plot_agreement_week_counts",
    "plot_agreement_weeks",
    "plot_concessions",
    "plot_deal_likelihood",
    "plot_deals_over_time",
    "plot_final_tariffs",
    "plot_outcomes_over_frontier",
    "plot_sweep_likelihoods",
    "plot_trace",
    "save_figure",
]
