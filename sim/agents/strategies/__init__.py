"""Vectorised negotiation strategies, one per module; the registry is :mod:`sim.config.strategies`."""
