"""The completion stamp (:mod:`sim.runs.stamp`) certifies content, and resume trusts only that.

On copies of the shared run directory: a fresh run verifies; any change to a file the stamp covers
(a replaced outcome table, another run's summary, a different config) makes it unverified, and a
resume then runs the job again instead of trusting the folder.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from sim.config.schema import RunConfig
from sim.runs.execute import execute
from sim.runs.jobs import completed_summary, config_hash, run_job, saved_config_matches
from sim.runs.replay import load_run_config
from sim.runs.stamp import file_digest, verify_stamp, vouched_files, write_stamp
from tests.conftest import compose_run_config


@pytest.fixture
def run(run_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    return copy


def digest_of(run_dir: Path) -> str:
    return config_hash(load_run_config(run_dir))


def test_a_finished_run_is_stamped_last_and_verifies(run: Path) -> None:
    stamp = json.loads((run / "stamp.json").read_text())
    assert stamp["config_hash"] == digest_of(run)
    covered = set(stamp["files"])
    assert {"outcomes.parquet", "summary.json", "manifest.json", ".hydra/config.yaml"} <= covered
    assert any(name.endswith(".png") for name in covered)
    for name, checksum in stamp["files"].items():
        assert file_digest(run / name) == checksum
    assert verify_stamp(run, digest_of(run)).ok


def test_the_stamp_is_the_last_file_written(run_dir: Path) -> None:
    stamp_time = (run_dir / "stamp.json").stat().st_mtime_ns
    for name in vouched_files(run_dir):
        assert (run_dir / name).stat().st_mtime_ns <= stamp_time, name


def other_run(tmp_path: Path) -> Path:
    """A second, different run (another seed) to take files from."""
    out = tmp_path / "other"
    cfg = compose_run_config(["n_replicates=50", "seed=99", "progress=false"])
    (out / ".hydra").mkdir(parents=True)
    OmegaConf.save(OmegaConf.structured(cfg), out / ".hydra" / "config.yaml")
    run_job(cfg, out, execute, multirun=False)
    return out


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_files_of_another_run_are_detected(run: Path, tmp_path: Path) -> None:
    digest = digest_of(run)
    other = other_run(tmp_path)
    for name, problem in [
        ("outcomes.parquet", "outcomes.parquet changed"),
        ("summary.json", "summary.json changed"),
        (".hydra/config.yaml", ".hydra/config.yaml changed"),
    ]:
        original = (run / name).read_bytes()
        shutil.copyfile(other / name, run / name)
        check = verify_stamp(run, digest)
        assert not check.ok and problem in check.reason, (name, check.reason)
        assert completed_summary(run, digest) is None  # a resume would not trust it
        (run / name).write_bytes(original)
    assert verify_stamp(run, digest).ok


def test_a_missing_truncated_or_foreign_stamp_is_not_complete(run: Path) -> None:
    digest = digest_of(run)
    stamp = (run / "stamp.json").read_text()
    assert not verify_stamp(run, "0" * 16).ok  # stamped for another config
    (run / "stamp.json").write_text(stamp[: len(stamp) // 2])
    assert "unreadable" in verify_stamp(run, digest).reason
    (run / "stamp.json").unlink()
    assert "no completion stamp" in verify_stamp(run, digest).reason
    # a summary stamped with the right hash is not enough on its own
    assert json.loads((run / "summary.json").read_text())["config_hash"] == digest
    assert completed_summary(run, digest) is None


def test_a_truncated_outcome_table_is_detected(run: Path) -> None:
    path = run / "outcomes.parquet"
    path.write_bytes(path.read_bytes()[:100])
    check = verify_stamp(run, digest_of(run))
    assert not check.ok and check.reason == "outcomes.parquet changed after the run was stamped"


def rewrite_config(run: Path, **changes: object) -> RunConfig:
    cfg = dataclasses.replace(load_run_config(run), **changes)
    OmegaConf.save(OmegaConf.structured(cfg), run / ".hydra" / "config.yaml")
    return cfg


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_hydra_rewriting_the_config_with_execution_settings_only_keeps_the_run(run: Path) -> None:
    digest = digest_of(run)
    rewrite_config(run, progress=True, n_workers=3, overwrite=True)  # a resume's Hydra does this
    assert not verify_stamp(run, digest).ok  # the bytes changed ...
    check = verify_stamp(run, digest, semantic=saved_config_matches)
    assert check.ok and check.hydra_rewritten  # ... the run did not
    assert completed_summary(run, digest) is not None  # resume re-certifies the new copies
    assert verify_stamp(run, digest).ok


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_rewritten_config_with_another_seed_is_not_the_run(run: Path) -> None:
    digest = digest_of(run)
    rewrite_config(run, seed=12345)
    assert not verify_stamp(run, digest, semantic=saved_config_matches).ok


def test_resume_runs_a_job_again_when_its_folder_was_tampered_with(run: Path) -> None:
    cfg = load_run_config(run)
    calls = []

    def task(c: RunConfig, out: Path) -> dict:
        calls.append(out)
        (out / "summary.json").write_text(json.dumps({"seed": c.seed}))
        return {}

    assert run_job(cfg, run, task, multirun=True) is not None and not calls  # verified: skipped
    (run / "manifest.json").write_text("{}\n")
    run_job(cfg, run, task, multirun=True)
    assert calls == [run]  # not trusted: run again, and stamped afresh
    assert verify_stamp(run, config_hash(cfg)).ok


def test_a_killed_job_leaves_no_stamp(run: Path) -> None:
    cfg = dataclasses.replace(load_run_config(run), seed=5)  # another config: the job runs

    def killed(c: RunConfig, out: Path) -> dict:
        (out / "outcomes.parquet").write_bytes(b"half")
        raise RuntimeError("killed")

    assert run_job(cfg, run, killed, multirun=True) is None
    assert not (run / "stamp.json").exists()  # withdrawn before the job started writing
    assert not verify_stamp(run, config_hash(cfg)).ok


def test_write_stamp_covers_files_present_only(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text(json.dumps({"config_hash": "abc"}))
    (tmp_path / "run.log").write_text("appended later\n")
    write_stamp(tmp_path, "abc")
    stamp = json.loads((tmp_path / "stamp.json").read_text())
    assert set(stamp["files"]) == {"summary.json"}  # logs grow after the stamp: not covered
    (tmp_path / "run.log").write_text("more\n")
    assert verify_stamp(tmp_path, "abc").ok
