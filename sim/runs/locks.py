"""One writer per run or sweep directory: an advisory lock on ``<dir>/.lock``.

Two runs aimed at one ``hydra.run.dir`` (or two sweeps at one ``hydra.sweep.dir``) would otherwise
interleave their files into a folder that looks complete. The lock is ``flock`` on a file inside
the directory: the operating system releases it when its holder exits, however it exits, so a
killed run never leaves a stale lock behind. The file holds the holder's process id, for the
message the second run prints.

Locks are re-entrant within a process (the command line locks a run directory before Hydra
writes ``.hydra/``, then :func:`sim.runs.jobs.run_job` locks it again around the job).
``flock`` works on local file systems and on NFS v4; POSIX only. On a file system that cannot
lock at all (``ENOLCK``, ``EOPNOTSUPP``) the run goes ahead unlocked, with a one-line warning.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sim.runs.schema import LOCK_FILE


class DirectoryBusy(RuntimeError):
    """Another process holds the directory's lock."""


@dataclass
class _Held:
    fd: int
    count: int


_held: dict[str, _Held] = {}
#: ``flock`` errors that mean "this file system cannot lock", not "somebody holds the lock".
_CANNOT_LOCK = frozenset({errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS})


def _key(directory: Path) -> str:
    return os.path.realpath(directory)


def _holder(path: Path) -> str:
    try:
        pid = path.read_text().strip()
    except OSError:
        return "another process"
    return f"process {pid}" if pid.isdigit() else "another process"


def acquire(directory: Path, what: str = "run") -> None:
    """Take the directory's lock (creating the directory), or raise :class:`DirectoryBusy`.

    Args:
        directory: The run or sweep directory.
        what: ``run`` or ``sweep``, for the message.

    Raises:
        DirectoryBusy: One line naming the directory and the process that holds it.
    """
    key = _key(directory)
    if key in _held:
        _held[key].count += 1
        return
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise DirectoryBusy(
            f"{directory}: another {what} is writing into it ({_holder(path)}); "
            "wait for it to finish or choose another directory"
        ) from None
    except OSError as exc:
        if exc.errno not in _CANNOT_LOCK:
            os.close(fd)
            raise
        print(f"warning: {directory}: not locked ({exc.strerror})", file=sys.stderr)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    _held[key] = _Held(fd, 1)


def release(directory: Path) -> None:
    """Give up one hold of the directory's lock (the last one unlocks it)."""
    key = _key(directory)
    held = _held.get(key)
    if held is None:
        return
    held.count -= 1
    if held.count <= 0:
        del _held[key]
        os.close(held.fd)  # closing the descriptor releases the flock


def release_all() -> None:
    """Release every lock this process holds (the command line's last step)."""
    for key in list(_held):
        held = _held.pop(key)
        os.close(held.fd)


def is_held(directory: Path) -> bool:
    """Whether this process holds the directory's lock."""
    return _key(directory) in _held


@contextlib.contextmanager
def locked(directory: Path, what: str = "run") -> Iterator[None]:
    """Hold the directory's lock for the block (see :func:`acquire`)."""
    acquire(directory, what)
    try:
        yield
    finally:
        release(directory)
