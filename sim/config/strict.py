"""Values checked against the schema's types before OmegaConf converts them.

OmegaConf converts on assignment: ``linkage: 1`` becomes ``True``, ``yes`` and ``on`` too, so a
typo of the right shape is silently accepted. Before composition, the values of user files and
overrides are checked here against the dataclass schema (:mod:`sim.config.schema`): a ``bool``
field takes ``true``/``false`` only, an ``int`` or ``float`` field no boolean, a list or mapping
field no scalar, a required field no null. Keys no schema declares are refused after composition
(:func:`sim.cli.compose.reject_unknown_keys`); interpolations (``${...}``) are left to OmegaConf.
No Hydra imports.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any

from sim.config.errors import ConfigError

_NO_TYPE = object()


@functools.cache
def _hints(schema: type) -> dict[str, Any]:
    return typing.get_type_hints(schema)


def _is_interpolation(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


def _strip_optional(tp: Any) -> Any:
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else tp
    return tp


def _is_optional(tp: Any) -> bool:
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        return type(None) in typing.get_args(tp)
    return False


def _kind(tp: Any) -> str:
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
    if typing.get_origin(tp) is list:
        return "a list"
    if typing.get_origin(tp) is dict or dataclasses.is_dataclass(tp):
        return "a mapping"
    return names.get(tp, getattr(tp, "__name__", str(tp)))


def _check_scalar(key: str, tp: Any, value: Any) -> None:
    if tp is bool and not isinstance(value, bool):
        raise ConfigError(key, value, "must be true or false")
    if tp in (int, float) and isinstance(value, bool):
        raise ConfigError(key, value, f"must be {_kind(tp)}, not a boolean")
    if tp is int and isinstance(value, float):
        raise ConfigError(key, value, "must be an integer")
    if tp in (int, float) and isinstance(value, str | list | dict):
        raise ConfigError(key, value, f"must be {_kind(tp)}")


def check_types(value: Any, tp: Any, key: str) -> None:
    """Check a plain value (from YAML or an override) against schema type ``tp``, recursively.

    Raises:
        ConfigError: One line naming the key, the value and the type it must have.
    """
    if _is_interpolation(value) or value == "???" or tp is _NO_TYPE or tp is Any:
        return
    if value is None:
        if not _is_optional(tp):
            raise ConfigError(
                key, None, f"required: must be {_kind(_strip_optional(tp))}, not null"
            )
        return
    tp = _strip_optional(tp)
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            raise ConfigError(key, value, "must be a mapping of keys to values (key: value)")
        hints = _hints(tp)
        for name, item in value.items():
            if name in hints:  # unknown keys: refused after composition
                check_types(item, hints[name], f"{key}.{name}" if key else str(name))
    elif origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(key, value, "must be a mapping (name: value, or {} for none)")
        item_type = typing.get_args(tp)[1]
        for name, item in value.items():
            check_types(item, item_type, f"{key}.{name}")
    elif origin is list:
        if not isinstance(value, list):
            raise ConfigError(key, value, "must be a list ([a, b], or [] for none)")
        item_type = typing.get_args(tp)[0]
        for i, item in enumerate(value):
            check_types(item, item_type, f"{key}[{i}]")
    elif tp in (bool, int, float):
        _check_scalar(key, tp, value)


def type_at(root: type, dotted: str) -> Any:
    """The schema type of dotted key ``dotted`` under dataclass ``root`` (unknown: a sentinel)."""
    tp: Any = root
    for part in dotted.split("."):
        tp = _strip_optional(tp)
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            tp = _hints(tp).get(part, _NO_TYPE)
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        else:
            return _NO_TYPE
        if tp is _NO_TYPE:
            return tp
    return tp
