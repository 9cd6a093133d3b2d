"""Points of a design on a backend (:mod:`sim.runs.backends`), and ``sim.sweep`` on a cluster.

The fast tests check the seam's contract (order, errors) locally; the ``cluster`` tests start a
Dask cluster bound to 127.0.0.1 in this process, run a small sweep, a design (``sim.explore``)
and a calibration (``sim.calibrate``) on it, compare each with the local run and stop the
cluster (``make test-cluster``, or ``pytest -m cluster``).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

import sim
from sim.runs.backends import map_points

GRID = {"scenario.linkage": [True, False], "seed": [1, 2]}


def square(x: int) -> int:
    return x * x


def test_points_come_back_in_order_locally_and_in_processes() -> None:
    points = list(range(7, 0, -1))
    assert map_points(square, points) == [p * p for p in points]
    assert map_points(square, points, n_workers=2) == [p * p for p in points]


def test_a_bad_backend_is_one_clear_error() -> None:
    with pytest.raises(ValueError, match="backend='spark'"):
        map_points(square, [1], backend="spark")
    with pytest.raises(ValueError, match="needs address"):
        map_points(square, [1], backend="dask")


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        protocol="tcp",
    )
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


@pytest.mark.cluster
def test_a_sweep_on_a_loopback_dask_cluster_equals_the_local_sweep(dask_cluster: str) -> None:
    assert dask_cluster.startswith("tcp://127.0.0.1:")
    local = sim.sweep(GRID, n_replicates=60, batch_size=30)
    remote = sim.sweep(GRID, n_replicates=60, batch_size=30, address=dask_cluster)
    pd.testing.assert_frame_equal(remote, local)  # same seeds, same random numbers


@pytest.mark.cluster
def test_map_points_on_the_cluster_keeps_the_order(dask_cluster: str) -> None:
    points = list(range(20, 0, -1))
    assert map_points(square, points, address=dask_cluster) == [p * p for p in points]


EXPLORE = {
    "size": 3,
    "n_replicates": 40,
    "params": ["scenario.parties.united_states.track_reservation_values.steel_aluminum"],
    "prim": False,
}


@pytest.mark.cluster
def test_a_design_on_the_cluster_equals_the_local_design(dask_cluster: str, tmp_path) -> None:
    local = sim.explore("lhs", run_dir=tmp_path / "local", **EXPLORE)
    remote = sim.explore("lhs", run_dir=tmp_path / "remote", address=dask_cluster, **EXPLORE)
    pd.testing.assert_frame_equal(remote.results, local.results)  # common random numbers
    assert len(list((tmp_path / "remote" / "points").glob("*.json"))) == EXPLORE["size"]


@pytest.mark.cluster
def test_a_calibration_on_the_cluster_equals_the_local_one(dask_cluster: str, tmp_path) -> None:
    settings = {
        "params": EXPLORE["params"],
        "n_draws": 6,
        "quantile": 0.5,
        "n_replicates": 30,
        "forecast_draws": 2,
        "forecast_replicates": 30,
    }
    local = sim.calibrate(run_dir=tmp_path / "local", **settings)
    remote = sim.calibrate(run_dir=tmp_path / "remote", address=dask_cluster, **settings)
    np.testing.assert_array_equal(remote.posterior_draws, local.posterior_draws)
    pd.testing.assert_frame_equal(remote.tables["scores"], local.tables["scores"])


@pytest.mark.cluster
def test_abc_smc_samples_its_particles_on_the_cluster(dask_cluster: str, tmp_path) -> None:
    r = sim.calibrate(
        method="smc",
        params=EXPLORE["params"],
        population_size=8,
        max_populations=2,
        n_replicates=20,
        forecast_draws=2,
        forecast_replicates=20,
        run_dir=tmp_path,
        address=dask_cluster,
    )
    assert len(r.posterior_draws) == 8 and (tmp_path / "abc_smc.db").is_file()


@pytest.mark.cluster  # waits for the connection to time out
def test_an_unreachable_cluster_is_one_line() -> None:
    pytest.importorskip("distributed")
    with pytest.raises(OSError, match=r"tcp://127\.0\.0\.1:9") as err:
        map_points(square, [1], address="tcp://127.0.0.1:9")
    assert "\n" not in str(err.value)
