"""I/O faults as one line: which path, and why (a full disk, a read-only or vanished folder, ...).

Writers raise different ``OSError`` exceptions for one fault: Python's name the file and carry
``errno``; pyarrow's (``Error writing bytes to file. Detail: [errno 28] ...``) name neither; a
failure while writing a temporary file names the temporary file, not the one the user asked for.
:func:`naming` turns any of them into ``OSError(errno, cause, path)`` for the file being written,
so the command line can print ``error: <path>: <cause>`` (:mod:`sim.cli.run`) and tests can
check the cause by ``errno``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

_ERRNO = re.compile(r"\[errno (\d+)\]", re.IGNORECASE)


def error_number(exc: OSError) -> int | None:
    """``exc.errno``, or the ``[errno N]`` that pyarrow writes into its messages."""
    if exc.errno:
        return int(exc.errno)
    found = _ERRNO.search(str(exc))
    return int(found.group(1)) if found else None


def path_error(exc: OSError, path: Path) -> OSError:
    """The same fault as ``exc``, naming ``path`` and its cause in words (``strerror``)."""
    code = error_number(exc)
    cause = os.strerror(code) if code else (exc.strerror or str(exc).splitlines()[0] or "I/O error")
    if code is None:
        return OSError(cause, str(path))
    return OSError(code, cause, str(path))  # OSError picks the subclass (PermissionError, ...)


def open_file_at_fault(exc: BaseException) -> str | None:
    """The name of the file object being written where ``exc`` was raised, if any.

    ``file.write`` on a full disk raises an ``OSError`` without a file name (Hydra's
    ``_save_config`` writes ``multirun.yaml`` and ``.hydra/*.yaml`` so); the innermost frame
    holding an open file names it.
    """
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        for value in frame.f_locals.values():
            name = getattr(value, "name", None) if isinstance(value, io.IOBase) else None
            if isinstance(name, str):
                return name
    return None


def describe(exc: OSError) -> str:
    """``<path>: <cause>`` (or just the cause when no path is known), on one line."""
    named = exc.filename or open_file_at_fault(exc)
    where = f"{named}: " if named else ""
    code = error_number(exc)
    cause = exc.strerror or (os.strerror(code) if code else str(exc))
    return " ".join(f"{where}{cause}".split())


@contextlib.contextmanager
def naming(path: Path, *temporaries: Path) -> Iterator[None]:
    """Re-raise an ``OSError`` of the block as one naming ``path``.

    An error that already names another real path (a folder that cannot be created) keeps it;
    one naming nothing, or one of ``temporaries`` (the file written in ``path``'s place), names
    ``path``.
    """
    try:
        yield
    except OSError as exc:
        named = exc.filename
        if named is not None and Path(named) not in {Path(t) for t in temporaries}:
            raise
        raise path_error(exc, path) from exc
