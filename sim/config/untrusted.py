"""Config files from outside the project are data: what they may and may not contain.

A scenario, negotiator or protocol file a researcher receives (or writes), an observation or
prior file, a result folder's ``.hydra/config.yaml``: each is read as *values*. None of them may
name code or choose where its values land, because Hydra would act on that before the run starts
(``hydra.callbacks.<x>._target_`` is instantiated, ``# @package _global_`` lets a scenario file
reach ``hydra.*``), and none may read the environment (``${oc.env:TOKEN}`` would copy a secret into
``manifest.json`` and ``.hydra/config.yaml``). The project's own ``conf/`` is trusted; everything
else goes through :func:`check_data` (Hydra's loader calls it for every file it reads from a user
directory, see :mod:`sim.cli.trust`) or :func:`load_data_file`.

Refused, each with one line naming the file and the key:

* a package directive (``# @package ...``) in the file's header, or a defaults-list entry that
  places a config elsewhere (``group@package``) or selects Hydra machinery (``/hydra/...``);
* a key Hydra's ``instantiate`` acts on (:data:`INSTANTIATE_KEYS`) anywhere in the file;
* a top-level ``hydra`` key in a file whose values land at the root;
* an interpolation that calls a resolver other than :data:`ALLOWED_RESOLVERS` (``oc.env``,
  ``oc.decode``, ... ); plain ``${other.key}`` references are fine.

No Hydra imports here (only :mod:`sim.cli` imports Hydra).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from sim.config.errors import ConfigError
from sim.config.yaml_limits import MAX_CONFIG_BYTES, check_yaml_text, load_yaml

#: Keys ``hydra.utils.instantiate`` acts on: a config that holds one names code to run.
INSTANTIATE_KEYS = frozenset({"_target_", "_args_", "_partial_", "_recursive_", "_convert_"})
#: Resolvers a user file or override may call: the clock and Hydra's own run information.
ALLOWED_RESOLVERS = frozenset({"now", "hydra"})
#: ``${name:`` -- a resolver call (``${a.b}`` without a colon is a plain reference).
_RESOLVER_CALL = re.compile(r"\$\{\s*([A-Za-z_][\w.\-]*)\s*:")
_PACKAGE_HEADER = re.compile(r"^\s*#\s*@package\b\s*(\S*)")


def forbidden_resolvers(text: str) -> list[str]:
    """The resolvers ``text`` calls that a user file may not (nested calls included)."""
    return [name for name in _RESOLVER_CALL.findall(text) if name not in ALLOWED_RESOLVERS]


def _refuse(source: str, key: str, why: str) -> ConfigError:
    return ConfigError.from_message(f"{source}: {key}: {why}")


def _walk(node: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
    """Every (dotted path, key, value) in a plain container, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            yield here, key, value
            yield from _walk(value, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            here = f"{path}[{i}]"
            yield here, None, value
            yield from _walk(value, here)


def check_package_directive(source: str, package: str | None) -> None:
    """Refuse a ``# @package`` header (``package`` is what it names, ``None`` if absent)."""
    if package is not None:
        raise _refuse(
            source,
            f"'# @package {package}'",
            "a user config file may not choose where its values land "
            "(package directives are for the project's own conf/)",
        )


def _defaults_entries(defaults: Any) -> Iterator[str]:
    """The text of every defaults-list entry (``"x"``, ``{"group": "x"}`` keys and values)."""
    for entry in defaults if isinstance(defaults, list) else [defaults]:
        if isinstance(entry, dict):
            for key, value in entry.items():
                yield f"{key}: {value}"
        else:
            yield str(entry)


def check_defaults_list(source: str, defaults: Any) -> None:
    """Refuse defaults entries that relocate a config (``@``) or pull in Hydra's groups."""
    for text in _defaults_entries(defaults):
        group = re.sub(r"^(override|optional)\s+", "", text.strip()).lstrip("/")
        if "@" in text.split(":", 1)[0]:
            raise _refuse(
                source,
                f"defaults: {text!r}",
                "a user config file may not place configs in another package ('@')",
            )
        if group == "hydra" or group.startswith("hydra/"):
            raise _refuse(
                source,
                f"defaults: {text!r}",
                "a user config file may not select Hydra's own configs (hydra/...)",
            )


def check_data(data: Any, source: str, *, at_root: bool = False) -> None:
    """Refuse code, Hydra settings and environment lookups in a user file's values.

    Args:
        data: The file's contents as plain containers (``OmegaConf.to_container(resolve=False)``),
            its ``defaults`` list included.
        source: The file, as the error names it.
        at_root: Whether the values land at the root of the config (a primary config), where a
            ``hydra`` key would configure Hydra itself.

    Raises:
        ConfigError: One line naming ``source``, the key and why it is refused.
    """
    if isinstance(data, dict) and "defaults" in data:
        check_defaults_list(source, data["defaults"])
    if at_root and isinstance(data, dict) and "hydra" in data:
        raise _refuse(source, "hydra", "a user config file may not configure Hydra")
    for path, key, value in _walk(data, ""):
        if key in INSTANTIATE_KEYS:
            raise _refuse(
                source,
                path,
                f"a user config file is data and may not name code ({key}); "
                "only the project's own conf/ may",
            )
        if isinstance(value, str) and (names := forbidden_resolvers(value)):
            raise _refuse(
                source,
                path,
                f"resolver {names[0]!r} is not allowed in a user config file "
                f"(allowed: {', '.join(sorted(ALLOWED_RESOLVERS))} and plain ${{key}} references)",
            )


def package_directive(text: str) -> str | None:
    """What a ``# @package`` line in the header comments of ``text`` names (``None``: none).

    Hydra reads the directive from the comment lines at the top of a file; so does this.
    """
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return None
        match = _PACKAGE_HEADER.match(stripped)
        if match:
            return match.group(1)
    return None


def load_data_file(path: Path | str, *, at_root: bool = True) -> DictConfig | ListConfig:
    """Load a YAML file from outside the project as data, refusing what :func:`check_data` does.

    Args:
        path: The file (an observation or prior file, a result folder's ``.hydra/config.yaml``).
        at_root: Whether a top-level ``hydra`` key is refused too (default: yes).

    Returns:
        The file's contents (interpolations unresolved; the allowed ones resolve on access).

    Raises:
        ConfigError: One line naming the file and the key, or the file and why it is unreadable.
    """
    data = load_data(path, at_root=at_root)
    try:
        return OmegaConf.create(data)
    except Exception as exc:  # OmegaConf's errors (a scalar document): one line
        first = " ".join(str(exc).split())[:200]
        raise ConfigError.from_message(f"{path}: not valid YAML: {first}") from None


def load_data(path: Path | str, *, at_root: bool = True) -> Any:
    """:func:`load_data_file` as plain Python data (dicts, lists, scalars), checked the same way.

    For readers that only look values up (the sweep aggregator reads every job's saved config):
    building an OmegaConf node tree costs more than parsing the file.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:  # before reading it into memory
            raise ConfigError.from_message(
                f"{path}: {size:,} bytes; a config file may have at most {MAX_CONFIG_BYTES:,}"
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError.from_message(f"{path}: cannot read it: {exc}") from None
    check_yaml_text(text, str(path))  # alias expansion and syntax, before OmegaConf builds it
    check_package_directive(str(path), package_directive(text))
    try:
        data = load_yaml(text) if text.strip() else {}
    except Exception as exc:  # yaml.YAMLError: one line
        first = " ".join(str(exc).split())[:200]
        raise ConfigError.from_message(f"{path}: not valid YAML: {first}") from None
    data = {} if data is None else data
    if not isinstance(data, dict | list):
        raise ConfigError.from_message(
            f"{path}: not valid YAML: a {type(data).__name__}, not a mapping or a list"
        )
    check_data(data, str(path), at_root=at_root)
    return data
