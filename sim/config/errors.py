"""The one-line configuration error and the small checks that raise it."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection
from typing import Any


class ConfigError(ValueError):
    """A configuration value is out of range or inconsistent.

    The message is one line: ``<key>=<value>: <what is allowed>``.
    """

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{key}={value!r}: {allowed}")

    @classmethod
    def from_message(cls, message: str) -> ConfigError:
        """An error whose one-line message is already written (e.g. from Hydra's parser)."""
        error = cls.__new__(cls)
        error.key, error.value, error.allowed = "", None, message
        ValueError.__init__(error, message)
        return error


def require(ok: bool, key: str, value: Any, allowed: str) -> None:
    """Raise a ConfigError naming ``key``, ``value`` and ``allowed`` unless ``ok``."""
    if not ok:
        raise ConfigError(key, value, allowed)


def check_unit(key: str, value: float) -> None:
    """Require a finite value in [0, 1]."""
    require(math.isfinite(value) and 0.0 <= value <= 1.0, key, value, "must be in [0, 1]")


def parse_date(key: str, value: str) -> dt.date:
    """Parse an ISO date or raise a one-line ConfigError naming ``key``."""
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ConfigError(key, value, "must be an ISO date YYYY-MM-DD") from None


def listing(names: Collection[str], limit: int = 12) -> str:
    """``names`` for an error message: all of a short list, the first ``limit`` of a long one."""
    shown = list(names)[:limit]
    more = f", ... ({len(names)} in all)" if len(names) > limit else ""
    return "[" + ", ".join(repr(n) for n in shown) + more + "]"


def first_repeat(names: list[str]) -> str | None:
    """The first name that occurs a second time in ``names`` (``None``: all unique)."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return name
        seen.add(name)
    return None


def require_member(name: str, allowed: Collection[str], key: str, describe: str) -> None:
    """Require ``name in allowed`` (a set or dict: O(1)); the message is built only on failure."""
    if name not in allowed:
        raise ConfigError(key, name, f"{describe} {listing(sorted(allowed))}")
