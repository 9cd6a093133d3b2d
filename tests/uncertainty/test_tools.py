"""The tools end to end: sim.explore / sim.calibrate (API and command line) and their run dirs."""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest
from hydra.core.global_hydra import GlobalHydra

import sim
from sim.config.errors import ConfigError
from sim.uncertainty.predictive import predictive_table

US_METALS = "scenario.parties.united_states.track_reservation_values.steel_aluminum"
SUSPENSION = "scenario.leaders.trump.suspension_hazard_per_week"
PARAMS = [US_METALS, SUSPENSION]


def run_tool(module, *args: str) -> int:
    """``python -m sim.<tool> ARGS`` in this process; its exit status."""
    saved = sys.argv
    sys.argv = [module.__file__, *args]
    GlobalHydra.instance().clear()
    try:
        module.main()
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        sys.argv = saved
        GlobalHydra.instance().clear()
    return 0


@pytest.mark.slow  # ~5 s of CPU; the default suite resumes points in test_sensitivity.py
def test_explore_writes_a_self_contained_run_dir_and_resumes(tmp_path):
    out = tmp_path / "lhs"
    first = sim.explore("lhs", size=4, n_replicates=50, params=PARAMS, run_dir=out, prim=False)
    for name in ("manifest.json", "report.html", "predictive.csv", "predictive.parquet"):
        assert (out / name).is_file(), name
    assert len(list((out / "points").glob("*.json"))) == 4
    page = (out / "report.html").read_text()
    assert "data:image/png;base64," in page and "http" not in page.split("<body>")[1]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tool"] == "sim.explore" and manifest["n_points"] == 4
    table = first.tables["predictive"].set_index("output")
    row = table.loc["deal.steel_aluminum"]
    assert row["mc_low"] <= row["base"] <= row["mc_high"]
    assert row["param_low"] <= row["predictive_mean"] <= row["param_high"]
    again = sim.explore("lhs", size=4, n_replicates=50, params=PARAMS, run_dir=out, prim=False)
    pd.testing.assert_frame_equal(again.results, first.results)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_tougher_us_metals_mandate_lowers_the_metals_deal_likelihood_at_every_point(tmp_path):
    # common random numbers: the points differ only in the parameter
    r = sim.explore(
        "lhs", size=4, n_replicates=100, params=[US_METALS], run_dir=tmp_path, prim=False
    )
    order = np.argsort(r.values[US_METALS].to_numpy())
    deals = r.results["deal.steel_aluminum"].to_numpy()[order]
    assert np.all(np.diff(deals) <= 0) and deals[0] > deals[-1]


def test_predictive_intervals_separate_parameter_spread_from_monte_carlo_noise():
    draws = pd.DataFrame({"deal.x": np.linspace(0.2, 0.8, 50)})
    row = predictive_table({"deal.x": 0.5}, draws, n_replicates=10_000).iloc[0]
    assert row["param_high"] - row["param_low"] > 0.5  # the parameters' spread
    assert row["mc_high"] - row["mc_low"] < 0.03  # the base run's Monte Carlo interval
    assert row["mc_share"] < 0.01


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_calibrate_fits_on_the_record_and_scores_out_of_sample(tmp_path):
    r = sim.calibrate(
        "pre_start",
        "post_start",
        params=PARAMS,
        n_draws=8,
        quantile=0.25,
        n_replicates=30,
        forecast_draws=2,
        forecast_replicates=30,
        run_dir=tmp_path,
    )
    assert r.acceptance_rate == pytest.approx(0.25)
    assert list(r.tables["posterior"]["parameter"]) == PARAMS
    scores = r.tables["scores"]
    assert set(scores["which"]) == {"prior", "posterior"}
    assert {"total", "no_deal_by_1_nov"} <= set(scores["observation"])
    assert (tmp_path / "report.html").is_file() and (tmp_path / "horizons.png").is_file()


def test_calibrating_on_events_after_the_start_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="fit only on events dated up to 2025-10-10"):
        sim.calibrate("post_start", params=PARAMS, n_draws=2, run_dir=tmp_path)


def test_bad_tool_inputs_are_one_line_errors(tmp_path):
    with pytest.raises(ConfigError, match="unknown setting"):
        sim.explore("morris", sizes=3, run_dir=tmp_path)
    with pytest.raises(ConfigError, match="no such set"):
        sim.calibrate("pre_strat", run_dir=tmp_path)
    with pytest.raises(ConfigError, match=r"backend='spark'.*one of \['local', 'dask'\]"):
        sim.explore("lhs", size=2, params=PARAMS, backend="spark", run_dir=tmp_path / "e")
    with pytest.raises(ConfigError, match=r"address=None.*dask needs address"):
        sim.calibrate(params=PARAMS, backend="dask", n_draws=2, run_dir=tmp_path / "c")


def command_line_cases():
    from sim.cli import calibrate, explore

    return [
        (explore, ["design=grid"], "Could not find 'design/grid'"),
        (explore, ["+prior.scenario.linkage='uniform(0,1)'"], "numeric key"),
        (explore, ["+prior.scenario.review.end_probability='uniform(0.3,0.1)'"], "inverted"),
        (calibrate, ["method=mcmc", "n_draws=1", "params=[" + SUSPENSION + "]"], "method"),
    ]


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_the_command_lines_print_one_config_error_line(tmp_path, capsys):
    check_command_lines(command_line_cases()[:2], tmp_path, capsys)


@pytest.mark.slow
def test_every_command_line_mistake_prints_one_config_error_line(tmp_path, capsys):
    check_command_lines(command_line_cases(), tmp_path, capsys)


def check_command_lines(cases, tmp_path, capsys):
    for module, args, fragment in cases:
        status = run_tool(module, *args, f"hydra.run.dir={tmp_path / 'x'}")
        err = capsys.readouterr().err.strip().splitlines()
        assert status == 2, args
        assert len(err) == 1 and err[0].startswith("config error:") and fragment in err[0]
