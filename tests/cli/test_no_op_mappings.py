"""``key={}`` on a mapping that holds entries: Hydra merges it, so it would change nothing.

A user writing ``scenario.coordinators={}`` means "no coordinators"; the run is refused with one
line instead of quietly keeping Sabia (stop 22 found a test that had relied on it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.compose import compose_run_config
from sim.config.errors import ConfigError
from tests.cli.test_bad_inputs_cli import assert_one_line
from tests.conftest import run_cli

EMPTY = "scenario.coordinators={}"


def test_the_python_api_refuses_an_empty_mapping_over_entries() -> None:
    with pytest.raises(
        ConfigError, match=r"scenario\.coordinators=\{\}.*\(sabia\).*change nothing"
    ):
        compose_run_config([EMPTY])


def test_a_mapping_with_entries_still_merges_and_an_empty_one_on_an_empty_key_is_fine() -> None:
    cfg = compose_run_config(["scenario.coordinators={sabia: {mandate_momentum: 0.0}}"])
    assert cfg.scenario.coordinators["sabia"].mandate_momentum == 0.0
    assert compose_run_config(["scenario.events=[]"]).scenario.events == []


@pytest.mark.parametrize("mode", ["run", "sweep"])
def test_the_command_line_refuses_it_in_one_line_and_leaves_no_folder(
    mode: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = (
        ["-m", "seed=1,2", f"hydra.sweep.dir={out}"]
        if mode == "sweep"
        else [f"hydra.run.dir={out}"]
    )
    assert run_cli(*args, EMPTY, "n_replicates=5") == 2  # -m before the overrides
    line = assert_one_line(capsys.readouterr())
    assert EMPTY in line and "sabia" in line
    assert not out.exists()
