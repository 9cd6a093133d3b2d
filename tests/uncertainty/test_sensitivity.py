"""Designs, the point seam and sensitivity indices, on analytic functions and on the model."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.errors import ConfigError
from sim.runs.backends import map_points
from sim.uncertainty.designs import make_design
from sim.uncertainty.params import with_values
from sim.uncertainty.points import PointRunner, PointStore, run_points
from sim.uncertainty.priors import build_prior_set
from sim.uncertainty.sensitivity import morris_table, ranked, sobol_table
from tests.uncertainty.analytic import ishigami, ishigami_indices

PI = "uniform(-3.141592653589793, 3.141592653589793)"


def ishigami_priors(base_cfg):
    keys = [
        "scenario.review.end_probability",
        "scenario.review.confirm_probability",
        "scenario.leaders.carney.own_weight",
    ]  # stand-in keys: the analytic function ignores the model
    return build_prior_set([], dict.fromkeys(keys, PI))


def test_sobol_indices_of_ishigami_match_the_closed_form(base_cfg):
    priors = ishigami_priors(base_cfg)
    design = make_design("saltelli", priors.keys, 2048, seed=3)
    results = run_points(ishigami, priors.values(design.unit))
    table = sobol_table(design, results, seed=1)
    s1, st = ishigami_indices()
    assert table["S1"].to_numpy() == pytest.approx(s1, abs=0.05)
    assert table["ST"].to_numpy() == pytest.approx(st, abs=0.05)
    # the bootstrap intervals cover the truth
    assert np.all(table["ST_low"].to_numpy() - 0.02 <= st)
    assert np.all(table["ST_high"].to_numpy() + 0.02 >= st)


def test_morris_ranks_ishigami_inputs_by_total_effect(base_cfg):
    priors = ishigami_priors(base_cfg)
    design = make_design("morris", priors.keys, 200, seed=2, levels=4)
    table = morris_table(design, run_points(ishigami, priors.values(design.unit)))
    order = ranked(table, "y", "mu_star")["parameter"].tolist()
    assert order[-1] == priors.keys[2]  # x3 acts only through its interaction with x1
    assert (table["mu_star_low"] <= table["mu_star"]).all()


@pytest.mark.parametrize("name", ["lhs", "sobol", "saltelli", "morris"])
def test_designs_lie_in_the_unit_cube_and_repeat_with_their_seed(name):
    a = make_design(name, ["a", "b"], 8, seed=5)
    b = make_design(name, ["a", "b"], 8, seed=5)
    assert np.array_equal(a.unit, b.unit)
    assert a.unit.min() >= 0 and a.unit.max() <= 1 and a.unit.shape[1] == 2


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("grid", ["a"], 4, 0), "one of"),
        (("morris", ["a"], 1, 0), "too small"),
        (("lhs", [], 4, 0), "at least one parameter"),
    ],
)
def test_bad_designs_are_one_line_errors(args, fragment):
    with pytest.raises(ConfigError, match=fragment):
        make_design(*args)
    with pytest.raises(ConfigError, match="even number"):
        make_design("morris", ["a"], 4, 0, levels=3)


def test_map_points_gives_the_same_results_in_worker_processes():
    points = [(0.1 * i, 0.2, 0.3) for i in range(12)]
    assert list(map_points(ishigami, points, n_workers=2)) == [ishigami(p) for p in points]


def test_a_design_resumes_from_its_stored_points(tmp_path):
    calls = []

    def counting(values):
        calls.append(tuple(values))
        return ishigami(values)

    values = np.random.default_rng(0).uniform(-3, 3, (6, 3))
    first = run_points(counting, values, store=PointStore(tmp_path))
    assert len(calls) == 6
    (tmp_path / "points" / "000004.json").unlink()  # as if interrupted before point 4
    again = run_points(counting, values, store=PointStore(tmp_path))
    assert len(calls) == 7 and calls[-1] == tuple(values[4])
    assert again.equals(first)
    with pytest.raises(ConfigError, match="another design"):
        run_points(counting, values + 1, store=PointStore(tmp_path))


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_parameter_that_cannot_affect_a_track_gets_zero_mu_star(base_cfg):
    # a pipeline sponsor matters only to the energy track's pipeline option; without the
    # coordinator's momentum nothing links the energy track to steel & aluminum
    cfg = with_values(base_cfg, {"scenario.coordinators.sabia.mandate_momentum": 0.0})
    priors = build_prior_set(
        [],
        {
            "scenario.conditions.private_sponsor.weekly_hazard": "uniform(0.0, 0.2)",
            "scenario.parties.united_states.track_reservation_values.steel_aluminum": (
                "uniform(0.55, 0.85)"
            ),
        },
        cfg,
    )
    design = make_design("morris", priors.keys, 4, seed=1)
    runner = PointRunner(cfg, tuple(priors.keys), n_replicates=200)
    table = morris_table(design, run_points(runner, priors.values(design.unit)))
    steel = table[table["output"] == "deal.steel_aluminum"].set_index("parameter")
    assert steel.loc[priors.keys[0], "mu_star"] == 0.0
    assert steel.loc[priors.keys[1], "mu_star"] > 0.0
    assert steel.loc[priors.keys[1], "mu"] < 0.0  # a tougher U.S. mandate: fewer metals deals
