"""Smoke tests of the benchmark harness at tiny sizes: records have their keys and positive rates.

No timing assertions: speed depends on the machine; ``make bench`` measures it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.bench_8issue import YAML_PATH, render_yaml
from benchmarks.common import machine_info
from benchmarks.default_scenario import (
    ANTICIPATION,
    anticipation_experiment,
    bench_default,
    default_experiment,
)
from benchmarks.eight_issue import bench_eight_issue, eight_issue_experiment
from benchmarks.memory import peak_memory
from benchmarks.numpy_reference import bench_reference
from benchmarks.parallel import bench_warm_pool, parallel_efficiency
from benchmarks.profiling import profile_run
from benchmarks.report import render_markdown
from benchmarks.run_all import evaluate_targets
from benchmarks.scaling import linear_fit, scale_outcomes, scale_replicates, scale_rounds
from benchmarks.throughput import main as throughput_main

RATE_KEYS = {
    "workload", "n", "unit", "repeats", "times_s", "best_s", "median_s", "rate_best",
    "rate_median", "other_cores_at_best", "other_cores_median", "n_workers",
}  # fmt: skip


def check_rate(rec: dict[str, Any], n: int) -> None:
    assert rec.keys() >= RATE_KEYS
    assert rec["n"] == n
    assert len(rec["times_s"]) == rec["repeats"] >= 1
    assert 0 < rec["best_s"] <= rec["median_s"]
    assert rec["rate_best"] > 0 and rec["rate_median"] > 0
    assert rec["rate_best"] >= rec["rate_median"]
    assert rec["other_cores_at_best"] >= 0


@pytest.fixture(scope="module")
def tiny() -> dict[str, Any]:
    """Every benchmark function once at a tiny size, assembled as ``run_all`` does."""
    setup, setup8 = default_experiment(), eight_issue_experiment()
    res: dict[str, Any] = {"machine_start": machine_info(), "command": "pytest", "duration_s": 1.0}
    res["default"] = [bench_default(60, 1, 1, setup)]
    res["anticipation"] = bench_default(60, 1, 1, anticipation_experiment(), ANTICIPATION)
    res["scale_replicates"] = scale_replicates((40, 80), repeats=1)
    res["eight_issue_parallel"] = {**res["scale_replicates"][-1], "n_workers": 2}  # no 2nd pool
    res["pool_startup"] = {**res["default"][0], "n_workers": 2}
    res["numpy_reference"] = bench_reference(80, 1, setup8)
    res["scale_rounds"] = scale_rounds((4, 8), n_replicates=40, repeats=1)
    res["scale_outcomes"] = scale_outcomes((2, 3), n_replicates=40, repeats=1)
    res["memory"] = [peak_memory("eight_issue", 50)]
    one, many, eff = bench_warm_pool("eight_issue", setup8[1], 80, 20, 2, repeats=1)
    res["warm_pool"] = [one, many]
    res["parallel"] = [
        parallel_efficiency(res["scale_replicates"][-1], res["eight_issue_parallel"], "x"),
        eff,
    ]
    res["profiles"] = [profile_run("eight_issue", 40)]
    res["machine_end"] = machine_info()
    res["targets"] = evaluate_targets(res)
    return res


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_default_scenario_record(tiny: dict[str, Any]) -> None:
    rec = tiny["default"][0]
    check_rate(rec, 60)
    assert rec["n_tracks"] == 4 and 0.0 <= rec["deal_rate"] <= 1.0


def test_eight_issue_is_the_negmas_workload() -> None:
    _, experiment = eight_issue_experiment()
    compiled = experiment.compiled
    assert [t.n_outcomes for t in compiled.tracks] == [6**4 * 2 * 3 * 3 * 2]
    assert compiled.n_weeks == 52
    assert not compiled.scenario.politics.leaders  # no leader: no suspensions or escalations
    assert (compiled.reservation_mean == 0.4).all() and (compiled.reservation_spread == 0.1).all()
    betas = {party: s.beta for party, s in experiment.strategies.items()}  # type: ignore[attr-defined]
    assert betas == {"canada": 5.0, "united_states": 0.2}


def test_eight_issue_yaml_matches_its_generator() -> None:
    assert YAML_PATH.read_text() == render_yaml()


def test_eight_issue_record() -> None:
    rec = bench_eight_issue(50, 1, 2)
    check_rate(rec, 50)
    assert rec["n_outcomes"] == 46_656 and rec["unit"] == "negotiations"
    assert 1 <= rec["weeks_stepped"] <= 52


@pytest.mark.slow  # the `tiny` fixture runs every benchmark once (10 s); `make test-slow`
def test_scaling_records(tiny: dict[str, Any]) -> None:
    for rec, n in zip(tiny["scale_replicates"], (40, 80), strict=True):
        check_rate(rec, n)
    assert [r["n_weeks"] for r in tiny["scale_rounds"]] == [4, 8]
    assert all(r["us_per_replicate_week"] > 0 for r in tiny["scale_rounds"])
    assert [r["n_outcomes"] for r in tiny["scale_outcomes"]] == [100, 1000]
    assert all(r["compile_s"] > 0 for r in tiny["scale_outcomes"])


def test_linear_fit_recovers_a_line() -> None:
    fixed, marginal, r2 = linear_fit([1, 2, 4], [1.5, 2.5, 4.5])
    assert (
        fixed == pytest.approx(0.5) and marginal == pytest.approx(1.0) and r2 == pytest.approx(1.0)
    )


@pytest.mark.slow  # the `tiny` fixture runs every benchmark once (10 s); `make test-slow`
def test_memory_and_parallel_records(tiny: dict[str, Any]) -> None:
    mem = tiny["memory"][0]
    assert mem["unit"] == "MiB" and 0 < mem["baseline_mib"] <= mem["peak_mib"]
    one, many = tiny["warm_pool"]
    check_rate(one, 80)
    check_rate(many, 80)
    eff = tiny["parallel"][-1]
    assert eff["n_workers"] == 2 and eff["speedup_best"] > 0
    assert eff["efficiency_best"] == pytest.approx(eff["speedup_best"] / 2)


@pytest.mark.slow  # the `tiny` fixture runs every benchmark once (10 s); `make test-slow`
def test_profile_and_report(tiny: dict[str, Any]) -> None:
    prof = tiny["profiles"][0]
    assert prof["total_s"] > 0
    assert 0 < prof["cumulative_share"]["engine/model.py:step"] <= 1.0
    assert len(tiny["targets"]) == 10 and all(isinstance(t["met"], bool) for t in tiny["targets"])
    md = render_markdown(tiny)
    assert "### Targets (issue 6)" in md and "| workload |" in md
    assert "plain-numpy reference" in md and "identical outcomes" in md
    assert "| 1b default, anticipating |" in md and "anticipating ratification" in md


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_throughput_prints_one_record_per_workload_and_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "records.jsonl"
    assert throughput_main(["--sizes", "40", "80", "--repeats", "1", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["workload"], r["n"]) for r in rows] == [
        ("default_scenario", 40), ("eight_issue", 40), ("default_scenario", 80), ("eight_issue", 80)
    ]  # fmt: skip
    assert all(r["rate_best"] > 0 for r in rows)
    assert [json.loads(line) for line in out.read_text().splitlines()] == rows


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_uncertainty_benchmarks_report_cpu_time_against_their_targets():
    from benchmarks.run_all import _uncertainty_targets
    from benchmarks.uncertainty import bench_morris

    rec = bench_morris(trajectories=2, n_replicates=20)
    assert rec["n_points"] == 2 * (rec["n_params"] + 1) == 26
    assert rec["cpu_s"] > 0 and rec["wall_s"] > 0
    (target,) = _uncertainty_targets({"uncertainty": [rec]})
    assert target["threshold"] == "< 120.0" and isinstance(target["met"], bool)
