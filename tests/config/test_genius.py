"""``scenario=genius``: GENIUS files read into the scenario (``sim/config/genius.py``), end to end.

The files are the tests' own (``tests/genius_xml.py``); utilities are checked against hand
computations, runs through the command line and the Python API.
"""

from __future__ import annotations

import runpy
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hydra.core.global_hydra import GlobalHydra

import sim
from sim.config.build import build_scenario
from sim.config.errors import ConfigError
from sim.config.genius import resolve_genius
from sim.config.schema import TrackConfig
from sim.domain.outcome_space import compile_scenario
from sim.runs.replay import ReplayError, load_run_config
from sim.runs.schema import OUTCOMES_FILE
from tests import genius_xml as gx
from tests.conftest import compose_run_config, run_cli


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return gx.fruit_files(tmp_path)


def test_the_compiled_utility_table_matches_a_hand_computation(files):
    scenario = sim.scenario_from_genius(files["domain"], [files["a"], files["b"]])
    issues = scenario.issues
    assert list(issues) == ["fruit_kind", "count", "price"]  # GENIUS names as identifiers
    assert issues["count"].options == ("2", "3", "4", "5", "6")
    assert issues["price"].options == tuple(str(x) for x in range(10, 21))  # 11 levels
    track = compile_scenario(scenario).tracks[0]
    assert track.name == "agreement" and track.issues == ("fruit_kind", "count", "price")
    chosen = {"fruit_kind": "pear", "count": "5", "price": "15"}
    wanted = [issues[i].options.index(chosen[i]) for i in track.issues]
    row = int(np.flatnonzero((track.outcomes == wanted).all(axis=1))[0])
    # party A: .5 * 1 + .25 * (0.2 * 3 + 0.1) + .25 * (0.1 * 15 - 1) = 0.8
    # party B: .25 * 0.2 + .25 * (1 - 0.25 * 3) + .5 * (2 - 0.1 * 15) = 0.3625
    assert track.utilities[:, row] == pytest.approx([0.8, 0.3625])


def test_parties_take_the_profiles_order_names_and_reservation_values(files):
    scenario = sim.scenario_from_genius(files["domain"], [files["a"], files["b"]])
    a, b = scenario.parties
    assert (a.name, a.display_name, a.reservation_value) == ("party_1", "a", 0.3)
    assert (b.name, b.display_name, b.reservation_value) == ("party_2", "b", 0.2)
    assert a.reservation_value_spread == 0.0
    assert a.weights == pytest.approx({"fruit_kind": 0.5, "count": 0.25, "price": 0.25})


def test_the_status_quo_is_explicit_and_configurable(files):
    paths = (files["domain"], [files["a"], files["b"]])
    least = sim.scenario_from_genius(*paths)  # default: the outcome of least total utility
    # per issue, the least summed weighted value: kind plum (.5 * .25 + .25 * .6 = .275),
    # count 6 (.25 * (.9 + 0)), price 20 (.25 * 1 + .5 * 0)
    sq = {name: issue.status_quo for name, issue in least.issues.items()}
    assert sq == {"fruit_kind": "plum", "count": "6", "price": "20"}
    track = compile_scenario(least).tracks[0]
    assert track.utilities[:, track.status_quo] == pytest.approx([0.6, 0.15])
    assert track.utilities.sum(axis=0).min() == pytest.approx(0.75)
    first = sim.scenario_from_genius(*paths, status_quo="first").issues
    assert (first["fruit_kind"].status_quo, first["price"].status_quo) == ("apple", "10")
    last = sim.scenario_from_genius(*paths, status_quo="last").issues
    assert (last["fruit_kind"].status_quo, last["count"].status_quo) == ("plum", "6")
    chosen = sim.scenario_from_genius(
        *paths, status_quo="first", status_quo_options={"fruit_kind": "pear"}
    ).issues
    assert (chosen["fruit_kind"].status_quo, chosen["count"].status_quo) == ("pear", "2")
    with pytest.raises(ConfigError, match=r"status_quo_options.fruit_kind='fig': one of"):
        sim.scenario_from_genius(*paths, status_quo_options={"fruit_kind": "fig"})


def test_real_levels_set_the_discretisation(files):
    scenario = sim.scenario_from_genius(files["domain"], [files["a"], files["b"]], real_levels=3)
    assert scenario.issues["price"].options == ("10", "15", "20")
    assert scenario.parties[0].values["price"] == pytest.approx({"10": 0, "15": 0.5, "20": 1})


def test_profiles_that_carry_their_issues_need_no_domain_file(files):
    with_domain = sim.scenario_from_genius(files["domain"], [files["a"], files["b"]])
    alone = sim.scenario_from_genius(None, [files["a"], files["b"]])
    assert alone.issues == with_domain.issues and alone.parties == with_domain.parties


def test_an_uncertain_profile_is_valued_by_its_true_utility(tmp_path, files):
    text = gx.profile_b().replace("<utility_space>", '<utility_space type="uncertain">')
    text = text.replace("</utility_space>", "<comparisons>5</comparisons></utility_space>")
    uncertain = gx.write(tmp_path, u=text)["u"]
    plain = sim.scenario_from_genius(files["domain"], [files["a"], files["b"]])
    read = sim.scenario_from_genius(files["domain"], [files["a"], uncertain])
    assert read.parties[1].values == plain.parties[1].values


def test_a_profile_discount_becomes_the_per_round_discount(files):
    cfg = compose_run_config(gx.overrides(files))
    n_rounds = build_scenario(cfg.scenario, cfg.protocol).deadline_weeks
    assert n_rounds == 20
    # GENIUS: u * 0.5 ** t over t in [0, 1]; here 0.5 ** (1 / 20) per weekly round
    assert cfg.negotiator["party_1"].discount == pytest.approx(0.5 ** (1 / 20))
    assert cfg.negotiator["party_2"].discount == 1.0  # profile b has no discount factor
    ignored = compose_run_config(gx.overrides(files, "scenario.genius.use_profile_discounts=false"))
    assert ignored.negotiator["party_1"].discount == 1.0


def test_a_negotiator_discount_that_contradicts_the_profile_is_an_error(files):
    with pytest.raises(ConfigError, match=r"negotiator.party_1.discount=0.9: .*a.xml has discount"):
        compose_run_config(gx.overrides(files, "negotiator.party_1.discount=0.9"))


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_the_discount_reaches_the_outcome_table(files, tmp_path):
    out = tmp_path / "run"
    assert run_cli(*gx.overrides(files, "n_replicates=40", f"hydra.run.dir={out}")) == 0
    rows = pd.read_parquet(out / OUTCOMES_FILE)
    deals = rows[rows["agreed"]]
    assert len(deals) > 0
    week = deals["agreement_week"].to_numpy(dtype=float)
    expected = deals["utility_party_1"] * 0.5 ** (week / 20)
    assert np.allclose(deals["discounted_utility_party_1"], expected)
    assert np.allclose(deals["discounted_utility_party_2"], deals["utility_party_2"])


# --- the command line, replay and the Python API -------------------------------------------------


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_the_command_line_runs_and_replays(files, tmp_path, capsys):
    from sim.cli.replay import main as replay

    out = tmp_path / "cli"
    assert run_cli(*gx.overrides(files, "n_replicates=30", f"hydra.run.dir={out}")) == 0
    assert "agreement" in capsys.readouterr().out
    assert replay([str(out), "--replicate", "4"]) == 0  # re-reads the files .hydra names
    assert "replay OK" in capsys.readouterr().out


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_the_issue_spelling_python_dash_m_sim_run_works(files, tmp_path, monkeypatch):
    out = tmp_path / "run"
    args = [*gx.overrides(files, "n_replicates=10"), f"hydra.run.dir={out}"]
    monkeypatch.setattr(sys, "argv", ["sim/run.py", *args])
    GlobalHydra.instance().clear()
    try:
        runpy.run_module("sim.run", run_name="__main__")  # what python -m sim.run does
    finally:
        GlobalHydra.instance().clear()
    assert pd.read_parquet(out / OUTCOMES_FILE)["replicate"].nunique() == 10


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_saved_api_run_replays_and_notices_a_changed_file(files, tmp_path):
    result = sim.simulate(gx.overrides(files), n_replicates=30)
    saved = result.save(tmp_path / "saved")
    again = load_run_config(saved)  # the saved config holds the scenario read from the files
    assert again.scenario.parties == result.config.scenario.parties
    assert again.negotiator == result.config.negotiator
    files["b"].write_text(gx.profile_b().replace('evaluation="5"', 'evaluation="9"'))
    with pytest.raises(ReplayError, match=r"scenario.issues|scenario.parties"):
        load_run_config(saved)


# --- one-line errors naming the key, the file and the element ------------------------------------


def _cli_error(capsys, *args: str) -> str:
    assert run_cli(*args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("config error: ") and "\n" not in err, err
    return err


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_bad_files_stop_the_command_line_with_one_line(capsys, files, tmp_path):
    bad = gx.write(
        tmp_path,
        notxml="not < xml",
        weight=gx.profile(gx.A_ISSUES + gx.weights(1, 1, 1, 1)),
        bomb='<!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
        "<utility_space>&b;</utility_space>",
    )
    d, a = files["domain"], files["a"]
    err = _cli_error(
        capsys,
        "scenario=genius",
        f"scenario.domain={d}",
        f"scenario.profiles=[{a},{bad['notxml']}]",
    )
    assert f"scenario.profiles[1]='{bad['notxml']}'" in err and "not well-formed XML" in err
    err = _cli_error(
        capsys, "scenario=genius", f"scenario.domain={a}", f"scenario.profiles=[{a},{a}]"
    )
    assert "scenario.domain=" in err and "wrong root element" in err
    err = _cli_error(
        capsys,
        "scenario=genius",
        f"scenario.domain={d}",
        f"scenario.profiles=[{a},{bad['weight']}]",
    )
    assert '<weight index="4" value="1">' in err and "missing issue" in err
    err = _cli_error(
        capsys, "scenario=genius", f"scenario.domain={d}", f"scenario.profiles=[{a},{bad['bomb']}]"
    )
    assert "<!ENTITY>" in err and "refused" in err


def test_a_file_of_hundreds_of_megabytes_is_refused_before_it_is_read(files, tmp_path):
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as f:  # sparse: 300 MB on paper, nothing on disk
        f.truncate(300 * 1024 * 1024)
    with pytest.raises(ConfigError, match=r"scenario.profiles\[1\]=.*huge.xml.*larger than"):
        sim.scenario_from_genius(files["domain"], [files["a"], huge])


def test_option_and_source_errors_name_their_key(files):
    paths = (files["domain"], [files["a"], files["b"]])
    with pytest.raises(ConfigError, match=r"scenario.genius.real_levels=1: must be >= 2"):
        sim.scenario_from_genius(*paths, real_levels=1)
    with pytest.raises(ConfigError, match=r"scenario.profiles=.*need exactly 2"):
        sim.scenario_from_genius(files["domain"], [files["a"]])
    with pytest.raises(ConfigError, match=r"scenario.profiles\[0\]=.*no such file"):
        sim.scenario_from_genius(files["domain"], [files["a"].with_name("nope.xml"), files["b"]])
    with pytest.raises(ConfigError, match=r"scenario.domain=.*outcomes .*max_outcomes=10"):
        sim.scenario_from_genius(*paths, max_outcomes=10)
    with pytest.raises(TypeError, match="unknown GENIUS option"):
        sim.genius_overrides(*paths, real_level=3)


def test_parts_the_files_fill_cannot_also_be_set(files):
    cfg = compose_run_config(gx.overrides(files))
    assert resolve_genius(cfg) == cfg  # reading a filled config again changes nothing
    other = replace(cfg, scenario=replace(cfg.scenario, tracks={"other": TrackConfig(["count"])}))
    with pytest.raises(ConfigError, match=r"scenario.tracks=\['other'\]: filled from the GENIUS"):
        resolve_genius(other)
