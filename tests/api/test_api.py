"""The Python API (sim.simulate, sim.sweep, SimulationResult.save) and the quick-start notebook."""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from hydra.core.override_parser.overrides_parser import OverridesParser
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from omegaconf import OmegaConf

import sim
import sim.api
from sim.api import LIKELIHOOD_COLUMNS, SWEEP_COLUMNS, format_value
from sim.cli.replay import main as replay_main
from sim.config.schema import OfferPolicy
from sim.runs.aggregate import COMPLETE, load_run_or_sweep
from sim.runs.jobs import config_hash
from sim.runs.replay import load_run_config

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "examples" / "quickstart.ipynb"
N = 300


@pytest.fixture(scope="module")
def base() -> sim.SimulationResult:
    return sim.simulate(n_replicates=N, seed=7, batch_size=100)


@pytest.fixture(scope="module")
def unlinked() -> sim.SimulationResult:
    return sim.simulate(overrides=["scenario.linkage=false"], n_replicates=N, seed=7)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_likelihoods_have_the_columns_and_intervals_contain_the_estimate(
    base: sim.SimulationResult,
) -> None:
    lk = base.likelihoods
    assert tuple(lk.columns) == LIKELIHOOD_COLUMNS
    assert list(lk["track"]) == [*base.summary["tracks"], "all_tracks"]
    assert (lk["ci_low"] <= lk["deal_likelihood"]).all()
    assert (lk["deal_likelihood"] <= lk["ci_high"]).all()
    assert ((lk["ci_low"] >= 0) & (lk["ci_high"] <= 1)).all()
    # the estimate is the share of replicates with a deal, per track
    shares = base.outcomes.groupby("track", observed=True)["agreed"].mean()
    per_track = lk.set_index("track")["deal_likelihood"].drop("all_tracks")
    assert per_track.to_dict() == {str(k): v for k, v in shares.items()}
    assert base.n_replicates == base.summary["n_replicates"] == N
    assert len(base.outcomes) == N * len(base.summary["tracks"])
    assert base.config.seed == 7 and base.config.n_replicates == N
    assert "seed=7" in repr(base)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_same_seed_gives_identical_outcomes_whatever_the_batch_size(
    base: sim.SimulationResult,
) -> None:
    again = sim.simulate(n_replicates=N, seed=7, batch_size=64)
    pd.testing.assert_frame_equal(again.outcomes, base.outcomes)
    assert again.summary["deal_likelihood"] == base.summary["deal_likelihood"]
    other = sim.simulate(n_replicates=N, seed=8)
    assert not other.outcomes["agreed"].equals(base.outcomes["agreed"])


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_overrides_take_effect(base: sim.SimulationResult, unlinked: sim.SimulationResult) -> None:
    assert "keystone_xl" in base.summary["tracks"]["steel_aluminum"]
    assert "keystone_xl" not in unlinked.summary["tracks"]["steel_aluminum"]
    assert unlinked.config.scenario.linkage is False and base.config.scenario.linkage is True
    # keyword arguments come after the user's overrides
    assert unlinked.overrides == (
        "scenario.linkage=false",
        f"n_replicates={N}",
        "seed=7",
        "progress=false",
    )


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_keywords_win_over_the_same_key_in_overrides_and_a_mapping_works() -> None:
    r = sim.simulate(overrides={"seed": 1, "scenario.linkage": False}, seed=3, n_replicates=20)
    assert r.config.seed == 3 and r.config.scenario.linkage is False
    assert r.config.progress is False


def test_unknown_keywords_and_string_overrides_are_type_errors() -> None:
    with pytest.raises(TypeError, match="n_replicate"):
        sim.simulate(n_replicate=10)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="list"):
        sim.simulate(overrides="seed=1")
    with pytest.raises(TypeError):
        sim.sweep({"seed": [1]}, colour="red")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        (["scenario.linkag=false"], "scenario.linkag"),
        (["n_replicates=0"], "n_replicates"),
        (["seed=abc"], "seed"),
    ],
)
def test_bad_overrides_raise_a_one_line_config_error_naming_the_key(
    overrides: list[str], key: str
) -> None:
    with pytest.raises(sim.ConfigError) as info:
        sim.simulate(overrides=overrides)
    message = str(info.value)
    assert "\n" not in message and message.startswith(key)
    assert sim.ConfigError is sim.config.errors.ConfigError
    assert isinstance(info.value, ValueError)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_bad_sweep_value_fails_before_any_point_is_simulated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    simulated: list[object] = []
    monkeypatch.setattr(sim.api, "simulate_run", lambda cfg: simulated.append(cfg))
    with pytest.raises(sim.ConfigError) as info:
        sim.sweep({"scenario.linkage": [True, False], "n_replicates": [100, 0]})
    message = str(info.value)
    assert "\n" not in message and message.startswith("n_replicates=0")
    assert "sweep point scenario.linkage=true, n_replicates=0" in message
    with pytest.raises(sim.ConfigError, match=r"^seed\b.*abc"):  # names the key and value
        sim.sweep({"seed": [1, "abc"]})
    assert simulated == []


def test_malformed_sweep_grids_are_rejected() -> None:
    with pytest.raises(TypeError, match="list"):
        sim.sweep({"seed": 1})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="empty"):
        sim.sweep({"seed": []})
    with pytest.raises(ValueError, match="both swept and given"):
        sim.sweep({"seed": [1, 2]}, seed=3)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_sweep_has_one_row_per_point_and_track_matching_a_direct_simulate(
    base: sim.SimulationResult, unlinked: sim.SimulationResult
) -> None:
    table = sim.sweep({"scenario.linkage": [True, False], "seed": [7, 8]}, n_replicates=N)
    n_tracks = len(base.likelihoods)
    assert len(table) == 4 * n_tracks
    assert list(table.columns) == ["scenario.linkage", "seed", *SWEEP_COLUMNS]
    points = table[["scenario.linkage", "seed"]].drop_duplicates().itertuples(index=False)
    assert [tuple(p) for p in points] == [(True, 7), (True, 8), (False, 7), (False, 8)]
    assert (table["n_replicates"] == N).all()
    for linkage, direct in ((True, base), (False, unlinked)):
        rows = table[(table["scenario.linkage"] == linkage) & (table["seed"] == 7)]
        pd.testing.assert_frame_equal(
            rows[list(LIKELIHOOD_COLUMNS)].reset_index(drop=True), direct.likelihoods
        )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        (None, "null"),
        (7, "7"),
        (0.25, "0.25"),
        ("nearest", "nearest"),
        ("true", "'true'"),
        ("10", "'10'"),
        ("2027-07-01", "'2027-07-01'"),
        (OfferPolicy.pareto, "pareto"),
        ([1, "a", False], "[1,a,false]"),
        ({"x": 1}, "{x:1}"),
    ],
)
def test_values_are_written_as_overrides(value: object, text: str) -> None:
    assert format_value(value) == text


@pytest.mark.parametrize("text", ["it's", "back\\slash", "ends\\", "q\\'x", "a b,c", "", "null"])
def test_strings_survive_hydras_override_parser(text: str) -> None:
    parsed = OverridesParser.create().parse_override(f"experiment_name={format_value(text)}")
    assert parsed.value() == text


def test_unwritable_values_are_type_errors() -> None:
    with pytest.raises(TypeError, match="override value"):
        format_value(object())


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_save_writes_a_run_directory_that_replays_and_aggregates(
    base: sim.SimulationResult, tmp_path: Path
) -> None:
    out = base.save(tmp_path / "run")
    assert out == tmp_path / "run"
    for name in ("outcomes.parquet", "summary.json", "manifest.json", ".hydra/config.yaml"):
        assert (out / name).is_file(), name
    pd.testing.assert_frame_equal(pd.read_parquet(out / "outcomes.parquet"), base.outcomes)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["config_hash"] == base.summary["config_hash"]
    assert summary["deal_likelihood"] == base.summary["deal_likelihood"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["n_replicates"] == N
    assert [str(o) for o in OmegaConf.load(out / ".hydra/overrides.yaml")] == list(base.overrides)
    # the saved config rebuilds the same typed config (enums included)
    digest = base.summary["config_hash"]
    assert config_hash(load_run_config(out)) == digest == config_hash(base.config)
    assert replay_main([str(out), "--replicate", "0"]) == 0
    (record,) = load_run_or_sweep(out)
    assert record.status == COMPLETE and record.params["seed"] == 7


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_the_quickstart_notebook_runs_without_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A kernel spec of this interpreter (the venv's), so no other "python3" kernel is picked up;
    # the kernel imports this checkout's sim and draws figures inline, as in Jupyter.
    spec_dir = tmp_path / "kernels" / "canus-sim-test"
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "canus-sim (test)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    km = KernelManager(
        kernel_name="canus-sim-test",
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")]),
    )
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb, km=km, timeout=120, resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    # release the kernel client now, not at interpreter exit (when its __del__ would log to a
    # closed stream)
    del client, km
    gc.collect()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no figure was drawn"
    assert any("deal_likelihood" in o.get("data", {}).get("text/plain", "") for o in outputs), (
        "the likelihood table was not shown"
    )


@pytest.mark.parametrize(
    ("base", "points"),
    [
        (
            ["n_replicates=30", "+experiment=keystone_linkage"],
            [
                ["seed=3", "scenario.deadline=2026-03-31"],
                ["scenario.leaders.carney.ratification_threshold_premium=0.2"],
                ["negotiator.canada.strategy=conceder", "negotiator.canada.beta=4.0"],
            ],
        ),
        pytest.param(  # points Hydra composes (a config group, a deletion): 2 s
            ["scenario.linkage=false"],
            [["negotiator=default", "seed=4"], ["~scenario.coordinators.sabia"]],
            marks=pytest.mark.slow,
        ),
    ],
)
def test_points_built_on_one_composition_equal_each_composed_alone(
    base: list[str], points: list[list[str]]
) -> None:
    """A sweep composes its shared overrides once; every point's config is what Hydra gives."""
    from sim.cli.compose import compose_run_config, iter_run_configs

    built = list(iter_run_configs(base, points))
    assert built == [compose_run_config([*base, *point]) for point in points]
    assert len({repr(cfg) for cfg in built}) == len(points)  # the points differ


def test_a_bad_point_is_named_when_it_is_reached() -> None:
    from sim.cli.compose import iter_run_configs

    configs = iter_run_configs(["n_replicates=10"], [["seed=1"], ["n_replicates=0"]])
    assert next(configs).seed == 1
    with pytest.raises(sim.ConfigError, match=r"^n_replicates=0"):
        next(configs)
