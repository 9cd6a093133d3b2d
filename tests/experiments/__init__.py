"""Tests of the scripts in ``experiments/`` (loaded by path: they are scripts, not a package)."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from tests.conftest import REPO


def script(name: str) -> ModuleType:
    """Import ``experiments/<name>.py``."""
    spec = importlib.util.spec_from_file_location(
        f"experiments_{name}", REPO / "experiments" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
