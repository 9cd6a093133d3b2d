"""Limits on a YAML config file before it is parsed into values: size and alias expansion.

A YAML file is small on disk but not necessarily in memory: nine anchors of nine aliases each
expand to 9**9 (387 million) nodes (the "billion laughs"), and a 50 MB string takes minutes to go
through OmegaConf. So a config file is refused, with one line, when it is larger than
:data:`MAX_CONFIG_BYTES` or when its aliases would expand it to more than
:data:`MAX_EXPANDED_NODES` nodes; the count comes from the parser's event stream, which never
expands an alias. Syntax errors (tabs, an unclosed bracket, a duplicate key, a ``!!python`` tag)
are described in one line with the file, line and column (:func:`describe_yaml_error`).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import yaml
from omegaconf._utils import get_yaml_loader

from sim.config.errors import ConfigError

#: Largest config file read (bytes): a scenario with thousands of options is a few hundred kB.
MAX_CONFIG_BYTES = 8 * 1024 * 1024
#: Most nodes a file may stand for once its aliases are expanded.
MAX_EXPANDED_NODES = 1_000_000


def describe_yaml_error(exc: yaml.YAMLError, source: str) -> str:
    """One line: the file, the line and column, and what the parser found."""
    where = source
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            where = f"{source}:{mark.line + 1}:{mark.column + 1}"
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
    else:
        what = str(exc)
    what = " ".join(what.split())
    return f"{where}: not valid YAML: {what}"


#: libyaml's parser where PyYAML was built with it: the same events, about ten times faster.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _events(text: str) -> list[yaml.Event]:
    """The document's parser events; a syntax error as the pure-Python parser words it."""
    try:
        return list(yaml.parse(text, Loader=_FAST_LOADER))
    except yaml.YAMLError:
        if _FAST_LOADER is yaml.SafeLoader:
            raise
    return list(yaml.parse(text, Loader=yaml.SafeLoader))  # raises, with the usual message


def _expanded_nodes(text: str) -> int:
    """Nodes of the document with every alias expanded, counted without expanding any."""
    sizes: dict[str, int] = {}  # anchor -> expanded size of its node
    stack: list[tuple[str | None, int]] = []  # open collections: (anchor, nodes so far)
    total = 0

    def add(n: int) -> None:
        nonlocal total
        if stack:
            anchor, count = stack[-1]
            stack[-1] = (anchor, count + n)
        else:
            total += n

    for event in _events(text):
        if isinstance(event, yaml.AliasEvent):
            add(sizes.get(event.anchor or "", 1))
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor:
                sizes[event.anchor] = 1
            add(1)
        elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            stack.append((event.anchor, 1))
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            anchor, count = stack.pop()
            if anchor:
                sizes[anchor] = count
            add(count)
        if total + sum(c for _, c in stack) > MAX_EXPANDED_NODES:
            return total + sum(c for _, c in stack)
    return total


def check_yaml_file(path: str | Path, source: str | None = None) -> None:
    """Refuse a config file that is too large, expands too far, or is not valid YAML.

    Raises:
        ConfigError: One line naming the file and the limit or the syntax error.
    """
    text = read_yaml_file(path, source)
    if text is not None:
        check_yaml_text(text, source or str(path))


def read_yaml_file(path: str | Path, source: str | None = None) -> str | None:
    """A config file's text, refused (one line) when too large or not UTF-8; ``None`` if absent.

    Raises:
        ConfigError: One line naming the file and the size limit or the encoding error.
    """
    name = source or str(path)
    try:
        size = os.path.getsize(path)
    except OSError:
        return None  # a missing file is reported by whoever reads it
    if size > MAX_CONFIG_BYTES:
        raise ConfigError.from_message(
            f"{name}: {size:,} bytes; a config file may have at most {MAX_CONFIG_BYTES:,}"
        )
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError.from_message(f"{name}: not UTF-8 text ({exc.reason})") from None
    except OSError:
        return None


def check_yaml_text(text: str, source: str) -> None:
    """:func:`check_yaml_file` for text already read."""
    if len(text) > MAX_CONFIG_BYTES:
        raise ConfigError.from_message(
            f"{source}: {len(text):,} characters; a config file may have at most "
            f"{MAX_CONFIG_BYTES:,}"
        )
    try:
        nodes = _expanded_nodes(text)
    except yaml.YAMLError as exc:
        raise ConfigError.from_message(describe_yaml_error(exc, source)) from None
    if nodes > MAX_EXPANDED_NODES:
        raise ConfigError.from_message(
            f"{source}: its aliases (*name) expand to more than {MAX_EXPANDED_NODES:,} values; "
            "refused (a YAML alias bomb?)"
        )


@functools.cache
def _omegaconf_loaders() -> tuple[type, type]:
    """OmegaConf's YAML loader, and the same rules on libyaml's parser (if PyYAML has it).

    OmegaConf's loader is PyYAML's safe loader with its own float syntax (``1e-3``), no
    timestamps and no duplicate keys; the fast twin takes over exactly those rules.
    """
    pure = get_yaml_loader()
    if _FAST_LOADER is yaml.SafeLoader:
        return pure, pure

    class FastOmegaConfLoader(_FAST_LOADER):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
            keys = set()
            for key_node, _ in node.value:
                if key_node.tag != yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG:
                    continue
                if key_node.value in keys:  # OmegaConf's own check; the error is the pure one's
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark, "duplicate key"
                    )
                keys.add(key_node.value)
            return super().construct_mapping(node, deep=deep)

    FastOmegaConfLoader.yaml_implicit_resolvers = {
        k: list(v) for k, v in pure.yaml_implicit_resolvers.items()
    }
    FastOmegaConfLoader.yaml_constructors = dict(pure.yaml_constructors)
    return pure, FastOmegaConfLoader


def load_yaml(text: str) -> Any:
    """``text`` parsed exactly as ``OmegaConf.load`` parses a file, on libyaml when available.

    Raises:
        yaml.YAMLError: As OmegaConf's own loader words it (the fast parser's errors are
            re-raised by the pure-Python one).
    """
    pure, fast = _omegaconf_loaders()
    try:
        return yaml.load(text, Loader=fast)  # a safe loader: builds no Python objects
    except yaml.YAMLError:
        if fast is pure:
            raise
    return yaml.load(text, Loader=pure)  # raises, in OmegaConf's words
