"""Vectorised negotiation strategies, one per module.

The registry that names them in YAML is :mod:`sim.config.strategies`.
"""
