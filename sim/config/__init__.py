"""Typed configuration: schemas (defaults live here), value checks, and config -> domain objects."""

from sim.config.errors import ConfigError

__all__ = ["ConfigError"]
