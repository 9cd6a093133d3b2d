"""Limits before work (:mod:`sim.runs.limits`): workers within cores, memory within the machine."""

from __future__ import annotations

import dataclasses
from concurrent import futures

import pytest

import sim.runs.experiment as experiment_module
from sim.config.errors import ConfigError
from sim.runs import limits
from sim.runs.execute import simulate_run
from sim.runs.limits import check_memory, estimate_peak_mib, worker_notice


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "usable_cores", lambda: 2)


def test_more_workers_than_cores_are_capped_with_a_notice(two_cores, cfg) -> None:
    many = dataclasses.replace(cfg, n_workers=32)
    notice = worker_notice(many)
    assert notice is not None and "\n" not in notice
    assert "n_workers=32" in notice and "2 usable" in notice
    assert limits.effective_workers(32) == 2 and limits.effective_workers(0) == 2
    assert worker_notice(dataclasses.replace(cfg, n_workers=2)) is None


def test_forced_workers_above_the_cores_are_refused(two_cores, cfg) -> None:
    forced = dataclasses.replace(cfg, n_workers=32, force_workers=True)
    with pytest.raises(ConfigError, match=r"^n_workers=32: .*force_workers") as err:
        worker_notice(forced)
    assert "\n" not in str(err.value)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_32_workers_on_2_cores_start_2_processes(
    two_cores, cfg, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[int] = []

    class Recording(futures.ProcessPoolExecutor):
        def __init__(self, max_workers: int, **kwargs: object) -> None:
            started.append(max_workers)
            super().__init__(max_workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(experiment_module, "ProcessPoolExecutor", Recording)
    run = simulate_run(dataclasses.replace(cfg, n_replicates=200, batch_size=20, n_workers=32))
    assert started == [2]
    assert run.n_replicates == 200
    assert "capped to the 2 usable core(s)" in capsys.readouterr().err


def test_memory_estimate_grows_with_what_is_held() -> None:
    streamed = [estimate_peak_mib(n, 2000, 1) for n in (10**5, 10**7)]
    assert streamed[0] == streamed[1]  # a streamed run does not grow with n_replicates
    assert estimate_peak_mib(10**7, 2000, 1, in_memory=True) > streamed[1]
    assert estimate_peak_mib(10**5, 20_000, 1) > streamed[0]
    assert estimate_peak_mib(10**5, 2000, 8) > estimate_peak_mib(10**5, 2000, 2)


def test_a_run_that_would_not_fit_is_refused_in_one_line(
    cfg, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "available_mib", lambda: 100.0)
    big = dataclasses.replace(cfg, n_replicates=10**6, batch_size=5000, n_workers=1)
    with pytest.raises(ConfigError) as err:
        check_memory(big)
    message = str(err.value)
    assert "\n" not in message
    for part in ("n_replicates=1000000", "batch_size=5000", "n_workers=1", "MiB"):
        assert part in message
    with pytest.raises(ConfigError):  # refused before any replicate is simulated
        simulate_run(big)
    monkeypatch.setattr(limits, "available_mib", lambda: None)  # unknown: not refused
    assert check_memory(big).fits
