"""Start and stop ``solara run`` serving the page, on the loopback interface only.

``solara run`` may leave a process behind: its server waits for open websockets before it exits,
so while a browser is connected it ignores SIGTERM, and with auto-restart it runs the server in a
child process. :meth:`DashboardServer.stop` therefore ends the whole process tree, and the
session it was started in: SIGTERM first, SIGKILL for whatever is left after a grace period.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO

import psutil

from sim.dashboard.settings import ENV_VAR, DashboardSettings

#: The page module ``solara run`` serves.
APP_MODULE = "sim.dashboard.app"
#: The only interface the dashboard listens on.
HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def free_port(host: str = HOST) -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def solara_command(port: int, host: str = HOST) -> list[str]:
    """The ``solara run`` command line: no browser, no version check against the internet."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP_MODULE,
        "--host",
        host,
        "--port",
        str(port),
        "--no-open",
        "--no-check-version",
        "--production",
    ]


def server_environment(settings: DashboardSettings) -> dict[str, str]:
    """This environment plus the page's settings; Solara's usage statistics off."""
    env = dict(os.environ)
    env[ENV_VAR] = settings.to_json()
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONUNBUFFERED"] = "1"
    return env


class DashboardServer:
    """``solara run`` serving the dashboard on ``127.0.0.1:port``, as a context manager.

    Args:
        settings: What the page shows first.
        port: The port (0: a free one).
        log: Where the server's output goes (default: discarded).
    """

    def __init__(
        self, settings: DashboardSettings, port: int = DEFAULT_PORT, log: IO[str] | None = None
    ) -> None:
        self.settings = settings
        self.port = port or free_port()
        self.log = log
        self.process: subprocess.Popen[str] | None = None
        self._tree: dict[int, psutil.Process] = {}

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://{HOST}:{self.port}/"

    def start(self, timeout: float = 90.0) -> str:
        """Start the server and wait until it answers; return its address.

        Raises:
            RuntimeError: If it exits or does not answer within ``timeout`` seconds.
        """
        self.process = subprocess.Popen(
            solara_command(self.port),
            env=server_environment(self.settings),
            stdout=self.log if self.log is not None else subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: stop() can end all of it
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._remember_tree()
            if self.process.poll() is not None:
                raise RuntimeError(f"solara run exited with status {self.process.returncode}")
            if _answers(self.url):
                return self.url
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"the dashboard did not answer at {self.url} within {timeout:.0f} s")

    def _remember_tree(self) -> None:
        """Note the server's processes (a child could outlive its parent and be re-parented)."""
        if self.process is None:
            return
        with contextlib.suppress(psutil.NoSuchProcess):
            root = psutil.Process(self.process.pid)
            for proc in [root, *root.children(recursive=True)]:
                self._tree.setdefault(proc.pid, proc)

    def alive(self) -> list[psutil.Process]:
        """The server's processes still running."""
        self._remember_tree()
        return [p for p in self._tree.values() if _running(p)]

    def stop(self, grace: float = 5.0) -> None:
        """End the server and every process it started: SIGTERM, then SIGKILL after ``grace`` s."""
        if self.process is None:
            return
        procs = self.alive()
        self._signal_group(signal.SIGTERM)
        for proc in procs:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.terminate()
        _, survivors = psutil.wait_procs(procs, timeout=grace)
        if survivors:
            self._signal_group(signal.SIGKILL)
            for proc in survivors:
                with contextlib.suppress(psutil.NoSuchProcess):
                    proc.kill()
            psutil.wait_procs(survivors, timeout=grace)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=grace)

    def _signal_group(self, sig: signal.Signals) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, sig)  # the session's group: its pid is the leader's

    def wait(self) -> int:
        """Block until the server exits by itself; its exit status."""
        assert self.process is not None
        return self.process.wait()

    def __enter__(self) -> DashboardServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def results_folder(path: str | Path) -> str:
    """An absolute results folder (the server may run with another working directory)."""
    return str(Path(path).expanduser().resolve())
