"""Sweeps at scale through the real command line: launchers, aggregation, faults and resume."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["n_replicates=200", "progress=false"]
ENV = {**os.environ, "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"}


def sim_run(*args: str, cwd: Path = ROOT, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """``python -m sim ARGS`` as a user types it."""
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def ok(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, (
        f"exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    return proc


def script(name: str) -> ModuleType:
    """Import ``experiments/<name>.py`` (they are scripts, not an installed package)."""
    spec = importlib.util.spec_from_file_location(
        f"experiments_{name}", ROOT / "experiments" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def job_config(job_dir: Path) -> dict:
    return OmegaConf.to_container(OmegaConf.load(job_dir / ".hydra" / "config.yaml"))  # type: ignore[return-value]


def summary(job_dir: Path) -> dict:
    return json.loads((job_dir / "summary.json").read_text())


def assert_sane_intervals(table: pd.DataFrame) -> None:
    tracks = [
        c.removeprefix("deal_likelihood/")
        for c in table.columns
        if c.startswith("deal_likelihood/")
    ]
    assert "all_tracks" in tracks and len(tracks) >= 4
    for t in tracks:
        rows = table[table[f"deal_likelihood/{t}"].notna()]  # energy exists only without linkage
        assert len(rows) >= 2, t
        p, lo, hi = rows[f"deal_likelihood/{t}"], rows[f"ci_low/{t}"], rows[f"ci_high/{t}"]
        assert ((lo >= 0) & (lo <= p) & (p <= hi) & (hi <= 1)).all(), t
        assert ((hi - lo) > 0).all(), t  # 200 replicates never pin a likelihood exactly


# --- a 2 x 2 sweep with the joblib launcher, shared by several tests ---------------------------
@pytest.fixture(scope="module")
def joblib_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sweep_dir = tmp_path_factory.mktemp("joblib") / "sweep"
    ok(
        sim_run(
            "-m",
            *SMALL,
            "scenario.leaders.trump.suspension_hazard_per_week=0.0,0.2",
            "scenario.linkage=true,false",
            "hydra/launcher=local_joblib",
            "hydra.launcher.n_jobs=2",
            f"hydra.sweep.dir={sweep_dir}",
        )
    )
    return sweep_dir


def test_joblib_sweep_writes_four_complete_jobs_and_an_aggregate(joblib_sweep: Path) -> None:
    job_dirs = sorted(p for p in joblib_sweep.iterdir() if (p / ".hydra").is_dir())
    assert len(job_dirs) == 4
    for job_dir in job_dirs:
        for name in ("outcomes.parquet", "summary.json", "manifest.json", "deal_likelihood.png"):
            assert (job_dir / name).stat().st_size > 0, (job_dir, name)
        assert len(summary(job_dir)["config_hash"]) == 16
        manifest = json.loads((job_dir / "manifest.json").read_text())
        assert manifest["n_workers"] == 1  # the parallel launcher pins one worker per job

    table = pd.read_parquet(joblib_sweep / "aggregate.parquet")
    assert len(table) == 4
    assert (table["status"] == "complete").all()
    assert_sane_intervals(table)
    # parameters are typed values from each job's saved config, aligned with that job
    assert set(table["scenario.linkage"]) == {True, False}
    assert set(table["scenario.leaders.trump.suspension_hazard_per_week"]) == {0.0, 0.2}
    for _, row in table.iterrows():
        cfg = job_config(Path(row["job_dir"]))
        assert cfg["scenario"]["linkage"] == row["scenario.linkage"]
        assert (
            cfg["scenario"]["leaders"]["trump"]["suspension_hazard_per_week"]
            == row["scenario.leaders.trump.suspension_hazard_per_week"]
        )
        assert row["replicates_simulated"] == 200
    rates = table[[c for c in table.columns if c.startswith("mean_rate/")]]
    assert rates.shape[1] == 6 and ((rates >= 0) & (rates <= 0.5)).all().all()
    csv = pd.read_csv(joblib_sweep / "aggregate.csv")
    assert len(csv) == 4 and list(csv.columns) == list(table.columns)
    # every job negotiates every track; linking Keystone XL makes the metals deal likelier
    assert table["deal_likelihood/energy"].notna().all()
    steel = table.groupby("scenario.linkage")["deal_likelihood/steel_aluminum"].mean()
    assert steel[True] > steel[False]


def test_aggregate_reads_parameters_from_configs_not_folder_names(
    joblib_sweep: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(joblib_sweep), str(copy)], check=True)
    for job_dir in sorted(p for p in copy.iterdir() if p.is_dir()):
        job_dir.rename(copy / f"renamed_{job_dir.name}x")  # misleading names
    aggregate = script("aggregate")
    assert aggregate.main([str(copy), "--out", str(tmp_path / "out")]) == 0
    table = pd.read_parquet(tmp_path / "out" / "aggregate.parquet")
    original = pd.read_parquet(joblib_sweep / "aggregate.parquet")
    key = ["job", "scenario.linkage", "scenario.leaders.trump.suspension_hazard_per_week"]
    merged = table.merge(original, on=key, suffixes=("", "_orig"))
    assert len(merged) == 4
    assert (merged["deal_likelihood/autos"] == merged["deal_likelihood/autos_orig"]).all()


def test_figure_scripts_draw_the_sweep(joblib_sweep: Path, tmp_path: Path) -> None:
    fig_vs = script("fig_likelihood_vs_param")
    assert (
        fig_vs.main(
            [
                str(joblib_sweep),
                "--param",
                "scenario.leaders.trump.suspension_hazard_per_week",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert fig_vs.main([str(joblib_sweep), "--out", str(tmp_path)]) == 2  # two swept: must choose
    heatmap = script("fig_heatmap")
    assert heatmap.main([str(joblib_sweep), "--out", str(tmp_path)]) == 0
    survival = script("fig_time_to_deal")
    assert survival.main([str(joblib_sweep), "--out", str(tmp_path)]) == 0
    tariffs = script("fig_tariff_distributions")
    assert tariffs.main([str(joblib_sweep), "--out", str(tmp_path)]) == 0
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert pngs == [
        "heatmap_linkage_suspension_hazard_per_week.png",
        "likelihood_vs_scenario_leaders_trump_suspension_hazard_per_week.png",
        "tariff_distributions.png",
        "time_to_deal.png",
    ]
    assert all((tmp_path / p).stat().st_size > 10_000 for p in pngs)

    # Kaplan-Meier without censoring before the deadline: 1 - share agreed by the deadline
    data = survival.aggregate(survival.load_runs(joblib_sweep))
    table = pd.read_parquet(joblib_sweep / "aggregate.parquet")
    for _, rows in data[data["track"] == "autos"].groupby("label"):
        km = survival.survival(rows["weeks"].to_numpy(), rows["is_deal"].to_numpy())
        assert km.sf.probabilities[-1] == pytest.approx(1 - rows["is_deal"].mean())
    assert set(data["label"]) and len(set(data["label"])) == len(table)
    shares = tariffs.aggregate(tariffs.load_runs(joblib_sweep))
    totals = shares.groupby(["point", "issue"])["share"].sum()
    assert np.allclose(totals, 1.0)


# --- the keystone_linkage preset -------------------------------------------------------------
def test_keystone_linkage_raises_the_metals_deal_likelihood(tmp_path: Path) -> None:
    n = 10_000
    ok(
        sim_run(
            "-m",
            "+experiment=keystone_linkage",
            f"n_replicates={n}",
            "progress=false",
            f"hydra.sweep.dir={tmp_path}",
        )
    )
    table = pd.read_parquet(tmp_path / "aggregate.parquet").set_index("scenario.linkage")
    assert len(table) == 2 and (table["status"] == "complete").all()
    assert (table["experiment"] == "keystone_linkage").all()
    for job_dir in table["job_dir"]:
        assert job_config(Path(job_dir))["experiment_name"] == "keystone_linkage"
    col = "deal_likelihood/steel_aluminum"
    on, off = table.loc[True, col], table.loc[False, col]
    assert on > off
    # and not by chance: one-sided Fisher exact test on the 2 x 2 table of deals
    deals = np.array([[round(on * n), n - round(on * n)], [round(off * n), n - round(off * n)]])
    assert stats.fisher_exact(deals, alternative="greater").pvalue < 0.001


# --- faults and resume -----------------------------------------------------------------------
def test_a_failing_job_is_recorded_and_a_rerun_resumes_the_rest(tmp_path: Path) -> None:
    # job 1 asks for an impossible weekly hazard: it fails at run time, the others finish
    args = [
        "-m",
        *SMALL,
        "scenario.leaders.trump.suspension_hazard_per_week=0.05,2.0,0.1",
        f"hydra.sweep.dir={tmp_path}",
    ]
    proc = sim_run(*args)
    assert proc.returncode == 1, proc.stderr  # the sweep ran, but not every job finished
    assert "1 failed" in proc.stderr and "Traceback" not in proc.stderr
    error = json.loads((tmp_path / "1" / "error.json").read_text())
    assert error["type"] == "ConfigError"
    assert "suspension_hazard_per_week=2.0" in error["message"]
    assert "ConfigError" in (tmp_path / "1" / "traceback.txt").read_text()
    assert not (tmp_path / "1" / "summary.json").exists()
    for num in ("0", "2"):
        assert "config_hash" in summary(tmp_path / num)
    table = pd.read_parquet(tmp_path / "aggregate.parquet").set_index("job")
    assert list(table["status"]) == ["complete", "failed", "complete"]
    assert table.loc[1, "error_type"] == "ConfigError"
    assert table.loc[1, "scenario.leaders.trump.suspension_hazard_per_week"] == 2.0
    jobs = json.loads((tmp_path / "jobs.json").read_text())["jobs"]
    assert [j["overrides"][-1] for j in jobs] == [
        f"scenario.leaders.trump.suspension_hazard_per_week={v}" for v in ("0.05", "2.0", "0.1")
    ]

    # interrupt job 2 after the fact, then rerun the same sweep into the same directory
    before = (tmp_path / "0" / "outcomes.parquet").stat().st_mtime_ns
    expected = summary(tmp_path / "2")
    (tmp_path / "2" / "summary.json").unlink()
    proc = sim_run(*args)
    assert proc.returncode == 1  # job 1 still fails
    assert (
        proc.stdout.count("skipped") == 1 and f"{tmp_path / '0'}: already complete" in proc.stdout
    )
    assert (tmp_path / "0" / "outcomes.parquet").stat().st_mtime_ns == before
    redone = summary(tmp_path / "2")
    assert redone["config_hash"] == expected["config_hash"]
    assert redone["deal_likelihood"] == expected["deal_likelihood"]  # same seed, same results
    table = pd.read_parquet(tmp_path / "aggregate.parquet")
    assert list(table["status"]) == ["complete", "failed", "complete"]


def test_aggregate_lists_jobs_that_never_started(joblib_sweep: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(joblib_sweep), str(copy)], check=True)
    subprocess.run(["rm", "-r", str(copy / "3")], check=True)
    aggregate = script("aggregate")
    assert aggregate.main([str(copy)]) == 1
    table = pd.read_csv(copy / "aggregate.csv").set_index("job")
    assert table.loc[3, "status"] == "missing"
    assert table.loc[3, "error_type"] == "NotStarted"
    assert bool(table.loc[3, "scenario.linkage"]) is False  # its parameters come from jobs.json


# --- launchers ---------------------------------------------------------------------------------
def test_submitit_local_launcher_runs_a_two_job_sweep(tmp_path: Path) -> None:
    ok(
        sim_run(
            "-m", *SMALL, "seed=1,2", "hydra/launcher=local_submitit", f"hydra.sweep.dir={tmp_path}"
        )
    )
    table = pd.read_parquet(tmp_path / "aggregate.parquet")
    assert len(table) == 2 and (table["status"] == "complete").all()
    assert sorted(table["seed"]) == [1, 2]
    assert (tmp_path / ".submitit").is_dir()
    for job_dir in table["job_dir"]:
        assert json.loads((Path(job_dir) / "manifest.json").read_text())["n_workers"] == 1


def test_two_runs_started_together_get_their_own_directories(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "sim", "n_replicates=20", "progress=false"]
    procs = [
        subprocess.Popen(
            cmd, cwd=tmp_path, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    runs = sorted((tmp_path / "results" / "default").iterdir())
    assert len(runs) == 2 and all((r / "summary.json").exists() for r in runs)


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("+experiment=no_such_preset", "Could not find 'experiment/no_such_preset'"),
        ("seed=1,2,[", "cannot parse override 'seed=1,2,['"),
        ("scenario.linkagee=true,false", "scenario.linkagee: Key 'linkagee' not in"),
        ("protocol.suspension_weeks=1,2 protocol.nope=3", "protocol.nope"),
    ],
    ids=["unknown-preset", "bad-sweep-syntax", "unknown-swept-key", "unknown-key"],
)
def test_sweep_config_mistakes_exit_2_with_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arg: str,
    message: str,
) -> None:
    # sim.run.main as the command line calls it, in this process (no interpreter start-up)
    from hydra.core.global_hydra import GlobalHydra

    from sim.cli import run

    argv = [run.__file__, "-m", *SMALL, *arg.split(), f"hydra.sweep.dir={tmp_path}"]
    monkeypatch.setattr(sys, "argv", argv)
    GlobalHydra.instance().clear()
    with pytest.raises(SystemExit) as exit_info:
        run.main()
    GlobalHydra.instance().clear()
    assert exit_info.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("config error:") and message in lines[0]
    assert not list(tmp_path.glob("*/summary.json"))


# --- adaptive replication ----------------------------------------------------------------------
def test_adaptive_precision_stops_once_every_interval_is_narrow_enough(tmp_path: Path) -> None:
    proc = ok(
        sim_run(
            "n_replicates=100",
            "batch_size=100",
            "precision=0.04",
            "max_replicates=5000",
            "progress=false",
            f"hydra.run.dir={tmp_path}",
        )
    )
    result = summary(tmp_path)
    adaptive = result["adaptive"]
    assert adaptive["is_reached"] is True
    n = result["n_replicates"]
    assert n == adaptive["n_replicates"] == adaptive["totals"][-1] and 100 < n < 5000
    assert adaptive["rounds"] == len(adaptive["totals"]) >= 2
    widths = [(r["ci_high"] - r["ci_low"]) / 2 for r in result["deal_likelihood"]]
    assert max(widths) <= 0.04
    assert f"adaptive replication: {n:,} replicates" in proc.stdout
    outcomes = pd.read_parquet(tmp_path / "outcomes.parquet")
    assert sorted(outcomes["replicate"].unique()) == list(range(n))
