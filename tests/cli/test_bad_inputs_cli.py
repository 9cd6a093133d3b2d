"""Bad inputs to the command lines: one line on stderr, a non-zero exit, no traceback.

``python -m sim`` (in process, :func:`tests.conftest.run_cli`), ``python -m sim replay`` on broken
run directories, and the scripts of ``experiments/`` on missing, truncated or garbage input and an
``--out`` that is a file. The config classes themselves are tabled in
``tests/config/test_bad_inputs.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.cli.replay import main as replay_main
from sim.runs.schema import CONFIG_FILE, OUTCOMES_FILE
from tests.conftest import run_cli
from tests.experiments import script


def assert_one_line(captured: pytest.CaptureResult[str]) -> str:
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err and "usage:" not in captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["=5"], "empty"),
        (["scenario.deadline=${nope}"], "nope"),  # resolved in the job: no "Error executing job"
        (["scenario.deadline=9999-12-31"], "scenario.deadline"),
        (["-m", "seed=range(1"], "cannot parse override"),
        (["+scenario.foo=1"], "scenario.foo"),
    ],
)
@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_run_command_mistakes_are_one_line(
    args: list[str], named: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = "hydra.sweep.dir" if "-m" in args else "hydra.run.dir"
    status = run_cli(*args, "n_replicates=2", f"{where}={tmp_path / 'out'}")
    assert status == 2
    assert named in assert_one_line(capsys.readouterr())
    assert not (tmp_path / "out" / OUTCOMES_FILE).exists()  # nothing half-written


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_run_dir_that_is_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "a_file"
    target.write_text("mine")
    assert run_cli("n_replicates=2", f"hydra.run.dir={target}") == 2
    assert str(target) in assert_one_line(capsys.readouterr())
    assert target.read_text() == "mine"


@pytest.fixture
def broken_run(run_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    return copy


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:300])


def _garbage(path: Path) -> None:
    path.write_bytes(b"PAR1 this is not a parquet file")


def _broken_yaml(path: Path) -> None:
    path.write_text("scenario: [unclosed\n")


def _list_yaml(path: Path) -> None:
    path.write_text("- a\n- b\n")


@pytest.mark.parametrize(
    ("file", "damage", "named"),
    [
        (OUTCOMES_FILE, _truncate, "outcomes.parquet"),
        (OUTCOMES_FILE, _garbage, "outcomes.parquet"),
        (CONFIG_FILE, _broken_yaml, "config.yaml"),
        (CONFIG_FILE, _list_yaml, "config.yaml"),
    ],
)
@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_replay_of_a_damaged_run_is_one_line(
    broken_run: Path, file: str, damage, named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    damage(broken_run / file)
    assert replay_main([str(broken_run), "--replicate", "3"]) == 2
    assert named in assert_one_line(capsys.readouterr())
    assert not (broken_run / "replay_3").exists()


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--replicate", "99999999999999999999"], "--replicate"),
        (["--replicate", "100000"], "not in this run"),
    ],
)
@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_replay_of_a_replicate_that_does_not_exist(
    run_dir: Path, extra: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert replay_main([str(run_dir), *extra]) == 2
    assert named in assert_one_line(capsys.readouterr())


def test_replay_out_that_is_a_file(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "a_file"
    target.write_text("mine")
    assert replay_main([str(run_dir), "--replicate", "3", "--out", str(target)]) == 2
    assert "--out" in assert_one_line(capsys.readouterr())
    assert target.read_text() == "mine"


SCRIPTS = [
    "aggregate",
    "fig_heatmap",
    "fig_likelihood_vs_param",
    "fig_tariff_distributions",
    "fig_time_to_deal",
    "tournament",
]


def _inputs(tmp_path: Path, run_dir: Path) -> dict[str, Path]:
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    truncated = tmp_path / "truncated"
    shutil.copytree(run_dir, truncated)
    _truncate(truncated / OUTCOMES_FILE)
    garbage = tmp_path / "garbage"
    shutil.copytree(run_dir, garbage)
    (garbage / "summary.json").write_text("garbage{{")
    return {
        "missing": tmp_path / "missing",
        "a_file": a_file,
        "truncated": truncated,
        "garbage": garbage,
    }


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
@pytest.mark.parametrize("name", SCRIPTS)
def test_scripts_answer_bad_input_in_one_line(
    name: str, run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main = script(name).main
    inputs = _inputs(tmp_path, run_dir)
    for kind, path in inputs.items():
        status = main([str(path), "--out", str(tmp_path / f"out_{kind}")])
        captured = capsys.readouterr()
        assert status != 0, kind
        assert "Traceback" not in captured.err, kind
        errors = [line for line in captured.err.splitlines() if line.startswith("error:")]
        assert len(errors) <= 1, (kind, captured.err)
    status = main([str(run_dir), "--out", str(inputs["a_file"])])
    assert status == 2
    assert "--out" in assert_one_line(capsys.readouterr())
    assert inputs["a_file"].read_text() == "x"
