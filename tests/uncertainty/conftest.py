"""Fixtures of the uncertainty tests: the default config, composed once for the folder."""

from __future__ import annotations

import pytest

from sim.config.schema import RunConfig
from tests.conftest import compose_run_config


@pytest.fixture(scope="package")
def base_cfg() -> RunConfig:
    return compose_run_config(["n_replicates=200", "progress=false"])
