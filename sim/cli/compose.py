"""Compose ``conf/`` with Hydra and turn every config mistake into one line.

:func:`compose_run_config` is what the Python API (:mod:`sim.api`) calls; the command line composes
through ``@hydra.main`` (:mod:`sim.cli.run`) and shares :func:`one_line_error`.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from typing import Any

from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override, OverrideType
from hydra.errors import HydraException, OverrideParseException
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException

from sim.cli import trust
from sim.cli.trust import CONF_DIR
from sim.config.errors import ConfigError
from sim.config.genius import resolve_genius
from sim.config.schema import ProtocolConfig, RunConfig, ScenarioConfig
from sim.config.validation import validate_run

__all__ = [
    "CONF_DIR",
    "compose_run_config",
    "is_value_change",
    "iter_run_configs",
    "one_line_error",
    "register_configs",
    "reject_unknown_keys",
    "to_run_config",
]

# User config files are data from the first composition on (see sim.cli.trust).
trust.install()


_ABSENT = object()

#: Launchers that start every job of a batch at once with no cap of their own.
UNCAPPED_LAUNCHERS = ("hydra_plugins.hydra_submitit_launcher.submitit_launcher.LocalLauncher",)


def job_cap(launcher: str | None = None) -> int | None:
    """Jobs a sweep may run at once on this machine: the cores this process may use.

    Args:
        launcher: The launcher's ``_target_``; only those of :data:`UNCAPPED_LAUNCHERS` get a cap
            (``None`` for the others, which cap themselves: joblib's ``n_jobs``, SLURM's
            ``array_parallelism``, Ray's CPUs). ``None``: the cores.
    """
    if launcher is not None and launcher not in UNCAPPED_LAUNCHERS:
        return None
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def register_configs() -> None:
    """Register the schemas in Hydra's ConfigStore (``base_config``, ``base_<group>``).

    Also the resolver ``${sim.job_cap:<launcher>}`` (:func:`job_cap`), which
    ``conf/config.yaml`` uses to cap the jobs a local launcher runs at once.
    """
    OmegaConf.register_new_resolver("sim.job_cap", job_cap, replace=True)
    cs = ConfigStore.instance()
    cs.store(name="base_config", node=RunConfig)
    cs.store(group="scenario", name="base_scenario", node=ScenarioConfig)
    cs.store(group="protocol", name="base_protocol", node=ProtocolConfig)


def _keyed_omegaconf_error(exc: BaseException) -> OmegaConfBaseException | None:
    """The outermost OmegaConf error in the cause chain that names a config key."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, OmegaConfBaseException) and getattr(cur, "full_key", None):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def _config_error_in_chain(exc: BaseException) -> ConfigError | None:
    """A :class:`ConfigError` (a refused user file) that Hydra wrapped in its own exception."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ConfigError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def reject_unknown_keys(node: Any, where: str = "") -> None:
    """Refuse keys a schema does not have, even ones added with a leading ``+``.

    ``OmegaConf.to_object`` drops such keys silently (``+scenario.negotiators.leblanc.x=1``
    would be accepted and ignored), so every node typed by a dataclass is checked first.

    Raises:
        ConfigError: One line naming the key and the allowed keys.
    """
    if isinstance(node, ListConfig):
        for i, item in enumerate(node):
            reject_unknown_keys(item, f"{where}[{i}]")
        return
    if not isinstance(node, DictConfig) or node._is_missing() or node._is_none():
        return
    schema = OmegaConf.get_type(node)
    allowed = {f.name for f in fields(schema)} if is_dataclass(schema) else None
    for key in node:
        full = f"{where}.{key!s}" if where else str(key)
        if allowed is not None and key not in allowed:
            raise ConfigError(full, node._get_node(key), f"unknown key; allowed: {sorted(allowed)}")
        reject_unknown_keys(node._get_node(key), full)


def one_line_error(exc: BaseException) -> str:
    """Collapse a Hydra/OmegaConf config error into one line: key, value, what is allowed."""
    refused = _config_error_in_chain(exc)
    if refused is not None:
        return str(refused)
    cause = _keyed_omegaconf_error(exc)
    if cause is not None and getattr(cause, "full_key", None):
        msg = str(getattr(cause, "msg", "") or cause).split("\n")[0].strip()
        text = f"{cause.full_key}: {msg}"
        object_type = getattr(cause, "object_type", None)
        if isinstance(cause, ConfigKeyError | ConfigAttributeError) and is_dataclass(object_type):
            allowed = ", ".join(sorted(f.name for f in fields(object_type)))
            text += f" (allowed keys: {allowed})"
        return text
    text = " ".join(str(exc).split())
    text = re.sub(r"\s*(full_key:|Config search path|See https://hydra.cc).*", "", text)
    if isinstance(exc, OverrideParseException):
        text = re.sub(r"^Error parsing override '[^']*'\s*", "", text)
        text = f"cannot parse override {exc.override!r}: {text}"
    return text or type(exc).__name__


def reject_no_op_mappings(composed: DictConfig, overrides: list[str]) -> None:
    """Refuse ``key={}`` where ``key`` holds entries: Hydra merges it, so it would change nothing.

    A user writing ``scenario.coordinators={}`` means "no coordinators" and would otherwise get
    the defaults back without a word.

    Raises:
        ConfigError: One line naming the override, the entries it would keep and what to do.
    """
    try:
        parsed = OverridesParser.create().parse_overrides(list(overrides))
    except Exception:  # Hydra reports a parse error itself, in its own words
        return
    for override in parsed:
        if override.type not in (OverrideType.CHANGE, OverrideType.FORCE_ADD):
            continue
        if override.is_sweep_override() or override.value() != {}:
            continue
        key = override.key_or_group
        node = OmegaConf.select(composed, key, default=None)
        if isinstance(node, DictConfig) and len(node) > 0:
            names = ", ".join(str(k) for k in node)
            raise ConfigError.from_message(
                f"{key}={{}}: an empty mapping is merged into the entries already there "
                f"({names}) and would change nothing; remove an entry with ~{key}.<entry> "
                f"or set its fields ({key}.<entry>.<field>=...)"
            )


def to_run_config(composed: DictConfig, overrides: list[str] | None = None) -> RunConfig:
    """The composed config as typed dataclasses, refusing keys no schema declares.

    Args:
        composed: The composed config.
        overrides: The overrides it was composed with (checked for no-op mappings).

    Raises:
        ConfigError: An unknown key (``+scenario.anything=1``) or an override that would change
            nothing (:func:`reject_no_op_mappings`), one line.
        OmegaConfBaseException: A value OmegaConf cannot convert or resolve (see
            :func:`one_line_error`).
    """
    reject_unknown_keys(composed)
    reject_no_op_mappings(composed, list(overrides or []))
    cfg = OmegaConf.to_object(composed)
    assert isinstance(cfg, RunConfig)
    return cfg


def is_value_change(config: DictConfig, override: Override) -> bool:
    """Whether an override only sets the value of a key the config has (not a config group)."""
    key = override.get_key_element()
    if override.is_add() or override.is_delete() or override.is_hydra_override():
        return False
    if override.is_sweep_override() or override.package is not None:
        return False
    node = OmegaConf.select(config, key, default=_ABSENT, throw_on_missing=False)
    return node is not _ABSENT and not OmegaConf.is_config(node)


def _composed(overrides: list[str]) -> DictConfig:
    """``conf/config.yaml`` composed by Hydra with ``overrides`` (no ``hydra`` node)."""
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            return compose(config_name="config", overrides=overrides)
    finally:
        GlobalHydra.instance().clear()


def _typed(composed: DictConfig, overrides: list[str], keys_checked: bool = False) -> RunConfig:
    """A composed config converted, its GENIUS files read, and validated.

    ``keys_checked``: its keys are those of a config :func:`to_run_config` already checked (only
    values were set since), so only the conversion is left.
    """
    try:
        cfg = OmegaConf.to_object(composed) if keys_checked else to_run_config(composed, overrides)
        assert isinstance(cfg, RunConfig)
    except OmegaConfBaseException as exc:
        raise ConfigError.from_message(one_line_error(exc)) from None
    cfg = resolve_genius(cfg)  # a scenario=genius config reads its files here
    validate_run(cfg)
    return cfg


@contextlib.contextmanager
def _values_set(composed: DictConfig, changes: list[Override]) -> Iterator[DictConfig]:
    """``composed`` with the changes' values set, as Hydra sets a value; put back afterwards.

    Set in place and restored (a tenth of a millisecond) rather than on a deep copy (about 35
    ms, most of a point's cost). Every key's parent is a mapping (:func:`_settable`).
    """
    saved: list[tuple[DictConfig, str, Any]] = []
    try:
        for override in changes:
            parent, leaf = _parent(composed, override)
            node = parent._get_node(leaf)  # the raw value: an interpolation stays one
            saved.append((parent, leaf, node._value()))
            OmegaConf.update(composed, override.get_key_element(), override.value(), merge=True)
        yield composed
    except OmegaConfBaseException as exc:
        raise ConfigError.from_message(one_line_error(exc)) from None
    finally:
        for parent, leaf, value in reversed(saved):
            parent[leaf] = value


def _parent(cfg: DictConfig, override: Override) -> tuple[Any, str]:
    """The container holding an override's key, and the key's last part."""
    head, _, leaf = override.get_key_element().rpartition(".")
    return (OmegaConf.select(cfg, head) if head else cfg), leaf


def _settable(composed: DictConfig, override: Override) -> bool:
    """Whether an override only sets the value of a key inside a mapping (not a list item)."""
    return is_value_change(composed, override) and isinstance(
        _parent(composed, override)[0], DictConfig
    )


def iter_run_configs(base: list[str], points: list[list[str]]) -> Iterator[RunConfig]:
    """:func:`compose_run_config` of ``base + point`` for each point, ``base`` composed once.

    A point whose overrides only set values of existing keys is the base's composed config
    with those values set, as Hydra applies a command-line value (``OmegaConf.update``, typed
    by the schema); any other point is composed by Hydra. A composition takes a few tenths of a
    second, more than simulating a point of a few hundred replicates, and a sweep's client would
    otherwise do it once per point before any point runs. ``tests/api/test_api.py`` checks
    that both give the same configs.

    Raises:
        ConfigError: One line naming the key or override, the value and what is allowed, when
            the point it concerns is reached (so a caller can name the point).
    """
    register_configs()
    trust.check_overrides(list(base))
    try:
        composed = _composed(list(base))
        reject_unknown_keys(composed)  # once: a point that only sets values adds no key
        reject_no_op_mappings(composed, list(base))
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError.from_message(one_line_error(exc)) from None
    parser = OverridesParser.create()
    for point in points:
        applied = [*base, *point]
        trust.check_overrides(list(point))
        try:
            changes = parser.parse_overrides(list(point))
        except HydraException:
            changes = []
        if not changes or not all(_settable(composed, o) for o in changes):
            yield compose_run_config(applied)
            continue
        with _values_set(composed, changes) as cfg:
            typed = _typed(cfg, applied, keys_checked=True)
        yield typed


def compose_run_config(overrides: list[str] | None = None) -> RunConfig:
    """Compose ``conf/config.yaml`` with command-line style overrides, convert and validate it.

    The GENIUS files a ``scenario=genius`` config names are read into it first
    (:func:`sim.config.genius.resolve_genius`).

    Args:
        overrides: Hydra overrides, e.g. ``["scenario.linkage=false", "+experiment=x"]``.

    Returns:
        The validated run config.

    Raises:
        ConfigError: One line naming the key or override, the value and what is allowed.
    """
    register_configs()
    trust.check_overrides(list(overrides or []))
    try:
        composed = _composed(list(overrides or []))
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError.from_message(one_line_error(exc)) from None
    return _typed(composed, list(overrides or []))
