"""Config files from outside ``conf/`` are data: the payloads of issue 18 never run.

Each payload is a callable Hydra's ``instantiate`` would call (it is checked to be live: called
directly, it creates its marker file). Delivered through a user scenario file with
``# @package _global_``, a user file without a header, command-line overrides, or a user launcher
file, it is refused with one line naming the file (or override) and the key; the marker is never
created and no run or sweep directory is written.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hydra.utils import instantiate
from omegaconf import OmegaConf

import sim
from sim.cli import trust
from sim.config.errors import ConfigError
from sim.config.untrusted import load_data_file
from sim.runs.aggregate import aggregate, load_run_or_sweep, write_aggregate
from sim.runs.replay import ReplayError, load_run_config
from tests.conftest import run_cli

PAYLOADS = (
    "pandas.read_pickle",
    "builtins.open",
    "shutil.copyfile",
    "pathlib.Path.touch",
    "logging.FileHandler",
    "sim.runs.files.write_json",
)


class MkdirOnUnpickle:
    """A pickle whose loading creates a directory: what a malicious pickle would do, harmlessly."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.mkdir, (self.path,))


def payload(target: str, marker: Path, workdir: Path) -> dict[str, Any]:
    """The ``instantiate`` config of one payload: calling it creates ``marker``."""
    if target == "pandas.read_pickle":
        pickled = workdir / f"{marker.name}.pkl"
        pickled.write_bytes(pickle.dumps(MkdirOnUnpickle(marker)))
        return {"_target_": target, "filepath_or_buffer": str(pickled)}
    if target == "builtins.open":
        return {"_target_": target, "file": str(marker), "mode": "w"}
    if target == "shutil.copyfile":
        source = workdir / "source.txt"
        source.write_text("copied\n")
        return {"_target_": target, "src": str(source), "dst": str(marker)}
    if target == "pathlib.Path.touch":
        return {"_target_": target, "self": str(marker)}
    if target == "logging.FileHandler":
        return {"_target_": target, "filename": str(marker)}
    assert target == "sim.runs.files.write_json"
    return {
        "_target_": target,
        "path": {"_target_": "pathlib.Path", "_args_": [str(marker)]},
        "data": {"pwned": True},
    }


@pytest.mark.parametrize("target", PAYLOADS)
def test_every_payload_is_live_when_instantiated_directly(target: str, tmp_path: Path) -> None:
    # the control: Hydra's instantiate does run these, so a refusal below is what saves us
    marker = tmp_path / "control"
    result = instantiate(OmegaConf.create(payload(target, marker, tmp_path)))
    if hasattr(result, "close"):
        result.close()
    assert marker.exists()


def write_yaml(path: Path, data: Any, header: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + yaml.safe_dump(data, sort_keys=False))
    return path


def as_overrides(prefix: str, data: dict[str, Any]) -> list[str]:
    """``+prefix.key=value`` overrides that build ``data`` (nested mappings flattened)."""
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out += as_overrides(f"{prefix}.{key}", value)
        else:
            text = json.dumps(value) if not isinstance(value, str) else f"'{value}'"
            out.append(f"+{prefix}.{key}={text}")
    return out


def deliver(how: str, target: str, tmp_path: Path) -> tuple[list[str], str, str]:
    """Command-line arguments carrying the payload; the file/override and key the error names."""
    user = tmp_path / "user_conf"
    marker = tmp_path / "marker"
    body = payload(target, marker, tmp_path)
    if how == "global_header":  # the scenario file
        path = write_yaml(
            user / "scenario" / "shared.yaml",
            {"hydra": {"callbacks": {"payload": body}}},
            header="# @package _global_\n",
        )
        return ["--config-dir", str(user), "scenario=shared"], str(path), "# @package _global_"
    if how == "no_header":  # a plausible scenario that also carries a _target_
        data = {"defaults": ["canada_us_2025", "_self_"], "notes": {"payload": body}}
        path = write_yaml(user / "scenario" / "shared.yaml", data)
        return ["--config-dir", str(user), "scenario=shared"], str(path), "notes.payload._target_"
    if how == "override":
        args = as_overrides("hydra.callbacks.payload", body)
        return args, args[0], "_target_"
    assert how == "launcher_file"
    path = write_yaml(user / "hydra" / "launcher" / "shared.yaml", body)
    args = ["-m", "--config-dir", str(user), "hydra/launcher=shared", "seed=1,2"]
    return args, str(path), "hydra/launcher"


@pytest.mark.parametrize("how", ["global_header", "no_header", "override", "launcher_file"])
@pytest.mark.parametrize("target", PAYLOADS)
def test_a_payload_never_runs_and_nothing_is_written(
    target: str, how: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, where, key = deliver(how, target, tmp_path)
    run, sweep = tmp_path / "run", tmp_path / "sweep"
    status = run_cli(*args, "n_replicates=10", f"hydra.run.dir={run}", f"hydra.sweep.dir={sweep}")
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2
    assert len(lines) == 1, err
    assert lines[0].startswith("config error: ") and where in lines[0] and key in lines[0]
    assert not (tmp_path / "marker").exists()  # the payload did not run
    assert not run.exists() and not sweep.exists()  # nothing was written


def user_scenario(tmp_path: Path, name: str, extra: dict[str, Any]) -> Path:
    user = tmp_path / "user_conf"
    data = {"defaults": ["canada_us_2025", "_self_"], **extra}
    write_yaml(user / "scenario" / f"{name}.yaml", data)
    return user


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_an_honest_user_scenario_file_runs(tmp_path: Path) -> None:
    user = user_scenario(tmp_path, "no_linkage", {"linkage": False})
    run = tmp_path / "run"
    args = ["--config-dir", str(user), "scenario=no_linkage", "n_replicates=20", "progress=false"]
    assert run_cli(*args, f"hydra.run.dir={run}") == 0
    assert OmegaConf.load(run / ".hydra" / "config.yaml").scenario.linkage is False
    # the same file through Hydra's search path, from Python
    result = sim.simulate(
        overrides=[f"hydra.searchpath=[file://{user}]", "scenario=no_linkage"], n_replicates=20
    )
    assert result.config.scenario.linkage is False


def test_the_python_api_refuses_the_same_files(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    user = tmp_path / "user_conf"
    write_yaml(
        user / "scenario" / "shared.yaml",
        {"hydra": {"callbacks": {"payload": payload("pathlib.Path.touch", marker, tmp_path)}}},
        header="# @package _global_\n",
    )
    with pytest.raises(ConfigError, match=r"shared\.yaml: '# @package _global_'"):
        sim.simulate(overrides=[f"hydra.searchpath=[file://{user}]", "scenario=shared"])
    with pytest.raises(ConfigError, match=r"hydra\.callbacks"):
        sim.simulate(overrides=["+hydra.callbacks.x.self=/tmp/x"])
    assert not marker.exists()


SECRET = "sim-test-secret-4f1c9"


def files_containing(root: Path, text: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


@pytest.mark.parametrize("where", ["user_file", "override"])
def test_environment_variables_never_reach_written_files(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SIM_TEST_TOKEN", SECRET)
    run = tmp_path / "run"
    if where == "user_file":
        user = user_scenario(tmp_path, "leaky", {"name": "${oc.env:SIM_TEST_TOKEN}"})
        args = ["--config-dir", str(user), "scenario=leaky"]
    else:
        args = ["scenario.name=${oc.env:SIM_TEST_TOKEN}"]
    assert run_cli(*args, "n_replicates=10", f"hydra.run.dir={run}") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "'oc.env' is not allowed" in err
    assert not run.exists() and not files_containing(tmp_path, SECRET)


@pytest.mark.parametrize(
    ("argument", "names"),
    [
        ("hydra.searchpath=[pkg://antigravity]", "pkg://"),  # would import a package
        ("hydra.job_logging.handlers.file.filename=/tmp/x.log", "hydra.job_logging"),
        ("hydra.job.env_set.LD_PRELOAD=/tmp/x.so", "hydra.job.env_set"),
        ("~hydra.callbacks.run_directory", "hydra.callbacks"),  # would drop the lock
        ("+scenario@_global_=canada_us_2025", "package directive"),
        ("hydra/callbacks=anything", "config groups"),
        ("scenario.name=${oc.decode:x}", "oc.decode"),
    ],
)
def test_overrides_that_reach_hydra_or_code_are_refused(argument: str, names: str) -> None:
    with pytest.raises(ConfigError) as info:
        trust.check_overrides([argument])
    message = str(info.value)
    assert "\n" not in message and names in message and argument in message


def test_overrides_users_need_still_pass() -> None:
    trust.check_overrides(
        [
            "hydra.run.dir=results/x/${now:%H-%M}",
            "hydra.sweep.dir=/tmp/sweep",
            "hydra/launcher=local_joblib",
            "hydra.launcher.n_jobs=2",
            "hydra.searchpath=[file:///tmp/conf,/tmp/other]",
            "+experiment=keystone_linkage",
            "scenario.linkage=true,false",
            "negotiator.canada.strategy=boulware",
        ]
    )


@pytest.mark.parametrize(
    ("flags", "names"),
    [
        (["--config-path", "/tmp"], "--config-path"),
        (["--config-name", "other"], "--config-name"),
        (["--experimental-rerun", "/tmp/config.pickle"], "--experimental-rerun"),
    ],
)
def test_flags_that_replace_the_config_or_unpickle_are_refused(
    flags: list[str], names: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(*flags, "n_replicates=10") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"config error: {names}") and "\n" not in err


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_sweep_over_user_files_is_refused_before_any_job_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    user = user_scenario(tmp_path, "honest", {"linkage": False})
    user_scenario(tmp_path, "leaky", {"name": "${oc.env:HOME}"})
    sweep = tmp_path / "sweep"
    args = ["-m", "--config-dir", str(user), "scenario=honest,leaky", "n_replicates=10"]
    assert run_cli(*args, f"hydra.sweep.dir={sweep}") == 2
    assert "leaky.yaml: name: resolver 'oc.env'" in capsys.readouterr().err
    assert not any((p / ".hydra").exists() for p in sweep.glob("*"))  # no job started


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("# @package _global_\nseed: 1\n", "# @package _global_"),
        ("a:\n  b:\n    _target_: os.system\n", "a.b._target_"),
        ("hydra:\n  run:\n    dir: x\n", "hydra"),
        ("a: ${oc.env:HOME}\n", "'oc.env'"),
        ("a: [1, 2\n", "not valid YAML"),
        ("defaults:\n  - /scenario@_global_: x\n", "defaults"),
    ],
)
def test_data_files_are_read_as_data(text: str, names: str, tmp_path: Path) -> None:
    path = tmp_path / "observations.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_data_file(path)
    assert str(path) in str(info.value) and names in str(info.value)
    assert "\n" not in str(info.value)


def test_a_plain_data_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "priors.yaml"
    path.write_text("beta: {low: 0.1, high: 5}\nlabel: ${beta.low}\nwhen: ${now:%Y}\n")
    loaded = load_data_file(path)
    assert loaded.beta.high == 5 and loaded.label == 0.1


def test_a_result_folder_is_read_as_data(
    run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a shared folder whose saved config would pull a secret out of the reader's environment
    monkeypatch.setenv("SIM_TEST_TOKEN", SECRET)
    folder = tmp_path / "shared"
    shutil.copytree(run_dir, folder)
    config = folder / ".hydra" / "config.yaml"
    leaky = config.read_text().replace("name: canada_us_2025", "name: ${oc.env:SIM_TEST_TOKEN}", 1)
    assert "oc.env" in leaky
    config.write_text(leaky)
    with pytest.raises(ReplayError, match=r"'oc\.env' is not allowed"):
        load_run_config(folder)
    (record,) = load_run_or_sweep(folder)
    assert record.status == "failed" and "'oc.env' is not allowed" in record.error["message"]
    write_aggregate(aggregate([record]), tmp_path / "out")
    assert not files_containing(tmp_path / "out", SECRET)


def test_the_checked_source_survives_hydra_restoring_its_state_in_a_worker() -> None:
    # the joblib and submitit launchers restore Hydra's singletons in each worker process,
    # which scans the plugins again: the checked source must stay (and not make that fail)
    from hydra._internal.sources_registry import SourcesRegistry
    from hydra.core.singleton import Singleton

    Singleton.set_state(Singleton.get_state())
    assert SourcesRegistry.instance().resolve("file") is trust.FileConfigSource
