"""The trust boundary of the command line and the Python API: only ``conf/`` may name code.

Hydra acts on what a config says before a run starts: it instantiates ``hydra.callbacks``, builds
loggers from ``hydra.job_logging``, imports the modules of ``pkg://`` search paths, and lets a
file's ``# @package _global_`` header put its values anywhere, ``hydra.*`` included. That is
right for the project's own ``conf/`` (reviewed code, like ``sim/``) and wrong for a scenario file
somebody sent. So:

* **Trusted**: the project's ``conf/`` directory (:data:`CONF_DIR`), Hydra's own configs and
  those of the installed Hydra plugins, and the dataclass schemas.
* **User files** (data): every config file Hydra reads from any other directory, however it got
  on the search path (``--config-dir DIR``, ``hydra.searchpath=[DIR]``). Hydra reads files
  through a registry of config sources by scheme; :class:`FileConfigSource` replaces the
  ``file://`` source and checks each user file as it is loaded, before anything acts on it
  (:func:`sim.config.untrusted.check_data`): no package directive, no ``_target_``-style key, no
  Hydra group, no resolver but ``now`` and ``hydra``. This covers every composition: the run, each
  job of a sweep, ``sim.simulate`` and ``sim.sweep``.
* **Overrides** (:func:`check_overrides`): the same rules, and of Hydra's own settings only those
  in :data:`HYDRA_OVERRIDES` (run and sweep folders, search path, launcher parameters, sweep
  parameters). ``hydra.callbacks``, ``hydra.job_logging``, ``hydra.job.env_set`` and the like stay
  what ``conf/`` says.
* **Command-line flags** (:func:`check_command_line`): the primary config is always
  ``conf/config.yaml`` (``--config-path``/``--config-name`` are refused: a replaced primary config
  could drop the run-directory lock), and ``--experimental-rerun`` (which unpickles a file) is
  refused.

Every refusal is a :class:`sim.config.errors.ConfigError` with one line naming the file or the
override and the key.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import functools
import os
import re
import typing
from pathlib import Path
from typing import Any, NoReturn

import yaml
from hydra._internal.core_plugins.file_config_source import (
    FileConfigSource as HydraFileConfigSource,
)
from hydra._internal.sources_registry import SourcesRegistry
from hydra._internal.utils import get_args_parser
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from hydra.core.plugins import Plugins
from hydra.plugins.config_source import ConfigLoadError, ConfigResult, ConfigSource
from omegaconf import OmegaConf

from sim.config.errors import ConfigError
from sim.config.schema import RunConfig
from sim.config.strict import check_types, type_at
from sim.config.untrusted import (
    INSTANTIATE_KEYS,
    check_data,
    check_package_directive,
    forbidden_resolvers,
)
from sim.config.yaml_limits import (
    check_yaml_text,
    describe_yaml_error,
    load_yaml,
    read_yaml_file,
)

#: The project's own config directory (``conf/`` next to the ``sim`` package): trusted.
CONF_DIR = Path(__file__).resolve().parents[2] / "conf"
#: The primary config; always the project's own.
PRIMARY_CONFIG = "config"

#: Hydra settings an override may change: exact keys, and prefixes ending in ``.``.
HYDRA_OVERRIDES = (
    "hydra.run.dir",
    "hydra.sweep.dir",
    "hydra.sweep.subdir",
    "hydra.searchpath",
    "hydra.job.chdir",
    "hydra.verbose",
    "hydra.mode",
    "hydra.launcher.",  # parameters of the project's launchers (n_jobs, partition, ...)
    "hydra.sweeper.params.",
)
#: Hydra config groups an override may choose from (their files are checked as they load).
HYDRA_GROUPS = ("hydra/launcher", "hydra/sweeper", "hydra/job_logging", "hydra/hydra_logging")


def _same_dir(a: str | Path, b: str | Path) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


class FileConfigSource(HydraFileConfigSource):
    """Hydra's ``file://`` config source, checking every file outside :data:`CONF_DIR` as data.

    It keeps the name of the class it replaces: Hydra re-registers its own sources when a worker
    process restores Hydra's state (the joblib and submitit launchers do), and keeps a registered
    source whose class has the same name instead of failing.
    """

    def __init__(self, provider: str, path: str) -> None:
        super().__init__(provider=provider, path=path)
        self.trusted = _same_dir(self.path, CONF_DIR)

    def load_config(self, config_path: str) -> ConfigResult:
        """Load a config; refuse a user file that names code, Hydra settings or the environment.

        Every file (the project's too) is size- and alias-checked first, and a YAML error is
        one line naming the file, line and column (:mod:`sim.config.yaml_limits`). What a file's
        text parses to is remembered (:func:`_checked_yaml`): a sweep composes every job from the
        same files, and only a changed file is read and checked again.
        """
        file = os.path.realpath(os.path.join(self.path, self._normalize_file_name(config_path)))
        text = read_yaml_file(file)  # the size limit before the whole file is read
        if text is None:
            raise ConfigLoadError(f"Config not found : {file}")
        group = config_path.rpartition("/")[0].strip("/")
        check = _checked_yaml if len(text) <= _CACHED_TEXT_CHARS else _checked_yaml.__wrapped__
        header, data = check(file, text, None if self.trusted else group)
        return ConfigResult(
            # a fresh copy per composition: Hydra pops the defaults list from what it loads
            config=OmegaConf.create(copy.deepcopy(data)),
            path=f"{self.scheme()}://{self.path}",
            provider=self.provider,
            header=dict(header),
        )


#: Largest file text :func:`_checked_yaml` remembers (the project's files are a few kB each).
_CACHED_TEXT_CHARS = 1 << 20


@functools.lru_cache(maxsize=256)
def _checked_yaml(
    file: str, text: str, user_group: str | None
) -> tuple[dict[str, str | None], Any]:
    """A config file's header and its parsed YAML, checked as a user file unless trusted.

    A pure function of the file's name, text and group (``None``: a trusted file), so its
    result is cached; a refusal raises and is not cached.

    Raises:
        ConfigError: A YAML error (one line with the file, line and column) or a user file that
            names code, configures Hydra or breaks the schema's types.
    """
    check_yaml_text(text, file)  # alias expansion and syntax, before the values are built
    header = ConfigSource._get_header_dict(text[:512])
    try:
        data = load_yaml(text)  # as OmegaConf.load parses a file
    except yaml.YAMLError as exc:
        raise ConfigError.from_message(describe_yaml_error(exc, file)) from None
    if data is not None and not isinstance(data, list | dict | str):
        raise ConfigError.from_message(f"{file}: not a YAML mapping ({type(data).__name__})")
    data = {} if data is None else data
    if user_group is not None:
        group = user_group
        if group == "hydra" or group.startswith("hydra/"):
            raise ConfigError.from_message(
                f"{file}: {group}: a user config file may not configure Hydra "
                "(launchers and callbacks come from the project's conf/ only)"
            )
        check_package_directive(file, header.get("package"))
        plain = OmegaConf.to_container(OmegaConf.create(copy.deepcopy(data)), resolve=False)
        check_data(plain, file, at_root=not group)
        _check_file_types(plain, group, file)
    return header, data


def _check_file_types(data: Any, group: str, file: str) -> None:
    """Check a user file's values against the schema of the place its group puts them."""
    schema = type_at(RunConfig, group.replace("/", ".")) if group else RunConfig
    if isinstance(data, dict):  # the defaults list is Hydra's, not a value of the schema
        data = {k: v for k, v in data.items() if k != "defaults"}
    try:
        check_types(data, schema, group.replace("/", "."))
    except ConfigError as exc:
        raise ConfigError.from_message(f"{file}: {exc}") from None


def install() -> None:
    """Make Hydra read ``file://`` config directories through :class:`FileConfigSource`.

    Hydra registers its config sources when it first scans its plugins; the scan runs first, and
    a later scan keeps this source (see :class:`FileConfigSource`).
    """
    Plugins.instance()
    SourcesRegistry.instance().types[FileConfigSource.scheme()] = FileConfigSource


def _refuse(line: str, why: str) -> ConfigError:
    return ConfigError.from_message(f"override {line!r}: {why}")


def _hydra_override_allowed(key: str) -> bool:
    for allowed in HYDRA_OVERRIDES:
        prefix = allowed.endswith(".")
        if key == allowed.rstrip(".") or (prefix and key.startswith(allowed)):
            return True
    return False


#: :data:`HYDRA_OVERRIDES` as the refusal message lists them (``hydra.launcher.*``, ...).
_ALLOWED_TEXT = ", ".join(a + "*" if a.endswith(".") else a for a in HYDRA_OVERRIDES)


def _check_search_path(override: Override, line: str) -> None:
    value = override.value()
    entries = value if isinstance(value, list) else [value]
    for entry in entries:
        text = str(entry)
        if "://" in text and not text.startswith("file://"):
            raise _refuse(
                line,
                f"search path {text!r}: only directories (file://) may be added; "
                "a pkg:// path imports a Python package",
            )


def _check_override_type(override: Override, key: str) -> None:
    """An override's value has its field's type (``scenario.linkage=1`` is refused)."""
    if "/" in key or override.is_sweep_override() or override.is_delete():
        return
    schema, value = type_at(RunConfig, key), override.value()
    choosing_a_config = (
        "." not in key
        and isinstance(value, str)
        and (dataclasses.is_dataclass(schema) or typing.get_origin(schema) is dict)
    )  # scenario=NAME, negotiator=NAME: a config group, not a value
    if not choosing_a_config:
        check_types(value, schema, key)


def check_override(override: Override) -> None:
    """Refuse one parsed override that names code, a package, the environment or Hydra."""
    line = override.input_line or override.key_or_group
    key = override.key_or_group
    if override.package is not None:
        raise _refuse(
            line,
            f"a package directive (@{override.package}) cannot come from an override; "
            "only the project's own conf/ places configs",
        )
    if not key.strip():
        raise _refuse(line, "the key is empty (write key=value)")
    elements = re.split(r"[./]", key)
    if names := [e for e in elements if e in INSTANTIATE_KEYS]:
        raise _refuse(line, f"an override may not name code ({names[0]})")
    if names := forbidden_resolvers(line):
        raise _refuse(line, f"resolver {names[0]!r} is not allowed in an override")
    if elements[0] != "hydra":
        _check_override_type(override, key)
        return
    if "/" in key.split(".")[0]:  # a config group under hydra/
        if key not in HYDRA_GROUPS or override.is_delete():
            groups = ", ".join(HYDRA_GROUPS)
            raise _refuse(line, f"Hydra's config groups that may be chosen: {groups}")
        return
    if override.is_delete() or not _hydra_override_allowed(key):
        why = f"{key} stays what the project's conf/ says (may be set: {_ALLOWED_TEXT})"
        raise _refuse(line, why)
    if key == "hydra.searchpath":
        _check_search_path(override, line)


def check_overrides(overrides: list[str]) -> None:
    """Refuse overrides that name code, a package, the environment or Hydra internals.

    Raises:
        ConfigError: One line naming the override and why it is refused. An override Hydra cannot
            parse is left for Hydra to report.
    """
    try:
        parsed = OverridesParser.create().parse_overrides(list(overrides))
    except Exception:  # Hydra reports a parse error itself, in its own words
        return
    for override in parsed:
        check_override(override)


class _ArgumentsRefused(Exception):
    pass


def _raise(message: str) -> NoReturn:
    raise _ArgumentsRefused(message)


def _parse_args(argv: list[str]) -> argparse.Namespace | None:
    """Hydra's own reading of the command line; ``None`` where Hydra answers itself (``--help``).

    Raises:
        ConfigError: A malformed command line, in one line instead of Hydra's usage text.
    """
    parser = get_args_parser()
    parser.error = _raise  # type: ignore[method-assign]  # one line below, not the usage text
    try:
        return parser.parse_args(argv)
    except _ArgumentsRefused as exc:
        hint = ""
        if "unrecognized arguments" in str(exc):
            hint = " (options such as --config-dir and -m go before the overrides)"
        raise ConfigError.from_message(f"command line: {exc}{hint}") from None
    except SystemExit:
        return None


def check_command_line(argv: list[str]) -> None:
    """Refuse flags that replace the primary config or unpickle a file, and bad overrides.

    Args:
        argv: The arguments after the program name (``sys.argv[1:]``).

    Raises:
        ConfigError: One line naming the flag or the override.
    """
    args = _parse_args(argv)
    if args is None:
        return
    if args.config_path is not None or args.config_name not in (None, PRIMARY_CONFIG):
        flag = "--config-path" if args.config_path is not None else "--config-name"
        raise ConfigError.from_message(
            f"{flag}: the primary config is always the project's conf/{PRIMARY_CONFIG}.yaml; "
            "add a directory of your own scenario files with --config-dir DIR"
        )
    if args.experimental_rerun is not None:
        raise ConfigError.from_message(
            "--experimental-rerun: not supported (it unpickles a file, which can run code)"
        )
    check_overrides(list(args.overrides))
