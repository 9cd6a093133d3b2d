"""A sweep on a local Ray cluster bound to the loopback interface only (``make test-cluster``).

Needs the optional ``ray`` extra (``pip install -e '.[ray]'``). The cluster is started on
127.0.0.1 with a throw-away token in the environment (never written to ``~/.ray``), checked with
``ss -ltnp`` to listen on loopback addresses only, used for a two-point sweep, and stopped.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = re.compile(r"^(127\.\d+\.\d+\.\d+|\[::1\]|\[::ffff:127\.\d+\.\d+\.\d+\]):\d+$")


def _free_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ray_listeners() -> list[tuple[str, str]]:
    """(local address, process) of every listening TCP socket owned by a Ray process."""
    out = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        fields = line.split()
        local, users = fields[3], " ".join(fields[5:])
        for pid in re.findall(r"pid=(\d+)", users):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if b"ray" in cmdline:
                found.append((local, users))
                break
    return found


@pytest.fixture(scope="module")
def ray_head() -> Iterator[tuple[str, dict[str, str]]]:
    pytest.importorskip("hydra_plugins.hydra_ray_launcher")
    ray_bin = Path(sys.executable).with_name("ray")
    if not ray_bin.exists() or shutil.which("ss") is None:
        pytest.skip("needs the ray CLI (pip install -e '.[ray]') and ss (iproute2)")
    env = {
        **os.environ,
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",  # else Ray 2.60 listens on every interface
        "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(32),
        "MPLBACKEND": "Agg",
    }
    port = _free_loopback_port()
    temp_dir = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's socket paths are long
    start = [
        str(ray_bin), "start", "--head",
        "--node-ip-address=127.0.0.1", f"--port={port}",
        "--num-cpus=2", "--include-dashboard=false", "--disable-usage-stats",
        f"--temp-dir={temp_dir}",
    ]  # fmt: skip
    try:
        subprocess.run(start, env=env, check=True, capture_output=True, timeout=180)
        yield f"127.0.0.1:{port}", env
    finally:
        subprocess.run([str(ray_bin), "stop"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(temp_dir, ignore_errors=True)


def test_ray_cluster_listens_on_loopback_only(ray_head: tuple[str, dict[str, str]]) -> None:
    listeners = _ray_listeners()
    assert listeners, "the Ray head should be listening"
    exposed = [(addr, who) for addr, who in listeners if not LOOPBACK.match(addr)]
    assert not exposed, f"Ray listens beyond loopback: {exposed}"


def test_two_point_sweep_on_the_ray_cluster(
    ray_head: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    address, env = ray_head
    sweep_dir = tmp_path.resolve() / "sweep"  # absolute: the jobs run in Ray worker processes
    proc = subprocess.run(
        [
            sys.executable, "-m", "sim", "-m",
            "n_replicates=200", "progress=false", "seed=1,2",
            "hydra/launcher=ray_cluster",
            f"hydra.launcher.ray.init.address={address}",
            f"hydra.sweep.dir={sweep_dir}",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    table = pd.read_parquet(sweep_dir / "aggregate.parquet")
    assert len(table) == 2 and (table["status"] == "complete").all()
    assert sorted(table["seed"]) == [1, 2]
    exposed = [(a, w) for a, w in _ray_listeners() if not LOOPBACK.match(a)]
    assert not exposed, f"Ray listens beyond loopback after the sweep: {exposed}"
