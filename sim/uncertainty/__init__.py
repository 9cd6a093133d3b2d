"""Parameter uncertainty: priors, sampling designs, global sensitivity, scenario discovery, ABC.

Computation only (no matplotlib, no Hydra): :mod:`sim.plots.uncertainty` draws, and
:mod:`sim.cli.explore` / :mod:`sim.cli.calibrate` are the command lines. docs/uncertainty.md has
the methods, their equations and sources.
"""
