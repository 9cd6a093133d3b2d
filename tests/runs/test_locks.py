"""One writer per folder (:mod:`sim.runs.locks`): a busy folder is refused, holds nest."""

from __future__ import annotations

import errno
import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.runs import locks


def other_process_holds(folder: Path) -> subprocess.Popen[str]:
    """A child process that takes the folder's lock and waits for a line on stdin."""
    code = (
        "import sys; from pathlib import Path; from sim.runs import locks; "
        f"locks.acquire(Path({str(folder)!r})); print('held', flush=True); sys.stdin.readline()"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    return child


def test_a_folder_locked_by_another_process_is_refused_until_it_exits(tmp_path: Path) -> None:
    child = other_process_holds(tmp_path)
    with pytest.raises(locks.DirectoryBusy) as info:
        locks.acquire(tmp_path, "sweep")
    message = str(info.value)
    assert f"another sweep is writing into it (process {child.pid})" in message
    assert "\n" not in message
    child.communicate("\n", timeout=30)  # the holder exits: the system releases its lock
    with locks.locked(tmp_path):
        assert locks.is_held(tmp_path)
    assert not locks.is_held(tmp_path)


def test_holds_nest_within_a_process(tmp_path: Path) -> None:
    locks.acquire(tmp_path)
    locks.acquire(tmp_path)  # the command line, then run_job: no self-deadlock
    locks.release(tmp_path)
    assert locks.is_held(tmp_path)
    # another open file of the lock: still taken
    with open(tmp_path / ".lock") as other, pytest.raises(BlockingIOError):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    locks.release_all()
    assert not locks.is_held(tmp_path)
    with open(tmp_path / ".lock") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free now


def test_a_file_system_that_cannot_lock_warns_and_goes_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(locks.fcntl, "flock", no_locks)
    with locks.locked(tmp_path):
        pass
    warning = capsys.readouterr().err.strip()
    assert warning == f"warning: {tmp_path}: not locked (No locks available)"
